"""The office's rules (5 min, 24 h, 10 %) as settings, and the clocks that measure them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

OFFICE_TZ = ZoneInfo("Asia/Shanghai")

STEP_LABELS = {
    "reported": "报修",
    "received": "接单",
    "dispatched": "派工",
    "arrived": "到达",
    "completed": "完工",
    "accepted": "验收",
    "visited": "回访",
}


@dataclass(frozen=True)
class Rules:
    """This office's limits; other offices change them in settings."""

    arrival_minutes: int = 5
    complaint_visit_hours: int = 24
    routine_visit_share: float = 0.10
    relay_minutes: int = 15
    complaint_contact_hours: int = 2
    enquiry_answer_days: int = 3
    stale_months: int = 12


def _aware(*values: datetime | None) -> None:
    for value in values:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: office clocks need timezone-aware times")


def arrival_late(received_at: datetime, arrived_at: datetime, rules: Rules = Rules()) -> bool:
    """Tell whether the engineer arrived later than the rule after receiving the slip."""
    _aware(received_at, arrived_at)
    return arrived_at - received_at > timedelta(minutes=rules.arrival_minutes)


def complaint_visit_due(complained_at: datetime, rules: Rules = Rules()) -> datetime:
    """Return when a complaint's return visit is due (24 h by default)."""
    _aware(complained_at)
    return complained_at + timedelta(hours=rules.complaint_visit_hours)


def is_overdue(due_at: datetime, done_at: datetime | None, now: datetime) -> bool:
    """Tell whether something due was done late, or is still not done past its time."""
    _aware(due_at, done_at, now)
    return (done_at or now) > due_at


def half_year_of(day: date) -> tuple[int, int]:
    """Return (year, 1 or 2) for the half-year a date falls in."""
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
    # Round before ceil so 10 % of 1000 is exactly 100, not 101 through float error.
    return math.ceil(round(households * rules.routine_visit_share, 9))


def satisfaction_rate(satisfied: int, fairly: int, dissatisfied: int) -> float | None:
    """Return (satisfied + fairly) / responses, or None when nobody answered."""
    responses = satisfied + fairly + dissatisfied
    if responses == 0:
        return None
    return (satisfied + fairly) / responses


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
            return f"{second}时间不能早于{first}时间"
        previous = (name, at)
    return None
