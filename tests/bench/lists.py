"""The list screens on a long estate: the first screen, then one more page while scrolling.

Each list is shown the way its screen shows it — the screen's own table (RecordTable) and
columns, its service read a page at a time — in an offscreen window the size of the
screen's table, acting as the command line (director rights):

- "list first screen: X": from setting up the table to its first screen drawn: the first
  page read and laid out, the rows painted, plus the count line (共 N 张，超时 M 张) where the
  screen shows one;
- "list scroll page: X": the table dragged to its end: fetchMore reads the next page and
  appends it, the view paints it (median over `runs` pages, further and further down).

The longest list each screen offers is used: 登记表 and 求助 over every day (their date
range), 维修单 全部 over every day, 回访 未完成 (the visit desk lists open visits or
today's), 住户 the whole archive with the moved out (no screen lists it whole; its rows in
cabinet order). Milliseconds, medians.
Run alone: .venv/bin/python tests/bench/lists.py OFFICE_FILE [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from wuyedesk.domain.sla import OFFICE_TZ

PASSPHRASE = "bench passphrase 1"
EARLIEST = date(2000, 1, 1)
TABLE_SIZE = (760, 520)  # the list's share of a screen at 1366×768


def _app() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from wuyedesk.ui.app import create_app

    return create_app(["wuyedesk-bench"])


def _lists(office: Any, actor: Any) -> dict[str, tuple[Sequence[Any], Callable[..., Any], Any]]:
    """Return each screen's (columns, page reader, count or None) for its longest list."""
    from wuyedesk.services import contact_views, help_views, repair_views, residents, visit_views
    from wuyedesk.ui import help_log, register, repair_desk, visit_desk

    now = datetime.now(OFFICE_TZ)
    every_day = {"date_from": EARLIEST, "date_to": now.date(), "now": now}

    def reader(page: Callable[..., Any], **filters: Any) -> Callable[..., Any]:
        return lambda after, limit: page(office, actor, after=after, limit=limit, **filters)

    def counter(count: Callable[..., Any], **filters: Any) -> Callable[[], Any]:
        return lambda: count(office, actor, **filters)

    repairs = {"view": "all", **every_day}
    visits = {"open_only": True, "now": now}
    people = (
        ("房号", lambda v: v.unit_code),
        ("姓名", lambda v: v.name),
        ("身份", lambda v: v.role_label),
        ("手机", lambda v: v.phone),
        ("状态", lambda v: v.data_status),
    )
    return {
        "登记表": (register.COLUMNS, reader(contact_views.list_contacts_page, **every_day), None),
        "维修单": (
            repair_desk.COLUMNS,
            reader(repair_views.list_repairs_page, **repairs),
            counter(repair_views.count_repairs, **repairs),
        ),
        "求助": (help_log.COLUMNS, reader(help_views.list_help_page, **every_day), None),
        "回访": (
            visit_desk.VISIT_COLUMNS,
            reader(visit_views.list_visits_page, **visits),
            counter(visit_views.count_visits, **visits),
        ),
        "住户": (people, reader(residents.list_residents_page, current_only=False), None),
    }


def _first_screen(app: Any, columns: Sequence[Any], source: Any, count: Any) -> tuple[Any, float]:
    """Return a shown table with its first screen drawn, and the milliseconds it took."""
    from wuyedesk.ui.record_table import RecordTable

    started = time.perf_counter()
    table = RecordTable(columns)
    table.resize(*TABLE_SIZE)
    table.set_pages(source)
    if count is not None:
        count()
    table.show()
    app.processEvents()  # laid out and painted
    return table, (time.perf_counter() - started) * 1000


def _scroll_page(app: Any, table: Any) -> float | None:
    """Drag the table to its end; return the milliseconds of the page it read (None: none)."""
    app.processEvents()  # the scroll bar's range follows the rows read so far
    if table.records.complete:
        return None
    before = table.records.rowCount()
    bar = table.verticalScrollBar()
    started = time.perf_counter()
    bar.setValue(bar.maximum())  # the view calls fetchMore at the end
    app.processEvents()  # the new rows laid out and painted
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed if table.records.rowCount() > before else None


def _drop(app: Any, table: Any) -> None:
    """Close a measured table and delete it now, so that shown tables do not pile up."""
    from PySide6.QtCore import QEvent

    table.close()
    table.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def bench_lists(office_path: Path, passphrase: str, runs: int) -> dict[str, float]:
    """Time each list screen's first screen and one page fetched while scrolling (ms)."""
    from wuyedesk.services import office as office_service
    from wuyedesk.services.context import Actor

    app = _app()
    office = office_service.unlock(office_path, passphrase=passphrase)
    results: dict[str, float] = {}
    try:
        for name, (columns, source, count) in _lists(office, Actor.command_line()).items():
            _drop(app, _first_screen(app, columns, source, count)[0])  # warm: imports, fonts
            firsts, pages = [], []
            for _ in range(runs):
                table, elapsed = _first_screen(app, columns, source, count)
                firsts.append(elapsed)
                _drop(app, table)
            table, _ = _first_screen(app, columns, source, count)
            for _ in range(runs):
                page = _scroll_page(app, table)
                if page is None:
                    break
                pages.append(page)
            _drop(app, table)
            results[f"list first screen: {name}"] = statistics.median(firsts)
            if pages:
                results[f"list scroll page: {name}"] = statistics.median(pages)
    finally:
        office.close()
    return results


def main() -> None:
    """Print the figures for one office file."""
    parser = argparse.ArgumentParser()
    parser.add_argument("office", type=Path)
    parser.add_argument("--passphrase", default=PASSPHRASE)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    for label, ms in bench_lists(args.office, args.passphrase, args.runs).items():
        print(f"{label:<28} {ms:>8.1f} ms")


if __name__ == "__main__":
    main()
