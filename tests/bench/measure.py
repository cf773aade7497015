"""Every figure of the estate benchmark, the encrypted file and its plain twin taken in turn.

Run by run.py: .venv/bin/python tests/bench/measure.py ENCRYPTED PLAIN --json OUT
[--runs 5] [--quick-runs 20] [--heavy-runs 3] [--only PART ...]. Both files are open in
this one process (plain.py makes only the second one plain SQLite), and each figure's
runs alternate between them call by call, so a busy spell of the shared machine falls
on both alike. Fresh-process figures (start, login, memory) alternate process by process.
The files are changed (slips saved, prints audited): run.py gives copies. Writes
{"encrypted": {label: [values]}, "plain": {...}}: milliseconds, MB for memory. In-process
figures run once untimed first on each file (imports, fonts, caches).
"""

from __future__ import annotations

import argparse
import json
import os
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
KINDS = ("encrypted", "plain")
PARTS = ("desk", "lists", "search", "slips", "monthly", "memory")
Action = Callable[[str], object]  # takes the kind of file


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class Bench:
    """Both office files opened, the people who act, and the figures gathered so far."""

    def __init__(self, paths: dict[str, Path], runs: int, quick: int, heavy: int) -> None:
        from wuyedesk.services import office as office_service

        self.paths, self.runs, self.quick, self.heavy = paths, runs, quick, heavy
        self.figures: dict[str, dict[str, list[float]]] = {kind: {} for kind in KINDS}
        self.offices = {
            kind: office_service.unlock(path, passphrase=PASSPHRASE) for kind, path in paths.items()
        }
        self.people, self.pin = self._people()
        self.tmp = Path(tempfile.mkdtemp(prefix="wuye-bench-"))

    def _people(self) -> tuple[dict[str, Any], str]:
        from wuyedesk.domain.roles import Role
        from wuyedesk.services import staff as staff_service
        from wuyedesk.services.context import Actor
        from wuyedesk.services.demo import DEMO_PIN

        people: dict[str, Any] = {}
        for person in staff_service.list_staff(self.offices["encrypted"]):
            if person.role in ("clerk", "supervisor") and person.role not in people:
                people[person.role] = Actor(person.id, person.name, Role(person.role))
        return people, DEMO_PIN

    def timed(
        self, label: str, runs: int, action: Action, *, warm: bool = True, cpu: bool = False
    ) -> None:
        """Time `action` on each file in turn, `runs` times each (ms); keep and say medians.

        With `cpu`, a detail figure holds each call's CPU time as well: on a shared machine
        the wall time of a long figure holds other people's work, its CPU time much less.
        """
        if warm:
            for kind in KINDS:
                action(kind)
        walls: dict[str, list[float]] = {kind: [] for kind in KINDS}
        used: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for _ in range(runs):
            for kind in KINDS:
                started, cpu_started = time.perf_counter(), time.process_time()
                action(kind)
                walls[kind].append((time.perf_counter() - started) * 1000)
                used[kind].append((time.process_time() - cpu_started) * 1000)
        self.add(label, walls)
        if cpu:
            self.add(f"  CPU time of {label.split(' (')[0]}", used)

    def add(self, label: str, values: dict[str, list[float]]) -> None:
        """Keep a figure's runs for both files and say its medians."""
        for kind in KINDS:
            self.figures[kind].setdefault(label, []).extend(values[kind])
        medians = "  ".join(f"{k} {statistics.median(self.figures[k][label]):.1f}" for k in KINDS)
        _say(f"  {label}: {medians}")

    # --- the desk in fresh processes ----------------------------------------------------
    def desk(self) -> None:
        """Unlock in process; start to unlock window and unlock + login in fresh processes."""
        import startup

        from wuyedesk.services import office as office_service

        _say("desk")
        self.timed(
            "  unlock office file (scrypt + open), in process",
            self.runs,
            lambda k: office_service.unlock(self.paths[k], passphrase=PASSPHRASE).close(),
        )
        clerk = self.people["clerk"]
        for _ in range(self.runs):
            for kind in KINDS:
                path, is_plain = self.paths[kind], kind == "plain"
                start = startup.measure_start(path, 1, plain=is_plain)
                login = startup.measure_login(path, clerk.name, self.pin, 1, plain=is_plain)
                self._add_one(kind, "start to unlock window", start)
                if login["backup"]:
                    self._add_one(kind, "  first start of the day (daily backup)", login["backup"])
                self._add_one(kind, "unlock + login to main window", login["login"])
                self._add_one(kind, "  of which unlock to login window", login["unlock"])
        for label in ("start to unlock window", "unlock + login to main window"):
            self.add(label, {kind: [] for kind in KINDS})

    def _add_one(self, kind: str, label: str, seconds: list[float]) -> None:
        self.figures[kind].setdefault(label, []).extend(t * 1000 for t in seconds)

    # --- lists and searches ---------------------------------------------------------------
    def lists(self) -> None:
        """The list figures of tests/bench/lists.py when present; the repair desk's views."""
        from wuyedesk.services import repair_views

        try:
            from lists import bench_lists  # type: ignore[import-not-found]
        except ImportError:
            _say("lists: tests/bench/lists.py not there yet, its figures are left out")
        else:
            _say("lists: tests/bench/lists.py, each file twice in turn")
            for _ in range(2):
                for kind in KINDS:
                    got = bench_lists(self.paths[kind], PASSPHRASE, max(2, self.quick // 2))
                    for label, ms in got.items():
                        self.figures[kind].setdefault(label, []).append(ms)
        # The repair desk's other views, first page as the desk reads it (lists.py: 全部).
        clerk = self.people["clerk"]
        page = getattr(repair_views, "list_repairs_page", None)
        reader = page if page is not None else repair_views.list_repairs  # before paging
        for view in ("open", "overdue", "late"):
            self.timed(
                f"repair desk first screen: {view}",
                self.quick,
                lambda k, v=view: reader(self.offices[k], clerk, view=v),
            )

    def queries(self) -> dict[str, str]:
        """Return one query of each kind the clerk types, taken from the estate's residents."""
        from sqlalchemy import select

        from wuyedesk.store.models import Resident, Unit

        with self.offices["encrypted"].transaction() as session:
            rows = session.execute(
                select(Resident.name, Resident.phone, Unit.code)
                .join(Unit, Unit.id == Resident.unit_id)
                .where(Resident.moved_out.is_(None))
                .order_by(Resident.id)
            ).all()
        return {
            "name, 3 characters (FTS5)": next(name for name, _, _ in rows if len(name) == 3),
            "name, 2 characters (LIKE)": next(name for name, _, _ in rows if len(name) == 2),
            "phone tail, 4 digits": rows[len(rows) // 2][1][-4:],
            "unit code": rows[len(rows) // 3][2],
            "pinyin initials": "wj",
        }

    def search(self) -> None:
        """Resident search of each kind."""
        from wuyedesk.services.residents import search_residents

        _say("search residents")
        clerk = self.people["clerk"]
        for label, query in self.queries().items():
            self.timed(
                f"search residents: {label}",
                self.quick,
                lambda k, q=query: search_residents(self.offices[k], clerk, q),
            )

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
        with self.offices["encrypted"].transaction() as session:
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
        offices = self.offices
        self.timed("save one slip", self.quick, lambda k: open_repair(offices[k], clerk, data))
        out = self.tmp / "slip.pdf"
        self.timed(  # a tenth of a second each, and noisy on a shared machine: many runs
            "one slip PDF (WX, A5, 3 copies)",
            self.quick,
            lambda k: print_repair(offices[k], clerk, archived[0], out),
            cpu=True,
        )
        self.timed(
            "  one paid slip PDF (YC, A5, 4 copies)",
            self.quick,
            lambda k: print_repair(offices[k], clerk, paid, out),
        )
        numbers = list(reversed(archived))
        batch = self.tmp / "batch.pdf"
        self.timed(
            f"{BATCH} slips in one PDF (stub copy each)",
            self.heavy,
            lambda k: batch_printing.print_repairs(
                offices[k], clerk, numbers, batch, copy="存根联"
            ),
            warm=False,
            cpu=True,
        )
        self.timed(
            f"  {BATCH} slips, every copy (3 pages a slip)",
            1,
            lambda k: batch_printing.print_repairs(offices[k], clerk, numbers, batch),
            warm=False,
        )

    # --- the month -----------------------------------------------------------------------
    def monthly(self) -> None:
        """Last month's workbook, in process."""
        from wuyedesk.services import monthly_export

        _say("monthly workbook")
        supervisor = self.people["supervisor"]
        month = monthly_export.default_month(date.today())
        out = self.tmp / "monthly.xlsx"
        self.timed(
            "monthly workbook",
            self.heavy,
            lambda k: monthly_export.export_monthly(self.offices[k], supervisor, month, out),
            cpu=True,
        )

    def memory(self) -> None:
        """The program's peak memory doing the day's work, fresh processes in turn."""
        import memory

        _say("peak memory, fresh processes")
        queries = list(self.queries().values())
        supervisor = self.people["supervisor"]
        peaks: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for _ in range(self.heavy):
            for kind in KINDS:
                peak = memory.measure(
                    self.paths[kind], supervisor.name, self.pin, queries, plain=kind == "plain"
                )
                peaks[kind].append(peak)
        self.add("peak memory of the program", peaks)

    def close(self) -> None:
        """Close both office files."""
        for office in self.offices.values():
            office.close()


def main() -> None:
    """Gather every figure and write them as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("encrypted", type=Path)
    parser.add_argument("plain", type=Path)
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick-runs", type=int, default=20)
    parser.add_argument("--heavy-runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", choices=PARTS)
    args = parser.parse_args()
    if plain.is_plain_file(args.encrypted) or not plain.is_plain_file(args.plain):
        raise SystemExit("give the encrypted file first, then the plain one")
    plain.use_plain_sqlite(args.plain)
    paths = {"encrypted": args.encrypted, "plain": args.plain}
    bench = Bench(paths, args.runs, args.quick_runs, args.heavy_runs)
    try:
        for part in args.only or PARTS:
            getattr(bench, part)()
    finally:
        bench.close()
    args.json.write_text(json.dumps(bench.figures, ensure_ascii=False, indent=1), "utf-8")
    # The figures are written. Skip the interpreter's teardown: after the list screens'
    # offscreen tables PySide6 has aborted there ("bool_dealloc ... refcount error").
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
