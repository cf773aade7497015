"""员工管理: change a member of staff's job, reset a PIN, mark someone as left or back.

Staff who leave are deactivated, never deleted: their name stays on the records they signed.
Every change is one transaction with one audit line; a PIN or a full phone never reaches it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wuyedesk.domain.errors import NotFound, UserError, ValidationError
from wuyedesk.domain.kinds import Department, labels
from wuyedesk.domain.roles import ROLE_LABELS, Role
from wuyedesk.domain.validators import check_phone, mask_phone
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.permissions import require
from wuyedesk.services.staff import check_department, check_pin, guard_director, hash_pin
from wuyedesk.store import audit
from wuyedesk.store.models import Staff, utcnow
from wuyedesk.store.office_file import OfficeFile

LAST_DIRECTOR = tr("办公室须至少保留一位在职的管理处主任，请先新增或恢复另一位主任")


@dataclass(frozen=True)
class StaffAdminView:
    """A member of staff as 员工管理 lists them: phone masked, PIN never shown."""

    id: int
    name: str
    role: Role
    role_label: str
    department: str | None
    department_label: str
    phone: str  # masked, "" when none
    active: bool
    locked_until: datetime | None  # only while the lock lasts


def department_label(code: str | None) -> str:
    """Return a department's label ("" for none; an unknown code as it is)."""
    if not code:
        return ""
    return labels(Department).get(code, code)


def _view(staff: Staff, now: datetime) -> StaffAdminView:
    role = Role(staff.role)
    locked = staff.locked_until if staff.locked_until and staff.locked_until > now else None
    return StaffAdminView(
        id=staff.id,
        name=staff.name,
        role=role,
        role_label=ROLE_LABELS[role],
        department=staff.department,
        department_label=department_label(staff.department),
        phone=mask_phone(staff.phone) if staff.phone else "",
        active=staff.active,
        locked_until=locked,
    )


def _staff(session: Session, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound(tr("找不到该员工账号"))
    return staff


def _other_directors(session: Session, staff: Staff) -> int:
    """Count the active directors besides this one."""
    query = select(func.count(Staff.id)).where(
        Staff.active.is_(True), Staff.role == Role.director.value, Staff.id != staff.id
    )
    return session.scalar(query) or 0


def _log(session: Session, actor: Actor, action: str, staff: Staff, detail: str) -> None:
    audit.append(
        session,
        staff_id=actor.staff_id,
        actor=actor.label,
        action=action,
        target=f"staff:{staff.id}",
        detail=detail,
    )


def list_staff_admin(office: OfficeFile, actor: Actor) -> list[StaffAdminView]:
    """Return every member of staff, those who left included (last), by role then name."""
    require(actor, "staff.manage")
    now = utcnow()
    with office.transaction() as session:
        rows = session.scalars(select(Staff).order_by(Staff.active.desc(), Staff.role, Staff.name))
        return [_view(s, now) for s in rows]


def update_staff(
    office: OfficeFile,
    actor: Actor,
    staff_id: int,
    *,
    role: str | None = None,
    department: str | None = None,
    phone: str | None = None,
) -> StaffAdminView:
    """Change a job, department or phone (None leaves a field; "" clears department or phone)."""
    require(actor, "staff.manage")
    with office.transaction() as session:
        staff = _staff(session, staff_id)
        guard_director(actor, staff.role, role or "")
        changes: list[str] = []
        if role is not None and role != staff.role:
            changes.append(_change_role(session, actor, staff, role))
        if department is not None:
            code = check_department(department)
            if code != staff.department:
                changes.append(tr("部门：{0}").format(department_label(code) or tr("无")))
                staff.department = code
        if phone is not None:
            number = check_phone(phone) if phone.strip() else None
            if number != staff.phone:
                changes.append(tr("电话已修改") if number else tr("电话已删除"))
                staff.phone = number
        if not changes:
            raise UserError(tr("没有任何修改"))
        detail = tr("{0}：{1}").format(staff.name, tr("；").join(changes))
        _log(session, actor, "staff.update", staff, detail)
        return _view(staff, utcnow())


def _change_role(session: Session, actor: Actor, staff: Staff, role: str) -> str:
    try:
        new = Role(role)
    except ValueError:
        raise ValidationError("role", tr("没有「{role}」这个岗位").format(role=role)) from None
    if staff.id == actor.staff_id:
        raise ValidationError("role", tr("不能修改自己的岗位，请由另一位主管或主任修改"))
    old = Role(staff.role)
    if old is Role.director and staff.active and not _other_directors(session, staff):
        raise ValidationError("role", LAST_DIRECTOR)
    staff.role = new.value
    return tr("岗位：{old} → {new}").format(old=ROLE_LABELS[old], new=ROLE_LABELS[new])


def reset_pin(office: OfficeFile, actor: Actor, staff_id: int, new_pin: str) -> StaffAdminView:
    """Give someone a new PIN (they forgot it or are locked out); the lock is lifted."""
    require(actor, "staff.manage")
    pin = check_pin(new_pin)
    with office.transaction() as session:
        staff = _staff(session, staff_id)
        guard_director(actor, staff.role)
        was_locked = staff.locked_until is not None and staff.locked_until > utcnow()
        staff.pin_hash = hash_pin(pin)
        staff.failed_pins = 0
        staff.locked_until = None
        detail = tr("{0} 的 PIN 已重设").format(staff.name)
        if was_locked:
            detail += tr("，并解除锁定")
        _log(session, actor, "staff.pin_reset", staff, detail)
        return _view(staff, utcnow())


def set_active(office: OfficeFile, actor: Actor, staff_id: int, active: bool) -> StaffAdminView:
    """Mark someone as left (离职: off the login list, name kept on records) or back (恢复在职)."""
    require(actor, "staff.manage")
    with office.transaction() as session:
        staff = _staff(session, staff_id)
        guard_director(actor, staff.role)
        if staff.active == active:
            state = tr("在职") if active else tr("已离职")
            raise UserError(tr("{0} 已是{1}状态").format(staff.name, state))
        if not active:
            if staff.id == actor.staff_id:
                raise UserError(tr("不能把自己设为离职，请由另一位主管或主任办理"))
            if staff.role == Role.director.value and not _other_directors(session, staff):
                raise UserError(LAST_DIRECTOR)
        staff.active = active
        staff.failed_pins = 0
        staff.locked_until = None
        action = "staff.reactivate" if active else "staff.deactivate"
        label = ROLE_LABELS[Role(staff.role)]
        detail = (tr("{0}（{1}）恢复在职") if active else tr("{0}（{1}）离职")).format(
            staff.name, label
        )
        _log(session, actor, action, staff, detail)
        return _view(staff, utcnow())
