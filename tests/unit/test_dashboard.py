"""The supervisor's desk: each figure from real records, the records behind it, breaches flagged."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from tests.conftest import drop_audit_guards
from tests.unit.test_repairs import PNG, T0, at, opened, paid_until_stamped
from wuyedesk.domain.errors import PermissionDenied, ValidationError
from wuyedesk.services import repairs as r
from wuyedesk.services import visits
from wuyedesk.services.contacts import record_contact
from wuyedesk.services.context import Actor
from wuyedesk.services.dashboard import (
    audit_chain,
    desk_between,
    period_bounds,
    supervisor_desk,
)
from wuyedesk.store.models import AuditEntry
from wuyedesk.store.office_file import OfficeFile


def _complaint(office: OfficeFile, who: dict[str, Actor], when: datetime) -> str:
    view = record_contact(
        office,
        who["assistant"],
        {
            "at": when,
            "method": "call",
            "unit": "3-2-1502",
            "caller_name": "刘先生",
            "phone": "13800138000",
            "kind": "complaint",
            "complained_department": "cleaning",
            "content": "楼道垃圾两天没清",
        },
        now=when,
    )
    return view.number


def _visit(office: OfficeFile, who: dict[str, Actor], number: str, when: datetime) -> None:
    plan = visits.plan_visit(
        office, who["supervisor"], {"kind": "complaint", "related_number": number}, now=T0
    )
    visits.record_visit(
        office, who["supervisor"], plan.id, version=plan.version, method="phone",
        satisfaction="satisfied", opinions="已清理", visitors=["赵主管", "保洁主管"],
        at=when, now=when,
    )  # fmt: skip


def _by_key(desk) -> dict:  # type: ignore[no-untyped-def]
    return {f.key: f for f in desk.figures}


def test_complaint_visits_in_24_hours_and_the_late_one_named(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    quick = _complaint(staffed_estate, who, at(0))
    slow = _complaint(staffed_estate, who, at(10))
    _visit(staffed_estate, who, quick, at(60 * 3))
    _visit(staffed_estate, who, slow, at(60 * 30))  # 30 hours later
    figures = _by_key(supervisor_desk(staffed_estate, who["supervisor"], "month", now=at(60 * 40)))
    rate = figures["complaint_visits_24h"]
    assert (rate.value, rate.shown, rate.numbers, rate.breach) == (0.5, "50%（1/2）", [slow], True)
    assert figures["complaints"].numbers == [quick, slow]


def test_repair_figures_arrival_income_satisfaction(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    paid = paid_until_stamped(staffed_estate, who)  # 120.50 taken at T0 + 15 min
    v = opened(staffed_estate, who)
    v = r.receive_repair(
        staffed_estate, who["engineer"], v.id, version=v.version, signature_png=PNG, now=at(2)
    )
    v = r.dispatch_repair(
        staffed_estate,
        who["boss"],
        v.id,
        who["engineer"].staff_id or 0,
        version=v.version,
        now=at(3),
    )
    v = r.record_arrival(staffed_estate, who["engineer"], v.id, version=v.version, now=at(20))
    v = r.complete_repair(
        staffed_estate, who["engineer"], v.id, "好了", version=v.version, now=at(123)
    )
    r.accept_repair(
        staffed_estate, who["clerk"], v.id, version=v.version, signer_name="刘先生",
        signature_png=PNG, satisfaction="dissatisfied", remarks="来晚了", now=at(125),
    )  # fmt: skip
    desk = supervisor_desk(staffed_estate, who["supervisor"], "day", now=at(200))
    figures = _by_key(desk)
    assert (figures["arrival_5min"].value, figures["arrival_5min"].numbers) == (0.0, [v.number])
    assert figures["paid_income"].shown == "120.50 元"
    assert figures["paid_income"].numbers == [paid.number]
    assert figures["completion_hours"].shown == "2.0 小时"
    assert figures["repair_satisfaction"].numbers == [v.number]
    assert desk.satisfaction == {"满意": 0, "基本满意": 0, "不满意": 1}
    # The next day is a new day.
    tomorrow = _by_key(supervisor_desk(staffed_estate, who["supervisor"], "day", now=at(60 * 24)))
    assert tomorrow["repairs"].value == 0 and tomorrow["arrival_5min"].shown == "—"


def test_periods_follow_the_office_calendar() -> None:
    assert period_bounds("day", date(2026, 2, 28)) == (date(2026, 2, 28), date(2026, 2, 28))
    assert period_bounds("month", date(2026, 2, 14)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_bounds("month", date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert period_bounds("half", date(2026, 7, 1)) == (date(2026, 7, 1), date(2026, 12, 31))
    with pytest.raises(ValidationError):
        period_bounds("year", date(2026, 7, 1))


def test_only_managers_see_the_desk(staffed_estate: OfficeFile, who: dict[str, Actor]) -> None:
    with pytest.raises(PermissionDenied):
        supervisor_desk(staffed_estate, who["clerk"], now=T0 + timedelta(hours=1))


def _tamper(office: OfficeFile, sql: str) -> None:
    # Someone with the key drops the guard triggers to rewrite history (as in
    # test_audit_numbering): only the hash chain can tell.
    with office.transaction() as session:
        drop_audit_guards(session)
        session.execute(text(sql))


def _audit_ids(office: OfficeFile, action: str) -> list[int]:
    with office.transaction() as session:
        return list(
            session.scalars(
                select(AuditEntry.id).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


def test_the_desk_reports_the_audit_chain_intact_then_an_edited_line(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    number = _complaint(staffed_estate, who, at(0))
    desk = supervisor_desk(staffed_estate, who["supervisor"], "day", now=at(60))
    with staffed_estate.transaction() as session:
        lines = session.scalar(select(func.count()).select_from(AuditEntry))
    chain = desk.audit
    assert chain is not None and chain.ok and chain.reason is None
    assert chain.lines == lines and chain.checked_at == at(60) and chain.seconds >= 0
    assert _by_key(desk)["complaints"].numbers == [number]

    # The complaint's audit line is rewritten behind the program's back.
    (line,) = _audit_ids(staffed_estate, "contact.record")
    _tamper(staffed_estate, f"UPDATE audit_log SET detail = '咨询 -' WHERE id = {line}")
    desk = supervisor_desk(staffed_estate, Actor.command_line(), "month", now=at(120))
    chain = desk.audit
    assert chain is not None and not chain.ok
    assert chain.broken_id == line and chain.reason == f"第 {line} 行内容已被改动"
    assert chain.checked_at == at(120)
    assert _by_key(desk)["complaints"].numbers == [number]  # the figures are still there


def test_the_desk_reports_a_deleted_audit_line(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    _complaint(staffed_estate, who, at(0))
    (line,) = _audit_ids(staffed_estate, "contact.record")
    first_staff = _audit_ids(staffed_estate, "staff.add")[1]
    _tamper(staffed_estate, f"DELETE FROM audit_log WHERE id = {first_staff}")
    chain = audit_chain(staffed_estate, who["supervisor"], now=at(5))
    assert not chain.ok and chain.reason == f"第 {first_staff} 行缺失（已被删除）"
    assert chain.broken_id == first_staff + 1 and chain.lines == first_staff
    assert line > first_staff


def test_the_audit_chain_is_checked_only_when_asked(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    desk = supervisor_desk(staffed_estate, who["supervisor"], now=at(5), check_audit=False)
    assert desk.audit is None
    monthly = desk_between(staffed_estate, who["supervisor"], date(2026, 3, 1), date(2026, 3, 31))
    assert monthly.audit is None  # the monthly workbook does not pay for the check
    with pytest.raises(PermissionDenied):
        audit_chain(staffed_estate, who["clerk"])
