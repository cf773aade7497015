"""The visitor/call register (住户来访/来电登记表): record, relay, complaints, result, archive."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from wuyedesk.domain.errors import FormErrors, TransitionRefused, UserError, ValidationError
from wuyedesk.domain.kinds import ContactKind, ContactMethod, Department, Satisfaction
from wuyedesk.domain.sla import Rules, complaint_visit_due
from wuyedesk.domain.validators import check_name, mask_phone
from wuyedesk.domain.workflows import CONTACT, contact_can_archive
from wuyedesk.i18n import tr
from wuyedesk.services.contact_views import (
    COMPLAINT_OPEN,
    DEPT_CONTACT,
    UPDATE_COMPLAINT,
    ContactView,
    contact_overdue,
    get_contact,
    list_contacts,
    view_one,
    visit_states,
)
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
from wuyedesk.services.overdue import VISIT_SATISFIED
from wuyedesk.services.permissions import require
from wuyedesk.services.places import find_unit
from wuyedesk.services.records import load_for_edit
from wuyedesk.services.residents import ROLE_LABELS
from wuyedesk.services.settings import get_rules
from wuyedesk.store.models import Contact, Resident, Unit
from wuyedesk.store.numbering import next_number
from wuyedesk.store.office_file import OfficeFile

# The screens import the register's whole API from here.
__all__ = [
    "DEPT_CONTACT",
    "UPDATE_COMPLAINT",
    "CallerSuggestion",
    "ContactView",
    "archive_contact",
    "caller_suggestions",
    "contact_overdue",
    "get_contact",
    "insert_contact",
    "list_contacts",
    "mark_handled",
    "record_contact",
    "record_department_contact",
    "record_result",
    "relay_contact",
    "update_complaint",
    "void_contact",
]
Step = Callable[[Contact, datetime, Session], str]


@dataclass(frozen=True)
class CallerSuggestion:
    """A current resident of the unit, offered as the caller (phone masked)."""

    resident_id: int
    name: str
    role_label: str
    phone_masked: str | None


def _department(field: str, value: Any) -> str:
    if value not in Department.__members__:
        raise ValidationError(field, tr("请选择部门"))
    return str(value)


def _validate_new(session: Session, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}

    def take(field: str, check: Any) -> None:
        try:
            clean[field] = check(data.get(field))
        except ValidationError as exc:
            errors[field] = exc.message

    take("at", lambda v: now if v is None else check_time("at", v, now, tr("登记时间")))
    clean["at"] = clean.get("at") or now
    if data.get("method") not in ContactMethod.__members__:
        errors["method"] = tr("请选择方式：来访、来电或书面")
    clean["method"] = data.get("method")
    clean.update(read_caller(session, data, "caller_name", errors))
    if data.get("kind") not in ContactKind.__members__:
        errors["kind"] = tr("请选择事由类别")
    clean["kind"] = data.get("kind")
    take("content", lambda v: check_text("content", v, tr("内容"), required=True))
    if clean["kind"] == ContactKind.complaint:
        take("complained_department", lambda v: _department("complained_department", v))
    if errors:
        raise FormErrors(errors)
    return clean


def insert_contact(
    session: Session, actor: Actor, clean: dict[str, Any], rules: Rules, *, complained: str | None
) -> Contact:
    """Add a register entry from checked fields inside an open transaction (numbered DJ-)."""
    at: datetime = clean["at"]
    unit: Unit | None = clean.get("unit")
    contact = Contact(
        number=next_number(session, "contact", office_year(at)),
        state=CONTACT.initial,
        at=at,
        method=clean["method"],
        unit_id=unit.id if unit else None,
        caller_name=clean["caller_name"],
        phone=clean.get("phone"),
        kind=clean["kind"],
        content=clean["content"],
        recorded_by_id=acting_staff_id(session, actor),
    )
    if contact.kind == ContactKind.complaint:
        contact.complained_department = complained
        contact.visit_due_at = complaint_visit_due(at, rules)
    session.add(contact)
    session.flush()
    unit_text = unit.code if unit else "-"
    detail = f"{ContactKind(contact.kind).label} {unit_text}"
    write_audit(session, actor, "contact.record", f"contact:{contact.number}", detail)
    return contact


def record_contact(
    office: OfficeFile, actor: Actor, data: dict[str, Any], *, now: datetime | None = None
) -> ContactView:
    """Record a visit, call or letter on the register; complaints get their visit due time."""
    require(actor, "contacts.record")
    CONTACT.start(actor.role)
    rules = get_rules(office)
    now = stamp_time(now)
    with office.transaction() as session:
        clean = _validate_new(session, data, now)
        complained = clean.get("complained_department")
        contact = insert_contact(session, actor, clean, rules, complained=complained)
        return view_one(session, contact, actor, rules, now)


def caller_suggestions(office: OfficeFile, actor: Actor, unit_code: str) -> list[CallerSuggestion]:
    """Offer the unit's current residents as the caller (owners first, phones masked)."""
    require(actor, "contacts.record")
    with office.transaction() as session:
        unit = find_unit(session, unit_code)
        owners_first = case({"owner": 0, "tenant": 1}, value=Resident.role, else_=2)
        rows = session.scalars(
            select(Resident)
            .where(Resident.unit_id == unit.id, Resident.moved_out.is_(None))
            .order_by(owners_first, Resident.id)
        )
        suggestions = []
        for resident in rows:
            phone = resident.phone or resident.landline
            role = ROLE_LABELS.get(resident.role, resident.role)
            masked = mask_phone(phone) if phone else None
            suggestions.append(CallerSuggestion(resident.id, resident.name, role, masked))
        return suggestions


