"""Paths into a paper that went round its screen's rights: lists, print by number, unit card."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.test_repairs import opened
from wuyedesk.domain.errors import PermissionDenied
from wuyedesk.services.contacts import record_contact
from wuyedesk.services.context import Actor
from wuyedesk.services.listing import list_records
from wuyedesk.services.printing import print_record
from wuyedesk.services.unit_card import unit_card
from wuyedesk.store.office_file import OfficeFile


def test_a_list_shows_no_more_than_the_papers_own_screen(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    opened(staffed_estate, who)
    with pytest.raises(PermissionDenied):
        list_records(staffed_estate, who["guard"], "repairs")  # security has no slips
    for kind in ("contacts", "visits"):
        with pytest.raises(PermissionDenied):
            list_records(staffed_estate, who["finance"], kind)
    _, rows = list_records(staffed_estate, who["engineer"], "repairs")
    assert len(rows) == 1


def test_each_department_prints_its_copy_of_a_slip_by_number(
    staffed_estate: OfficeFile, who: dict[str, Actor], tmp_path: Path
) -> None:
    slip = opened(staffed_estate, who)
    for key in ("engineer", "finance", "store"):
        out = tmp_path / f"{key}.pdf"
        print_record(staffed_estate, who[key], slip.number, out)
        assert out.read_bytes().startswith(b"%PDF")
    with pytest.raises(PermissionDenied):
        print_record(staffed_estate, who["guard"], slip.number, tmp_path / "guard.pdf")


def test_the_unit_card_shows_only_the_histories_the_role_may_see(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    opened(staffed_estate, who)
    record_contact(
        staffed_estate,
        who["assistant"],
        {"method": "call", "unit": "3-2-1502", "caller_name": "刘先生", "phone": "13800138000",
         "kind": "enquiry", "content": "咨询停车费"},
    )  # fmt: skip
    desk = unit_card(staffed_estate, who["clerk"], "3-2-1502")
    assert len(desk.repairs) == 1 and len(desk.contacts) == 1
    guard = unit_card(staffed_estate, who["guard"], "3-2-1502")
    assert guard.repairs == [] and len(guard.contacts) == 1
