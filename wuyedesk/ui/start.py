"""The way into the office file: unlock it; the passphrase hint and key page the wizard shares."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import UserError
from wuyedesk.i18n import tr
from wuyedesk.lazy import lazy_module, warm_up
from wuyedesk.store import keys, remembered
from wuyedesk.store.location import Location, parse_location
from wuyedesk.ui.binder import clear_errors, load_form, read_fields, show_errors
from wuyedesk.ui.fonts import monospace_font

if TYPE_CHECKING:
    from wuyedesk.services import office as office_service
    from wuyedesk.store.office_file import OfficeFile
else:
    # The database layer loads on first use (wuyedesk/lazy.py): the unlock window comes first.
    office_service = lazy_module("wuyedesk.services.office")

# What unlocking and the login window need, loaded while the passphrase is typed.
WARM_UP = ("wuyedesk.services.office", "wuyedesk.services.staff", "wuyedesk.services.drafts")

STRENGTH_COLORS = {0: "#c62828", 1: "#ef6c00", 2: "#2e7d32"}


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


def recovery_document(
    parent: QWidget, recovery: str, office_name: str, estate_name: str
) -> QTextDocument:
    """Return the printable recovery page: office, estate, date, the key and what it is for."""
    doc = QTextDocument(parent)
    doc.setDefaultFont(parent.font())
    title = tr("wuyedesk 办公文件恢复密钥")
    made = tr("{office} · {estate}　　打印日期 {day}").format(
        office=office_name, estate=estate_name, day=datetime.now().strftime("%Y-%m-%d")
    )
    use = tr(
        "忘记办公室密码时，在“打开办公文件”窗口点“用恢复密钥”，输入上面的密钥并设置新密码。"
        "任何拿到这张纸的人都能打开全部住户资料：请锁进保险柜，不要拍照、不要存在电脑里。"
    )
    family = monospace_font(20).family()
    doc.setHtml(
        f"<h2>{title}</h2><p>{made}</p>"
        f"<p style='font-family:\"{family}\"; font-size:22pt'>{recovery}</p>"
        f"<p>{use}</p>"
    )
    return doc


def print_with_dialog(parent: QWidget, doc: QTextDocument) -> None:
    """Ask for a printer and print this document."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        doc.print_(printer)


class UnlockDialog(QDialog):
    """Open the office file with the passphrase, or with the recovery key and a new passphrase."""

    def __init__(self, path: Location, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = parse_location(path)
        self.office: OfficeFile | None = None
        self.form = load_form("unlock", self)
        _embed(self, self.form)
        self.form.findChild(QLabel, "office_path").setText(str(self.path))
        self.mode = self.form.findChild(QStackedWidget, "_mode")
        self.remember = self.form.findChild(QCheckBox, "remember")
        # Finding the system's password store takes a while: after the window is up.
        QTimer.singleShot(0, self._check_keyring)
        QTimer.singleShot(0, lambda: warm_up(*WARM_UP))
        self.switch_button = self.form.findChild(QPushButton, "use_recovery")
        self.switch_button.clicked.connect(self.toggle_recovery)
        self.form.findChild(QPushButton, "ok_button").clicked.connect(self.unlock)
        self.form.findChild(QPushButton, "cancel_button").clicked.connect(self.reject)
        self.form.findChild(QLineEdit, "passphrase").setFocus()
        self._fit_to_page()

    def _check_keyring(self) -> None:
        usable, reason = remembered.availability()
        if not usable:
            self.remember.setEnabled(False)
            self.remember.setToolTip(reason)

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
        self.switch_button.setText(tr("用办公室密码") if recovery else tr("用恢复密钥"))
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
            raise _FieldProblems({"passphrase": tr("请输入办公室密码")})
        try:
            return office_service.unlock(self.path, passphrase=passphrase)
        except keys.WrongPassphrase as exc:
            self.form.findChild(QLineEdit, "passphrase").selectAll()
            raise _FieldProblems({"passphrase": exc.message}) from None

    def _unlock_with_recovery(self, values: dict[str, object]) -> OfficeFile:
        recovery, new = str(values["recovery"]).strip(), str(values["new_passphrase"])
        errors: dict[str, str] = {}
        if not recovery:
            errors["recovery"] = tr("请输入打印的恢复密钥")
        try:
            keys.check_passphrase_strength(new)
        except UserError as exc:
            errors["new_passphrase"] = exc.message
        if values["new_passphrase_again"] != new:
            errors["new_passphrase_again"] = tr("两次输入的办公室密码不一致")
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
                tr("无法记住"),
                tr("办公文件已打开，但未能在本电脑上记住：{0}").format(exc),
            )


class _FieldProblems(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors
