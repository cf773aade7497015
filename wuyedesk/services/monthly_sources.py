"""The month's records of each paper as workbook lines, grouped by building → floor → unit.

Every source reads one month (office days) inside an open transaction and returns a
`Sheet` of bands; `FIELDS` names what each source can put in a column, so the layout
file can be checked before anything is written. Phones are masked unless the export is
full; times are office-local and naive, as Excel keeps them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from wuyedesk.domain.kinds import (
    ContactKind,
    ContactMethod,
    Department,
    HelpType,
    Kind,
    RepairCategory,
    RepairKind,
    ReportChannel,
    ResidentRole,
    Satisfaction,
    VisitKind,
    VisitMethod,
)
from wuyedesk.domain.roles import ROLE_LABELS, Role
from wuyedesk.domain.sla import OFFICE_TZ, Rules
from wuyedesk.domain.validators import mask_id, mask_phone
from wuyedesk.domain.workflows import CONTACT, DAILY_REPORT, HELP_REQUEST, RETURN_VISIT
from wuyedesk.i18n import tr
from wuyedesk.reports.monthly_workbook import Band, Line, Sheet
from wuyedesk.services.entries import staff_names
from wuyedesk.services.overdue import VISIT_MADE
from wuyedesk.services.places import building_sort_text
from wuyedesk.services.repair_views import repair_overdue, workflow_of
from wuyedesk.services.visit_fields import shown_visitors
from wuyedesk.services.visit_views import complaint_limit, visit_reasons
from wuyedesk.store.models import (
    Building,
    Contact,
    DailyReport,
    Floor,
    HelpRequest,
    RepairOrder,
    Resident,
    ReturnVisit,
    Staff,
    Unit,
)

FIELDS: dict[str, tuple[str, ...]] = {
    "register": (
        "number", "at", "method", "kind", "unit", "caller", "phone", "content",
        "relayed_department", "relayed_at", "complained_department", "visit_due_at",
        "visited_at", "result", "satisfaction", "state", "recorded_by",
    ),
    "repairs": (
        "number", "kind", "reported_at", "channel", "unit", "reporter", "phone", "category",
        "content", "engineer", "dispatched_at", "arrived_at", "arrival_late", "completed_at",
        "hours", "satisfaction", "fee", "state",
    ),
    "paid": (
        "number", "stamped_at", "unit", "reporter", "phone", "content", "labour", "material",
        "quoted", "paid", "receipt_no", "finance", "engineer", "state",
    ),
    "visits": (
        "number", "kind", "related", "unit", "due_at", "visited_at", "method", "visitors",
        "satisfaction", "opinions", "nonconformity", "department", "rectify_deadline", "state",
    ),
    "help": (
        "number", "at", "unit", "requester", "phone", "type", "special", "content", "sent_at",
        "arrived_at", "minutes", "handled_by", "result", "state",
    ),
    "daily": (
        "day", "staff", "role", "counts", "done", "undone", "coordination", "state",
        "submitted_at", "reviewer", "reviewed_at", "review_comment", "next_day_tasks",
    ),
    "residents": (
        "unit", "area", "possession_date", "name", "role", "gender", "phone", "landline",
        "id_type", "id_number", "employer", "moved_in", "emergency_name", "emergency_phone",
        "plate", "habits", "verified_on", "status", "consent",
    ),
}  # fmt: skip
CONFIDENTIAL = tr("（保密求助，内容未导出）")
_ROLE_ORDER = {"owner": 0, "family": 1, "tenant": 2}


@dataclass(frozen=True)
class Month:
    """The office days of one month, the instant it ends, and the rules and time of export."""

    first: date
    last: date
    start: datetime
    end: datetime
    now: datetime
    rules: Rules
    full: bool


@dataclass(frozen=True)
class Place:
    """Where a unit sits: for grouping and sorting."""

    building: str
    building_sort: str
    storey: int
    floor_label: str
    unit_sort: str
    code: str


def local(at: datetime | None) -> datetime | None:
    """Return an aware time as the office's naive local time (what a cell holds)."""
    return at.astimezone(OFFICE_TZ).replace(tzinfo=None) if at is not None else None


def _label(kind: type[Kind], value: str | None) -> str:
    if not value:
        return ""
    try:
        return kind(value).label
    except ValueError:
        return value


def _yuan(fen: int | None) -> float | None:
    return float(Decimal(fen) / 100) if fen is not None else None


