"""Benchmark the supervisor's monthly workbook (`make bench-monthly`): time, memory, 2× bound.

Run: .venv/bin/python tests/bench/monthly.py [--households 5000] [--runs 3] [--month YYYY-MM]
     [--keep DIR]

On a demo estate of N households with twelve months of records it prints:
- the end-to-end `export_monthly` time (median of --runs, in-process);
- the peak RSS of a fresh process running the CLI export, and of one that only imports the
  export and opens the office file (the baseline: Python, SQLAlchemy, scrypt unlock), and
  the export's own share: the peak during `export_monthly` over the RSS once the file is open;
- the same month gathered once, then written (median of --runs) by our XlsxWriter renderer
  and by bare openpyxl write-only mode (same cells, same order), and the ratios. openpyxl
  writes through lxml when it is importable (not a dependency here), several times faster
  than without; the table says which one ran.
--keep DIR keeps the demo office file (and the workbooks) there and reuses it next time.
No timing is asserted anywhere; the figures go into the issue notes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import LXML, Workbook
from sqlalchemy import select

from wuyedesk.domain.sla import OFFICE_TZ, half_year_bounds, half_year_of
from wuyedesk.reports.monthly_workbook import Band, MonthlyWriter, Sheet, Summary, load_layout
from wuyedesk.services import demo, monthly_export
from wuyedesk.services import office as office_service
from wuyedesk.services.context import Actor
from wuyedesk.services.dashboard import desk_between
from wuyedesk.services.entries import stamp_time
from wuyedesk.services.monthly_sources import FIELDS, SOURCES, day_counts, places
from wuyedesk.services.settings import get_rules
from wuyedesk.services.visit_plan import coverage_in
from wuyedesk.store.models import Office
from wuyedesk.store.office_file import OfficeFile

PASSPHRASE = "bench passphrase 1"

# Children report their own peak RSS (VmHWM, KiB) on their last stdout line. Not wait4's
# ru_maxrss: a child forked from this (large) process starts its high-water mark at ours.
_HWM = "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
# The CLI export as `wuyedesk --db FILE export monthly ...` runs it.
_CLI = "import sys\nfrom wuyedesk.cli import main\nif main(sys.argv[1:]): sys.exit(1)\n" + _HWM
# Only what every export pays first: the imports, the scrypt unlock, opening the file.
_BASELINE = (
    "import sys\n"
    "from wuyedesk.services import monthly_export  # the export's imports\n"
    "from wuyedesk.services import office\n"
    "office.unlock(sys.argv[1], passphrase=sys.argv[2]).close()\n" + _HWM
)
# The export's own peak: open the file, then reset the high-water mark (clear_refs 5, which
# drops scrypt's freed 64 MiB from it) and export; prints RSS before and peak during.
_ALONE = (
    "import sys\n"
    "from wuyedesk.services import monthly_export, office\n"
    "from wuyedesk.services.context import Actor\n"
    "def status(key): return next(l.split()[1] for l in open('/proc/self/status')"
    " if l.startswith(key))\n"
    "opened = office.unlock(sys.argv[1], passphrase=sys.argv[2])\n"
    "before = status('VmRSS')\n"
    "with open('/proc/self/clear_refs', 'w') as f: f.write('5')\n"
    "monthly_export.export_monthly(opened, Actor.command_line(), sys.argv[3], sys.argv[4])\n"
    "print(before, status('VmHWM'))\n"
)


def _median(runs: int, func: Callable[[], object]) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def make_office(folder: Path, households: int) -> tuple[Path, float | None]:
    """Return a demo office file of N households in `folder`, made unless already there."""
    path = folder / f"monthly-demo-{households}.wuye"
    if path.exists():
        return path, None
    started = time.perf_counter()
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
    return path, time.perf_counter() - started


def bench_export(office: OfficeFile, month: str, out: Path, runs: int) -> tuple[float, list[float]]:
    """Time `export_monthly` end to end (desk figures, gathering, writing, audit line)."""
    actor = Actor.command_line()
    return _median(runs, lambda: monthly_export.export_monthly(office, actor, month, out))


def _child(code: str, *args: str) -> list[int]:
    """Run `python -c code args` in a fresh process; return the KiB figures it prints last."""
    env = {**os.environ, "WUYEDESK_PASSPHRASE": PASSPHRASE, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"child failed ({done.returncode}):\n{done.stderr}")
    return [int(kib) for kib in done.stdout.splitlines()[-1].split()]


def bench_memory(path: Path, month: str, out: Path) -> dict[str, float]:
    """Return peak RSS figures (MB) of fresh processes: the CLI export, baseline, export alone."""
    [export] = _child(
        _CLI, "--db", str(path), "export", "monthly", "--month", month, "-o", str(out)
    )
    [baseline] = _child(_BASELINE, str(path), PASSPHRASE)
    opened, alone = _child(_ALONE, str(path), PASSPHRASE, month, str(out))
    return {
        "export": export / 1024,
        "baseline": baseline / 1024,
        "opened": opened / 1024,
        "alone": alone / 1024,
    }


def gather(office: OfficeFile, month: str) -> tuple[dict[str, Any], dict[str, str], list, Summary]:
    """Read the month once as export_monthly does: layout, names, (spec, sheet)s, summary."""
    actor = Actor.command_line()
    now = stamp_time(None)
    rules = get_rules(office)
    span = monthly_export._month(month, now, False, rules)
    layout = load_layout(FIELDS)
    this_desk = desk_between(office, actor, span.first, span.last, now=now)
    previous_last = span.first - timedelta(days=1)
    last_desk = desk_between(office, actor, previous_last.replace(day=1), previous_last, now=now)
    half = half_year_of(span.first)
    until = min(span.end, now)
    with office.transaction() as session:
        office_name = session.scalars(select(Office.name)).one()
        where = places(session)
        coverage = coverage_in(session, *half_year_bounds(*half), rules, until=until)
        by_building = {
            line.building_label.removesuffix("栋"): f"{line.visited}/{line.households}"
            for line in coverage[:-1]
        }
        daily = day_counts(session, span)
        sheets = [
            (spec, SOURCES[spec["source"]](session, span, where, coverage=by_building))
            for spec in layout["sheets"]
        ]
    names = {"office_name": office_name, "month_label": f"{span.first.year}年{span.first.month}月"}
    summary = Summary(
        office_name=office_name,
        month_label=names["month_label"],
        made_by=actor.label,
        made_at=now.astimezone(OFFICE_TZ).replace(tzinfo=None),
        masked=True,
        figures=monthly_export._figures(this_desk, last_desk),
        satisfaction=[
            (label, count, last_desk.satisfaction.get(label, 0))
            for label, count in this_desk.satisfaction.items()
        ],
        coverage_label={
            "half_label": f"{half[0]}年{'上' if half[1] == 1 else '下'}半年",
            "until": (until.astimezone(OFFICE_TZ) - timedelta(seconds=1)).date().isoformat(),
        },
        coverage=[
            (c.building_label, c.households, c.visited, c.share, c.needed, c.met) for c in coverage
        ],
        daily=daily,
        target_share=float(rules.routine_visit_share),
    )
    return layout, names, sheets, summary


def write_ours(
    out: Path, layout: dict[str, Any], names: dict[str, str], sheets: list, summary: Summary
) -> None:
    """Write the gathered month with our renderer (XlsxWriter), as export_monthly does."""
    writer = MonthlyWriter(out, layout, names)
    for spec, sheet in sheets:
        writer.write_sheet(sheet, spec, lambda _: None, masked=True)
    writer.write_summary(summary)
    writer.finish()


def _rows(bands: list[Band], fields: list[str], texts: dict[str, str]) -> Iterator[list[Any]]:
    for band in bands:
        yield [texts[band.kind].format(**band.params, count=band.count())]
        for line in band.lines:
            yield [line.values.get(name) for name in fields]
        yield from _rows(band.bands, fields, texts)


def sheet_rows(layout: dict[str, Any], spec: dict[str, Any], sheet: Sheet) -> Iterator[list[Any]]:
    """Yield a sheet's rows as bare values: the header, then band rows and lines in order."""
    fields = [c["field"] for c in spec["columns"]]
    yield [c["header"] for c in spec["columns"]]
    yield from _rows(sheet.bands, fields, {**layout["bands"], **spec.get("bands", {})})


