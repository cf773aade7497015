"""What the return-visit forms accept: the matter followed up, the place, dates, visitors."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from wuyedesk.domain.errors import FormErrors, ValidationError
from wuyedesk.domain.kinds import ContactKind, Department, VisitKind
from wuyedesk.domain.sla import Rules
from wuyedesk.domain.validators import check_name
from wuyedesk.i18n import tr
from wuyedesk.services.entries import check_text
from wuyedesk.services.overdue import shown_time
from wuyedesk.services.places import find_unit
from wuyedesk.store.models import Contact, RepairOrder, ReturnVisit, Unit
from wuyedesk.store.numbering import parse_number

_SEPARATORS = re.compile(r"[、,，;；/]+")
_VISITORS_LIMIT = 100
_FACILITY_LIMIT = 100
_SLIPS = ("WX", "YC")


def read_visitors(value: Any) -> list[str]:
    """Return the visitors' names, in order, once each ("赵主管、黄主管" or a list)."""
    if value is None:
        parts: list[str] = []
    elif isinstance(value, str):
        parts = _SEPARATORS.split(value)
    else:
        parts = [str(part) for part in value]
    names: list[str] = []
    for part in parts:
        if part.strip():
            name = check_name(part, "visitors")
            if name not in names:
                names.append(name)
    return names


def shown_visitors(stored: str | None) -> str:
    """Return the stored visitors as this desk lists names (赵主管、黄主管; in English A, B)."""
    return (stored or "").replace("、", tr("、"))  # i18n: data (the stored separator)


def joined_visitors(names: Sequence[str]) -> str | None:
    """Return the names as the record writes them (赵主管、黄主管), within the column's size."""
    text = "、".join(names)  # i18n: data (stored; read_visitors and the screens split it)
    if len(text) > _VISITORS_LIMIT:
        raise ValidationError(
            "visitors",
            tr("回访人最多 {_VISITORS_LIMIT} 个字").format(_VISITORS_LIMIT=_VISITORS_LIMIT),
        )
    return text or None


def _taken(session: Session, condition: ColumnElement[bool]) -> str | None:
    """Return the number of a live visit already made or planned on this matter."""
    return session.scalar(
        select(ReturnVisit.number).where(condition, ReturnVisit.state != "void").limit(1)
    )


def _related(
    session: Session, kind: Any, text: Any, errors: dict[str, str]
) -> tuple[Contact | None, RepairOrder | None]:
    """Find the complaint (DJ-) or the slip (WX-/YC-) the visit follows up."""
    number = str(text or "").strip().upper()
    field = "related_number"
    if kind not in VisitKind.__members__:
        return None, None
    if not number:
        if kind == VisitKind.complaint:
            errors[field] = tr("投诉回访须填写投诉的登记编号（DJ-）")
        elif kind == VisitKind.repair:
            errors[field] = tr("维修回访须填写维修单号（WX-/YC-）")
        return None, None
    if kind == VisitKind.routine:
        errors[field] = tr("日常回访不关联单号")
        return None, None
    parsed = parse_number(number)
    wanted = ("DJ",) if kind == VisitKind.complaint else _SLIPS
    if parsed is None or parsed[0] not in wanted:
        what = (
            tr("投诉的登记编号（DJ-）")
            if kind == VisitKind.complaint
            else tr("维修单号（WX-/YC-）")
        )
        errors[field] = tr("关联单号应为{what}").format(what=what)
        return None, None
    if parsed[0] == "DJ":
        contact = session.scalar(select(Contact).where(Contact.number == number))
        if contact is None:
            errors[field] = tr("没有单号为 {number} 的记录").format(number=number)
        elif contact.kind != ContactKind.complaint:
            errors[field] = tr("{number} 不是投诉").format(number=number)
        elif contact.state == "void":
            errors[field] = tr("{number} 已作废").format(number=number)
        elif taken := _taken(session, ReturnVisit.contact_id == contact.id):
            errors[field] = tr("投诉 {number} 已有回访记录 {taken}，请在该记录上继续").format(
                number=number, taken=taken
            )
        else:
            return contact, None
        return None, None
    order = session.scalar(select(RepairOrder).where(RepairOrder.number == number))
    if order is None:
        errors[field] = tr("没有单号为 {number} 的记录").format(number=number)
    elif order.state == "void":
        errors[field] = tr("{number} 已作废").format(number=number)
    elif order.accepted_at is None:
        errors[field] = tr("维修单 {number} 尚未经住户验收，不能回访").format(number=number)
    elif taken := _taken(session, ReturnVisit.repair_order_id == order.id):
        errors[field] = tr("维修单 {number} 已有回访记录 {taken}，请在该记录上继续").format(
            number=number, taken=taken
        )
    else:
        return None, order
    return None, None


