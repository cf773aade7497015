"""Fixtures shared by the repair-slip tests: one estate with the whole staff, copied per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import build_template, open_copy
from wuyedesk.domain.roles import Role
from wuyedesk.services.context import Actor
from wuyedesk.services.staff import add_staff_in
from wuyedesk.store.models import Staff
from wuyedesk.store.office_file import OfficeFile

STAFF = {
    "assistant": ("张助理", Role.assistant),
    "clerk": ("陈文员", Role.clerk),
    "boss": ("黄主管", Role.eng_supervisor),
    "engineer": ("李工", Role.engineer),
    "finance": ("钱会计", Role.finance),
    "store": ("孙仓管", Role.storekeeper),
    "guard": ("吴保安", Role.security),
    "supervisor": ("赵主管", Role.supervisor),
}
STAFF_PIN = "2468"


@pytest.fixture(scope="module")
def staffed_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """One estate with the whole staff, built once; every test gets its own copy."""
    folder = tmp_path_factory.mktemp("template")
    path, key = build_template(folder, ("3", 2, 16, 2))
    office = open_copy((path, key), folder / "..")
    with office.transaction() as session:
        for name, role in STAFF.values():
            add_staff_in(session, Actor.command_line(), name, role.value, STAFF_PIN)
    office.close()
    return folder / ".." / "office.wuye", key


@pytest.fixture
def staffed_estate(staffed_template: tuple[Path, bytes], tmp_path: Path) -> Iterator[OfficeFile]:
    office = open_copy(staffed_template, tmp_path)
    yield office
    office.close()


@pytest.fixture
def who(staffed_estate: OfficeFile) -> dict[str, Actor]:
    with staffed_estate.transaction() as session:
        rows = {s.name: s for s in session.scalars(select(Staff))}
    return {key: Actor(rows[name].id, name, role) for key, (name, role) in STAFF.items()}
