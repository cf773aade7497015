"""The unit card: one unit's paper file — its data, its people, their history, its records."""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QCloseEvent, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.units import shown_unit_codes
from wuyedesk.i18n import tr
from wuyedesk.services import drafts, residents
from wuyedesk.services import staff as staff_service
from wuyedesk.services.context import Actor
from wuyedesk.services.estate import stale_before
from wuyedesk.services.permissions import allowed
from wuyedesk.services.unit_card import RecordLine, UnitCard, unit_card
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.idle_lock import CLOSED_BY_DESK
from wuyedesk.ui.resident_form import FORM_NAME, ResidentDialog

log = logging.getLogger(__name__)
STALE_COLOR = QColor("#ffe0b2")  # orange: data to update (篇1 §4(2)B)
ID_ROLE = Qt.ItemDataRole.UserRole
PEOPLE_HEADINGS = (
    tr("姓名"),
    tr("身份"),
    tr("电话"),
    tr("证件号码"),
    tr("入住日期"),
    tr("资料状态"),
)
HISTORY_HEADINGS = (tr("姓名"), tr("身份"), tr("电话"), tr("入住日期"), tr("迁出日期"))
RECORD_HEADINGS = (tr("编号"), tr("日期"), tr("类别"), tr("状态"), tr("摘要"))
CLIPBOARD_CLEAR_MS = 30_000  # a copied full number leaves the clipboard after this long


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _table(headings: tuple[str, ...], tr) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setHorizontalHeaderLabels([tr(h) for h in headings])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _set_row(table: QTableWidget, row: int, cells: list[str], key: int | None = None) -> None:
    for column, text in enumerate(cells):
        item = QTableWidgetItem(text)
        if key is not None:
            item.setData(ID_ROLE, key)
        table.setItem(row, column, item)


