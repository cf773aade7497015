"""The demo estate: believable, complete (every workflow state), valid, numbered, repeatable."""

from __future__ import annotations

import zlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from wuyedesk.domain.errors import PermissionDenied, UserError
from wuyedesk.domain.roles import Role
from wuyedesk.domain.sla import OFFICE_TZ, check_time_order, half_year_bounds
from wuyedesk.domain.units import parse_unit_code
from wuyedesk.domain.validators import (
    check_id_number,
    check_landline,
    check_mobile,
    check_name,
    check_plate,
)
from wuyedesk.domain.workflows import WORKFLOWS
from wuyedesk.services import demo, demo_records, listing
from wuyedesk.services.context import Actor
from wuyedesk.services.office import init_office, verify_audit
from wuyedesk.services.residents import search_residents
from wuyedesk.store.models import (
    AuditEntry,
    Building,
    Contact,
    DailyReport,
    HelpRequest,
    HelpStep,
    MaterialIssue,
    QuoteLine,
    RepairOrder,
    Resident,
    ReturnVisit,
    Signature,
    Staff,
    Unit,
)
from wuyedesk.store.numbering import last_number, parse_number
from wuyedesk.store.office_file import OfficeFile

HOUSEHOLDS = 90
TODAY = date(2026, 3, 18)
SEED = 7
ACTOR = Actor.command_line()


def make(path: Path) -> OfficeFile:
    office, _ = init_office(
        path,
        "correct horse 12",
        office_name=demo.DEMO_OFFICE,
        estate_name=demo.DEMO_ESTATE,
        director_name=demo.DEMO_DIRECTOR,
        director_pin=demo.DEMO_PIN,
        passphrase_n=2**12,
    )
    return office


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OfficeFile, demo.DemoSummary]]:
    office = make(tmp_path_factory.mktemp("demo") / "o.wuye")
    steps: list[tuple[int, int, str]] = []
    summary = demo.generate_demo(
        office,
        ACTOR,
        households=HOUSEHOLDS,
        seed=SEED,
        today=TODAY,
        progress=lambda done, total, what: steps.append((done, total, what)),
    )
    assert steps[-1][0] == steps[-1][1]  # the progress bar ends full
    yield office, summary
    office.close()


def rows(office: OfficeFile, model: type) -> list:
    with office.transaction() as session:
        return list(session.scalars(select(model)))


def test_the_estate_has_exactly_the_households_asked_for(made):
    office, summary = made
    units = rows(office, Unit)
    assert len(units) == summary.units == HOUSEHOLDS
    assert summary.buildings == len(rows(office, Building))
    for unit in units:
        assert str(parse_unit_code(unit.code)) == unit.code  # canonical, parses back
        assert unit.area_centi_m2 and 5_000 <= unit.area_centi_m2 <= 20_000
        assert unit.possession_date and unit.possession_date <= TODAY
    occupied = {r.unit_id for r in rows(office, Resident) if r.moved_out is None}
    assert len(occupied) == summary.occupied
    assert 0.8 < len(occupied) / HOUSEHOLDS <= 1.0
    assert "锦绣花园" in summary.describe() and str(HOUSEHOLDS) in summary.describe()


def test_building_shapes_add_up_for_any_size():
    import random

    for households in (1, 7, 60, 73, 500, 2000, 2001):
        shapes = demo.building_shapes(random.Random(households), households)
        assert sum(max(e, 1) * ((f - 1) * per + top) for e, f, per, top in shapes) == households


def test_every_role_is_on_the_staff(made):
    office, summary = made
    staff = rows(office, Staff)
    roles = Counter(s.role for s in staff)
    assert set(roles) == {r.value for r in Role}
    assert roles["engineer"] == 4 and roles["clerk"] == 2 and roles["assistant"] == 2
    assert summary.staff == len(staff) and len({s.name for s in staff}) == len(staff)


