"""The return-visit record as screens read it: one visit, the list, a matter's chain of visits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, cast

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from wuyedesk.domain.errors import ValidationError
from wuyedesk.domain.kinds import Department, Kind, Satisfaction, VisitKind, VisitMethod
from wuyedesk.domain.roles import ROLE_LABELS, Role
from wuyedesk.domain.sla import OFFICE_TZ, Rules
from wuyedesk.domain.workflows import RETURN_VISIT
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.entries import day_bounds, stamp_time
from wuyedesk.services.overdue import shown_time
from wuyedesk.services.paging import PAGE_SIZE, Cursor, Page, Tally, collect, ordered_after
from wuyedesk.services.permissions import require
from wuyedesk.services.records import load_for_edit
from wuyedesk.services.settings import get_rules
from wuyedesk.store.models import Contact, RepairOrder, ReturnVisit
from wuyedesk.store.office_file import OfficeFile

R = Role
# Who makes each kind of visit (篇4 §4(1)–(4)): managers from department head up visit
# routinely, the property supervisor (with the complained department's head) visits on
# complaints, the assistant phones about repairs, security checks the facilities.
KIND_VISITORS: dict[str, frozenset[Role]] = {
    VisitKind.routine: frozenset({R.supervisor, R.director, R.eng_supervisor}),
    VisitKind.complaint: frozenset({R.supervisor}),
    VisitKind.repair: frozenset({R.assistant, R.supervisor, R.director}),
    VisitKind.facility: frozenset({R.security, R.supervisor, R.director}),
}
_KIND_WHO: dict[str, str] = {
    VisitKind.routine: tr("部门主管以上的管理人员"),
    VisitKind.complaint: tr("物业部主管会同被投诉部门主管"),
    VisitKind.repair: tr("物业助理（电话回访）"),
    VisitKind.facility: tr("保安"),
}
# The assistant fills in the door note and posts it (篇4 §4(6)), whatever the visit.
DOOR_NOTE_ROLES = frozenset({R.assistant})
_VISIT_STEPS = frozenset({"record_satisfied", "record_fairly", "record_dissatisfied"})
_DOOR_STEPS = frozenset({"nobody_home", "reschedule"})
OPEN_STATES = frozenset({"planned", "nobody_home"})


def visitor_refusal(kind: str, action: str, role: Role) -> str | None:
    """Return why this role may not take this step on this kind of visit, in Chinese, or None."""
    if action in _VISIT_STEPS:
        allowed = KIND_VISITORS[kind]
    elif action in _DOOR_STEPS:
        allowed = KIND_VISITORS[kind] | DOOR_NOTE_ROLES
    else:
        return None
    if role in allowed:
        return None
    return tr("{0}回访须由{1}进行，您的岗位（{2}）不能登记").format(
        VisitKind(kind).label, _KIND_WHO[kind], ROLE_LABELS[role]
    )


@dataclass(frozen=True)
class VisitView:
    """One line of the return-visit record as screens show it, with its live buttons."""

    id: int
    number: str
    kind: str
    kind_label: str
    unit_code: str | None
    facility: str | None
    place: str
    related_number: str | None
    previous_number: str | None
    next_number: str | None
    created_at: datetime
    due_at: datetime
    visit_limit: datetime | None  # a complaint's 24-hour limit (its first visit only)
    visited_at: datetime | None
    method: str | None
    method_label: str
    visitors: str
    opinions: str | None
    satisfaction: str | None
    satisfaction_label: str
    state: str
    state_label: str
    nonconformity: str | None
    responsible_department: str | None
    responsible_department_label: str
    rectify_deadline: date | None
    rectified_at: datetime | None
    door_note_at: datetime | None
    void_reason: str | None
    late: bool  # a complaint visited after its 24-hour limit: a breach
    overdue_now: bool  # still to do and past its time
    overdue: list[str]
    actions: list[tuple[str, str]]
    version: int


@dataclass
class _Links:
    contacts: dict[int, Contact]
    orders: dict[int, str]
    numbers: dict[int, str]
    follow_ups: dict[int, str]


def _links(session: Session, visits: Iterable[ReturnVisit]) -> _Links:
    visits = list(visits)
    contact_ids = {v.contact_id for v in visits if v.contact_id is not None}
    order_ids = {v.repair_order_id for v in visits if v.repair_order_id is not None}
    previous_ids = {v.previous_visit_id for v in visits if v.previous_visit_id is not None}
    ids = {v.id for v in visits}
    contacts = session.scalars(select(Contact).where(Contact.id.in_(contact_ids)))
    orders = session.execute(
        select(RepairOrder.id, RepairOrder.number).where(RepairOrder.id.in_(order_ids))
    )
    numbers = session.execute(
        select(ReturnVisit.id, ReturnVisit.number).where(ReturnVisit.id.in_(previous_ids))
    )
    # A 复访 is saved after the visit it follows, so its id is larger: the id range lets
    # the primary key narrow the search while previous_visit_id has no index of its own.
    follow_ups = session.execute(
        select(ReturnVisit.previous_visit_id, ReturnVisit.number)
        .where(
            ReturnVisit.id > min(ids, default=0),
            ReturnVisit.previous_visit_id.in_(ids),
            ReturnVisit.state != "void",
        )
        .order_by(ReturnVisit.id)
    )
    return _Links(
        contacts={c.id: c for c in contacts},
        orders={id_: number for id_, number in orders},
        numbers={id_: number for id_, number in numbers},
        follow_ups={id_: number for id_, number in follow_ups if id_ is not None},
    )


def complaint_limit(visit: ReturnVisit, contact: Contact | None) -> datetime | None:
    """Return the complaint's 24-hour limit that this visit answers to (first visits only)."""
    if visit.kind != VisitKind.complaint or visit.previous_visit_id is not None or not contact:
        return None
    return contact.visit_due_at


