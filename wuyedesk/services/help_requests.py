"""The help-request log (业户求助信息登记表): record, special-help steps, convert, answer, close."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from wuyedesk.domain.errors import FormErrors, TransitionRefused, UserError, ValidationError
from wuyedesk.domain.kinds import (
    Department,
    HelpType,
    is_special,
)
from wuyedesk.domain.sla import enquiry_answer_due
from wuyedesk.domain.workflows import HELP_REQUEST, help_step_refusal
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.entries import (
    acting_staff_id,
    check_text,
    check_time,
    office_year,
    read_caller,
    stamp_time,
    write_audit,
)
from wuyedesk.services.help_conversion import contact_from_help, repair_from_help
from wuyedesk.services.help_views import (
    SPECIAL_STEPS,
    HelpStepView,
    HelpView,
    get_help,
    linked_numbers,
    list_help,
    view_help,
)
from wuyedesk.services.overdue import shown_time
from wuyedesk.services.permissions import require
from wuyedesk.services.records import load_for_edit
from wuyedesk.services.settings import get_rules
from wuyedesk.store.models import HelpRequest, HelpStep
from wuyedesk.store.numbering import next_number
from wuyedesk.store.office_file import OfficeFile

# The screens import the help log's whole API from here.
__all__ = [
    "CONVERSIONS",
    "SPECIAL_STEPS",
    "HelpStepView",
    "HelpView",
    "answer_enquiry",
    "close_help",
    "convert_help",
    "get_help",
    "handle_help",
    "list_help",
    "log_step",
    "record_help",
    "void_help",
]
Change = Callable[[HelpRequest, datetime, Session], str]

CONVERSIONS = {
    "contact": tr("转为来访/来电登记"),
    "repair": tr("转为维修单"),
    "enquiry": tr("转为咨询"),
}
# Steps that move the workflow; the others are stamped while the request is live.
_MOVING = {"sent": "dispatch", "arrived": "arrive"}
_NOTE_NEEDED = {"sent": tr("请填写通知的人员姓名"), "confirmed": tr("请填写现场确认的情况")}
_STAMPED = {
    "director_told": "director_told_at",
    "security_told": "security_told_at",
    "relatives_told": "relatives_told_at",
}
_LIVE = frozenset({"received", "dispatched", "on_site"})
_RESPONDERS = HELP_REQUEST.transition("handle").roles


def _validate(session: Session, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = read_caller(session, data, "requester_name", errors)
    try:
        at = data.get("at")
        clean["at"] = now if at is None else check_time("at", at, now, tr("求助时间"))
    except ValidationError as exc:
        errors["at"] = exc.message
    try:
        clean["location"] = check_text("location", data.get("location"), tr("地点"), required=False)
        if clean["location"] and len(clean["location"]) > 100:
            raise ValidationError("location", tr("地点最多 100 个字"))
    except ValidationError as exc:
        errors["location"] = exc.message
    if (
        clean["unit"] is None
        and not clean.get("location")
        and not {"unit", "location"} & set(errors)
    ):
        errors["unit"] = errors["location"] = tr("请填写楼层/房号，或写明求助地点")
    if data.get("help_type") not in HelpType.__members__:
        errors["help_type"] = tr("请选择求助类型")
    clean["help_type"] = data.get("help_type")
    try:
        clean["content"] = check_text("content", data.get("content"), tr("求助内容"), required=True)
    except ValidationError as exc:
        errors["content"] = exc.message
    if errors:
        raise FormErrors(errors)
    clean["written"] = bool(data.get("written"))
    clean["confidential"] = bool(data.get("confidential"))
    return clean


def record_help(
    office: OfficeFile, actor: Actor, data: dict[str, Any], *, now: datetime | None = None
) -> HelpView:
    """Record a call for help; special or general follows from the type (numbered QZ-)."""
    require(actor, "help.record")
    state = HELP_REQUEST.start(actor.role)
    rules = get_rules(office)
    now = stamp_time(now)
    with office.transaction() as session:
        clean = _validate(session, data, now)
        at: datetime = clean["at"]
        help_request = HelpRequest(
            number=next_number(session, "help", office_year(at)),
            state=state,
            at=at,
            requester_name=clean["requester_name"],
            unit_id=clean["unit"].id if clean["unit"] else None,
            location=clean["location"],
            phone=clean["phone"],
            received_by_id=acting_staff_id(session, actor),
            help_type=clean["help_type"],
            is_special=is_special(clean["help_type"]),
            content=clean["content"],
            written=clean["written"],
            confidential=clean["confidential"],
        )
        if help_request.help_type == HelpType.enquiry and help_request.written:
            help_request.answer_due = enquiry_answer_due(at, rules)
        session.add(help_request)
        session.flush()
        detail = HelpType(help_request.help_type).label
        write_audit(session, actor, "help.record", f"help:{help_request.number}", detail)
        return view_help(session, help_request, actor.role, rules, now)


def _change(
    office: OfficeFile,
    actor: Actor,
    help_id: int,
    version: int,
    now: datetime | None,
    action: str | None,
    apply: Change,
    audit_action: str,
    before: Callable[[HelpRequest], None] | None = None,
) -> HelpView:
    """Run one step on one request: lock check, workflow check, change, audit, fresh view."""
    rules = get_rules(office)
    now = stamp_time(now)
    with office.transaction() as session:
        help_request = load_for_edit(session, HelpRequest, help_id, version, tr("求助记录"))
        if before is not None:
            before(help_request)
        target = None
        if action is not None:
            refusal = help_step_refusal(help_request.help_type, action)
            if refusal:
                raise TransitionRefused(refusal)
            target = HELP_REQUEST.next_state(help_request.state, action, actor.role)
        detail = apply(help_request, now, session)
        if target is not None:
            help_request.state = target
        session.flush()
        write_audit(session, actor, audit_action, f"help:{help_request.number}", detail)
        return view_help(session, help_request, actor.role, rules, now)


def log_step(
    office: OfficeFile,
    actor: Actor,
    help_id: int,
    step: str,
    note: str | None = None,
    *,
    version: int,
    now: datetime | None = None,
) -> HelpView:
    """Stamp one step of a special request with the time and the person (one click)."""
    require(actor, "help.handle")
    if step not in SPECIAL_STEPS:
        raise UserError(tr("没有「{step}」这个处理步骤").format(step=step))
    text = (note or "").strip() or None
    if step in _NOTE_NEEDED and not text:
        raise ValidationError("note", _NOTE_NEEDED[step])

    def apply(h: HelpRequest, now: datetime, session: Session) -> str:
        done = next((s for s in h.steps if s.step == step), None)
        if done is not None:
            raise TransitionRefused(
                tr("「{0}」已于 {1} 记录").format(SPECIAL_STEPS[step], shown_time(done.at))
            )
        if step not in _MOVING:
            _check_stamp(h, step, actor)
        staff_id = acting_staff_id(session, actor)  # queries: before the change, one flush
        _stamp(h, step, text, now)
        h.steps.append(HelpStep(step=step, at=now, staff_id=staff_id, note=text))
        return f"{SPECIAL_STEPS[step]} {text or ''}".strip()

    action = _MOVING.get(step)
    return _change(office, actor, help_id, version, now, action, apply, "help.step", _special)


def _special(h: HelpRequest) -> None:
    if not h.is_special:
        label = HelpType(h.help_type).label
        raise TransitionRefused(
            tr("「{label}」属于一般求助，没有特别求助的处理步骤").format(label=label)
        )


def _check_stamp(h: HelpRequest, step: str, actor: Actor) -> None:
    if actor.role not in _RESPONDERS:
        raise TransitionRefused(tr("您的岗位不能记录「{0}」").format(SPECIAL_STEPS[step]))
    if h.state not in _LIVE:
        raise TransitionRefused(
            tr("当前状态为「{0}」，不能再记录步骤").format(HELP_REQUEST.state_label(h.state))
        )
    if step in ("confirmed", "escorted") and h.state != "on_site":
        raise TransitionRefused(tr("请先记录人员到场，再记录「{0}」").format(SPECIAL_STEPS[step]))


def _stamp(h: HelpRequest, step: str, note: str | None, now: datetime) -> None:
    if step == "sent":
        h.nearest_person, h.sent_at = note, now
    elif step == "arrived":
        h.arrived_at = now
    elif step == "confirmed":
        h.situation = note
    elif step == "escorted":
        h.escorted = True
    elif step.startswith("called_"):
        number = step.removeprefix("called_")
        h.emergency_called = ",".join(filter(None, (h.emergency_called, number)))
    else:
        setattr(h, _STAMPED[step], now)


def handle_help(
    office: OfficeFile,
    actor: Actor,
    help_id: int,
    result: str,
    *,
    version: int,
    now: datetime | None = None,
) -> HelpView:
    """Record how a special request was dealt with (on site → handled)."""
    require(actor, "help.handle")
    text = check_text("result", result, tr("处理结果"), required=True)

    def apply(h: HelpRequest, now: datetime, session: Session) -> str:
        h.result, h.handled_by, h.done_at = text, actor.name, now
        return text or ""

    return _change(office, actor, help_id, version, now, "handle", apply, "help.handle")


def close_help(
    office: OfficeFile,
    actor: Actor,
    help_id: int,
    *,
    version: int,
    result: str | None = None,
    now: datetime | None = None,
) -> HelpView:
    """Close a handled, converted or answered request; the result says what became of it."""
    require(actor, "help.handle")
    text = check_text("result", result, tr("处理结果"), required=False)

    def apply(h: HelpRequest, now: datetime, session: Session) -> str:
        h.result = text or h.result or _default_result(h, session)
        h.handled_by = h.handled_by or actor.name
        h.done_at = h.done_at or now
        return h.result or ""

    return _change(office, actor, help_id, version, now, "close", apply, "help.close")


def _default_result(h: HelpRequest, session: Session) -> str:
    contact_number, repair_number = linked_numbers(session, h)
    if contact_number or repair_number:
        return tr("已转为 {0}").format(contact_number or repair_number)
    return tr("已答复") if h.answered_at else tr("已完成")


def answer_enquiry(
    office: OfficeFile,
    actor: Actor,
    help_id: int,
    answer: str,
    *,
    version: int,
    now: datetime | None = None,
) -> HelpView:
    """Record the answer to an enquiry; a written enquiry needs the answer's text."""
    require(actor, "help.handle")
    text = check_text("answer", answer, tr("答复内容"), required=False)

    def apply(h: HelpRequest, now: datetime, session: Session) -> str:
        if h.written and not text:
            raise ValidationError("answer", tr("书面咨询须填写书面答复内容"))
        h.answer, h.answered_at, h.handled_by = text, now, actor.name
        return tr("书面") if h.written else tr("口头")

    return _change(office, actor, help_id, version, now, "answer", apply, "help.answer")


