"""The office file as a whole: set up, unlock, passphrase, backup, restore, check."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, text

from wuyedesk.domain.errors import OfficeFileError, UserError
from wuyedesk.domain.roles import Role
from wuyedesk.services.context import Actor
from wuyedesk.services.permissions import require
from wuyedesk.services.staff import add_staff_in
from wuyedesk.store import audit, keys, remembered, schema
from wuyedesk.store.backup import integrity_ok, make_backup, restore_backup, verify_backup
from wuyedesk.store.models import Office
from wuyedesk.store.office_file import (
    OfficeFile,
    create_office_file,
    open_office_file,
    remove_office_files,
    unlock_key,
)


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
    path: Path,
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
        remove_office_files(Path(path))
        raise
    return office, recovery


def unlock(
    path: Path,
    *,
    passphrase: str | None = None,
    recovery: str | None = None,
    use_remembered: bool = False,
) -> OfficeFile:
    """Open the office file with the passphrase, the recovery key or the remembered key."""
    path = Path(path)
    data_key = None
    if use_remembered and path.exists():
        data_key = remembered.recall(keys.read_key_file(path).office_id)
    if data_key is None:
        data_key = unlock_key(path, passphrase=passphrase, recovery=recovery)
    return open_office_file(path, data_key)


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


def change_passphrase(path: Path, old: str, new: str) -> None:
    """Change the office passphrase by rewrapping the data key; the records are not rewritten."""
    keys.change_passphrase(Path(path), old, new)


def reset_passphrase(path: Path, recovery: str, new: str) -> None:
    """Set a new passphrase with the printed recovery key."""
    keys.reset_passphrase_with_recovery(Path(path), recovery, new)


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
            detail=f"原文件保存为 {kept.name}",
        )
    return reopened, kept


def check(office: OfficeFile) -> CheckReport:
    """Check integrity, schema version and the audit chain."""
    problems: list[str] = []
    with office.transaction() as session:
        rows = session.execute(text("PRAGMA integrity_check")).all()
        integrity = "ok" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:5])
        if integrity != "ok":
            problems.append(f"完整性检查未通过：{integrity}")
        fk = session.execute(text("PRAGMA foreign_key_check")).all()
        if fk:
            problems.append(f"有 {len(fk)} 条记录引用了不存在的记录")
        chain = audit.verify(session)
        if not chain.ok:
            problems.append(f"审计日志被改动：{chain.reason}")
        if session.scalar(select(func.count()).select_from(Office)) != 1:
            problems.append("办公室信息缺失")
    revision = schema.current_revision(office.engine) or ""
    head = schema.head_revision()
    if revision != head:
        problems.append(f"结构版本 {revision} 不是最新的 {head}")
    return CheckReport(integrity, revision, head, chain.lines, chain.reason, problems)


def verify_audit(office: OfficeFile, actor: Actor) -> audit.ChainReport:
    """Recompute the audit chain and report the first edited or missing line."""
    require(actor, "audit.verify")
    with office.transaction() as session:
        return audit.verify(session)


def check_backup_file(office: OfficeFile, source: Path) -> None:
    """Verify a backup before restoring it; raise with the reason when it is not usable."""
    problem = integrity_ok(Path(source), office.data_key)
    if problem:
        raise OfficeFileError(f"备份不可用：{problem}")
