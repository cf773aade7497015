"""The first screens: create the office file, show its recovery key once, unlock it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QGuiApplication, QRegularExpressionValidator, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import FormErrors, UserError, ValidationError
from wuyedesk.services import office as office_service
from wuyedesk.services.staff import check_pin
from wuyedesk.store import keys, remembered
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import clear_errors, load_form, read_fields, show_errors
from wuyedesk.ui.fonts import monospace_font

# Service field names that the set-up form calls differently.
_CREATE_FIELD_NAMES = {"name": "director_name", "pin": "director_pin"}
_STRENGTH_COLORS = {0: "#c62828", 1: "#ef6c00", 2: "#2e7d32"}


def passphrase_strength(text: str) -> int:
    """Rate a passphrase 0 weak (refused), 1 medium, 2 strong, for the hint while typing."""
    try:
        keys.check_passphrase_strength(text)
    except UserError:
        return 0
    kinds = sum(
        (
            any(c.isdigit() for c in text),
            any(c.isascii() and c.isalpha() for c in text),
            any(not c.isascii() for c in text),  # Chinese characters count as a kind of their own
            any(c.isascii() and not c.isalnum() for c in text),
        )
    )
    return 2 if len(text) >= 16 or (len(text) >= 12 and kinds >= 2) else 1


@contextlib.contextmanager
def wait_cursor() -> Iterator[None]:
    """Show the busy cursor while the key is being stretched (a fraction of a second)."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()


def _embed(dialog: QDialog, form: QWidget) -> None:
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(18, 18, 18, 14)
    layout.addWidget(form)
    dialog.setWindowTitle(form.windowTitle())


