"""The staff login on the shared PC: pick your name, type your PIN, press Enter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.kinds import Department, labels
from wuyedesk.i18n import tr
from wuyedesk.lazy import lazy_module
from wuyedesk.services.context import Actor
from wuyedesk.ui.binder import clear_errors, load_form, show_errors
from wuyedesk.ui.start import wait_cursor

if TYPE_CHECKING:
    from wuyedesk.services import office as office_service
    from wuyedesk.services import staff as staff_service
    from wuyedesk.store.office_file import OfficeFile
else:  # loaded on first use (wuyedesk/lazy.py)
    office_service = lazy_module("wuyedesk.services.office")
    staff_service = lazy_module("wuyedesk.services.staff")

STAFF_ID_ROLE = Qt.ItemDataRole.UserRole
STAFF_NAME_ROLE = Qt.ItemDataRole.UserRole + 1


class LoginDialog(QDialog):
    """Who is at the desk: emits `logged_in(actor)`; `lock_file` and `quit` are other ways out."""

    logged_in = Signal(object)
    lock_file = Signal()
    quit = Signal()

    def __init__(self, office: OfficeFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.office = office
        self.form = load_form("login", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 18, 18, 14)
        layout.addWidget(self.form)
        info = office_service.office_info(office)
        self.setWindowTitle(tr("wuyedesk — 员工登录 · {0}").format(info.name))
        self.form.findChild(QLabel, "_office").setText(
            tr("{office} · {estate}").format(office=info.name, estate=info.estate_name)
        )
        self.staff_list: QListWidget = self.form.findChild(QListWidget, "staff")
        self.pin: QLineEdit = self.form.findChild(QLineEdit, "pin")
        self.pin.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,8}"), self))
        self.pin.returnPressed.connect(self.login)
        self.staff_list.itemActivated.connect(lambda _item: self.pin.setFocus())
        self.staff_list.currentItemChanged.connect(self._staff_changed)
        self.form.findChild(QPushButton, "login_button").clicked.connect(self.login)
        self.form.findChild(QPushButton, "quit_button").clicked.connect(self.quit)
        self.form.findChild(QPushButton, "lock_button").clicked.connect(self.lock_file)
        self.reload()

    def reload(self) -> None:
        """Fill the name list afresh and clear the PIN and any message."""
        self.staff_list.clear()
        for person in staff_service.list_staff(self.office):
            item = QListWidgetItem(
                tr("{name}　　{role}").format(name=person.name, role=person.role_label)
            )
            item.setData(STAFF_ID_ROLE, person.id)
            item.setData(STAFF_NAME_ROLE, person.name)
            department = labels(Department).get(person.department or "", person.department)
            item.setToolTip(department or person.role_label)
            self.staff_list.addItem(item)
        self.pin.clear()
        clear_errors(self.form)
        if self.staff_list.count():
            self.staff_list.setCurrentRow(0)
        self.staff_list.setFocus()

    def _staff_changed(self, *_args: object) -> None:
        self.pin.clear()
        clear_errors(self.form)

    def select_staff(self, name: str) -> bool:
        """Select the person of this name in the list; tell whether they are there."""
        for row in range(self.staff_list.count()):
            item = self.staff_list.item(row)
            if item.data(STAFF_NAME_ROLE) == name:
                self.staff_list.setCurrentItem(item)
                self.pin.setFocus()
                return True
        return False

    def login(self) -> None:
        """Check the PIN of the selected person; say what is wrong beside the field."""
        clear_errors(self.form)
        item = self.staff_list.currentItem()
        if item is None:
            show_errors(self.form, {"staff": tr("请先选择您的姓名")})
            return
        if not self.pin.text():
            show_errors(self.form, {"pin": tr("请输入 PIN")})
            return
        try:
            with wait_cursor():
                actor: Actor = staff_service.login(
                    self.office, int(item.data(STAFF_ID_ROLE)), self.pin.text()
                )
        except UserError as exc:
            show_errors(self.form, {"pin": exc.message})
            self.pin.selectAll()
            return
        self.pin.clear()
        self.logged_in.emit(actor)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc clears the PIN instead of closing the login (there is nothing behind it)."""
        if event.key() == Qt.Key.Key_Escape:
            self.pin.clear()
            clear_errors(self.form)
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        """Closing the login window ends the program."""
        self.quit.emit()
