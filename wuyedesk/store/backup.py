"""Encrypted backups made with the SQLite backup API, checked before they are trusted."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import sqlcipher3

from wuyedesk.domain.errors import OfficeFileError
from wuyedesk.store import keys
from wuyedesk.store.engine import _raw_connect


def _keyed(path: Path, data_key: bytes) -> sqlcipher3.dbapi2.Connection:
    conn = sqlcipher3.dbapi2.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
    return conn


def integrity_ok(path: Path, data_key: bytes) -> str | None:
    """Return None if the file decrypts and passes integrity_check, else a Chinese reason."""
    if not path.exists():
        return f"找不到文件 {path}"
    conn = _keyed(path, data_key)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlcipher3.dbapi2.DatabaseError:
        return "无法用本办公室的密钥解密（可能是其他办公室的备份或文件已损坏）"
    finally:
        conn.close()
    if result != [("ok",)]:
        return "完整性检查未通过：" + "; ".join(str(r[0]) for r in result[:3])
    return None


def office_uid_of(path: Path, data_key: bytes) -> str | None:
    """Return the office identity stored inside a database file, or None."""
    conn = _keyed(path, data_key)
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
        raise OfficeFileError("备份文件不能与办公文件相同")
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
            raise OfficeFileError(f"备份校验失败：{problem}")
        _fsync(tmp)
        os.replace(tmp, target)
        shutil.copyfile(keys.key_path(Path(db_path)), keys.key_path(target))
    except (OSError, sqlcipher3.dbapi2.OperationalError) as exc:
        tmp.unlink(missing_ok=True)
        reason = getattr(exc, "strerror", None) or "文件夹不存在或没有写入权限"
        raise OfficeFileError(f"无法写入备份 {target}：{reason}") from None


def verify_backup(db_path: Path, data_key: bytes, backup: Path) -> None:
    """Refuse a backup that is damaged or belongs to another office, saying why."""
    backup = Path(backup)
    problem = integrity_ok(backup, data_key)
    if problem:
        raise OfficeFileError(f"不能恢复此备份：{problem}；办公文件未被改动")
    ours = office_uid_of(Path(db_path), data_key)
    theirs = office_uid_of(backup, data_key)
    if theirs is None or (ours is not None and ours != theirs):
        raise OfficeFileError("此备份属于另一个办公室，不能恢复到本办公文件；办公文件未被改动")


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
        raise OfficeFileError(f"恢复失败：{exc.strerror or exc}；办公文件未被改动") from None
    return kept


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())
