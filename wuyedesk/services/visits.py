"""The return-visit record (回访记录表): plan, record, nobody home, nonconformity, 复访, void."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wuyedesk.domain.errors import FormErrors, PermissionDenied, UserError, ValidationError
from wuyedesk.domain.kinds import Department, Satisfaction, VisitKind, VisitMethod
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.domain.workflows import RETURN_VISIT
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.entries import (
    acting_staff_id,
    check_text,
    check_time,
    office_year,
    stamp_time,
    write_audit,
)
from wuyedesk.services.overdue import shown_time
from wuyedesk.services.permissions import require
from wuyedesk.services.records import load_for_edit
from wuyedesk.services.settings import get_rules
from wuyedesk.services.visit_fields import (
    check_next_at,
    check_team,
    joined_visitors,
    read_visitors,
    validate_plan,
    visit_floor,
)
from wuyedesk.services.visit_views import (
    VisitView,
    get_visit,
    list_visits,
    place_of,
    view_visit,
    visit_chain,
    visitor_refusal,
)
from wuyedesk.store.models import Office, ReturnVisit, Staff
from wuyedesk.store.numbering import next_number
from wuyedesk.store.office_file import OfficeFile

# The screens import the return-visit record's whole API from here.
__all__ = [
    "VisitView",
    "door_note_values",
    "get_visit",
    "list_visits",
    "nobody_home",
    "open_nonconformity",
    "plan_visit",
    "record_visit",
    "rectify",
    "reschedule_visit",
    "visit_chain",
    "void_visit",
]
Apply = Callable[[ReturnVisit, datetime, Session], str]
Then = Callable[[ReturnVisit, datetime, Session], None]


def plan_visit(
    office: OfficeFile, actor: Actor, data: dict[str, Any], *, now: datetime | None = None
) -> VisitView:
    """Plan a return visit (numbered HF-); a complaint's is due within 24 h of the complaint."""
    require(actor, "visits.plan")
    state = RETURN_VISIT.start(actor.role)
    rules = get_rules(office)
    now = stamp_time(now)
    with office.transaction() as session:
        clean = validate_plan(session, data, now, rules)
        contact, order = clean["contact"], clean["order"]
        visit = ReturnVisit(
            number=next_number(session, "visit", office_year(now)),
            state=state,
            created_at=now,
            kind=clean["kind"],
            unit_id=clean["unit"].id if clean["unit"] else None,
            facility=clean["facility"],
            contact_id=contact.id if contact else None,
            repair_order_id=order.id if order else None,
            due_at=clean["due_at"],
            visitors=clean["visitors"],
        )
        session.add(visit)
        session.flush()
        related = (contact or order).number if (contact or order) else ""
        detail = f"{VisitKind(visit.kind).label} {place_of(visit)} {related}".strip()
        write_audit(session, actor, "visit.plan", f"visit:{visit.number}", detail)
        return view_visit(session, visit, actor.role, rules, now)


def _change(
    office: OfficeFile,
    actor: Actor,
    visit_id: int,
    version: int,
    now: datetime,
    actions: tuple[str, ...],
    apply: Apply,
    audit_action: str,
    then: Then | None = None,
) -> VisitView:
    """Run one use-case on one visit: stale check, the workflow's and the kind's word, audit."""
    rules = get_rules(office)
    with office.transaction() as session:
        visit = load_for_edit(session, ReturnVisit, visit_id, version, tr("回访记录"))
        target = visit.state
        for action in actions:
            target = RETURN_VISIT.next_state(target, action, actor.role)
            refusal = visitor_refusal(visit.kind, action, actor.role)
            if refusal:
                raise PermissionDenied(refusal)
        detail = apply(visit, now, session)
        visit.state = target
        session.flush()
        write_audit(session, actor, audit_action, f"visit:{visit.number}", detail)
        if then is not None:
            then(visit, now, session)
        return view_visit(session, visit, actor.role, rules, now)


