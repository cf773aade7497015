"""Benchmarks as a plain script (`make bench`): median of several runs, printed as a table.

No timing is asserted anywhere; the figures go into the issue notes. The monthly workbook's
figures (time, peak memory, against bare openpyxl write-only) are `make bench-monthly`
(tests/bench/monthly.py): its 5,000-household demo takes a while to build.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from wuyedesk.services import demo
from wuyedesk.services import office as office_service
from wuyedesk.services.context import Actor
from wuyedesk.services.residents import search_residents

PASSPHRASE = "bench passphrase 1"


def _median(runs: int, func: Callable[[], object]) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def bench_demo(folder: Path, households: int, runs: int) -> tuple[float, list[float]]:
    """Time `demo --households N` end to end into a new office file (production key cost)."""
    counter = iter(range(runs))

    def once() -> None:
        path = folder / f"demo-{next(counter)}.wuye"
        office, _ = office_service.init_office(
            path,
            PASSPHRASE,
            office_name=demo.DEMO_OFFICE,
            estate_name=demo.DEMO_ESTATE,
            director_name=demo.DEMO_DIRECTOR,
            director_pin=demo.DEMO_PIN,
        )
        demo.generate_demo(office, Actor.command_line(), households=households, seed=1)
        office.close()

    return _median(runs, once)


def bench_open(path: Path, runs: int) -> tuple[float, list[float]]:
    """Time unlocking (scrypt) and opening the office file."""

    def once() -> None:
        office_service.unlock(path, passphrase=PASSPHRASE).close()

    return _median(runs, once)


def bench_search(path: Path, runs: int) -> dict[str, float]:
    """Time resident searches of each sort on an opened file (median, milliseconds)."""
    office = office_service.unlock(path, passphrase=PASSPHRASE)
    actor = Actor.command_line()
    someone = search_residents(office, actor, "王")[0]
    queries = {
        "name (3+ chars, FTS5)": someone.name if len(someone.name) >= 3 else someone.name + "",
        "name (2 chars, LIKE)": someone.name[:2],
        "unit code": someone.unit_code[-6:],
        "pinyin initials": "wj",
    }
    results = {}
    for label, query in queries.items():
        median, _ = _median(runs, lambda q=query: search_residents(office, actor, q))
        results[label] = median * 1000
    office.close()
    return results


def bench_repairs(path: Path, runs: int) -> dict[str, float]:
    """Time the repair desk's lists, a day's reconciliation sheet and one printed slip (ms)."""
    from datetime import datetime, timedelta

    from sqlalchemy import select

    from wuyedesk.domain.sla import OFFICE_TZ
    from wuyedesk.services.reconciliation import reconciliation_sheet
    from wuyedesk.services.repair_printing import print_repair
    from wuyedesk.services.repairs import list_repairs
    from wuyedesk.store.models import RepairOrder

    office = office_service.unlock(path, passphrase=PASSPHRASE)
    actor = Actor.command_line()
    with office.transaction() as session:
        paid = session.scalar(
            select(RepairOrder.number).where(
                RepairOrder.state == "archived", RepairOrder.kind == "paid"
            )
        )
    results = {}
    for view in ("open", "overdue", "late"):
        median, _ = _median(runs, lambda v=view: list_repairs(office, actor, view=v))
        results[f"repair list: {view}"] = median * 1000
    yesterday = datetime.now(OFFICE_TZ).date() - timedelta(days=1)
    median, _ = _median(runs, lambda: reconciliation_sheet(office, actor, yesterday))
    results["reconciliation sheet (one day)"] = median * 1000
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "yc.pdf"
        for paper in ("a5", "continuous"):
            median, _ = _median(
                runs, lambda p=paper: print_repair(office, actor, paid or "", out, paper=p)
            )
            results[f"print paid slip, 4 copies, {paper}"] = median * 1000
    office.close()
    return results


def main() -> None:
    """Run the benchmarks and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        demo_median, demo_runs = bench_demo(folder, args.households, args.runs)
        open_median, open_runs = bench_open(folder / "demo-0.wuye", max(5, args.runs))
        searches = bench_search(folder / "demo-0.wuye", 20)
        searches.update(bench_repairs(folder / "demo-0.wuye", 10))
    print(f"{'figure':<45} {'median':>10}   runs")
    print(
        f"{'demo --households ' + str(args.households):<45} {demo_median:>9.2f}s   "
        + ", ".join(f"{t:.2f}" for t in demo_runs)
    )
    print(
        f"{'unlock + open office file':<45} {open_median * 1000:>8.0f}ms   "
        + ", ".join(f"{t * 1000:.0f}" for t in open_runs)
    )
    for label, ms in searches.items():
        name = (
            label
            if label.startswith(("repair", "reconc", "print"))
            else f"search residents: {label}"
        )
        print(f"{name:<45} {ms:>8.1f}ms")


if __name__ == "__main__":
    main()
