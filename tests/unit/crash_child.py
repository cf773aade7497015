"""Child process of the crash and concurrency tests: saves records through the services.

Run as a script (never collected by pytest):

    python crash_child.py DBPATH KEYHEX STAFF_ID MODE [ARGS...]

Modes:
    loop TAG              open the file, then save records in a loop until killed; one line
                          per committed save ("SAVED kind number marker id").
    serve                 a fork server (see serve()): open the file once as the program
                          does, then fork writers on request. Starting a fresh interpreter
                          costs ~1.5-3 s here (SQLAlchemy's import alone ~0.9 s); a fork
                          costs a few ms, and the forked writer is still a real process,
                          killed with a real SIGKILL.
    burst TAG COUNT       open, say READY, wait for "GO" on stdin, then save COUNT complaints
                          as fast as possible; a save refused as busy is retried.
    edit TAG RESIDENT_ID  the edit screen of another desk: "LOAD" reads the resident as the
                          form does, "SAVE" saves it with the version it read.
    lock [exclusive]      hold the office file's write lock (with "exclusive": keep readers
                          out too) inside a transaction that has changed the DJ number
                          counter, until killed.

Every line goes out in one os.write() call: a pipe write under PIPE_BUF bytes is atomic,
so a kill never leaves half a line, and the order of lines is the order of events.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from functools import partial
from pathlib import Path
from typing import Any

KINDS = ("contact", "repair_free", "repair_paid", "help", "resident")
UNIT = "3-2-1502"
LOOP_LIMIT_S = 20.0  # a loop child that is never killed stops by itself
BUSY = "办公文件正被另一个程序"  # how a save refused because another writer holds the file begins


def emit(*fields: object) -> None:
    """Write one tab-separated line to stdout in a single system call."""
    os.write(1, ("\t".join(str(f) for f in fields) + "\n").encode("utf-8"))


def content_of(marker: str) -> str:
    """Return the text a record carries so it can be found again: unique per save."""
    return f"崩溃测试 {marker}"


def kind_of(seq: int) -> str:
    """Return which kind of record the child saves as its `seq`-th save (1-based)."""
    return KINDS[(seq - 1) % len(KINDS)]


def _actor(staff_id: int) -> Any:
    from wuyedesk.domain.roles import Role
    from wuyedesk.services.context import Actor

    return Actor(staff_id, "张助理", Role.assistant)


def save(office: Any, actor: Any, kind: str, marker: str) -> tuple[str, int]:
    """Save one record of `kind` carrying `marker`; return its number ("-" if none) and id."""
    from wuyedesk.services import contacts, help_requests, repairs, residents

    text = content_of(marker)
    caller = {"unit": UNIT, "phone": "13800138000"}
    if kind == "contact":
        data = {**caller, "method": "call", "caller_name": "刘先生", "kind": "complaint"}
        data.update(complained_department="cleaning", content=text)
        view: Any = contacts.record_contact(office, actor, data)
    elif kind in ("repair_free", "repair_paid"):
        data = {**caller, "kind": kind.removeprefix("repair_"), "channel": "phone"}
        data.update(reporter_name="刘先生", category="plumbing_electrical", content=text)
        view = repairs.open_repair(office, actor, data)
    elif kind == "help":
        data = {**caller, "requester_name": "刘阿姨", "help_type": "medical", "content": text}
        view = help_requests.record_help(office, actor, data)
    else:
        data = {"name": "李四", "role": "tenant", "phone": "13900139000", "habits": text}
        view = residents.add_resident(office, actor, UNIT, data)
    return getattr(view, "number", "-"), view.id


def _hold_before_commit(office: Any, marker: str) -> None:
    """Stop inside the transaction that saves `marker`, just before its COMMIT."""
    from sqlalchemy import event

    text = content_of(marker)

    def before_commit(session: Any) -> None:
        mine = any(
            text in (getattr(obj, "content", None), getattr(obj, "habits", None))
            for obj in list(session.new) + list(session.identity_map.values())
        )
        if mine:
            emit("HOLD", marker)
            time.sleep(30)  # the parent kills it now; if the parent is gone, give up later

    event.listen(office.sessions, "before_commit", before_commit)


def save_and_report(office: Any, actor: Any, tag: str, seq: int) -> None:
    """Make save number `seq` of a writer: "BEGIN" before it, "SAVED" once it is committed."""
    kind, marker = kind_of(seq), f"{tag}-{seq:04d}"
    emit("BEGIN", kind, marker)
    number, record_id = save(office, actor, kind, marker)
    emit("SAVED", kind, number, marker, record_id)


def loop(office: Any, actor: Any, tag: str, hold: int = 0) -> int:
    """Save records until killed (or the time limit); report each one after its commit."""
    emit("READY", tag)
    started = time.monotonic()
    seq = 0
    while time.monotonic() - started < LOOP_LIMIT_S:
        seq += 1
        if seq == hold:
            _hold_before_commit(office, f"{tag}-{seq:04d}")
        save_and_report(office, actor, tag, seq)
    emit("END", tag)
    return 0


def burst(office: Any, actor: Any, tag: str, count: int, start_at: float | None = None) -> int:
    """Save `count` complaints from the start signal on; retry a save refused as busy.

    A writer of the fork server starts at `start_at`; a standalone one on "GO" from stdin.
    """
    from wuyedesk.domain.errors import OfficeFileError

    emit("READY", tag)
    if start_at is not None:
        time.sleep(max(0.0, start_at - time.monotonic()))
    elif sys.stdin.readline().strip() != "GO":
        return 2
    for seq in range(1, count + 1):
        marker = f"{tag}-{seq:04d}"
        while True:
            try:
                number, record_id = save(office, actor, "contact", marker)
                break
            except OfficeFileError as exc:
                if BUSY not in exc.message:
                    raise
                emit("BUSY", marker, exc.message)
        emit("SAVED", "contact", number, marker, record_id)
    emit("END", tag)
    return 0


def _forked(office: Any, work: Any, *, checkpoint: bool = False) -> int:
    """Fork a writer that runs `work()` on `office` and exits with its code; return its pid."""
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            # SQLAlchemy's rule for a forked child: start with an empty pool of its own
            # (the server's pool is already empty: it disposed of it before the first fork).
            office.engine.dispose(close=False)
            if checkpoint:
                _checkpoint_each_commit(office)
            code = work()
        except BaseException:
            emit("ERROR", traceback.format_exc().replace("\n", " | "))
        finally:
            os._exit(code)
    return pid


def _checkpoint_each_commit(office: Any) -> None:
    """Copy the WAL into the file after every commit, so that kills land in checkpoints too.

    The program's connections keep SQLite's default (1000 pages), which a writer living
    150 ms never reaches; the parent's own open and close checkpoint after every kill.
    """
    from sqlalchemy import event

    @event.listens_for(office.engine, "connect")
    def _often(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA wal_autocheckpoint = 1")


def serve(path: Path, key: bytes, staff_id: int) -> int:
    """Open the file as the program does, warm up, then fork writers on request.

    The warm-up saves one record of each kind (reported like any other, tag "warm") so that
    imports, mapper set-up and the engine's compiled statements are paid once: a forked
    writer then saves at the program's steady pace from its first save. Before the first
    fork every connection is closed; each writer opens its own (with the key) on first use.

    RUN TAG HOLD CHECKPOINT   fork a loop writer (HOLD > 0: stop inside the transaction of
                              save number HOLD, before its COMMIT; CHECKPOINT 1: checkpoint
                              after each commit) and wait for it: "PID pid", "DONE pid status"
    BURST TAG COUNT START_AT  fork a burst writer that starts at monotonic time START_AT (the
                              clock is system-wide, so several start together): "PID pid tag"
    WAIT PID                  wait for a forked writer to end: "DONE pid status"
    """
    from wuyedesk.store.office_file import open_office_file

    office = open_office_file(path, key)
    actor = _actor(staff_id)
    for seq in range(1, len(KINDS) + 1):
        save_and_report(office, actor, "warm", seq)
    office.engine.dispose()
    emit("SERVING")
    while line := sys.stdin.readline():
        command, *words = line.split()
        if command == "QUIT":
            break
        if command == "RUN":
            tag, hold, checkpoint = words[0], int(words[1]), words[2] == "1"
            work = partial(loop, office, actor, tag, hold)
            pid = _forked(office, work, checkpoint=checkpoint)
            emit("PID", pid)
            _, status = os.waitpid(pid, 0)
            emit("DONE", pid, status)
        elif command == "BURST":
            tag, count, start_at = words[0], int(words[1]), float(words[2])
            pid = _forked(office, partial(burst, office, actor, tag, count, start_at))
            emit("PID", pid, tag)
        elif command == "WAIT":
            _, status = os.waitpid(int(words[0]), 0)
            emit("DONE", words[0], status)
    office.close()
    return 0


def edit(path: Path, key: bytes, staff_id: int, tag: str, resident_id: int) -> int:
    """Act as another desk's resident form: load on "LOAD", save what was loaded on "SAVE"."""
    from wuyedesk.domain.errors import UserError
    from wuyedesk.services import residents
    from wuyedesk.store.office_file import open_office_file

    office = open_office_file(path, key)
    actor = _actor(staff_id)
    form: dict[str, Any] = {}
    saves = 0
    emit("READY", tag)
    while line := sys.stdin.readline():
        command = line.strip()
        if command == "LOAD":
            form = residents.resident_form_data(office, actor, resident_id)
            emit("LOADED", form["version"])
        elif command == "SAVE":
            data = {k: v for k, v in form.items() if k not in ("unit", "version")}
            saves += 1
            data["employer"] = f"{tag} 的第{saves}次修改"  # each save really changes the row
            try:
                view = residents.update_resident(
                    office, actor, resident_id, data, version=form["version"]
                )
            except UserError as exc:
                emit("REFUSED", type(exc).__name__, exc.message)
            else:
                emit("SAVED", view.version)
        elif command == "QUIT":
            break
    office.close()
    return 0