def places(session: Session) -> dict[int, Place]:
    """Return every unit's place, read once per export."""
    rows = session.execute(
        select(Unit.id, Unit.code, Unit.sort_key, Building.label, Floor.storey, Floor.label)
        .join(Building, Building.id == Unit.building_id)
        .join(Floor, Floor.id == Unit.floor_id)
    )
    return {
        id_: Place(label, building_sort_text(label), storey, floor_label, sort_key, code)
        for id_, code, sort_key, label, storey, floor_label in rows
    }


class Grouper:
    """Collects lines by unit (or facility) and returns them as building → floor bands."""

    def __init__(self, where: dict[int, Place], building_params: Callable[[str], dict[str, Any]]):
        self.where = where
        self.building_params = building_params
        self.units: list[tuple[Place, Any, Line]] = []
        self.facilities: list[tuple[str, Any, Line]] = []
        self.unplaced: list[tuple[Any, Line]] = []

    def add(self, unit_id: int | None, facility: str | None, order: Any, line: Line) -> None:
        """Add a line for a unit, else a public facility, else a record with no place."""
        place = self.where.get(unit_id) if unit_id is not None else None
        if place is not None:
            self.units.append((place, order, line))
        elif facility:
            self.facilities.append((facility, order, line))
        else:
            self.unplaced.append((order, line))

    def bands(self) -> list[Band]:
        """Return the bands: buildings by number, floors bottom up, units in cabinet order."""
        self.units.sort(key=lambda t: (t[0].building_sort, t[0].storey, t[0].unit_sort, t[1]))
        bands: list[Band] = []
        for place, _order, line in self.units:
            if not bands or bands[-1].params["building"] != place.building:
                bands.append(Band("building", self.building_params(place.building)))
            building = bands[-1]
            if not building.bands or building.bands[-1].params["storey"] != place.storey:
                building.bands.append(
                    Band("floor", {"floor": place.floor_label, "storey": place.storey})
                )
            building.bands[-1].lines.append(line)
        if self.facilities:
            self.facilities.sort(key=lambda t: (t[0], t[1]))
            bands.append(Band("facility", {}, [line for _, _, line in self.facilities]))
        if self.unplaced:
            self.unplaced.sort(key=lambda t: t[0])
            bands.append(Band("unplaced", {}, [line for _, line in self.unplaced]))
        return bands


def _phone(value: str | None, full: bool) -> str:
    if not value:
        return ""
    return value if full else mask_phone(value)


def _in_month(column: Any, month: Month) -> Any:
    return (column >= month.start) & (column < month.end)


def _plain(where: dict[int, Place]) -> Callable[[str], dict[str, Any]]:
    del where
    return lambda building: {"building": building}


def register(session: Session, month: Month, where: dict[int, Place], **_: Any) -> Sheet:
    """The register: every visit, call and letter of the month, complaints included."""
    names = staff_names(session)
    contacts = session.scalars(
        select(Contact).where(_in_month(Contact.at, month)).order_by(Contact.at, Contact.id)
    ).all()
    first_made: dict[int, datetime] = {}
    ids = [c.id for c in contacts if c.kind == ContactKind.complaint]
    visits = session.execute(
        select(ReturnVisit.contact_id, ReturnVisit.visited_at).where(
            ReturnVisit.contact_id.in_(ids), ReturnVisit.state.in_(VISIT_MADE)
        )
    )
    for contact_id, visited_at in visits:
        if visited_at is not None and contact_id is not None:
            seen = first_made.get(contact_id)
            first_made[contact_id] = min(seen, visited_at) if seen else visited_at
    group = Grouper(where, _plain(where))
    for c in contacts:
        made = first_made.get(c.id)
        overdue = (
            c.visit_due_at is not None
            and c.state not in CONTACT.final
            and (made or month.now) > c.visit_due_at
        ) or (c.visit_due_at is not None and made is not None and made > c.visit_due_at)
        values = {
            "number": c.number,
            "at": local(c.at),
            "method": _label(ContactMethod, c.method),
            "kind": _label(ContactKind, c.kind),
            "unit": where[c.unit_id].code if c.unit_id in where else "",
            "caller": c.caller_name,
            "phone": _phone(c.phone, month.full),
            "content": c.content,
            "relayed_department": _label(Department, c.relayed_department),
            "relayed_at": local(c.relayed_at),
            "complained_department": _label(Department, c.complained_department),
            "visit_due_at": local(c.visit_due_at),
            "visited_at": local(made),
            "result": c.result or c.answer or "",
            "satisfaction": _label(Satisfaction, c.satisfaction),
            "state": CONTACT.state_label(c.state),
            "recorded_by": names.get(c.recorded_by_id, ""),
        }
        alerts = frozenset({"visit_due_at", "visited_at"}) if overdue else frozenset()
        group.add(c.unit_id, None, (local(c.at), c.id), Line(values, alerts))
    return Sheet("register", group.bands())


