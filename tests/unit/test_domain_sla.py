"""The office's clocks: 5-minute arrival, 24-hour complaint visits, 10 % routine visits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wuyedesk.domain.sla import (
    OFFICE_TZ,
    Rules,
    arrival_late,
    check_time_order,
    complaint_visit_due,
    half_year_bounds,
    half_year_of,
    is_overdue,
    routine_visits_needed,
    satisfaction_rate,
)

T0 = datetime(2026, 11, 3, 9, 0, tzinfo=OFFICE_TZ)


def test_arrival_within_five_minutes() -> None:
    assert not arrival_late(T0, T0 + timedelta(minutes=5))
    assert arrival_late(T0, T0 + timedelta(minutes=5, seconds=1))
    assert not arrival_late(T0, T0 + timedelta(minutes=9), Rules(arrival_minutes=10))


def test_complaint_visit_due_and_overdue() -> None:
    due = complaint_visit_due(T0)
    assert due == T0 + timedelta(hours=24)
    assert not is_overdue(due, T0 + timedelta(hours=23), now=T0 + timedelta(days=5))
    assert is_overdue(due, None, now=T0 + timedelta(hours=25))
    assert not is_overdue(due, None, now=T0 + timedelta(hours=2))


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        complaint_visit_due(datetime(2026, 1, 1))


def test_half_years() -> None:
    assert half_year_of(date(2026, 6, 30)) == (2026, 1)
    assert half_year_of(date(2026, 7, 1)) == (2026, 2)
    assert half_year_bounds(2026, 2) == (date(2026, 7, 1), date(2026, 12, 31))


@given(st.integers(0, 100_000))
def test_routine_visits_are_at_least_ten_percent(households: int) -> None:
    needed = routine_visits_needed(households)
    assert needed * 10 >= households
    assert (needed - 1) * 10 < households or needed == 0


@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 500))
def test_satisfaction_rate(s: int, f: int, d: int) -> None:
    rate = satisfaction_rate(s, f, d)
    if s + f + d == 0:
        assert rate is None
    else:
        assert rate is not None and 0.0 <= rate <= 1.0
        assert rate == pytest.approx((s + f) / (s + f + d))


@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=7))
def test_time_order(minutes: list[int]) -> None:
    names = ["reported", "received", "dispatched", "arrived", "completed", "accepted", "visited"]
    steps = [(names[i], T0 + timedelta(minutes=m)) for i, m in enumerate(minutes)]
    problem = check_time_order(steps)
    assert (problem is None) == (minutes == sorted(minutes))


def test_time_order_message_and_gaps() -> None:
    steps = [("reported", T0), ("received", None), ("arrived", T0 - timedelta(minutes=1))]
    assert check_time_order(steps) == "到达时间不能早于报修时间"
    assert check_time_order([("reported", T0.astimezone(UTC)), ("received", T0)]) is None
