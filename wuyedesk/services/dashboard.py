"""The supervisor's desk: the figures the procedures care about, for a day, a month, a half-year.

Each figure carries the numbers of the records behind it, so a click on the screen
opens exactly those records. Periods are office-calendar days (Asia/Shanghai).
The desk also shows whether the audit log's hash chain is intact, checked line by line.
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wuyedesk.domain.errors import PermissionDenied, ValidationError
from wuyedesk.domain.kinds import ContactKind, Satisfaction
from wuyedesk.domain.money import format_yuan
from wuyedesk.domain.roles import MANAGERS
from wuyedesk.domain.sla import OFFICE_TZ, half_year_bounds, half_year_of
from wuyedesk.domain.workflows import CONTACT
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.entries import stamp_time
from wuyedesk.services.overdue import VISIT_MADE
from wuyedesk.services.settings import get_rules
from wuyedesk.store import audit
from wuyedesk.store.models import Contact, HelpRequest, RepairOrder, ReturnVisit
from wuyedesk.store.office_file import OfficeFile

PERIODS = {"day": tr("今日"), "month": tr("本月"), "half": tr("本半年")}


@dataclass(frozen=True)
class Figure:
    """One figure on the desk: its value as shown, a plain number, and the records behind it."""

    key: str
    label: str
    shown: str
    value: float | None
    numbers: list[str] = field(default_factory=list)
    breach: bool = False


@dataclass(frozen=True)
class AuditChain:
    """The audit log's hash chain as last checked: lines read, the first broken line, when."""

    lines: int
    broken_id: int | None
    reason: str | None
    checked_at: datetime
    seconds: float

    @property
    def ok(self) -> bool:
        """Tell whether every line still fits the chain."""
        return self.broken_id is None


@dataclass(frozen=True)
class Desk:
    """Every figure for one period, the satisfaction split for a chart, the audit chain."""

    period: str
    start: date
    end: date  # inclusive
    figures: list[Figure]
    satisfaction: dict[str, int]
    audit: AuditChain | None = None  # None when the chain was not checked this time


def period_bounds(period: str, today: date) -> tuple[date, date]:
    """Return the first and last day of today's day, month or half-year."""
    if period == "day":
        return today, today
    if period == "month":
        first = today.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    if period == "half":
        return half_year_bounds(*half_year_of(today))
    raise ValidationError("period", tr("请选择今日、本月或本半年"))


def _rate(done: int, total: int) -> tuple[str, float | None]:
    if not total:
        return "—", None
    share = done / total
    return tr("{share:.0%}（{done}/{total}）").format(share=share, done=done, total=total), share


def _complaints(session: Session, start: datetime, end: datetime, now: datetime) -> list[Figure]:
    complaints = session.scalars(
        select(Contact).where(
            Contact.kind == ContactKind.complaint, Contact.at >= start, Contact.at < end
        )
    ).all()
    ids = [c.id for c in complaints]
    visits = session.scalars(select(ReturnVisit).where(ReturnVisit.contact_id.in_(ids))).all()
    first_made: dict[int, datetime] = {}
    for v in visits:
        if v.state in VISIT_MADE and v.visited_at is not None and v.contact_id is not None:
            seen = first_made.get(v.contact_id)
            first_made[v.contact_id] = min(seen, v.visited_at) if seen else v.visited_at
    open_ = [c for c in complaints if c.state not in CONTACT.final]
    overdue = [
        c
        for c in complaints
        if c.visit_due_at is not None
        and c.state not in CONTACT.final
        and (first_made.get(c.id) or now) > c.visit_due_at
    ]
    due = [c for c in complaints if c.visit_due_at is not None and c.visit_due_at <= now]
    in_time = [c for c in due if c.id in first_made and first_made[c.id] <= c.visit_due_at]  # type: ignore[operator]
    shown, share = _rate(len(in_time), len(due))
    late = [c.number for c in due if c not in in_time]
    return [
        Figure(
            "complaints",
            tr("投诉"),
            str(len(complaints)),
            len(complaints),
            [c.number for c in complaints],
        ),
        Figure(
            "complaints_open",
            tr("未结投诉"),
            str(len(open_)),
            len(open_),
            [c.number for c in open_],
        ),
        Figure(
            "complaints_overdue",
            tr("超时投诉"),
            str(len(overdue)),
            len(overdue),
            [c.number for c in overdue],
            breach=bool(overdue),
        ),
        Figure(
            "complaint_visits_24h",
            tr("投诉24小时内回访率"),
            shown,
            share,
            late,
            breach=share is not None and share < 1,
        ),
    ]


