"""The daily work report (日工作呈报表): the desk staff fill and submit it, the supervisor signs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from html import escape
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.roles import MANAGERS
from wuyedesk.i18n import tr
from wuyedesk.services import daily_reports
from wuyedesk.services import staff as staff_service
from wuyedesk.services.context import Actor
from wuyedesk.services.daily_reports import REPORTERS, ReportView
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import ERROR_COLOR, ERROR_STYLE, FORM_ERROR, SHOWN_ZONE, clear_errors
from wuyedesk.ui.binder import submit as run_form
from wuyedesk.ui.pdf_preview import preview_path, show_pdf
from wuyedesk.ui.record_table import RecordTable, make_button, shown_time

Clock = Callable[[], datetime]
TEXTS = (
    ("done_text", tr("已完成工作")),
    ("undone_text", tr("未完成工作（及原因）")),
    ("coordination_text", tr("需协调事项")),
)
NOT_STARTED = tr("未填写")
Row = ReportView | str  # a name alone: a reporter who has not started the day's report
ROWS: tuple[tuple[str, Callable[[Any], str]], ...] = (
    (tr("呈报人"), lambda r: r if isinstance(r, str) else r.staff_name),
    (tr("状态"), lambda r: NOT_STARTED if isinstance(r, str) else r.state_label),
    (tr("呈报时间"), lambda r: "" if isinstance(r, str) else shown_time(r.submitted_at)),
)


W = TypeVar("W", bound=QWidget)


def _named(widget: W, name: str) -> W:
    """Give a widget its objectName (the field name for inputs) and return it."""
    widget.setObjectName(name)
    return widget


def _stack(*widgets: QWidget, stretch: int = -1) -> QWidget:
    """Return the widgets one under another without margins; `stretch` names the one that grows."""
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    for i, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if i == stretch else 0)
    return holder


def _row(*widgets: QWidget | None) -> QWidget:
    """Return the widgets side by side without margins; None is the space that grows."""
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        if widget is None:
            layout.addStretch(1)
        else:
            layout.addWidget(widget)
    return holder


def _error_label(name: str) -> QLabel:
    label = _named(QLabel(), name)
    label.setStyleSheet(f"color: {ERROR_COLOR};")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def _text_box(name: str, height: int = 70) -> QPlainTextEdit:
    box = _named(QPlainTextEdit(), name)
    box.setMinimumHeight(height)
    return box


def _form_widget(fields: tuple[tuple[str, str, QWidget], ...]) -> QWidget:
    """Return a form whose fields carry their model names, each with its own error label."""
    form = QWidget()
    form.setStyleSheet(ERROR_STYLE)
    layout = QFormLayout(form)
    layout.setContentsMargins(0, 0, 0, 0)
    for name, caption, widget in fields:
        column = QVBoxLayout()
        column.addWidget(widget)
        column.addWidget(_error_label(f"{name}_error"))
        layout.addRow(caption, column)
    layout.addRow(_error_label(FORM_ERROR))
    return form


class ReportSheet(QWidget):
    """One report as on paper: who and when, the counted work, open items, own lines, review."""

    def __init__(self, parent: QWidget | None = None, *, own: bool = False) -> None:
        super().__init__(parent)
        holding = tr("我手上未办结的记录") if own else tr("手上未办结的记录")
        self.heading = _named(QLabel(), "heading")
        self.counts = _named(QTableWidget(0, 2), "counts")
        self.counts.setHorizontalHeaderLabels([tr("事项"), tr("数量")])
        self.counts.verticalHeader().setVisible(False)
        header = self.counts.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.counts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.open_items = _named(QListWidget(), "open_items")
        self.texts = {name: _text_box(name) for name, _ in TEXTS}
        self.form = _form_widget(tuple((n, tr(c), self.texts[n]) for n, c in TEXTS))
        self.review = _named(QLabel(), "review")
        self.review.setWordWrap(True)
        self.review.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.review_box = QGroupBox(tr("主管审阅"))
        QVBoxLayout(self.review_box).addWidget(self.review)
        counted = QHBoxLayout()
        for caption, widget in ((tr("今日工作统计"), self.counts), (holding, self.open_items)):
            box = QGroupBox(tr(caption))
            QVBoxLayout(box).addWidget(widget)
            box.setMaximumHeight(190)
            counted.addWidget(box, 1)
        # A sheet shown only for reading should not look like a box waiting to be filled.
        self.setStyleSheet('QPlainTextEdit[readOnly="true"] { background: #f3f3f3; }')
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(counted)
        layout.addWidget(self.form, 1)
        layout.addWidget(self.review_box)

    def show_report(self, view: ReportView | None, *, editable: bool = False) -> None:
        """Fill the sheet from a report (None clears it); the own lines are editable on a draft."""
        self.counts.setRowCount(0)
        self.open_items.clear()
        clear_errors(self.form)
        for name, box in self.texts.items():
            box.setPlainText(getattr(view, name, None) or "")
            box.setReadOnly(not editable)
        if view is None:
            self.heading.clear()
            self.review_box.setVisible(False)
            return
        self.heading.setText(
            tr("<b>{0}</b>（{1}）　日期 {2:%Y-%m-%d}　状态：<b>{3}</b>").format(
                escape(view.staff_name), view.role_label, view.day, view.state_label
            )
        )
        for label, n in view.counts.items():
            row = self.counts.rowCount()
            self.counts.insertRow(row)
            self.counts.setItem(row, 0, QTableWidgetItem(label))
            self.counts.setItem(row, 1, QTableWidgetItem(str(n)))
        self.open_items.addItems(view.open_items or [tr("（无）")])
        self.review_box.setVisible(bool(view.reviewed_at or view.review_comment))
        self.review.setText(self._review_text(view))

    def _review_text(self, view: ReportView) -> str:
        lines: list[str] = []
        if view.reviewed_at is not None:
            signed = shown_time(view.reviewed_at, "%Y-%m-%d %H:%M")
            lines.append(tr("审阅人：{0}　　审阅时间：{1}").format(view.reviewer, signed))
        lines.append(tr("审阅意见：{0}").format(view.review_comment or ""))
        if view.next_day_tasks:
            lines.append(tr("次日工作安排：{0}").format(view.next_day_tasks))
        return "<br>".join(escape(line).replace("\n", "<br>") for line in lines)


class DailyReportWindow(QWidget):
    """The daily report: a reporter's own sheet, or the supervisor's list, review and checks."""

    def __init__(
        self,
        office: OfficeFile,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.office, self.actor, self.clock = office, actor, clock
        self.setObjectName("daily_report")
        self.setWindowTitle(tr("日工作呈报表"))
        self.resize(1100, 760)
        self.view: ReportView | None = None
        self.rows: list[Row] = []
        self.message = _named(QLabel(), "message")
        self.message.setWordWrap(True)
        self.day = _named(QDateEdit(QDate(self.today())), "day")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setMaximumDate(QDate(self.today()))
        layout = QVBoxLayout(self)
        if actor.role in REPORTERS:
            self._build_reporter(layout)
        elif actor.role in MANAGERS:
            self._build_supervisor(layout)
        else:
            self.day.setVisible(False)
            layout.addWidget(QLabel(tr("日工作呈报表由文员、助理和服务台人员填写，主管审阅。")))
            layout.addStretch(1)
            return
        self.day.dateChanged.connect(lambda _d: self.refresh())
        self.refresh()

    # -- time ---------------------------------------------------------------------------------
    def now(self) -> datetime:
        """Return the office's current time (a test may inject its own clock)."""
        return self.clock() if self.clock is not None else datetime.now(SHOWN_ZONE)

    def today(self) -> date:
        """Return today's date in office time."""
        return self.now().astimezone(SHOWN_ZONE).date()

    def chosen_day(self) -> date:
        """Return the date the picker shows."""
        return self.day.date().toPython()  # type: ignore[return-value]

    def _top_row(self, title: str, *buttons: QWidget) -> QWidget:
        return _row(QLabel(tr("<b>{0}</b>　日期").format(tr(title))), self.day, None, *buttons)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {ERROR_COLOR};" if error else "color: #2e7d32;")

    # -- the reporter -------------------------------------------------------------------------
    def _build_reporter(self, layout: QVBoxLayout) -> None:
        self.setWindowTitle(tr("我的日工作呈报表"))
        tasks = daily_reports.assignments_for(self.office, self.actor, now=self.now())
        shown = escape(tasks or "").replace("\n", "<br>")
        self.assignments = _named(
            QLabel(tr("<b>主管安排的今日工作：</b><br>") + shown), "assignments"
        )
        self.assignments.setWordWrap(True)
        self.assignments.setStyleSheet(
            "background: #fff8e1; border: 1px solid #ffb300; padding: 6px;"
        )
        self.assignments.setVisible(bool(tasks))
        layout.addWidget(self.assignments)
        self.save_button = make_button(tr("保存"), "save", self.save)
        self.submit_button = make_button(tr("呈报"), "submit", self.submit)
        self.print_button = make_button(tr("打印"), "print", self.print_report)
        layout.addWidget(
            self._top_row(
                tr("我的日工作呈报表"), self.save_button, self.submit_button, self.print_button
            )
        )
        self.sheet = ReportSheet(self, own=True)
        layout.addWidget(self.sheet, 1)
        layout.addWidget(self.message)

    def _own_texts(self) -> dict[str, str]:
        return {name: box.toPlainText() for name, box in self.sheet.texts.items()}

    def _show_own(self, view: ReportView | None) -> None:
        self.view = view
        editable = view is not None and any(a == "submit" for a, _ in view.actions)
        self.sheet.show_report(view, editable=editable)
        self.save_button.setEnabled(editable)
        self.submit_button.setEnabled(editable)
        self.print_button.setEnabled(view is not None)

    def _save_call(self) -> ReportView:
        assert self.view is not None
        saved = daily_reports.save_report(
            self.office, self.actor, self.view.id, version=self.view.version, **self._own_texts()
        )
        self.view = saved  # the next call needs the new version even if submitting fails
        return saved

    def save(self) -> ReportView | None:
        """Keep the own lines on the draft."""
        saved = run_form(self.sheet.form, self._save_call)
        if saved is not None:
            self._show_own(saved)
            self._say(tr("已保存 {0}").format(shown_time(self.now(), "%H:%M")))
        return saved

    def submit(self) -> ReportView | None:
        """Save the own lines, then submit the report to the supervisor."""

        def call() -> ReportView:
            saved = self._save_call()
            return daily_reports.submit_report(
                self.office, self.actor, saved.id, version=saved.version, now=self.now()
            )

        done = run_form(self.sheet.form, call)
        if done is None:
            self._say(tr("未呈报，请按提示修改"), error=True)
            return None
        self._show_own(done)
        self._say(tr("已呈报主管 {0}").format(shown_time(self.now(), "%H:%M")))
        return done

    # -- the supervisor -----------------------------------------------------------------------
    def _build_supervisor(self, layout: QVBoxLayout) -> None:
        self.print_button = make_button(tr("打印"), "print", self.print_report)
        self.print_button.setEnabled(False)
        layout.addWidget(self._top_row(tr("日工作呈报表审阅"), self.print_button))
        self.table = RecordTable(ROWS, self)
        self.table.setObjectName("reporters")
        self.table.picked.connect(self._picked)
        self.sheet = ReportSheet(self)
        self.comment = _text_box("review_comment", 50)
        self.tasks = _text_box("next_day_tasks", 60)
        for box in (self.comment, self.tasks):
            box.setMaximumHeight(90)  # the report above is what the supervisor reads
        self.review_form = _form_widget(
            (
                ("review_comment", tr("审阅意见"), self.comment),
                ("next_day_tasks", tr("次日工作安排"), self.tasks),
            )
        )
        self.review_button = make_button(tr("审阅签名"), "review", self.review)
        self.send_back_button = make_button(tr("退回修改"), "send_back", self.send_back)
        buttons = _row(None, self.send_back_button, self.review_button)
        self.review_part = _stack(self.review_form, buttons)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(_stack(self.table, self._spot_box(), stretch=0))
        split.addWidget(_stack(self.sheet, self.review_part, stretch=0))
        split.setSizes([380, 720])
        layout.addWidget(split, 1)
        layout.addWidget(self.message)

    def _spot_box(self) -> QGroupBox:
        box = QGroupBox(tr("抽查记录"))
        self.spot_staff = _named(QComboBox(), "staff_id")
        self.spot_staff.addItem(tr("（不指定员工）"), None)
        for person in staff_service.list_staff(self.office):
            if person.id != self.actor.staff_id:
                self.spot_staff.addItem(
                    tr("{0}（{1}）").format(person.name, person.role_label), person.id
                )
        self.spot_checked = _named(QLineEdit(), "checked")
        self.spot_found = _named(QLineEdit(), "found")
        self.spot_corrected = _named(QCheckBox(tr("已纠正")), "corrected")
        self.spot_form = _form_widget(
            (
                ("staff_id", tr("被抽查人"), self.spot_staff),
                ("checked", tr("抽查内容"), self.spot_checked),
                ("found", tr("发现问题"), self.spot_found),
                ("corrected", "", self.spot_corrected),
            )
        )
        self.spot_saved = _named(QLabel(), "spot_saved")
        self.spot_saved.setStyleSheet("color: #2e7d32;")
        row = QHBoxLayout()
        row.addWidget(self.spot_saved, 1)
        row.addWidget(make_button(tr("记录抽查"), "record_spot_check", self.record_spot_check))
        layout = QVBoxLayout(box)
        layout.addWidget(self.spot_form)
        layout.addLayout(row)
        return box

    def _picked(self, row: Row | None) -> None:
        self.view = row if isinstance(row, ReportView) else None
        self.sheet.show_report(self.view)
        clear_errors(self.review_form)
        self.comment.setPlainText(self.view.review_comment or "" if self.view else "")
        self.tasks.setPlainText(self.view.next_day_tasks or "" if self.view else "")
        actions = {a for a, _ in self.view.actions} if self.view else set()
        self.print_button.setEnabled(self.view is not None)
        self.review_button.setEnabled("review" in actions)
        self.send_back_button.setEnabled("reopen" in actions)
        # Only a submitted report waits for the supervisor; a signed one shows its 主管审阅 box.
        self.review_part.setVisible(bool(actions))
        if isinstance(row, str):
            self.sheet.heading.setText(tr("{0} 当天还没有填写呈报表").format(escape(row)))

    def _review(self, send_back: bool) -> ReportView | None:
        view = self.view
        if view is None:
            return None
        done = run_form(
            self.review_form,
            lambda: daily_reports.review_report(
                self.office,
                self.actor,
                view.id,
                version=view.version,
                comment=self.comment.toPlainText(),
                next_day_tasks=self.tasks.toPlainText(),
                send_back=send_back,
                now=self.now(),
            ),
        )
        if done is not None:
            self._say(tr("{0}：{1}").format(done.staff_name, done.state_label))
            self.refresh(select=done.staff_name)
        return done

    def review(self) -> ReportView | None:
        """Sign the selected report and leave tomorrow's tasks for its author."""
        return self._review(False)

    def send_back(self) -> ReportView | None:
        """Send the selected report back to its author with a comment."""
        return self._review(True)

    def record_spot_check(self) -> int | None:
        """Record an unannounced check and confirm it on the line beside the button."""
        self.spot_saved.clear()
        check_id = run_form(
            self.spot_form,
            lambda: daily_reports.record_spot_check(
                self.office,
                self.actor,
                staff_id=self.spot_staff.currentData(),
                checked=self.spot_checked.text(),
                found=self.spot_found.text(),
                corrected=self.spot_corrected.isChecked(),
                now=self.now(),
            ),
        )
        if check_id is not None:
            self.spot_saved.setText(
                tr("已记录抽查：{0}　{1}").format(
                    self.spot_staff.currentText(), shown_time(self.now(), "%m-%d %H:%M")
                )
            )
            for edit in (self.spot_checked, self.spot_found):
                edit.clear()
            self.spot_corrected.setChecked(False)
        return check_id

    # -- both ---------------------------------------------------------------------------------
    def print_report(self) -> Path | None:
        """Print the shown report as one A4 page and show it to print."""
        from wuyedesk.services import report_printing

        view = self.view
        if view is None:
            return None
        out = preview_path(
            tr("日工作呈报表_{0:%Y-%m-%d}_{1}.pdf").format(view.day, view.staff_name)
        )
        try:
            report_printing.print_daily_report(self.office, self.actor, view.id, out)
        except UserError as exc:
            self._say(exc.message, error=True)
            return None
        self.preview = show_pdf(out, self.window())
        return out

    def refresh(self, select: str | None = None) -> None:
        """Read the chosen day again: the own report, or every reporter's."""
        try:
            if self.actor.role in REPORTERS:
                view = daily_reports.todays_report(
                    self.office, self.actor, day=self.chosen_day(), now=self.now()
                )
                self._show_own(view)
                return
            keep = select or (self.view.staff_name if self.view else None)
            self.rows = list(daily_reports.list_reports(self.office, self.actor, self.chosen_day()))
        except UserError as exc:
            self._say(exc.message, error=True)
            return
        self.table.set_rows(self.rows)
        self._picked(None)
        names = [ROWS[0][1](r) for r in self.rows]
        if keep in names:
            self.table.selectRow(names.index(keep))