def test_residents_are_valid_and_varied(made):
    office, _ = made
    residents = rows(office, Resident)
    for person in residents:
        check_name(person.name)
        assert check_mobile(person.phone) == person.phone
        assert check_id_number(person.id_number) == person.id_number
        assert (int(person.id_number[16]) % 2 == 1) == (person.gender == "男")
        assert 1950 <= int(person.id_number[6:10]) <= 2000
        if person.landline:
            assert check_landline(person.landline) == person.landline
        if person.plate:
            assert check_plate(person.plate) == person.plate
        if person.data_status == "to_update":
            assert person.verified_on < TODAY - timedelta(days=365)
    roles = Counter(p.role for p in residents)
    assert roles["owner"] and roles["tenant"] and roles["family"]
    assert any(p.moved_out for p in residents)
    assert any(p.data_status == "to_update" for p in residents)
    assert any(p.habits for p in residents) and any(p.plate for p in residents)
    assert sum(p.consent_disclose for p in residents) < len(residents) / 3
    assert any(len(p.name) == 2 for p in residents) and any(len(p.name) == 3 for p in residents)
    assert len({p.phone for p in residents}) == len(residents)


def test_residents_are_found_by_search(made):
    office, _ = made
    someone = rows(office, Resident)[0]
    found = search_residents(office, ACTOR, someone.name)
    assert someone.id in {r.id for r in found}


def _states(office: OfficeFile) -> dict[str, set[str]]:
    seen: dict[str, set[str]] = defaultdict(set)
    for r in rows(office, RepairOrder):
        seen["repair_paid" if r.kind == "paid" else "repair_free"].add(r.state)
    for model, flow in (
        (Contact, "contact"),
        (ReturnVisit, "return_visit"),
        (HelpRequest, "help_request"),
        (DailyReport, "daily_report"),
    ):
        seen[flow] |= {r.state for r in rows(office, model)}
    return seen


def test_every_state_of_every_workflow_appears(made):
    office, _ = made
    seen = _states(office)
    for name, workflow in WORKFLOWS.items():
        assert seen[name] == set(workflow.states), name


def test_old_records_are_closed_and_open_ones_are_recent(made):
    office, _ = made
    month_ago = TODAY - timedelta(days=30)
    for slip in rows(office, RepairOrder):
        day = slip.reported_at.astimezone(OFFICE_TZ).date()
        if day < month_ago:
            assert slip.state in WORKFLOWS[f"repair_{slip.kind}"].final, slip.number
    open_slips = [s for s in rows(office, RepairOrder) if s.state not in ("archived", "void")]
    assert open_slips


def test_repair_slips_run_in_time_order_and_paid_ones_are_stamped(made):
    office, _ = made
    with office.transaction() as session:
        slips = list(session.scalars(select(RepairOrder)))
        lines = defaultdict(list)
        for line in session.scalars(select(QuoteLine)):
            lines[line.repair_order_id].append(line)
        issued = defaultdict(list)
        for issue in session.scalars(select(MaterialIssue)):
            issued[issue.repair_order_id].append(issue)
        signatures = {s.id: s for s in session.scalars(select(Signature))}
    for slip in slips:
        steps = [
            ("reported", slip.reported_at),
            ("received", slip.received_at),
            ("dispatched", slip.dispatched_at),
            ("arrived", slip.arrived_at),
            ("completed", slip.completed_at),
            ("accepted", slip.accepted_at),
        ]
        assert check_time_order(steps) is None, slip.number
        if slip.state == "materials_issued" or (slip.arrived_at and issued[slip.id]):
            assert issued[slip.id] and all(
                i.issued_at >= slip.dispatched_at for i in issued[slip.id]
            )
        if slip.received_at:
            assert slip.receiver_signature_id in signatures
        if slip.accepted_at:
            assert slip.acceptance_signature_id in signatures and slip.satisfaction
        if slip.state == "void":
            assert slip.void_reason and slip.voided_at
        if slip.state in ("returned", "refused"):
            assert slip.close_reason and slip.closed_at
        if slip.arrived_at:
            late = slip.arrived_at - slip.dispatched_at > timedelta(minutes=5)
            assert slip.arrival_late is late, slip.number
        if slip.state in ("reconciled", "archived"):
            assert slip.reconciliation_id is not None and slip.reconciled_at, slip.number
        if slip.kind == "paid" and slip.stamped_at:
            assert slip.receipt_no and slip.receipt_no.startswith("SJ")
            assert slip.paid_fen == slip.quote_labour_fen + slip.quote_material_fen
            assert sum(line.amount_fen for line in lines[slip.id]) == slip.paid_fen
            chain = [slip.received_at, slip.quoted_at, slip.approved_at, slip.stamped_at]
            chain += [t for t in (slip.dispatched_at,) if t]
            assert chain == sorted(chain), slip.number
    png = next(iter(signatures.values())).png
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    idat = png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8]
    assert len(zlib.decompress(idat)) == height * (width + 1)


