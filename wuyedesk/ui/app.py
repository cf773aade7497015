"""Start the program: the Qt application and the desk moving between unlock, login and work."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTranslator
from PySide6.QtWidgets import QApplication

from wuyedesk import __version__
from wuyedesk.paths import data_dir
from wuyedesk.services import office as office_service
from wuyedesk.services.context import Actor
from wuyedesk.services.settings import get_desk_settings
from wuyedesk.store import remembered
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.fonts import apply_cjk_font
from wuyedesk.ui.idle_lock import IdleLock
from wuyedesk.ui.login import LoginDialog
from wuyedesk.ui.start import UnlockDialog

if TYPE_CHECKING:
    from wuyedesk.ui.main_window import CardFactory, MainWindow

log = logging.getLogger(__name__)

# The program speaks Chinese whatever the PC's language is set to; its source
# strings are Chinese and Qt's own buttons and dialogs follow this locale.
UI_LOCALE = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
_installed: list[QTranslator] = []  # kept alive as long as the application


def _install_translators(app: QApplication) -> None:
    if _installed:
        return
    sources = (
        ("qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        ("wuyedesk", "_", str(data_dir("resources") / "i18n")),
    )
    for name, prefix, folder in sources:
        translator = QTranslator(app)
        if translator.load(UI_LOCALE, name, prefix, folder):
            app.installTranslator(translator)
            _installed.append(translator)


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
    QLocale.setDefault(UI_LOCALE)
    apply_cjk_font(app)
    _install_translators(app)
    return app


def open_remembered(path: Path) -> OfficeFile | None:
    """Open the office file with the key remembered on this PC, or return None."""
    usable, _ = remembered.availability()
    if not usable or not path.exists():
        return None
    try:
        return office_service.unlock(path, use_remembered=True)
    except Exception:  # a stale or unreadable remembered key: ask for the passphrase instead
        log.info("remembered key did not open %s", path, exc_info=True)
        return None


class Desk(QObject):
    """The desk's states: file locked → unlock; no one logged in → login; else the main window."""

    def __init__(
        self,
        path: Path,
        office: OfficeFile | None = None,
        *,
        card_factory: CardFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
        tick_ms: int = 1000,
    ) -> None:
        super().__init__()
        self.path = Path(path)
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

    def start(self, actor: Actor | None = None) -> None:
        """Show the first screen: unlock, login, or (just set up) the director's desk."""
        if self.office is None:
            self.show_unlock()
            return
        self._watch_idle()
        if actor is not None:
            self.enter(actor)
        else:
            self.show_login()

    def _watch_idle(self) -> None:
        assert self.office is not None
        if self.idle is not None:
            self.idle.stop()
        desk = get_desk_settings(self.office)
        self.idle = IdleLock(
            desk["idle_lock_minutes"],
            desk["file_lock_minutes"],
            clock=self.clock,
            interval_ms=self.tick_ms,
            parent=self,
        )
        self.idle.idle.connect(self.idle_lock)
        self.idle.file_lock.connect(self.lock_file)
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
        self._watch_idle()
        self.show_login()

    def show_login(self) -> None:
        """Show the staff login with a fresh name list and an empty PIN."""
        assert self.office is not None
        if self.login is None:
            self.login = LoginDialog(self.office)
            self.login.logged_in.connect(self.enter)
            self.login.lock_file.connect(self.lock_file)
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

        self.window = MainWindow(self.office, actor, card_factory=self.card_factory)
        self.window.switch_user.connect(self.switch_user)
        self.window.lock_now.connect(self.switch_user)
        self.window.closed.connect(self.quit)
        if self.idle is not None:
            self.idle.reset()
            self.window.set_lock_text(self.idle.countdown_text())
        self.window.show()
        self.window.card.offer_drafts()

    def _leave_window(self) -> None:
        if self.window is not None:
            self.window.discard()  # keeps unsaved work as drafts first
            self.window = None
        self.actor = None

    def switch_user(self) -> None:
        """Back to the login; nothing of the last person's screen remains."""
        self._leave_window()
        self.show_login()

    def idle_lock(self) -> None:
        """The idle time ran out: keep drafts and return to the login."""
        if self.window is not None:
            self.switch_user()

    def lock_file(self) -> None:
        """Close the office file (the data key leaves memory) and ask to unlock it again."""
        if self.office is None:
            return
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
        if self.idle is not None:
            self.idle.stop()
        for dialog in (self.login, self.unlock):
            if dialog is not None:
                dialog.hide()
        if self.office is not None:
            self.office.close()


def run(db_path: Path) -> int:
    """Run the desk program on this office file; return the exit status."""
    app = create_app()
    path = Path(db_path)
    actor: Actor | None = None
    choice = ""
    if path.exists():
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
        if desk.office is not None:
            desk.office.close()
