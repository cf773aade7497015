"""The estate benchmark (`make bench`): every figure of the issue, encrypted beside plain SQLite.

Run: .venv/bin/python tests/bench/run.py [--keep DIR] [--out FILE] [--runs 5]
     [--quick-runs 20] [--heavy-runs 3] [--only PART ...] [--households 5000 --years 5
     --volume 5.4]
On the demo estate (tests/bench/estate.py: 5,000 households, five years, about 200,000
contacts, slips, visits and help requests; kept in --keep DIR and reused) it measures each
figure on the encrypted office file and on its plain-SQLite twin (tests/bench/plain.py),
both open in one process (tests/bench/measure.py) on copies of the files, every figure's
runs taken on the two files in turn, call by call (fresh processes for start, login and
memory, process by process), so a busy spell of the shared machine falls on both alike.
It prints one table: figure | encrypted median | plain median | ratio | target | met?,
then every run. Indented figures are details without a target of their own. No timing is
asserted anywhere: the figures go into the issue notes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import estate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PARTS = ("desk", "lists", "search", "slips", "monthly", "memory")  # as in measure.py
RATIO_TARGET = 1.3


@dataclass(frozen=True)
class Target:
    """How a figure is shown and the issue's bound on it (None: a detail, no bound)."""

    unit: str  # "s", "ms" or "MB"; values arrive in ms (MB for memory)
    bound: float | None  # in the figure's own unit


def target_of(label: str) -> Target:
    """Return the issue's target for a figure, by its label."""
    fixed = {
        "start to unlock window": Target("s", 1.0),
        "unlock + login to main window": Target("s", 1.5),
        "save one slip": Target("ms", 30),
        "one slip PDF (WX, A5, 3 copies)": Target("ms", 50),
        "500 slips in one PDF (stub copy each)": Target("s", 5.0),
        "monthly workbook": Target("s", 5.0),
        "peak memory of the program": Target("MB", 400),
        "demo build": Target("s", None),
    }
    if label in fixed:
        return fixed[label]
    if label.startswith("  "):
        long = ("backup", "every copy", "500 slips", "monthly")
        return Target("s" if any(word in label for word in long) else "ms", None)
    if label.startswith("search residents"):
        return Target("ms", 50)
    if label.startswith(("list first screen", "repair desk first screen")):
        return Target("ms", 100)
    if label.startswith("list scroll page"):
        return Target("ms", 50)  # "smooth": a page fetched within 50 ms goes unnoticed
    return Target("ms", None)


def shown(value: float, unit: str) -> str:
    """Format a value (ms, or MB) in the figure's unit."""
    if unit == "s":
        return f"{value / 1000:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def bound_text(target: Target) -> str:
    """Return the target as printed: ≤ 1.0 s, or a dash for details."""
    if target.bound is None:
        return "—"
    bound = f"{target.bound:.1f}" if target.unit == "s" else f"{target.bound:g}"
    return f"≤ {bound} {target.unit}"


def cells(text: str) -> int:
    """Return how many terminal columns a text takes (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """Pad a text with spaces on the right to `width` columns."""
    return text + " " * max(0, width - cells(text))


def _calm(limit: float, wait: float) -> float:
    """Wait (up to `wait` s) for the machine's 1-minute load to fall under `limit`."""
    until = time.monotonic() + wait
    while os.getloadavg()[0] >= limit and time.monotonic() < until:
        time.sleep(5)
    return os.getloadavg()[0]


def measure(
    files: dict[str, Path], parts: list[str], args: argparse.Namespace, folder: Path
) -> tuple[dict[str, dict[str, list[float]]], list[str]]:
    """Run measure.py part by part (both files in turn inside); return the runs and loads."""
    runs: dict[str, dict[str, list[float]]] = {kind: {} for kind in files}
    loads = []
    for part in parts:
        load = _calm(args.calm, args.calm_wait)
        loads.append(f"{part} {load:.1f}")
        print(f"[{datetime.now():%H:%M:%S}] {part} (load {load:.1f})", flush=True)
        out = folder / f"{part}.json"
        command = [
            sys.executable,
            str(HERE / "measure.py"),
            str(files["encrypted"]),
            str(files["plain"]),
            "--json",
            str(out),
            "--runs",
            str(args.runs),
            "--quick-runs",
            str(args.quick_runs),
            "--heavy-runs",
            str(args.heavy_runs),
            "--only",
            part,
        ]
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        subprocess.run(command, check=True, env=env, cwd=ROOT)
        for kind, figures in json.loads(out.read_text("utf-8")).items():
            for label, values in figures.items():
                runs[kind].setdefault(label, []).extend(values)
    return runs, loads