def write_openpyxl(out: Path, layout: dict[str, Any], sheets: list) -> None:
    """Write the same cells with bare openpyxl write-only mode: no formats, outline or charts."""
    book = Workbook(write_only=True)
    for spec, sheet in sheets:
        ws = book.create_sheet(spec["name"])
        for row in sheet_rows(layout, spec, sheet):
            ws.append(row)
    book.save(out)


def count_cells(layout: dict[str, Any], sheets: list) -> tuple[int, int]:
    """Return (rows, non-empty cells) of the paper sheets, header and band rows included."""
    rows = cells = 0
    for spec, sheet in sheets:
        for row in sheet_rows(layout, spec, sheet):
            rows += 1
            cells += sum(1 for v in row if v is not None and v != "")
    return rows, cells


def main(argv: list[str] | None = None) -> None:
    """Run the monthly workbook benchmarks and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--month", default=monthly_export.default_month(date.today()))
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the demo office file here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path, built = make_office(folder, args.households)
        office = office_service.unlock(path, passphrase=PASSPHRASE)
        try:
            export_median, export_runs = bench_export(
                office, args.month, folder / "export.xlsx", args.runs
            )
            started = time.perf_counter()
            layout, names, sheets, summary = gather(office, args.month)
            gathered = time.perf_counter() - started
        finally:
            office.close()
        ours_median, ours_runs = _median(
            args.runs, lambda: write_ours(folder / "ours.xlsx", layout, names, sheets, summary)
        )
        bare_median, bare_runs = _median(
            args.runs, lambda: write_openpyxl(folder / "openpyxl.xlsx", layout, sheets)
        )
        memory = bench_memory(path, args.month, folder / "cli.xlsx")
        rows, cells = count_cells(layout, sheets)
        records = sum(sheet.count() for _, sheet in sheets)
        sizes = {
            name: (folder / f"{name}.xlsx").stat().st_size / 1e6
            for name in ("export", "ours", "openpyxl")
        }

    def line(label: str, value: str, runs: list[float] | None = None) -> None:
        print(
            f"{label:<54} {value:>9}"
            + ("   " + ", ".join(f"{t:.2f}" for t in runs) if runs else "")
        )

    print(
        f"monthly workbook {args.month}: {args.households} households, {len(sheets)} sheets, "
        f"{records} records, {rows} rows, {cells} non-empty cells"
        + (f" (demo built in {built:.1f}s)" if built is not None else " (demo reused)")
    )
    print("  " + "，".join(f"{spec['name']} {sheet.count()}" for spec, sheet in sheets))
    print(f"{'figure':<54} {'median':>9}   runs")
    line("export_monthly end to end (in-process)", f"{export_median:.2f}s", export_runs)
    line("  gather the month once (desk, sources, summary)", f"{gathered:.2f}s")
    line("  write: ours (XlsxWriter, formats, outline, charts)", f"{ours_median:.2f}s", ours_runs)
    xml = "lxml" if LXML else "no lxml"
    line(f"  write: bare openpyxl write-only ({xml})", f"{bare_median:.2f}s", bare_runs)
    line("ratio: ours write / openpyxl write-only", f"{ours_median / bare_median:.2f}×")
    line("ratio: export end to end / openpyxl write-only", f"{export_median / bare_median:.2f}×")
    line("peak RSS: CLI export in a fresh process", f"{memory['export']:.0f}MB")
    line("peak RSS: baseline (imports, scrypt unlock, open)", f"{memory['baseline']:.0f}MB")
    line("RSS once the file is open (scrypt freed)", f"{memory['opened']:.0f}MB")
    line("peak RSS during export_monthly after that", f"{memory['alone']:.0f}MB")
    line("  the export's own share", f"{memory['alone'] - memory['opened']:.0f}MB")
    line("file size: export / ours / openpyxl (MB)", " / ".join(f"{v:.1f}" for v in sizes.values()))


if __name__ == "__main__":
    main()
