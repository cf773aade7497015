"""Every figure of the estate benchmark for one office file, encrypted or (--plain) plain.

Run by run.py once per kind of file, each in a fresh process (plain SQLite is patched in
process-wide): .venv/bin/python tests/bench/measure.py OFFICE_FILE --json OUT [--plain]
[--runs 5] [--quick-runs 20] [--heavy-runs 3]. The file is changed (slips saved, prints
audited): run.py gives it a copy. Writes {label: [values, ...]}: seconds, milliseconds or
MB as the label's unit in run.py's FIGURES says. In-process figures run once untimed
first (imports, fonts, caches), then `runs` times.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import plain

PASSPHRASE = "bench passphrase 1"
BATCH = 500


def timed(
    runs: int, func: Callable[[], object], *, warm: bool = True, cpu: list[float] | None = None
) -> list[float]:
    """Return the milliseconds of each of `runs` calls (after one untimed call).

    `cpu` gets each call's CPU time (ms) too: on a shared machine the wall time of a long
    figure holds other people's work, its CPU time does not.
    """
    if warm:
        func()
    times = []
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        func()
        times.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - used) * 1000)
    return times


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class Bench:
    """The opened office file, the people who act, and the figures gathered so far."""

    def __init__(self, path: Path, runs: int, quick: int, heavy: int, is_plain: bool) -> None:
        from wuyedesk.services import office as office_service

        self.path, self.runs, self.quick, self.heavy = path, runs, quick, heavy
        self.plain = is_plain
        self.figures: dict[str, list[float]] = {}
        self.office = office_service.unlock(path, passphrase=PASSPHRASE)
        self.people = self._people()
        self.tmp = Path(tempfile.mkdtemp(prefix="wuye-bench-"))

    def _people(self) -> dict[str, Any]:
        from wuyedesk.domain.roles import Role
        from wuyedesk.services import staff as staff_service
        from wuyedesk.services.context import Actor
        from wuyedesk.services.demo import DEMO_PIN

        people = {}
        for person in staff_service.list_staff(self.office):
            role = Role(person.role)
            if role.value in ("clerk", "supervisor") and role.value not in people:
                people[role.value] = Actor(person.id, person.name, role)
        self.pin = DEMO_PIN
        return people

    def add(self, label: str, values: list[float]) -> None:
        """Keep a figure's runs and say its median."""
        self.figures[label] = values
        _say(f"  {label}: median {statistics.median(values):.1f}")

    # --- the desk in fresh processes ----------------------------------------------------
    def desk(self) -> None:
        """Start to unlock window; unlock + login (the clerk) to main window."""
        import startup

        from wuyedesk.services import office as office_service

        _say("desk: unlock in process; start and login in fresh processes")
        opening = timed(
            self.runs, lambda: office_service.unlock(self.path, passphrase=PASSPHRASE).close()
        )
        self.add("  unlock office file (scrypt + open), in process", opening)
        start = startup.measure_start(self.path, self.runs, plain=self.plain)
        self.add("start to unlock window", [t * 1000 for t in start])
        clerk = self.people["clerk"]
        login = startup.measure_login(self.path, clerk.name, self.pin, self.runs, plain=self.plain)
        if login["backup"]:
            self.add("  first start of the day (daily backup)", [t * 1000 for t in login["backup"]])
        self.add("unlock + login to main window", [t * 1000 for t in login["login"]])
        self.add("  of which unlock to login window", [t * 1000 for t in login["unlock"]])

    # --- lists and searches ---------------------------------------------------------------
    def lists(self) -> None:
        """The list figures of tests/bench/lists.py when present; the repair desk's views."""
        from wuyedesk.services import repair_views

        try:
            from lists import bench_lists  # type: ignore[import-not-found]
        except ImportError:
            _say("lists: tests/bench/lists.py not there yet, its figures are left out")
        else:
            _say("lists: tests/bench/lists.py")
            for label, ms in bench_lists(self.path, PASSPHRASE, self.quick).items():
                self.add(label, [ms])
        # The repair desk's other views, first page as the desk reads it (lists.py: 全部).
        clerk = self.people["clerk"]
        page = getattr(repair_views, "list_repairs_page", None)
        for view in ("open", "overdue", "late"):
            if page is not None:
                runs = timed(self.quick, lambda v=view: page(self.office, clerk, view=v))
            else:  # before paging: the whole view
                runs = timed(
                    self.quick, lambda v=view: repair_views.list_repairs(self.office, clerk, view=v)
                )
            self.add(f"repair desk first screen: {view}", runs)

    def queries(self) -> dict[str, str]:
        """Return one query of each kind the clerk types, taken from the estate's residents."""
        from sqlalchemy import select

        from wuyedesk.store.models import Resident, Unit

        with self.office.transaction() as session:
            rows = session.execute(
                select(Resident.name, Resident.phone, Unit.code)
                .join(Unit, Unit.id == Resident.unit_id)
                .where(Resident.moved_out.is_(None))
                .order_by(Resident.id)
            ).all()
        three = next(name for name, _, _ in rows if len(name) == 3)
        two = next(name for name, _, _ in rows if len(name) == 2)
        phone = rows[len(rows) // 2][1]
        code = rows[len(rows) // 3][2]
        return {
            "name, 3 characters (FTS5)": three,
            "name, 2 characters (LIKE)": two,
            "phone tail, 4 digits": phone[-4:],
            "unit code": code,
            "pinyin initials": "wj",
        }

    def search(self) -> None:
        """Resident search of each kind."""
        from wuyedesk.services.residents import search_residents

        _say("search residents")
        clerk = self.people["clerk"]
        for label, query in self.queries().items():
            runs = timed(self.quick, lambda q=query: search_residents(self.office, clerk, q))
            self.add(f"search residents: {label}", runs)

    # --- slips ---------------------------------------------------------------------------
    def slips(self) -> None:
        """Save one slip; one slip's PDF; 500 slips in one PDF."""
        from sqlalchemy import select

        from wuyedesk.services import batch_printing
        from wuyedesk.services.repair_printing import print_repair
        from wuyedesk.services.repairs import open_repair
        from wuyedesk.store.models import RepairOrder, Unit

        _say("slips")
        clerk = self.people["clerk"]
        with self.office.transaction() as session:
            code = session.scalars(select(Unit.code).order_by(Unit.id).limit(1)).one()
            archived = list(
                session.scalars(
                    select(RepairOrder.number)
                    .where(RepairOrder.kind == "free", RepairOrder.state == "archived")
                    .order_by(RepairOrder.reported_at.desc())
                    .limit(BATCH)
                )
            )
            paid = session.scalars(
                select(RepairOrder.number)
                .where(RepairOrder.kind == "paid", RepairOrder.state == "archived")
                .order_by(RepairOrder.reported_at.desc())
                .limit(1)
            ).one()
        data = {
            "kind": "free",
            "channel": "phone",
            "unit": code,
            "reporter_name": "刘先生",
            "phone": "13800138000",
            "category": "plumbing_electrical",
            "content": "厨房水龙头漏水，请尽快派人查看",
        }
        self.add("save one slip", timed(self.quick, lambda: open_repair(self.office, clerk, data)))
        out = self.tmp / "slip.pdf"
        cpu: list[float] = []
        one = timed(self.runs, lambda: print_repair(self.office, clerk, archived[0], out), cpu=cpu)
        self.add("one slip PDF (WX, A5, 3 copies)", one)
        self.add("  CPU time of one slip PDF", cpu)
        four = timed(self.runs, lambda: print_repair(self.office, clerk, paid, out))
        self.add("  one paid slip PDF (YC, A5, 4 copies)", four)
        numbers = list(reversed(archived))
        batch = self.tmp / "batch.pdf"

        def stubs() -> None:
            batch_printing.print_repairs(self.office, clerk, numbers, batch, copy="存根联")

        cpu = []
        self.add(f"{BATCH} slips in one PDF (stub copy each)", timed(self.heavy, stubs, cpu=cpu))
        self.add(f"  CPU time of {BATCH} slips in one PDF", cpu)

        def every() -> None:
            batch_printing.print_repairs(self.office, clerk, numbers, batch)

        self.add(f"  {BATCH} slips, every copy (3 pages a slip)", timed(1, every, warm=False))

    # --- the month -----------------------------------------------------------------------
    def monthly(self) -> None:
        """Last month's workbook, in process."""
        from wuyedesk.services import monthly_export

        _say("monthly workbook")
        supervisor = self.people["supervisor"]
        month = monthly_export.default_month(date.today())
        out = self.tmp / "monthly.xlsx"
        cpu: list[float] = []
        runs = timed(
            self.heavy,
            lambda: monthly_export.export_monthly(self.office, supervisor, month, out),
            cpu=cpu,
        )
        self.add("monthly workbook", runs)
        self.add("  CPU time of the monthly workbook", cpu)

    def memory(self) -> None:
        """The program's peak memory doing the day's work, fresh processes."""
        import memory

        _say("peak memory, fresh processes")
        queries = list(self.queries().values())
        supervisor = self.people["supervisor"]
        peaks = [
            memory.measure(self.path, supervisor.name, self.pin, queries, plain=self.plain)
            for _ in range(self.heavy)
        ]
        self.add("peak memory of the program", peaks)

    def close(self) -> None:
        """Close the office file."""
        self.office.close()


def main() -> None:
    """Gather every figure and write them as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("office", type=Path)
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--plain", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick-runs", type=int, default=20)
    parser.add_argument("--heavy-runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="desk lists search slips monthly memory")
    args = parser.parse_args()
    if args.plain:
        plain.use_plain_sqlite()
    if plain.is_plain_file(args.office) != args.plain:
        raise SystemExit(f"{args.office} is {'not ' if args.plain else ''}a plain file")
    bench = Bench(args.office, args.runs, args.quick_runs, args.heavy_runs, args.plain)
    parts = args.only or ["desk", "lists", "search", "slips", "monthly", "memory"]
    try:
        for part in parts:
            getattr(bench, part)()
    finally:
        bench.close()
    args.json.write_text(json.dumps(bench.figures, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
