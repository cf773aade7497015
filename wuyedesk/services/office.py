"""The office file as a whole: set up, unlock, passphrase, backup, restore, check."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

import sqlcipher3
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from wuyedesk.domain.errors import OfficeFileError, UserError
from wuyedesk.domain.roles import Role
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.permissions import require
from wuyedesk.services.staff import add_staff_in
from wuyedesk.store import attempts, audit, keys, remembered, schema
from wuyedesk.store.backup import (
    BackupReport,
    daily_backup_path,
    daily_folder,
    inspect_backup,
    make_backup,
    prune_daily,
    restore_backup,
    verify_backup,
    write_problem,
)
from wuyedesk.store.location import Location, ServerDb
from wuyedesk.store.models import Office
from wuyedesk.store.office_file import (
    OfficeFile,
    create_office_file,
    open_office_file,
    remove_office_files,
    unlock_key,
)

_T = TypeVar("_T")
# Who the audit log names for what the program does by itself.
_PROGRAM = Actor(None, tr("程序"), Role.director)
DAILY_BACKUP_DETAIL = tr("每日自动备份")


class DailyBackupFailed(UserError):
    """Today's automatic backup did not happen; the office file is still usable."""


@dataclass(frozen=True)
class OfficeInfo:
    """The office's name and estate, for title bars and printed slips."""

    name: str
    estate_name: str
    phone: str | None
    address: str | None


