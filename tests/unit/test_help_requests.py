"""The help-request log: special help step by step, general help converted, enquiries answered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import build_template, open_copy
from wuyedesk.domain.errors import (
    FormErrors,
    PermissionDenied,
    TransitionRefused,
    UserError,
    ValidationError,
)
from wuyedesk.domain.roles import Role
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.services import help_requests as h
from wuyedesk.services.contacts import get_contact
from wuyedesk.services.context import Actor
from wuyedesk.services.staff import add_staff
from wuyedesk.store.models import AuditEntry, Contact, HelpRequest, HelpStep, RepairOrder
from wuyedesk.store.office_file import OfficeFile

T0 = datetime(2026, 3, 16, 21, 0, tzinfo=OFFICE_TZ)
DESK = Actor(None, "周客服", Role.service_desk)
ASSISTANT = Actor(None, "张助理", Role.assistant)
GUARD = Actor(None, "吴保安", Role.security)
FINANCE = Actor(None, "钱会计", Role.finance)
SUPERVISOR = Actor(None, "赵主管", Role.supervisor)
STALE = "该记录已被他人修改，请刷新后再操作"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """Build the estate once; each test gets its own copy of the file (fast)."""
    return build_template(tmp_path_factory.mktemp("template"), ("3", 2, 16, 2))


@pytest.fixture
def estate(template: tuple[Path, bytes], tmp_path: Path) -> Iterator[OfficeFile]:
    office = open_copy(template, tmp_path)
    yield office
    office.close()


def request(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "at": T0,
        "requester_name": "刘阿姨",
        "unit": "3-2-1502",
        "phone": "13800138000",
        "help_type": "medical",
        "content": "老伴在家晕倒",
    }
    data.update(changes)
    return data


def record(office: OfficeFile, actor: Actor = DESK, **changes: object) -> h.HelpView:
    return h.record_help(office, actor, request(**changes), now=T0)


def audit_actions(office: OfficeFile) -> list[str]:
    with office.transaction() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- recording -------------------------------------------------------------------------------


def test_record_special_help_numbers_masks_and_audits(estate: OfficeFile) -> None:
    view = record(estate, FINANCE)  # anyone on duty takes a call for help
    assert view.number == "QZ-2026-000001"
    assert (view.is_special, view.category_label, view.help_type_label) == (
        True,
        "特别求助",
        "急救病人",
    )
    assert (view.unit_code, view.phone, view.state_label) == (
        "3栋2单元1502",
        "138****8000",
        "已接报",
    )
    assert view.received_by == "王主任"
    assert audit_actions(estate)[-1] == "help.record"
    second = record(estate, help_type="enquiry")
    assert (second.number, second.category_label) == ("QZ-2026-000002", "一般求助")


def test_every_bad_field_is_named_and_no_number_is_used(estate: OfficeFile) -> None:
    with pytest.raises(FormErrors) as caught:
        h.record_help(estate, DESK, {"phone": "123"}, now=T0)
    assert set(caught.value.errors) == {
        "requester_name",
        "unit",
        "location",
        "phone",
        "help_type",
        "content",
    }
    view = record(estate, unit="", location="地下车库B区")
    assert (view.number, view.unit_code, view.location) == ("QZ-2026-000001", None, "地下车库B区")


def test_confidential_enquiry_is_hidden_from_security(estate: OfficeFile) -> None:
    view = record(estate, help_type="enquiry", content="邻居的租客情况", confidential=True)
    assert h.get_help(estate, GUARD, view.id).content == "（涉及保密，仅管理处人员可见）"
    assert h.get_help(estate, ASSISTANT, view.id).content == "邻居的租客情况"


# --- special help, one click per step --------------------------------------------------------


def test_special_help_steps_stamp_time_and_person(estate: OfficeFile, cli_actor: Actor) -> None:
    info = add_staff(estate, cli_actor, "吴刚", "security", "2468")
    guard = Actor(info.id, info.name, Role.security)
    view = record(estate)
    assert [a for a, _ in view.actions] == ["dispatch"]
    with pytest.raises(ValidationError, match="人员姓名"):
        h.log_step(estate, guard, view.id, "sent", version=view.version)
    with pytest.raises(TransitionRefused, match="到场"):
        h.log_step(estate, guard, view.id, "confirmed", "已清醒", version=view.version)
    times = {step: T0 + timedelta(minutes=i) for i, step in enumerate(h.SPECIAL_STEPS, 1)}
    notes = {"sent": "保安吴刚", "confirmed": "病人清醒，需送医"}
    for step in ("sent", "arrived", "confirmed", "called_120", "director_told", "security_told"):
        view = h.log_step(
            estate, guard, view.id, step, notes.get(step), version=view.version, now=times[step]
        )
    assert (view.state, view.nearest_person, view.sent_at) == (
        "on_site",
        "保安吴刚",
        times["sent"],
    )
    assert (view.arrived_at, view.situation) == (times["arrived"], "病人清醒，需送医")
    assert (view.director_told_at, view.security_told_at) == (
        times["director_told"],
        times["security_told"],
    )
    for step in ("relatives_told", "escorted", "called_110"):
        view = h.log_step(estate, guard, view.id, step, version=view.version, now=times[step])
    assert view.relatives_told_at == times["relatives_told"] and view.escorted
    assert view.emergency_called == "120,110"
    assert [(s.step, s.at, s.staff_name) for s in view.steps][:2] == [
        ("sent", times["sent"], "吴刚"),
        ("arrived", times["arrived"], "吴刚"),
    ]
    assert view.steps[0].step_label == "通知最近人员" and view.steps[0].note == "保安吴刚"
    with pytest.raises(TransitionRefused, match="已于"):
        h.log_step(estate, guard, view.id, "called_120", version=view.version)
    with pytest.raises(UserError, match="没有"):
        h.log_step(estate, guard, view.id, "prayed", version=view.version)
    with pytest.raises(ValidationError):
        h.handle_help(estate, guard, view.id, " ", version=view.version)
    view = h.handle_help(estate, guard, view.id, "已送医院，家属到场", version=view.version, now=T0)
    assert (view.state, view.handled_by, view.done_at) == ("handled", "吴刚", T0)
    with pytest.raises(TransitionRefused, match="不能再记录"):
        h.log_step(estate, guard, view.id, "called_119", version=view.version)
    with pytest.raises(TransitionRefused):  # security does not close: the office does
        h.close_help(estate, guard, view.id, version=view.version)
    view = h.close_help(estate, ASSISTANT, view.id, version=view.version)
    assert (view.state, view.result) == ("closed", "已送医院，家属到场")
    with estate.transaction() as session:
        assert session.query(HelpStep).count() == 9
    assert audit_actions(estate).count("help.step") == 9


def test_steps_refused_for_general_help_wrong_role_or_stale_copy(estate: OfficeFile) -> None:
    general = record(estate, help_type="repair", content="厨房水管漏水")
    with pytest.raises(TransitionRefused, match="一般求助"):
        h.log_step(estate, GUARD, general.id, "sent", "保安", version=general.version)
    special = record(estate, help_type="flood_fire", content="楼下冒烟")
    with pytest.raises(PermissionDenied):
        h.log_step(estate, FINANCE, special.id, "sent", "保安", version=special.version)
    h.log_step(estate, GUARD, special.id, "sent", "保安", version=special.version)
    with pytest.raises(UserError, match=STALE):
        h.log_step(estate, GUARD, special.id, "called_119", version=special.version)
    with pytest.raises(TransitionRefused):
        h.handle_help(estate, GUARD, general.id, "修好了", version=general.version)
    with pytest.raises(TransitionRefused, match="通知最近人员"):
        h.convert_help(estate, ASSISTANT, special.id, "contact", version=special.version + 1)


def test_special_help_not_sent_in_time_is_overdue(estate: OfficeFile) -> None:
    view = record(estate, help_type="crime", content="有人撬门")
    assert h.get_help(estate, DESK, view.id, now=T0 + timedelta(minutes=14)).overdue == []
    late = T0 + timedelta(minutes=16)
    [reason] = h.get_help(estate, DESK, view.id, now=late).overdue
    assert "未通知最近人员" in reason
    assert [v.id for v in h.list_help(estate, DESK, overdue_only=True, now=late)] == [view.id]
    h.log_step(estate, GUARD, view.id, "sent", "保安", version=view.version, now=late)
    assert h.get_help(estate, DESK, view.id, now=late).overdue == []


# --- general help: converted with its link kept ----------------------------------------------


def test_complaint_help_becomes_a_register_entry(estate: OfficeFile) -> None:
    view = record(estate, help_type="complaint", content="保洁没有清理楼道")
    assert [a for a, _ in view.actions] == ["convert"]
    view = h.convert_help(
        estate,
        ASSISTANT,
        view.id,
        "contact",
        version=view.version,
        complained_department="cleaning",
    )
    assert (view.state, view.contact_number) == ("converted", "DJ-2026-000001")
    with estate.transaction() as session:
        contact_id = session.scalar(select(Contact.id).where(Contact.number == view.contact_number))
        link = session.get(HelpRequest, view.id).contact_id  # type: ignore[union-attr]
    assert link == contact_id
    entry = get_contact(estate, ASSISTANT, contact_id, now=T0)  # type: ignore[arg-type]
    assert (entry.kind, entry.caller_name, entry.unit_code, entry.content) == (
        "complaint",
        "刘阿姨",
        "3栋2单元1502",
        "保洁没有清理楼道",
    )
    assert entry.complained_department_label == "保洁部"
    assert entry.visit_due_at == T0 + timedelta(hours=24)
    view = h.close_help(estate, ASSISTANT, view.id, version=view.version)
    assert view.result == "已转为 DJ-2026-000001"
    assert audit_actions(estate)[-3:] == ["contact.record", "help.convert", "help.close"]


def test_other_help_becomes_a_help_entry_and_keeps_its_place(estate: OfficeFile) -> None:
    view = record(estate, help_type="other", unit="", location="3栋大堂", content="借轮椅")
    view = h.convert_help(estate, ASSISTANT, view.id, "contact", version=view.version)
    with estate.transaction() as session:
        entry = session.scalar(select(Contact).where(Contact.number == view.contact_number))
        assert entry is not None
        assert (entry.kind, entry.unit_id, entry.content) == ("help", None, "（3栋大堂）借轮椅")


def test_repair_and_paid_service_become_slips(estate: OfficeFile) -> None:
    repair = record(estate, help_type="repair", content="厨房水管漏水")
    repair = h.convert_help(estate, ASSISTANT, repair.id, "repair", version=repair.version)
    paid = record(estate, help_type="paid_service", content="想请人装窗帘杆")
    paid = h.convert_help(estate, ASSISTANT, paid.id, "repair", version=paid.version)
    assert (repair.repair_number, paid.repair_number) == ("WX-2026-000001", "YC-2026-000001")
    with estate.transaction() as session:
        order = session.scalar(select(RepairOrder).where(RepairOrder.number == "YC-2026-000001"))
        assert order is not None
        assert (order.kind, order.state, order.category, order.channel) == (
            "paid",
            "opened",
            "other",
            "phone",
        )
        assert (order.reporter_name, order.phone, order.content) == (
            "刘阿姨",
            "13800138000",
            "想请人装窗帘杆",
        )
        assert order.unit_id is not None and order.reported_at == T0
        assert session.get(HelpRequest, paid.id).repair_order_id == order.id  # type: ignore[union-attr]


def test_conversions_refused_clearly(estate: OfficeFile, cli_actor: Actor) -> None:
    repair = record(estate, help_type="repair", content="漏水", phone="")
    with pytest.raises(ValidationError, match="联系电话"):
        h.convert_help(estate, ASSISTANT, repair.id, "repair", version=repair.version)
    with pytest.raises(TransitionRefused, match="管理处主任"):  # the director opens no slips
        h.convert_help(estate, cli_actor, repair.id, "repair", version=repair.version)
    with pytest.raises(TransitionRefused, match="保安"):
        h.convert_help(estate, GUARD, repair.id, "contact", version=repair.version)
    with pytest.raises(UserError, match="只能转为"):
        h.convert_help(estate, ASSISTANT, repair.id, "party", version=repair.version)
    enquiry = record(estate, help_type="enquiry", content="物业费怎么交")
    with pytest.raises(TransitionRefused, match="答复"):
        h.convert_help(estate, ASSISTANT, enquiry.id, "contact", version=enquiry.version)
    done = h.convert_help(estate, ASSISTANT, repair.id, "contact", version=repair.version)
    with pytest.raises(TransitionRefused, match="已转登记"):
        h.convert_help(estate, ASSISTANT, repair.id, "contact", version=done.version)
    with estate.transaction() as session:
        assert session.scalar(select(RepairOrder.id)) is None  # refused slips used no number


# --- enquiries -------------------------------------------------------------------------------


def test_general_help_turned_into_a_written_enquiry_answered_in_writing(
    estate: OfficeFile,
) -> None:
    view = record(estate, help_type="other", content="装修需要哪些手续？", written=True)
    assert view.answer_due is None
    view = h.convert_help(estate, ASSISTANT, view.id, "enquiry", version=view.version)
    assert (view.help_type, view.state) == ("enquiry", "received")
    assert view.answer_due == T0 + timedelta(days=3)
    assert [a for a, _ in view.actions] == ["answer"]
    late = T0 + timedelta(days=3, minutes=1)
    [reason] = h.get_help(estate, DESK, view.id, now=late).overdue
    assert "书面咨询" in reason
    with pytest.raises(ValidationError, match="书面答复"):
        h.answer_enquiry(estate, ASSISTANT, view.id, "  ", version=view.version)
    view = h.answer_enquiry(
        estate, ASSISTANT, view.id, "请携带装修方案到管理处登记", version=view.version, now=late
    )
    assert (view.state, view.answered_at, view.handled_by) == ("answered", late, "张助理")
    assert h.get_help(estate, DESK, view.id, now=late).overdue == []
    view = h.close_help(estate, ASSISTANT, view.id, version=view.version)
    assert (view.state, view.result) == ("closed", "已答复")


def test_conversion_can_mark_the_enquiry_written_and_confidential(estate: OfficeFile) -> None:
    view = record(estate, help_type="other", content="想了解邻居的联系方式")
    assert not view.written
    view = h.convert_help(
        estate,
        ASSISTANT,
        view.id,
        "enquiry",
        version=view.version,
        written=True,
        confidential=True,
    )
    assert view.written and view.confidential
    assert view.answer_due == T0 + timedelta(days=3)


def test_oral_enquiry_answered_on_the_spot(estate: OfficeFile) -> None:
    view = record(estate, help_type="enquiry", content="快递放哪里")
    assert view.answer_due is None
    with pytest.raises(TransitionRefused, match="保安"):
        h.answer_enquiry(estate, GUARD, view.id, "门卫室", version=view.version)
    view = h.answer_enquiry(estate, ASSISTANT, view.id, "", version=view.version)
    assert view.state == "answered"
    with pytest.raises(TransitionRefused):
        h.answer_enquiry(estate, ASSISTANT, view.id, "再答一次", version=view.version)
    medical = record(estate)
    with pytest.raises(TransitionRefused, match="通知最近人员"):
        h.answer_enquiry(estate, ASSISTANT, medical.id, "x", version=medical.version)


# --- void and lists --------------------------------------------------------------------------


def test_void_needs_a_manager_and_a_reason(estate: OfficeFile) -> None:
    view = record(estate, help_type="enquiry", content="重复来电")
    with pytest.raises(TransitionRefused, match="客服"):
        h.void_help(estate, DESK, view.id, "重复", version=view.version)
    with pytest.raises(ValidationError):
        h.void_help(estate, SUPERVISOR, view.id, "", version=view.version)
    view = h.void_help(estate, SUPERVISOR, view.id, "重复", version=view.version)
    assert (view.state, view.void_reason, view.actions) == ("void", "重复", [])


def test_list_filters(estate: OfficeFile) -> None:
    old = h.record_help(estate, DESK, request(at=T0 - timedelta(days=2)), now=T0)
    enquiry = record(estate, help_type="enquiry", content="问题")
    medical = record(estate)
    assert [v.id for v in h.list_help(estate, DESK, now=T0)] == [medical.id, enquiry.id]
    assert [v.id for v in h.list_help(estate, DESK, special_only=True, now=T0)] == [medical.id]
    assert [v.id for v in h.list_help(estate, DESK, open_only=True, now=T0)] == [
        medical.id,
        enquiry.id,
        old.id,
    ]
    h.answer_enquiry(estate, ASSISTANT, enquiry.id, "好", version=enquiry.version)
    h.void_help(estate, SUPERVISOR, old.id, "误报", version=old.version)
    assert [v.id for v in h.list_help(estate, DESK, open_only=True, now=T0)] == [
        medical.id,
        enquiry.id,
    ]
