"""What the register and the help log share: who records, when, which days a list covers."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wuyedesk.domain.errors import UserError, ValidationError
from wuyedesk.domain.roles import Role
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.domain.validators import check_name, check_phone
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.places import find_unit
from wuyedesk.store import audit
from wuyedesk.store.models import Resident, Staff, utcnow

# A desk clock a few minutes fast must not refuse a time typed from the wall clock.
CLOCK_SLACK = timedelta(minutes=5)
CONTENT_LIMIT = 2000


def stamp_time(now: datetime | None) -> datetime:
    """Return `now` (tests inject it) or the current time, aware."""
    if now is None:
        return utcnow()
    if now.utcoffset() is None:
        raise ValueError("naive datetime: the office's clocks need aware times")
    return now


def check_time(field: str, value: Any, now: datetime, label: str) -> datetime:
    """Return an aware time not later than now, or refuse it with a Chinese message."""
    if not isinstance(value, datetime):
        raise ValidationError(field, tr("{label}格式不正确").format(label=label))
    if value.utcoffset() is None:
        raise ValidationError(field, tr("{label}缺少时区，请重新选择时间").format(label=label))
    if value > now + CLOCK_SLACK:
        raise ValidationError(field, tr("{label}不能晚于现在").format(label=label))
    return value


def check_text(field: str, value: Any, label: str, *, required: bool) -> str | None:
    """Return stripped text (None when empty and allowed), or refuse it."""
    text = str(value).strip() if value is not None else ""
    if not text:
        if required:
            raise ValidationError(field, tr("{label}不能为空").format(label=label))
        return None
    if len(text) > CONTENT_LIMIT:
        raise ValidationError(
            field,
            tr("{label}最多 {CONTENT_LIMIT} 个字（现在是 {0} 个）").format(
                len(text), label=label, CONTENT_LIMIT=CONTENT_LIMIT
            ),
        )
    return text


def read_caller(
    session: Session, data: dict[str, Any], name_field: str, errors: dict[str, str]
) -> dict[str, Any]:
    """Read unit, caller and phone; a chosen resident's name and phone come from the archive."""
    found: dict[str, Any] = {"unit": None, name_field: None, "phone": None}
    unit_text = str(data.get("unit") or "").strip()
    try:
        found["unit"] = find_unit(session, unit_text) if unit_text else None
    except ValidationError as exc:
        errors["unit"] = exc.message
    resident = _resident(session, data.get("resident_id"), name_field, errors)
    if resident is not None and found["unit"] is None and "unit" not in errors:
        found["unit"] = resident.unit
    elif resident is not None and found["unit"] not in (None, resident.unit):
        errors["unit"] = tr("所选住户不属于该房号")
    name = str(data.get(name_field) or "").strip() or (resident.name if resident else "")
    phone = str(data.get("phone") or "").strip()
    if resident is not None and (not phone or "*" in phone):
        # The screen shows the archive's phone masked; the real number never leaves here.
        phone = resident.phone or resident.landline or ""
    try:
        found[name_field] = check_name(name, name_field)
    except ValidationError as exc:
        errors.setdefault(name_field, exc.message)
    try:
        found["phone"] = check_phone(phone, "phone") if phone else None
    except ValidationError as exc:
        errors["phone"] = exc.message
    return found


def _resident(
    session: Session, resident_id: Any, name_field: str, errors: dict[str, str]
) -> Resident | None:
    if resident_id in (None, ""):
        return None
    resident = session.get(Resident, int(resident_id))
    if resident is None or resident.moved_out is not None:
        errors[name_field] = tr("所选住户已不在档案中，请重新选择或直接填写姓名")
        return None
    return resident


def office_year(at: datetime) -> int:
    """Return the office-calendar year of a time, for numbering."""
    return at.astimezone(OFFICE_TZ).year


def day_bounds(
    date_from: date | None, date_to: date | None, now: datetime, *, unbounded: bool
) -> tuple[datetime, datetime] | None:
    """Return the aware [start, end) of a list's days; today when none given, unless unbounded."""
    if date_from is None and date_to is None:
        if unbounded:
            return None
        date_from = date_to = now.astimezone(OFFICE_TZ).date()
    elif date_to is None:
        assert date_from is not None
        date_to = max(date_from, now.astimezone(OFFICE_TZ).date())
    elif date_from is None:
        date_from = date_to
    if date_to < date_from:
        raise ValidationError("date_to", tr("结束日期不能早于开始日期"))
    start = datetime.combine(date_from, time(), OFFICE_TZ)
    return start, datetime.combine(date_to + timedelta(days=1), time(), OFFICE_TZ)


def acting_staff_id(session: Session, actor: Actor) -> int:
    """Return the staff row a record is signed by; the command line signs as the director."""
    if actor.staff_id is not None:
        return actor.staff_id
    named = session.scalar(select(Staff.id).where(Staff.name == actor.name))
    if named is not None:
        return named
    director = session.scalar(
        select(Staff.id)
        .where(Staff.role == Role.director.value, Staff.active.is_(True))
        .order_by(Staff.id)
        .limit(1)
    )
    if director is None:
        raise UserError(tr("办公文件中没有在职的管理处主任，无法以系统身份登记"))
    return director


def staff_names(session: Session) -> dict[int, str]:
    """Return every member of staff's name by id (a small table, read once per list)."""
    return {id_: name for id_, name in session.execute(select(Staff.id, Staff.name))}


def write_audit(session: Session, actor: Actor, action: str, target: str, detail: str = "") -> None:
    """Append the audit line of one user action."""
    audit.append(
        session,
        staff_id=actor.staff_id,
        actor=actor.label,
        action=action,
        target=target,
        detail=detail,
    )