def _edit(session: Session, contact_id: int, version: int) -> Contact:
    return load_for_edit(session, Contact, contact_id, version, tr("登记记录"))


def _need_complaint(contact: Contact, what: str) -> None:
    if contact.kind != ContactKind.complaint:
        raise UserError(tr("只有投诉才需要{what}").format(what=what))
    if contact.state not in COMPLAINT_OPEN:
        if contact.state == "recorded":
            raise TransitionRefused(tr("请先将投诉转达被投诉部门"))
        raise TransitionRefused(
            tr("当前状态为「{0}」，不能{what}").format(
                CONTACT.state_label(contact.state), what=what
            )
        )


def relay_contact(
    office: OfficeFile,
    actor: Actor,
    contact_id: int,
    department: str,
    person: str,
    version: int,
    *,
    now: datetime | None = None,
) -> ContactView:
    """Relay the matter to a department head; the relay time is stamped now."""
    require(actor, "contacts.record")
    errors: dict[str, str] = {}
    try:
        department = _department("department", department)
    except ValidationError as exc:
        errors["department"] = exc.message
    try:
        person = check_name(person or "", "person")
    except ValidationError as exc:
        errors["person"] = tr("请填写负责人姓名") if not (person or "").strip() else exc.message
    if errors:
        raise FormErrors(errors)
    now = stamp_time(now)
    return _change(office, actor, contact_id, version, now, "relay", _relay(department, person))


def _relay(department: str, person: str) -> Step:
    def apply(contact: Contact, now: datetime, session: Session) -> str:
        contact.relayed_department = department
        contact.relayed_to = person
        contact.relayed_at = now
        return f"{Department(department).label} {person}"

    return apply


def record_department_contact(
    office: OfficeFile,
    actor: Actor,
    contact_id: int,
    at: datetime,
    version: int,
    *,
    now: datetime | None = None,
) -> ContactView:
    """Record when the complained department first contacted the household and apologised."""
    require(actor, "contacts.handle")
    now = stamp_time(now)
    at = check_time("dept_contact_at", at, now, tr("部门联系住户时间"))

    def apply(contact: Contact, now: datetime, session: Session) -> str:
        _need_complaint(contact, tr("登记部门联系住户时间"))
        if at < contact.at:
            raise ValidationError("dept_contact_at", tr("部门联系住户时间不能早于投诉时间"))
        contact.dept_contact_at = at
        return at.isoformat()

    return _change(office, actor, contact_id, version, now, None, apply, "contact.dept_contact")