def void_help(
    office: OfficeFile,
    actor: Actor,
    help_id: int,
    reason: str,
    *,
    version: int,
    now: datetime | None = None,
) -> HelpView:
    """Void a request with a reason; it keeps its number and stays in the books."""
    require(actor, "help.record")
    text = check_text("void_reason", reason, tr("作废原因"), required=True)

    def apply(h: HelpRequest, now: datetime, session: Session) -> str:
        h.void_reason, h.voided_at = text, now
        return text or ""

    return _change(office, actor, help_id, version, now, "void", apply, "help.void")


def convert_help(
    office: OfficeFile,
    actor: Actor,
    help_id: int,
    into: str,
    *,
    version: int,
    complained_department: str | None = None,
    written: bool | None = None,
    confidential: bool | None = None,
    now: datetime | None = None,
) -> HelpView:
    """Turn a general request into a register entry, a repair slip or an enquiry; keep the link.

    An enquiry may be marked written (answered in writing by a due date) or confidential.
    """
    require(actor, "help.handle")
    if into not in CONVERSIONS:
        raise UserError(tr("只能转为来访/来电登记、维修单或咨询"))
    if complained_department is not None and complained_department not in Department.__members__:
        raise ValidationError("complained_department", tr("请选择被投诉部门"))
    rules = get_rules(office)

    def apply(h: HelpRequest, now: datetime, session: Session) -> str:
        if into == "enquiry":
            # Same rights and state as a conversion, but it stays received, awaiting its answer.
            refusal = help_step_refusal(h.help_type, "convert")
            if refusal:
                raise TransitionRefused(refusal)
            HELP_REQUEST.next_state(h.state, "convert", actor.role)
            h.help_type = HelpType.enquiry.value
            if written is not None:
                h.written = written
            if confidential is not None:
                h.confidential = confidential
            if h.written:
                h.answer_due = enquiry_answer_due(h.at, rules)
            return tr("转为咨询")
        if into == "contact":
            department = complained_department or Department.other.value
            contact = contact_from_help(session, actor, h, rules, department)
            h.contact_id = contact.id
            return contact.number
        order = repair_from_help(session, actor, h)
        h.repair_order_id = order.id
        return order.number

    action = None if into == "enquiry" else "convert"
    return _change(office, actor, help_id, version, now, action, apply, "help.convert")
