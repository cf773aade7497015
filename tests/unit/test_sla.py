"""The office's clocks: 5-minute arrival, 24-hour complaint visits, 10 % routine visits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wuyedesk.domain.sla import (
    OFFICE_TZ,
    STEP_LABELS,
    TIME_ORDER,
    Rules,
    arrival_late,
    check_time_order,
    complaint_contact_due,
    complaint_visit_due,
    enquiry_answer_due,
    half_year_bounds,
    half_year_of,
    is_overdue,
    is_stale,
    relay_due,
    routine_visits_needed,
    satisfaction_rate,
)

T0 = datetime(2026, 11, 3, 9, 0, tzinfo=OFFICE_TZ)
NAIVE = datetime(2026, 11, 3, 9, 0)


def test_defaults_are_the_offices_rules() -> None:
    rules = Rules()
    assert (rules.arrival_minutes, rules.complaint_visit_hours) == (5, 24)
    assert rules.routine_visit_share == 0.10
    assert (rules.relay_minutes, rules.complaint_contact_hours) == (15, 2)
    assert (rules.enquiry_answer_days, rules.stale_months) == (3, 12)


@pytest.mark.parametrize(
    "change",
    [
        {"arrival_minutes": 0},
        {"complaint_visit_hours": -1},
        {"routine_visit_share": 1.5},
        {"stale_months": True},
        {"relay_minutes": "15"},
    ],
)
def test_a_setting_that_would_switch_a_rule_off_is_refused(change: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Rules(**change)  # type: ignore[arg-type]


def test_arrival_within_five_minutes_of_receipt() -> None:
    assert not arrival_late(T0, T0 + timedelta(minutes=5))
    assert arrival_late(T0, T0 + timedelta(minutes=5, seconds=1))
    assert not arrival_late(T0, T0 + timedelta(minutes=9), Rules(arrival_minutes=10))
    # Stored UTC and shown Shanghai time are the same instant.
    assert not arrival_late(T0.astimezone(UTC), T0 + timedelta(minutes=4))


def test_complaint_visit_due_and_overdue() -> None:
    due = complaint_visit_due(T0)
    assert due == T0 + timedelta(hours=24)
    assert complaint_visit_due(T0, Rules(complaint_visit_hours=48)) == T0 + timedelta(days=2)
    assert not is_overdue(due, T0 + timedelta(hours=23), now=T0 + timedelta(days=5))
    assert is_overdue(due, T0 + timedelta(hours=25), now=T0 + timedelta(hours=26))
    assert is_overdue(due, None, now=T0 + timedelta(hours=25))
    assert not is_overdue(due, None, now=T0 + timedelta(hours=2))
    assert not is_overdue(due, due, now=due + timedelta(days=1))


def test_other_clocks() -> None:
    assert relay_due(T0) == T0 + timedelta(minutes=15)
    assert complaint_contact_due(T0) == T0 + timedelta(hours=2)
    assert enquiry_answer_due(T0) == T0 + timedelta(days=3)


@pytest.mark.parametrize(
    "call",
    [
        lambda: arrival_late(NAIVE, T0),
        lambda: arrival_late(T0, NAIVE),
        lambda: complaint_visit_due(NAIVE),
        lambda: relay_due(NAIVE),
        lambda: complaint_contact_due(NAIVE),
        lambda: enquiry_answer_due(NAIVE),
        lambda: is_overdue(T0, NAIVE, T0),
        lambda: is_overdue(T0, None, NAIVE),
        lambda: half_year_of(NAIVE),
        lambda: check_time_order([("reported", T0), ("received", NAIVE)]),
    ],
)
def test_naive_times_are_refused(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="naive"):
        call()


def test_half_years() -> None:
    assert half_year_of(date(2026, 6, 30)) == (2026, 1)
    assert half_year_of(date(2026, 7, 1)) == (2026, 2)
    assert half_year_bounds(2026, 1) == (date(2026, 1, 1), date(2026, 6, 30))
    assert half_year_bounds(2026, 2) == (date(2026, 7, 1), date(2026, 12, 31))
    with pytest.raises(ValueError):
        half_year_bounds(2026, 3)


def test_half_year_of_a_time_follows_the_office_calendar() -> None:
    # 17:00 UTC on 30 June is already 1 July in Shanghai.
    assert half_year_of(datetime(2026, 6, 30, 17, 0, tzinfo=UTC)) == (2026, 2)
    assert half_year_of(datetime(2026, 6, 30, 15, 0, tzinfo=UTC)) == (2026, 1)


@given(st.dates())
def test_every_day_lies_in_its_half_year(day: date) -> None:
    start, end = half_year_bounds(*half_year_of(day))
    assert start <= day <= end


@given(st.integers(0, 100_000))
def test_routine_visits_are_at_least_ten_percent(households: int) -> None:
    needed = routine_visits_needed(households)
    assert needed * 10 >= households
    assert (needed - 1) * 10 < households or needed == 0


def test_routine_visits_examples() -> None:
    assert routine_visits_needed(1000) == 100
    assert routine_visits_needed(1001) == 101
    assert routine_visits_needed(3) == 1
    assert routine_visits_needed(0) == 0
    assert routine_visits_needed(200, Rules(routine_visit_share=0.25)) == 50
    with pytest.raises(ValueError):
        routine_visits_needed(-1)


@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 500))
def test_satisfaction_rate(s: int, f: int, d: int) -> None:
    rate = satisfaction_rate(s, f, d)
    if s + f + d == 0:
        assert rate is None
    else:
        assert rate is not None and 0.0 <= rate <= 1.0
        assert rate == pytest.approx((s + f) / (s + f + d))
        assert (rate == 1.0) == (d == 0)


def test_satisfaction_rate_examples() -> None:
    assert satisfaction_rate(0, 0, 0) is None
    assert satisfaction_rate(6, 2, 2) == pytest.approx(0.8)
    with pytest.raises(ValueError):
        satisfaction_rate(-1, 0, 0)


def test_stale_data_after_twelve_months() -> None:
    verified = date(2025, 3, 15)
    assert not is_stale(verified, date(2026, 3, 14))
    assert is_stale(verified, date(2026, 3, 15))
    assert is_stale(verified, date(2027, 1, 1))
    assert is_stale(None, date(2026, 1, 1))
    assert is_stale(date(2024, 2, 29), date(2025, 2, 28))
    assert is_stale(verified, date(2025, 9, 15), Rules(stale_months=6))
    assert not is_stale(verified, date(2025, 9, 14), Rules(stale_months=6))


@given(st.lists(st.one_of(st.none(), st.integers(0, 10_000)), min_size=1, max_size=7))
def test_time_order(minutes: list[int | None]) -> None:
    steps = [
        (TIME_ORDER[i], None if m is None else T0 + timedelta(minutes=m))
        for i, m in enumerate(minutes)
    ]
    problem = check_time_order(steps)
    present = [m for m in minutes if m is not None]
    assert (problem is None) == (present == sorted(present))
    if problem is not None:
        # The message names two steps of the paper, in Chinese.
        named = [label for label in STEP_LABELS.values() if label in problem]
        assert len(named) == 2


@given(st.lists(st.integers(-720, 720), min_size=2, max_size=7))
def test_time_order_does_not_depend_on_the_time_zone(offsets: list[int]) -> None:
    times = [T0 + timedelta(minutes=m) for m in offsets]
    steps = list(zip(TIME_ORDER, times, strict=False))
    in_utc = [(name, at.astimezone(UTC)) for name, at in steps]
    assert check_time_order(steps) == check_time_order(in_utc)


def test_time_order_message_and_gaps() -> None:
    steps = [("reported", T0), ("received", None), ("arrived", T0 - timedelta(minutes=1))]
    assert check_time_order(steps) == "到达时间不能早于报修时间"
    assert check_time_order([("reported", T0.astimezone(UTC)), ("received", T0)]) is None
    assert check_time_order([]) is None
    assert check_time_order([("接单", T0), ("派工", T0 - timedelta(seconds=1))]) == (
        "派工时间不能早于接单时间"
    )