def test_complaints_are_visited_and_archived_only_when_satisfied(made):
    office, _ = made
    visits = rows(office, ReturnVisit)
    by_contact = defaultdict(list)
    for visit in visits:
        if visit.contact_id:
            by_contact[visit.contact_id].append(visit)
    complaints = [c for c in rows(office, Contact) if c.kind == "complaint"]
    on_time = late = 0
    for complaint in complaints:
        if complaint.state in ("recorded", "void"):
            continue
        chain = by_contact[complaint.id]
        assert chain, complaint.number
        first = min(chain, key=lambda v: v.id)
        if first.visited_at:
            on_time += first.visited_at <= complaint.visit_due_at
            late += first.visited_at > complaint.visit_due_at
        if complaint.state == "archived":
            assert any(v.state in ("done_satisfied", "done_fairly") for v in chain)
    assert on_time > late
    follow_ups = [v for v in visits if v.previous_visit_id]
    assert all(v.created_at >= v.due_at - timedelta(days=2) for v in follow_ups)
    for visit in visits:
        if visit.state == "nonconformity_open":
            assert visit.nonconformity and visit.rectify_deadline
        if visit.door_note_at:
            assert visit.state != "planned" or visit.due_at > visit.door_note_at


def test_special_help_is_logged_step_by_step(made):
    office, _ = made
    steps = defaultdict(list)
    for step in rows(office, HelpStep):
        steps[step.help_request_id].append(step.step)
    helps = rows(office, HelpRequest)
    assert any(h.is_special for h in helps) and any(not h.is_special for h in helps)
    for request in helps:
        if request.state in ("handled", "closed") and request.is_special:
            assert request.sent_at <= request.arrived_at <= request.done_at
            assert steps[request.id] == ["sent", "arrived", "handled"]


def test_routine_visits_reach_ten_percent_of_each_building_per_half_year(made):
    office, _ = made
    units = {u.id: u.building_id for u in rows(office, Unit)}
    per_building = Counter(units.values())
    first, last = half_year_bounds(2025, 2)  # the one whole half-year in the window
    visited = defaultdict(set)
    for visit in rows(office, ReturnVisit):
        day = visit.visited_at and visit.visited_at.astimezone(OFFICE_TZ).date()
        if visit.kind == "routine" and day and first <= day <= last:
            visited[units[visit.unit_id]].add(visit.unit_id)
    for building, count in per_building.items():
        assert len(visited[building]) >= count * 0.10, building


def test_numbers_are_gapless_per_kind_and_year_and_follow_dates(made):
    office, _ = made
    with office.transaction() as session:
        for model, when in (
            (Contact, "at"),
            (RepairOrder, "reported_at"),
            (HelpRequest, "at"),
            (ReturnVisit, "due_at"),
        ):
            serials = defaultdict(list)
            for record in session.scalars(select(model)):
                prefix, year, serial = parse_number(record.number)
                assert getattr(record, when).astimezone(OFFICE_TZ).year == year
                serials[(prefix, year)].append((getattr(record, when), serial))
            for (prefix, year), found in serials.items():
                numbers = [serial for _, serial in sorted(found)]
                assert sorted(numbers) == list(range(1, len(numbers) + 1)), prefix
                assert numbers == sorted(numbers), f"{prefix}-{year} out of date order"
                assert last_number(session, prefix, year) == len(numbers)


def test_daily_reports_are_reviewed_except_the_last_days(made):
    office, _ = made
    reports = rows(office, DailyReport)
    assert all(r.day.weekday() < 5 for r in reports)
    assert {r.staff_id for r in reports} == {
        s.id for s in rows(office, Staff) if s.role in ("clerk", "assistant")
    }
    for report in reports:
        if report.day < TODAY - timedelta(days=5):
            assert report.state == "reviewed" and report.reviewed_at > report.submitted_at
    assert sum(r.state != "reviewed" for r in reports) <= 4 * 4


