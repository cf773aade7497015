"""The help-request log as screens read it: one request's view, its step log, the list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from wuyedesk.domain.kinds import SPECIAL_STEPS, HelpType
from wuyedesk.domain.roles import Role
from wuyedesk.domain.sla import Rules
from wuyedesk.domain.validators import mask_phone
from wuyedesk.domain.workflows import HELP_REQUEST, help_request_actions
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.entries import day_bounds, staff_names, stamp_time
from wuyedesk.services.overdue import help_overdue
from wuyedesk.services.paging import PAGE_SIZE, Cursor, Page, collect, ordered_after
from wuyedesk.services.permissions import PERMISSIONS, require
from wuyedesk.services.records import load_for_edit
from wuyedesk.services.settings import get_rules
from wuyedesk.store.models import Contact, HelpRequest, RepairOrder
from wuyedesk.store.office_file import OfficeFile

# The special-help step log (篇5 §5.1), in the order the paper lists it.
CONFIDENTIAL_TEXT = tr("（涉及保密，仅管理处人员可见）")
# Confidential enquiries (篇5 §5.6.4) are read in full by the office only.
CONFIDANTS = PERMISSIONS["contacts.record"]


@dataclass(frozen=True)
class HelpStepView:
    """One stamped line of the step log."""

    step: str
    step_label: str
    at: datetime
    staff_name: str
    note: str | None


@dataclass(frozen=True)
class HelpView:
    """One help request as screens and slips show it: phone masked, live buttons listed."""

    id: int
    number: str
    at: datetime
    requester_name: str
    unit_code: str | None
    location: str | None
    phone: str | None
    help_type: str
    help_type_label: str
    is_special: bool
    category_label: str
    content: str
    state: str
    state_label: str
    received_by: str
    nearest_person: str | None
    sent_at: datetime | None
    arrived_at: datetime | None
    situation: str | None
    director_told_at: datetime | None
    emergency_called: str | None
    security_told_at: datetime | None
    relatives_told_at: datetime | None
    escorted: bool
    written: bool
    confidential: bool
    answer: str | None
    answer_due: datetime | None
    answered_at: datetime | None
    contact_number: str | None
    repair_number: str | None
    result: str | None
    handled_by: str | None
    done_at: datetime | None
    void_reason: str | None
    steps: list[HelpStepView]
    overdue: list[str]
    actions: list[tuple[str, str]]
    version: int


def linked_numbers(session: Session, h: HelpRequest) -> tuple[str | None, str | None]:
    """Return the numbers of the register entry and the slip a request became."""
    contact = session.get(Contact, h.contact_id) if h.contact_id is not None else None
    order = session.get(RepairOrder, h.repair_order_id) if h.repair_order_id is not None else None
    return (contact.number if contact else None, order.number if order else None)


def numbers_of(
    session: Session, requests: Sequence[HelpRequest]
) -> dict[int, tuple[str | None, str | None]]:
    """Return linked_numbers of many requests by id, in two queries (a list's rows)."""
    contact_ids = {h.contact_id for h in requests if h.contact_id is not None}
    order_ids = {h.repair_order_id for h in requests if h.repair_order_id is not None}
    contacts = {
        id_: number
        for id_, number in session.execute(
            select(Contact.id, Contact.number).where(Contact.id.in_(contact_ids))
        )
    }
    orders = {
        id_: number
        for id_, number in session.execute(
            select(RepairOrder.id, RepairOrder.number).where(RepairOrder.id.in_(order_ids))
        )
    }
    return {
        h.id: (contacts.get(h.contact_id or 0), orders.get(h.repair_order_id or 0))
        for h in requests
    }


def view_help(
    session: Session,
    help_request: HelpRequest,
    role: Role,
    rules: Rules,
    now: datetime,
    names: dict[int, str] | None = None,
    numbers: tuple[str | None, str | None] | None = None,
) -> HelpView:
    """Return one request's view inside an open transaction (a list passes its numbers)."""
    names = names if names is not None else staff_names(session)
    h = help_request
    hidden = h.confidential and role not in CONFIDANTS
    contact_number, repair_number = numbers if numbers is not None else linked_numbers(session, h)
    steps = [
        HelpStepView(
            s.step, SPECIAL_STEPS.get(s.step, s.step), s.at, names.get(s.staff_id or 0, ""), s.note
        )
        for s in sorted(h.steps, key=lambda s: (s.at, s.id))
    ]
    return HelpView(
        id=h.id,
        number=h.number,
        at=h.at,
        requester_name=h.requester_name,
        unit_code=h.unit.code if h.unit else None,
        location=h.location,
        phone=mask_phone(h.phone) if h.phone else None,
        help_type=h.help_type,
        help_type_label=HelpType(h.help_type).label,
        is_special=h.is_special,
        category_label=tr("特别求助") if h.is_special else tr("一般求助"),
        content=CONFIDENTIAL_TEXT if hidden else h.content,
        state=h.state,
        state_label=HELP_REQUEST.state_label(h.state),
        received_by=names.get(h.received_by_id, ""),
        nearest_person=h.nearest_person,
        sent_at=h.sent_at,
        arrived_at=h.arrived_at,
        situation=h.situation,
        director_told_at=h.director_told_at,
        emergency_called=h.emergency_called,
        security_told_at=h.security_told_at,
        relatives_told_at=h.relatives_told_at,
        escorted=h.escorted,
        written=h.written,
        confidential=h.confidential,
        answer=CONFIDENTIAL_TEXT if hidden and h.answer else h.answer,
        answer_due=h.answer_due,
        answered_at=h.answered_at,
        contact_number=contact_number,
        repair_number=repair_number,
        result=h.result,
        handled_by=h.handled_by,
        done_at=h.done_at,
        void_reason=h.void_reason,
        steps=steps,
        overdue=help_overdue(h, rules, now),
        actions=[(t.action, t.label) for t in help_request_actions(h.help_type, h.state, role)],
        version=h.version,
    )


def get_help(
    office: OfficeFile, actor: Actor, help_id: int, *, now: datetime | None = None
) -> HelpView:
    """Return one help request with its step log, live buttons and overdue reasons."""
    require(actor, "help.view")
    rules = get_rules(office)
    with office.transaction() as session:
        help_request = load_for_edit(session, HelpRequest, help_id, None, tr("求助记录"))
        return view_help(session, help_request, actor.role, rules, stamp_time(now))


def list_help(
    office: OfficeFile,
    actor: Actor,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    open_only: bool = False,
    overdue_only: bool = False,
    special_only: bool = False,
    now: datetime | None = None,
) -> list[HelpView]:
    """Return the help log, newest first: today by default, every day when only open/overdue."""
    return list_help_page(
        office,
        actor,
        limit=None,
        date_from=date_from,
        date_to=date_to,
        open_only=open_only,
        overdue_only=overdue_only,
        special_only=special_only,
        now=now,
    ).rows


def list_help_page(
    office: OfficeFile,
    actor: Actor,
    *,
    after: Cursor | None = None,
    limit: int | None = PAGE_SIZE,
    date_from: date | None = None,
    date_to: date | None = None,
    open_only: bool = False,
    overdue_only: bool = False,
    special_only: bool = False,
    now: datetime | None = None,
) -> Page[HelpView]:
    """Return one page of list_help after a cursor (None: the first page, every row)."""
    require(actor, "help.view")
    now = stamp_time(now)
    bounds = day_bounds(date_from, date_to, now, unbounded=open_only or overdue_only)
    query = select(HelpRequest)
    if bounds is not None:
        query = query.where(HelpRequest.at >= bounds[0], HelpRequest.at < bounds[1])
    if open_only or overdue_only:
        query = query.where(HelpRequest.state.in_(_OPEN))
    if special_only:
        query = query.where(HelpRequest.is_special.is_(True))
    rules = get_rules(office)
    with office.transaction() as session:
        names = staff_names(session)

        def read(cursor: Cursor | None, count: int | None) -> list[tuple[Cursor, HelpView | None]]:
            page = ordered_after(query, _NEWEST, cursor).limit(count)
            found = list(session.scalars(page.options(*_LIST_LOADS)))
            numbers = numbers_of(session, found)
            read_rows: list[tuple[Cursor, HelpView | None]] = []
            for h in found:
                view = view_help(session, h, actor.role, rules, now, names, numbers[h.id])
                read_rows.append(((h.at, h.id), view if view.overdue or not overdue_only else None))
            return read_rows

        return collect(read, after, limit, sifted=overdue_only)


_NEWEST = ((HelpRequest.at, True), (HelpRequest.id, True))
# The open states by name, so that the state index finds them (NOT IN reads every row).
_OPEN = sorted(set(HELP_REQUEST.states) - HELP_REQUEST.final)
_LIST_LOADS = (selectinload(HelpRequest.unit), selectinload(HelpRequest.steps))
