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


def joined_visitors(names: Sequence[str]) -> str | None:
    """Return the names as the record writes them (赵主管、黄主管), within the column's size."""
    text = "、".join(names)
    if len(text) > _VISITORS_LIMIT:
        raise ValidationError("visitors", f"回访人最多 {_VISITORS_LIMIT} 个字")
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
            errors[field] = "投诉回访须填写投诉的登记编号（DJ-）"
        elif kind == VisitKind.repair:
            errors[field] = "维修回访须填写维修单号（WX-/YC-）"
        return None, None
    if kind == VisitKind.routine:
        errors[field] = "日常回访不关联单号"
        return None, None
    parsed = parse_number(number)
    wanted = ("DJ",) if kind == VisitKind.complaint else _SLIPS
    if parsed is None or parsed[0] not in wanted:
        what = "投诉的登记编号（DJ-）" if kind == VisitKind.complaint else "维修单号（WX-/YC-）"
        errors[field] = f"关联单号应为{what}"
        return None, None
    if parsed[0] == "DJ":
        contact = session.scalar(select(Contact).where(Contact.number == number))
        if contact is None:
            errors[field] = f"没有单号为 {number} 的记录"
        elif contact.kind != ContactKind.complaint:
            errors[field] = f"{number} 不是投诉"
        elif contact.state == "void":
            errors[field] = f"{number} 已作废"
        elif taken := _taken(session, ReturnVisit.contact_id == contact.id):
            errors[field] = f"投诉 {number} 已有回访记录 {taken}，请在该记录上继续"
        else:
            return contact, None
        return None, None
    order = session.scalar(select(RepairOrder).where(RepairOrder.number == number))
    if order is None:
        errors[field] = f"没有单号为 {number} 的记录"
    elif order.state == "void":
        errors[field] = f"{number} 已作废"
    elif order.accepted_at is None:
        errors[field] = f"维修单 {number} 尚未经住户验收，不能回访"
    elif taken := _taken(session, ReturnVisit.repair_order_id == order.id):
        errors[field] = f"维修单 {number} 已有回访记录 {taken}，请在该记录上继续"
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
        facility = check_text("facility", data.get("facility"), "公共设施", required=False)
        if facility and len(facility) > _FACILITY_LIMIT:
            raise ValidationError("facility", f"公共设施最多 {_FACILITY_LIMIT} 个字")
    except ValidationError as exc:
        errors["facility"] = exc.message
    if kind == VisitKind.facility:
        if unit is not None:
            errors["unit"] = "公共设施回访不填房号"
        facility = facility or (source.facility if isinstance(source, RepairOrder) else None)
        if not facility and "facility" not in errors:
            errors["facility"] = "请写明回访的公共设施"
        return None, facility
    if facility:
        errors["facility"] = "只有公共设施回访才填写公共设施"
    if source is not None and source.unit is not None:
        if unit is not None and unit.id != source.unit.id:
            errors["unit"] = f"房号与关联单据不符（应为 {source.unit.code}）"
        unit = source.unit
    if unit is None and not {"unit", "kind", "related_number"} & set(errors):
        public = isinstance(source, RepairOrder) and source.facility
        errors["unit"] = "公共部位的维修请安排公共设施回访" if public else "请填写房号"
    return unit, None


def matter_floor(contact: Contact | None, order: RepairOrder | None) -> tuple[datetime | None, str]:
    """Return the time a visit may not precede: the complaint, or the household's acceptance."""
    if contact is not None:
        return contact.at, "投诉"
    if order is not None:
        return order.accepted_at, "验收"
    return None, ""


def validate_plan(
    session: Session, data: dict[str, Any], now: datetime, rules: Rules
) -> dict[str, Any]:
    """Return the checked fields of a visit to plan, or refuse them all at their fields."""
    errors: dict[str, str] = {}
    kind = data.get("kind")
    if kind not in VisitKind.__members__:
        errors["kind"] = "请选择回访类型"
    contact, order = _related(session, kind, data.get("related_number"), errors)
    unit, facility = _place(session, data, kind, contact or order, errors)
    limit = contact.visit_due_at if contact is not None else None
    due = data.get("due_at") if data.get("due_at") is not None else limit
    floor, what = matter_floor(contact, order)
    if due is None:
        errors["due_at"] = "请选择回访日期"
    elif not isinstance(due, datetime) or due.utcoffset() is None:
        errors["due_at"] = "回访日期格式不正确"
    elif floor is not None and due < floor:
        errors["due_at"] = f"回访日期不能早于{what}时间"
    elif limit is not None and due > limit >= now:
        hours = rules.complaint_visit_hours
        errors["due_at"] = f"投诉须在 {shown_time(limit)} 前回访（投诉后 {hours} 小时内）"
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
            return previous.rectified_at, "整改完成"
    contact = session.get(Contact, visit.contact_id) if visit.contact_id else None
    order = session.get(RepairOrder, visit.repair_order_id) if visit.repair_order_id else None
    return matter_floor(contact, order)


def check_team(session: Session, visit: ReturnVisit, names: list[str]) -> None:
    """A complaint is visited by the supervisor with the complained department's head."""
    contact = session.get(Contact, visit.contact_id) if visit.contact_id else None
    department = contact.complained_department if contact else None
    if department == Department.property or len(names) >= 2:
        return
    head = "被投诉部门主管"
    if department is not None and department != Department.other:
        head = f"{Department(department).label}主管"
    raise ValidationError("visitors", f"投诉回访须由物业部主管会同{head}进行，请填写{head}的姓名")


def check_next_at(next_at: Any, now: datetime) -> datetime:
    """Return the new date of a visit, or refuse it: it must be a time after now."""
    if not isinstance(next_at, datetime) or next_at.utcoffset() is None:
        raise ValidationError("next_at", "请选择另约的回访时间")
    if next_at <= now:
        raise ValidationError("next_at", "另约的回访时间须晚于现在")
    return next_at
