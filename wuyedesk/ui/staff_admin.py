"""员工管理: the office's staff, those who left included; add, change, reset a PIN, leave, return.

The dialogs reuse the repair steps' StepDialog: 确定 runs the service call, a refusal is shown
at its field and the dialog stays open. The window's own refusals go to a red line under the
table; a message box only asks before someone is marked as left.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import UserError, ValidationError
from wuyedesk.domain.kinds import Department, labels
from wuyedesk.domain.roles import ROLE_LABELS
from wuyedesk.i18n import tr
from wuyedesk.services import staff as staff_service
from wuyedesk.services import staff_admin
from wuyedesk.services.context import Actor
from wuyedesk.services.permissions import allowed
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import ERROR_COLOR
from wuyedesk.ui.record_table import shown_time
from wuyedesk.ui.repair_dialogs import Attempt, StepDialog

HEADINGS = (tr("姓名"), tr("岗位"), tr("部门"), tr("电话"), tr("状态"), tr("锁定"))
ID_ROLE = Qt.ItemDataRole.UserRole
LEFT_COLOR = "#888888"
ACCEPTED = QDialog.DialogCode.Accepted


def _line(name: str, placeholder: str = "", *, secret: bool = False) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setMaxLength(8)
    return edit


def _combo(name: str, choices: dict[str, str], current: str | None) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    for value, text in choices.items():
        box.addItem(text, value)
    box.setCurrentIndex(box.findData(current) if current is not None else -1)
    return box


def _same_pins(values: dict[str, Any]) -> str:
    """Return the typed PIN once both boxes agree; otherwise refuse at the second box."""
    pin = str(values.get("pin") or "")
    if pin != str(values.get("pin_again") or ""):
        raise ValidationError("pin_again", tr("两次输入的 PIN 不一致"))
    return pin


class StaffDialog(StepDialog):
    """新增员工 or 修改: name (new only), job, department, phone, PIN twice (new only)."""

    def __init__(
        self,
        title: str,
        signer: str,
        attempt: Attempt,
        view: staff_admin.StaffAdminView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, signer, attempt, parent)
        if view is None:
            self.name = _line("name", tr("与登录名单上显示的一致"))
            self.add_row(tr("姓名"), self.name)
        roles = {role.value: label for role, label in ROLE_LABELS.items()}
        self.role = _combo("role", roles, view.role.value if view else None)
        self.role.setPlaceholderText(tr("请选择岗位"))
        self.add_row(tr("岗位"), self.role)
        departments = {"": tr("（无）"), **labels(Department)}
        self.department = _combo("department", departments, (view.department or "") if view else "")
        self.add_row(tr("部门"), self.department)
        hint = tr("现为 {0}，不修改请留空").format(view.phone) if view and view.phone else ""
        self.phone = _line("phone", hint or tr("手机或固定电话，可不填"))
        self.add_row(tr("电话"), self.phone)
        if view is None:
            self.pin = _line("pin", tr("4 到 8 位数字"), secret=True)
            self.add_row(tr("PIN"), self.pin)
            self.pin_again = _line("pin_again", secret=True)
            self.add_row(tr("再输入一次 PIN"), self.pin_again)


class PinDialog(StepDialog):
    """重设 PIN: the new PIN twice; the person's lock is lifted with it."""

    def __init__(
        self, title: str, signer: str, attempt: Attempt, parent: QWidget | None = None
    ) -> None:
        super().__init__(title, signer, attempt, parent)
        self.pin = _line("pin", tr("4 到 8 位数字"), secret=True)
        self.add_row(tr("新 PIN"), self.pin)
        self.pin_again = _line("pin_again", secret=True)
        self.add_row(tr("再输入一次 PIN"), self.pin_again)


