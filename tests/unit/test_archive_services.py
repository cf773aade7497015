"""Estate tree, unit card, edits with masked fields, stale data, drafts, settings, lookup."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from wuyedesk.domain.errors import NotFound, PermissionDenied, UserError, ValidationError
from wuyedesk.domain.roles import Role
from wuyedesk.services import drafts, settings
from wuyedesk.services.context import Actor
from wuyedesk.services.estate import estate_tree, stale_before
from wuyedesk.services.lookup import find_by_number, looks_like_number
from wuyedesk.services.places import add_building
from wuyedesk.services.residents import (
    add_resident,
    mark_to_update,
    resident_form_data,
    reveal_resident,
    stale_residents,
    update_resident,
)
from wuyedesk.services.unit_card import unit_card
from wuyedesk.store.office_file import OfficeFile

OWNER = {"name": "陈静", "role": "owner", "phone": "13912345678", "id_number": "110101199003074514"}


@pytest.fixture
def estate(office: OfficeFile, cli_actor: Actor) -> OfficeFile:
    add_building(office, cli_actor, "2", entrances=2, floors=3, units_per_floor=2)
    add_building(office, cli_actor, "11", entrances=0, floors=2, units_per_floor=1)
    return office


def test_tree_follows_the_cabinet(estate: OfficeFile, cli_actor: Actor) -> None:
    add_resident(estate, cli_actor, "2-1-301", OWNER)
    add_resident(
        estate, cli_actor, "2-1-301", {**OWNER, "name": "陈小静", "role": "family", "id_number": ""}
    )
    tree = estate_tree(estate, cli_actor)
    assert [b.label for b in tree] == ["2", "11"]
    two, eleven = tree
    assert [e.number for e in two.entrances] == [1, 2]
    assert [f.storey for f in two.entrances[0].floors] == [1, 2, 3]
    assert [u.code for u in two.entrances[0].floors[2].units] == ["2栋1单元301", "2栋1单元302"]
    assert two.units == 12 and two.residents == 2 and two.stale == 0
    assert [e.number for e in eleven.entrances] == [None]
    assert eleven.units == 2


def test_stale_residents_are_flagged(estate: OfficeFile, cli_actor: Actor) -> None:
    old = date.today() - timedelta(days=500)
    add_resident(estate, cli_actor, "2-1-101", {**OWNER, "verified_on": old.isoformat()})
    fresh = add_resident(estate, cli_actor, "2-1-102", {**OWNER, "name": "李雷"})
    before = stale_before(estate)
    assert [r.name for r in stale_residents(estate, cli_actor, before=before)] == ["陈静"]
    mark_to_update(estate, cli_actor, fresh.id, "电话已停机")
    assert {r.name for r in stale_residents(estate, cli_actor, before=before)} == {"陈静", "李雷"}
    tree = estate_tree(estate, cli_actor)
    assert tree[0].stale == 2


def test_stale_period_is_a_setting(estate: OfficeFile, cli_actor: Actor) -> None:
    default = stale_before(estate, date(2026, 11, 29))
    settings.set_rules(estate, cli_actor, stale_months=6)
    assert stale_before(estate, date(2026, 11, 29)) > default
    with pytest.raises(ValidationError):
        settings.set_rules(estate, cli_actor, stale_months=0)
    with pytest.raises(PermissionDenied):
        settings.set_rules(estate, Actor(None, "文员", Role.clerk), stale_months=3)


def test_desk_settings_default_and_change(office: OfficeFile, cli_actor: Actor) -> None:
    assert settings.get_desk_settings(office) == {"idle_lock_minutes": 5, "file_lock_minutes": 30}
    settings.set_desk_settings(office, cli_actor, idle_lock_minutes=10)
    assert settings.get_desk_settings(office)["idle_lock_minutes"] == 10
    with pytest.raises(ValidationError):
        settings.set_desk_settings(office, cli_actor, idle_lock_minutes=0)


def test_edit_with_masked_fields_keeps_stored_numbers(estate: OfficeFile, cli_actor: Actor) -> None:
    view = add_resident(estate, cli_actor, "2-2-201", OWNER)
    form = resident_form_data(estate, cli_actor, view.id)
    assert form["phone"] == "139****5678" and form["unit"] == "2栋2单元201"
    form["employer"] = "某某科技公司"
    saved = update_resident(estate, cli_actor, view.id, form, form["version"])
    full = reveal_resident(estate, cli_actor, saved.id)
    assert full.phone == "13912345678" and full.id_number == "110101199003074514"
    with pytest.raises(UserError, match="已被他人修改"):
        update_resident(estate, cli_actor, view.id, form, form["version"])


def test_edit_refuses_bad_input_and_changes_nothing(estate: OfficeFile, cli_actor: Actor) -> None:
    view = add_resident(estate, cli_actor, "2-2-201", OWNER)
    form = resident_form_data(estate, cli_actor, view.id)
    with pytest.raises(UserError):
        update_resident(estate, cli_actor, view.id, {**form, "phone": "123"}, form["version"])
    assert resident_form_data(estate, cli_actor, view.id)["version"] == form["version"]


def test_unit_card(estate: OfficeFile, cli_actor: Actor) -> None:
    add_resident(
        estate,
        cli_actor,
        "2-1-201",
        {
            **OWNER,
            "role": "tenant",
            "name": "租客甲",
            "id_number": "",
            "moved_in": "2020-01-01",
            "moved_out": "2022-01-01",
        },
    )
    add_resident(
        estate, cli_actor, "2-1-201", {**OWNER, "name": "赵家人", "role": "family", "id_number": ""}
    )
    add_resident(estate, cli_actor, "2-1-201", OWNER)
    card = unit_card(estate, cli_actor, "2-1-201")
    assert card.code == "2栋1单元201" and card.floor == 2 and card.entrance == 1
    assert [p.name for p in card.people] == ["陈静", "赵家人"]
    assert [p.name for p in card.history] == ["租客甲"]
    assert card.contacts == [] and card.repairs == [] and card.visits == []
    assert card.people[0].phone == "139****5678"


def test_drafts_round_trip_per_staff(office: OfficeFile, cli_actor: Actor) -> None:
    clerk = Actor(7, "文员甲", Role.clerk)
    data = {"name": "王", "moved_in": date(2024, 3, 1), "consent_disclose": True}
    drafts.save_draft(office, cli_actor, "resident", "new:2栋1单元101", data)
    [kept] = drafts.drafts_of(office, cli_actor)
    assert kept.data == data and kept.form == "resident"
    assert drafts.drafts_of(office, clerk) == []
    drafts.save_draft(office, cli_actor, "resident", "new:2栋1单元101", {**data, "name": "王五"})
    [kept] = drafts.drafts_of(office, cli_actor)
    assert kept.data["name"] == "王五"
    drafts.discard_draft(office, cli_actor, "resident", "new:2栋1单元101")
    assert drafts.drafts_of(office, cli_actor) == []


def test_lookup_by_number(office: OfficeFile, cli_actor: Actor) -> None:
    assert looks_like_number("WX-2026-000001") and not looks_like_number("张伟")
    with pytest.raises(NotFound, match="没有单号"):
        find_by_number(office, cli_actor, "wx-2026-000001")
    with pytest.raises(NotFound, match="不是单号"):
        find_by_number(office, cli_actor, "3栋")