class RecordsTab(QStackedWidget):
    """A read-only list of the unit's records of one kind, or 暂无记录."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty = QLabel(tr("暂无记录"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #888888;")
        self.table = _table(RECORD_HEADINGS, tr)
        self.addWidget(self.empty)
        self.addWidget(self.table)

    def show_lines(self, lines: list[RecordLine]) -> None:
        """Show these records, newest first as the service gives them."""
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            at = line.at.strftime("%Y-%m-%d %H:%M") if line.at else ""
            _set_row(self.table, row, [line.number, at, line.kind, line.state, line.summary])
        self.setCurrentWidget(self.table if lines else self.empty)


class UnitCardWidget(QWidget):
    """The unit's file as the cabinet holds it, with the buttons to keep it up to date."""

    changed = Signal()

    def __init__(
        self,
        office: OfficeFile,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        clipboard_clear_ms: int = CLIPBOARD_CLEAR_MS,
    ) -> None:
        super().__init__(parent)
        self.office, self.actor = office, actor
        self.card: UnitCard | None = None
        self.forms: list[ResidentDialog] = []
        self._revealed: dict[int, residents.ResidentView] = {}
        self.copied: str | None = None  # the full number this card put on the clipboard
        self.clipboard_timer = QTimer(self)
        self.clipboard_timer.setSingleShot(True)
        self.clipboard_timer.setInterval(clipboard_clear_ms)
        self.clipboard_timer.timeout.connect(self.clear_clipboard)
        self.stack = QStackedWidget(self)
        hint = QLabel(tr("在左边选择一户，或在上面搜索住户"))
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setStyleSheet("color: #666666; font-size: 13pt;")
        self.stack.addWidget(hint)
        self.stack.addWidget(self._build_card())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self._update_buttons()

    # -- layout -------------------------------------------------------------------------------
    def _build_card(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self._build_header())
        people = QGroupBox(tr("现住人员"))
        box = QVBoxLayout(people)
        self.people = _table(PEOPLE_HEADINGS, tr)
        self.people.itemSelectionChanged.connect(self._update_buttons)
        self.people.itemActivated.connect(lambda _item: self.edit_selected())
        box.addWidget(self.people)
        box.addLayout(self._build_buttons())
        layout.addWidget(people, 3)
        history = QGroupBox(tr("历史住户"))
        self.history = _table(HISTORY_HEADINGS, tr)
        QVBoxLayout(history).addWidget(self.history)
        layout.addWidget(history, 2)
        self.records = QTabWidget()
        tabs = [RecordsTab() for _ in range(3)]
        self.contacts_tab, self.repairs_tab, self.visits_tab = tabs
        for tab, title in zip(tabs, (tr("来访/来电"), tr("维修单"), tr("回访")), strict=True):
            self.records.addTab(tab, tr(title))
        layout.addWidget(self.records, 2)
        return page

    def _build_header(self) -> QWidget:
        header = QGroupBox(tr("住户档案"))
        grid = QGridLayout(header)
        grid.setHorizontalSpacing(18)
        self.code_label = QLabel()
        self.code_label.setObjectName("code")
        self.code_label.setStyleSheet("font-size: 16pt; font-weight: bold;")
        grid.addWidget(self.code_label, 0, 0, 1, 6)
        self.header_values: dict[str, QLabel] = {}
        names = (
            ("building", tr("楼栋")),
            ("entrance", tr("单元")),
            ("floor", tr("楼层")),
            ("room", tr("房间")),
            ("area", tr("建筑面积")),
            ("possession_date", tr("收楼日期")),
        )
        for index, (name, label) in enumerate(names):
            row, column = 1 + index // 3, (index % 3) * 2
            caption = QLabel(tr(label))
            caption.setStyleSheet("color: #666666;")
            value = QLabel()
            value.setObjectName(name)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(caption, row, column)
            grid.addWidget(value, row, column + 1)
            self.header_values[name] = value
        grid.setColumnStretch(5, 1)
        return header

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.add_button = QPushButton(tr("新增住户"))
        self.edit_button = QPushButton(tr("编辑"))
        self.move_out_button = QPushButton(tr("迁出"))
        self.reveal_button = QPushButton(tr("显示完整号码"))
        self.flag_button = QPushButton(tr("标记待更新"))
        self.copy_id_button = QPushButton(tr("复制证件号码"))
        self.copy_phone_button = QPushButton(tr("复制电话"))
        self.reveal_button.setToolTip(tr("显示本行的完整电话和证件号码（会记入审计日志）"))
        seconds = self.clipboard_timer.interval() // 1000
        for button in (self.copy_id_button, self.copy_phone_button):
            button.setToolTip(
                tr("先显示完整号码才能复制；{0} 秒后自动从剪贴板清除").format(seconds)
            )
        for button, slot in (
            (self.add_button, self.add_resident),
            (self.edit_button, self.edit_selected),
            (self.move_out_button, self.move_out_selected),
            (self.reveal_button, self.reveal_selected),
            (self.copy_id_button, self.copy_id_selected),
            (self.copy_phone_button, self.copy_phone_selected),
            (self.flag_button, self.flag_selected),
        ):
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        return row

    # -- showing ------------------------------------------------------------------------------
    def show_unit(self, code: str) -> None:
        """Show a unit's card (full numbers shown before are masked again)."""
        try:
            card = unit_card(self.office, self.actor, code)
        except UserError as exc:
            QMessageBox.warning(self, tr("无法打开"), exc.message)
            return
        if self.card is None or card.id != self.card.id:
            self._revealed.clear()
        self.card = card
        self._fill_header(card)
        self._fill_people(card)
        self._fill_history(card)
        self.contacts_tab.show_lines(card.contacts)
        self.repairs_tab.show_lines(card.repairs)
        self.visits_tab.show_lines(card.visits)
        self.stack.setCurrentIndex(1)
        self._update_buttons()

    def _fill_header(self, card: UnitCard) -> None:
        self.code_label.setText(tr("房号 {code}").format(code=shown_unit_codes(card.code)))
        values = {
            "building": tr("{0} 栋").format(card.building),
            "entrance": tr("{0} 单元").format(card.entrance) if card.entrance else "—",
            "floor": tr("{0} 层").format(card.floor),
            "room": card.room,
            "area": tr("{0} m²").format(card.area_m2) if card.area_m2 else "—",
            "possession_date": _day(card.possession_date) or "—",
        }
        for name, text in values.items():
            self.header_values[name].setText(text)

    def _fill_people(self, card: UnitCard) -> None:
        limit = stale_before(self.office)
        self.people.setRowCount(len(card.people))
        for row, person in enumerate(card.people):
            shown = self._revealed.get(person.id, person)
            verified = self._verified_on(person)
            stale = person.data_status != "valid" or verified is None or verified < limit
            status = tr("待更新") if stale else tr("有效")
            if verified is not None:
                status += tr("（核验于 {0}）").format(verified.isoformat())
            cells = [
                person.name,
                tr(person.role_label),
                " / ".join(filter(None, (shown.phone, shown.landline))),
                shown.id_number,
                _day(person.moved_in),
                status,
            ]
            _set_row(self.people, row, cells, person.id)
            if stale:
                for column in range(self.people.columnCount()):
                    self.people.item(row, column).setBackground(QBrush(STALE_COLOR))
        if card.people:
            self.people.selectRow(0)

    def _verified_on(self, person: residents.ResidentView) -> date | None:
        # ResidentView does not carry the verification date (yet); the form data does.
        value = getattr(person, "verified_on", None) or residents.resident_form_data(
            self.office, self.actor, person.id
        ).get("verified_on")
        return value if isinstance(value, date) else None

    def _fill_history(self, card: UnitCard) -> None:
        self.history.setRowCount(len(card.history))
        for row, person in enumerate(card.history):
            phone = " / ".join(filter(None, (person.phone, person.landline)))
            cells = [
                person.name,
                tr(person.role_label),
                phone,
                _day(person.moved_in),
                _day(person.moved_out),
            ]
            _set_row(self.history, row, cells, person.id)

    def selected(self) -> residents.ResidentView | None:
        """Return the current person picked in the people table."""
        if self.card is None:
            return None
        rows = self.people.selectionModel().selectedRows()
        if not rows:
            return None
        key = self.people.item(rows[0].row(), 0).data(ID_ROLE)
        return next((p for p in self.card.people if p.id == key), None)

    def _update_buttons(self) -> None:
        may_edit = allowed(self.actor, "residents.edit")
        picked = self.selected() is not None
        self.add_button.setEnabled(may_edit and self.card is not None)
        for button in (self.edit_button, self.move_out_button, self.flag_button):
            button.setEnabled(may_edit and picked)
        may_reveal = allowed(self.actor, "residents.reveal")
        self.reveal_button.setEnabled(may_reveal and picked)
        shown = self.revealed_selected() if may_reveal else None
        self.copy_id_button.setEnabled(bool(shown and shown.id_number))
        self.copy_phone_button.setEnabled(bool(shown and (shown.phone or shown.landline)))

    def revealed_selected(self) -> residents.ResidentView | None:
        """Return the picked person's full numbers if their row is revealed now, else None."""
        person = self.selected()
        return self._revealed.get(person.id) if person is not None else None

    # -- actions ------------------------------------------------------------------------------
    def add_resident(self) -> ResidentDialog | None:
        """Open an empty resident form for this unit."""
        if self.card is None:
            return None
        return self.open_form(self.card.code, None)

    def edit_selected(self) -> ResidentDialog | None:
        """Open the picked person's form."""
        person = self.selected()
        if person is None or not allowed(self.actor, "residents.edit"):
            return None
        return self.open_form(person.unit_code, person.id)

    def open_form(
        self, unit_code: str, resident_id: int | None, draft: dict | None = None
    ) -> ResidentDialog | None:
        """Open (or bring forward) the resident form; it stays open beside the card."""
        for form in self.forms:
            if form.unit_code == unit_code and form.resident_id == resident_id and draft is None:
                form.raise_()
                form.activateWindow()
                return form
        try:
            form = ResidentDialog(self.office, self.actor, unit_code, resident_id, draft, self)
        except UserError as exc:
            QMessageBox.warning(self, tr("无法打开"), exc.message)
            return None
        self.forms.append(form)
        form.saved.connect(lambda _view, f=form: self._after_save(f))
        form.finished.connect(lambda _result, f=form: self._forget(f))
        form.open()
        return form

    def _after_save(self, form: ResidentDialog) -> None:
        drafts.discard_draft(self.office, self.actor, FORM_NAME, form.record_key)
        if self.card is not None:
            self.show_unit(self.card.code)
        self.changed.emit()

    def _forget(self, form: ResidentDialog) -> None:
        if form in self.forms:
            self.forms.remove(form)
        # Closed by the lock, the form may be the parent of a message box whose exec() has
        # yet to return: it then goes with its window, which the desk deletes when safe.
        if not form.property(CLOSED_BY_DESK):
            form.deleteLater()

    def move_out_selected(self) -> None:
        """Record the picked person's move-out day; they go to the history table."""
        person = self.selected()
        if person is None:
            return
        text, ok = QInputDialog.getText(
            self,
            tr("迁出"),
            tr("{name} 的迁出日期（年-月-日）：").format(name=person.name),
            text=date.today().isoformat(),
        )
        if not ok:
            return
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            QMessageBox.warning(self, tr("未迁出"), tr("日期格式应为 年-月-日"))
            return
        self._run(
            lambda: residents.move_out(self.office, self.actor, person.id, day, person.version)
        )

    def flag_selected(self) -> None:
        """Flag the picked person's data as to be updated, with a reason."""
        person = self.selected()
        if person is None:
            return
        reason, ok = QInputDialog.getText(
            self, tr("标记待更新"), tr("需要更新的原因："), text=tr("资料需要核实")
        )
        if ok:
            self._run(lambda: residents.mark_to_update(self.office, self.actor, person.id, reason))

    def _run(self, action) -> None:
        try:
            action()
        except UserError as exc:
            QMessageBox.warning(self, tr("未保存"), exc.message)
            return
        assert self.card is not None
        self.show_unit(self.card.code)
        self.changed.emit()

    def reveal_selected(self) -> None:
        """Show the picked person's full numbers in this view only; the service audits it."""
        person = self.selected()
        if person is None:
            return
        try:
            full = residents.reveal_resident(self.office, self.actor, person.id)
        except UserError as exc:
            QMessageBox.warning(self, tr("无法显示"), exc.message)
            return
        self._revealed[person.id] = full
        assert self.card is not None
        row = self.people.currentRow()
        self._fill_people(self.card)
        self.people.selectRow(row)
        self._update_buttons()

    # -- copying a revealed number ------------------------------------------------------------
    def copy_id_selected(self) -> bool:
        """Copy the revealed row's full ID number; it leaves the clipboard after a while."""
        shown = self.revealed_selected()
        return shown is not None and self._copy(shown.id, shown.id_number, tr("证件号码"))

    def copy_phone_selected(self) -> bool:
        """Copy the revealed row's full phone number (or landline) the same way."""
        shown = self.revealed_selected()
        number = (shown.phone or shown.landline) if shown is not None else None
        return shown is not None and self._copy(shown.id, number, tr("电话"))

    def _copy(self, resident_id: int, text: str | None, what: str) -> bool:
        # `what` names the number in the audit log's detail (the log is in Chinese).
        if not text or "*" in text:  # only a revealed, full number is copied
            return False
        try:
            staff_service.record_copy(self.office, self.actor, resident_id, what)
        except UserError as exc:
            QMessageBox.warning(self, tr("无法复制"), exc.message)
            return False
        QApplication.clipboard().setText(text)
        self.copied = text
        self.clipboard_timer.start()
        return True

    def clear_clipboard(self) -> None:
        """Empty the clipboard if it still holds the number copied here (not anything else)."""
        self.clipboard_timer.stop()
        if self.copied is not None and QApplication.clipboard().text() == self.copied:
            QApplication.clipboard().clear()
        self.copied = None

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the card takes a copied number off the clipboard."""
        self.clear_clipboard()
        super().closeEvent(event)

    # -- drafts -------------------------------------------------------------------------------
    def has_unsaved(self) -> bool:
        """Tell whether an open resident form holds unsaved typing."""
        return any(form.is_dirty() for form in self.forms)

    def save_drafts(self) -> None:
        """Keep every open resident form with unsaved typing as a draft of this actor."""
        for form in self.forms:
            if form.is_dirty():
                drafts.save_draft(
                    self.office, self.actor, FORM_NAME, form.record_key, form.current_data()
                )

    def offer_drafts(self) -> None:
        """Offer this actor's kept resident forms back; restore them, or drop them if declined."""
        kept = [d for d in drafts.drafts_of(self.office, self.actor) if d.form == FORM_NAME]
        if not kept:
            return
        names = tr("、").join(
            f"{d.data.get('unit', '')} {d.data.get('name') or tr('（未填姓名）')}" for d in kept
        )
        answer = QMessageBox.question(
            self,
            tr("恢复未保存的住户资料"),
            tr("上次有 {n} 份住户资料没有保存：{names}。要恢复吗？").format(
                n=len(kept), names=names
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        for kept_draft in kept:
            if answer == QMessageBox.StandardButton.Yes:
                self._restore(kept_draft)
            # The draft lives on in the open form; lock or close keeps it again.
            drafts.discard_draft(self.office, self.actor, FORM_NAME, kept_draft.record_key)

    def _restore(self, kept: drafts.DraftInfo) -> None:
        key = kept.record_key
        unit_code = str(kept.data.get("unit") or key.removeprefix("new:"))
        resident_id = None if key.startswith("new:") else int(key)
        self.show_unit(unit_code)
        self.open_form(unit_code, resident_id, kept.data)