def table(runs: dict[str, dict[str, list[float]]]) -> tuple[list[str], list[str]]:
    """Return the table's lines and the runs' lines."""
    enc, pl = runs["encrypted"], runs["plain"]
    labels = list(enc) + [label for label in pl if label not in enc]
    width = max(cells(label) for label in labels) + 2
    head = f"{pad('figure', width)}{'encrypted':>12}{'plain':>12}{'ratio':>8}  {'target':<10}  met?"
    lines = [head, "-" * len(head)]
    details = []
    for label in labels:
        target = target_of(label)
        a = statistics.median(enc[label]) if label in enc else None
        b = statistics.median(pl[label]) if label in pl else None
        ratio = a / b if a is not None and b else None
        met = ""
        if target.bound is not None and a is not None:
            value = a / 1000 if target.unit == "s" else a
            slow = value > target.bound
            steep = ratio is not None and ratio > RATIO_TARGET
            met = {(False, False): "yes", (True, False): "NO: time",
                   (False, True): "NO: ratio", (True, True): "NO: both"}[(slow, steep)]  # fmt: skip
        lines.append(
            f"{pad(label, width)}"
            f"{shown(a, target.unit) if a is not None else '—':>12}"
            f"{shown(b, target.unit) if b is not None else '—':>12}"
            f"{f'{ratio:.2f}×' if ratio is not None else '—':>8}  "
            f"{bound_text(target):<10}  {met}".rstrip()
        )
        for kind, got in (("encrypted", enc), ("plain", pl)):
            if label in got:
                values = ", ".join(shown(v, target.unit).split()[0] for v in got[label])
                details.append(f"{label.strip()} [{kind}, {target.unit}]: {values}")
    return lines, details


def main() -> None:
    """Build or reuse the estate, measure both kinds of file, print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=Path, default=ROOT / ".benchmarks" / "estate")
    parser.add_argument("--out", type=Path, help="also write the table (and FILE.json) here")
    parser.add_argument("--households", type=int, default=estate.HOUSEHOLDS)
    parser.add_argument("--years", type=int, default=estate.YEARS)
    parser.add_argument("--volume", type=float, default=estate.VOLUME)
    parser.add_argument("--runs", type=int, default=5, help="runs of the slower figures")
    parser.add_argument("--quick-runs", type=int, default=20, help="runs of sub-0.1 s figures")
    parser.add_argument("--heavy-runs", type=int, default=3, help="500 slips, month, memory")
    parser.add_argument("--only", nargs="*", choices=PARTS, help="only these parts")
    parser.add_argument("--calm", type=float, default=1.0, help="wait for load under this")
    parser.add_argument("--calm-wait", type=float, default=30, help="seconds to wait at most")
    args = parser.parse_args()
    started = time.perf_counter()
    kept = estate.ensure(args.keep, args.households, args.years, args.volume)
    with tempfile.TemporaryDirectory(prefix="wuye-bench-") as tmp:
        folder = Path(tmp)
        files = {
            "encrypted": estate.copy_office(kept.encrypted, folder / "encrypted"),
            "plain": estate.copy_office(kept.plain, folder / "plain"),
        }
        runs, loads = measure(files, list(args.only or PARTS), args, folder)
    for kind in runs:
        runs[kind]["demo build"] = [kept.build_seconds[kind] * 1000]
    lines, details = table(runs)
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor())  # fmt: skip
    import sqlcipher3

    report = [
        f"wuyedesk estate benchmark, {datetime.now():%Y-%m-%d %H:%M}",
        f"estate: {estate.describe(kept)}",
        f"machine: {os.cpu_count()} cores, {cpu}; Python {platform.python_version()}; "
        f"SQLCipher's SQLite {sqlcipher3.dbapi2.sqlite_version}, plain: stdlib SQLite "
        f"{sqlite3.sqlite_version}",
        f"medians of {args.runs} runs (start, login, unlock), {args.quick_runs} (searches, "
        f"repair desk views, saving, one PDF), {args.heavy_runs} (500 slips, month, memory), "
        f"2 (lists.py's own medians of {max(2, args.quick_runs // 2)}); each in-process "
        "figure after one untimed call; ratio = encrypted / plain, target "
        f"≤ {RATIO_TARGET}× for every figure with a target",
        "",
        *lines,
        "",
        "runs:",
        *details,
        "1-minute load average when each part started (the machine is shared; other "
        "people's tests run on it): " + "; ".join(loads),
        f"benchmark took {time.perf_counter() - started:.0f} s",
    ]
    text = "\n".join(report)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
        args.out.with_suffix(".json").write_text(
            json.dumps(runs, ensure_ascii=False, indent=1), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