def _place(
    session: Session,
    data: dict[str, Any],
    kind: Any,
    source: Contact | RepairOrder | None,
    errors: dict[str, str],
) -> tuple[Unit | None, str | None]:
    """Return the unit or the facility visited; a linked record gives its own."""
    unit: Unit | None = None
    unit_text = str(data.get("unit") or "").strip()
    try:
        unit = find_unit(session, unit_text) if unit_text else None
    except ValidationError as exc:
        errors["unit"] = exc.message
    facility = None
    try:
        facility = check_text("facility", data.get("facility"), tr("公共设施"), required=False)
        if facility and len(facility) > _FACILITY_LIMIT:
            raise ValidationError(
                "facility",
                tr("公共设施最多 {_FACILITY_LIMIT} 个字").format(_FACILITY_LIMIT=_FACILITY_LIMIT),
            )
    except ValidationError as exc:
        errors["facility"] = exc.message
    if kind == VisitKind.facility:
        if unit is not None:
            errors["unit"] = tr("公共设施回访不填房号")
        facility = facility or (source.facility if isinstance(source, RepairOrder) else None)
        if not facility and "facility" not in errors:
            errors["facility"] = tr("请写明回访的公共设施")
        return None, facility
    if facility:
        errors["facility"] = tr("只有公共设施回访才填写公共设施")
    if source is not None and source.unit is not None:
        if unit is not None and unit.id != source.unit.id:
            errors["unit"] = tr("房号与关联单据不符（应为 {0}）").format(source.unit.code)
        unit = source.unit
    if unit is None and not {"unit", "kind", "related_number"} & set(errors):
        public = isinstance(source, RepairOrder) and source.facility
        errors["unit"] = tr("公共部位的维修请安排公共设施回访") if public else tr("请填写房号")
    return unit, None


def matter_floor(contact: Contact | None, order: RepairOrder | None) -> tuple[datetime | None, str]:
    """Return the time a visit may not precede: the complaint, or the household's acceptance."""
    if contact is not None:
        return contact.at, tr("投诉")
    if order is not None:
        return order.accepted_at, tr("验收")
    return None, ""


def validate_plan(
    session: Session, data: dict[str, Any], now: datetime, rules: Rules
) -> dict[str, Any]:
    """Return the checked fields of a visit to plan, or refuse them all at their fields."""
    errors: dict[str, str] = {}
    kind = data.get("kind")
    if kind not in VisitKind.__members__:
        errors["kind"] = tr("请选择回访类型")
    contact, order = _related(session, kind, data.get("related_number"), errors)
    unit, facility = _place(session, data, kind, contact or order, errors)
    limit = contact.visit_due_at if contact is not None else None
    due = data.get("due_at") if data.get("due_at") is not None else limit
    floor, what = matter_floor(contact, order)
    if due is None:
        errors["due_at"] = tr("请选择回访日期")
    elif not isinstance(due, datetime) or due.utcoffset() is None:
        errors["due_at"] = tr("回访日期格式不正确")
    elif floor is not None and due < floor:
        errors["due_at"] = tr("回访日期不能早于{what}时间").format(what=what)
    elif limit is not None and due > limit >= now:
        hours = rules.complaint_visit_hours
        errors["due_at"] = tr("投诉须在 {0} 前回访（投诉后 {hours} 小时内）").format(
            shown_time(limit), hours=hours
        )
    try:
        visitors = joined_visitors(read_visitors(data.get("visitors")))
    except ValidationError as exc:
        errors["visitors"] = exc.message
    if errors:
        raise FormErrors(errors)
    return {
        "kind": kind,
        "unit": unit,
        "facility": facility,
        "contact": contact,
        "order": order,
        "due_at": due,
        "visitors": visitors,
    }


def visit_floor(session: Session, visit: ReturnVisit) -> tuple[datetime | None, str]:
    """Return the time this visit may not precede (报修 ≤ … ≤ 验收 ≤ 回访)."""
    if visit.previous_visit_id is not None:
        previous = session.get(ReturnVisit, visit.previous_visit_id)
        if previous is not None and previous.rectified_at is not None:
            return previous.rectified_at, tr("整改完成")
    contact = session.get(Contact, visit.contact_id) if visit.contact_id else None
    order = session.get(RepairOrder, visit.repair_order_id) if visit.repair_order_id else None
    return matter_floor(contact, order)


def check_team(session: Session, visit: ReturnVisit, names: list[str]) -> None:
    """A complaint is visited by the supervisor with the complained department's head."""
    contact = session.get(Contact, visit.contact_id) if visit.contact_id else None
    department = contact.complained_department if contact else None
    if department == Department.property or len(names) >= 2:
        return
    head = tr("被投诉部门主管")
    if department is not None and department != Department.other:
        head = tr("{0}主管").format(Department(department).label)
    raise ValidationError(
        "visitors", tr("投诉回访须由物业部主管会同{head}进行，请填写{head}的姓名").format(head=head)
    )


def check_next_at(next_at: Any, now: datetime) -> datetime:
    """Return the new date of a visit, or refuse it: it must be a time after now."""
    if not isinstance(next_at, datetime) or next_at.utcoffset() is None:
        raise ValidationError("next_at", tr("请选择另约的回访时间"))
    if next_at <= now:
        raise ValidationError("next_at", tr("另约的回访时间须晚于现在"))
    return next_at
