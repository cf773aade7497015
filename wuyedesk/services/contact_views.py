"""The register as screens read it: one entry's view, its live buttons, the day's list."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from wuyedesk.domain.errors import ValidationError
from wuyedesk.domain.kinds import ContactKind, ContactMethod, Department, Satisfaction
from wuyedesk.domain.roles import Role
from wuyedesk.domain.sla import Rules
from wuyedesk.domain.validators import mask_phone
from wuyedesk.domain.workflows import CONTACT, contact_can_archive
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.entries import day_bounds, staff_names, stamp_time
from wuyedesk.services.overdue import VISIT_SATISFIED, contact_overdue
from wuyedesk.services.paging import PAGE_SIZE, Cursor, Page, collect, ordered_after
from wuyedesk.services.permissions import PERMISSIONS, require
from wuyedesk.services.records import load_for_edit
from wuyedesk.services.settings import get_rules
from wuyedesk.store.models import Building, Contact, ReturnVisit, Unit
from wuyedesk.store.office_file import OfficeFile

# Complaint-only steps that are not workflow moves: offered while the complaint is open.
DEPT_CONTACT = ("dept_contact", tr("登记部门联系住户"))
UPDATE_COMPLAINT = ("update_complaint", tr("登记补救措施/答复"))
COMPLAINT_OPEN = frozenset({"relayed", "handled", "result_recorded"})


@dataclass(frozen=True)
class ContactView:
    """One register line as screens and slips show it: phone masked, live buttons listed."""

    id: int
    number: str
    at: datetime
    method: str
    method_label: str
    unit_code: str | None
    caller_name: str
    phone: str | None
    kind: str
    kind_label: str
    content: str
    state: str
    state_label: str
    recorded_by: str
    relayed_department: str | None
    relayed_department_label: str | None
    relayed_to: str | None
    relayed_at: datetime | None
    complained_department: str | None
    complained_department_label: str | None
    dept_contact_at: datetime | None
    remedy: str | None
    solvable: bool | None
    answer: str | None
    result: str | None
    result_at: datetime | None
    visit_due_at: datetime | None
    satisfaction: str | None
    satisfaction_label: str | None
    archived_at: datetime | None
    void_reason: str | None
    is_complaint: bool
    overdue: list[str]
    actions: list[tuple[str, str]]
    version: int


def visit_states(session: Session, ids: Collection[int]) -> dict[int, set[str]]:
    """Return the states of the return visits recorded against each register entry."""
    found: dict[int, set[str]] = {}
    if not ids:
        return found
    rows = session.execute(
        select(ReturnVisit.contact_id, ReturnVisit.state).where(ReturnVisit.contact_id.in_(ids))
    )
    for contact_id, state in rows:
        if contact_id is not None:
            found.setdefault(contact_id, set()).add(state)
    return found


def _actions(contact: Contact, role: Role, visits: set[str]) -> list[tuple[str, str]]:
    live: list[tuple[str, str]] = []
    for step in CONTACT.actions(contact.state, role):
        if step.action == "archive" and contact_can_archive(
            contact.kind == ContactKind.complaint,
            bool(contact.result),
            bool(VISIT_SATISFIED & visits),
        ):
            continue
        if step.action == "record_result" and (
            contact.kind == ContactKind.complaint and contact.relayed_at is None
        ):
            continue
        live.append((step.action, step.label))
    complaint_open = contact.kind == ContactKind.complaint and contact.state in COMPLAINT_OPEN
    if complaint_open and role in _HANDLERS:
        live += [DEPT_CONTACT, UPDATE_COMPLAINT]
    return live


_HANDLERS = PERMISSIONS["contacts.handle"]


def _label(kind: Any, value: str | None) -> str | None:
    return kind(value).label if value else None


def _view(
    contact: Contact,
    role: Role,
    rules: Rules,
    now: datetime,
    visits: set[str],
    names: dict[int, str],
) -> ContactView:
    return ContactView(
        id=contact.id,
        number=contact.number,
        at=contact.at,
        method=contact.method,
        method_label=ContactMethod(contact.method).label,
        unit_code=contact.unit.code if contact.unit else None,
        caller_name=contact.caller_name,
        phone=mask_phone(contact.phone) if contact.phone else None,
        kind=contact.kind,
        kind_label=ContactKind(contact.kind).label,
        content=contact.content,
        state=contact.state,
        state_label=CONTACT.state_label(contact.state),
        recorded_by=names.get(contact.recorded_by_id, ""),
        relayed_department=contact.relayed_department,
        relayed_department_label=_label(Department, contact.relayed_department),
        relayed_to=contact.relayed_to,
        relayed_at=contact.relayed_at,
        complained_department=contact.complained_department,
        complained_department_label=_label(Department, contact.complained_department),
        dept_contact_at=contact.dept_contact_at,
        remedy=contact.remedy,
        solvable=contact.solvable,
        answer=contact.answer,
        result=contact.result,
        result_at=contact.result_at,
        visit_due_at=contact.visit_due_at,
        satisfaction=contact.satisfaction,
        satisfaction_label=_label(Satisfaction, contact.satisfaction),
        archived_at=contact.archived_at,
        void_reason=contact.void_reason,
        is_complaint=contact.kind == ContactKind.complaint,
        overdue=contact_overdue(contact, rules, now, visits),
        actions=_actions(contact, role, visits),
        version=contact.version,
    )


def view_one(
    session: Session, contact: Contact, actor: Actor, rules: Rules, now: datetime
) -> ContactView:
    """Return one entry's view inside an open transaction."""
    visits = visit_states(session, [contact.id]).get(contact.id, set())
    return _view(contact, actor.role, rules, now, visits, staff_names(session))


