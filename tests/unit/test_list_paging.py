"""Lists read a page at a time: the pages join to the whole list, no row twice, none missing.

One small demo estate (a year of records) is built per module; each list is read whole and
in pages of a few rows, and the two must agree row for row, under every filter a screen
offers and for every role that may look.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from tests.conftest import build_template, location, make_office, open_copy
from wuyedesk.domain.errors import PermissionDenied, ValidationError
from wuyedesk.domain.roles import Role
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.services import contacts, demo, paging
from wuyedesk.services.contact_views import list_contacts, list_contacts_page
from wuyedesk.services.context import Actor
from wuyedesk.services.help_views import get_help, list_help, list_help_page
from wuyedesk.services.repair_views import count_repairs, list_repairs, list_repairs_page
from wuyedesk.services.residents import list_residents, list_residents_page
from wuyedesk.services.visit_views import count_visits, list_visits, list_visits_page
from wuyedesk.store.models import Building, Staff
from wuyedesk.store.office_file import OfficeFile, open_office_file

TODAY = date(2026, 3, 16)
NOW = datetime.combine(TODAY, time(17, 30), OFFICE_TZ)
YEAR = {"date_from": TODAY - timedelta(days=366), "date_to": TODAY}
CLI = Actor.command_line()
CLERK = Actor(None, "陈文员", Role.clerk)
GUARD = Actor(None, "吴保安", Role.security)
FINANCE = Actor(None, "钱会计", Role.finance)

Paged = Callable[..., paging.Page[Any]]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A demo estate of 150 households and a year of records, built once."""
    path, key = build_template(tmp_path_factory.mktemp("demo"))
    office = open_office_file(location(path), key)
    demo.generate_demo(office, CLI, households=150, seed=3, today=TODAY)
    office.close()
    return path, key


@pytest.fixture(scope="module")
def estate(
    template: tuple[Path, bytes], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OfficeFile]:
    """A copy of the demo estate for reading (tests here that write make their own copy)."""
    office = open_copy(template, tmp_path_factory.mktemp("reading"))
    yield office
    office.close()


def pages(paged: Paged, office: OfficeFile, actor: Actor, size: int, **filters: Any) -> list[Any]:
    """Read a list page by page to its end; every page but the last is full."""
    rows: list[Any] = []
    after = None
    for _ in range(10_000):
        page = paged(office, actor, after=after, limit=size, **filters)
        rows += page.rows
        if page.after is None:
            return rows
        assert len(page.rows) == size, "a page before the last is full"
        after = page.after
    raise AssertionError("the pages never end")


def same_by_pages(
    whole: Callable[..., list[Any]], paged: Paged, office: OfficeFile, actor: Actor, **filters: Any
) -> list[Any]:
    """Assert that the list read whole and in pages of 1, 7 and 50 rows is the same list."""
    expected = whole(office, actor, **filters)
    for size in (1, 7, 50):
        assert pages(paged, office, actor, size, **filters) == expected
    assert len({v.id for v in expected}) == len(expected), "no record twice"
    return expected


def test_register_pages_join_to_the_register(estate: OfficeFile) -> None:
    year = same_by_pages(list_contacts, list_contacts_page, estate, CLERK, now=NOW, **YEAR)
    assert len(year) > 50
    assert [(v.at, v.id) for v in year] == sorted(((v.at, v.id) for v in year), reverse=True)
    for flags in ({"open_only": True}, {"overdue_only": True}, {"kind": "complaint", **YEAR}):
        listed = same_by_pages(list_contacts, list_contacts_page, estate, CLERK, now=NOW, **flags)
        assert listed, f"the demo has rows for {flags}"
    overdue = list_contacts(estate, CLERK, overdue_only=True, now=NOW)
    assert all(v.overdue for v in overdue)
    with estate.transaction() as session:
        label = session.scalars(select(Building.label)).first()
    assert label is not None
    in_building = same_by_pages(
        list_contacts, list_contacts_page, estate, CLERK, building=label, now=NOW, **YEAR
    )
    assert in_building
    assert all((v.unit_code or "").startswith(f"{label}栋") for v in in_building)


