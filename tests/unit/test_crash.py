"""Nothing lost: a writer killed with SIGKILL at random moments never costs a saved record.

A child process saves records through the services on a real encrypted office file and
reports each save after its commit; the test kills it at a random moment, opens the file
and checks it: integrity, foreign keys, the audit chain, every reported save present with
its content, nothing present that was not reported (except the one save in flight at the
kill, which must then be complete), and numbering gapless per kind and year.
"""

from __future__ import annotations

import contextlib
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.conftest import build_template
from wuyedesk.services.context import Actor
from wuyedesk.services.staff import add_staff_in
from wuyedesk.store import audit, keys
from wuyedesk.store.engine import make_engine
from wuyedesk.store.models import (
    AuditEntry,
    Contact,
    HelpRequest,
    NumberCounter,
    Office,
    RepairOrder,
    Resident,
)
from wuyedesk.store.office_file import OfficeFile, open_office_file

# SIGKILL during SQLite/SQLCipher commits: the file's own durability.
pytestmark = pytest.mark.file_only

CHILD = Path(__file__).with_name("crash_child.py")
CONTENT = re.compile(r"^崩溃测试 (\S+-\d{4})$")
AUDIT_ACTIONS = {
    "contact": "contact.record",
    "repair_free": "repair.open",
    "repair_paid": "repair.open",
    "help": "help.record",
    "resident": "resident.add",
}
PREFIX_KIND = {"DJ": "contact", "WX": "repair_free", "YC": "repair_paid", "QZ": "help"}
LINE_TIMEOUT_S = 30.0
KILLS = 210  # forked writers killed; the fresh-interpreter test adds 3 more
WARM_SAVES = 5  # the fork server's warm-up: one save of each kind, reported like the others


# --- the office file and the child processes --------------------------------------------------


@dataclass(frozen=True)
class Template:
    """A built office file with an assistant on the staff, copied for each test."""

    path: Path
    key: bytes
    staff_id: int

    def copy_to(self, folder: Path) -> Path:
        """Copy the office file and its key file into `folder`; return the copy's path."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "office.wuye"
        shutil.copy(self.path, path)
        shutil.copy(keys.key_path(self.path), keys.key_path(path))
        return path


def build_crash_template(folder: Path) -> Template:
    """Build the office once: building 3 (unit 3-2-1502 exists) and the assistant 张助理."""
    path, key = build_template(folder, ("3", 2, 16, 2))
    office = open_office_file(path, key)
    with office.transaction() as session:
        staff_id = add_staff_in(session, Actor.command_line(), "张助理", "assistant", "2468").id
    office.close()
    return Template(path, key, staff_id)


@pytest.fixture(scope="module")
def crash_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return build_crash_template(tmp_path_factory.mktemp("crash_template"))


class Child:
    """A child process running crash_child.py; its stdout lines read by a thread into a queue."""

    def __init__(self, path: Path, key: bytes, staff_id: int, *args: str) -> None:
        self.errors = path.with_name(f"child-{time.monotonic_ns()}.err")
        command = [sys.executable, str(CHILD), str(path), key.hex(), str(staff_id), *args]
        with self.errors.open("wb") as err:
            self.proc = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err
            )
        self.lines: queue.Queue[list[str] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            self.lines.put(raw.decode("utf-8").rstrip("\n").split("\t"))
        self.lines.put(None)  # end of output

    def send(self, line: str) -> None:
        """Write one command line to the child's stdin."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{line}\n".encode())
        self.proc.stdin.flush()

    def next(self, timeout: float = LINE_TIMEOUT_S) -> list[str] | None:
        """Return the child's next line as its fields (None at the end of its output)."""
        try:
            words = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"child silent for {timeout} s; stderr: {self.stderr()}") from None
        if words and words[0] == "ERROR":
            raise AssertionError(f"child failed: {words[1:]}; stderr: {self.stderr()}")
        return words

    def expect(self, head: str) -> list[str]:
        """Return the next line, which must start with `head`."""
        words = self.next()
        assert words is not None and words[0] == head, (head, words, self.stderr())
        return words

    def serving(self) -> Run:
        """Wait until a fork server is ready; return its warm-up saves."""
        warm = Run()
        while (words := self.next()) is not None and words[0] != "SERVING":
            warm.take(words)
        assert words is not None, self.stderr()
        assert warm.in_flight is None and len(warm.saved) == WARM_SAVES, warm
        return warm

    def stderr(self) -> str:
        return self.errors.read_text(errors="replace")[-2000:]

    def finish(self, timeout: float = 60) -> int:
        """Close stdin, wait for the child to end, return its exit code."""
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