def get_contact(
    office: OfficeFile, actor: Actor, contact_id: int, *, now: datetime | None = None
) -> ContactView:
    """Return one register entry with its live buttons and overdue reasons."""
    require(actor, "contacts.view")
    rules = get_rules(office)
    with office.transaction() as session:
        contact = load_for_edit(session, Contact, contact_id, None, tr("登记记录"))
        return view_one(session, contact, actor, rules, stamp_time(now))


def list_contacts(
    office: OfficeFile,
    actor: Actor,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    open_only: bool = False,
    overdue_only: bool = False,
    kind: str | None = None,
    building: str | None = None,
    now: datetime | None = None,
) -> list[ContactView]:
    """Return the register, newest first: today by default, every day when only open/overdue."""
    return list_contacts_page(
        office,
        actor,
        limit=None,
        date_from=date_from,
        date_to=date_to,
        open_only=open_only,
        overdue_only=overdue_only,
        kind=kind,
        building=building,
        now=now,
    ).rows


def list_contacts_page(
    office: OfficeFile,
    actor: Actor,
    *,
    after: Cursor | None = None,
    limit: int | None = PAGE_SIZE,
    date_from: date | None = None,
    date_to: date | None = None,
    open_only: bool = False,
    overdue_only: bool = False,
    kind: str | None = None,
    building: str | None = None,
    now: datetime | None = None,
) -> Page[ContactView]:
    """Return one page of list_contacts after a cursor (None: the first page, every row)."""
    now = stamp_time(now)
    query = _contacts_where(
        actor, date_from, date_to, open_only or overdue_only, kind, building, now
    )
    rules = get_rules(office)
    with office.transaction() as session:
        names = staff_names(session)

        def read(
            cursor: Cursor | None, count: int | None
        ) -> list[tuple[Cursor, ContactView | None]]:
            page = ordered_after(query, _NEWEST, cursor).limit(count)
            contacts = list(session.scalars(page.options(selectinload(Contact.unit))))
            visits = visit_states(session, [c.id for c in contacts])
            read_rows: list[tuple[Cursor, ContactView | None]] = []
            for c in contacts:
                view = _view(c, actor.role, rules, now, visits.get(c.id, set()), names)
                read_rows.append(((c.at, c.id), view if view.overdue or not overdue_only else None))
            return read_rows

        return collect(read, after, limit, sifted=overdue_only)


_NEWEST = ((Contact.at, True), (Contact.id, True))
# The open states by name, so that the state index finds them (NOT IN reads every row).
_OPEN = sorted(set(CONTACT.states) - CONTACT.final)


def _contacts_where(
    actor: Actor,
    date_from: date | None,
    date_to: date | None,
    open_only: bool,
    kind: str | None,
    building: str | None,
    now: datetime,
) -> Select[Contact]:
    """Return the entries a register list holds, checking the actor may see them; unsorted."""
    require(actor, "contacts.view")
    if kind and kind not in ContactKind.__members__:
        raise ValidationError("kind", tr("没有这个事由类别"))
    bounds = day_bounds(date_from, date_to, now, unbounded=open_only)
    query = select(Contact)
    if bounds is not None:
        query = query.where(Contact.at >= bounds[0], Contact.at < bounds[1])
    if open_only:
        query = query.where(Contact.state.in_(_OPEN))
    if kind:
        query = query.where(Contact.kind == kind)
    if building:
        # The building's label ("3"), or as typed: 3栋 / 3幢 (the words of an address).
        label = building.strip().removesuffix("栋").removesuffix("幢")  # i18n: data
        query = query.join(Unit, Unit.id == Contact.unit_id).join(
            Building, Building.id == Unit.building_id
        )
        query = query.where(Building.label == label)
    return query
