"""Long lists on screen: the first screen reads one page, scrolling to the end reads the next.

An office with 2,500 open register entries, slips, help requests and visits; each list
screen must show its first page at once without reading the rest, and read more only as
the table is scrolled to its end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from tests.conftest import build_template, location
from wuyedesk.domain.errors import UserError
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.services import contact_views, help_views, repair_views, visit_views
from wuyedesk.services.context import Actor
from wuyedesk.services.paging import Cursor, Page
from wuyedesk.store.models import Contact, HelpRequest, RepairOrder, ReturnVisit, Staff, Unit
from wuyedesk.store.office_file import OfficeFile, open_office_file
from wuyedesk.ui.help_log import HelpLogWindow
from wuyedesk.ui.record_table import PAGE_ROWS, SEEK_ROWS, RecordTable
from wuyedesk.ui.register import RegisterWindow
from wuyedesk.ui.repair_desk import RepairDeskWindow
from wuyedesk.ui.visit_desk import VisitDeskWindow

ROWS = 2_500
NOW = datetime(2026, 3, 16, 9, 0, tzinfo=OFFICE_TZ)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """One building and 2,500 open records of each list kind, a few minutes apart."""
    path, key = build_template(tmp_path_factory.mktemp("long_lists"), ("1", 0, 6, 4))
    office = open_office_file(location(path), key)
    with office.transaction() as session:
        director = session.scalars(select(Staff.id)).one()
        units = list(session.scalars(select(Unit.id)))
        for n in range(ROWS):
            at = NOW - timedelta(minutes=7 * n + 1)
            unit = units[n % len(units)]
            session.add_all(
                [
                    Contact(number=f"DJ-T{n:05d}", state="recorded", at=at, method="call",
                            unit_id=unit, caller_name="张伟", kind="enquiry",
                            content=f"问题 {n}", recorded_by_id=director),
                    RepairOrder(number=f"WX-T{n:05d}", state="received", kind="free",
                                reported_at=at, created_at=at, channel="phone", unit_id=unit,
                                reporter_name="李娜", phone="13800138000",
                                category="plumbing_electrical", content=f"水管 {n}",
                                opened_by_id=director, received_by_id=director),
                    HelpRequest(number=f"QZ-T{n:05d}", state="received", at=at,
                                requester_name="王芳", unit_id=unit, received_by_id=director,
                                help_type="other", content=f"求助 {n}"),
                    ReturnVisit(number=f"HF-T{n:05d}", state="planned", kind="routine",
                                unit_id=unit, due_at=at, created_at=at, visitors="王主任"),
                ]
            )  # fmt: skip
    office.close()
    return path, key


@pytest.fixture(scope="module")
def office(template: tuple[Path, bytes]) -> Iterator[OfficeFile]:
    opened = open_office_file(location(template[0]), template[1])
    yield opened
    opened.close()


@dataclass
class Screen:
    """A list screen as these tests drive it: how to open it on the long list, what it reads."""

    make: Callable[[OfficeFile, Actor], QWidget]
    show_long_list: Callable[[Any], None]
    module: Any
    reader: str


def _scope(index: int) -> Callable[[Any], None]:
    return lambda window: window.scope.setCurrentIndex(index)


SCREENS = {
    "register": Screen(
        lambda o, a: RegisterWindow(o, a, clock=lambda: NOW),
        _scope(2),  # 全部未结
        contact_views,
        "list_contacts_page",
    ),
    "repairs": Screen(
        lambda o, a: RepairDeskWindow(o, a, clock=lambda: NOW),
        lambda window: window.view_filter.setCurrentIndex(window.view_filter.findData("open")),
        repair_views,
        "list_repairs_page",
    ),
    "help": Screen(
        lambda o, a: HelpLogWindow(o, a, clock=lambda: NOW),
        _scope(2),  # 全部未结
        help_views,
        "list_help_page",
    ),
    "visits": Screen(
        lambda o, a: VisitDeskWindow(o, a, clock=lambda: NOW),
        lambda window: window.show_filter.setCurrentIndex(window.show_filter.findData("open")),
        visit_views,
        "list_visits_page",
    ),
}


def pages_to(row: int) -> int:
    """Return how many rows are read when whole pages are read down to this row."""
    return (row // PAGE_ROWS + 1) * PAGE_ROWS


def scroll_to_end(table: RecordTable) -> None:
    """Drag the scroll bar to its end, as laid out for the rows read so far."""
    QApplication.processEvents()  # the bar's range follows the rows once the view lays out
    bar = table.verticalScrollBar()
    bar.setValue(bar.maximum())


@pytest.mark.parametrize("name", list(SCREENS))
def test_a_long_list_shows_one_page_first_and_reads_more_when_scrolled(
    qtbot, office, monkeypatch, name
):
    screen = SCREENS[name]
    reads: list[Cursor | None] = []
    real = getattr(screen.module, screen.reader)

    def counted(*args: Any, **kwargs: Any) -> Page[Any]:
        reads.append(kwargs.get("after"))
        return real(*args, **kwargs)

    monkeypatch.setattr(screen.module, screen.reader, counted)
    window = screen.make(office, Actor.command_line())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    screen.show_long_list(window)
    table: RecordTable = window.table  # type: ignore[attr-defined]
    assert table.records.rowCount() == PAGE_ROWS
    reads.clear()
    qtbot.wait(50)  # the view lays itself out: the first screen needs no second page
    assert reads == [] and table.records.rowCount() == PAGE_ROWS

    scroll_to_end(table)
    assert table.records.rowCount() == 2 * PAGE_ROWS
    assert len(reads) == 1 and reads[0] is not None
    numbers = [view.number for view in table.records.rows]
    assert len(set(numbers)) == len(numbers) and numbers == sorted(numbers)
    if name in ("repairs", "visits"):  # the count line counts the whole list, not the page
        assert window.count_label.text().startswith(f"共 {ROWS} ")  # type: ignore[attr-defined]


def test_a_record_far_down_is_found_by_reading_on(qtbot, office):
    window = RepairDeskWindow(office, Actor.command_line(), clock=lambda: NOW, view="open")
    qtbot.addWidget(window)
    with office.transaction() as session:
        far = session.scalar(select(RepairOrder.id).where(RepairOrder.number == "WX-T00450"))
    assert far is not None
    window.refresh(select_id=far)
    assert window.table.currentIndex().row() == 450
    assert window.panel.record_id() == far
    assert window.table.records.rowCount() == pages_to(450)


# --- the table itself, on a list made up in the test ----------------------------------------


@dataclass(frozen=True)
class Row:
    id: int
    number: str
    overdue: bool = False


class Source:
    """A list of `size` rows read a page at a time, counting its reads; may refuse page n."""

    def __init__(self, size: int, refuse_at: int | None = None) -> None:
        self.rows = [Row(i, f"NO-{i:05d}") for i in range(size, 0, -1)]
        self.reads = 0
        self.refuse_at = refuse_at

    def __call__(self, after: Cursor | None, limit: int) -> Page[Row]:
        self.reads += 1
        if self.reads == self.refuse_at:
            raise UserError("数据库暂时无法读取")
        start = 0 if after is None else after[0]
        end = start + limit
        return Page(self.rows[start:end], (end,) if end < len(self.rows) else None)


@pytest.fixture
def table(qtbot) -> RecordTable:
    shown = RecordTable([("单号", lambda v: v.number)])
    qtbot.addWidget(shown)
    shown.resize(400, 300)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def test_scrolling_to_the_end_reads_the_whole_list_once(qtbot, table):
    source = Source(3_000)
    table.set_pages(source)
    assert (table.records.rowCount(), source.reads) == (PAGE_ROWS, 1)
    for _ in range(100):
        if table.records.complete:
            break
        scroll_to_end(table)
    assert source.reads == 3_000 // PAGE_ROWS
    assert [r.id for r in table.records.rows] == [r.id for r in source.rows]
    assert table.row_texts(0)[-1] == "NO-00001"
    scroll_to_end(table)
    assert source.reads == 3_000 // PAGE_ROWS  # nothing left to read


def test_select_id_reads_on_to_find_a_record_but_not_past_its_limit(qtbot, table):
    source = Source(3_000)
    table.set_pages(source)
    picked: list[Any] = []
    table.picked.connect(picked.append)
    assert table.select_id(3_000 - 250)  # a few pages down
    assert table.currentIndex().row() == 250 and picked[-1].id == 2_750
    assert table.records.rowCount() == pages_to(250)
    assert not table.select_id(5)  # listed, but further down than select_id reads
    assert table.records.rowCount() == SEEK_ROWS
    assert not table.records.complete


def test_after_a_refresh_a_record_is_found_as_far_down_as_the_list_was_read(qtbot, table):
    source = Source(3_000)
    table.set_pages(source)
    for _ in range(100):
        if table.records.rowCount() >= 1_200:
            break
        scroll_to_end(table)
    table.set_pages(source)  # the screen refreshes after a step on row 1,150
    assert table.select_id(3_000 - 1_150)
    assert table.currentIndex().row() == 1_150


def test_a_refused_page_keeps_the_rows_read_and_says_why(qtbot, table):
    source = Source(1_000, refuse_at=2)
    table.set_pages(source)
    said: list[str] = []
    table.records.fetch_failed.connect(said.append)
    scroll_to_end(table)
    assert said == ["数据库暂时无法读取"]
    assert table.records.rowCount() == PAGE_ROWS and table.records.complete


def test_a_new_list_replaces_the_pages_read(qtbot, table):
    table.set_pages(Source(1_000))
    scroll_to_end(table)
    assert table.records.rowCount() == 2 * PAGE_ROWS
    table.set_pages(Source(30))
    assert table.records.rowCount() == 30 and table.records.complete
    table.set_rows([Row(1, "NO-1")])
    assert table.row_texts(0) == ["NO-1"] and table.records.complete
