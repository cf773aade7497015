"""Planning return visits: the half-year's 10 % coverage, who to visit next, what is waiting.

Half-years run on the office's calendar (Asia/Shanghai): a visit at 00:30 on 1 July
office time is in the second half even though it is still 30 June in UTC.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from wuyedesk.domain.errors import ValidationError
from wuyedesk.domain.kinds import ContactKind, VisitKind
from wuyedesk.domain.sla import OFFICE_TZ, Rules, half_year_bounds, routine_visits_needed
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.entries import stamp_time
from wuyedesk.services.overdue import VISIT_MADE
from wuyedesk.services.permissions import require
from wuyedesk.services.places import building_sort_text
from wuyedesk.services.settings import get_rules
from wuyedesk.services.visit_views import OPEN_STATES, complaint_limit
from wuyedesk.store.models import Building, Contact, RepairOrder, Resident, ReturnVisit, Unit
from wuyedesk.store.office_file import OfficeFile

ESTATE_TOTAL = tr("全小区")
_ROUTINE_MADE = and_(ReturnVisit.kind == VisitKind.routine, ReturnVisit.state.in_(VISIT_MADE))


@dataclass(frozen=True)
class BuildingCoverage:
    """One building's routine visits in a half-year against the ≥ 10 % rule (or the total)."""

    building_id: int | None  # None on the estate's total line
    building_label: str
    households: int
    visited: int
    needed: int
    share: float
    met: bool


@dataclass(frozen=True)
class HouseholdSuggestion:
    """An occupied unit to visit next: never visited, or not for the longest time."""

    unit_id: int
    unit_code: str
    building_label: str
    last_visited_at: datetime | None
    last_number: str | None


@dataclass(frozen=True)
class WaitingVisit:
    """A complaint or a repair waiting for its return visit, with the time left."""

    kind: str
    kind_label: str
    visit_id: int | None  # None when no visit is planned yet
    visit_number: str | None
    related_number: str
    place: str
    since: datetime  # the complaint, or the household's acceptance of the repair
    due_at: datetime | None  # None for a repair not yet planned (no rule gives it a time)
    time_left: timedelta | None
    time_left_text: str
    overdue: bool


def _office_range(first: date, last: date) -> tuple[datetime, datetime]:
    start = datetime.combine(first, time(), OFFICE_TZ)
    return start, datetime.combine(last + timedelta(days=1), time(), OFFICE_TZ)


def routine_coverage(
    office: OfficeFile, actor: Actor, year: int, half: int, *, now: datetime | None = None
) -> list[BuildingCoverage]:
    """Return each building's routine-visit coverage for a half-year, then the estate's total.

    A household counts once however many routine visits it had; households are the
    units lived in during the half-year, and any unit visited. The total is met only
    when every building is met too (篇4 §4(1): per building as well as overall).
    """
    require(actor, "visits.view")
    if half not in (1, 2):
        raise ValidationError("half", tr("请选择上半年或下半年"))
    if not 2000 <= year <= 2100:
        raise ValidationError("year", tr("年份不正确"))
    first, last = half_year_bounds(year, half)
    if first > stamp_time(now).astimezone(OFFICE_TZ).date():
        raise ValidationError(
            "half",
            tr("{year} 年{0}半年尚未开始").format(tr("上") if half == 1 else tr("下"), year=year),
        )
    rules = get_rules(office)
    with office.transaction() as session:
        return coverage_in(session, first, last, rules)


