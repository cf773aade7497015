"""Staff accounts and the name + PIN login on the shared PC."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wuyedesk.domain.errors import PermissionDenied, UserError, ValidationError
from wuyedesk.domain.kinds import Department, labels
from wuyedesk.domain.roles import ROLE_LABELS, Role
from wuyedesk.domain.validators import check_name, check_phone
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.permissions import require
from wuyedesk.store import audit
from wuyedesk.store.models import Staff, utcnow
from wuyedesk.store.office_file import OfficeFile

PIN_PATTERN = re.compile(r"^[0-9]{4,8}$")
MAX_FAILED_PINS = 3
LOCK_MINUTES = 5
MANUAL_LOCK = tr("手动锁定")  # the audit detail of 文件 → 锁定
MANUAL_CLOSE = tr("手动关闭办公文件")  # the audit detail of the login's 锁定办公文件 button
DESK_LABEL = tr("工作台（系统）")  # who closes the file when nobody is logged in
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


@dataclass(frozen=True)
class StaffInfo:
    """A member of staff as the login list shows them."""

    id: int
    name: str
    role: Role
    role_label: str
    department: str | None
    active: bool


def hash_pin(pin: str) -> str:
    """Return a salted scrypt hash of a PIN, with its parameters."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """Check a PIN against its stored hash in constant time."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    got = hashlib.scrypt(
        pin.encode(), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(got.hex(), digest)


def typed_pin(pin: str) -> str:
    """Return a PIN as ASCII digits: one typed in full-width mode (１２３４) is the same PIN."""
    return unicodedata.normalize("NFKC", pin).strip()


def check_pin(pin: str) -> str:
    """Refuse a PIN that is not 4 to 8 digits (0-9; other scripts' digits are not PIN digits)."""
    pin = typed_pin(pin)
    if not PIN_PATTERN.match(pin):
        raise ValidationError("pin", tr("PIN 应为 4 到 8 位数字"))
    if len(set(pin)) == 1:
        raise ValidationError("pin", tr("PIN 不能全部是相同的数字"))
    return pin


def check_department(text: str | None) -> str | None:
    """Return a department's code from its code or its label (empty: no department)."""
    value = (text or "").strip()
    if not value:
        return None
    for code, label in labels(Department).items():
        if value in (code, label):
            return code
    raise ValidationError(
        "department",
        tr("没有「{department}」这个部门，可选：{choices}").format(
            department=value, choices=tr("、").join(labels(Department).values())
        ),
    )


def _info(staff: Staff) -> StaffInfo:
    role = Role(staff.role)
    return StaffInfo(staff.id, staff.name, role, ROLE_LABELS[role], staff.department, staff.active)


def add_staff_in(
    session: Session,
    actor: Actor,
    name: str,
    role: str,
    pin: str,
    department: str | None = None,
    *,
    phone: str | None = None,
) -> Staff:
    """Add a member of staff inside an open transaction (also used by set-up and demo)."""
    name = check_name(name)
    try:
        role_value = Role(role)
    except ValueError:
        raise ValidationError("role", tr("没有「{role}」这个岗位").format(role=role)) from None
    pin = check_pin(pin)
    department = check_department(department)
    number = check_phone(phone) if phone and phone.strip() else None
    if session.scalar(select(Staff.id).where(Staff.name == name)) is not None:
        raise ValidationError(
            "name", tr("已有名为「{name}」的员工，请加以区分，如「张伟（工程）」").format(name=name)
        )
    staff = Staff(
        name=name,
        role=role_value.value,
        department=department,
        phone=number,
        pin_hash=hash_pin(pin),
    )
    session.add(staff)
    session.flush()
    audit.append(
        session,
        staff_id=actor.staff_id,
        actor=actor.label,
        action="staff.add",
        target=f"staff:{staff.id}",
        detail=f"{name} {ROLE_LABELS[role_value]}",
    )
    return staff


ONLY_DIRECTOR = tr("只有管理处主任可以办理主任的账号（新增、改岗、重设 PIN、离职）")


def guard_director(actor: Actor, *roles: str) -> None:
    """Refuse a non-director's change that gives or touches a director's account.

    A supervisor manages staff, but resetting a director's PIN (or making someone director)
    would let them act with the director's rights.
    """
    if actor.role is not Role.director and Role.director.value in roles:
        raise PermissionDenied(ONLY_DIRECTOR)


def add_staff(
    office: OfficeFile,
    actor: Actor,
    name: str,
    role: str,
    pin: str,
    department: str | None = None,
    *,
    phone: str | None = None,
) -> StaffInfo:
    """Add a member of staff who can then log in with name and PIN."""
    require(actor, "staff.manage")
    guard_director(actor, role)
    with office.transaction() as session:
        return _info(add_staff_in(session, actor, name, role, pin, department, phone=phone))


def list_staff(office: OfficeFile, *, active_only: bool = True) -> list[StaffInfo]:
    """Return the staff for the login list, by role then name."""
    with office.transaction() as session:
        query = select(Staff).order_by(Staff.role, Staff.name)
        if active_only:
            query = query.where(Staff.active.is_(True))
        return [_info(s) for s in session.scalars(query)]


def login(office: OfficeFile, staff_id: int, pin: str) -> Actor:
    """Check a PIN and return the logged-in actor; three misses lock the account a while."""
    return _pin_checked(office, staff_id, pin, "login", None)