class VisitTimes(Protocol):
    """What visit_reasons reads of a visit: a ReturnVisit, or a row of these columns."""

    @property
    def state(self) -> str: ...
    @property
    def due_at(self) -> datetime: ...
    @property
    def visited_at(self) -> datetime | None: ...
    @property
    def rectify_deadline(self) -> date | None: ...


def visit_reasons(
    visit: VisitTimes, limit: datetime | None, rules: Rules, now: datetime
) -> tuple[bool, list[str]]:
    """Return (late, reasons): the breach of a visit made late, and what is overdue now."""
    if visit.state == "void":
        return False, []
    reasons: list[str] = []
    hours = rules.complaint_visit_hours
    late = limit is not None and visit.visited_at is not None and visit.visited_at > limit
    if late:
        assert limit is not None and visit.visited_at is not None
        reasons.append(
            tr("投诉超过 {hours} 小时才回访（应于 {0} 前，实际 {1}）").format(
                shown_time(limit), shown_time(visit.visited_at), hours=hours
            )
        )
    if visit.state in OPEN_STATES:
        if limit is not None and now > limit:
            reasons.append(
                tr("投诉超过 {hours} 小时未回访（应于 {0} 前）").format(
                    shown_time(limit), hours=hours
                )
            )
        elif now > visit.due_at:
            reasons.append(tr("已过回访日期（应于 {0} 前）").format(shown_time(visit.due_at)))
    deadline = visit.rectify_deadline
    past = deadline is not None and now.astimezone(OFFICE_TZ).date() > deadline
    if visit.state == "nonconformity_open" and past:
        reasons.append(
            tr("超过整改期限（应于 {deadline:%m-%d} 前整改完成）").format(deadline=deadline)
        )
    return late, reasons


def visit_actions(visit: ReturnVisit, role: Role) -> list[tuple[str, str]]:
    """Return the live buttons of a visit for this role: the workflow's, then the kind's rule."""
    return [
        (t.action, t.label)
        for t in RETURN_VISIT.actions(visit.state, role)
        if visitor_refusal(visit.kind, t.action, role) is None
    ]


def place_of(visit: ReturnVisit) -> str:
    """Return where the visit is made: the unit code, or the facility."""
    if visit.unit is not None:
        return visit.unit.code
    return tr("公共设施：{0}").format(visit.facility) if visit.facility else ""


def _label(kind: type[Kind], value: str | None) -> str:
    return kind(value).label if value else ""


def _view(visit: ReturnVisit, role: Role, rules: Rules, now: datetime, links: _Links) -> VisitView:
    contact = links.contacts.get(visit.contact_id) if visit.contact_id else None
    limit = complaint_limit(visit, contact)
    late, reasons = visit_reasons(visit, limit, rules, now)
    related = contact.number if contact else None
    if visit.repair_order_id is not None:
        related = links.orders.get(visit.repair_order_id)
    return VisitView(
        id=visit.id,
        number=visit.number,
        kind=visit.kind,
        kind_label=VisitKind(visit.kind).label,
        unit_code=visit.unit.code if visit.unit else None,
        facility=visit.facility,
        place=place_of(visit),
        related_number=related,
        previous_number=links.numbers.get(visit.previous_visit_id or 0),
        next_number=links.follow_ups.get(visit.id),
        created_at=visit.created_at,
        due_at=visit.due_at,
        visit_limit=limit,
        visited_at=visit.visited_at,
        method=visit.method,
        method_label=_label(VisitMethod, visit.method),
        visitors=visit.visitors or "",
        opinions=visit.opinions,
        satisfaction=visit.satisfaction,
        satisfaction_label=_label(Satisfaction, visit.satisfaction),
        state=visit.state,
        state_label=RETURN_VISIT.state_label(visit.state),
        nonconformity=visit.nonconformity,
        responsible_department=visit.responsible_department,
        responsible_department_label=_label(Department, visit.responsible_department),
        rectify_deadline=visit.rectify_deadline,
        rectified_at=visit.rectified_at,
        door_note_at=visit.door_note_at,
        void_reason=visit.void_reason,
        late=late,
        overdue_now=visit.state not in RETURN_VISIT.final and len(reasons) > int(late),
        overdue=reasons,
        actions=visit_actions(visit, role),
        version=visit.version,
    )