def test_repair_pages_join_to_every_view(estate: OfficeFile) -> None:
    for view in ("open", "overdue", "late", "mine"):
        same_by_pages(list_repairs, list_repairs_page, estate, CLI, view=view, now=NOW)
    every = same_by_pages(list_repairs, list_repairs_page, estate, CLI, view="all", now=NOW, **YEAR)
    assert len(every) > 50
    assert [(v.reported_at, v.id) for v in every] == sorted(
        ((v.reported_at, v.id) for v in every), reverse=True
    )
    first = every[0]
    for narrow in (
        {"kind": "paid"},
        {"state": first.state},
        {"building_id": first.building_id},
        {"engineer_id": first.engineer_id},
    ):
        same_by_pages(
            list_repairs, list_repairs_page, estate, CLI, view="all", now=NOW, **YEAR, **narrow
        )
    late = list_repairs(estate, CLI, view="overdue", now=NOW)
    assert late, "the demo has late slips"
    building = {"building_id": next(v.building_id for v in late if v.building_id is not None)}
    in_building = same_by_pages(
        list_repairs, list_repairs_page, estate, CLI, view="overdue", now=NOW, **building
    )
    assert in_building == [v for v in late if v.building_id == building["building_id"]]
    assert count_repairs(estate, CLI, view="overdue", now=NOW, **building).total == len(in_building)


def test_repair_queues_page_alike_for_every_role(estate: OfficeFile) -> None:
    with estate.transaction() as session:
        staff = list(session.scalars(select(Staff).where(Staff.active.is_(True))))
    for member in staff:
        actor = Actor(member.id, member.name, Role(member.role))
        if actor.role == Role.security:
            with pytest.raises(PermissionDenied):
                list_repairs_page(estate, actor, view="mine", now=NOW)
            continue
        same_by_pages(list_repairs, list_repairs_page, estate, actor, view="mine", now=NOW)


def test_help_pages_join_to_the_help_log(estate: OfficeFile) -> None:
    year = same_by_pages(list_help, list_help_page, estate, CLERK, now=NOW, **YEAR)
    assert len(year) > 5
    for flags in ({"open_only": True}, {"overdue_only": True}, {"special_only": True}):
        same_by_pages(list_help, list_help_page, estate, CLERK, now=NOW, **YEAR, **flags)
    # A page reads the numbers of the entries and slips the requests became all at once.
    linked = [v for v in year if v.contact_number or v.repair_number]
    assert linked, "the demo has requests that became an entry or a slip"
    for view in linked:
        alone = get_help(estate, CLERK, view.id, now=NOW)
        assert (alone.contact_number, alone.repair_number) == (
            view.contact_number,
            view.repair_number,
        )


def test_visit_pages_join_to_the_visit_record(estate: OfficeFile) -> None:
    year = same_by_pages(list_visits, list_visits_page, estate, CLERK, now=NOW, **YEAR)
    assert len(year) > 50
    keys = [(v.visited_at or v.due_at, v.id) for v in year]
    assert keys == sorted(keys, reverse=True), "by visit (or due) time, newest first"
    for flags in ({"open_only": True}, {"overdue_only": True}, {"kind": "complaint", **YEAR}):
        same_by_pages(list_visits, list_visits_page, estate, CLERK, now=NOW, **flags)
    with pytest.raises(ValidationError):
        list_visits_page(estate, CLERK, kind="weekly")


def test_resident_pages_join_in_cabinet_order(estate: OfficeFile) -> None:
    current = same_by_pages(list_residents, list_residents_page, estate, CLI)
    assert len(current) > 100
    everyone = same_by_pages(list_residents, list_residents_page, estate, CLI, current_only=False)
    assert len(everyone) > len(current)
    unit = current[0].unit_code
    same_by_pages(list_residents, list_residents_page, estate, CLI, unit_code=unit)


def test_counts_match_the_lists(estate: OfficeFile) -> None:
    for view, dates in (("open", {}), ("overdue", {}), ("late", {}), ("all", YEAR)):
        listed = list_repairs(estate, CLI, view=view, now=NOW, **dates)
        tally = count_repairs(estate, CLI, view=view, now=NOW, **dates)
        assert tally == paging.Tally(len(listed), sum(1 for v in listed if v.overdue)), view
    for flags in ({"open_only": True}, {"overdue_only": True}, {}, YEAR):
        listed = list_visits(estate, CLERK, now=NOW, **flags)
        tally = count_visits(estate, CLERK, now=NOW, **flags)
        assert tally == paging.Tally(len(listed), sum(1 for v in listed if v.overdue)), flags
    assert count_visits(estate, CLERK, now=NOW, **YEAR).overdue > 0


def test_who_may_not_see_a_list_may_not_page_or_count_it(estate: OfficeFile) -> None:
    for call in (
        lambda: list_repairs_page(estate, GUARD, now=NOW),
        lambda: count_repairs(estate, GUARD, now=NOW),
        lambda: list_contacts_page(estate, FINANCE, now=NOW),
        lambda: list_visits_page(estate, FINANCE, now=NOW),
        lambda: count_visits(estate, FINANCE, now=NOW),
        lambda: list_residents_page(estate, Actor(None, "李工", Role.engineer)),
    ):
        with pytest.raises(PermissionDenied):
            call()


