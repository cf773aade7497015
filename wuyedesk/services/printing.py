"""Printing: a numbered record, a day's register or a written answer, as a PDF slip.

Each function checks the permission, reads the records, builds the values the
layout prints (phones masked), draws the PDF and writes the audit line "print"
in one transaction; a failed drawing leaves neither a half file nor an audit line.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wuyedesk.domain import kinds
from wuyedesk.domain.errors import NotFound, PermissionDenied, UserError
from wuyedesk.domain.kinds import SPECIAL_STEPS
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.domain.validators import mask_phone
from wuyedesk.i18n import tr
from wuyedesk.reports import slips
from wuyedesk.services.context import Actor
from wuyedesk.services.help_views import CONFIDANTS
from wuyedesk.services.permissions import require
from wuyedesk.store import audit
from wuyedesk.store.models import Contact, HelpRequest, Office, RepairOrder, Staff
from wuyedesk.store.numbering import parse_number
from wuyedesk.store.office_file import OfficeFile

LATER = tr("该类单据的打印格式将在后续版本提供")
# The special-help steps of 篇5 §4.1 as the step log stores them, with their printed names.
SECRET = tr("（涉及保密，仅管理处人员可见）")


def print_record(office: OfficeFile, actor: Actor, number: str, out: Path) -> Path:
    """Print one numbered record's slip (DJ- register line, QZ- help, WX-/YC- repair, HF- visit).

    Repair slips and visits are printed by their own services, which check their own rights
    (each department prints its copy of a slip); the register and help slips need records.print.
    """
    parsed = parse_number(number)
    if parsed is None:
        require(actor, "records.print")
        raise NotFound(tr("没有单号为 {0} 的记录").format(number.strip()))
    prefix = parsed[0]
    number = number.strip().upper()
    if prefix not in ("WX", "YC", "HF"):
        require(actor, "records.print")
    if prefix in ("WX", "YC"):
        # Imported here: repair_printing builds on this module's helpers.
        from wuyedesk.services.repair_printing import print_repair

        return print_repair(office, actor, number, out)
    if prefix == "HF":
        from wuyedesk.services.visit_printing import print_visit

        return print_visit(office, actor, number, out)
    with office.transaction() as session:
        head = _office(session)
        if prefix == "DJ":
            contact = session.scalar(select(Contact).where(Contact.number == number))
            if contact is None:
                raise NotFound(tr("没有单号为 {number} 的记录").format(number=number))
            day = _local(contact.at).date()
            values = _register(head, [_entry(session, contact)], day, day)
            values["number"] = number
            _draw(session, actor, "register_page", values, head, out, number)
        elif prefix == "QZ":
            help_request = session.scalar(select(HelpRequest).where(HelpRequest.number == number))
            if help_request is None:
                raise NotFound(tr("没有单号为 {number} 的记录").format(number=number))
            values = _help_values(session, head, help_request)
            if help_request.confidential and actor.role not in CONFIDANTS:
                values.update(content=SECRET, answer=SECRET if values["answer"] else "")
            _draw(session, actor, "help_request", values, head, out, number)
        else:
            raise UserError(LATER)
    return out


def print_register(
    office: OfficeFile, actor: Actor, date_from: date, date_to: date, out: Path
) -> int:
    """Print the visitor/call register for a day or a date range; return the entries printed."""
    require(actor, "records.print")
    if date_to < date_from:
        raise UserError(tr("结束日期不能早于开始日期"))
    start = datetime.combine(date_from, time(), OFFICE_TZ)
    end = datetime.combine(date_to + timedelta(days=1), time(), OFFICE_TZ)
    with office.transaction() as session:
        head = _office(session)
        contacts = session.scalars(
            select(Contact)
            .where(Contact.at >= start, Contact.at < end)
            .order_by(Contact.at, Contact.number)
        ).all()
        values = _register(head, [_entry(session, c) for c in contacts], date_from, date_to)
        _draw(
            session,
            actor,
            "register_page",
            values,
            head,
            out,
            tr("登记表 {0}").format(values["period"]),
        )
    return len(contacts)


def print_enquiry_answer(office: OfficeFile, actor: Actor, help_number: str, out: Path) -> Path:
    """Print the written answer to an answered enquiry (书面答复) to a PDF."""
    require(actor, "records.print")
    number = help_number.strip().upper()
    with office.transaction() as session:
        head = _office(session)
        found = session.scalar(select(HelpRequest).where(HelpRequest.number == number))
        if found is None:
            raise NotFound(tr("没有单号为 {number} 的记录").format(number=number))
        if found.confidential and actor.role not in CONFIDANTS:
            raise PermissionDenied(tr("涉及保密的咨询，只有管理处人员可以打印书面答复"))
        if found.help_type != kinds.HelpType.enquiry:
            raise UserError(tr("{number} 不是咨询，没有书面答复").format(number=number))
        if not (found.answer or "").strip() or found.answered_at is None:
            raise UserError(
                tr("{number} 的咨询尚未答复，答复后才能打印书面答复").format(number=number)
            )
        values: dict[str, Any] = {
            "number": number,
            "unit": found.unit.code if found.unit else (found.location or ""),
            "asked_at": _long_date(found.at),
            "question": found.content,
            "answer": found.answer,
            "answered_on": _long_date(found.answered_at),
            "office_phone": head.phone or "",
            "letterhead": tr("　").join(
                part
                for part in (
                    head.estate_name,
                    tr("地址：{0}").format(head.address) if head.address else "",
                    tr("电话：{0}").format(head.phone) if head.phone else "",
                )
                if part
            ),
        }
        _draw(
            session,
            actor,
            "enquiry_answer",
            values,
            head,
            out,
            tr("{number} 书面答复").format(number=number),
        )
    return out


# --- values the layouts print -----------------------------------------------------------


def _office(session: Session) -> Office:
    return session.scalars(select(Office)).one()


def _local(at: datetime) -> datetime:
    return at.astimezone(OFFICE_TZ)


def _when(at: datetime | None) -> str:
    return _local(at).strftime("%Y-%m-%d %H:%M") if at else ""


def _long_date(at: datetime) -> str:
    local = _local(at)
    return tr("{0}年{1}月{2}日").format(local.year, local.month, local.day)


def _phone(value: str | None) -> str:
    return mask_phone(value) if value else ""


def _label(enum: type[kinds.Kind], value: str | None) -> str:
    if not value:
        return ""
    return kinds.labels(enum).get(value, value)


def _staff(session: Session, staff_id: int | None) -> str:
    found = session.get(Staff, staff_id) if staff_id is not None else None
    return found.name if found else ""


def _yes(flag: bool | None) -> str:
    return "" if flag is None else (tr("是") if flag else tr("否"))


def _register(
    head: Office, entries: list[dict[str, Any]], first: date, last: date
) -> dict[str, Any]:
    period = (
        first.isoformat()
        if first == last
        else tr("{0} 至 {1}").format(first.isoformat(), last.isoformat())
    )
    return {
        "estate_name": head.estate_name,
        "period": period,
        "count": len(entries),
        "entries": entries,
    }


def _entry(session: Session, contact: Contact) -> dict[str, Any]:
    """Return one register line; a complaint's own fields go with its result."""
    relay = " / ".join(
        part
        for part in (
            _label(kinds.Department, contact.relayed_department),
            contact.relayed_to or "",
            _local(contact.relayed_at).strftime("%m-%d %H:%M") if contact.relayed_at else "",
        )
        if part
    )
    result = []
    if contact.kind == kinds.ContactKind.complaint:
        result += [
            tr("被投诉部门：{0}").format(_label(kinds.Department, contact.complained_department))
            if contact.complained_department
            else "",
            tr("联系住户：{0}").format(_when(contact.dept_contact_at))
            if contact.dept_contact_at
            else "",
            tr("补救措施：{0}").format(contact.remedy) if contact.remedy else "",
            tr("能否解决：{0}").format(_yes(contact.solvable))
            if contact.solvable is not None
            else "",
            tr("答复：{0}").format(contact.answer) if contact.answer else "",
        ]
    if contact.result:
        result.append(tr("结果：{0}（{1}）").format(contact.result, _when(contact.result_at)))
    visit = ""
    if contact.satisfaction:
        visit = _label(kinds.Satisfaction, contact.satisfaction)
    elif contact.visit_due_at:
        visit = tr("应于 {0} 前").format(_local(contact.visit_due_at).strftime("%m-%d %H:%M"))
    content = contact.content
    if contact.voided_at:
        content = tr("【已作废：{0}】{content}").format(contact.void_reason or "", content=content)
    return {
        "number": contact.number,
        "at": _when(contact.at),
        "method": _label(kinds.ContactMethod, contact.method),
        "unit": contact.unit.code if contact.unit else "",
        "caller": contact.caller_name,
        "phone": _phone(contact.phone),
        "kind": _label(kinds.ContactKind, contact.kind),
        "content": content,
        "relay": relay,
        "result": "\n".join(line for line in result if line),
        "visit": visit,
        "recorded_by": _staff(session, contact.recorded_by_id),
    }


