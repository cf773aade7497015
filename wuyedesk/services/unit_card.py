"""The unit card: a unit's file as the cabinet holds it, with its people and its records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from wuyedesk.domain.kinds import ContactKind, RepairKind, VisitKind
from wuyedesk.domain.workflows import CONTACT, RETURN_VISIT
from wuyedesk.services.context import Actor
from wuyedesk.services.permissions import allowed, require
from wuyedesk.services.places import find_unit
from wuyedesk.services.repair_views import workflow_of
from wuyedesk.services.residents import ResidentView, _view
from wuyedesk.store.models import Contact, RepairOrder, Resident, ReturnVisit
from wuyedesk.store.office_file import OfficeFile


@dataclass(frozen=True)
class RecordLine:
    """One record on the card: number, date, kind and state (as shown), a short text."""

    number: str
    at: datetime | None
    kind: str
    state: str
    summary: str


@dataclass(frozen=True)
class UnitCard:
    """Everything the unit's paper file shows."""

    id: int
    code: str
    building: str
    entrance: int | None
    floor: int
    room: str
    area_m2: str
    possession_date: date | None
    notes: str
    people: list[ResidentView]
    history: list[ResidentView]
    contacts: list[RecordLine]
    repairs: list[RecordLine]
    visits: list[RecordLine]


def unit_card(office: OfficeFile, actor: Actor, unit_code: str) -> UnitCard:
    """Return a unit's card: its data, current people, past people and its records."""
    require(actor, "residents.view")
    with office.transaction() as session:
        unit = find_unit(session, unit_code)
        residents = session.scalars(
            select(Resident).where(Resident.unit_id == unit.id).order_by(Resident.id)
        ).all()
        people = [_view(r, unit.code, reveal=False) for r in residents if r.moved_out is None]
        order = {"owner": 0, "family": 1, "tenant": 2}
        people.sort(key=lambda p: order.get(p.role, 3))
        history = [_view(r, unit.code, reveal=False) for r in residents if r.moved_out]
        contacts = (
            [
                RecordLine(
                    c.number,
                    c.at,
                    ContactKind(c.kind).label,
                    CONTACT.state_label(c.state),
                    c.content[:40],
                )
                for c in session.scalars(
                    select(Contact).where(Contact.unit_id == unit.id).order_by(Contact.at.desc())
                )
            ]
            if allowed(actor, "contacts.view")
            else []
        )
        # Each history shows only to those who may see that paper (security has no slips).
        repairs = (
            [
                RecordLine(
                    r.number,
                    r.reported_at,
                    RepairKind(r.kind).label,
                    workflow_of(r.kind).state_label(r.state),
                    r.content[:40],
                )
                for r in session.scalars(
                    select(RepairOrder)
                    .where(RepairOrder.unit_id == unit.id)
                    .order_by(RepairOrder.reported_at.desc())
                )
            ]
            if allowed(actor, "repairs.view")
            else []
        )
        visits = (
            [
                RecordLine(
                    v.number,
                    v.visited_at or v.due_at,
                    VisitKind(v.kind).label,
                    RETURN_VISIT.state_label(v.state),
                    v.opinions or "",
                )
                for v in session.scalars(
                    select(ReturnVisit)
                    .where(ReturnVisit.unit_id == unit.id)
                    .order_by(ReturnVisit.due_at.desc())
                )
            ]
            if allowed(actor, "visits.view")
            else []
        )
        area = unit.area_centi_m2
        return UnitCard(
            id=unit.id,
            code=unit.code,
            building=unit.building.label,
            entrance=unit.entrance.number if unit.entrance else None,
            floor=unit.floor.storey,
            room=unit.room,
            area_m2=f"{area // 100}.{area % 100:02d}" if area is not None else "",
            possession_date=unit.possession_date,
            notes=unit.notes or "",
            people=people,
            history=history,
            contacts=contacts,
            repairs=repairs,
            visits=visits,
        )