# --- what one child run reported ---------------------------------------------------------------


@dataclass
class Run:
    """The lines of one child run: what it saved and what it was saving when killed."""

    saved: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, number, marker)
    begun: str | None = None
    held: str | None = None
    status: int | None = None
    start_s: float = 0.0  # from asking for a writer to its READY (fork and open)

    def take(self, words: list[str]) -> None:
        if words[0] == "BEGIN":
            self.begun = words[2]
        elif words[0] == "SAVED":
            kind, number, marker = words[1:4]
            assert marker == self.begun, words
            self.saved.append((kind, number, marker))
            self.begun = None
        elif words[0] == "HOLD":
            self.held = words[1]

    @property
    def in_flight(self) -> str | None:
        """Return the marker whose save had begun but was not reported when the child died."""
        return self.begun


# --- checking the file after a kill ------------------------------------------------------------


@dataclass
class Record:
    kind: str
    number: str
    id: int


@dataclass
class Survey:
    """What the office file holds, read by a fresh open after the child is gone."""

    integrity: list[tuple[str, ...]]
    foreign_keys: list[tuple[object, ...]]
    chain_ok: bool
    chain_reason: str | None
    records: dict[str, Record]
    counters: dict[tuple[str, int], int]
    audit_targets: Counter[tuple[str, str]]
    indexed_residents: set[int]


def open_directly(path: Path, key: bytes) -> OfficeFile:
    """Open the file with its key through the program's engine, skipping the schema check.

    open_office_file() also reads Alembic's revision scripts: ~0.1 s each time on this busy
    machine (no bytecode cache here), which adds up over 200+ kills and says nothing about
    the file's state that integrity_check does not.
    """
    engine = make_engine(path, key)  # refuses a file the key does not open
    with engine.connect() as conn:
        uid = conn.execute(select(Office.office_uid)).scalar_one()
    return OfficeFile(path, engine, uid, key)


def survey(path: Path, key: bytes, *, full: bool = True) -> Survey:
    """Open the file after a kill and read everything the checks need.

    `full` opens it with the program's open_office_file() and recomputes the whole audit
    chain; otherwise the file is opened directly and the chain not recomputed (both costs
    grow over 200+ kills; the loop does a full survey after every 5th kill and at the end).
    """
    office = open_office_file(path, key) if full else open_directly(path, key)
    try:
        with office.transaction() as session:
            integrity = [tuple(r) for r in session.execute(text("PRAGMA integrity_check"))]
            foreign_keys = [tuple(r) for r in session.execute(text("PRAGMA foreign_key_check"))]
            report = audit.verify(session) if full else audit.ChainReport(0, None, None)
            # FTS5's own consistency check raises if the index does not match its content.
            session.execute(
                text("INSERT INTO resident_fts(resident_fts) VALUES('integrity-check')")
            )
            records: dict[str, Record] = {}

            def take(marker_text: str | None, kind: str, number: str, record_id: int) -> None:
                match = CONTENT.match(marker_text or "")
                assert match, f"record {kind} {number} has content {marker_text!r}"
                assert match.group(1) not in records, f"marker {match.group(1)} saved twice"
                records[match.group(1)] = Record(kind, number, record_id)

            for number, content, rid in session.execute(
                select(Contact.number, Contact.content, Contact.id)
            ):
                take(content, "contact", number, rid)
            for number, kind, content, rid in session.execute(
                select(RepairOrder.number, RepairOrder.kind, RepairOrder.content, RepairOrder.id)
            ):
                take(content, f"repair_{kind}", number, rid)
            for number, content, rid in session.execute(
                select(HelpRequest.number, HelpRequest.content, HelpRequest.id)
            ):
                take(content, "help", number, rid)
            for habits, name, rid in session.execute(
                select(Resident.habits, Resident.name, Resident.id)
            ):
                assert name == "李四", name
                take(habits, "resident", "-", rid)
            counters = {(c.prefix, c.year): c.last for c in session.scalars(select(NumberCounter))}
            audit_targets = Counter(
                (action, target)
                for action, target in session.execute(
                    select(AuditEntry.action, AuditEntry.target).where(
                        AuditEntry.action.in_(set(AUDIT_ACTIONS.values()))
                    )
                )
            )
            indexed = set(session.scalars(text("SELECT rowid FROM resident_fts")))
    finally:
        office.close()
    return Survey(
        integrity,
        foreign_keys,
        report.ok,
        report.reason,
        records,
        counters,
        audit_targets,
        indexed,
    )