def _repair_values(
    o: RepairOrder, names: dict[int, str], where: dict[int, Place], full: bool
) -> dict[str, Any]:
    hours = None
    if o.completed_at is not None:
        hours = round((o.completed_at - o.reported_at).total_seconds() / 3600, 1)
    fee = None
    if o.kind == RepairKind.paid:
        fee = _yuan(o.paid_fen if o.paid_fen is not None else _quoted(o))
    return {
        "number": o.number,
        "kind": tr("有偿") if o.kind == RepairKind.paid else tr("免费"),
        "reported_at": local(o.reported_at),
        "channel": _label(ReportChannel, o.channel),
        "unit": where[o.unit_id].code if o.unit_id in where else (o.facility or ""),
        "reporter": o.reporter_name,
        "phone": _phone(o.phone, full),
        "category": _label(RepairCategory, o.category),
        "content": o.content,
        "engineer": names.get(o.engineer_id or 0, ""),
        "dispatched_at": local(o.dispatched_at),
        "arrived_at": local(o.arrived_at),
        "arrival_late": None if o.arrival_late is None else o.arrival_late,
        "completed_at": local(o.completed_at),
        "hours": hours,
        "satisfaction": _label(Satisfaction, o.satisfaction),
        "fee": fee,
        "state": workflow_of(o.kind).state_label(o.state),
    }


def _quoted(o: RepairOrder) -> int | None:
    if o.quote_labour_fen is None and o.quote_material_fen is None:
        return None
    return (o.quote_labour_fen or 0) + (o.quote_material_fen or 0)


def repairs(session: Session, month: Month, where: dict[int, Place], **_: Any) -> Sheet:
    """Every repair and paid-service slip reported in the month."""
    names = staff_names(session)
    orders = session.scalars(
        select(RepairOrder).where(_in_month(RepairOrder.reported_at, month))
    ).all()
    group = Grouper(where, _plain(where))
    for o in orders:
        values = _repair_values(o, names, where, month.full)
        alerts = set()
        if o.arrival_late:
            alerts |= {"arrived_at", "arrival_late"}
        if repair_overdue(o, month.rules, month.now):
            alerts.add("state")
        group.add(
            o.unit_id, o.facility, (local(o.reported_at), o.id), Line(values, frozenset(alerts))
        )
    return Sheet("repairs", group.bands())


def paid(session: Session, month: Month, where: dict[int, Place], **_: Any) -> Sheet:
    """Paid services stamped by finance in the month: the sheet's total is the month's takings."""
    names = staff_names(session)
    orders = session.scalars(
        select(RepairOrder).where(
            RepairOrder.kind == RepairKind.paid, _in_month(RepairOrder.stamped_at, month)
        )
    ).all()
    group = Grouper(where, _plain(where))
    for o in orders:
        values = _repair_values(o, names, where, month.full)
        values.update(
            stamped_at=local(o.stamped_at),
            labour=_yuan(o.quote_labour_fen),
            material=_yuan(o.quote_material_fen),
            quoted=_yuan(_quoted(o)),
            paid=_yuan(o.paid_fen),
            receipt_no=o.receipt_no or "",
            finance=names.get(o.finance_id or 0, ""),
        )
        group.add(o.unit_id, o.facility, (local(o.stamped_at), o.id), Line(values))
    return Sheet("paid", group.bands())


