"""Start the program: the Qt application, the office file's way in, the main window."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QDialog

from wuyedesk import __version__
from wuyedesk.paths import data_dir
from wuyedesk.services import office as office_service
from wuyedesk.store import remembered
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.fonts import apply_cjk_font
from wuyedesk.ui.main_window import MainWindow
from wuyedesk.ui.start import CreateOfficeDialog, UnlockDialog

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


def open_office(path: Path) -> OfficeFile | None:
    """Create or unlock the office file through the start dialogs; None when the user quits."""
    path = Path(path)
    if not path.exists():
        create = CreateOfficeDialog(path)
        create.exec()
        return create.office  # once the file exists it is opened, however the dialog closed
    office = open_remembered(path)
    if office is not None:
        return office
    dialog = UnlockDialog(path)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.office


def run(db_path: Path) -> int:
    """Run the desk program on this office file; return the exit status."""
    app = create_app()
    office = open_office(Path(db_path))
    if office is None:
        return 0
    window = MainWindow(office)
    window.show()
    try:
        return app.exec()
    finally:
        office.close()