def test_every_kind_lists_and_the_audit_has_one_demo_line(made):
    office, _ = made
    for kind in listing.KINDS:
        header, lines = listing.list_records(office, ACTOR, kind)
        assert lines and all(len(line) == len(header) for line in lines), kind
    header, lines = listing.list_records(office, ACTOR, "repairs", month="2025-11")
    assert lines and all(line[1].startswith("2025-11") for line in lines)
    with office.transaction() as session:
        actions = Counter(session.scalars(select(AuditEntry.action)))
    assert actions["demo.generate"] == 1
    assert sum(actions.values()) < 30  # not one line per record
    assert verify_audit(office, ACTOR).ok


def test_same_seed_same_office_other_seed_other_office(made, tmp_path):
    office, _ = made
    again = make(tmp_path / "again.wuye")
    other = make(tmp_path / "other.wuye")
    try:
        demo.generate_demo(again, ACTOR, households=HOUSEHOLDS, seed=SEED, today=TODAY)
        demo.generate_demo(other, ACTOR, households=HOUSEHOLDS, seed=SEED + 1, today=TODAY)
        for kind in listing.KINDS:
            mine = listing.list_records(office, ACTOR, kind)
            assert listing.list_records(again, ACTOR, kind) == mine, kind
        assert listing.list_records(other, ACTOR, "residents") != listing.list_records(
            office, ACTOR, "residents"
        )
    finally:
        again.close()
        other.close()


def test_a_second_demo_is_refused_and_so_is_a_clerk(made, tmp_path):
    office, _ = made
    with pytest.raises(UserError, match="已有房号"):
        demo.generate_demo(office, ACTOR, households=10, today=TODAY)
    with office.transaction() as session:
        assert session.scalar(select(func.count(Unit.id))) == HOUSEHOLDS
    fresh = make(tmp_path / "fresh.wuye")
    try:
        with pytest.raises(PermissionDenied):
            demo.generate_demo(fresh, Actor(None, "文员", Role.clerk), households=10, today=TODAY)
        with pytest.raises(UserError):
            demo.generate_demo(fresh, ACTOR, households=0, today=TODAY)
    finally:
        fresh.close()


@pytest.mark.slow
def test_two_thousand_households_get_the_usual_year(tmp_path):
    # How long it takes is measured by `make bench`, never asserted here.
    office = make(tmp_path / "big.wuye")
    try:
        summary = demo.generate_demo(office, ACTOR, households=2000, seed=1, today=TODAY)
    finally:
        office.close()
    assert summary.units == 2000
    assert 800 < summary.contacts < 1200 and 600 < summary.repairs < 1000


def test_daily_report_counts_read_like_the_screens(made):
    import json

    from wuyedesk.services.daily_reports import COUNTED, MADE

    office, _ = made
    known = set(MADE) | set(COUNTED.values()) | {"_open"}
    with office.transaction() as session:
        stored = [json.loads(r.counts_json) for r in session.scalars(select(DailyReport))]
    assert stored and all(set(counts) <= known for counts in stored)
    assert any(counts.get("登记来访/来电") for counts in stored)


# --- several years, more records a month ---------------------------------------------------
YEARS = 3


@pytest.fixture(scope="module")
def years_made(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[OfficeFile, demo.DemoSummary]]:
    office = make(tmp_path_factory.mktemp("years") / "o.wuye")
    summary = demo.generate_demo(
        office, ACTOR, households=40, seed=SEED, today=TODAY, years=YEARS, volume=2.0
    )
    yield office, summary
    office.close()