@dataclass
class CheckReport:
    """What `wuyedesk check` found."""

    integrity: str
    schema_revision: str
    schema_head: str
    audit_lines: int
    audit_problem: str | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether nothing is wrong."""
        return not self.problems


def init_office(
    path: Location,
    passphrase: str,
    *,
    office_name: str,
    estate_name: str,
    director_name: str,
    director_pin: str,
    passphrase_n: int = keys.PASSPHRASE_N,
) -> tuple[OfficeFile, str]:
    """Create an office file with its first director; return it and the recovery key."""
    office, recovery = create_office_file(
        path,
        passphrase,
        office_name=office_name,
        estate_name=estate_name,
        passphrase_n=passphrase_n,
    )
    try:
        with office.transaction() as session:
            setup = Actor.command_line()
            audit.append(
                session,
                staff_id=None,
                actor=setup.label,
                action="office.init",
                target=f"office:{office.office_uid}",
                detail=office_name,
            )
            add_staff_in(session, setup, director_name, Role.director.value, director_pin)
    except BaseException:
        office.close()
        remove_office_files(_location(path))
        raise
    return office, recovery


def unlock(
    path: Location,
    *,
    passphrase: str | None = None,
    recovery: str | None = None,
    use_remembered: bool = False,
    clock: Callable[[], float] = time.time,
) -> OfficeFile:
    """Open the office file with the passphrase, the recovery key or the remembered key.

    Wrong passphrases and recovery keys are counted beside the office file (see
    store/attempts): after three in a row, unlocking is refused for a growing
    while without even trying the secret. `clock` gives the time (tests).
    """
    path = _location(path)
    data_key = None
    if use_remembered and (isinstance(path, ServerDb) or path.exists()):
        data_key = remembered.recall(keys.read_key_file(path).office_id)
    if data_key is None:
        data_key = _limited(
            path, clock, lambda: unlock_key(path, passphrase=passphrase, recovery=recovery)
        )
    try:
        return open_office_file(path, data_key)
    except OfficeFileError:
        # SQLite reports a read-only folder as a file it cannot read: name the real cause.
        if not isinstance(path, ServerDb):
            _refuse_read_only(path)
        raise


def office_exists(path: Location) -> bool:
    """Tell whether an office is already kept there (a file, or a server database's tables)."""
    if not isinstance(path, ServerDb):
        return Path(path).exists()
    from sqlalchemy import inspect

    from wuyedesk.store.engine import make_server_engine

    engine = make_server_engine(path.sqlalchemy_url)
    try:
        return "office" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _location(path: Location | str) -> Location:
    return path if isinstance(path, ServerDb) else Path(path)


def _limited(path: Location, clock: Callable[[], float], attempt: Callable[[], _T]) -> _T:
    """Run one try of a secret under the rate limit; count a wrong one, clear on success."""
    attempts.check_allowed(path, clock=clock)
    try:
        result = attempt()
    except keys.WrongPassphrase:
        attempts.record_failure(path, clock=clock)
        raise
    attempts.record_success(path)
    return result


def _refuse_read_only(path: Path) -> None:
    """Say plainly that a read-only file or folder cannot hold an office file in use."""
    if not path.exists():
        return
    if not os.access(path, os.R_OK):
        raise OfficeFileError(tr("没有权限读取办公文件 {path}；文件未被改动").format(path=path))
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise OfficeFileError(
            tr(
                "办公文件所在的文件夹 {0} 是只读的（或没有写入权限），无法打开；"
                "文件未被改动，请把办公文件和密钥文件复制到可写的文件夹"
            ).format(path.parent)
        )


def remember_on_this_pc(office: OfficeFile) -> None:
    """Keep the data key in the OS keyring; say clearly when this PC has none."""
    usable, reason = remembered.availability()
    if not usable:
        raise UserError(reason)
    remembered.remember(office.office_uid, office.data_key)


def office_info(office: OfficeFile) -> OfficeInfo:
    """Return the office's name and estate."""
    with office.transaction() as session:
        row = session.scalars(select(Office)).one()
        return OfficeInfo(row.name, row.estate_name, row.phone, row.address)


def change_passphrase(
    path: Location, old: str, new: str, *, clock: Callable[[], float] = time.time
) -> None:
    """Change the office passphrase by rewrapping the data key; the records are not rewritten.

    A wrong old passphrase counts as a failed unlock (same rate limit as unlock).
    """
    place = _location(path)
    _limited(place, clock, lambda: keys.change_passphrase(place, old, new))


def reset_passphrase(
    path: Location, recovery: str, new: str, *, clock: Callable[[], float] = time.time
) -> None:
    """Set a new passphrase with the printed recovery key (rate-limited like unlock)."""
    place = _location(path)
    _limited(place, clock, lambda: keys.reset_passphrase_with_recovery(place, recovery, new))


def backup(office: OfficeFile, actor: Actor, target: Path) -> None:
    """Write a verified encrypted copy of the office file (with its key file)."""
    require(actor, "office.backup")
    make_backup(office.path, office.data_key, Path(target))
    with office.transaction() as session:
        audit.append(
            session,
            staff_id=actor.staff_id,
            actor=actor.label,
            action="office.backup",
            target=str(target),
        )


def restore(office: OfficeFile, actor: Actor, source: Path) -> tuple[OfficeFile, Path]:
    """Replace the office file by a checked backup; return the reopened file and the old copy."""
    require(actor, "office.restore")
    path, data_key = office.path, office.data_key
    verify_backup(path, data_key, Path(source))  # refused before anything is closed
    office.close()
    try:
        kept = restore_backup(path, data_key, Path(source))
    finally:
        reopened = open_office_file(path, data_key)
    with reopened.transaction() as session:
        audit.append(
            session,
            staff_id=actor.staff_id,
            actor=actor.label,
            action="office.restore",
            target=str(source),
            detail=tr("原文件保存为 {0}").format(kept.name),
        )
    return reopened, kept


def check(office: OfficeFile) -> CheckReport:
    """Check integrity, schema version and the audit chain."""
    problems: list[str] = []
    with office.transaction() as session:
        if office.is_server:
            # The server keeps its own pages and foreign keys; reading every sealed value
            # back proves the key opens them all.
            integrity = "ok" if _sealed_values_open(session, problems) else "sealed"
        else:
            rows = session.execute(text("PRAGMA integrity_check")).all()
            integrity = "ok" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:5])
            if integrity != "ok":
                problems.append(tr("完整性检查未通过：{integrity}").format(integrity=integrity))
            fk = session.execute(text("PRAGMA foreign_key_check")).all()
            if fk:
                problems.append(tr("有 {0} 条记录引用了不存在的记录").format(len(fk)))
        chain = audit.verify(session)
        if not chain.ok:
            problems.append(tr("审计日志被改动：{0}").format(chain.reason))
        if session.scalar(select(func.count()).select_from(Office)) != 1:
            problems.append(tr("办公室信息缺失"))
    revision = schema.current_revision(office.engine) or ""
    head = schema.head_revision()
    if revision != head:
        problems.append(
            tr("结构版本 {revision} 不是最新的 {head}").format(revision=revision, head=head)
        )
    return CheckReport(integrity, revision, head, chain.lines, chain.reason, problems)