@pytest.fixture
def register(tmp_path: Path) -> Iterator[OfficeFile]:
    """A new office whose register holds 24 calls over three days, three at each time."""
    office, _ = make_office(tmp_path / "office.wuye")
    for n in range(24):
        at = NOW - timedelta(hours=3 * (n // 3) + 1)
        contacts.record_contact(office, CLI, call(at, f"问题 {n}"), now=NOW)
    yield office
    office.close()


def call(at: datetime, content: str) -> dict[str, Any]:
    return {"at": at, "method": "call", "caller_name": "张伟", "kind": "other", "content": content}


def test_rows_tied_on_time_split_over_pages_by_id(register: OfficeFile) -> None:
    listed = same_by_pages(list_contacts, list_contacts_page, register, CLI, now=NOW, **YEAR)
    assert len(listed) == 24
    # Pages of 1, 7 and 50 rows split the three calls of one time; the newest id comes first.
    assert [(v.at, v.id) for v in listed] == sorted(((v.at, v.id) for v in listed), reverse=True)
    assert len({v.at for v in listed}) == 8


def test_a_record_saved_between_pages_neither_repeats_nor_hides_a_row(
    register: OfficeFile,
) -> None:
    before = list_contacts(register, CLI, now=NOW, **YEAR)
    first = list_contacts_page(register, CLI, limit=10, now=NOW, **YEAR)
    late_call = call(NOW - timedelta(minutes=5), "新来电")
    new = contacts.record_contact(register, CLI, late_call, now=NOW)
    rest: list[Any] = []
    after = first.after
    while after is not None:
        page = list_contacts_page(register, CLI, after=after, limit=10, now=NOW, **YEAR)
        rest += page.rows
        after = page.after
    assert [v.id for v in first.rows + rest] == [v.id for v in before]
    assert list_contacts_page(register, CLI, limit=1, now=NOW, **YEAR).rows[0].id == new.id


def test_a_page_reads_its_links_in_a_few_queries_not_row_by_row(estate: OfficeFile) -> None:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    readers: list[Callable[[int], object]] = [
        lambda n: list_contacts_page(estate, CLERK, limit=n, now=NOW, **YEAR),
        lambda n: list_repairs_page(estate, CLI, view="all", limit=n, now=NOW, **YEAR),
        lambda n: list_help_page(estate, CLERK, limit=n, now=NOW, **YEAR),
        lambda n: list_visits_page(estate, CLERK, limit=n, now=NOW, **YEAR),
        lambda n: list_residents_page(estate, CLI, limit=n),
    ]
    for read in readers:
        used = []
        for size in (2, 40):
            statements.clear()
            event.listen(estate.engine, "before_cursor_execute", count)
            try:
                read(size)
            finally:
                event.remove(estate.engine, "before_cursor_execute", count)
            used.append(len(statements))
        assert used[0] == used[1], "as many queries for 40 rows as for 2"


def test_a_page_holds_at_least_one_row(estate: OfficeFile) -> None:
    with pytest.raises(ValueError):
        list_contacts_page(estate, CLERK, limit=0, now=NOW)


def test_overdue_lists_sifted_in_small_batches_page_alike(
    estate: OfficeFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "SCAN_BATCH", 3)  # a page then spans many reads
    same_by_pages(list_repairs, list_repairs_page, estate, CLI, view="overdue", now=NOW)
    same_by_pages(list_contacts, list_contacts_page, estate, CLERK, overdue_only=True, now=NOW)
    same_by_pages(list_help, list_help_page, estate, CLERK, overdue_only=True, now=NOW)
    same_by_pages(list_visits, list_visits_page, estate, CLERK, overdue_only=True, now=NOW)


@pytest.mark.parametrize("batch", [1, 2, 5, 500])
@pytest.mark.parametrize("size", [1, 3, 4, 10, None])
def test_collect_reads_a_sifted_list_in_order_to_its_end(
    batch: int, size: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "SCAN_BATCH", batch)
    numbers = list(range(100, 0, -1))  # newest first: the key runs down

    def read(after: paging.Cursor | None, count: int | None) -> list[tuple[Any, int | None]]:
        rest = [n for n in numbers if after is None or n < after[0]]
        return [((n,), n if n % 3 == 0 else None) for n in rest[:count]]

    wanted = [n for n in numbers if n % 3 == 0]
    read_all = paging.collect(read, None, None, sifted=True)
    assert read_all == paging.Page(wanted, None)
    if size is None:
        return
    got: list[int] = []
    after: paging.Cursor | None = None
    while True:
        page = paging.collect(read, after, size, sifted=True)
        got += page.rows
        if page.after is None:
            break
        assert len(page.rows) == size
        after = page.after
    assert got == wanted