def audit_target(record: Record) -> tuple[str, str]:
    """Return the audit line a saved record must have."""
    action = AUDIT_ACTIONS[record.kind]
    noun = action.split(".")[0]
    return action, f"{noun}:{record.id if record.kind == 'resident' else record.number}"


@dataclass
class Ledger:
    """Every save the children reported (or that was found complete after a kill)."""

    saved: dict[str, tuple[str, str]] = field(default_factory=dict)  # marker -> (kind, number)
    kills: int = 0
    kills_in_save: int = 0
    holds: int = 0
    in_flight_committed: int = 0
    in_flight_rolled_back: int = 0
    records_checked: int = 0
    checkpointing: int = 0
    start_s: float = 0.0
    survey_s: float = 0.0

    def report(self, run: Run) -> None:
        for kind, number, marker in run.saved:
            assert marker not in self.saved, f"{marker} reported twice"
            self.saved[marker] = (kind, number)

    def open_and_check(self, path: Path, key: bytes, run: Run, *, full: bool = True) -> None:
        """Open the file after a kill and check it (timed)."""
        started = time.monotonic()
        self.check(survey(path, key, full=full), run)
        self.survey_s += time.monotonic() - started

    def check(self, found: Survey, run: Run) -> None:
        """Check the file against everything reported so far and the run just killed."""
        assert found.integrity == [("ok",)], found.integrity
        assert found.foreign_keys == [], found.foreign_keys
        assert found.chain_ok, found.chain_reason
        lost = [m for m in self.saved if m not in found.records]
        assert not lost, f"reported saves missing after the kill: {lost}"
        for marker, (kind, number) in self.saved.items():
            record = found.records[marker]
            assert (record.kind, record.number) == (kind, number), (marker, record)
        extra = set(found.records) - set(self.saved)
        allowed = {run.in_flight} if run.in_flight and not run.held else set()
        assert extra <= allowed, f"rows nobody reported: {extra - allowed} (in flight {allowed})"
        if run.held:
            # Killed inside the save's transaction, before COMMIT: nothing of it may remain.
            assert run.held not in found.records, f"uncommitted save {run.held} survived"
            self.holds += 1
        if run.in_flight and not run.held:
            self.kills_in_save += 1
            if extra:
                self.in_flight_committed += 1
                record = found.records[run.in_flight]
                self.saved[run.in_flight] = (record.kind, record.number)
            else:
                self.in_flight_rolled_back += 1
        check_complete_and_gapless(found)
        self.records_checked += len(found.records)


def check_complete_and_gapless(found: Survey) -> None:
    """Each record has its one audit line and index row; numbers run 1..N; counters say N."""
    for record in found.records.values():
        assert found.audit_targets[audit_target(record)] == 1, record
        if record.kind == "resident":
            assert record.id in found.indexed_residents, record
    assert sum(found.audit_targets.values()) == len(found.records), "audit lines without records"
    residents = {r.id for r in found.records.values() if r.kind == "resident"}
    assert found.indexed_residents == residents
    serials: dict[tuple[str, int], list[int]] = defaultdict(list)
    for record in found.records.values():
        if record.kind == "resident":
            continue
        prefix, year, serial = record.number.split("-")
        assert PREFIX_KIND[prefix] == record.kind, record
        serials[(prefix, int(year))].append(int(serial))
    for (prefix, year), taken in serials.items():
        n = len(taken)
        assert sorted(taken) == list(range(1, n + 1)), f"{prefix}-{year} not 1..{n}: gap or twice"
        assert found.counters.get((prefix, year)) == n, (prefix, year, found.counters, n)
    assert set(found.counters) == set(serials), (found.counters, set(serials))


def figures(ledger: Ledger, found: Survey, seconds: float, what: str) -> str:
    lost = sum(1 for marker in ledger.saved if marker not in found.records)
    return (
        f"\n[{what}] kills={ledger.kills} (during a save {ledger.kills_in_save}, "
        f"held before COMMIT {ledger.holds}); records in the file={len(found.records)}; "
        f"record checks={ledger.records_checked}; in flight found complete="
        f"{ledger.in_flight_committed}, in flight rolled back={ledger.in_flight_rolled_back}; "
        f"losses={lost}; writers checkpointing after each commit={ledger.checkpointing}; "
        f"per kill: writer start {1000 * ledger.start_s / ledger.kills:.0f} ms, check "
        f"{1000 * ledger.survey_s / ledger.kills:.0f} ms; {seconds:.1f} s"
    )