def update_complaint(
    office: OfficeFile,
    actor: Actor,
    contact_id: int,
    data: dict[str, Any],
    version: int,
    *,
    now: datetime | None = None,
) -> ContactView:
    """Save a complaint's remedy, whether it can be solved now, and the answer given."""
    require(actor, "contacts.handle")
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for field, label in (("remedy", tr("补救措施")), ("answer", tr("答复"))):
        if field in data:
            try:
                clean[field] = check_text(field, data[field], label, required=False)
            except ValidationError as exc:
                errors[field] = exc.message
    if "solvable" in data:
        if data["solvable"] not in (None, True, False):
            errors["solvable"] = tr("请选择能否解决")
        clean["solvable"] = data["solvable"]
    if data.get("complained_department") is not None:
        try:
            department = data["complained_department"]
            clean["complained_department"] = _department("complained_department", department)
        except ValidationError as exc:
            errors["complained_department"] = exc.message
    if errors:
        raise FormErrors(errors)

    def apply(contact: Contact, now: datetime, session: Session) -> str:
        _need_complaint(contact, tr("登记补救措施和答复"))
        for field, value in clean.items():
            setattr(contact, field, value)
        return ",".join(sorted(clean))

    now = stamp_time(now)
    return _change(office, actor, contact_id, version, now, None, apply, "contact.complaint")


def mark_handled(
    office: OfficeFile, actor: Actor, contact_id: int, version: int, *, now: datetime | None = None
) -> ContactView:
    """The department head marks the relayed matter handled."""
    require(actor, "contacts.handle")
    return _change(office, actor, contact_id, version, stamp_time(now), "handle", None)


def record_result(
    office: OfficeFile,
    actor: Actor,
    contact_id: int,
    result: str,
    satisfaction: str | None = None,
    *,
    version: int,
    now: datetime | None = None,
) -> ContactView:
    """Write the result on the register, with its time (and the household's satisfaction)."""
    require(actor, "contacts.record")
    errors: dict[str, str] = {}
    try:
        text = check_text("result", result, tr("处理结果"), required=True)
    except ValidationError as exc:
        errors["result"] = exc.message
    if satisfaction not in (None, "") and satisfaction not in Satisfaction.__members__:
        errors["satisfaction"] = tr("满意度应为：满意、基本满意或不满意")
    if errors:
        raise FormErrors(errors)

    def apply(contact: Contact, now: datetime, session: Session) -> str:
        if contact.kind == ContactKind.complaint and contact.relayed_at is None:
            raise TransitionRefused(tr("投诉须先转达被投诉部门，才能登记处理结果"))
        contact.result = text
        contact.result_at = now
        contact.satisfaction = satisfaction or None
        return satisfaction or ""

    return _change(office, actor, contact_id, version, stamp_time(now), "record_result", apply)


def archive_contact(
    office: OfficeFile, actor: Actor, contact_id: int, version: int, *, now: datetime | None = None
) -> ContactView:
    """The clerk files the entry; a complaint needs its result and a satisfied return visit."""
    require(actor, "contacts.record")

    def apply(contact: Contact, now: datetime, session: Session) -> str:
        visits = visit_states(session, [contact.id]).get(contact.id, set())
        refusal = contact_can_archive(
            contact.kind == ContactKind.complaint,
            bool(contact.result),
            bool(VISIT_SATISFIED & visits),
        )
        if refusal:
            raise TransitionRefused(refusal)
        contact.archived_by_id = acting_staff_id(session, actor)
        contact.archived_at = now
        return ""

    return _change(office, actor, contact_id, version, stamp_time(now), "archive", apply)


def void_contact(
    office: OfficeFile,
    actor: Actor,
    contact_id: int,
    reason: str,
    version: int,
    *,
    now: datetime | None = None,
) -> ContactView:
    """Void an entry with a reason; it keeps its number and stays in the books."""
    require(actor, "contacts.record")
    text = check_text("void_reason", reason, tr("作废原因"), required=True)

    def apply(contact: Contact, now: datetime, session: Session) -> str:
        contact.void_reason = text
        contact.voided_at = now
        return text or ""

    return _change(office, actor, contact_id, version, stamp_time(now), "void", apply)


def _change(
    office: OfficeFile,
    actor: Actor,
    contact_id: int,
    version: int,
    now: datetime,
    action: str | None,
    apply: Step | None,
    audit_action: str | None = None,
) -> ContactView:
    """Run one step on one entry: lock check, workflow check, change, audit, fresh view."""
    rules = get_rules(office)
    with office.transaction() as session:
        contact = _edit(session, contact_id, version)
        # Refuse a step out of order before anything changes.
        target = CONTACT.next_state(contact.state, action, actor.role) if action else None
        detail = apply(contact, now, session) if apply is not None else ""
        if target is not None:
            contact.state = target
        session.flush()
        name = audit_action or f"contact.{action}"
        write_audit(session, actor, name, f"contact:{contact.number}", detail)
        return view_one(session, contact, actor, rules, now)
