"""Sign a slip step on the shared PC: a colleague with name + PIN + drawing, a household by hand."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.roles import ROLE_LABELS, Role
from wuyedesk.domain.validators import check_name
from wuyedesk.i18n import tr
from wuyedesk.services import staff as staff_service
from wuyedesk.services.context import Actor
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import ERROR_STYLE, ERROR_SUFFIX, clear_errors, show_errors
from wuyedesk.ui.signature_pad import SignaturePad
from wuyedesk.ui.start import wait_cursor

SIGNATURE = "signature"  # the pad's field name (its message label is signature_error)


class _SignDialog(QDialog):
    """The frame both dialogs share: a title, a grid of fields, the pad and three buttons.

    Each dialog defines `confirm`: what it checks before it accepts.
    """

    confirm: Callable[[], None]

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setStyleSheet(ERROR_STYLE)
        self.png: bytes | None = None
        heading = QLabel(title)
        heading.setObjectName("_title")
        heading.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(1, 1)
        self.pad = SignaturePad()
        self.pad.setObjectName(SIGNATURE)
        self.pad.changed.connect(self._pad_changed)
        self.clear_button = QPushButton(tr("清除"))
        self.clear_button.setObjectName("clear_button")
        self.clear_button.setToolTip(tr("擦掉签名重写"))
        self.clear_button.setAutoDefault(False)
        self.clear_button.clicked.connect(self.pad.clear)
        self.confirm_button = QPushButton(tr("确认签名"))
        self.confirm_button.setObjectName("confirm_button")
        self.confirm_button.setDefault(True)
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button = QPushButton(tr("取消"))
        self.cancel_button.setObjectName("cancel_button")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addLayout(self.grid)
        layout.addLayout(buttons)

    def add_row(self, label: str, field: QWidget) -> tuple[QLabel, QLabel]:
        """Put a field in the next row, its red message label just under it."""
        row = self.grid.rowCount()
        caption = QLabel(label)
        caption.setObjectName(f"_{field.objectName()}_label")
        caption.setBuddy(field)
        tall = isinstance(field, SignaturePad)
        caption.setAlignment(
            Qt.AlignmentFlag.AlignLeft
            | (Qt.AlignmentFlag.AlignTop if tall else Qt.AlignmentFlag.AlignVCenter)
        )
        message = QLabel()
        message.setObjectName(field.objectName() + ERROR_SUFFIX)
        message.setWordWrap(True)
        message.setVisible(False)
        self.grid.addWidget(caption, row, 0)
        self.grid.addWidget(field, row, 1)
        self.grid.addWidget(message, row + 1, 1)
        return caption, message

    def add_pad_row(self) -> None:
        """Put the signature pad as the last field."""
        self.pad_label, self.pad_message = self.add_row(tr("手写签名"), self.pad)

    def show_messages(self, errors: dict[str, str]) -> None:
        """Show each message under its field; the pad's frame turns red with its own."""
        show_errors(self, errors)
        self.pad.mark_error(SIGNATURE in errors)
        if SIGNATURE in errors and len(errors) == 1:
            self.pad.setFocus()

    def clear_messages(self) -> None:
        """Hide every message."""
        clear_errors(self)
        self.pad.mark_error(False)

    def drawing_refusal(self) -> str | None:
        """Return why the drawing cannot be taken, or None when it will do."""
        if self.pad.is_empty():
            return tr("请在框内手写签名")
        if not self.pad.has_enough():
            return tr("签名太短，请写清姓名（可按“清除”重写）")
        return None

    def _pad_changed(self) -> None:
        self.pad.mark_error(False)
        self.pad_message.setVisible(False)


class StaffSignDialog(_SignDialog):
    """A colleague signs as themselves: name, PIN, drawing; `.signer` and `.png` after accept."""

    def __init__(
        self,
        office: OfficeFile,
        desk: Actor,
        *,
        title: str,
        roles: frozenset[Role],
        need_drawing: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self.office, self.desk, self.roles = office, desk, roles
        self.need_drawing = need_drawing
        self.signer: Actor | None = None
        self.staff = QComboBox()
        self.staff.setObjectName("staff")
        self.staff.setMinimumWidth(240)
        self.staff.setPlaceholderText(tr("请选择签名人"))
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,8}"), self))
        self.pin.setPlaceholderText(tr("签名人本人输入 PIN"))
        self.add_row(tr("签名人"), self.staff)
        self.add_row(tr("PIN"), self.pin)
        self.add_pad_row()
        for widget in (self.pad, self.pad_label, self.clear_button):
            widget.setVisible(need_drawing)
        self._fill_staff()
        self.staff.currentIndexChanged.connect(self._staff_changed)
        (self.pin if self.staff.currentIndex() >= 0 else self.staff).setFocus()

    def _fill_staff(self) -> None:
        people = [p for p in staff_service.list_staff(self.office) if p.role in self.roles]
        for person in people:
            self.staff.addItem(
                tr("{name}　　{role}").format(name=person.name, role=person.role_label),
                person.id,
            )
        # One possible signer is chosen for them; among several, each picks their own name.
        self.staff.setCurrentIndex(0 if len(people) == 1 else -1)
        if not people:
            wanted = tr("、").join(ROLE_LABELS[r] for r in sorted(self.roles))
            self.show_messages(
                {"staff": tr("没有可签名的{0}，请先在员工管理中添加").format(wanted)}
            )

    def _staff_changed(self, _index: int) -> None:
        self.pin.clear()
        self.clear_messages()

    def confirm(self) -> None:
        """Check the choice, the PIN and the drawing; the service checks the PIN itself."""
        errors: dict[str, str] = {}
        if self.staff.currentIndex() < 0:
            errors["staff"] = tr("请选择签名人")
        if not self.pin.text():
            errors["pin"] = tr("请签名人输入自己的 PIN")
        refusal = self.drawing_refusal() if self.need_drawing else None
        if refusal is not None:
            errors[SIGNATURE] = refusal
        if errors:
            self.show_messages(errors)
            return
        self.clear_messages()
        try:
            with wait_cursor():
                signer = staff_service.verify_signer(
                    self.office,
                    int(self.staff.currentData()),
                    self.pin.text(),
                    desk=self.desk,
                    roles=self.roles,
                )
        except UserError as exc:
            self.pin.clear()  # the drawing is kept: only the PIN is tried again
            self.show_messages({"pin": exc.message})
            return
        self.pin.clear()
        self.signer = signer
        self.png = self.pad.to_png() if self.need_drawing else None
        self.accept()


class HouseholdSignDialog(_SignDialog):
    """A household member signs by hand, no PIN; `.signer_name` and `.png` after accept."""

    def __init__(self, *, title: str, name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.signer_name: str | None = None
        self.name = QLineEdit(name)
        self.name.setObjectName("signer_name")
        self.name.setMaxLength(40)
        self.name.setPlaceholderText(tr("签名人姓名"))
        self.add_row(tr("签名人"), self.name)
        self.add_pad_row()
        (self.pad if name else self.name).setFocus()

    def confirm(self) -> None:
        """Check the name and the drawing, then accept."""
        errors: dict[str, str] = {}
        name: str | None = None
        try:
            name = check_name(self.name.text(), "signer_name")
        except UserError as exc:
            errors["signer_name"] = exc.message
        refusal = self.drawing_refusal()
        if refusal is not None:
            errors[SIGNATURE] = refusal
        if errors or name is None:
            self.show_messages(errors)
            return
        self.clear_messages()
        self.signer_name = name
        self.png = self.pad.to_png()
        self.accept()
