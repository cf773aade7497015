"""The daily check with the storekeeper (维修单每日核对): the day's slips against the warehouse."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import FormErrors, UserError, ValidationError
from wuyedesk.domain.money import format_quantity, format_yuan
from wuyedesk.domain.roles import Role
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.domain.units import shown_unit_codes
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.reconciliation import (
    Sheet,
    SheetItem,
    SheetSlip,
    reconciliation_sheet,
    sign_reconciliation,
)
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import ERROR_COLOR, ERROR_STYLE, FORM_ERROR, show_errors
from wuyedesk.ui.record_table import make_button, shown_time
from wuyedesk.ui.sign_dialog import StaffSignDialog

Clock = Callable[[], datetime]
READY_BACKGROUND = QColor("#e8f5e9")
COUNT_BACKGROUND = QColor("#fffde7")  # the one cell the storekeeper fills in
BAD_COUNT_BACKGROUND = QColor("#ffcdd2")
SIGNED_COLOR = "#2e7d32"
COUNT_PREFIX = "count."


def _quoted(fen: int | None) -> str:
    return "" if fen is None else format_yuan(fen)


SLIP_COLUMNS: tuple[tuple[str, Callable[[SheetSlip], str]], ...] = (
    (tr("单号"), lambda s: s.number),
    (tr("类别"), lambda s: s.kind_label),
    (tr("状态"), lambda s: s.state_label),
    (tr("维修人员"), lambda s: s.engineer),
    (tr("房号/部位"), lambda s: shown_unit_codes(s.place)),
    (tr("今日领料"), lambda s: tr("；").join(s.issued_today)),
    (tr("领料金额"), lambda s: format_yuan(s.issued_fen)),
    (tr("报价材料费"), lambda s: _quoted(s.quoted_material_fen)),
    (tr("问题"), lambda s: tr("；").join(s.problems)),
)
ITEM_COLUMNS: tuple[tuple[str, Callable[[SheetItem], str]], ...] = (
    (tr("材料"), lambda i: i.item),
    (tr("规格"), lambda i: i.spec),
    (tr("维修单领料数"), lambda i: format_quantity(i.quantity_milli)),
    (tr("金额"), lambda i: format_yuan(i.amount_fen)),
    (tr("仓库出库数"), lambda _i: ""),
    (tr("涉及单号"), lambda i: tr("、").join(i.slips)),
)
SLIP_STATE, SLIP_MONEY = 2, (6, 7)
SLIP_PROBLEMS = 8
ITEM_NUMBERS = (2, 3)
ITEM_COUNT = 4


def _table(name: str, headings: Sequence[str], owner: QWidget) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels([tr(h) for h in headings])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _cell(text: str, *, right: bool = False) -> QTableWidgetItem:
    cell = QTableWidgetItem(text)
    cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    cell.setToolTip(text)
    if right:
        cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return cell


def _fit(table: QTableWidget, widest: int = 280) -> None:
    table.resizeColumnsToContents()
    for column in range(table.columnCount()):
        table.setColumnWidth(column, min(table.columnWidth(column) + 12, widest))


def _boxed(title: str, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    for widget in widgets:
        layout.addWidget(widget)
    return box


def _red(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(f"color: {ERROR_COLOR};")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


class ReconciliationWindow(QWidget):
    """The day's slips and materials against the storekeeper's book; both sign it off."""

    signed_off = Signal()

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
        self.sheet: Sheet | None = None
        self.counts: dict[str, str] = {}  # material key → the storekeeper's book count
        self.bad_counts: dict[str, str] = {}
        self._filling = False
        self.setObjectName("reconciliation")
        self.setWindowTitle(tr("维修单每日核对"))
        self.setStyleSheet(ERROR_STYLE)
        self.resize(1180, 800)
        today = self.now().astimezone(OFFICE_TZ).date()
        shown = QDate(today.year, today.month, today.day)
        self.day = QDateEdit(shown, objectName="day", calendarPopup=True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setMaximumDate(shown)  # no future days: the service refuses them
        self.day.dateChanged.connect(lambda _d: self.day_changed())
        self.signed_label = QLabel(objectName="signed")
        self.signed_label.setStyleSheet(f"color: {SIGNED_COLOR}; font-weight: bold;")
        self.totals = QLabel(objectName="totals")
        self.slips = _table("slips", [h for h, _ in SLIP_COLUMNS], self)
        self.items = _table("items", [h for h, _ in ITEM_COLUMNS], self)
        self.items.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.items.itemChanged.connect(self.count_edited)
        self.count_message = _red("count_message")  # not *_error: it follows the cells
        self.differences = QListWidget(objectName="differences")
        self.note = QPlainTextEdit(objectName="note")
        self.note.setPlaceholderText(tr("有差异时写明原因和处理办法，如：一卷借给保洁，已追回"))
        self.note_error, self.form_error = _red("note_error"), _red(FORM_ERROR)
        self.sign_button = make_button(tr("签字确认"), "sign", self.sign)
        self.sign_button.setMinimumWidth(160)
        self.sign_button.setToolTip(tr("工程部主管与仓管员先后本人签名（PIN + 手写）"))
        self._lay_out()
        self.refresh()

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("核对日期")))
        top.addWidget(self.day)
        top.addSpacing(16)
        top.addWidget(self.totals, 1)
        top.addWidget(self.signed_label)
        slips_box = _boxed(tr("当日维修单（已验收待核对的及当日领料的）"), self.slips)
        self.items_box = _boxed("", self.items, self.count_message)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(_boxed(tr("差异"), self.differences))
        lower.addWidget(_boxed(tr("差异说明"), self.note, self.note_error))
        lower.setSizes([700, 480])
        split = QSplitter(Qt.Orientation.Vertical)
        for part in (slips_box, self.items_box, lower):
            split.addWidget(part)
        split.setSizes([300, 220, 180])
        buttons = QHBoxLayout()
        buttons.addWidget(self.form_error, 1)
        buttons.addStretch(1)  # the button keeps its size while no message is shown
        buttons.addWidget(self.sign_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.items.setFocus()  # the storekeeper's counts are what is typed here

    # -- reading the day ------------------------------------------------------------------------
    def now(self) -> datetime:
        """Return the office's current time (a test may inject its own clock)."""
        return self.clock() if self.clock is not None else datetime.now(OFFICE_TZ)

    def picked_day(self) -> date:
        """Return the day being checked."""
        return self.day.date().toPython()  # type: ignore[no-any-return]

    def day_changed(self) -> None:
        """Start the new day afresh: the book counts and the note belong to one day."""
        self.counts = {}
        self.note.clear()
        self.refresh()

    def refresh(self) -> None:
        """Read the day's sheet again and show it; a refusal shows in the window."""
        self.show_refusal(None)
        try:
            sheet = reconciliation_sheet(self.office, self.actor, self.picked_day())
        except UserError as exc:
            self.sheet = None
            self._fill_slips([])
            self._fill_items([])
            self._show_sheet(None)
            self.show_refusal(exc)
            return
        self.sheet = sheet
        self._fill_slips(sheet.slips)
        self._fill_items(sheet.items)
        self._show_sheet(sheet)
        if sheet.signed_at is None:
            self.update_differences()

    def _fill_slips(self, slips: Sequence[SheetSlip]) -> None:
        self.slips.setRowCount(len(slips))
        for row, slip in enumerate(slips):
            for column, (_heading, text) in enumerate(SLIP_COLUMNS):
                cell = _cell(text(slip), right=column in SLIP_MONEY)
                if slip.ready:  # signing off reconciles it
                    cell.setBackground(QBrush(READY_BACKGROUND))
                    if column == SLIP_STATE:
                        cell.setText(f"{cell.text()} · {tr('可核对')}")
                if column == SLIP_PROBLEMS:
                    cell.setForeground(QBrush(QColor(ERROR_COLOR)))
                self.slips.setItem(row, column, cell)
        _fit(self.slips)

    def _fill_items(self, items: Sequence[SheetItem]) -> None:
        signed = self.sheet is not None and self.sheet.signed_at is not None
        self._filling = True
        self.items.setRowCount(len(items))
        for row, item in enumerate(items):
            for column, (_heading, text) in enumerate(ITEM_COLUMNS):
                cell = _cell(text(item), right=column in (*ITEM_NUMBERS, ITEM_COUNT))
                if column == ITEM_COUNT:
                    cell.setText(self.counts.get(item.key, ""))
                    cell.setData(Qt.ItemDataRole.UserRole, item.key)
                    cell.setToolTip(tr("仓库出库登记簿上的数量"))
                    if not signed:
                        cell.setFlags(cell.flags() | Qt.ItemFlag.ItemIsEditable)
                        cell.setBackground(QBrush(COUNT_BACKGROUND))
                self.items.setItem(row, column, cell)
        self._filling = False
        self._mark_counts({})
        _fit(self.items)
        self.items.setColumnWidth(ITEM_COUNT, max(self.items.columnWidth(ITEM_COUNT), 110))
        # The book is not kept: a signed day's book differences are in its differences list.
        self.items.setColumnHidden(ITEM_COUNT, signed)

    def _show_sheet(self, sheet: Sheet | None) -> None:
        signed = sheet is not None and sheet.signed_at is not None
        self.note.setReadOnly(signed)
        self.items_box.setTitle(
            tr("材料核对") if signed else tr("材料核对（仓库出库数按出库登记簿填写，点击格子填入）")
        )
        self.signed_label.setVisible(signed)
        self.totals.clear()
        self.signed_label.clear()
        if sheet is None:
            self.sign_button.setEnabled(False)
            self._show_differences([])
            return
        ready = sum(1 for s in sheet.slips if s.ready)
        count = tr("共列维修单 {1} 张") if signed else tr("可核对维修单 {0} 张（共列 {1} 张）")
        money = tr("今日领料合计 {0} 元").format(format_yuan(sheet.material_fen))
        self.totals.setText(count.format(ready, len(sheet.slips)) + tr("　　") + money)
        self.sign_button.setEnabled(not signed and bool(ready or sheet.items))
        if sheet.signed_at is not None:
            when = shown_time(sheet.signed_at, "%Y-%m-%d %H:%M")
            self.signed_label.setText(
                tr("已于 {0} 由 {1} 与 {2} 核对签字").format(
                    when, sheet.signed_by, sheet.storekeeper
                )
            )
            self.note.setPlainText(sheet.note or "")
            self._show_differences(sheet.differences)

    def _show_differences(self, lines: Sequence[str]) -> None:
        self.differences.clear()
        for line in lines:
            entry = QListWidgetItem(line)
            entry.setForeground(QBrush(QColor(ERROR_COLOR)))
            self.differences.addItem(entry)
        if not lines:
            self.differences.addItem(QListWidgetItem(tr("无差异")))

    def shown_differences(self) -> list[str]:
        """Return the differences listed (empty when there are none)."""
        texts = [self.differences.item(i).text() for i in range(self.differences.count())]
        return [] if texts == [tr("无差异")] else texts

    # -- the storekeeper's book -----------------------------------------------------------------
    def count_edited(self, cell: QTableWidgetItem) -> None:
        """Keep the storekeeper's count of one material and compare again."""
        if self._filling or cell.column() != ITEM_COUNT:
            return
        self.counts[str(cell.data(Qt.ItemDataRole.UserRole))] = cell.text().strip()
        self.update_differences()

    def update_differences(self) -> None:
        """List the slips' problems and the book's differences; a bad count is marked red."""
        counts: dict[str, object] = {k: v for k, v in self.counts.items() if v}
        bad: dict[str, str] = {}
        try:
            sheet = reconciliation_sheet(self.office, self.actor, self.picked_day(), counts=counts)
        except FormErrors as exc:
            bad = {k.removeprefix(COUNT_PREFIX): v for k, v in exc.errors.items()}
            good = {k: v for k, v in counts.items() if k not in bad}
            sheet = reconciliation_sheet(self.office, self.actor, self.picked_day(), counts=good)
        except UserError as exc:
            self.show_refusal(exc)
            return
        self.sheet = sheet
        self._mark_counts(bad)
        self._show_differences([*sheet.differences, *sheet.book_differences])

    def _mark_counts(self, bad: dict[str, str]) -> None:
        self._filling = True
        for row in range(self.items.rowCount()):
            cell = self.items.item(row, ITEM_COUNT)
            key = str(cell.data(Qt.ItemDataRole.UserRole))
            cell.setBackground(QBrush(BAD_COUNT_BACKGROUND if key in bad else COUNT_BACKGROUND))
            cell.setToolTip(bad.get(key, tr("仓库出库登记簿上的数量")))
        self._filling = False
        self.bad_counts = dict(bad)
        names = {k.replace("｜", " ").strip(): v for k, v in bad.items()}  # i18n: data
        self.count_message.setText(
            tr("；").join(
                tr("{name}：{why}").format(name=name, why=why) for name, why in names.items()
            )
        )
        self.count_message.setVisible(bool(bad))

    # -- signing off ----------------------------------------------------------------------------
    def show_refusal(self, exc: UserError | None) -> None:
        """Show a refusal at its field (the note, a count) or in the window; None clears."""
        if isinstance(exc, FormErrors):
            errors = dict(exc.errors)
        elif isinstance(exc, ValidationError):
            errors = {exc.field: exc.message}
        else:
            errors = {FORM_ERROR: exc.message} if exc is not None else {}
        bad = {k[len(COUNT_PREFIX) :]: v for k, v in errors.items() if k.startswith(COUNT_PREFIX)}
        show_errors(self, {k: v for k, v in errors.items() if not k.startswith(COUNT_PREFIX)})
        if bad:
            self._mark_counts(bad)

    def _signature(self, title: str, role: Role) -> StaffSignDialog | None:
        dialog = StaffSignDialog(
            self.office, self.actor, title=title, roles=frozenset({role}), parent=self
        )
        accepted = dialog.exec() == QDialog.DialogCode.Accepted and dialog.signer is not None
        return dialog if accepted else None

    def sign(self) -> Sheet | None:
        """The supervisor, then the storekeeper, sign as themselves; then the day is signed off."""
        self.show_refusal(None)
        if self.sheet is None or self.sheet.signed_at is not None or self.bad_counts:
            return None  # a bad count is already marked at its cell
        if self.shown_differences() and not self.note.toPlainText().strip():
            # Asked before the two signatures, so nobody draws a signature in vain.
            self.show_refusal(ValidationError("note", tr("核对有差异，请填写差异说明")))
            return None
        supervisor = self._signature(tr("工程部主管签字确认"), Role.eng_supervisor)
        if supervisor is None:
            return None
        storekeeper = self._signature(tr("仓管员签字确认"), Role.storekeeper)
        if storekeeper is None:
            return None
        assert supervisor.signer is not None and storekeeper.signer is not None
        try:
            sheet = sign_reconciliation(
                self.office,
                supervisor.signer,
                self.picked_day(),
                storekeeper=storekeeper.signer,
                counts={k: v for k, v in self.counts.items() if v},
                note=self.note.toPlainText(),
                supervisor_png=supervisor.png,
                storekeeper_png=storekeeper.png,
                now=self.clock() if self.clock is not None else None,
            )
        except UserError as exc:
            self.show_refusal(exc)
            return None
        self.counts = {}
        self.refresh()
        self.signed_off.emit()
        return sheet
