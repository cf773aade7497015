"""A save that cannot happen leaves the office file as it was, with one clear Chinese line.

Each failure is real: a full disk (a small tmpfs in a private mount namespace, or
a file-size limit on the saving process), a read-only folder (a read-only bind
mount in a private mount namespace, or plain permissions for an unprivileged
process) and a lock held by another process.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import PASSPHRASE, make_office
from wuyedesk.domain.errors import OfficeFileError
from wuyedesk.services import office as office_service
from wuyedesk.services.context import Actor
from wuyedesk.services.places import add_building
from wuyedesk.store import engine
from wuyedesk.store.office_file import OfficeFile

# Full disk, read-only folder, a locked file: the office file's own failures.
pytestmark = pytest.mark.file_only

ROOT = Path(__file__).resolve().parents[2]
FULL = "磁盘已满或无法写入，本次未保存任何内容；请清理磁盘后重试"
BUSY = "办公文件正被另一个程序或另一台电脑使用，请稍后再试；本次未保存任何内容"
UNITS_BEFORE = 6  # building 1: one entrance, three floors, two units a floor

# Run in a child process: open the office file, try a save too big for the room
# left, then close, reopen and report what is there. argv: mode, office file,
# then for "tmpfs" the mount point and its size in bytes.
SAVER = r"""
import json, os, resource, shutil, signal, subprocess, sys
from pathlib import Path
from sqlalchemy import text
from wuyedesk.domain.errors import UserError
from wuyedesk.services import office as office_service
from wuyedesk.services.context import Actor
from wuyedesk.services.places import add_building
from wuyedesk.store import keys

mode, source, passphrase = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
path = source
if mode == "tmpfs":
    folder, size = Path(sys.argv[4]), sys.argv[5]
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    path = folder / source.name
    shutil.copy(source, path)
    shutil.copy(keys.key_path(source), keys.key_path(path))
office = office_service.unlock(path, passphrase=passphrase)
if mode == "rlimit":
    # A save goes first to the write-ahead log, empty after opening: let no file be
    # written past 32 KiB beyond what the log holds now, so it gets EFBIG, as on a
    # disk with that little room left. (The office file itself is larger already; a
    # limit above its size would let the whole save into the log and only stop the
    # later copy into the office file, which the program does not wait for.)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    wal = Path(f"{path}-wal")
    room = (wal.stat().st_size if wal.exists() else 0) + 32 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (room, resource.RLIM_INFINITY))
result = {}
try:
    # 80 flats: about 100 KiB of pages, more than the room left.
    add_building(office, Actor.command_line(), "2", entrances=1, floors=10, units_per_floor=8)
    result["saved"] = True
except UserError as exc:
    result["message"] = exc.message
office.close()
# The disk is still full: the office file opens all the same and is whole.
office = office_service.unlock(path, passphrase=passphrase)
report = office_service.check(office)
with office.transaction() as session:
    result["units"] = session.execute(text("SELECT count(*) FROM unit")).scalar_one()
office.close()
result["problems"] = report.problems
if mode == "tmpfs":  # bring the files out of the private mount for the test to see
    out = source.parent / "after"
    out.mkdir()
    for name in os.listdir(folder):
        shutil.copy(folder / name, out / name)
print(json.dumps(result))
"""

# Run in a child process: try to open the office file in a read-only folder.
# argv: mode ("mount" or "user"), the folder, the office file, a writable copy.
OPENER = r"""
import json, os, pwd, subprocess, sys
from pathlib import Path
from wuyedesk.domain.errors import UserError
from wuyedesk.services import office as office_service
from wuyedesk.store import schema

mode, folder, path, warm, passphrase = sys.argv[1:6]
# Load everything once while the interpreter's own files are still readable.
office_service.unlock(Path(warm), passphrase=passphrase).close()
schema.known_revisions()
if mode == "mount":
    subprocess.run(["mount", "--bind", folder, folder], check=True)
    subprocess.run(["mount", "-o", "remount,bind,ro", folder], check=True)