def visits(
    session: Session,
    month: Month,
    where: dict[int, Place],
    coverage: dict[str, str] | None = None,
    **_: Any,
) -> Sheet:
    """Visits made in the month, and visits due in the month not made yet."""
    names = staff_names(session)
    made = _in_month(ReturnVisit.visited_at, month)
    due = ReturnVisit.visited_at.is_(None) & _in_month(ReturnVisit.due_at, month)
    found = session.scalars(select(ReturnVisit).where(or_(made, due))).all()
    contacts = {
        c.id: c
        for c in session.scalars(
            select(Contact).where(Contact.id.in_({v.contact_id for v in found if v.contact_id}))
        )
    }
    orders = dict(
        session.execute(
            select(RepairOrder.id, RepairOrder.number).where(
                RepairOrder.id.in_({v.repair_order_id for v in found if v.repair_order_id})
            )
        ).all()
    )
    covered = coverage or {}
    group = Grouper(where, lambda b: {"building": b, "coverage": covered.get(b, "")})
    for v in found:
        contact = contacts.get(v.contact_id) if v.contact_id else None
        late, reasons = visit_reasons(v, complaint_limit(v, contact), month.rules, month.now)
        related = contact.number if contact else orders.get(v.repair_order_id or 0, "")
        values = {
            "number": v.number,
            "kind": _label(VisitKind, v.kind),
            "related": related,
            "unit": where[v.unit_id].code if v.unit_id in where else (v.facility or ""),
            "due_at": local(v.due_at),
            "visited_at": local(v.visited_at),
            "method": _label(VisitMethod, v.method),
            "visitors": shown_visitors(v.visitors) or names.get(v.visitor_id or 0, ""),
            "satisfaction": _label(Satisfaction, v.satisfaction),
            "opinions": v.opinions or "",
            "nonconformity": v.nonconformity or "",
            "department": _label(Department, v.responsible_department),
            "rectify_deadline": v.rectify_deadline,
            "state": RETURN_VISIT.state_label(v.state),
        }
        alerts = set()
        if late:
            alerts.add("visited_at")
        if reasons and not late:
            alerts |= {"due_at", "state"}
        order = (local(v.visited_at or v.due_at), v.id)
        group.add(v.unit_id, v.facility, order, Line(values, frozenset(alerts)))
    return Sheet("visits", group.bands())


def help_requests(session: Session, month: Month, where: dict[int, Place], **_: Any) -> Sheet:
    """Help requests of the month; a confidential one's content stays out of a masked export."""
    requests = session.scalars(select(HelpRequest).where(_in_month(HelpRequest.at, month))).all()
    group = Grouper(where, _plain(where))
    relay = timedelta(minutes=month.rules.relay_minutes)
    for h in requests:
        hidden = h.confidential and not month.full
        minutes = None
        if h.arrived_at is not None:
            minutes = round((h.arrived_at - h.at).total_seconds() / 60)
        values = {
            "number": h.number,
            "at": local(h.at),
            "unit": where[h.unit_id].code if h.unit_id in where else (h.location or ""),
            "requester": CONFIDENTIAL if hidden else h.requester_name,
            "phone": "" if hidden else _phone(h.phone, month.full),
            "type": _label(HelpType, h.help_type),
            "special": h.is_special,
            "content": CONFIDENTIAL if hidden else h.content,
            "sent_at": local(h.sent_at),
            "arrived_at": local(h.arrived_at),
            "minutes": minutes,
            "handled_by": h.handled_by or "",
            "result": "" if hidden else (h.result or h.answer or ""),
            "state": HELP_REQUEST.state_label(h.state),
        }
        slow = h.is_special and (h.sent_at is None or h.sent_at - h.at > relay)
        alerts = frozenset({"sent_at"}) if slow else frozenset()
        group.add(h.unit_id, h.location, (local(h.at), h.id), Line(values, alerts))
    return Sheet("help", group.bands())


def _counts_text(counts_json: str | None) -> str:
    counts = json.loads(counts_json or "{}")  # labels stored in Chinese: shown through tr
    return tr("；").join(f"{tr(k)} {v}" for k, v in counts.items() if v and not k.startswith("_"))


def daily_reports(session: Session, month: Month, where: dict[int, Place], **_: Any) -> Sheet:
    """Daily work reports of the month, one band per member of staff."""
    del where
    names = staff_names(session)
    roles = dict(session.execute(select(Staff.id, Staff.role)).all())
    reports = session.scalars(
        select(DailyReport).where(DailyReport.day >= month.first, DailyReport.day <= month.last)
    ).all()
    by_staff: dict[int, list[DailyReport]] = defaultdict(list)
    for r in reports:
        by_staff[r.staff_id].append(r)
    today = month.now.astimezone(OFFICE_TZ).date()
    bands = []
    for staff_id in sorted(by_staff, key=lambda s: (names.get(s, ""), s)):
        role = roles.get(staff_id)
        role_label = ROLE_LABELS[Role(role)] if role else ""
        band = Band("staff", {"name": names.get(staff_id, ""), "role": role_label})
        for r in sorted(by_staff[staff_id], key=lambda r: r.day):
            values = {
                "day": r.day,
                "staff": names.get(staff_id, ""),
                "role": role_label,
                "counts": _counts_text(r.counts_json),
                "done": r.done_text or "",
                "undone": r.undone_text or "",
                "coordination": r.coordination_text or "",
                "state": DAILY_REPORT.state_label(r.state),
                "submitted_at": local(r.submitted_at),
                "reviewer": names.get(r.reviewer_id or 0, ""),
                "reviewed_at": local(r.reviewed_at),
                "review_comment": r.review_comment or "",
                "next_day_tasks": r.next_day_tasks or "",
            }
            late = r.submitted_at is None and r.day < today
            band.lines.append(Line(values, frozenset({"state"}) if late else frozenset()))
        bands.append(band)
    return Sheet("daily", bands)


