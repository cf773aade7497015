"""Daily work reports: filled from the day's work, submitted, signed, tomorrow's tasks at login."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.unit.test_repairs import T0, at, opened
from wuyedesk.domain.errors import PermissionDenied, TransitionRefused, UserError, ValidationError
from wuyedesk.services import daily_reports as d
from wuyedesk.services.contacts import record_contact
from wuyedesk.services.context import Actor
from wuyedesk.store.models import SpotCheck
from wuyedesk.store.office_file import OfficeFile

EVENING = T0 + timedelta(hours=9)
NEXT_MORNING = T0 + timedelta(hours=24)


def _call(office: OfficeFile, actor: Actor, when: datetime) -> None:
    record_contact(
        office,
        actor,
        {
            "at": when,
            "method": "call",
            "unit": "3-2-1502",
            "caller_name": "刘先生",
            "phone": "13800138000",
            "kind": "enquiry",
            "content": "问停水时间",
        },
        now=when,
    )


def test_the_report_is_filled_from_the_days_work(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    assistant = who["assistant"]
    _call(staffed_estate, assistant, at(5))
    _call(staffed_estate, assistant, at(6))
    opened(staffed_estate, who)  # the assistant opens a repair slip
    report = d.todays_report(staffed_estate, assistant, now=EVENING)
    assert (report.day, report.state_label, report.staff_name) == (T0.date(), "填写中", "张助理")
    assert report.counts == {"登记来访/来电": 2, "开维修单": 1}
    assert report.open_items[:2] == ["DJ-2026-000001（已登记）", "DJ-2026-000002（已登记）"]
    assert "WX-2026-000001（已开单）" in report.open_items
    again = d.todays_report(staffed_estate, assistant, now=EVENING)
    assert again.id == report.id


def test_submit_sign_and_tomorrows_tasks_reach_the_next_login(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    clerk, boss = who["clerk"], who["supervisor"]
    report = d.todays_report(staffed_estate, clerk, now=EVENING)
    with pytest.raises(ValidationError, match="已完成的工作"):
        d.submit_report(staffed_estate, clerk, report.id, version=report.version, now=EVENING)
    report = d.save_report(
        staffed_estate,
        clerk,
        report.id,
        version=report.version,
        done_text="整理三栋档案",
        undone_text=None,
        coordination_text="打印机缺墨",
    )
    report = d.submit_report(staffed_estate, clerk, report.id, version=report.version, now=EVENING)
    assert (report.state, report.submitted_at) == ("submitted", EVENING)
    with pytest.raises(TransitionRefused, match="已呈报"):
        d.save_report(
            staffed_estate, clerk, report.id, version=report.version,
            done_text="x", undone_text=None, coordination_text=None,
        )  # fmt: skip
    with pytest.raises(TransitionRefused):
        d.review_report(
            staffed_estate, clerk, report.id, version=report.version, comment="好",
            next_day_tasks=None,
        )  # fmt: skip
    shown = d.list_reports(staffed_estate, boss, T0.date())
    assert [r.staff_name if not isinstance(r, str) else r for r in shown].count("陈文员") == 1
    assert "张助理" in shown  # not started: the name alone
    report = d.review_report(
        staffed_estate, boss, report.id, version=report.version, comment="已阅",
        next_day_tasks="上午核对五栋业主电话", now=EVENING,
    )  # fmt: skip
    assert (report.state_label, report.reviewer) == ("主管已审阅", "赵主管")
    assert d.assignments_for(staffed_estate, clerk, now=NEXT_MORNING) == "上午核对五栋业主电话"
    assert d.assignments_for(staffed_estate, clerk, now=EVENING) is None  # not before tomorrow


def test_sent_back_reports_can_be_changed_again(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    clerk, boss = who["clerk"], who["supervisor"]
    report = d.todays_report(staffed_estate, clerk, now=EVENING)
    report = d.save_report(
        staffed_estate, clerk, report.id, version=report.version,
        done_text="归档", undone_text=None, coordination_text=None,
    )  # fmt: skip
    report = d.submit_report(staffed_estate, clerk, report.id, version=report.version, now=EVENING)
    with pytest.raises(ValidationError):
        d.review_report(
            staffed_estate, boss, report.id, version=report.version, comment=" ",
            next_day_tasks=None, send_back=True,
        )  # fmt: skip
    report = d.review_report(
        staffed_estate, boss, report.id, version=report.version, comment="请写明归档份数",
        next_day_tasks=None, send_back=True,
    )  # fmt: skip
    assert report.state == "draft"


def test_only_reporters_write_reports_and_only_their_own(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    with pytest.raises(TransitionRefused):
        d.todays_report(staffed_estate, who["engineer"], now=EVENING)
    mine = d.todays_report(staffed_estate, who["clerk"], now=EVENING)
    with pytest.raises(TransitionRefused, match="自己的"):
        d.submit_report(staffed_estate, who["assistant"], mine.id, version=mine.version)
    with pytest.raises(ValidationError, match="未来"):
        d.todays_report(staffed_estate, who["clerk"], day=T0.date() + timedelta(2), now=EVENING)
    with pytest.raises(UserError):
        d.todays_report(staffed_estate, Actor(None, "命令行", who["clerk"].role), now=EVENING)
    with pytest.raises((TransitionRefused, PermissionDenied)):
        d.list_reports(staffed_estate, who["clerk"], T0.date())


def test_spot_checks_are_recorded_by_managers(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    check = d.record_spot_check(
        staffed_estate, who["supervisor"], staff_id=who["clerk"].staff_id,
        checked="来访登记是否当日转达", found="两条未转达", corrected=True, now=EVENING,
    )  # fmt: skip
    with staffed_estate.transaction() as session:
        row = session.get(SpotCheck, check)
        assert row is not None and (row.found, row.corrected) == ("两条未转达", True)
    with pytest.raises(TransitionRefused):
        d.record_spot_check(
            staffed_estate, who["clerk"], staff_id=None, checked="x", found=None, corrected=False
        )
    with pytest.raises(ValidationError):
        d.record_spot_check(
            staffed_estate, who["supervisor"], staff_id=None, checked=" ", found=None,
            corrected=False,
        )  # fmt: skip
