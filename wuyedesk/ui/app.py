"""Start the program: the Qt application and the desk moving between unlock, login and work."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, Qt, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from wuyedesk import __version__, i18n
from wuyedesk.domain.errors import UserError
from wuyedesk.i18n import tr
from wuyedesk.lazy import lazy_module
from wuyedesk.paths import data_dir
from wuyedesk.services.context import Actor
from wuyedesk.store import remembered
from wuyedesk.store.location import Location, parse_location
from wuyedesk.ui.fonts import apply_cjk_font
from wuyedesk.ui.idle_lock import ClosedDialogs, IdleLock
from wuyedesk.ui.login import LoginDialog
from wuyedesk.ui.start import UnlockDialog

if TYPE_CHECKING:
    from wuyedesk.services import office as office_service
    from wuyedesk.services import staff as staff_service
    from wuyedesk.store.office_file import OfficeFile
    from wuyedesk.ui.main_window import CardFactory, MainWindow
else:  # loaded on first use (wuyedesk/lazy.py): the unlock window comes first
    office_service = lazy_module("wuyedesk.services.office")
    staff_service = lazy_module("wuyedesk.services.staff")

log = logging.getLogger(__name__)

# The program's source strings are Chinese; the language chosen at start (wuyedesk/i18n.py)
# decides Qt's locale (dates, Qt's own buttons and dialogs) and which translations load.
LOCALES = {
    i18n.CHINESE: QLocale(QLocale.Language.Chinese, QLocale.Country.China),
    i18n.ENGLISH: QLocale(QLocale.Language.English, QLocale.Country.UnitedStates),
}
_installed: list[QTranslator] = []  # kept alive as long as the application
REAP_RETRY_MS = 100  # how often a locked desk looks whether the old window may go now


def ui_locale() -> QLocale:
    """Return the Qt locale of the language this process speaks."""
    return LOCALES[i18n.language()]


def _install_translators(app: QApplication) -> None:
    """Load Qt's own Chinese strings, or the program's compiled translation for the forms."""
    if _installed:
        return
    language = i18n.language()
    if language == i18n.CHINESE:
        sources = [("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    else:  # Qt speaks English itself; the .ui forms' strings come from the .qm
        sources = [(f"wuyedesk_{language}", str(data_dir("resources") / "i18n"))]
    for name, folder in sources:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            log.warning("translation %s not found in %s", name, folder)


def create_app(argv: Sequence[str] | None = None) -> QApplication:
    """Return the QApplication (made once) with names, Chinese font and translations set."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv if argv is not None else sys.argv))
    assert isinstance(app, QApplication)
    app.setOrganizationName("wuyedesk")
    app.setApplicationName("wuyedesk")
    app.setApplicationDisplayName("wuyedesk")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(data_dir("resources") / "icons" / "wuyedesk.svg")))
    QLocale.setDefault(ui_locale())
    apply_cjk_font(app)
    _install_translators(app)
    return app


def open_remembered(path: Location) -> OfficeFile | None:
    """Open the office file with the key remembered on this PC, or return None."""
    usable, _ = remembered.availability()
    if not usable or (isinstance(path, Path) and not path.exists()):
        return None
    try:
        return office_service.unlock(path, use_remembered=True)
    except Exception:  # a stale or unreadable remembered key: ask for the passphrase instead
        log.info("remembered key did not open %s", path, exc_info=True)
        return None