def view_visit(
    session: Session, visit: ReturnVisit, role: Role, rules: Rules, now: datetime
) -> VisitView:
    """Return one visit's view inside an open transaction."""
    return _view(visit, role, rules, now, _links(session, [visit]))


def get_visit(
    office: OfficeFile, actor: Actor, visit_id: int, *, now: datetime | None = None
) -> VisitView:
    """Return one return visit with its live buttons and its late/overdue reasons."""
    require(actor, "visits.view")
    rules = get_rules(office)
    with office.transaction() as session:
        visit = load_for_edit(session, ReturnVisit, visit_id, None, tr("回访记录"))
        return view_visit(session, visit, actor.role, rules, stamp_time(now))


def list_visits(
    office: OfficeFile,
    actor: Actor,
    *,
    kind: str | None = None,
    open_only: bool = False,
    overdue_only: bool = False,
    date_from: date | None = None,
    date_to: date | None = None,
    now: datetime | None = None,
) -> list[VisitView]:
    """Return the record, newest first, by visit (or due) day: today unless only open/overdue."""
    return list_visits_page(
        office,
        actor,
        limit=None,
        kind=kind,
        open_only=open_only,
        overdue_only=overdue_only,
        date_from=date_from,
        date_to=date_to,
        now=now,
    ).rows


def list_visits_page(
    office: OfficeFile,
    actor: Actor,
    *,
    after: Cursor | None = None,
    limit: int | None = PAGE_SIZE,
    kind: str | None = None,
    open_only: bool = False,
    overdue_only: bool = False,
    date_from: date | None = None,
    date_to: date | None = None,
    now: datetime | None = None,
) -> Page[VisitView]:
    """Return one page of list_visits after a cursor (None: the first page, every row)."""
    now = stamp_time(now)
    query = _visits_where(actor, kind, open_only or overdue_only, date_from, date_to, now)
    rules = get_rules(office)
    with office.transaction() as session:

        def read(cursor: Cursor | None, count: int | None) -> list[tuple[Cursor, VisitView | None]]:
            # No index gives this order: sort the ids alone (a narrow sort), then load them.
            page = ordered_after(query, _NEWEST, cursor).limit(count)
            ids = list(session.scalars(page.with_only_columns(ReturnVisit.id)))
            loaded = select(ReturnVisit).where(ReturnVisit.id.in_(ids))
            found = {
                v.id: v for v in session.scalars(loaded.options(selectinload(ReturnVisit.unit)))
            }
            visits = [found[id_] for id_ in ids]
            links = _links(session, visits)
            read_rows: list[tuple[Cursor, VisitView | None]] = []
            for v in visits:
                view = _view(v, actor.role, rules, now, links)
                listed = view.overdue_now or not overdue_only
                read_rows.append(((v.visited_at or v.due_at, v.id), view if listed else None))
            return read_rows

        return collect(read, after, limit, sifted=overdue_only)


def count_visits(
    office: OfficeFile,
    actor: Actor,
    *,
    kind: str | None = None,
    open_only: bool = False,
    overdue_only: bool = False,
    date_from: date | None = None,
    date_to: date | None = None,
    now: datetime | None = None,
) -> Tally:
    """Return how many visits list_visits lists and how many of them are late or overdue."""
    now = stamp_time(now)
    query = _visits_where(actor, kind, open_only or overdue_only, date_from, date_to, now)
    rules = get_rules(office)
    # A visit still to do is worked out one by one (they are few); a done one is late by SQL.
    done_late = (
        query.where(
            ReturnVisit.state.in_(_DONE),
            ReturnVisit.kind == VisitKind.complaint,
            ReturnVisit.previous_visit_id.is_(None),
        )
        .join(Contact, Contact.id == ReturnVisit.contact_id)
        .where(ReturnVisit.visited_at > Contact.visit_due_at)
    )
    with office.transaction() as session:
        waiting = list(
            session.execute(query.where(ReturnVisit.state.in_(_OPEN)).with_only_columns(*_CLOCK))
        )
        limits = _complaint_limits(session, waiting)
        flagged = due_now = 0
        for visit in waiting:
            first = visit.kind == VisitKind.complaint and visit.previous_visit_id is None
            limit = limits.get(visit.contact_id or 0) if first else None  # as complaint_limit
            late, reasons = visit_reasons(cast(VisitTimes, visit), limit, rules, now)
            flagged += bool(reasons)
            due_now += len(reasons) > int(late)
        if overdue_only:
            return Tally(due_now, due_now)
        if not open_only:  # an open list holds no visit that is done
            flagged += session.scalar(select(func.count()).select_from(done_late.subquery())) or 0
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return Tally(total, flagged)