def test_several_years_of_records_reach_back_that_far(years_made):
    office, summary = years_made
    days = [c.at.astimezone(OFFICE_TZ).date() for c in rows(office, Contact)]
    first_day = TODAY - timedelta(days=round(365.25 * YEARS))
    assert first_day <= min(days) < first_day + timedelta(days=60)
    per_year = Counter(day.year for day in days)
    assert set(per_year) == {TODAY.year - n for n in range(YEARS + 1)}
    whole = per_year[TODAY.year - 1]  # a whole calendar year inside the window
    assert 0.6 * 12 * 40 * 0.04 * 2.0 < whole < 1.5 * 12 * 40 * 0.04 * 2.0
    assert summary.years == YEARS and "近 3 年" in summary.describe()
    reports = rows(office, DailyReport)
    assert min(r.day for r in reports) < first_day + timedelta(days=7)


def test_several_years_are_numbered_gapless_per_year_in_date_order(years_made):
    office, _ = years_made
    with office.transaction() as session:
        for model, when in (
            (Contact, "at"),
            (RepairOrder, "reported_at"),
            (HelpRequest, "at"),
            (ReturnVisit, "due_at"),
        ):
            serials = defaultdict(list)
            for record in session.scalars(select(model)):
                prefix, year, serial = parse_number(record.number)
                assert getattr(record, when).astimezone(OFFICE_TZ).year == year, record.number
                serials[(prefix, year)].append((getattr(record, when), serial))
            assert len({year for _, year in serials}) >= YEARS, model.__name__
            for (prefix, year), found in serials.items():
                numbers = [serial for _, serial in sorted(found)]
                assert numbers == list(range(1, len(numbers) + 1)), f"{prefix}-{year}"
                assert last_number(session, prefix, year) == len(numbers)
        receipts = defaultdict(list)
        for slip in session.scalars(select(RepairOrder).where(RepairOrder.stamped_at.isnot(None))):
            receipts[slip.stamped_at.astimezone(OFFICE_TZ).year].append(slip.receipt_no)
    for year, numbers in receipts.items():
        expected = [f"SJ{year}{n:05d}" for n in range(1, len(numbers) + 1)]
        assert sorted(numbers) == expected


def test_several_years_keep_every_workflow_state_and_the_half_year_visits(years_made):
    office, _ = years_made
    seen = _states(office)
    for name, workflow in WORKFLOWS.items():
        assert seen[name] == set(workflow.states), name
    units = {u.id: u.building_id for u in rows(office, Unit)}
    per_building = Counter(units.values())
    for year, half in ((TODAY.year - 2, 2), (TODAY.year - 1, 1), (TODAY.year - 1, 2)):
        first, last = half_year_bounds(year, half)
        visited = defaultdict(set)
        for visit in rows(office, ReturnVisit):
            day = visit.visited_at and visit.visited_at.astimezone(OFFICE_TZ).date()
            if visit.kind == "routine" and day and first <= day <= last:
                visited[units[visit.unit_id]].add(visit.unit_id)
        for building, count in per_building.items():
            assert len(visited[building]) >= count * 0.10, (year, half, building)


def test_volume_multiplies_the_monthly_rates(tmp_path):
    counts = []
    for volume in (1.0, 3.0):
        office = make(tmp_path / f"v{volume}.wuye")
        try:
            summary = demo.generate_demo(
                office, ACTOR, households=60, seed=SEED, today=TODAY, volume=volume
            )
        finally:
            office.close()
        counts.append((summary.contacts, summary.repairs, summary.help_requests))
        # At least the rates times the volume; a few more are converted or cover a state.
        rates = (demo_records.CONTACT_RATE, demo_records.REPAIR_RATE, demo_records.HELP_RATE)
        for count, rate in zip(counts[-1], rates, strict=True):
            assert count >= round(rate * 60 * 12 * volume)
    for low, high in zip(*counts, strict=True):
        assert 1.6 * low < high < 3.2 * low


def test_years_and_volume_out_of_range_are_refused(tmp_path):
    fresh = make(tmp_path / "fresh.wuye")
    try:
        for bad in ({"years": 0}, {"years": demo.MAX_YEARS + 1}, {"volume": 0.0},
                    {"volume": demo.MAX_VOLUME + 1}):  # fmt: skip
            with pytest.raises(UserError):
                demo.generate_demo(fresh, ACTOR, households=10, today=TODAY, **bad)
        with fresh.transaction() as session:
            assert session.scalar(select(func.count(Unit.id))) == 0
    finally:
        fresh.close()