# --- the tests ---------------------------------------------------------------------------------


def _kill_one(server: Child, tag: str, hold: int, checkpoint: bool, delay: float) -> Run:
    """Start one forked writer, kill it with SIGKILL after `delay` (or at its hold), collect."""
    run = Run()
    asked = time.monotonic()
    server.send(f"RUN {tag} {hold} {int(checkpoint)}")
    pid = None
    ready = False
    while pid is None or not ready:
        words = server.next()
        assert words is not None, server.stderr()
        if words[0] == "PID":
            pid = int(words[1])
        elif words[0] == "READY":
            ready = True
        else:
            run.take(words)
    run.start_s = time.monotonic() - asked
    if hold:
        while run.held is None:
            words = server.next()
            assert words is not None and words[0] != "DONE", (words, server.stderr())
            run.take(words)
    else:
        time.sleep(delay)
    with contextlib.suppress(ProcessLookupError):  # a writer that died by itself fails below
        os.kill(pid, signal.SIGKILL)
    while True:
        words = server.next()
        assert words is not None, server.stderr()
        if words[0] == "DONE":
            assert int(words[1]) == pid
            run.status = int(words[2])
            break
        assert words[0] != "END", "the writer finished before it was killed"
        run.take(words)
    assert os.WIFSIGNALED(run.status) and os.WTERMSIG(run.status) == signal.SIGKILL, run.status
    return run


@pytest.mark.slow
def test_random_sigkills_lose_nothing(
    crash_template: Template, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    path = crash_template.copy_to(tmp_path / "office")
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    ledger = Ledger()
    server = Child(path, crash_template.key, crash_template.staff_id, "serve")
    try:
        ledger.report(server.serving())
        for n in range(1, KILLS + 1):
            # Every 10th writer is stopped inside a save's transaction, before its COMMIT;
            # every 3rd checkpoints after each commit, so kills also land in checkpoints.
            hold = rng.randint(1, 3) if n % 10 == 0 else 0
            checkpoint = n % 3 == 1
            run = _kill_one(server, f"k{n:03d}", hold, checkpoint, rng.uniform(0.005, 0.150))
            ledger.kills += 1
            ledger.checkpointing += checkpoint
            ledger.start_s += run.start_s
            ledger.report(run)
            # The program's own open and the whole audit chain: after every 5th kill and at
            # the end; integrity, keys, records and numbers: after every kill.
            ledger.open_and_check(path, crash_template.key, run, full=n % 5 == 0)
        server.send("QUIT")
        assert server.finish() == 0
    finally:
        server.kill()
    found = survey(path, crash_template.key)
    check_complete_and_gapless(found)
    summary = figures(ledger, found, time.monotonic() - started, f"fork server, seed {seed}")
    with capsys.disabled():
        print(summary)
    assert ledger.kills == KILLS
    assert ledger.kills_in_save > 0 and ledger.holds == KILLS // 10
    assert len(found.records) == len(ledger.saved) > KILLS // 4  # the writers did write


@pytest.mark.slow
def test_sigkill_of_a_freshly_started_interpreter_loses_nothing(
    crash_template: Template, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same check with the child started as a plain `python crash_child.py` each time."""
    started = time.monotonic()
    path = crash_template.copy_to(tmp_path / "office")
    rng = random.Random()
    ledger = Ledger()
    for n in range(1, 4):
        asked = time.monotonic()
        child = Child(path, crash_template.key, crash_template.staff_id, "loop", f"c{n}")
        try:
            run = Run()
            child.expect("READY")
            ledger.start_s += time.monotonic() - asked
            # A fresh interpreter's first save takes longer than the whole 5-150 ms window
            # (lazy imports, cold caches): let it commit n saves first, then kill at random.
            while len(run.saved) < n:
                words = child.next()
                assert words is not None, child.stderr()
                run.take(words)
            time.sleep(rng.uniform(0.005, 0.150))
            child.proc.send_signal(signal.SIGKILL)
            while (words := child.next()) is not None:
                assert words[0] != "END", "the writer finished before it was killed"
                run.take(words)
            assert child.proc.wait(timeout=10) == -signal.SIGKILL
        finally:
            child.kill()
        ledger.kills += 1
        ledger.report(run)
        ledger.open_and_check(path, crash_template.key, run)
    found = survey(path, crash_template.key)
    with capsys.disabled():
        print(figures(ledger, found, time.monotonic() - started, "fresh interpreters"))
    assert len(found.records) == len(ledger.saved) >= 6
