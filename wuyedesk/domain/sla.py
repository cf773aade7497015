"""The office's rules (5 min, 24 h, 10 %) as settings, and the clocks that measure them.

The figures are this office's (seeds 篇2–篇4, FORMS.md); other offices change them
in settings, so every clock takes a `Rules`. Times are timezone-aware (stored UTC,
shown in OFFICE_TZ); a naive datetime is a bug and raises ValueError.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from wuyedesk.i18n import tr

OFFICE_TZ = ZoneInfo("Asia/Shanghai")

# The order times must run in on a slip and its follow-up (FORMS.md, shared conventions).
STEP_LABELS = {
    "reported": tr("报修"),
    "received": tr("接单"),
    "dispatched": tr("派工"),
    "arrived": tr("到达"),
    "completed": tr("完工"),
    "accepted": tr("验收"),
    "visited": tr("回访"),
}
TIME_ORDER = tuple(STEP_LABELS)


@dataclass(frozen=True)
class Rules:
    """This office's limits; other offices change them in settings."""

    arrival_minutes: int = 5
    complaint_visit_hours: int = 24
    routine_visit_share: float = 0.10  # of households, per half-year
    relay_minutes: int = 15  # "immediately" (篇2 §4(2)), with a grace
    complaint_contact_hours: int = 2
    enquiry_answer_days: int = 3
    stale_months: int = 12

    def __post_init__(self) -> None:
        # A bad setting would silently switch a rule off; refuse it where it is made.
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(tr("规则「{0}」必须是数字").format(f.name))
            if f.name != "routine_visit_share" and value <= 0:
                raise ValueError(tr("规则「{0}」必须大于 0").format(f.name))
        if not 0 <= self.routine_visit_share <= 1:
            raise ValueError(tr("日常回访比例须在 0 到 100% 之间"))


def _aware(*values: datetime | None) -> None:
    for value in values:
        if value is not None and value.utcoffset() is None:
            raise ValueError("naive datetime: office clocks need timezone-aware times")


def arrival_late(given_at: datetime, arrived_at: datetime, rules: Rules = Rules()) -> bool:
    """Tell whether the engineer arrived later than the rule after being given the slip.

    篇3 §4(3): the engineer who gets the slip fetches materials and is on site within
    5 minutes; the clock starts when the slip is in the engineer's hands (派工).
    """
    _aware(given_at, arrived_at)
    return arrived_at - given_at > timedelta(minutes=rules.arrival_minutes)


def arrival_due(given_at: datetime, rules: Rules = Rules()) -> datetime:
    """Return when the engineer must be on site (5 minutes after the slip by default)."""
    _aware(given_at)
    return given_at + timedelta(minutes=rules.arrival_minutes)


def complaint_visit_due(complained_at: datetime, rules: Rules = Rules()) -> datetime:
    """Return when a complaint's return visit is due (24 h by default)."""
    _aware(complained_at)
    return complained_at + timedelta(hours=rules.complaint_visit_hours)


def relay_due(recorded_at: datetime, rules: Rules = Rules()) -> datetime:
    """Return when a register entry must have been relayed to the department."""
    _aware(recorded_at)
    return recorded_at + timedelta(minutes=rules.relay_minutes)


def complaint_contact_due(relayed_at: datetime, rules: Rules = Rules()) -> datetime:
    """Return when the complained-about department must have contacted the household."""
    _aware(relayed_at)
    return relayed_at + timedelta(hours=rules.complaint_contact_hours)


def enquiry_answer_due(received_at: datetime, rules: Rules = Rules()) -> datetime:
    """Return when a written enquiry must have its written answer."""
    _aware(received_at)
    return received_at + timedelta(days=rules.enquiry_answer_days)


def is_overdue(due_at: datetime, done_at: datetime | None, now: datetime) -> bool:
    """Tell whether something due was done late, or is still not done past its time."""
    _aware(due_at, done_at, now)
    return (done_at if done_at is not None else now) > due_at


def _office_day(day: date) -> date:
    # A datetime is a date too; judge it by the office's calendar, not UTC's.
    if isinstance(day, datetime):
        _aware(day)
        return day.astimezone(OFFICE_TZ).date()
    return day


def half_year_of(day: date) -> tuple[int, int]:
    """Return (year, 1 or 2) for the half-year a date (or aware datetime) falls in."""
    day = _office_day(day)
    return day.year, 1 if day.month <= 6 else 2


def half_year_bounds(year: int, half: int) -> tuple[date, date]:
    """Return the first and last day of a half-year."""
    if half == 1:
        return date(year, 1, 1), date(year, 6, 30)
    if half == 2:
        return date(year, 7, 1), date(year, 12, 31)
    raise ValueError("half must be 1 or 2")


def routine_visits_needed(households: int, rules: Rules = Rules()) -> int:
    """Return how many households managers must visit each half-year (≥ 10 %)."""
    if households < 0:
        raise ValueError("households must not be negative")
    # Round before ceil so 10 % of 1000 is exactly 100, not 101 through float error.
    return math.ceil(round(households * rules.routine_visit_share, 9))


def satisfaction_rate(satisfied: int, fairly: int, dissatisfied: int) -> float | None:
    """Return (satisfied + fairly) / responses, or None when nobody answered."""
    if min(satisfied, fairly, dissatisfied) < 0:
        raise ValueError("counts must not be negative")
    responses = satisfied + fairly + dissatisfied
    if responses == 0:
        return None
    return (satisfied + fairly) / responses


def is_stale(verified_on: date | None, today: date, rules: Rules = Rules()) -> bool:
    """Tell whether resident data last verified on this day is due for checking again."""
    if verified_on is None:
        return True
    months = today.year * 12 + today.month - (verified_on.year * 12 + verified_on.month)
    if months != rules.stale_months:
        return months > rules.stale_months
    # Same month of the year: stale from the same day of the month (clamped to month end).
    last = calendar.monthrange(today.year, today.month)[1]
    return today.day >= min(verified_on.day, last)


def check_time_order(steps: list[tuple[str, datetime | None]]) -> str | None:
    """Return a Chinese message naming two steps out of order (报修 ≤ 接单 ≤ …), or None."""
    previous: tuple[str, datetime] | None = None
    for name, at in steps:
        if at is None:
            continue
        _aware(at)
        if previous is not None and at < previous[1]:
            first = STEP_LABELS.get(previous[0], previous[0])
            second = STEP_LABELS.get(name, name)
            return tr("{second}时间不能早于{first}时间").format(second=second, first=first)
        previous = (name, at)
    return None
