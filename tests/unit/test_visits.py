"""Return visits (回访记录表): who visits, the 24 h complaint limit, nobody home, the 复访 chain."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from wuyedesk.domain.errors import (
    FormErrors,
    PermissionDenied,
    TransitionRefused,
    UserError,
    ValidationError,
)
from wuyedesk.domain.sla import OFFICE_TZ, half_year_of
from wuyedesk.services import contacts as c
from wuyedesk.services import repairs as r
from wuyedesk.services import visits as v
from wuyedesk.services.context import Actor
from wuyedesk.services.records import STALE
from wuyedesk.store.models import AuditEntry, Office, ReturnVisit
from wuyedesk.store.office_file import OfficeFile

T0 = datetime(2026, 3, 16, 9, 0, tzinfo=OFFICE_TZ)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CALLER, PHONE, CONTENT = "刘秀英", "13912345678", "维修工进门不换鞋，还和我吵架"


def hours(n: float) -> datetime:
    return T0 + timedelta(hours=n)


def complaint(
    office: OfficeFile,
    who: dict[str, Actor],
    at: datetime = T0,
    department: str = "engineering",
    unit: str = "3-2-1502",
) -> c.ContactView:
    data = {
        "at": at,
        "method": "call",
        "unit": unit,
        "caller_name": CALLER,
        "phone": PHONE,
        "kind": "complaint",
        "content": CONTENT,
        "complained_department": department,
    }
    return c.record_contact(office, who["assistant"], data, now=at + timedelta(minutes=1))


def planned(
    office: OfficeFile, who: dict[str, Actor], at: datetime = T0, **changes: object
) -> v.VisitView:
    contact = complaint(office, who, at)
    data: dict[str, object] = {"kind": "complaint", "related_number": contact.number}
    data.update(changes)
    return v.plan_visit(office, who["assistant"], data, now=at + timedelta(minutes=5))


def routine(office: OfficeFile, who: dict[str, Actor], unit: str = "3-1-801") -> v.VisitView:
    data = {"kind": "routine", "unit": unit, "due_at": hours(48), "visitors": "赵主管"}
    return v.plan_visit(office, who["supervisor"], data, now=T0)


def record(
    office: OfficeFile,
    actor: Actor,
    view: v.VisitView,
    satisfaction: str = "satisfied",
    *,
    at: datetime,
    visitors: str | None = "黄主管",
    opinions: str | None = None,
) -> v.VisitView:
    return v.record_visit(
        office,
        actor,
        view.id,
        version=view.version,
        method="talk",
        satisfaction=satisfaction,
        opinions=opinions,
        visitors=visitors,
        at=at,
        now=at + timedelta(minutes=10),
    )


def audit_actions(office: OfficeFile) -> list[str]:
    with office.transaction() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- complaints: 100 % within 24 h, by the supervisor with the department's head ---------------


def test_complaint_visit_is_due_in_24_hours_and_made_by_supervisor_with_the_head(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    view = planned(staffed_estate, who)
    assert (view.number, view.kind_label, view.state_label) == ("HF-2026-000001", "投诉", "待回访")
    assert view.related_number == "DJ-2026-000001" and view.place == "3栋2单元1502"
    assert view.due_at == view.visit_limit == hours(24)
    assert dict(v.get_visit(staffed_estate, who["supervisor"], view.id).actions).keys() >= {
        "record_satisfied",
        "record_dissatisfied",
        "nobody_home",
    }
    # The assistant posts the door note but does not make a complaint's visit.
    assert list(dict(view.actions)) == ["nobody_home"]
    view = record(staffed_estate, who["supervisor"], view, at=hours(20))
    assert (view.state, view.satisfaction_label, view.method_label) == (
        "done_satisfied",
        "满意",
        "交谈",
    )
    assert view.visitors == "赵主管、黄主管" and view.visited_at == hours(20)
    assert not view.late and view.overdue == [] and view.actions == []
    contact = c.get_contact(staffed_estate, who["clerk"], 1, now=hours(30))
    assert not any("回访" in reason for reason in contact.overdue)
    assert audit_actions(staffed_estate)[-2:] == ["visit.plan", "visit.record"]


def test_complaint_visit_refused_to_other_roles_and_without_the_department_head(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    view = planned(staffed_estate, who)
    with pytest.raises(PermissionDenied, match="物业部主管") as caught:
        record(staffed_estate, who["assistant"], view, at=hours(2))
    assert "物业助理" in caught.value.message
    with pytest.raises(PermissionDenied, match="物业部主管"):
        record(staffed_estate, Actor.command_line(), view, at=hours(2))
    with pytest.raises(TransitionRefused, match="工程人员"):
        record(staffed_estate, who["engineer"], view, at=hours(2))
    with pytest.raises(PermissionDenied, match="财务"):
        record(staffed_estate, who["finance"], view, at=hours(2))
    with pytest.raises(ValidationError, match="工程部主管") as missing:
        record(staffed_estate, who["supervisor"], view, at=hours(2), visitors="")
    assert missing.value.field == "visitors"
    with pytest.raises(PermissionDenied, match="安排回访"):
        v.plan_visit(staffed_estate, who["finance"], {"kind": "routine"}, now=T0)
    assert v.get_visit(staffed_estate, who["clerk"], view.id).state == "planned"


def test_a_complaint_against_the_property_department_is_visited_by_the_supervisor_alone(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    contact = complaint(staffed_estate, who, department="property")
    data = {"kind": "complaint", "related_number": contact.number}
    view = v.plan_visit(staffed_estate, who["clerk"], data, now=hours(1))
    view = record(staffed_estate, who["supervisor"], view, at=hours(3), visitors=None)
    assert view.visitors == "赵主管"


@pytest.mark.parametrize(
    ("complained", "due", "half"),
    [
        ((2025, 12, 31, 23, 30), (2026, 1, 1, 23, 30), (2026, 1)),  # the year and half turn
        ((2026, 1, 31, 23, 30), (2026, 2, 1, 23, 30), (2026, 1)),  # the month turns
        ((2026, 6, 30, 23, 30), (2026, 7, 1, 23, 30), (2026, 2)),  # the half turns
        ((2026, 2, 28, 0, 10), (2026, 3, 1, 0, 10), (2026, 1)),  # past midnight, end of February
    ],
)
def test_the_24_hours_cross_midnight_month_and_year_in_office_time(
    staffed_estate: OfficeFile,
    who: dict[str, Actor],
    complained: tuple[int, ...],
    due: tuple[int, ...],
    half: tuple[int, int],
) -> None:
    at = datetime(*complained, tzinfo=OFFICE_TZ)
    limit = datetime(*due, tzinfo=OFFICE_TZ)
    view = planned(staffed_estate, who, at)
    assert view.due_at == limit and half_year_of(view.due_at) == half
    assert view.number.startswith(f"HF-{(at + timedelta(minutes=5)).year}-")
    in_time = record(staffed_estate, who["supervisor"], view, at=limit - timedelta(minutes=1))
    assert not in_time.late
    second = planned(staffed_estate, who, at)
    late = record(staffed_estate, who["supervisor"], second, at=limit + timedelta(minutes=1))
    assert late.late and "超过 24 小时才回访" in late.overdue[0]
    assert not late.overdue_now


def test_a_complaint_not_visited_in_24_hours_is_overdue_and_listed(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    view = planned(staffed_estate, who)
    assert v.get_visit(staffed_estate, who["clerk"], view.id, now=hours(23)).overdue == []
    late = v.get_visit(staffed_estate, who["clerk"], view.id, now=hours(25))
    assert late.overdue_now and late.overdue == ["投诉超过 24 小时未回访（应于 03-17 09:00 前）"]
    listed = v.list_visits(staffed_estate, who["clerk"], overdue_only=True, now=hours(25))
    assert [x.number for x in listed] == [view.number]
    assert v.list_visits(staffed_estate, who["clerk"], overdue_only=True, now=hours(23)) == []


def test_a_complaint_visit_may_not_be_planned_after_its_limit_or_twice(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    contact = complaint(staffed_estate, who)
    data = {"kind": "complaint", "related_number": contact.number, "due_at": hours(30)}
    with pytest.raises(FormErrors) as caught:
        v.plan_visit(staffed_estate, who["assistant"], data, now=hours(1))
    assert caught.value.errors == {"due_at": "投诉须在 03-17 09:00 前回访（投诉后 24 小时内）"}
    first = v.plan_visit(staffed_estate, who["assistant"], {**data, "due_at": None}, now=hours(1))
    with pytest.raises(FormErrors, match=f"已有回访记录 {first.number}"):
        v.plan_visit(staffed_estate, who["assistant"], {**data, "due_at": None}, now=hours(1))
    voided = v.void_visit(
        staffed_estate, who["supervisor"], first.id, "重复安排", version=first.version, now=hours(2)
    )
    assert (voided.state_label, voided.void_reason, voided.overdue) == ("已作废", "重复安排", [])
    again = v.plan_visit(staffed_estate, who["assistant"], {**data, "due_at": None}, now=hours(2))
    assert again.number == "HF-2026-000002"


# --- bad input, stale copies, void ----------------------------------------------------------


def test_bad_input_is_refused_at_its_fields_in_chinese(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    plan = v.plan_visit
    with pytest.raises(FormErrors) as caught:
        plan(staffed_estate, who["supervisor"], {"kind": "x"}, now=T0)
    assert caught.value.errors == {"kind": "请选择回访类型", "due_at": "请选择回访日期"}
    bad = {"kind": "routine", "unit": "9-101", "related_number": "WX-2026-000001"}
    with pytest.raises(FormErrors) as caught:
        plan(staffed_estate, who["supervisor"], {**bad, "due_at": datetime(2026, 3, 17)}, now=T0)
    assert caught.value.errors["related_number"] == "日常回访不关联单号"
    assert "没有房号" in caught.value.errors["unit"]
    assert caught.value.errors["due_at"] == "回访日期格式不正确"
    with pytest.raises(FormErrors) as caught:
        plan(staffed_estate, who["supervisor"], {"kind": "complaint"}, now=T0)
    assert caught.value.errors["related_number"] == "投诉回访须填写投诉的登记编号（DJ-）"
    with pytest.raises(FormErrors) as caught:
        plan(staffed_estate, who["guard"], {"kind": "facility", "due_at": T0}, now=T0)
    assert caught.value.errors == {"facility": "请写明回访的公共设施"}
    with pytest.raises(FormErrors) as caught:
        plan(staffed_estate, who["guard"], {"kind": "routine", "due_at": T0}, now=T0)
    assert caught.value.errors == {"unit": "请填写房号"}
    view = planned(staffed_estate, who)
    with pytest.raises(FormErrors) as caught:
        v.record_visit(
            staffed_estate,
            who["supervisor"],
            view.id,
            version=view.version,
            method="fax",
            satisfaction="dissatisfied",
            opinions="  ",
            visitors="黄主管",
            at=hours(5),
            now=hours(1),
        )
    assert caught.value.errors == {
        "method": "请选择回访方式：交谈、现场查看、检查或电话",
        "opinions": "住户不满意时须记录住户的意见",
        "visited_at": "回访时间不能晚于现在",
    }
    with pytest.raises(ValidationError, match="不能早于投诉时间"):
        record(staffed_estate, who["supervisor"], view, at=T0 - timedelta(hours=1))


def test_a_stale_copy_is_refused_and_changes_nothing(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    view = planned(staffed_estate, who)
    newer = v.nobody_home(
        staffed_estate, who["assistant"], view.id, version=view.version, next_at=hours(8), now=T0
    )
    with pytest.raises(UserError, match=STALE):
        record(staffed_estate, who["supervisor"], view, at=hours(1))
    with pytest.raises(UserError, match=STALE):
        v.void_visit(staffed_estate, who["supervisor"], view.id, "x", version=view.version)
    assert v.get_visit(staffed_estate, who["clerk"], view.id).version == newer.version


def test_void_needs_a_manager_and_a_reason(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    view = routine(staffed_estate, who)
    with pytest.raises(ValidationError, match="作废原因不能为空"):
        v.void_visit(staffed_estate, who["supervisor"], view.id, " ", version=view.version)
    with pytest.raises(TransitionRefused, match="物业助理"):
        v.void_visit(staffed_estate, who["assistant"], view.id, "重复", version=view.version)


# --- nobody home and the door note ------------------------------------------------------------


def test_nobody_home_posts_the_note_and_sets_the_new_date_in_one_step(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    view = planned(staffed_estate, who)
    with pytest.raises(ValidationError, match="晚于现在"):
        v.nobody_home(
            staffed_estate,
            who["assistant"],
            view.id,
            version=view.version,
            next_at=T0,
            now=hours(1),
        )
    view = v.nobody_home(
        staffed_estate,
        who["assistant"],
        view.id,
        version=view.version,
        next_at=hours(8),
        now=hours(2),
    )
    assert (view.state, view.due_at, view.door_note_at) == ("planned", hours(8), hours(2))
    assert view.visit_limit == hours(24)  # the complaint's limit stays where it was
    assert audit_actions(staffed_estate)[-1] == "visit.nobody_home"
    view = record(staffed_estate, who["supervisor"], view, at=hours(8))
    assert view.state == "done_satisfied" and not view.late


def test_a_visit_left_at_nobody_home_can_be_rescheduled(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    view = routine(staffed_estate, who)
    with staffed_estate.transaction() as session:  # as the demo leaves some
        row = session.get(ReturnVisit, view.id)
        assert row is not None
        row.state = "nobody_home"
    view = v.get_visit(staffed_estate, who["assistant"], view.id)
    assert dict(view.actions) == {"reschedule": "另约时间"}
    view = v.reschedule_visit(
        staffed_estate, who["assistant"], view.id, version=view.version, next_at=hours(72), now=T0
    )
    assert (view.state, view.due_at) == ("planned", hours(72))


def test_the_door_note_carries_no_name_phone_or_details(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    with staffed_estate.transaction() as session:
        session.scalars(select(Office)).one().phone = "0755-26001234"
    view = planned(staffed_estate, who)
    view = v.nobody_home(
        staffed_estate,
        who["assistant"],
        view.id,
        version=view.version,
        next_at=hours(8),
        now=hours(2),
    )
    note = v.door_note_values(staffed_estate, who["assistant"], view.id)
    assert note == {
        "office_name": "测试物业管理处",
        "unit_code": "3栋2单元1502",
        "number": view.number,
        "matter": "服务回访",
        "office_phone": "0755-26001234",
        "date": date(2026, 3, 16),
    }
    printed = " ".join(str(value) for value in note.values())
    for secret in (CALLER, PHONE, PHONE[-4:], CONTENT, "工程部", "赵主管", "黄主管"):
        assert secret not in printed
    facility = v.plan_visit(
        staffed_estate, who["guard"], {"kind": "facility", "facility": "3栋水泵房", "due_at": T0}
    )
    with pytest.raises(UserError, match="不需要回访单"):
        v.door_note_values(staffed_estate, who["guard"], facility.id)


# --- nonconformity and 复访 until satisfied ----------------------------------------------------


def test_dissatisfied_opens_a_nonconformity_and_visits_go_on_until_satisfied(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    boss, supervisor = who["boss"], who["supervisor"]
    first = planned(staffed_estate, who)
    first = record(
        staffed_estate, supervisor, first, "dissatisfied", at=hours(3), opinions="地面还是脏的"
    )
    assert first.state == "done_dissatisfied"
    assert dict(first.actions) == {"open_nonconformity": "登记不合格项", "void": "作废"}
    deadline = date(2026, 3, 20)
    with pytest.raises(TransitionRefused, match="工程部主管"):
        v.open_nonconformity(
            staffed_estate,
            boss,
            first.id,
            version=first.version,
            problem="x",
            department="engineering",
            deadline=deadline,
            now=hours(4),
        )
    with pytest.raises(FormErrors) as caught:
        v.open_nonconformity(
            staffed_estate,
            supervisor,
            first.id,
            version=first.version,
            problem=" ",
            department="nowhere",
            deadline=date(2026, 3, 15),
            now=hours(4),
        )
    assert set(caught.value.errors) == {
        "nonconformity",
        "responsible_department",
        "rectify_deadline",
    }
    first = v.open_nonconformity(
        staffed_estate,
        supervisor,
        first.id,
        version=first.version,
        problem="维修后未清理现场",
        department="engineering",
        deadline=deadline,
        now=hours(4),
    )
    assert (first.state_label, first.responsible_department_label) == ("不合格项整改中", "工程部")
    late = v.get_visit(
        staffed_estate, who["clerk"], first.id, now=datetime(2026, 3, 21, 8, tzinfo=OFFICE_TZ)
    )
    assert late.overdue == ["超过整改期限（应于 03-20 前整改完成）"]
    with pytest.raises(ValidationError, match="整改情况不能为空"):
        v.rectify(staffed_estate, boss, first.id, version=first.version, note="")
    first = v.rectify(
        staffed_estate, boss, first.id, version=first.version, note="已清理并致歉", now=hours(26)
    )
    assert (first.state, first.rectified_at, first.next_number) == (
        "rectified",
        hours(26),
        "HF-2026-000002",
    )
    [_, second] = v.visit_chain(staffed_estate, who["clerk"], first.id)
    assert (second.previous_number, second.due_at, second.state) == (
        first.number,
        hours(50),
        "planned",
    )
    assert second.visit_limit is None  # a 复访 is not held to the complaint's 24 hours
    assert second.visitors == "赵主管、黄主管" and second.related_number == first.related_number
    with pytest.raises(ValidationError, match="不能早于整改完成时间"):
        record(staffed_estate, supervisor, second, at=hours(25))
    second = record(
        staffed_estate, supervisor, second, "dissatisfied", at=hours(40), opinions="仍不满意"
    )
    second = v.open_nonconformity(
        staffed_estate,
        supervisor,
        second.id,
        version=second.version,
        problem="仍有污渍",
        department="cleaning",
        deadline=date(2026, 3, 18),
        now=hours(41),
    )
    rectified = datetime(2026, 3, 18, 10, tzinfo=OFFICE_TZ)  # on the deadline day
    second = v.rectify(
        staffed_estate,
        supervisor,
        second.id,
        version=second.version,
        note="重新清洗",
        now=rectified,
    )
    third = v.get_visit(staffed_estate, who["clerk"], second.id + 1)
    assert third.due_at == datetime(2026, 3, 19, tzinfo=OFFICE_TZ)  # at the deadline's end
    record(staffed_estate, supervisor, third, "fairly", at=rectified + timedelta(hours=3))
    chain = v.visit_chain(staffed_estate, who["clerk"], third.id)
    assert [(x.number, x.state) for x in chain] == [
        ("HF-2026-000001", "rectified"),
        ("HF-2026-000002", "rectified"),
        ("HF-2026-000003", "done_fairly"),
    ]
    assert all(x.actions == [] for x in chain)  # the chain is closed
    assert audit_actions(staffed_estate).count("visit.plan") == 3


def test_follow_up_is_due_a_day_after_rectifying_or_at_the_deadline_if_sooner() -> None:
    done = datetime(2026, 3, 18, 10, tzinfo=OFFICE_TZ)
    assert v.follow_up_due(None, done) == done + timedelta(days=1)
    assert v.follow_up_due(date(2026, 3, 25), done) == done + timedelta(days=1)
    assert v.follow_up_due(date(2026, 3, 18), done) == datetime(2026, 3, 19, tzinfo=OFFICE_TZ)
    assert v.follow_up_due(date(2026, 3, 10), done) == done + timedelta(days=1)


# --- repairs, routine, facilities ------------------------------------------------------------


def accepted_repair(office: OfficeFile, who: dict[str, Actor]) -> r.RepairView:
    data = {
        "kind": "free",
        "reported_at": T0,
        "unit": "3-2-1502",
        "reporter_name": CALLER,
        "phone": PHONE,
        "category": "plumbing_electrical",
        "content": "厨房水龙头漏水",
    }
    view = r.open_repair(office, who["assistant"], data, now=T0)
    eng = who["engineer"]
    view = r.receive_repair(office, eng, view.id, version=view.version, signature_png=PNG, now=T0)
    view = r.dispatch_repair(
        office, who["boss"], view.id, eng.staff_id or 0, version=view.version, now=T0
    )
    view = r.record_arrival(office, eng, view.id, version=view.version, now=hours(0.05))
    view = r.complete_repair(office, eng, view.id, "换阀芯", version=view.version, now=hours(1))
    return r.accept_repair(
        office,
        who["clerk"],
        view.id,
        version=view.version,
        signer_name=CALLER,
        signature_png=PNG,
        satisfaction="satisfied",
        now=hours(1.5),
    )


def test_the_assistant_phones_back_about_an_accepted_repair(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    data = {"kind": "free", "reported_at": T0, "unit": "3-1-801", "reporter_name": "张伟"}
    data |= {"phone": PHONE, "category": "building", "content": "墙皮脱落"}
    fresh = r.open_repair(staffed_estate, who["assistant"], data, now=T0)
    with pytest.raises(FormErrors, match="尚未经住户验收"):
        v.plan_visit(
            staffed_estate,
            who["assistant"],
            {"kind": "repair", "related_number": fresh.number, "due_at": hours(24)},
            now=T0,
        )
    order = accepted_repair(staffed_estate, who)
    wanted = {"kind": "repair", "related_number": order.number.lower(), "due_at": hours(1)}
    with pytest.raises(FormErrors, match="不能早于验收时间"):
        v.plan_visit(staffed_estate, who["assistant"], wanted, now=hours(2))
    view = v.plan_visit(
        staffed_estate, who["assistant"], {**wanted, "due_at": hours(24)}, now=hours(2)
    )
    assert (view.place, view.related_number) == ("3栋2单元1502", order.number)
    with pytest.raises(PermissionDenied, match="保安"):
        record(staffed_estate, who["guard"], view, at=hours(20))
    view = v.record_visit(
        staffed_estate,
        who["assistant"],
        view.id,
        version=view.version,
        method="phone",
        satisfaction="satisfied",
        opinions="水龙头不漏了",
        visitors=None,
        now=hours(20),
    )
    assert (view.visitors, view.method_label, view.visited_at) == ("张助理", "电话", hours(20))


def test_routine_visits_are_made_by_managers_and_facilities_by_security(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    view = routine(staffed_estate, who)
    with pytest.raises(PermissionDenied, match="部门主管以上"):
        record(staffed_estate, who["assistant"], view, at=hours(1))
    view = record(staffed_estate, who["boss"], view, at=hours(1), visitors="黄主管, 赵主管")
    assert view.visitors == "黄主管、赵主管"
    data = {"kind": "facility", "facility": "3栋电梯", "due_at": hours(4)}
    lift = v.plan_visit(staffed_estate, who["guard"], data, now=T0)
    assert (lift.place, lift.unit_code) == ("公共设施：3栋电梯", None)
    lift = v.record_visit(
        staffed_estate,
        who["guard"],
        lift.id,
        version=lift.version,
        method="inspection",
        satisfaction="satisfied",
        opinions=None,
        visitors=["吴保安"],
        now=hours(4),
    )
    assert lift.state_label == "满意"


def test_list_visits_filters_by_kind_day_and_open(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    done = routine(staffed_estate, who, "3-1-801")
    record(staffed_estate, who["supervisor"], done, at=hours(1), visitors=None)
    waiting = routine(staffed_estate, who, "3-1-802")
    complaint_visit = planned(staffed_estate, who)
    clerk = who["clerk"]
    today = v.list_visits(staffed_estate, clerk, now=hours(2))
    assert [x.number for x in today] == [done.number]  # visited today; the others are due later
    every = v.list_visits(
        staffed_estate, clerk, date_from=date(2026, 3, 16), date_to=date(2026, 3, 18)
    )
    assert {x.number for x in every} == {done.number, waiting.number, complaint_visit.number}
    open_ones = v.list_visits(staffed_estate, clerk, open_only=True, kind="routine")
    assert [x.number for x in open_ones] == [waiting.number]
    with pytest.raises(ValidationError, match="回访类型"):
        v.list_visits(staffed_estate, clerk, kind="weekly")
    with pytest.raises(PermissionDenied):
        v.list_visits(staffed_estate, who["finance"])
