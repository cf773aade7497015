"""The benchmark estate: a demo office of N households and Y years, encrypted and a plain twin.

Run: .venv/bin/python tests/bench/estate.py [--households 5000] [--years 5] [--volume 5.4]
     [--keep DIR]
Both files are built by the same workflow (`init_office`, `generate_demo` with the same seed
and the same day), the plain one in a child process that uses plain SQLite (plain.py); the
two builds run side by side. With --keep DIR they are kept there and reused while the
parameters and the code that shapes them (migrations, demo) are unchanged; a stale pair is
rebuilt. The build takes minutes at 5,000 households and five years.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from plain import CHILD_PRELUDE, PLAIN_FLAG, is_plain_file  # noqa: E402

PASSPHRASE = "bench passphrase 1"
# About 200,000 contacts, slips, visits and help requests at 5,000 households over 5 years.
HOUSEHOLDS, YEARS, VOLUME = 5000, 5, 5.4
SEED = 1
# What shapes the files: a change here makes a kept pair stale.
_SHAPERS = (
    "wuyedesk/store/migrations/versions",
    "wuyedesk/store/models",
    "wuyedesk/services/demo.py",
    "wuyedesk/services/demo_records.py",
    "wuyedesk/domain/demo_names.py",
)
_BUILD = CHILD_PRELUDE + (
    "import json, time\n"
    "from datetime import date\n"
    "from pathlib import Path\n"
    "import estate\n"
    "path, households, years, volume, seed, today = sys.argv[1:7]\n"
    "started = time.perf_counter()\n"
    "summary = estate.build(Path(path), int(households), int(years), float(volume), int(seed),\n"
    "                       date.fromisoformat(today))\n"
    "print(json.dumps({'seconds': time.perf_counter() - started, **summary}))\n"
)


@dataclass(frozen=True)
class Estate:
    """The pair of office files and what the demo put in them."""

    encrypted: Path
    plain: Path
    today: str
    counts: dict[str, int]
    build_seconds: dict[str, float]
    households: int
    years: int
    volume: float

    @property
    def records(self) -> int:
        """Contacts, slips, visits and help requests together."""
        return sum(self.counts[k] for k in ("contacts", "repairs", "visits", "help_requests"))


def build(path: Path, households: int, years: int, volume: float, seed: int, today: date) -> dict:
    """Make one demo office file (plain when this process uses plain SQLite); return counts."""
    from wuyedesk.services import demo
    from wuyedesk.services import office as office_service
    from wuyedesk.services.context import Actor

    office, _ = office_service.init_office(
        path,
        PASSPHRASE,
        office_name=demo.DEMO_OFFICE,
        estate_name=demo.DEMO_ESTATE,
        director_name=demo.DEMO_DIRECTOR,
        director_pin=demo.DEMO_PIN,
    )
    try:
        summary = demo.generate_demo(
            office,
            Actor.command_line(),
            households=households,
            seed=seed,
            today=today,
            years=years,
            volume=volume,
        )
    finally:
        office.close()
    return dataclasses.asdict(summary)


def fingerprint(households: int, years: int, volume: float, seed: int) -> str:
    """Hash the parameters and the source that shapes the files."""
    digest = hashlib.sha256(f"{households}/{years}/{volume}/{seed}".encode())
    for name in _SHAPERS:
        where = ROOT / name
        files = sorted(where.rglob("*.py")) if where.is_dir() else [where]
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def _files(folder: Path, households: int, years: int, volume: float, seed: int) -> dict[str, Path]:
    stem = f"estate-{households}h-{years}y-v{volume:g}-s{seed}"
    return {
        "encrypted": folder / f"{stem}.wuye",
        "plain": folder / f"{stem}-plain.wuye",
        "meta": folder / f"{stem}.json",
    }


def _remove(path: Path) -> None:
    for leftover in (path, Path(f"{path}.keys"), Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(Path(f"{path}.backups"), ignore_errors=True)


def ensure(
    folder: Path,
    households: int = HOUSEHOLDS,
    years: int = YEARS,
    volume: float = VOLUME,
    seed: int = SEED,
    *,
    say: Any = print,
) -> Estate:
    """Return the kept pair of office files in `folder`, building them unless still current."""
    folder.mkdir(parents=True, exist_ok=True)
    files = _files(folder, households, years, volume, seed)
    mark = fingerprint(households, years, volume, seed)
    if files["meta"].exists():
        meta = json.loads(files["meta"].read_text(encoding="utf-8"))
        if (
            meta.get("fingerprint") == mark
            and files["encrypted"].exists()
            and files["plain"].exists()
        ):
            say(f"estate reused from {folder} (built {meta['today']})")
            return _estate(files, meta, households, years, volume)
        say("kept estate is stale (parameters or code changed): rebuilding")
    for key in ("encrypted", "plain"):
        _remove(files[key])
    files["meta"].unlink(missing_ok=True)
    today = date.today().isoformat()
    say(f"building the estate ({households} households, {years} years, volume {volume:g}), "
        "encrypted and plain side by side; this takes minutes")  # fmt: skip
    args = [str(households), str(years), str(volume), str(seed), today]
    children = {
        key: subprocess.Popen(
            [sys.executable, "-c", _BUILD, str(files[key]), *args]
            + ([PLAIN_FLAG] if key == "plain" else []),
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for key in ("encrypted", "plain")
    }
    results = {}
    for key, child in children.items():
        out, _ = child.communicate()
        if child.returncode:
            raise SystemExit(f"building the {key} estate failed ({child.returncode})")
        results[key] = json.loads(out.strip().splitlines()[-1])
    if is_plain_file(files["encrypted"]) or not is_plain_file(files["plain"]):
        raise SystemExit("the encrypted file is plain or the plain one is not: patch not applied")
    seconds = {key: results[key].pop("seconds") for key in results}
    if results["encrypted"] != results["plain"]:
        raise SystemExit("the two builds differ: the demo is not repeatable")
    meta = {
        "fingerprint": mark,
        "today": today,
        "counts": results["encrypted"],
        "build_seconds": seconds,
    }
    files["meta"].write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return _estate(files, meta, households, years, volume)


def _estate(
    files: dict[str, Path], meta: dict, households: int, years: int, volume: float
) -> Estate:
    counts = {k: v for k, v in meta["counts"].items() if isinstance(v, int)}
    return Estate(
        files["encrypted"],
        files["plain"],
        meta["today"],
        counts,
        meta["build_seconds"],
        households,
        years,
        volume,
    )


def copy_office(source: Path, folder: Path) -> Path:
    """Copy an office file and its key file into `folder` (figures that write use a copy)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    for suffix in ("", ".keys"):
        shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
    return target


def describe(estate: Estate) -> str:
    """Return one line of what the estate holds."""
    c = estate.counts
    return (
        f"{estate.households} households, {estate.years} years, volume {estate.volume:g} "
        f"(records up to {estate.today}): {c['contacts']} contacts, {c['repairs']} slips, "
        f"{c['visits']} visits, {c['help_requests']} help requests = {estate.records} records; "
        f"{c['residents']} residents, {c['daily_reports']} daily reports; "
        f"file {estate.encrypted.stat().st_size / 1e6:.0f} MB"
    )


def main() -> None:
    """Build (or reuse) the estate and say what it holds."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=HOUSEHOLDS)
    parser.add_argument("--years", type=int, default=YEARS)
    parser.add_argument("--volume", type=float, default=VOLUME)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--keep", type=Path, default=ROOT / ".benchmarks" / "estate")
    args = parser.parse_args()
    started = time.perf_counter()
    estate = ensure(args.keep, args.households, args.years, args.volume, args.seed)
    print(describe(estate))
    print(f"builds: {json.dumps(estate.build_seconds)}; {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    main()