def verify_signer(
    office: OfficeFile,
    staff_id: int,
    pin: str,
    *,
    desk: Actor | None = None,
    roles: frozenset[Role] | None = None,
) -> Actor:
    """Let a colleague sign as themselves on the shared PC without logging the desk out.

    The PIN is checked like a login (three misses lock that person, not the desk);
    the audit log records whose desk they signed at. `roles` limits who may sign.
    """
    if roles is not None:
        with office.transaction() as session:
            staff = session.get(Staff, staff_id)
            if staff is not None and Role(staff.role) not in roles:
                wanted = tr("、").join(ROLE_LABELS[r] for r in sorted(roles))
                raise UserError(
                    tr("{0}（{1}）不能在此签名，须由{wanted}签名").format(
                        staff.name, ROLE_LABELS[Role(staff.role)], wanted=wanted
                    )
                )
    return _pin_checked(office, staff_id, pin, "sign", desk)


def _pin_checked(
    office: OfficeFile, staff_id: int, pin: str, action: str, desk: Actor | None
) -> Actor:
    refusal: str | None = None
    with office.transaction() as session:
        staff = session.get(Staff, staff_id)
        if staff is None or not staff.active:
            raise UserError(tr("找不到该员工账号"))
        now = utcnow()
        if staff.locked_until is not None and staff.locked_until > now:
            minutes = int((staff.locked_until - now).total_seconds() // 60) + 1
            raise UserError(
                tr(
                    "PIN 连续输错 {MAX_FAILED_PINS} 次，{0}的账号已锁定，请 {minutes} 分钟后再试"
                ).format(staff.name, MAX_FAILED_PINS=MAX_FAILED_PINS, minutes=minutes)
            )
        outcome = action
        if pin_matches(typed_pin(pin), staff.pin_hash):
            staff.failed_pins = 0
            staff.locked_until = None
        else:
            # The failed count must survive the refusal, so it is committed first.
            staff.failed_pins += 1
            left = MAX_FAILED_PINS - staff.failed_pins
            outcome = f"{action}.failed"
            refusal = tr("PIN 不正确，还可再试 {left} 次").format(left=left)
            if left <= 0:
                staff.failed_pins = 0
                staff.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                outcome = f"{action}.locked"
                refusal = tr("PIN 不正确，{0}的账号已锁定 {LOCK_MINUTES} 分钟").format(
                    staff.name, LOCK_MINUTES=LOCK_MINUTES
                )
        detail = tr("在{0}的工作台上").format(desk.label) if desk is not None else ""
        audit.append(
            session,
            staff_id=staff.id,
            actor=staff.name,
            action=outcome,
            target=f"staff:{staff.id}",
            detail=detail,
        )
        actor = Actor(staff.id, staff.name, Role(staff.role))
    if refusal is not None:
        raise UserError(refusal)
    return actor


# -- the desk's lock, unlock and file close, for the audit log ----------------------------------
def _whole(minutes: float) -> str:
    return f"{minutes:g}"


def idle_lock_reason(minutes: float) -> str:
    """Return the audit detail of an idle lock, e.g. '闲置 5 分钟自动锁定'."""
    return tr("闲置 {0} 分钟自动锁定").format(_whole(minutes))


def idle_close_reason(minutes: float) -> str:
    """Return the audit detail of the file closed when idle, e.g. '闲置 30 分钟自动关闭办公文件'."""
    return tr("闲置 {0} 分钟自动关闭办公文件").format(_whole(minutes))


def _staff_target(actor: Actor | None) -> str:
    return f"staff:{actor.staff_id}" if actor is not None and actor.staff_id is not None else ""


def record_lock(office: OfficeFile, actor: Actor, reason: str) -> None:
    """Write that this person's desk was locked (idle or by hand) to the audit log."""
    with office.transaction() as session:
        audit.append(
            session,
            staff_id=actor.staff_id,
            actor=actor.label,
            action="lock",
            target=_staff_target(actor),
            detail=reason,
        )


def record_unlock(
    office: OfficeFile, actor: Actor, locked_by: Actor | None = None, reason: str = ""
) -> None:
    """Write that this person logged in on a locked desk (after the 'login' line)."""
    detail = tr("解除锁定")
    if locked_by is not None:
        why = tr("，{reason}").format(reason=reason) if reason else ""
        detail += tr("（{0}的工作台{why}）").format(locked_by.label, why=why)
    with office.transaction() as session:
        audit.append(
            session,
            staff_id=actor.staff_id,
            actor=actor.label,
            action="unlock",
            target=_staff_target(actor),
            detail=detail,
        )


def record_office_close(office: OfficeFile, actor: Actor | None, reason: str) -> None:
    """Write that the office file is being closed (the data key leaves memory); call it first."""
    with office.transaction() as session:
        audit.append(
            session,
            staff_id=actor.staff_id if actor is not None else None,
            actor=actor.label if actor is not None else DESK_LABEL,
            action="office.close",
            target=_staff_target(actor),
            detail=reason,
        )


def record_copy(office: OfficeFile, actor: Actor, resident_id: int, what: str) -> None:
    """Write that a revealed number of a resident was copied to the clipboard."""
    require(actor, "residents.reveal")
    with office.transaction() as session:
        audit.append(
            session,
            staff_id=actor.staff_id,
            actor=actor.label,
            action="resident.copy",
            target=f"resident:{resident_id}",
            detail=tr("复制{what}").format(what=what),
        )