def coverage_in(
    session: Session, first: date, last: date, rules: Rules, *, until: datetime | None = None
) -> list[BuildingCoverage]:
    """Return the coverage lines for the days first..last, counting visits made before `until`.

    `until` (default: the end of `last`) lets a monthly report show the half-year's coverage
    as it stood at the end of that month.
    """
    start, end = _office_range(first, last)
    if until is not None:
        end = min(end, until)
    labels = {id_: label for id_, label in session.execute(select(Building.id, Building.label))}
    lived = select(Unit.id, Unit.building_id).join(Resident, Resident.unit_id == Unit.id)
    lived = lived.where(
        or_(Resident.moved_in.is_(None), Resident.moved_in <= last),
        or_(Resident.moved_out.is_(None), Resident.moved_out >= first),
    )
    seen = select(Unit.id, Unit.building_id).join(ReturnVisit, ReturnVisit.unit_id == Unit.id)
    seen = seen.where(_ROUTINE_MADE, ReturnVisit.visited_at >= start)
    seen = seen.where(ReturnVisit.visited_at < end)
    homes: dict[int, set[int]] = defaultdict(set)
    visited: dict[int, set[int]] = defaultdict(set)
    for unit_id, building_id in session.execute(lived.distinct()):
        homes[building_id].add(unit_id)
    for unit_id, building_id in session.execute(seen.distinct()):
        visited[building_id].add(unit_id)
        homes[building_id].add(unit_id)
    lines = [
        _line(b, tr("{0}栋").format(labels[b]), len(homes[b]), len(visited[b]), rules)
        for b in sorted(labels, key=lambda b: building_sort_text(labels[b]))
    ]
    households = sum(line.households for line in lines)
    total = _line(None, ESTATE_TOTAL, households, sum(line.visited for line in lines), rules)
    return [*lines, replace(total, met=total.met and all(line.met for line in lines))]


def _line(
    building_id: int | None, label: str, households: int, visited: int, rules: Rules
) -> BuildingCoverage:
    needed = routine_visits_needed(households, rules)
    return BuildingCoverage(
        building_id=building_id,
        building_label=label,
        households=households,
        visited=visited,
        needed=needed,
        share=visited / households if households else 0.0,
        met=visited >= needed,
    )


def suggested_households(
    office: OfficeFile, actor: Actor, building_id: int | None = None, limit: int = 20
) -> list[HouseholdSuggestion]:
    """Return occupied units to visit next: never visited first, then the longest ago.

    Units with a routine visit already planned are left out.
    """
    require(actor, "visits.plan")
    if not 1 <= limit <= 500:
        raise ValidationError("limit", tr("数量应在 1 到 500 之间"))
    with office.transaction() as session:
        if building_id is not None and session.get(Building, building_id) is None:
            raise ValidationError("building_id", tr("没有这栋楼"))
        living = select(Resident.unit_id).where(Resident.moved_out.is_(None))
        query = select(Unit).options(selectinload(Unit.building)).where(Unit.id.in_(living))
        if building_id is not None:
            query = query.where(Unit.building_id == building_id)
        units = list(session.scalars(query))
        last: dict[int, tuple[datetime, str]] = {}
        rows = session.execute(
            select(ReturnVisit.unit_id, ReturnVisit.visited_at, ReturnVisit.number).where(
                _ROUTINE_MADE, ReturnVisit.visited_at.is_not(None)
            )
        )
        for unit_id, at, number in rows:
            if unit_id is None or at is None:
                continue
            if unit_id not in last or at > last[unit_id][0]:
                last[unit_id] = (at, number)
        planned = set(
            session.scalars(
                select(ReturnVisit.unit_id).where(
                    ReturnVisit.kind == VisitKind.routine, ReturnVisit.state.in_(OPEN_STATES)
                )
            )
        )
        units = [u for u in units if u.id not in planned]
        units.sort(key=lambda u: (u.id in last, last[u.id][0] if u.id in last else 0, u.sort_key))
        return [
            HouseholdSuggestion(
                unit_id=u.id,
                unit_code=u.code,
                building_label=tr("{0}栋").format(u.building.label),
                last_visited_at=last[u.id][0] if u.id in last else None,
                last_number=last[u.id][1] if u.id in last else None,
            )
            for u in units[:limit]
        ]


