"""The list of residents whose data needs updating (篇1 §4(2)B), for whoever must update it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.units import shown_unit_codes
from wuyedesk.i18n import tr
from wuyedesk.services import residents
from wuyedesk.services.context import Actor
from wuyedesk.services.estate import stale_before
from wuyedesk.store.office_file import OfficeFile

HEADINGS = (tr("房号"), tr("姓名"), tr("身份"), tr("资料核验日期"), tr("资料状态"))
CODE_ROLE = Qt.ItemDataRole.UserRole


def _verified_on(office: OfficeFile, actor: Actor, view: residents.ResidentView) -> date | None:
    # ResidentView does not carry the verification date yet; the form data does.
    if hasattr(view, "verified_on"):
        return getattr(view, "verified_on")  # noqa: B009 - present once the view has it
    value = residents.resident_form_data(office, actor, view.id).get("verified_on")
    return value if isinstance(value, date) else None


class StaleListDialog(QDialog):
    """Residents not verified since the office's limit, or flagged; Enter opens their unit."""

    open_unit = Signal(str)

    def __init__(self, office: OfficeFile, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.office, self.actor = office, actor
        self.setWindowTitle(tr("资料待更新的住户"))
        self.resize(640, 480)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(HEADINGS))
        self.table.setHorizontalHeaderLabels([tr(h) for h in HEADINGS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemActivated.connect(lambda _item: self.open_current())
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        """Read the list again from the archive."""
        limit = stale_before(self.office)
        try:
            stale = residents.stale_residents(self.office, self.actor, before=limit)
        except UserError as exc:
            QMessageBox.warning(self, tr("无法查看"), exc.message)
            stale = []
        self.summary.setText(
            tr(
                "{n} 位住户的资料在 {day} 之后没有核验过，或被标记为待更新。双击或回车打开该户。"
            ).format(n=len(stale), day=limit.isoformat())
        )
        self.table.setRowCount(len(stale))
        for row, view in enumerate(stale):
            verified = _verified_on(self.office, self.actor, view)
            status = tr("待更新") if view.data_status != "valid" else tr("超期未核验")
            cells = (
                shown_unit_codes(view.unit_code),
                view.name,
                tr(view.role_label),
                verified.isoformat() if verified else tr("从未核验"),
                status,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(CODE_ROLE, view.unit_code)
                self.table.setItem(row, column, item)
        if stale:
            self.table.selectRow(0)

    def open_current(self) -> None:
        """Ask the main window to open the picked resident's unit."""
        item = self.table.item(self.table.currentRow(), 0)
        if item is not None:
            self.open_unit.emit(str(item.data(CODE_ROLE)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in the table opens the unit (the table emits it) and does not close the dialog."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            event.accept()
            return
        super().keyPressEvent(event)