def _help_values(session: Session, head: Office, found: HelpRequest) -> dict[str, Any]:
    """Return every field of the help-request form, the step log as lines."""
    linked = []
    if found.contact_id is not None:
        contact = session.get(Contact, found.contact_id)
        linked.append(tr("登记 {0}").format(contact.number) if contact else "")
    if found.repair_order_id is not None:
        order = session.get(RepairOrder, found.repair_order_id)
        linked.append(tr("维修单 {0}").format(order.number) if order else "")
    enquiry = found.help_type == kinds.HelpType.enquiry
    content = found.content
    if found.voided_at:
        content = tr("【已作废：{0}】{content}").format(found.void_reason or "", content=content)
    return {
        "estate_name": head.estate_name,
        "number": found.number,
        "at": _when(found.at),
        "requester": found.requester_name,
        "place": found.unit.code if found.unit else (found.location or ""),
        "phone": _phone(found.phone),
        "received_by": _staff(session, found.received_by_id),
        "help_type": _label(kinds.HelpType, found.help_type),
        "category": tr("特别求助") if found.is_special else tr("一般求助"),
        "is_special": found.is_special,
        "content": content,
        "nearest_person": found.nearest_person or "",
        "sent_at": _when(found.sent_at),
        "arrived_at": _when(found.arrived_at),
        "situation": found.situation or "",
        "director_told_at": _when(found.director_told_at),
        "emergency_called": found.emergency_called or "",
        "security_told_at": _when(found.security_told_at),
        "relatives_told_at": _when(found.relatives_told_at),
        "escorted": _yes(found.escorted),
        "steps": [
            {
                "at": _when(step.at),
                "step": SPECIAL_STEPS.get(step.step, step.step),
                "staff": _staff(session, step.staff_id),
                "note": step.note or "",
            }
            for step in found.steps
        ],
        "linked": tr("、").join(part for part in linked if part),
        "enquiry_mode": (tr("书面") if found.written else tr("口头")) if enquiry else "",
        "confidential": _yes(found.confidential) if enquiry else "",
        "answer_due": _when(found.answer_due),
        "answered_at": _when(found.answered_at),
        "answer": found.answer or "",
        "result": found.result or "",
        "handled_by": found.handled_by or "",
        "done_at": _when(found.done_at),
    }


