"""Pick a unit from the estate tree instead of typing its code (the register's 房号 field)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from wuyedesk.domain.errors import UserError
from wuyedesk.i18n import tr
from wuyedesk.services import contacts
from wuyedesk.services import office as office_service
from wuyedesk.services.context import Actor
from wuyedesk.services.estate import estate_tree
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import clear_errors, show_errors
from wuyedesk.ui.estate_tree import EstateTreeView


class UnitPickerDialog(QDialog):
    """The estate tree in a small dialog; Enter, a click on a unit or OK picks it."""

    def __init__(self, office: OfficeFile, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("选择房号"))
        self.resize(360, 520)
        self.code: str | None = None
        self.tree = EstateTreeView(self)
        self.tree.set_estate(
            office_service.office_info(office).estate_name, estate_tree(office, actor)
        )
        self.tree.open_unit.connect(self._pick)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(lambda: self._pick(self.tree.current_code()))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)

    def _pick(self, code: str | None) -> None:
        if code:
            self.code = code
            self.accept()


def pick_unit(office: OfficeFile, actor: Actor, parent: QWidget | None = None) -> str | None:
    """Ask for a unit from the tree; return its code, or None when cancelled."""
    dialog = UnitPickerDialog(office, actor, parent)
    return dialog.code if dialog.exec() == QDialog.DialogCode.Accepted else None


def offer_residents(
    office: OfficeFile, actor: Actor, form: QWidget, combo: QComboBox, unit_text: str
) -> int | None:
    """Fill a caller/reporter box with a unit's residents (what was typed stays).

    Return how many were found, or None when the unit was refused (said at the unit field).
    """
    typed = combo.currentText()
    combo.blockSignals(True)
    try:
        combo.clear()
        combo.setEditText(typed)
        if not unit_text:
            return 0
        try:
            found = contacts.caller_suggestions(office, actor, unit_text)
        except UserError as exc:
            show_errors(form, {"unit": exc.message})
            return None
        clear_errors(form)
        for person in found:
            combo.addItem(
                tr("{0}（{1}）").format(person.name, person.role_label), person.resident_id
            )
            combo.setItemData(combo.count() - 1, person.phone_masked, Qt.ItemDataRole.ToolTipRole)
        combo.setCurrentIndex(-1)
        combo.setEditText(typed)
        return len(found)
    finally:
        combo.blockSignals(False)
