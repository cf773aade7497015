"""The resident archive services: validation, masking, search, reveal, permissions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from wuyedesk.domain.errors import FormErrors, PermissionDenied, ValidationError
from wuyedesk.domain.roles import Role
from wuyedesk.services.context import Actor
from wuyedesk.services.places import add_building, estate_overview
from wuyedesk.services.residents import (
    add_resident,
    list_residents,
    move_out,
    reveal_resident,
    search_residents,
)
from wuyedesk.store.models import AuditEntry, Resident
from wuyedesk.store.office_file import OfficeFile

GOOD = {
    "name": "张伟",
    "role": "owner",
    "phone": "138 0013 8000",
    "id_number": "31010119700101118x",
}


@pytest.fixture
def estate(office: OfficeFile, cli_actor: Actor) -> OfficeFile:
    add_building(office, cli_actor, "3", entrances=2, floors=16, units_per_floor=2)
    return office


def _count(office: OfficeFile) -> int:
    with office.transaction() as session:
        return session.scalar(select(func.count()).select_from(Resident)) or 0


def test_add_resident_normalises_and_masks(estate: OfficeFile, cli_actor: Actor) -> None:
    view = add_resident(estate, cli_actor, "3-2-1502", GOOD)
    assert view.unit_code == "3栋2单元1502"
    assert view.phone == "138****8000"
    assert view.id_number == "3101**********118X"
    assert view.masked
    [listed] = list_residents(estate, cli_actor, unit_code="3栋2单元1502")
    assert listed.name == "张伟" and listed.phone == "138****8000"


def test_bad_fields_are_all_reported_and_nothing_saved(
    estate: OfficeFile, cli_actor: Actor
) -> None:
    bad = {"name": "", "role": "boss", "phone": "12345", "id_number": "110101199003074515"}
    with pytest.raises(FormErrors) as caught:
        add_resident(estate, cli_actor, "3-2-1502", bad)
    assert set(caught.value.errors) == {"name", "role", "phone", "id_number"}
    assert "校验" in caught.value.errors["id_number"]
    assert _count(estate) == 0


def test_phone_or_landline_is_required(estate: OfficeFile, cli_actor: Actor) -> None:
    with pytest.raises(FormErrors) as caught:
        add_resident(estate, cli_actor, "3-2-1502", {"name": "李娜", "role": "tenant"})
    assert "至少填写一项" in caught.value.errors["phone"]
    view = add_resident(
        estate,
        cli_actor,
        "3-2-1502",
        {"name": "李娜", "role": "tenant", "landline": "021-62345678"},
    )
    assert view.landline.endswith("5678") and "6234" not in view.landline


def test_unknown_unit_is_refused(estate: OfficeFile, cli_actor: Actor) -> None:
    with pytest.raises(ValidationError, match="没有房号"):
        add_resident(estate, cli_actor, "9栋101", GOOD)
    assert _count(estate) == 0


def test_search_by_name_phone_tail_unit_and_initials(estate: OfficeFile, cli_actor: Actor) -> None:
    add_resident(estate, cli_actor, "3-2-1502", GOOD)
    add_resident(
        estate, cli_actor, "3-1-801", {"name": "欧阳娜娜", "role": "owner", "phone": "15912341234"}
    )
    assert [r.name for r in search_residents(estate, cli_actor, "张伟")] == ["张伟"]
    assert [r.name for r in search_residents(estate, cli_actor, "欧阳娜")] == ["欧阳娜娜"]
    assert [r.name for r in search_residents(estate, cli_actor, "8000")] == ["张伟"]
    assert [r.name for r in search_residents(estate, cli_actor, "2单元1502")] == ["张伟"]
    assert [r.name for r in search_residents(estate, cli_actor, "oynn")] == ["欧阳娜娜"]
    assert [r.name for r in search_residents(estate, cli_actor, "zw")] == ["张伟"]
    assert search_residents(estate, cli_actor, "王五六") == []
    assert search_residents(estate, cli_actor, "  ") == []


def test_reveal_shows_full_numbers_and_writes_an_audit_line(
    estate: OfficeFile, cli_actor: Actor
) -> None:
    view = add_resident(estate, cli_actor, "3-2-1502", GOOD)
    clerk = Actor(None, "文员甲", Role.clerk)
    full = reveal_resident(estate, clerk, view.id)
    assert full.phone == "13800138000" and full.id_number == "31010119700101118X"
    with estate.transaction() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert last is not None and last.action == "resident.reveal"
    assert last.target == f"resident:{view.id}"


def test_an_engineer_may_not_reveal_or_edit(estate: OfficeFile, cli_actor: Actor) -> None:
    view = add_resident(estate, cli_actor, "3-2-1502", GOOD)
    engineer = Actor(None, "李师傅", Role.engineer)
    with pytest.raises(PermissionDenied, match="工程人员"):
        reveal_resident(estate, engineer, view.id)
    with pytest.raises(PermissionDenied):
        add_resident(estate, engineer, "3-2-1501", GOOD)


def test_move_out_keeps_history_and_checks_version(estate: OfficeFile, cli_actor: Actor) -> None:
    view = add_resident(estate, cli_actor, "3-2-1502", {**GOOD, "moved_in": "2020-05-01"})
    with pytest.raises(ValidationError, match="不能早于"):
        move_out(estate, cli_actor, view.id, date(2019, 1, 1), view.version)
    moved = move_out(estate, cli_actor, view.id, date(2026, 10, 1), view.version)
    assert moved.moved_out == date(2026, 10, 1)
    assert list_residents(estate, cli_actor, unit_code="3-2-1502") == []
    history = list_residents(estate, cli_actor, unit_code="3-2-1502", current_only=False)
    assert [r.name for r in history] == ["张伟"]
    with pytest.raises(Exception, match=r"已被他人修改|已于"):
        move_out(estate, cli_actor, view.id, date(2026, 11, 1), view.version)


def test_estate_overview_counts(estate: OfficeFile, cli_actor: Actor) -> None:
    add_building(estate, cli_actor, "10", entrances=0, floors=2, units_per_floor=3)
    add_resident(estate, cli_actor, "3-2-1502", GOOD)
    add_resident(
        estate, cli_actor, "3-2-1502", {**GOOD, "name": "张小伟", "role": "family", "id_number": ""}
    )
    overview = estate_overview(estate, cli_actor)
    assert [b.label for b in overview] == ["3", "10"]
    three, ten = overview
    assert (three.entrances, three.floors, three.units, three.residents, three.occupied_units) == (
        2,
        16,
        64,
        2,
        1,
    )
    assert (ten.entrances, ten.floors, ten.units, ten.residents) == (0, 2, 6, 0)