def _complaint_limits(session: Session, visits: Iterable[Any]) -> dict[int, datetime]:
    """Return the 24-hour limits of the complaints these visits answer, by complaint id."""
    ids = {v.contact_id for v in visits if v.kind == VisitKind.complaint and v.contact_id}
    found = session.execute(
        select(Contact.id, Contact.visit_due_at).where(
            Contact.id.in_(ids), Contact.visit_due_at.is_not(None)
        )
    )
    return {id_: due for id_, due in found if due is not None}


_NEWEST = (
    (func.coalesce(ReturnVisit.visited_at, ReturnVisit.due_at), True),
    (ReturnVisit.id, True),
)
# The open states by name, so that the state index finds them (NOT IN reads every row).
_OPEN = sorted(set(RETURN_VISIT.states) - RETURN_VISIT.final)
# What the count reads of a visit still to do: visit_reasons's fields, whose limit applies.
_CLOCK = (
    ReturnVisit.state,
    ReturnVisit.due_at,
    ReturnVisit.visited_at,
    ReturnVisit.rectify_deadline,
    ReturnVisit.kind,
    ReturnVisit.contact_id,
    ReturnVisit.previous_visit_id,
)
_DONE = sorted(RETURN_VISIT.final - {"void"})


def _visits_where(
    actor: Actor,
    kind: str | None,
    open_only: bool,
    date_from: date | None,
    date_to: date | None,
    now: datetime,
) -> Select[ReturnVisit]:
    """Return the visits a list holds, checking the actor may see them; unsorted."""
    require(actor, "visits.view")
    if kind is not None and kind not in VisitKind.__members__:
        raise ValidationError("kind", tr("没有这个回访类型"))
    bounds = day_bounds(date_from, date_to, now, unbounded=open_only)
    query = select(ReturnVisit)
    if bounds is not None:
        start, end = bounds
        visited = ReturnVisit.visited_at
        query = query.where(
            or_(
                and_(visited.is_not(None), visited >= start, visited < end),
                and_(visited.is_(None), ReturnVisit.due_at >= start, ReturnVisit.due_at < end),
            )
        )
    if open_only:
        query = query.where(ReturnVisit.state.in_(_OPEN))
    if kind is not None:
        query = query.where(ReturnVisit.kind == kind)
    return query


def visit_chain(
    office: OfficeFile, actor: Actor, visit_id: int, *, now: datetime | None = None
) -> list[VisitView]:
    """Return every visit on the same matter, oldest first: the first visit and its 复访."""
    require(actor, "visits.view")
    rules = get_rules(office)
    now = stamp_time(now)
    with office.transaction() as session:
        visit = load_for_edit(session, ReturnVisit, visit_id, None, tr("回访记录"))
        chain = _chain(session, visit)
        links = _links(session, chain)
        return [_view(v, actor.role, rules, now, links) for v in chain]


def _chain(session: Session, visit: ReturnVisit) -> list[ReturnVisit]:
    """Return the visits of one matter: by its complaint or slip, else by the 复访 links."""
    query = select(ReturnVisit).options(selectinload(ReturnVisit.unit))
    if visit.contact_id is not None:
        found = list(session.scalars(query.where(ReturnVisit.contact_id == visit.contact_id)))
    elif visit.repair_order_id is not None:
        order_id = visit.repair_order_id
        found = list(session.scalars(query.where(ReturnVisit.repair_order_id == order_id)))
    else:
        first = visit
        while first.previous_visit_id is not None:
            earlier = session.get(ReturnVisit, first.previous_visit_id)
            if earlier is None:
                break
            first = earlier
        found, step = [first], [first.id]
        while step:
            later = list(session.scalars(query.where(ReturnVisit.previous_visit_id.in_(step))))
            found += later
            step = [v.id for v in later]
    return sorted(found, key=lambda v: (v.created_at, v.id))