def record_visit(
    office: OfficeFile,
    actor: Actor,
    visit_id: int,
    *,
    version: int,
    method: str,
    satisfaction: str,
    opinions: str | None,
    visitors: str | Sequence[str] | None,
    at: datetime | None = None,
    now: datetime | None = None,
) -> VisitView:
    """Record the visit: when, how, who, the household's opinions and satisfaction."""
    require(actor, "visits.record")
    now = stamp_time(now)
    errors: dict[str, str] = {}
    if method not in VisitMethod.__members__:
        errors["method"] = tr("请选择回访方式：交谈、现场查看、检查或电话")
    if satisfaction not in Satisfaction.__members__:
        errors["satisfaction"] = tr("请选择满意度")
    text = None
    try:
        text = check_text("opinions", opinions, tr("住户意见及建议"), required=False)
    except ValidationError as exc:
        errors["opinions"] = exc.message
    if satisfaction == Satisfaction.dissatisfied and not text and "opinions" not in errors:
        errors["opinions"] = tr("住户不满意时须记录住户的意见")
    names: list[str] = []
    try:
        names = read_visitors(visitors)
    except ValidationError as exc:
        errors["visitors"] = exc.message
    visited = now
    try:
        visited = now if at is None else check_time("visited_at", at, now, tr("回访时间"))
    except ValidationError as exc:
        errors["visited_at"] = exc.message
    if errors:
        raise FormErrors(errors)

    def apply(v: ReturnVisit, now: datetime, session: Session) -> str:
        signer = session.get(Staff, acting_staff_id(session, actor))
        assert signer is not None
        team = [signer.name, *(name for name in names if name != signer.name)]
        if v.kind == VisitKind.complaint:
            check_team(session, v, team)
        floor, what = visit_floor(session, v)
        if floor is not None and visited < floor:
            raise ValidationError("visited_at", tr("回访时间不能早于{what}时间").format(what=what))
        v.visitors, v.visitor_id = joined_visitors(team), signer.id
        v.visited_at, v.method, v.opinions, v.satisfaction = visited, method, text, satisfaction
        return f"{VisitMethod(method).label} {Satisfaction(satisfaction).label}"

    action = (f"record_{satisfaction}",)
    return _change(office, actor, visit_id, version, now, action, apply, "visit.record")


def nobody_home(
    office: OfficeFile,
    actor: Actor,
    visit_id: int,
    *,
    version: int,
    next_at: datetime,
    now: datetime | None = None,
) -> VisitView:
    """Nobody home: stamp the door note (回访单) and set the new date, in one step."""
    require(actor, "visits.record")
    now = stamp_time(now)
    when = check_next_at(next_at, now)

    def apply(v: ReturnVisit, now: datetime, session: Session) -> str:
        missed = v.due_at
        v.door_note_at, v.due_at = now, when
        return tr("住户不在家，已贴回访单；原定 {0}，另约 {1}").format(
            shown_time(missed), shown_time(when)
        )

    actions = ("nobody_home", "reschedule")
    return _change(office, actor, visit_id, version, now, actions, apply, "visit.nobody_home")


def reschedule_visit(
    office: OfficeFile,
    actor: Actor,
    visit_id: int,
    *,
    version: int,
    next_at: datetime,
    now: datetime | None = None,
) -> VisitView:
    """Set the new date of a visit left at 'nobody home' (an unreturned note: phone them)."""
    require(actor, "visits.record")
    now = stamp_time(now)
    when = check_next_at(next_at, now)

    def apply(v: ReturnVisit, now: datetime, session: Session) -> str:
        v.due_at = when
        return tr("另约 {0}").format(shown_time(when))

    return _change(
        office, actor, visit_id, version, now, ("reschedule",), apply, "visit.reschedule"
    )


# A door note is read by anyone passing: a complaint is not named as one.
DOOR_MATTER = {
    VisitKind.routine: tr("日常回访"),
    VisitKind.complaint: tr("服务回访"),
    VisitKind.repair: tr("维修服务回访"),
    VisitKind.facility: tr("公共设施回访"),
}


def door_note_values(office: OfficeFile, actor: Actor, visit_id: int) -> dict[str, Any]:
    """Return what the door note prints: office, unit, number, the matter in general words.

    Anyone passing can read a note on a door, so it carries no name, phone or details.
    """
    require(actor, "visits.record")
    with office.transaction() as session:
        visit = load_for_edit(session, ReturnVisit, visit_id, None, tr("回访记录"))
        if visit.state == "void":
            raise UserError(tr("已作废的回访记录不能打印回访单"))
        if visit.unit is None:
            raise UserError(tr("公共设施回访没有住户，不需要回访单"))
        head = session.scalars(select(Office)).one()
        noted = visit.door_note_at or stamp_time(None)
        return {
            "office_name": head.name,
            "unit_code": visit.unit.code,
            "number": visit.number,
            "matter": DOOR_MATTER[VisitKind(visit.kind)],
            "office_phone": head.phone or "",
            "date": noted.astimezone(OFFICE_TZ).date(),
        }


