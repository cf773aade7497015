"""Shared fixtures: a real encrypted office file in a temporary folder."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from wuyedesk.services.context import Actor
from wuyedesk.services.office import init_office
from wuyedesk.store import keys
from wuyedesk.store.office_file import OfficeFile, open_office_file

PASSPHRASE = "correct horse 12"
DIRECTOR_PIN = "1357"
# Tests stretch the passphrase less than the program does; the parameter is stored
# in the key file, so the code path is the same one production takes.
FAST_N = 2**12


def make_office(path: Path) -> tuple[OfficeFile, str]:
    """Create a real office file with a director, quickly."""
    return init_office(
        path,
        PASSPHRASE,
        office_name="测试物业管理处",
        estate_name="幸福小区",
        director_name="王主任",
        director_pin=DIRECTOR_PIN,
        passphrase_n=FAST_N,
    )


def build_template(folder: Path, *buildings: tuple[str, int, int, int]) -> tuple[Path, bytes]:
    """Build an office with these buildings (label, entrances, floors, units per floor) once."""
    from wuyedesk.services.places import add_building

    path = folder / "office.wuye"
    office, _ = make_office(path)
    for label, entrances, floors, per_floor in buildings:
        add_building(
            office,
            Actor.command_line(),
            label,
            entrances=entrances,
            floors=floors,
            units_per_floor=per_floor,
        )
    key = office.data_key
    office.close()
    return path, key


def open_copy(template: tuple[Path, bytes], folder: Path) -> OfficeFile:
    """Open a private copy of a template office (much faster than building it again)."""
    source, key = template
    path = folder / "office.wuye"
    shutil.copy(source, path)
    shutil.copy(keys.key_path(source), keys.key_path(path))
    return open_office_file(path, key)


@pytest.fixture
def office_path(tmp_path: Path) -> Path:
    """Return where a test's office file lives."""
    return tmp_path / "office.wuye"


@pytest.fixture
def office(office_path: Path) -> Iterator[OfficeFile]:
    """Yield an open, empty office file."""
    opened, _ = make_office(office_path)
    yield opened
    opened.close()


@pytest.fixture
def cli_actor() -> Actor:
    """Return the command line's actor (director rights)."""
    return Actor.command_line()


@pytest.fixture(autouse=True)
def _no_env_leaks(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WUYEDESK_DB", "WUYEDESK_PASSPHRASE", "WUYEDESK_NEW_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
