"""Planning visits: the half-year's 10 % coverage per building, who is next, what is waiting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import build_template, open_copy
from tests.unit.conftest import STAFF, STAFF_PIN
from tests.unit.test_visits import T0, accepted_repair, complaint, hours, planned
from wuyedesk.domain.errors import PermissionDenied, ValidationError
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.services import visit_plan as p
from wuyedesk.services import visits as v
from wuyedesk.services.context import Actor
from wuyedesk.services.settings import set_rules
from wuyedesk.services.staff import add_staff_in
from wuyedesk.store.models import Resident, Staff, Unit
from wuyedesk.store.office_file import OfficeFile

# Building 1: ten units, all lived in. Building 2: twelve units, six lived in now; 2-203 left
# before 2026, 2-204 left in March 2026, 2-301 moved in in August 2026.
MOVES = {
    "2栋203": (None, date(2025, 12, 1)),
    "2栋204": (None, date(2026, 3, 1)),
    "2栋301": (date(2026, 8, 1), None),
}
LIVED_IN = [f"1栋{f}{n:02d}" for f in (1, 2) for n in range(1, 6)] + [
    "2栋101",
    "2栋102",
    "2栋103",
    "2栋104",
    "2栋201",
    "2栋202",
]
AUGUST = datetime(2026, 8, 15, 9, 0, tzinfo=OFFICE_TZ)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    folder = tmp_path_factory.mktemp("plan")
    path, key = build_template(folder, ("1", 0, 2, 5), ("2", 0, 3, 4))
    office = open_copy((path, key), folder / "..")
    with office.transaction() as session:
        for name, role in STAFF.values():
            add_staff_in(session, Actor.command_line(), name, role.value, STAFF_PIN)
        units = {u.code: u.id for u in session.scalars(select(Unit))}
        for code in LIVED_IN:
            session.add(Resident(unit_id=units[code], name="住户", role="owner"))
        for code, (moved_in, moved_out) in MOVES.items():
            session.add(
                Resident(
                    unit_id=units[code],
                    name="住户",
                    role="owner",
                    moved_in=moved_in,
                    moved_out=moved_out,
                )
            )
    office.close()
    return folder / ".." / "office.wuye", key


@pytest.fixture
def estate(template: tuple[Path, bytes], tmp_path: Path) -> Iterator[OfficeFile]:
    office = open_copy(template, tmp_path)
    yield office
    office.close()


@pytest.fixture
def staff(estate: OfficeFile) -> dict[str, Actor]:
    with estate.transaction() as session:
        rows = {s.name: s for s in session.scalars(select(Staff))}
    return {key: Actor(rows[name].id, name, role) for key, (name, role) in STAFF.items()}


def visit(office: OfficeFile, who: dict[str, Actor], unit: str, at: datetime) -> v.VisitView:
    """Plan a routine visit the day before and make it at `at` (office time)."""
    data = {"kind": "routine", "unit": unit, "due_at": at}
    view = v.plan_visit(office, who["supervisor"], data, now=at - timedelta(days=1))
    return v.record_visit(
        office,
        who["supervisor"],
        view.id,
        version=view.version,
        method="talk",
        satisfaction="satisfied",
        opinions=None,
        visitors=None,
        at=at,
        now=at + timedelta(minutes=10),
    )


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=OFFICE_TZ)


def lines(
    office: OfficeFile, who: Actor, year: int, half: int
) -> list[tuple[str, int, int, int, bool]]:
    return [
        (x.building_label, x.households, x.visited, x.needed, x.met)
        for x in p.routine_coverage(office, who, year, half, now=AUGUST)
    ]


# --- coverage --------------------------------------------------------------------------------


def test_coverage_counts_each_household_once_per_building_and_in_total(
    estate: OfficeFile, staff: dict[str, Actor]
) -> None:
    visit(estate, staff, "1-101", local(2026, 3, 10, 10, 0))
    visit(estate, staff, "1-101", local(2026, 5, 10, 10, 0))  # the same household again
    missed = v.plan_visit(
        estate, staff["supervisor"], {"kind": "routine", "unit": "1-102", "due_at": T0}, now=T0
    )
    v.nobody_home(
        estate, staff["assistant"], missed.id, version=missed.version, next_at=hours(5), now=T0
    )  # a door note is not a visit
    contact = complaint(estate, staff, local(2026, 4, 1, 9, 0), unit="1-103")
    made = v.plan_visit(
        estate,
        staff["assistant"],
        {"kind": "complaint", "related_number": contact.number},
        now=local(2026, 4, 1, 9, 30),
    )
    v.record_visit(
        estate,
        staff["supervisor"],
        made.id,
        version=made.version,
        method="talk",
        satisfaction="satisfied",
        opinions=None,
        visitors="黄主管",
        now=local(2026, 4, 1, 15, 0),
    )
    # A unit with nobody on file but visited is a household all the same.
    visit(estate, staff, "2-302", local(2026, 6, 30, 23, 30))  # still June in office time
    visit(estate, staff, "2-101", local(2026, 7, 1, 0, 30))  # July, though 30 June in UTC
    assert lines(estate, staff["clerk"], 2026, 1) == [
        ("1栋", 10, 1, 1, True),
        ("2栋", 8, 1, 1, True),  # six lived in, 2-204 until March, 2-302 visited
        ("全小区", 18, 2, 2, True),
    ]
    first = p.routine_coverage(estate, staff["clerk"], 2026, 1, now=AUGUST)
    assert first[0].share == pytest.approx(0.1) and first[-1].building_id is None
    assert lines(estate, staff["clerk"], 2026, 2) == [
        ("1栋", 10, 0, 1, False),
        ("2栋", 7, 1, 1, True),  # 2-204 gone, 2-301 moved in
        ("全小区", 17, 1, 2, False),
    ]
    set_rules(estate, Actor.command_line(), routine_visit_share=0.2)
    assert lines(estate, staff["clerk"], 2026, 1)[-1] == ("全小区", 18, 2, 4, False)


def test_the_total_is_met_only_when_every_building_is(
    estate: OfficeFile, staff: dict[str, Actor]
) -> None:
    visit(estate, staff, "2-101", local(2026, 2, 2, 10, 0))
    visit(estate, staff, "2-102", local(2026, 2, 3, 10, 0))
    assert lines(estate, staff["supervisor"], 2026, 1) == [
        ("1栋", 10, 0, 1, False),
        ("2栋", 7, 2, 1, True),
        ("全小区", 17, 2, 2, False),  # enough in number, but building 1 was left out
    ]


def test_coverage_refuses_a_bad_or_future_half_year(
    estate: OfficeFile, staff: dict[str, Actor]
) -> None:
    with pytest.raises(ValidationError, match="上半年或下半年"):
        p.routine_coverage(estate, staff["clerk"], 2026, 3)
    with pytest.raises(ValidationError, match="尚未开始") as caught:
        p.routine_coverage(estate, staff["clerk"], 2027, 1, now=AUGUST)
    assert caught.value.field == "half"
    with pytest.raises(PermissionDenied):
        p.routine_coverage(estate, staff["finance"], 2026, 1)


# --- who to visit next -----------------------------------------------------------------------


def test_suggestions_put_never_visited_households_first_then_the_longest_ago(
    estate: OfficeFile, staff: dict[str, Actor]
) -> None:
    visit(estate, staff, "2-101", local(2026, 3, 1, 10, 0))
    old = visit(estate, staff, "2-102", local(2026, 1, 15, 10, 0))
    v.plan_visit(
        estate, staff["supervisor"], {"kind": "routine", "unit": "2-103", "due_at": T0}, now=T0
    )  # already planned: not suggested
    with estate.transaction() as session:
        building = session.scalar(select(Unit.building_id).where(Unit.code == "2栋101"))
    found = p.suggested_households(estate, staff["supervisor"], building, limit=5)
    assert [s.unit_code for s in found] == ["2栋104", "2栋201", "2栋202", "2栋301", "2栋102"]
    assert found[0].last_visited_at is None and found[0].building_label == "2栋"
    assert (found[-1].last_visited_at, found[-1].last_number) == (old.visited_at, old.number)
    everyone = p.suggested_households(estate, staff["supervisor"], limit=100)
    assert len(everyone) == 16 and everyone[-1].unit_code == "2栋101"
    with pytest.raises(ValidationError, match="没有这栋楼"):
        p.suggested_households(estate, staff["supervisor"], 999)
    with pytest.raises(ValidationError):
        p.suggested_households(estate, staff["supervisor"], limit=0)
    with pytest.raises(PermissionDenied):
        p.suggested_households(estate, staff["engineer"])


# --- what is waiting -------------------------------------------------------------------------


def test_complaints_and_repairs_waiting_for_their_visit_oldest_first(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    first = complaint(staffed_estate, who)  # no visit planned yet
    second = planned(staffed_estate, who, hours(1))  # planned, still to make
    done = planned(staffed_estate, who, hours(0.5))
    v.record_visit(
        staffed_estate,
        who["supervisor"],
        done.id,
        version=done.version,
        method="talk",
        satisfaction="satisfied",
        opinions=None,
        visitors="黄主管",
        now=hours(3),
    )
    order = accepted_repair(staffed_estate, who)  # accepted at 10:30, not planned
    waiting = p.waiting_visits(staffed_estate, who["clerk"], now=hours(22))
    assert [(w.related_number, w.visit_number, w.time_left_text) for w in waiting] == [
        (first.number, None, "剩 2 小时"),
        (second.related_number, second.number, "剩 3 小时"),
        (order.number, None, "未安排回访"),
    ]
    assert waiting[0].kind_label == "投诉" and waiting[0].place == "3栋2单元1502"
    assert waiting[2].due_at is None and not waiting[2].overdue
    planned_call = v.plan_visit(
        staffed_estate,
        who["assistant"],
        {"kind": "repair", "related_number": order.number, "due_at": hours(30)},
        now=hours(2),
    )
    late = p.waiting_visits(staffed_estate, who["clerk"], now=hours(26))
    assert [(w.visit_number, w.time_left_text, w.overdue) for w in late] == [
        (None, "超时 2 小时", True),
        (second.number, "超时 1 小时", True),
        (planned_call.number, "剩 4 小时", False),
    ]
    assert late[0].time_left == timedelta(hours=-2)


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (timedelta(hours=3), "剩 3 小时"),
        (timedelta(hours=2, minutes=59), "剩 2 小时"),
        (timedelta(minutes=40), "剩 40 分钟"),
        (timedelta(0), "剩 0 分钟"),
        (timedelta(hours=-2), "超时 2 小时"),
        (timedelta(minutes=-5), "超时 5 分钟"),
        (timedelta(hours=-50), "超时 2 天"),
    ],
)
def test_time_left_reads_as_the_desk_says_it(left: timedelta, text: str) -> None:
    assert p.time_left_text(left) == text