def _sealed_values_open(session: Session, problems: list[str]) -> bool:
    """Read every sealed column of a server database; name the first that does not open."""
    from wuyedesk.store.models import Contact, HelpRequest, RepairOrder, Resident, Staff

    columns = (
        Resident.phone,
        Resident.landline,
        Resident.id_number,
        Resident.emergency_phone,
        Staff.phone,
        Contact.phone,
        HelpRequest.phone,
        RepairOrder.phone,
    )
    for column in columns:
        try:
            for _value in session.execute(select(column)).scalars():
                pass
        except OfficeFileError as exc:
            problems.append(str(exc))
            return False
    return True


def verify_audit(office: OfficeFile, actor: Actor) -> audit.ChainReport:
    """Recompute the audit chain and report the first edited or missing line."""
    require(actor, "audit.verify")
    with office.transaction() as session:
        return audit.verify(session)


def check_backup_file(office: OfficeFile, source: Path) -> BackupReport:
    """Check a backup before it is restored: integrity, same office, schema, audit chain.

    Nothing is raised for a bad backup: the report lists the problems (`ok` is
    False); `restore` refuses such a backup with the first of them.
    """
    return inspect_backup(office.path, office.data_key, Path(source))


def daily_backup(
    office: OfficeFile, *, today: date | None = None, folder: Path | None = None
) -> Path | None:
    """Make today's automatic backup on the first start of the day; return it, or None.

    The backup goes to `folder`, by default `<office file>.backups` beside the
    office file, named by the day (`office.wuye.backups/office-2026-03-05.wuye`,
    with its key file); it is encrypted with the same key and verified like any
    backup. Afterwards only the 7 newest daily backups and the first backup of
    each of the 12 newest months are kept (store/backup.prune_daily). A second
    start on the same day does nothing and returns None. The audit log gets a
    line `office.backup`, "每日自动备份".

    A failure raises DailyBackupFailed with one Chinese line to show as a
    warning: the office file is open and usable all the same, and no older
    backup has been removed.
    """
    day = today or date.today()
    folder = Path(folder) if folder is not None else daily_folder(office.path)
    target = daily_backup_path(folder, office.path, day)
    if target.is_file() and keys.key_path(target).is_file():
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        make_backup(office.path, office.data_key, target)
    except (UserError, OSError, sqlcipher3.dbapi2.Error, SQLAlchemyError) as exc:
        raise DailyBackupFailed(
            tr(
                "今天的自动备份没有完成：{0}；办公文件可以照常使用，请检查备份文件夹 {folder}"
            ).format(_reason(exc), folder=folder)
        ) from None
    prune_daily(folder, office.path)
    try:
        with office.transaction() as session:
            audit.append(
                session,
                staff_id=None,
                actor=_PROGRAM.label,
                action="office.backup",
                target=str(target),
                detail=DAILY_BACKUP_DETAIL,
            )
    except (UserError, SQLAlchemyError) as exc:
        raise DailyBackupFailed(
            tr("今天的自动备份已保存到 {target}，但未能记入审计日志：{0}").format(
                _reason(exc), target=target
            )
        ) from None
    return target


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UserError):
        return exc.message
    return write_problem(exc)