def lock(path: Path, key: bytes, exclusive: bool) -> int:
    """Another program: take the write lock, bump the DJ counter uncommitted, hold until killed.

    `exclusive` also keeps every other connection out, readers included (SQLite's exclusive
    locking mode, as a tool opening the file that way would). Only sqlcipher3 is imported
    (a fast start); the bump must vanish when this process dies.
    """
    import sqlcipher3

    conn = sqlcipher3.dbapi2.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    if exclusive:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE" if exclusive else "BEGIN IMMEDIATE")
    conn.execute("UPDATE number_counter SET last = last + 1 WHERE prefix = 'DJ'")
    emit("LOCKED")
    sys.stdin.readline()
    conn.rollback()
    conn.close()
    return 0


def main(argv: list[str]) -> int:
    """Dispatch on the mode; any unexpected error is reported as one ERROR line."""
    path, key, staff_id, mode, *rest = argv
    db, data_key, staff = Path(path), bytes.fromhex(key), int(staff_id)
    try:
        if mode == "serve":
            return serve(db, data_key, staff)
        if mode == "edit":
            return edit(db, data_key, staff, rest[0], int(rest[1]))
        if mode == "lock":
            return lock(db, data_key, exclusive=rest[:1] == ["exclusive"])
        if mode in ("loop", "burst"):
            from wuyedesk.store.office_file import open_office_file

            office = open_office_file(db, data_key)
            try:
                if mode == "loop":
                    return loop(office, _actor(staff), rest[0])
                return burst(office, _actor(staff), rest[0], int(rest[1]))
            finally:
                office.close()
    except Exception:
        emit("ERROR", traceback.format_exc().replace("\n", " | "))
        return 3
    emit("ERROR", f"unknown mode {mode}")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
