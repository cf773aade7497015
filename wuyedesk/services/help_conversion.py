"""What a general help request becomes: a register entry or a repair slip (篇5 §5.3–5.5)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from wuyedesk.domain.errors import ValidationError
from wuyedesk.domain.kinds import (
    ContactKind,
    ContactMethod,
    HelpType,
    RepairCategory,
    RepairKind,
    ReportChannel,
)
from wuyedesk.domain.sla import Rules
from wuyedesk.domain.workflows import REPAIR_FREE, REPAIR_PAID
from wuyedesk.i18n import tr
from wuyedesk.services.contacts import insert_contact
from wuyedesk.services.context import Actor
from wuyedesk.services.entries import acting_staff_id, office_year, write_audit
from wuyedesk.store.models import Contact, HelpRequest, RepairOrder
from wuyedesk.store.numbering import next_number

# What a general request becomes on the register (篇5 §5.3–5.5).
CONTACT_KIND = {
    HelpType.complaint: ContactKind.complaint,
    HelpType.repair: ContactKind.repair,
    HelpType.paid_service: ContactKind.repair,
    HelpType.other: ContactKind.help,
}


def contact_from_help(
    session: Session, actor: Actor, h: HelpRequest, rules: Rules, department: str
) -> Contact:
    """Put a general request on the register with the same caller, place and words."""
    clean = {
        "at": h.at,
        "method": ContactMethod.call.value,
        "unit": h.unit,
        "caller_name": h.requester_name,
        "phone": h.phone,
        "kind": CONTACT_KIND[HelpType(h.help_type)].value,
        "content": _with_place(h),
    }
    return insert_contact(session, actor, clean, rules, complained=department)


def _with_place(h: HelpRequest) -> str:
    return (
        h.content
        if h.unit_id is not None or not h.location
        else tr("（{0}）{1}").format(h.location, h.content)
    )


def repair_from_help(session: Session, actor: Actor, h: HelpRequest) -> RepairOrder:
    """Open a repair slip (WX-) or paid-service slip (YC-) from a request, in this transaction."""
    paid = h.help_type == HelpType.paid_service
    workflow = REPAIR_PAID if paid else REPAIR_FREE
    state = workflow.start(actor.role)
    if not h.phone:
        raise ValidationError("phone", tr("维修单须有联系电话，请先补录求助人电话"))
    kind = RepairKind.paid if paid else RepairKind.free
    order = RepairOrder(
        number=next_number(session, f"repair_{kind.value}", office_year(h.at)),
        state=state,
        kind=kind.value,
        reported_at=h.at,
        channel=ReportChannel.phone.value,
        unit_id=h.unit_id,
        facility=None if h.unit_id is not None else h.location,
        reporter_name=h.requester_name,
        phone=h.phone,
        category=RepairCategory.other.value,
        content=h.content,
        opened_by_id=acting_staff_id(session, actor),
    )
    session.add(order)
    session.flush()
    write_audit(
        session,
        actor,
        "repair.open",
        f"repair:{order.number}",
        tr("由求助 {0} 转来").format(h.number),
    )
    return order