class Desk(QObject):
    """The desk's states: file locked → unlock; no one logged in → login; else the main window.

    Leaving a window (lock, switch user) works even while modal dialogs run their own
    event loops: the dialogs are rejected and the window hidden at once, the login shown;
    the window itself is torn down only once every exec() has returned (`retired`).
    Lock, unlock and closing the file are written to the audit log.
    """

    def __init__(
        self,
        path: Location,
        office: OfficeFile | None = None,
        *,
        card_factory: CardFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
        tick_ms: int = 1000,
    ) -> None:
        super().__init__()
        self.path = parse_location(path)
        self.office = office
        self.card_factory = card_factory
        self.clock = clock
        self.tick_ms = tick_ms
        self.actor: Actor | None = None
        self.window: MainWindow | None = None
        self.login: LoginDialog | None = None
        self.unlock: UnlockDialog | None = None
        self.idle: IdleLock | None = None
        self.finished = False
        self.locked: tuple[Actor, str] | None = None  # who was locked out, and why
        self.retired: list[MainWindow] = []  # hidden windows waiting for nested loops to end
        self.closed_dialogs = ClosedDialogs(self)
        self._reap_pending = False
        self.backup_warning: QMessageBox | None = None

    def start(self, actor: Actor | None = None) -> None:
        """Show the first screen: unlock, login, or (just set up) the director's desk."""
        if self.office is None:
            self.show_unlock()
            return
        self.backup_today()
        self._watch_idle()
        if actor is not None:
            self.enter(actor)
        else:
            self.show_login()

    def _watch_idle(self) -> None:
        assert self.office is not None
        if self.idle is not None:
            self.idle.stop()
        from wuyedesk.services.settings import get_desk_settings

        desk = get_desk_settings(self.office)
        self.idle = IdleLock(
            desk["idle_lock_minutes"],
            desk["file_lock_minutes"],
            clock=self.clock,
            interval_ms=self.tick_ms,
            parent=self,
        )
        self.idle.idle.connect(self.idle_lock)
        self.idle.file_lock.connect(self._idle_file_lock)
        self.idle.tick.connect(self._tick)
        self.idle.start()

    def _tick(self, text: str) -> None:
        if self.window is not None:
            self.window.set_lock_text(text)

    def show_unlock(self) -> None:
        """Ask for the passphrase (or recovery key) to open the office file again."""
        self.unlock = UnlockDialog(self.path)
        self.unlock.accepted.connect(self._unlocked)
        self.unlock.rejected.connect(self.quit)
        self.unlock.show()

    def _unlocked(self) -> None:
        assert self.unlock is not None
        self.office = self.unlock.office
        self.unlock.deleteLater()
        self.unlock = None
        self.backup_today()
        self._watch_idle()
        self.show_login()

    def backup_today(self) -> Path | None:
        """Keep an encrypted copy on the day's first start; a failure warns and work goes on."""
        assert self.office is not None
        if self.office.is_server:
            return None  # a server database is backed up by its administrator (pg_dump)
        try:
            return office_service.daily_backup(self.office)
        except UserError as exc:
            log.warning("daily backup failed: %s", exc.message)
            box = QMessageBox(QMessageBox.Icon.Warning, tr("今日备份未完成"), exc.message)
            box.setObjectName("backup_warning")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()  # not modal for the desk: the office can still be used
            self.backup_warning = box
            return None

    def show_login(self) -> None:
        """Show the staff login with a fresh name list and an empty PIN."""
        assert self.office is not None
        if self.login is None:
            self.login = LoginDialog(self.office)
            self.login.logged_in.connect(self.enter)
            self.login.lock_file.connect(self.close_file)
            self.login.quit.connect(self.quit)
        else:
            self.login.reload()
        self.login.show()
        self.login.raise_()
        self.login.activateWindow()

    def enter(self, actor: Actor) -> None:
        """Open a fresh main window for this member of staff and offer their drafts back."""
        assert self.office is not None
        self.actor = actor
        if self.login is not None:
            self.login.hide()
        # Imported when first needed: the unlock window should not wait for the whole desk.
        from wuyedesk.ui.main_window import MainWindow

        if self.locked is not None:
            locked_by, reason = self.locked
            self.locked = None
            self._audit(staff_service.record_unlock, self.office, actor, locked_by, reason)
        self.window = MainWindow(self.office, actor, card_factory=self.card_factory)
        self.window.switch_user.connect(self.switch_user)
        self.window.lock_now.connect(self.lock_now)
        self.window.closed.connect(self.quit)
        if self.idle is not None:
            self.idle.reset()
            self.window.set_lock_text(self.idle.countdown_text())
        self.window.show()
        self.window.card.offer_drafts()

    def _audit(self, record: Callable[..., None], *args: object) -> None:
        try:
            record(*args)
        except Exception:  # the lock must happen even if the audit line cannot be written
            log.exception("audit line %s not written", getattr(record, "__name__", record))

    def _own_dialogs(self) -> tuple[QWidget | None, ...]:
        return (self.login, self.unlock)

    def _leave_window(self) -> None:
        """Keep drafts, close the window's dialogs and hide it; tear it down when safe."""
        window, self.window = self.window, None
        self.actor = None
        if window is None:
            return
        window.keep_drafts()  # before the dialogs go: a closed form's typing is kept
        clear_clipboard = getattr(window.card, "clear_clipboard", None)
        if callable(clear_clipboard):
            clear_clipboard()
        self.closed_dialogs.close(keep=self._own_dialogs())
        window.hide()
        self.retired.append(window)
        self._reap()

    def _reap(self) -> None:
        """Tear down the retired windows once no dialog's exec() can return into them."""
        if not self.retired:
            return
        if self.window is None and not self.finished:
            # A dialog that opened as the nested loops unwound must not cover the login.
            self.closed_dialogs.close(keep=self._own_dialogs())
        if not self.closed_dialogs.settled() and not self.finished:
            if not self._reap_pending:
                self._reap_pending = True
                QTimer.singleShot(REAP_RETRY_MS, self, self._reap_later)
            return
        retired, self.retired = self.retired, []
        for window in retired:
            window.discard()  # keeps unsaved work as drafts first

    def _reap_later(self) -> None:
        self._reap_pending = False
        self.backup_warning: QMessageBox | None = None
        self._reap()

    def switch_user(self) -> None:
        """Back to the login; nothing of the last person's screen remains."""
        self._leave_window()
        self.show_login()

    def lock(self, reason: str) -> None:
        """Lock the desk: audit it, keep drafts, close every dialog, show the login."""
        if self.window is None or self.actor is None:
            return
        actor = self.actor
        if self.office is not None:
            self._audit(staff_service.record_lock, self.office, actor, reason)
        self.locked = (actor, reason)
        self.switch_user()

    def idle_lock(self) -> None:
        """The idle time ran out: keep drafts and return to the login (dialogs open or not)."""
        minutes = self.idle.idle_seconds / 60 if self.idle is not None else 0
        self.lock(staff_service.idle_lock_reason(minutes))

    def lock_now(self) -> None:
        """文件 → 锁定: the person steps away; the next login unlocks."""
        self.lock(staff_service.MANUAL_LOCK)

    def _idle_file_lock(self) -> None:
        minutes = self.idle.file_seconds / 60 if self.idle is not None else 0
        self.lock_file(staff_service.idle_close_reason(minutes))

    def close_file(self) -> None:
        """The login's 锁定办公文件 button: close the office file now."""
        self.lock_file(staff_service.MANUAL_CLOSE)

    def lock_file(self, reason: str | None = None) -> None:
        """Close the office file (the data key leaves memory) and ask to unlock it again."""
        if self.office is None:
            return
        reason = reason or staff_service.MANUAL_CLOSE
        if self.window is not None:
            self.lock(reason)  # someone was still at work: that is a lock too
        who = self.locked[0] if self.locked is not None else None
        # Written while the file is still open: the last line before the key goes.
        self._audit(staff_service.record_office_close, self.office, who, reason)
        self._leave_window()
        if self.login is not None:
            self.login.hide()
            self.login.deleteLater()
            self.login = None
        if self.idle is not None:
            self.idle.stop()
        self.office.close()
        self.office = None
        self.show_unlock()

    def open_import(self) -> None:
        """Open the Excel import wizard in the main window (the set-up choice)."""
        if self.window is not None:
            self.window.show_import()

    def quit(self) -> None:
        """End the program; unsaved work is kept as drafts, the office file closed."""
        if self.finished:
            return
        self.shutdown()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def shutdown(self) -> None:
        """Close every screen and the office file, without ending the event loop."""
        self.finished = True
        self._leave_window()
        self._reap()
        if self.idle is not None:
            self.idle.stop()
        for dialog in (self.login, self.unlock):
            if dialog is not None:
                dialog.hide()
        if self.office is not None:
            self.office.close()


def run(db_path: Location) -> int:
    """Run the desk program on this office file; return the exit status."""
    app = create_app()
    path = parse_location(db_path)
    actor: Actor | None = None
    choice = ""
    try:
        exists = office_service.office_exists(path)
    except UserError as exc:  # a server database that cannot be reached
        QMessageBox.critical(None, tr("无法打开办公室"), exc.message)
        return 1
    if exists:
        office = open_remembered(path)
    else:
        from wuyedesk.ui.setup_wizard import SetupWizard

        wizard = SetupWizard(path)
        wizard.exec()
        if wizard.office is None:
            return 0
        office, actor, choice = wizard.office, wizard.actor, wizard.choice()
    desk = Desk(path, office)
    desk.start(actor)
    if choice == "import":
        desk.open_import()
    try:
        return app.exec()
    finally:
        # Whatever ended the loop: stop the idle watch, drop the screens, close the file.
        desk.shutdown()