def residents(session: Session, month: Month, where: dict[int, Place], **_: Any) -> Sheet:
    """The residents living in the estate at the month's end, by building → floor → unit.

    A full export shows a resident's numbers only with the resident's consent (同意对外提供).
    """
    units = {
        id_: (code, area, possession)
        for id_, code, area, possession in session.execute(
            select(Unit.id, Unit.code, Unit.area_centi_m2, Unit.possession_date)
        )
    }
    # Plain columns, not ORM objects: the archive is most of the workbook's rows.
    living = session.execute(
        select(
            Resident.id, Resident.unit_id, Resident.name, Resident.role, Resident.gender,
            Resident.phone, Resident.landline, Resident.id_type, Resident.id_number,
            Resident.employer, Resident.moved_in, Resident.emergency_name,
            Resident.emergency_phone, Resident.plate, Resident.habits, Resident.verified_on,
            Resident.data_status, Resident.consent_disclose,
        ).where(
            or_(Resident.moved_in.is_(None), Resident.moved_in <= month.last),
            or_(Resident.moved_out.is_(None), Resident.moved_out > month.last),
        )
    ).all()  # fmt: skip
    group = Grouper(where, _plain(where))
    for r in living:
        code, area, possession = units[r.unit_id]
        shown = month.full and r.consent_disclose

        def phone(value: str | None, shown: bool = shown) -> str:
            return _phone(value, shown)

        values = {
            "unit": code,
            "area": float(Decimal(area) / 100) if area is not None else None,
            "possession_date": possession,
            "name": r.name,
            "role": _label(ResidentRole, r.role),
            "gender": tr(r.gender) if r.gender else "",  # stored in Chinese
            "phone": phone(r.phone),
            "landline": phone(r.landline),
            "id_type": tr(r.id_type) if r.id_type else "",  # stored in Chinese
            "id_number": (r.id_number if shown else mask_id(r.id_number)) if r.id_number else "",
            "employer": r.employer or "",
            "moved_in": r.moved_in,
            "emergency_name": r.emergency_name or "",
            "emergency_phone": phone(r.emergency_phone),
            "plate": r.plate or "",
            "habits": r.habits or "",
            "verified_on": r.verified_on,
            "status": tr("有效") if r.data_status == "valid" else tr("待更新"),
            "consent": r.consent_disclose,
        }
        group.add(r.unit_id, None, (_ROLE_ORDER.get(r.role, 9), r.id), Line(values))
    return Sheet("residents", group.bands())


SOURCES: dict[str, Callable[..., Sheet]] = {
    "register": register,
    "repairs": repairs,
    "paid": paid,
    "visits": visits,
    "help": help_requests,
    "daily": daily_reports,
    "residents": residents,
}


def day_counts(session: Session, month: Month) -> list[tuple[date, int, int, int, int, int]]:
    """Return per office day: register entries, complaints, repairs, help requests, visits made."""
    days = [month.first + timedelta(days=i) for i in range((month.last - month.first).days + 1)]
    table = {d: [0, 0, 0, 0, 0] for d in days}

    def tally(rows: Iterable[Any], column: int) -> None:
        for at, *_rest in rows:
            day = at.astimezone(OFFICE_TZ).date()
            if day in table:
                table[day][column] += 1

    contacts = session.execute(
        select(Contact.at, Contact.kind).where(_in_month(Contact.at, month))
    ).all()
    tally(contacts, 0)
    tally([(at, kind) for at, kind in contacts if kind == ContactKind.complaint], 1)
    tally(
        session.execute(
            select(RepairOrder.reported_at).where(_in_month(RepairOrder.reported_at, month))
        ).all(),
        2,
    )
    tally(session.execute(select(HelpRequest.at).where(_in_month(HelpRequest.at, month))).all(), 3)
    tally(
        session.execute(
            select(ReturnVisit.visited_at).where(
                _in_month(ReturnVisit.visited_at, month), ReturnVisit.state.in_(VISIT_MADE)
            )
        ).all(),
        4,
    )
    return [(d, *table[d]) for d in days]  # type: ignore[misc]