def open_nonconformity(
    office: OfficeFile,
    actor: Actor,
    visit_id: int,
    *,
    version: int,
    problem: str,
    department: str,
    deadline: date,
    now: datetime | None = None,
) -> VisitView:
    """A manager records the problem found, the department responsible and the deadline."""
    require(actor, "visits.record")
    now = stamp_time(now)
    errors: dict[str, str] = {}
    text = None
    try:
        text = check_text("nonconformity", problem, tr("发现问题"), required=True)
    except ValidationError as exc:
        errors["nonconformity"] = exc.message
    if department not in Department.__members__:
        errors["responsible_department"] = tr("请选择责任部门")
    if not isinstance(deadline, date) or isinstance(deadline, datetime):
        errors["rectify_deadline"] = tr("请选择整改期限")
    elif deadline < now.astimezone(OFFICE_TZ).date():
        errors["rectify_deadline"] = tr("整改期限不能早于今天")
    if errors:
        raise FormErrors(errors)

    def apply(v: ReturnVisit, now: datetime, session: Session) -> str:
        v.nonconformity, v.responsible_department = text, department
        v.rectify_deadline = deadline
        return tr("{0} {deadline:%Y-%m-%d} 前整改：{text}").format(
            Department(department).label, deadline=deadline, text=text
        )

    action = ("open_nonconformity",)
    return _change(office, actor, visit_id, version, now, action, apply, "visit.nonconformity")


def follow_up_due(deadline: date | None, rectified_at: datetime) -> datetime:
    """Return when the 复访 is due: a day after rectifying, or at the deadline if sooner."""
    next_day = rectified_at + timedelta(days=1)
    if deadline is None:
        return next_day
    end = datetime.combine(deadline + timedelta(days=1), time(), OFFICE_TZ)
    return min(next_day, end) if end > rectified_at else next_day


def rectify(
    office: OfficeFile,
    actor: Actor,
    visit_id: int,
    *,
    version: int,
    note: str,
    now: datetime | None = None,
) -> VisitView:
    """Record the nonconformity fixed and plan the 复访; visits go on until satisfied."""
    require(actor, "visits.record")
    now = stamp_time(now)
    text = check_text("note", note, tr("整改情况"), required=True)

    def apply(v: ReturnVisit, now: datetime, session: Session) -> str:
        v.rectified_at = now
        return text or ""

    def then(v: ReturnVisit, now: datetime, session: Session) -> None:
        again = ReturnVisit(
            number=next_number(session, "visit", office_year(now)),
            state=RETURN_VISIT.initial,
            created_at=now,
            kind=v.kind,
            unit_id=v.unit_id,
            facility=v.facility,
            contact_id=v.contact_id,
            repair_order_id=v.repair_order_id,
            previous_visit_id=v.id,
            due_at=follow_up_due(v.rectify_deadline, now),
            visitors=v.visitors,
        )
        session.add(again)
        session.flush()
        write_audit(
            session, actor, "visit.plan", f"visit:{again.number}", tr("复访 {0}").format(v.number)
        )

    action = ("rectify",)
    return _change(office, actor, visit_id, version, now, action, apply, "visit.rectify", then)


def void_visit(
    office: OfficeFile,
    actor: Actor,
    visit_id: int,
    reason: str,
    *,
    version: int,
    now: datetime | None = None,
) -> VisitView:
    """Void a visit planned by mistake; it keeps its number and stays in the books."""
    require(actor, "visits.record")
    now = stamp_time(now)
    text = check_text("void_reason", reason, tr("作废原因"), required=True)

    def apply(v: ReturnVisit, now: datetime, session: Session) -> str:
        v.void_reason, v.voided_at = text, now
        return text or ""

    return _change(office, actor, visit_id, version, now, ("void",), apply, "visit.void")
