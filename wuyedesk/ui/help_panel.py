"""One help request's detail: the red step log, the conversions, the enquiry answer."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.kinds import Department, labels
from wuyedesk.domain.units import shown_unit_codes
from wuyedesk.i18n import tr
from wuyedesk.services import help_requests
from wuyedesk.services.context import Actor
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import ERROR_COLOR
from wuyedesk.ui.contact_panel import html_lines
from wuyedesk.ui.pdf_preview import preview_path, show_pdf
from wuyedesk.ui.record_table import hbox, make_button, overdue_warning, run_step, shown_time

CONVERSIONS = (
    ("contact", tr("转为登记")),
    ("repair", tr("转为维修单")),
    ("enquiry", tr("转为咨询")),
)
STEP_MOVES = frozenset({"dispatch", "arrive", "handle"})
NOTED_STEPS = ("sent", "confirmed")  # who was sent; the situation found
STEP_LOG_STYLE = (
    f"QGroupBox#step_log {{ background-color: #ffebee; border: 2px solid {ERROR_COLOR};"
    " border-radius: 4px; margin-top: 1.4em; padding-top: 6px; }"
    f" QGroupBox#step_log::title {{ color: {ERROR_COLOR}; subcontrol-origin: margin;"
    " left: 10px; font-weight: bold; }"
    f" QGroupBox#step_log QPushButton {{ color: {ERROR_COLOR}; font-weight: bold; }}"
    " QGroupBox#step_log QPushButton:disabled { color: #9e9e9e; font-weight: normal; }"
)


class HelpPanel(QGroupBox):
    """Show one help request and its live steps."""

    changed = Signal(object)  # the id of the request that changed

    def __init__(self, office: OfficeFile, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(tr("求助详情"))
        self.setObjectName("help_panel")
        self.office, self.actor = office, actor
        self.view: Any = None
        self.preview: QWidget | None = None
        self.summary = QLabel()
        self.summary.setObjectName("detail")
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setObjectName("detail_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOR};")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        self._build_steps(layout)
        self._build_general(layout)
        self._build_enquiry(layout)
        self.handle_result = QLineEdit()
        self.handle_result.setObjectName("handle_result")
        self.handle_result.setPlaceholderText(tr("处理经过 / 结果"))
        self.handle_button = make_button(tr("处理完毕"), "handle", self.handle)
        self.close_button = make_button(tr("完成"), "close", self.close_request)
        self.void_button = make_button(tr("作废…"), "void", self.void)
        self.rows: dict[str, QWidget] = {
            "handle": hbox(self.handle_result, self.handle_button),
            "close": self.close_button,
            "void": self.void_button,
        }
        layout.addWidget(self.rows["handle"])
        layout.addWidget(hbox(self.close_button, self.void_button))
        layout.addStretch(1)
        self.show_view(None)

    # -- building -----------------------------------------------------------------------------
    def _build_steps(self, layout: QVBoxLayout) -> None:
        self.step_log = QGroupBox(tr("特别求助处理经过（每步点一下，自动记下时间和人员）"))
        self.step_log.setObjectName("step_log")
        self.step_log.setStyleSheet(STEP_LOG_STYLE)
        grid = QGridLayout(self.step_log)
        self.step_note = QLineEdit()
        self.step_note.setObjectName("step_note")
        self.step_note.setPlaceholderText(
            tr("通知了谁 / 现场情况（「通知最近人员」「现场情况确认」须先在此填写）")
        )
        grid.addWidget(self.step_note, 0, 0, 1, 2)
        self.step_buttons: dict[str, QPushButton] = {}
        self.step_done: dict[str, QLabel] = {}
        for row, (step, text) in enumerate(help_requests.SPECIAL_STEPS.items(), start=1):
            button = make_button(tr(text), f"step_{step}", lambda s=step: self.log_step(s))
            done = QLabel()
            done.setObjectName(f"step_{step}_done")
            done.setWordWrap(True)
            grid.addWidget(button, row, 0)
            grid.addWidget(done, row, 1)
            self.step_buttons[step], self.step_done[step] = button, done
        grid.setColumnStretch(1, 1)
        layout.addWidget(self.step_log)

    def _build_general(self, layout: QVBoxLayout) -> None:
        self.convert_buttons = {
            into: make_button(tr(text), f"convert_{into}", lambda i=into: self.convert(i))
            for into, text in CONVERSIONS
        }
        self.linked = QLabel()
        self.linked.setObjectName("linked")
        self.convert_row = hbox(*self.convert_buttons.values(), self.linked)
        layout.addWidget(self.convert_row)

    def _build_enquiry(self, layout: QVBoxLayout) -> None:
        self.enquiry_box = QGroupBox(tr("咨询答复"))
        self.enquiry_box.setObjectName("enquiry_box")
        self.answer = QPlainTextEdit()
        self.answer.setObjectName("answer")
        self.answer.setMaximumHeight(90)
        self.answer_button = make_button(tr("答复"), "answer", self.answer_enquiry)
        self.print_button = make_button(tr("打印书面答复…"), "print_answer", self.print_answer)
        box = QVBoxLayout(self.enquiry_box)
        box.addWidget(self.answer)
        box.addWidget(hbox(self.answer_button, self.print_button))
        layout.addWidget(self.enquiry_box)

    # -- showing ------------------------------------------------------------------------------
    def record_id(self) -> int | None:
        """Return the id of the request shown, or None."""
        return self.view.id if self.view is not None else None

    def show_view(self, view: Any) -> None:
        """Show a request (None: nothing chosen) with the parts its type and state allow."""
        self.view = view
        self.message.clear()
        live = dict(view.actions) if view is not None else {}
        for action, row in self.rows.items():
            row.setVisible(action in live)
        if view is None:
            for part in (self.step_log, self.convert_row, self.enquiry_box):
                part.setVisible(False)
            self.summary.setText(tr("在左边的列表中选择一条求助，查看详情并处理。"))
            return
        # Steps are stamped while the workflow still has a special-help move to make.
        is_open = bool(STEP_MOVES & set(live))
        self.step_log.setVisible(bool(view.is_special))
        done = {s.step: s for s in view.steps}
        for step, button in self.step_buttons.items():
            entry = done.get(step)
            button.setEnabled(is_open and entry is None)
            self.step_done[step].setText(self._step_text(entry) if entry else "")
        linked = getattr(view, "contact_number", None) or getattr(view, "repair_number", None)
        self.convert_row.setVisible(not view.is_special and ("convert" in live or bool(linked)))
        for button in self.convert_buttons.values():
            button.setVisible("convert" in live)
        self.linked.setText(tr("已转为 {0}").format(linked) if linked else "")
        is_enquiry = view.help_type == "enquiry"
        self.enquiry_box.setVisible(is_enquiry)
        self.answer.setPlainText(view.answer or "")
        self.answer.setReadOnly("answer" not in live)
        self.answer_button.setVisible("answer" in live)
        self.print_button.setVisible(bool(view.written and view.answer))
        self.summary.setText(self._summary(view))

    def _step_text(self, entry: Any) -> str:
        text = tr("✓ {0}　{1}").format(shown_time(entry.at), entry.staff_name)
        return tr("{text}　{0}").format(entry.note, text=text) if entry.note else text

    def _summary(self, v: Any) -> str:
        enquiry = ""
        if v.help_type == "enquiry":
            enquiry = tr("书面") if v.written else tr("口头")
            if getattr(v, "confidential", False):
                enquiry += tr("，涉及保密")
        pairs: list[tuple[str, object]] = [
            (tr("求助时间"), shown_time(v.at, "%Y-%m-%d %H:%M")),
            (tr("求助人"), v.requester_name),
            (
                tr("楼层/房号"),
                shown_unit_codes(
                    getattr(v, "unit_code", None) or getattr(v, "location", None) or ""
                ),
            ),
            (tr("联系电话"), getattr(v, "phone", None)),
            (tr("求助类型"), v.help_type_label),
            (tr("内容"), v.content),
            (tr("接报人"), v.received_by),
            (tr("咨询方式"), enquiry),
            (tr("答复期限"), shown_time(v.answer_due) if v.written and v.answer_due else ""),
            (tr("处理结果"), getattr(v, "result", None)),
        ]
        color = ERROR_COLOR if v.is_special else "#333333"
        head = tr(
            "<p style='font-size:12pt'><b>{0}</b>　<span style='color:{color}'>{1}</span>　{2}</p>"
        ).format(escape(v.number), escape(v.category_label), escape(v.state_label), color=color)
        return head + overdue_warning(v) + html_lines(pairs)

    # -- steps --------------------------------------------------------------------------------
    def _run(self, step: Callable[[], Any]) -> Any:
        return run_step(self, step)

    def log_step(self, step: str) -> Any:
        """Stamp one step of a special request with the time and the person."""
        v = self.view
        note = self.step_note.text().strip() if step in NOTED_STEPS else ""
        result = self._run(
            lambda: help_requests.log_step(
                self.office, self.actor, v.id, step, note=note or None, version=v.version
            )
        )
        if result is not None and note:
            self.step_note.clear()
        return result

    def convert(self, into: str) -> Any:
        """Turn a general request into a register entry, a repair slip or an enquiry."""
        v = self.view
        department = None
        if into == "contact" and v.help_type == "complaint":
            names = labels(Department)
            chosen, ok = QInputDialog.getItem(
                self, tr("转为登记"), tr("被投诉部门："), list(names.values()), 0, False
            )
            if not ok:
                return None
            department = next(k for k, text in names.items() if text == chosen)
        return self._run(
            lambda: help_requests.convert_help(
                self.office,
                self.actor,
                v.id,
                into,
                version=v.version,
                complained_department=department,
            )
        )

    def answer_enquiry(self) -> Any:
        """Record the answer given to an enquiry."""
        v = self.view
        text = self.answer.toPlainText().strip()
        return self._run(
            lambda: help_requests.answer_enquiry(
                self.office, self.actor, v.id, text, version=v.version
            )
        )

    def handle(self) -> Any:
        """Record that a special request was dealt with, and how."""
        v = self.view
        result = self.handle_result.text().strip()
        return self._run(
            lambda: help_requests.handle_help(
                self.office, self.actor, v.id, result, version=v.version
            )
        )

    def close_request(self) -> Any:
        """Close the request."""
        v = self.view
        return self._run(
            lambda: help_requests.close_help(self.office, self.actor, v.id, version=v.version)
        )

    def void(self) -> Any:
        """Void the request with a reason asked for."""
        v = self.view
        reason, ok = QInputDialog.getText(self, tr("作废"), tr("作废原因："))
        if not ok:
            return None
        return self._run(
            lambda: help_requests.void_help(
                self.office, self.actor, v.id, reason.strip(), version=v.version
            )
        )

    def print_answer(self) -> Path | None:
        """Print the written answer into a PDF and open the preview."""
        from wuyedesk.services import printing  # the PDF renderer loads only when printing

        number = self.view.number
        out = preview_path(tr("书面答复_{number}.pdf").format(number=number))
        try:
            printing.print_enquiry_answer(self.office, self.actor, number, out)
        except UserError as exc:
            self.message.setText(exc.message)
            QMessageBox.warning(self, tr("未打印"), exc.message)
            return None
        self.preview = show_pdf(out, self.window())
        return out