def _draw(
    session: Session,
    actor: Actor,
    layout: str,
    values: dict[str, Any],
    head: Office,
    out: Path,
    target: str,
    *,
    copies: list[str] | None = None,
) -> None:
    """Draw the PDF beside its destination, then move it into place and audit the print.

    `copies` replaces the layout's list of 联 (a free repair slip has no 财务联).
    """
    out = Path(out)
    if not out.parent.is_dir():
        raise UserError(tr("文件夹 {0} 不存在").format(out.parent))
    try:
        handle, temp = tempfile.mkstemp(prefix=".print-", suffix=".pdf", dir=out.parent)
    except OSError as exc:
        raise UserError(tr("无法写入 {0}：{1}").format(out.parent, exc.strerror)) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            spec = slips.load_layout(layout)
            if copies is not None:
                spec["copies"] = copies
            pages = slips.render(spec, [values], stream, office_name=head.name)
        os.replace(temp, out)
    except OSError as exc:
        raise UserError(tr("无法写入 {out}：{0}").format(exc.strerror, out=out)) from None
    finally:
        Path(temp).unlink(missing_ok=True)
    audit.append(
        session,
        staff_id=actor.staff_id,
        actor=actor.label,
        action="print",
        target=target,
        detail=tr("{layout}，{pages} 页，{0}").format(out.name, layout=layout, pages=pages),
    )
