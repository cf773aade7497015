"""Fixtures for the screen tests: the configured application, quick office files, no modal boxes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from wuyedesk.services.office import init_office
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.app import create_app

PASSPHRASE = "correct horse 12"
FAST_N = 2**12  # scrypt cost for tests; production keeps the slow default


@pytest.fixture(scope="session")
def qapp():
    """Return the program's own QApplication (Chinese font, translations) for pytest-qt."""
    return create_app(["wuyedesk-tests"])


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch):
    """Record modal message boxes instead of blocking the test on them."""
    shown: list[tuple[str, str]] = []

    def record(kind):
        def box(parent, title, text, *args, **kwargs):
            shown.append((kind, text))
            return QMessageBox.StandardButton.Ok

        return staticmethod(box)

    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, record(kind))
    return shown


@pytest.fixture
def office_path(tmp_path) -> Path:
    """Return where a new office file would go."""
    return tmp_path / "office.wuye"


@pytest.fixture
def make_office(office_path):
    """Create an office file quickly; return a function giving the open OfficeFile."""
    opened: list[OfficeFile] = []

    def make(office_name: str = "阳光花园管理处", estate_name: str = "阳光花园") -> OfficeFile:
        office, _ = init_office(
            office_path,
            PASSPHRASE,
            office_name=office_name,
            estate_name=estate_name,
            director_name="王主任",
            director_pin="1357",
            passphrase_n=FAST_N,
        )
        opened.append(office)
        return office

    yield make
    for office in opened:
        office.close()