elif mode == "user" and os.getuid() == 0:
    nobody = pwd.getpwnam("nobody")
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)
result = {"writable": os.access(folder, os.W_OK)}
try:
    office_service.unlock(Path(path), passphrase=passphrase).close()
    result["opened"] = True
except UserError as exc:
    result["message"] = exc.message
print(json.dumps(result))
"""

# Run in a child process: hold the office file's write lock (with a write of its
# own pending) until told to let go on stdin. argv: office file, data key (hex).
HOLDER = r"""
import sys
import sqlcipher3

conn = sqlcipher3.dbapi2.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA cipher_log_level = NONE")
conn.execute(f"PRAGMA key = \"x'{sys.argv[2]}'\"")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("UPDATE office SET phone = 'held by another program'")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
conn.close()
print("released", flush=True)
"""

_NAMESPACES = (
    ["unshare", "--user", "--map-root-user", "--mount"],
    ["unshare", "--mount"],
)


def _namespace() -> list[str] | None:
    """Return a command prefix that runs a process in a private mount namespace, or None."""
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return None
    probe = tempfile.mkdtemp(prefix="wuyedesk-ns-")
    try:
        for prefix in _NAMESPACES:
            run = subprocess.run(
                [*prefix, "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe],
                capture_output=True,
                timeout=30,
                check=False,
            )
            if run.returncode == 0:
                return prefix
        return None
    finally:
        os.rmdir(probe)


NAMESPACE = _namespace()
needs_namespace = pytest.mark.skipif(
    NAMESPACE is None, reason="mount namespaces are not allowed here (the other variant runs)"
)
linux_only = pytest.mark.skipif(sys.platform != "linux", reason="Linux limits and namespaces")


def _child(code: str, *args: str, prefix: list[str] | None = None) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WUYEDESK_DB": ""}
    run = subprocess.run(
        [*(prefix or []), sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    result: dict[str, object] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def _seeded(path: Path) -> bytes:
    """Create a closed office file with one building; return its data key."""
    office, _ = make_office(path)
    add_building(office, Actor.command_line(), "1", entrances=1, floors=3, units_per_floor=2)
    data_key = office.data_key
    office.close()
    return data_key


def _as_it_was(path: Path) -> None:
    """Open the office file: whole, building 1 there, nothing of the failed save."""
    office = office_service.unlock(path, passphrase=PASSPHRASE)
    try:
        report = office_service.check(office)
        assert report.ok, report.problems
        with office.transaction() as session:
            units = session.execute(text("SELECT count(*) FROM unit")).scalar_one()
            labels = session.execute(text("SELECT label FROM building")).scalars().all()
        assert units == UNITS_BEFORE
        assert list(labels) == ["1"]
    finally:
        office.close()


# ---------------------------------------------------------------- full disk


@linux_only
@needs_namespace
def test_full_disk_on_a_small_filesystem(tmp_path: Path) -> None:
    path = tmp_path / "office.wuye"
    _seeded(path)
    small = tmp_path / "small"
    small.mkdir()
    # Room for the two files, the 32 KiB shared-memory index and about 32 KiB of log.
    size = path.stat().st_size + 4096 + 64 * 1024
    result = _child(SAVER, "tmpfs", str(path), PASSPHRASE, str(small), str(size), prefix=NAMESPACE)
    assert result.get("message") == FULL, result
    assert result["units"] == UNITS_BEFORE and result["problems"] == []
    # The files as they were left on the full disk open here too, just as they were.
    _as_it_was(tmp_path / "after" / "office.wuye")
    assert not list(small.iterdir())  # the small disk was private to the child


@linux_only
def test_full_disk_by_a_file_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "office.wuye"
    _seeded(path)
    result = _child(SAVER, "rlimit", str(path), PASSPHRASE)
    assert result.get("message") == FULL, result
    assert result["units"] == UNITS_BEFORE and result["problems"] == []
    _as_it_was(path)


# ---------------------------------------------------------- read-only folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@linux_only
@needs_namespace
def test_read_only_mount_refuses_to_open_and_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "office"
    path = folder / "office.wuye"
    _seeded(path)
    _seeded(tmp_path / "warm" / "office.wuye")
    before = _snapshot(folder)
    result = _child(
        OPENER,
        "mount",
        str(folder),
        str(path),
        str(tmp_path / "warm" / "office.wuye"),
        PASSPHRASE,
        prefix=NAMESPACE,
    )
    assert result["writable"] is False
    message = str(result.get("message"))
    assert "只读" in message and "文件未被改动" in message and "\n" not in message, result
    assert _snapshot(folder) == before
    _as_it_was(path)


@contextlib.contextmanager
def _shared_folder() -> Iterator[Path]:
    """Yield a folder an unprivileged user can reach (not below root's private tmp)."""
    folder = Path(tempfile.mkdtemp(prefix="wuyedesk-ro-"))
    try:
        for parent in folder.parents:
            if not parent.stat().st_mode & stat.S_IXOTH:
                pytest.skip(f"{parent} cannot be passed through by an unprivileged user")
        os.chmod(folder, 0o755)
        yield folder
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_folder_without_write_permission_refuses_to_open(tmp_path: Path) -> None:
    if os.getuid() == 0:
        import pwd

        try:
            pwd.getpwnam("nobody")
        except KeyError:
            pytest.skip("running as root and there is no user 'nobody' to drop to")
    with _shared_folder() as shared:
        folder = shared / "office"
        path = folder / "office.wuye"
        _seeded(path)
        for item in folder.iterdir():
            os.chmod(item, 0o444)
        os.chmod(folder, 0o555)  # as root the child drops to "nobody" for this to count
        before = _snapshot(folder)
        result = _child(
            OPENER,
            "user",
            str(folder),
            str(path),
            str(_warm_copy(tmp_path)),
            PASSPHRASE,
        )
        assert result["writable"] is False
        message = str(result.get("message"))
        assert "只读" in message and "文件未被改动" in message, result
        assert _snapshot(folder) == before
        os.chmod(folder, 0o755)
        for item in folder.iterdir():
            os.chmod(item, 0o644)
        _as_it_was(path)


def _warm_copy(tmp_path: Path) -> Path:
    path = tmp_path / "warm" / "office.wuye"
    _seeded(path)
    return path


# ------------------------------------------------------ locked by another


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> int:
    """Wait 300 ms, not the program's 5 s, for a lock (set on every new connection)."""
    pragmas = tuple(
        "PRAGMA busy_timeout = 300" if p.startswith("PRAGMA busy_timeout") else p
        for p in engine.CONNECTION_PRAGMAS
    )
    monkeypatch.setattr(engine, "CONNECTION_PRAGMAS", pragmas)
    return 300


def _phone(office: OfficeFile) -> str | None:
    with office.transaction() as session:
        value: str | None = session.execute(text("SELECT phone FROM office")).scalar_one()
        return value


def test_a_file_locked_by_another_program(tmp_path: Path, short_busy_timeout: int) -> None:
    path = tmp_path / "office.wuye"
    data_key = _seeded(path)
    office = office_service.unlock(path, passphrase=PASSPHRASE)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), data_key.hex()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(OfficeFileError) as caught:
            add_building(
                office, Actor.command_line(), "2", entrances=1, floors=2, units_per_floor=2
            )
        waited = time.monotonic() - started
        assert caught.value.message == BUSY
        assert waited >= short_busy_timeout / 1000 * 0.9
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
        assert holder.wait(timeout=30) == 0
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    # Nothing of either write got in; the same save now goes through.
    assert _phone(office) is None
    office.close()
    _as_it_was(path)
    office = office_service.unlock(path, passphrase=PASSPHRASE)
    try:
        add_building(office, Actor.command_line(), "2", entrances=1, floors=2, units_per_floor=2)
        with office.transaction() as session:
            assert session.execute(text("SELECT count(*) FROM unit")).scalar_one() == 10
    finally:
        office.close()