class StaffAdminWindow(QWidget):
    """The staff list with its buttons: 新增员工…, 修改…, 重设 PIN…, 离职, 恢复在职."""

    def __init__(self, office: OfficeFile, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.office, self.actor = office, actor
        self.views: list[staff_admin.StaffAdminView] = []
        self.setObjectName("staff_admin")
        self.setWindowTitle(tr("员工管理"))
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        note = QLabel(tr("离职的员工不能再登录，但姓名仍保留在他经手的记录上。PIN 从不显示。"))
        note.setObjectName("_note")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.table = QTableWidget(0, len(HEADINGS))
        self.table.setObjectName("staff_table")
        self.table.setHorizontalHeaderLabels(list(HEADINGS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemActivated.connect(lambda _item: self.edit_staff())
        layout.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setObjectName("form_error")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addLayout(self._buttons())
        self.refresh()

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for name, text, slot in (
            ("add", tr("新增员工…"), self.add_staff),
            ("edit", tr("修改…"), self.edit_staff),
            ("pin", tr("重设 PIN…"), self.reset_pin),
            ("leave", tr("离职"), lambda: self.set_active(False)),
            ("return", tr("恢复在职"), lambda: self.set_active(True)),
        ):
            button = QPushButton(text)
            button.setObjectName(f"{name}_button")
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[name] = button
        row.addStretch(1)
        close = QPushButton(tr("关闭"))
        close.setObjectName("close_button")
        close.clicked.connect(self.close)
        row.addWidget(close)
        return row

    # -- the list -----------------------------------------------------------------------------
    def refresh(self, select_id: int | None = None) -> None:
        """Read the staff again; the given (or the picked) person stays picked."""
        keep = select_id if select_id is not None else self.current_id()
        try:
            self.views = staff_admin.list_staff_admin(self.office, self.actor)
        except UserError as exc:
            self.views = []
            self._say(exc.message, error=True)
        self.table.setRowCount(len(self.views))
        for row, view in enumerate(self.views):
            locked = shown_time(view.locked_until, "%H:%M")
            cells = (
                view.name,
                view.role_label,
                view.department_label,
                view.phone,
                tr("在职") if view.active else tr("已离职"),
                tr("锁定至 {0}").format(locked) if locked else "",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, view.id)
                if not view.active:
                    item.setForeground(QColor(LEFT_COLOR))
                self.table.setItem(row, column, item)
            if view.id == keep:
                self.table.selectRow(row)
        if self.current_id() is None and self.views:
            self.table.selectRow(0)
        self._selection_changed()

    def current_id(self) -> int | None:
        """Return the id of the picked member of staff, if any."""
        item = self.table.item(self.table.currentRow(), 0) if self.table.rowCount() else None
        return int(item.data(ID_ROLE)) if item is not None else None

    def current(self) -> staff_admin.StaffAdminView | None:
        """Return the picked member of staff."""
        picked = self.current_id()
        return next((v for v in self.views if v.id == picked), None)

    def _selection_changed(self) -> None:
        view = self.current()
        may = allowed(self.actor, "staff.manage")
        self.buttons["add"].setEnabled(may)
        for name in ("edit", "pin"):
            self.buttons[name].setEnabled(may and view is not None)
        self.buttons["leave"].setEnabled(may and view is not None and view.active)
        self.buttons["return"].setEnabled(may and view is not None and not view.active)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {ERROR_COLOR};" if error else "color: #2e7d32;")
        self.status.setText(text)

    def _signer(self) -> str:
        return tr("办理人：{0}").format(self.actor.name)

    def _ask(self, dialog: StepDialog, done: Callable[[Any], str]) -> None:
        if dialog.exec() != ACCEPTED or dialog.result_view is None:
            return
        self.refresh(select_id=dialog.result_view.id)
        self._say(done(dialog.result_view))

    # -- the buttons --------------------------------------------------------------------------
    def add_staff(self) -> None:
        """新增员工…: name, job, department, phone and the first PIN (typed twice)."""

        def attempt(values: dict[str, Any]) -> Any:
            if not values.get("role"):
                raise ValidationError("role", tr("请选择岗位"))
            pin = _same_pins(values)
            return staff_service.add_staff(
                self.office,
                self.actor,
                str(values.get("name") or ""),
                str(values["role"]),
                pin,
                str(values.get("department") or "") or None,
                phone=str(values.get("phone") or ""),
            )

        dialog = StaffDialog(tr("新增员工"), self._signer(), attempt, None, self)
        self._ask(dialog, lambda info: tr("已新增 {0}，可以用姓名和 PIN 登录").format(info.name))

    def edit_staff(self) -> None:
        """修改…: the picked person's job, department and phone."""
        view = self.current()
        if view is None:
            return

        def attempt(values: dict[str, Any]) -> Any:
            phone = str(values.get("phone") or "").strip()
            return staff_admin.update_staff(
                self.office,
                self.actor,
                view.id,
                role=str(values.get("role") or view.role.value),
                department=str(values.get("department") or ""),
                phone=phone or None,
            )

        title = tr("修改 {0}").format(view.name)
        dialog = StaffDialog(title, self._signer(), attempt, view, self)
        self._ask(dialog, lambda saved: tr("已保存 {0} 的修改").format(saved.name))

    def reset_pin(self) -> None:
        """重设 PIN…: a new PIN for the picked person, who is unlocked with it."""
        view = self.current()
        if view is None:
            return

        def attempt(values: dict[str, Any]) -> Any:
            pin = _same_pins(values)
            return staff_admin.reset_pin(self.office, self.actor, view.id, pin)

        title = tr("重设 {0} 的 PIN").format(view.name)
        dialog = PinDialog(title, self._signer(), attempt, self)
        self._ask(dialog, lambda saved: tr("已重设 {0} 的 PIN").format(saved.name))

    def set_active(self, active: bool) -> None:
        """离职 (asked first) or 恢复在职 for the picked person."""
        view = self.current()
        if view is None:
            return
        if not active:
            answer = QMessageBox.question(
                self,
                tr("离职"),
                tr("{0} 离职后不能再登录，姓名仍保留在已有记录上。确定吗？").format(view.name),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            saved = staff_admin.set_active(self.office, self.actor, view.id, active)
        except UserError as exc:
            self._say(exc.message, error=True)
            return
        self.refresh(select_id=saved.id)
        done = tr("{0} 已恢复在职") if active else tr("{0} 已离职，不能再登录")
        self._say(done.format(saved.name))


def add_staff_admin_action(window: Any, menu: QMenu) -> QAction:
    """Put 员工管理… in a main-window menu; only managers may use it."""
    from wuyedesk.ui.register import show_screen

    action = QAction(tr("员工管理…"), window)
    action.setObjectName("staff_admin")
    action.triggered.connect(
        lambda _checked=False: show_screen(window, "staff_admin", StaffAdminWindow)
    )
    if not allowed(window.actor, "staff.manage"):
        action.setEnabled(False)
        action.setToolTip(tr("您的岗位不能使用此功能"))
    menu.setToolTipsVisible(True)
    menu.addAction(action)
    window.staff_admin_action = action
    return action