class CreateOfficeDialog(QDialog):
    """First start: name the office, set the passphrase and the director, create the file."""

    def __init__(
        self, path: Path, parent: QWidget | None = None, *, passphrase_n: int = keys.PASSPHRASE_N
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.passphrase_n = passphrase_n
        self.office: OfficeFile | None = None
        self.recovery_dialog: RecoveryKeyDialog | None = None
        self.form = load_form("create_office", self)
        _embed(self, self.form)
        self.form.findChild(QLabel, "office_path").setText(str(self.path))
        digits = QRegularExpressionValidator(QRegularExpression(r"\d{0,8}"), self)
        for name in ("director_pin", "director_pin_again"):
            self.form.findChild(QLineEdit, name).setValidator(digits)
        self.strength = self.form.findChild(QLabel, "passphrase_strength")
        self.form.findChild(QLineEdit, "passphrase").textChanged.connect(self._show_strength)
        self.form.findChild(QPushButton, "ok_button").clicked.connect(self.create)
        self.form.findChild(QPushButton, "cancel_button").clicked.connect(self.reject)

    def _show_strength(self, text: str) -> None:
        if not text:
            self.strength.setText(self.tr("至少 8 个字符；越长越安全，可用一句好记的话"))
            self.strength.setStyleSheet("color: #666666;")
            return
        level = passphrase_strength(text)
        words = {
            0: self.tr("强度：弱 —— 至少 8 个字符，并混合不同的字母、数字或汉字"),
            1: self.tr("强度：中 —— 可以使用；再长一些更安全"),
            2: self.tr("强度：强"),
        }
        self.strength.setText(words[level])
        self.strength.setStyleSheet(f"color: {_STRENGTH_COLORS[level]};")

    def validate(self) -> dict[str, str]:
        """Return the form's problems by field; empty when it can be submitted."""
        values = read_fields(self.form)
        errors: dict[str, str] = {}
        for name, message in (
            ("office_name", self.tr("请填写管理处名称")),
            ("estate_name", self.tr("请填写小区名称")),
            ("director_name", self.tr("请填写管理处主任的姓名")),
        ):
            if not str(values[name]).strip():
                errors[name] = message
        try:
            keys.check_passphrase_strength(str(values["passphrase"]))
        except UserError as exc:
            errors["passphrase"] = exc.message
        if values["passphrase_again"] != values["passphrase"]:
            errors["passphrase_again"] = self.tr("两次输入的办公室密码不一致")
        try:
            check_pin(str(values["director_pin"]))
        except ValidationError as exc:
            errors["director_pin"] = exc.message
        if values["director_pin_again"] != values["director_pin"]:
            errors["director_pin_again"] = self.tr("两次输入的 PIN 不一致")
        return errors

    def create(self) -> None:
        """Check the form, create the office file and show its recovery key."""
        clear_errors(self.form)
        errors = self.validate()
        if errors:
            show_errors(self.form, errors)
            return
        values = read_fields(self.form)
        try:
            with wait_cursor():
                office, recovery = office_service.init_office(
                    self.path,
                    str(values["passphrase"]),
                    office_name=str(values["office_name"]).strip(),
                    estate_name=str(values["estate_name"]).strip(),
                    director_name=str(values["director_name"]).strip(),
                    director_pin=str(values["director_pin"]).strip(),
                    passphrase_n=self.passphrase_n,
                )
        except FormErrors as exc:
            show_errors(
                self.form, {_CREATE_FIELD_NAMES.get(k, k): v for k, v in exc.errors.items()}
            )
            return
        except ValidationError as exc:
            show_errors(self.form, {_CREATE_FIELD_NAMES.get(exc.field, exc.field): exc.message})
            return
        except UserError as exc:
            show_errors(self.form, {"form": exc.message})
            return
        except OSError as exc:  # e.g. a folder this Windows account may not write to
            message = self.tr("无法创建办公文件：{0}").format(exc.strerror or exc)
            show_errors(self.form, {"form": message})
            return
        self.office = office
        self.form.setEnabled(False)  # the file exists now; only the recovery key remains
        info = office_service.office_info(office)
        self.recovery_dialog = RecoveryKeyDialog(recovery, info.name, info.estate_name, self)
        self.recovery_dialog.accepted.connect(self.accept)
        self.recovery_dialog.open()


class RecoveryKeyDialog(QDialog):
    """Show the recovery key exactly once; continuing needs the 'written down' tick."""

    def __init__(self, recovery: str, office_name: str, estate_name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.recovery = recovery
        self.office_name = office_name
        self.estate_name = estate_name
        self.setWindowTitle(self.tr("恢复密钥 —— 只显示这一次"))
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 20, 22, 16)
        layout.setSpacing(14)
        intro = QLabel(
            self.tr(
                "办公文件已创建。忘记办公室密码时，只有下面的恢复密钥能打开它。"
                "请现在抄写或打印，锁进保险柜；本程序不会再显示它。"
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.key_label = QLabel(recovery)
        self.key_label.setObjectName("recovery_key")
        self.key_label.setFont(monospace_font(20))
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setStyleSheet(
            "background: #fffde7; border: 1px solid #c9b458; padding: 14px; color: #222222;"
        )
        layout.addWidget(self.key_label)
        self.saved_box = QCheckBox(self.tr("我已抄写/打印保存"))
        self.saved_box.setObjectName("saved")
        layout.addWidget(self.saved_box)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(self.tr("打印…"))
        self.print_button.clicked.connect(self.print_key)
        self.continue_button = QPushButton(self.tr("继续"))
        self.continue_button.setDefault(True)
        self.continue_button.setEnabled(False)
        self.continue_button.clicked.connect(self.accept)
        self.saved_box.toggled.connect(self.continue_button.setEnabled)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.continue_button)
        layout.addLayout(buttons)

    def reject(self) -> None:
        """Ignore Esc until the key is saved: it is never shown again."""
        if self.saved_box.isChecked():
            self.accept()

    def document(self) -> QTextDocument:
        """Return the printable page: office, estate, date, the key and what it is for."""
        doc = QTextDocument(self)
        doc.setDefaultFont(self.font())
        title = self.tr("wuyedesk 办公文件恢复密钥")
        made = self.tr("{office} · {estate}　　打印日期 {day}").format(
            office=self.office_name,
            estate=self.estate_name,
            day=datetime.now().strftime("%Y-%m-%d"),
        )
        use = self.tr(
            "忘记办公室密码时，在“打开办公文件”窗口点“用恢复密钥”，输入上面的密钥并设置新密码。"
            "任何拿到这张纸的人都能打开全部住户资料：请锁进保险柜，不要拍照、不要存在电脑里。"
        )
        family = monospace_font(20).family()
        doc.setHtml(
            f"<h2>{title}</h2><p>{made}</p>"
            f"<p style='font-family:\"{family}\"; font-size:22pt'>{self.recovery}</p>"
            f"<p>{use}</p>"
        )
        return doc

    def print_to(self, printer: QPrinter) -> None:
        """Print the recovery page on this printer (or into a PDF file)."""
        self.document().print_(printer)

    def print_key(self) -> None:
        """Ask for a printer and print the recovery page."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)


class UnlockDialog(QDialog):
    """Open the office file with the passphrase, or with the recovery key and a new passphrase."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.office: OfficeFile | None = None
        self.form = load_form("unlock", self)
        _embed(self, self.form)
        self.form.findChild(QLabel, "office_path").setText(str(self.path))
        self.mode = self.form.findChild(QStackedWidget, "_mode")
        self.remember = self.form.findChild(QCheckBox, "remember")
        usable, reason = remembered.availability()
        if not usable:
            self.remember.setEnabled(False)
            self.remember.setToolTip(reason)
        self.switch_button = self.form.findChild(QPushButton, "use_recovery")
        self.switch_button.clicked.connect(self.toggle_recovery)
        self.form.findChild(QPushButton, "ok_button").clicked.connect(self.unlock)
        self.form.findChild(QPushButton, "cancel_button").clicked.connect(self.reject)
        self.form.findChild(QLineEdit, "passphrase").setFocus()
        self._fit_to_page()

    def _fit_to_page(self) -> None:
        # A stack is as tall as its tallest page; let only the shown page count.
        for index in range(self.mode.count()):
            page = self.mode.widget(index)
            policy = (
                QSizePolicy.Policy.Preferred
                if index == self.mode.currentIndex()
                else QSizePolicy.Policy.Ignored
            )
            page.setSizePolicy(policy, policy)
        self.mode.adjustSize()
        self.form.adjustSize()
        self.adjustSize()

    @property
    def using_recovery(self) -> bool:
        """Tell whether the recovery-key page is shown."""
        return self.mode.currentIndex() == 1

    def toggle_recovery(self) -> None:
        """Switch between the passphrase and the recovery-key entry."""
        clear_errors(self.form)
        recovery = not self.using_recovery
        self.mode.setCurrentIndex(1 if recovery else 0)
        self._fit_to_page()
        self.switch_button.setText(self.tr("用办公室密码") if recovery else self.tr("用恢复密钥"))
        self.form.findChild(QLineEdit, "recovery" if recovery else "passphrase").setFocus()

    def unlock(self) -> None:
        """Try to open the office file; on a wrong key say so beside the field and stay open."""
        clear_errors(self.form)
        values = read_fields(self.form)
        try:
            with wait_cursor():
                if self.using_recovery:
                    office = self._unlock_with_recovery(values)
                else:
                    office = self._unlock_with_passphrase(values)
        except _FieldProblems as problems:
            show_errors(self.form, problems.errors)
            return
        except UserError as exc:
            show_errors(self.form, {"form": exc.message})
            return
        self.office = office
        if values["remember"]:
            self._remember(office)
        self.accept()

    def _unlock_with_passphrase(self, values: dict[str, object]) -> OfficeFile:
        passphrase = str(values["passphrase"])
        if not passphrase:
            raise _FieldProblems({"passphrase": self.tr("请输入办公室密码")})
        try:
            return office_service.unlock(self.path, passphrase=passphrase)
        except keys.WrongPassphrase as exc:
            self.form.findChild(QLineEdit, "passphrase").selectAll()
            raise _FieldProblems({"passphrase": exc.message}) from None

    def _unlock_with_recovery(self, values: dict[str, object]) -> OfficeFile:
        recovery, new = str(values["recovery"]).strip(), str(values["new_passphrase"])
        errors: dict[str, str] = {}
        if not recovery:
            errors["recovery"] = self.tr("请输入打印的恢复密钥")
        try:
            keys.check_passphrase_strength(new)
        except UserError as exc:
            errors["new_passphrase"] = exc.message
        if values["new_passphrase_again"] != new:
            errors["new_passphrase_again"] = self.tr("两次输入的办公室密码不一致")
        if errors:
            raise _FieldProblems(errors)
        try:
            office_service.reset_passphrase(self.path, recovery, new)
        except keys.WrongPassphrase as exc:
            raise _FieldProblems({"recovery": exc.message}) from None
        return office_service.unlock(self.path, passphrase=new)

    def _remember(self, office: OfficeFile) -> None:
        try:
            office_service.remember_on_this_pc(office)
        except Exception as exc:  # the office is open; a keyring failure must not undo that
            QMessageBox.warning(
                self,
                self.tr("无法记住"),
                self.tr("办公文件已打开，但未能在本电脑上记住：{0}").format(exc),
            )


class _FieldProblems(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors
