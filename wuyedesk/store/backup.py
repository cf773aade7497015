"""Encrypted backups made with the SQLite backup API, checked before they are trusted.

Besides backups made on demand, the program keeps daily ones by itself: on the
first start of a day a copy goes into the folder `<office file>.backups` beside
the office file (`office.wuye` → `office.wuye.backups/office-2026-03-05.wuye`,
each with its key file). The 7 newest are kept, and the first backup of each of
the 12 newest months; a monthly one is never removed by the daily rule. Other
files in that folder are left alone.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlcipher3
from sqlalchemy import create_engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from wuyedesk.domain.errors import OfficeFileError
from wuyedesk.i18n import tr
from wuyedesk.store import audit, keys, schema
from wuyedesk.store.engine import _raw_connect

KEEP_DAILY = 7
KEEP_MONTHLY = 12


def _keyed(path: Path, data_key: bytes, *, readonly: bool = False) -> Any:
    if readonly:
        conn = sqlcipher3.dbapi2.connect(
            _read_only_uri(Path(path)),
            uri=True,
            isolation_level=None,
            check_same_thread=False,
        )
    else:
        conn = sqlcipher3.dbapi2.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
    return conn


def _read_only_uri(path: Path) -> str:
    # An empty authority, then the path: /home/x, /C:/x, and //server/share/x (Windows
    # network folders, which Path.as_uri would turn into an authority SQLite refuses).
    posix = path.absolute().as_posix()
    lead = "" if posix.startswith("/") else "/"
    return f"file://{lead}{quote(posix, safe='/:')}?mode=ro"


# integrity_ok's reason when the first page does not decrypt (compared, not parsed).
UNDECRYPTABLE = tr("无法用本办公室的密钥解密（可能是其他办公室的备份，或文件开头已损坏）")


def integrity_ok(path: Path, data_key: bytes) -> str | None:
    """Return None if the file decrypts and passes integrity_check, else a Chinese reason."""
    path = Path(path)
    if not path.is_file():
        return tr("找不到文件 {path}").format(path=path)
    try:
        conn = _keyed(path, data_key, readonly=True)
    except sqlcipher3.dbapi2.Error:
        return tr("无法读取文件 {path}（没有权限或文件已被移走）").format(path=path)
    try:
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            result = conn.execute("PRAGMA integrity_check").fetchall()
        except sqlcipher3.dbapi2.DatabaseError as exc:
            if "not a database" in str(exc):  # the first page does not decrypt
                return UNDECRYPTABLE
            return tr("文件已损坏（部分内容无法解密，可能复制不完整或被改动过）")
    finally:
        conn.close()
    if result != [("ok",)]:
        return tr("完整性检查未通过：") + "; ".join(str(r[0]) for r in result[:3])
    return None


def office_uid_of(path: Path, data_key: bytes, *, readonly: bool = False) -> str | None:
    """Return the office identity stored inside a database file, or None."""
    try:
        conn = _keyed(path, data_key, readonly=readonly)
    except sqlcipher3.dbapi2.Error:
        return None
    try:
        row = conn.execute("SELECT office_uid FROM office LIMIT 1").fetchone()
    except sqlcipher3.dbapi2.DatabaseError:
        return None
    finally:
        conn.close()
    return row[0] if row else None


def make_backup(db_path: Path, data_key: bytes, target: Path) -> None:
    """Copy the open office file to `target` (encrypted, with its key file) and verify it."""
    target = Path(target)
    if target.resolve() == Path(db_path).resolve():
        raise OfficeFileError(tr("备份文件不能与办公文件相同"))
    tmp = target.with_name(target.name + ".part")
    for leftover in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        leftover.unlink(missing_ok=True)
    try:
        source = _raw_connect(Path(db_path), data_key)
        dest = _keyed(tmp, data_key)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
            source.close()
        problem = integrity_ok(tmp, data_key)
        if problem:
            raise OfficeFileError(tr("备份校验失败：{problem}").format(problem=problem))
        _fsync(tmp)
        os.replace(tmp, target)
        shutil.copyfile(keys.key_path(Path(db_path)), keys.key_path(target))
    except (OSError, sqlcipher3.dbapi2.OperationalError) as exc:
        tmp.unlink(missing_ok=True)
        raise OfficeFileError(
            tr("无法写入备份 {target}：{0}").format(write_problem(exc), target=target)
        ) from None


@dataclass
class BackupReport:
    """What checking a backup file found, before it is trusted for a restore."""

    path: Path
    integrity: str
    same_office: bool = False
    schema_revision: str | None = None
    audit_lines: int = 0
    audit_problem: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether the backup can be restored."""
        return not self.problems


def inspect_backup(db_path: Path, data_key: bytes, backup: Path) -> BackupReport:
    """Check a backup: it decrypts, is intact, is this office's, has a known schema and chain."""
    backup = Path(backup)
    problem = integrity_ok(backup, data_key)
    if problem:
        problem = _explain_undecryptable(db_path, backup, problem)
        return BackupReport(backup, problem, problems=[problem])
    report = BackupReport(backup, "ok")
    ours = office_uid_of(Path(db_path), data_key)
    theirs = office_uid_of(backup, data_key, readonly=True)
    if theirs is None:
        report.problems.append(tr("备份中没有办公室信息，不是 wuyedesk 办公文件的备份"))
        return report
    report.same_office = ours is None or ours == theirs
    if not report.same_office:
        report.problems.append(tr("此备份属于另一个办公室"))
        return report
    engine = create_engine(
        "sqlite://",
        module=sqlcipher3.dbapi2,
        creator=lambda: _keyed(backup, data_key, readonly=True),
        poolclass=NullPool,
    )
    try:
        report.schema_revision = schema.current_revision(engine)
        if report.schema_revision is None:
            report.problems.append(tr("备份中没有结构版本，不是 wuyedesk 办公文件的备份"))
        elif report.schema_revision not in schema.known_revisions():
            report.problems.append(
                tr("此备份由更新版本的 wuyedesk 创建（结构版本 {0}），请先升级本程序").format(
                    report.schema_revision
                )
            )
        else:
            with Session(engine) as session:
                chain = audit.verify(session)
            report.audit_lines, report.audit_problem = chain.lines, chain.reason
            if not chain.ok:
                report.problems.append(tr("备份的审计日志被改动：{0}").format(chain.reason))
    except (sqlcipher3.dbapi2.Error, DBAPIError):
        report.problems.append(tr("无法读取备份的内容，文件可能已损坏"))
    finally:
        engine.dispose()
    return report


def _explain_undecryptable(db_path: Path, backup: Path, problem: str) -> str:
    """Name another office when the backup's own key file says so; else keep the reason."""
    if problem != UNDECRYPTABLE:
        return problem
    try:
        ours = keys.read_key_file(Path(db_path)).office_id
        theirs = keys.read_key_file(backup).office_id
    except OfficeFileError:
        return problem
    if ours != theirs:
        return tr("此备份属于另一个办公室（备份旁的密钥文件属于别的办公室）")
    return tr("文件已损坏（开头部分无法解密）")


def write_problem(exc: BaseException) -> str:
    """Say in Chinese why a file could not be written."""
    text = str(exc).lower()
    number = getattr(exc, "errno", None)
    if number in (errno.ENOSPC, errno.EFBIG) or "disk is full" in text:
        return tr("磁盘已满")
    if number == errno.EROFS or "readonly" in text or "read-only" in text:
        return tr("文件夹是只读的")
    if number in (errno.EACCES, errno.EPERM):
        return tr("没有写入权限")
    if number == errno.ENOENT or "unable to open" in text:
        return tr("文件夹不存在或没有写入权限")
    if number in (errno.EEXIST, errno.EISDIR, errno.ENOTDIR):
        return tr("那里已有同名的文件或文件夹")
    if isinstance(number, int):
        return tr("无法写入（系统错误 {0}）").format(errno.errorcode.get(number, number))
    return tr("无法写入")


def verify_backup(db_path: Path, data_key: bytes, backup: Path) -> None:
    """Refuse a backup that is damaged, another office's, too new or tampered with, saying why."""
    report = inspect_backup(db_path, data_key, backup)
    if not report.ok:
        raise OfficeFileError(
            tr("不能恢复此备份：{0}；办公文件未被改动").format(report.problems[0])
        )


def restore_backup(db_path: Path, data_key: bytes, backup: Path) -> Path:
    """Replace the office file with a verified backup of the same office; keep the old copy."""
    backup = Path(backup)
    verify_backup(db_path, data_key, backup)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
    tmp = db_path.with_name(db_path.name + ".restore.part")
    try:
        if db_path.exists():
            make_backup(db_path, data_key, kept)
        shutil.copyfile(backup, tmp)
        _fsync(tmp)
        for side in ("-wal", "-shm"):
            Path(str(db_path) + side).unlink(missing_ok=True)
        os.replace(tmp, db_path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OfficeFileError(
            tr("恢复失败：{0}；办公文件未被改动").format(exc.strerror or exc)
        ) from None
    return kept


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def daily_folder(db_path: Path) -> Path:
    """Return the folder of the daily backups: `<office file>.backups` beside the office file."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".backups")


def daily_backup_path(folder: Path, db_path: Path, day: date) -> Path:
    """Return the daily backup's file for this day: `office-2026-03-05.wuye`."""
    db_path = Path(db_path)
    return Path(folder) / f"{db_path.stem}-{day.isoformat()}{db_path.suffix}"


def daily_backups(folder: Path, db_path: Path) -> dict[date, Path]:
    """Return the daily backups found in the folder, by day, oldest first."""
    db_path = Path(db_path)
    pattern = re.compile(
        re.escape(db_path.stem) + r"-(\d{4}-\d{2}-\d{2})" + re.escape(db_path.suffix) + "$"
    )
    found: dict[date, Path] = {}
    if not Path(folder).is_dir():
        return found
    for entry in Path(folder).iterdir():
        match = pattern.fullmatch(entry.name)
        if not match or not entry.is_file():
            continue
        try:
            found[date.fromisoformat(match.group(1))] = entry
        except ValueError:
            continue
    return dict(sorted(found.items()))


def days_to_keep(
    days: list[date] | set[date],
    *,
    keep_daily: int = KEEP_DAILY,
    keep_monthly: int = KEEP_MONTHLY,
) -> set[date]:
    """Return the days whose backups stay: the newest daily ones and each month's first."""
    ordered = sorted(set(days))
    keep = set(ordered[-keep_daily:]) if keep_daily > 0 else set()
    firsts: dict[tuple[int, int], date] = {}
    for day in ordered:
        firsts.setdefault((day.year, day.month), day)
    if keep_monthly > 0:
        keep |= set(sorted(firsts.values())[-keep_monthly:])
    return keep


def prune_daily(
    folder: Path,
    db_path: Path,
    *,
    keep_daily: int = KEEP_DAILY,
    keep_monthly: int = KEEP_MONTHLY,
) -> list[Path]:
    """Delete daily backups (and their key files) no rule keeps; return the deleted ones.

    A file that cannot be deleted now stays; the next day's pruning tries again.
    """
    found = daily_backups(folder, db_path)
    keep = days_to_keep(list(found), keep_daily=keep_daily, keep_monthly=keep_monthly)
    removed: list[Path] = []
    for day, path in found.items():
        if day in keep:
            continue
        try:
            path.unlink(missing_ok=True)
            keys.key_path(path).unlink(missing_ok=True)
        except OSError:
            continue
        removed.append(path)
    return removed