def time_left_text(left: timedelta) -> str:
    """Print the time left as the desk reads it: 剩 3 小时, 超时 2 小时, 剩 40 分钟."""
    seconds = int(left.total_seconds())
    minutes = abs(seconds) // 60
    if minutes < 60:
        amount = tr("{minutes} 分钟").format(minutes=minutes)
    elif minutes < 48 * 60:
        amount = tr("{0} 小时").format(minutes // 60)
    else:
        amount = tr("{0} 天").format(minutes // (24 * 60))
    text = tr("剩 {amount}") if seconds >= 0 else tr("超时 {amount}")
    return text.format(amount=amount)


def _waiting(
    kind: str,
    visit: ReturnVisit | None,
    number: str,
    place: str,
    since: datetime,
    due: datetime | None,
    now: datetime,
) -> WaitingVisit:
    left = due - now if due is not None else None
    return WaitingVisit(
        kind=kind,
        kind_label=VisitKind(kind).label,
        visit_id=visit.id if visit else None,
        visit_number=visit.number if visit else None,
        related_number=number,
        place=place,
        since=since,
        due_at=due,
        time_left=left,
        time_left_text=time_left_text(left) if left is not None else tr("未安排回访"),
        overdue=left is not None and left < timedelta(0),
    )


def _planned_line(
    visit: ReturnVisit, contact: Contact | None, order: RepairOrder | None, now: datetime
) -> WaitingVisit:
    related = contact or order
    since = contact.at if contact else order.accepted_at if order else None
    due = complaint_limit(visit, contact) or visit.due_at
    place = visit.unit.code if visit.unit else visit.facility or ""
    number = related.number if related else ""
    return _waiting(visit.kind, visit, number, place, since or visit.created_at, due, now)


def waiting_visits(
    office: OfficeFile, actor: Actor, *, now: datetime | None = None
) -> list[WaitingVisit]:
    """Return complaints and repairs waiting for their return visit, oldest first.

    A complaint's first visit counts down to its 24-hour limit, a 复访 or a repair's
    phone call to its planned date; a finished repair not yet planned has no time.
    """
    require(actor, "visits.view")
    now = stamp_time(now)
    with office.transaction() as session:
        planned = list(
            session.scalars(
                select(ReturnVisit)
                .options(selectinload(ReturnVisit.unit))
                .where(
                    ReturnVisit.kind.in_((VisitKind.complaint, VisitKind.repair)),
                    ReturnVisit.state.in_(OPEN_STATES),
                )
            )
        )
        contact_ids = [v.contact_id for v in planned if v.contact_id is not None]
        order_ids = [v.repair_order_id for v in planned if v.repair_order_id is not None]
        contacts = {
            c.id: c for c in session.scalars(select(Contact).where(Contact.id.in_(contact_ids)))
        }
        orders = {
            o.id: o
            for o in session.scalars(select(RepairOrder).where(RepairOrder.id.in_(order_ids)))
        }
        found = [
            _planned_line(
                v, contacts.get(v.contact_id or 0), orders.get(v.repair_order_id or 0), now
            )
            for v in planned
        ]
        found += _unvisited(session, now)
    return sorted(found, key=lambda w: (w.since, w.related_number))


def _unvisited(session: Session, now: datetime) -> list[WaitingVisit]:
    """Return the complaints (100 % are visited) and accepted repairs with no live visit."""
    live = ReturnVisit.state != "void"
    found: list[WaitingVisit] = []
    visited = select(ReturnVisit.contact_id).where(live, ReturnVisit.contact_id.is_not(None))
    complaints = (
        select(Contact)
        .options(selectinload(Contact.unit))
        .where(
            Contact.kind == ContactKind.complaint,
            Contact.state != "void",
            Contact.id.not_in(visited),
        )
    )
    for c in session.scalars(complaints):
        place = c.unit.code if c.unit else ""
        found.append(_waiting("complaint", None, c.number, place, c.at, c.visit_due_at, now))
    called = select(ReturnVisit.repair_order_id).where(
        live, ReturnVisit.repair_order_id.is_not(None)
    )
    repairs = (
        select(RepairOrder)
        .options(selectinload(RepairOrder.unit))
        .where(
            RepairOrder.state.in_(("accepted", "reconciled")),
            RepairOrder.unit_id.is_not(None),
            RepairOrder.id.not_in(called),
        )
    )
    for o in session.scalars(repairs):
        place = o.unit.code if o.unit else ""
        since = o.accepted_at or o.reported_at
        found.append(_waiting("repair", None, o.number, place, since, None, now))
    return found