def _repairs(
    session: Session, start: datetime, end: datetime
) -> tuple[list[Figure], dict[str, int]]:
    orders = session.scalars(
        select(RepairOrder).where(RepairOrder.reported_at >= start, RepairOrder.reported_at < end)
    ).all()
    arrived = [o for o in orders if o.arrival_late is not None]
    late = [o.number for o in arrived if o.arrival_late]
    shown, share = _rate(len(arrived) - len(late), len(arrived))
    done = [o for o in orders if o.completed_at is not None]
    hours = [(o.completed_at - o.reported_at).total_seconds() / 3600 for o in done]  # type: ignore[operator]
    average = sum(hours) / len(hours) if hours else None
    stamped = session.scalars(
        select(RepairOrder).where(RepairOrder.stamped_at >= start, RepairOrder.stamped_at < end)
    ).all()
    income = sum(o.paid_fen or 0 for o in stamped)
    split = {s.label: 0 for s in Satisfaction}
    for o in orders:
        if o.satisfaction:
            split[Satisfaction(o.satisfaction).label] += 1
    answered = sum(split.values())
    happy = split[Satisfaction.satisfied.label] + split[Satisfaction.fairly.label]
    happy_shown, happy_share = _rate(happy, answered)
    figures = [
        Figure("repairs", tr("报修"), str(len(orders)), len(orders), [o.number for o in orders]),
        Figure("arrival_5min", tr("5分钟内到场率"), shown, share, late, breach=bool(late)),
        Figure(
            "completion_hours",
            tr("平均完工时间"),
            tr("{average:.1f} 小时").format(average=average) if average is not None else "—",
            average,
            [o.number for o in done],
        ),
        Figure(
            "paid_income",
            tr("有偿服务收入"),
            tr("{0} 元").format(format_yuan(income)),
            income / 100,
            [o.number for o in stamped],
        ),
        Figure(
            "repair_satisfaction",
            tr("维修满意率"),
            happy_shown,
            happy_share,
            [o.number for o in orders if o.satisfaction == Satisfaction.dissatisfied],
        ),
    ]
    return figures, split


def _special_help(
    session: Session, start: datetime, end: datetime, relay_minutes: int
) -> list[Figure]:
    special = session.scalars(
        select(HelpRequest).where(
            HelpRequest.is_special.is_(True), HelpRequest.at >= start, HelpRequest.at < end
        )
    ).all()
    minutes = [(h.arrived_at - h.at).total_seconds() / 60 for h in special if h.arrived_at]
    average = sum(minutes) / len(minutes) if minutes else None
    slow = [
        h.number
        for h in special
        if h.sent_at is None or (h.sent_at - h.at) > timedelta(minutes=relay_minutes)
    ]
    return [
        Figure(
            "special_help",
            tr("特别求助"),
            str(len(special)),
            len(special),
            [h.number for h in special],
        ),
        Figure(
            "special_arrival",
            tr("特别求助平均到场时间"),
            tr("{average:.0f} 分钟").format(average=average) if average is not None else "—",
            average,
            slow,
            breach=bool(slow),
        ),
    ]


def audit_chain(office: OfficeFile, actor: Actor, *, now: datetime | None = None) -> AuditChain:
    """Recompute the whole audit chain (as `wuyedesk audit verify` does) for the desk.

    Managers only. Every line is read and hashed again, about 3 seconds for 50,000 lines,
    so the screen checks when it opens and on 刷新, not on every change of period.
    """
    if actor.role not in MANAGERS:
        raise PermissionDenied(tr("主管工作台仅供物业部主管和管理处主任使用"))
    now = stamp_time(now)
    started = clock.perf_counter()
    with office.transaction() as session:
        report = audit.verify(session)
    seconds = clock.perf_counter() - started
    return AuditChain(report.lines, report.broken_id, report.reason, now, seconds)


def supervisor_desk(
    office: OfficeFile,
    actor: Actor,
    period: str = "day",
    *,
    now: datetime | None = None,
    check_audit: bool = True,
) -> Desk:
    """Return the figures for today, this month or this half-year (managers only).

    With `check_audit` the audit chain is verified too and reported in `Desk.audit`.
    """
    now = stamp_time(now)
    first, last = period_bounds(period, now.astimezone(OFFICE_TZ).date())
    return desk_between(office, actor, first, last, now=now, period=period, check_audit=check_audit)


def desk_between(
    office: OfficeFile,
    actor: Actor,
    first: date,
    last: date,
    *,
    now: datetime | None = None,
    period: str = "month",
    check_audit: bool = False,
) -> Desk:
    """Return the desk's figures for the office days first..last (managers only).

    With `check_audit` the audit chain is verified too (the monthly workbook does without).
    """
    if actor.role not in MANAGERS:
        raise PermissionDenied(tr("主管工作台仅供物业部主管和管理处主任使用"))
    now = stamp_time(now)
    start = datetime.combine(first, time(), OFFICE_TZ)
    end = datetime.combine(last + timedelta(days=1), time(), OFFICE_TZ)
    rules = get_rules(office)
    with office.transaction() as session:
        figures = _complaints(session, start, end, now)
        repair_figures, split = _repairs(session, start, end)
        figures += repair_figures
        figures += _special_help(session, start, end, rules.relay_minutes)
    chain = audit_chain(office, actor, now=now) if check_audit else None
    return Desk(period, first, last, figures, split, chain)
