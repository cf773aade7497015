"""The visitor/call register: recording, relaying, complaints to their result, filing, overdue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
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
from wuyedesk.services import contacts as c
from wuyedesk.services.context import Actor
from wuyedesk.services.residents import add_resident, move_out
from wuyedesk.services.staff import add_staff
from wuyedesk.store.models import AuditEntry, Contact, ReturnVisit
from wuyedesk.store.office_file import OfficeFile

T0 = datetime(2026, 3, 16, 9, 0, tzinfo=OFFICE_TZ)
CLERK = Actor(None, "李文员", Role.clerk)
ASSISTANT = Actor(None, "张助理", Role.assistant)
SUPERVISOR = Actor(None, "赵主管", Role.supervisor)
ENGINEER = Actor(None, "李师傅", Role.engineer)
FINANCE = Actor(None, "钱会计", Role.finance)
STALE = "该记录已被他人修改，请刷新后再操作"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """Build the estate once; each test gets its own copy of the file (fast)."""
    return build_template(tmp_path_factory.mktemp("template"), ("3", 2, 16, 2), ("5", 0, 2, 2))


@pytest.fixture
def estate(template: tuple[Path, bytes], tmp_path: Path) -> Iterator[OfficeFile]:
    office = open_copy(template, tmp_path)
    yield office
    office.close()


def call(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "at": T0,
        "method": "call",
        "unit": "3-2-1502",
        "caller_name": "张伟",
        "phone": "13800138000",
        "kind": "enquiry",
        "content": "问停车位月租怎么交",
    }
    data.update(changes)
    return data


def complaint(office: OfficeFile, **changes: object) -> c.ContactView:
    data = call(
        kind="complaint", content="楼道灯坏了三天没人修", complained_department="engineering"
    )
    data.update(changes)
    return c.record_contact(office, ASSISTANT, data, now=T0)


def audit_actions(office: OfficeFile) -> list[str]:
    with office.transaction() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def add_visit(office: OfficeFile, contact_id: int, state: str, serial: int) -> None:
    with office.transaction() as session:
        session.add(
            ReturnVisit(
                number=f"HF-2026-{serial:06d}",
                state=state,
                kind="complaint",
                contact_id=contact_id,
                due_at=T0 + timedelta(hours=24),
                visited_at=T0 + timedelta(hours=5),
            )
        )


# --- recording -------------------------------------------------------------------------------


def test_record_call_numbers_masks_and_audits(estate: OfficeFile) -> None:
    view = c.record_contact(estate, ASSISTANT, call(), now=T0 + timedelta(minutes=1))
    assert view.number == "DJ-2026-000001"
    assert view.unit_code == "3栋2单元1502"
    assert view.phone == "138****8000"
    assert (view.state, view.state_label) == ("recorded", "已登记")
    assert (view.method_label, view.kind_label) == ("来电", "咨询")
    assert view.recorded_by == "王主任"  # a system actor signs as the office's director
    assert view.at == T0 and view.visit_due_at is None and not view.is_complaint
    assert ("relay", "转达部门") in view.actions and (
        "record_result",
        "登记处理结果",
    ) in view.actions
    assert view.overdue == []
    assert audit_actions(estate)[-1] == "contact.record"
    with estate.transaction() as session:
        assert session.get(Contact, view.id).phone == "13800138000"  # type: ignore[union-attr]


def test_real_staff_signs_the_entry(estate: OfficeFile, cli_actor: Actor) -> None:
    info = add_staff(estate, cli_actor, "孙丽", "assistant", "2468")
    view = c.record_contact(estate, Actor(info.id, info.name, Role.assistant), call(), now=T0)
    assert view.recorded_by == "孙丽"


def test_numbers_are_gapless_even_after_a_refused_save(estate: OfficeFile) -> None:
    first = c.record_contact(estate, ASSISTANT, call(), now=T0)
    with pytest.raises(FormErrors):
        c.record_contact(estate, ASSISTANT, call(content=""), now=T0)
    second = c.record_contact(estate, ASSISTANT, call(unit=None), now=T0)
    assert (first.number, second.number) == ("DJ-2026-000001", "DJ-2026-000002")
    assert second.unit_code is None


def test_every_bad_field_is_named(estate: OfficeFile) -> None:
    with pytest.raises(FormErrors) as caught:
        c.record_contact(estate, ASSISTANT, {}, now=T0)
    assert set(caught.value.errors) == {"method", "caller_name", "kind", "content"}
    with pytest.raises(FormErrors) as caught:
        bad = call(
            at=T0 + timedelta(hours=1),
            unit="9-1-101",
            phone="12345",
            kind="complaint",
            caller_name="张3",
        )
        c.record_contact(estate, ASSISTANT, bad, now=T0)
    assert set(caught.value.errors) == {
        "at",
        "unit",
        "phone",
        "caller_name",
        "complained_department",
    }
    assert "9栋" in caught.value.errors["unit"]
    with pytest.raises(FormErrors) as caught:
        c.record_contact(estate, ASSISTANT, call(at=datetime(2026, 3, 16, 9)), now=T0)
    assert "时区" in caught.value.errors["at"]


def test_only_office_roles_record(estate: OfficeFile) -> None:
    with pytest.raises(PermissionDenied):
        c.record_contact(estate, ENGINEER, call(), now=T0)


def test_caller_suggestions_offer_current_residents_masked(
    estate: OfficeFile, cli_actor: Actor
) -> None:
    tenant = add_resident(
        estate, cli_actor, "3-2-1502", {"name": "李租", "role": "tenant", "phone": "13900139000"}
    )
    add_resident(
        estate, cli_actor, "3-2-1502", {"name": "王业", "role": "owner", "phone": "13700137000"}
    )
    gone = add_resident(
        estate, cli_actor, "3-2-1502", {"name": "赵走", "role": "family", "phone": "13600136000"}
    )
    move_out(estate, cli_actor, gone.id, date(2026, 1, 1), gone.version)
    found = c.caller_suggestions(estate, ASSISTANT, "3-2-1502")
    assert [(s.name, s.role_label, s.phone_masked) for s in found] == [
        ("王业", "业主", "137****7000"),
        ("李租", "租户", "139****9000"),
    ]
    # Picking a suggestion: the screen sends the id and the masked phone, never the number.
    view = c.record_contact(
        estate,
        ASSISTANT,
        call(unit="", caller_name="", phone="139****9000", resident_id=tenant.id),
        now=T0,
    )
    assert (view.caller_name, view.unit_code, view.phone) == ("李租", "3栋2单元1502", "139****9000")
    with estate.transaction() as session:
        assert session.get(Contact, view.id).phone == "13900139000"  # type: ignore[union-attr]
    with pytest.raises(FormErrors) as caught:
        c.record_contact(estate, ASSISTANT, call(unit="5-101", resident_id=tenant.id), now=T0)
    assert set(caught.value.errors) == {"unit"}


# --- a complaint through to filing -----------------------------------------------------------


def test_complaint_runs_to_its_result_but_is_filed_only_after_a_satisfied_visit(
    estate: OfficeFile,
) -> None:
    view = complaint(estate)
    assert view.is_complaint and view.complained_department_label == "工程部"
    assert view.visit_due_at == T0 + timedelta(hours=24)
    assert ("record_result", "登记处理结果") not in view.actions  # relay first
    relayed_at = T0 + timedelta(minutes=3)
    view = c.relay_contact(
        estate, ASSISTANT, view.id, "engineering", "陈主管", view.version, now=relayed_at
    )
    assert (view.state, view.relayed_at, view.relayed_to) == ("relayed", relayed_at, "陈主管")
    assert view.relayed_department_label == "工程部"
    assert c.DEPT_CONTACT in view.actions and c.UPDATE_COMPLAINT in view.actions
    contacted = T0 + timedelta(minutes=30)
    view = c.record_department_contact(
        estate, ENGINEER, view.id, contacted, view.version, now=T0 + timedelta(hours=1)
    )
    assert view.dept_contact_at == contacted
    view = c.update_complaint(
        estate,
        ENGINEER,
        view.id,
        {"remedy": "当天换灯", "solvable": True, "answer": "已致歉，今天修好"},
        view.version,
    )
    assert (view.remedy, view.solvable, view.answer) == ("当天换灯", True, "已致歉，今天修好")
    view = c.mark_handled(estate, ENGINEER, view.id, view.version)
    assert view.state == "handled"
    done = T0 + timedelta(hours=3)
    view = c.record_result(
        estate, ASSISTANT, view.id, "灯已更换", "satisfied", version=view.version, now=done
    )
    assert (view.state, view.result_at, view.satisfaction_label) == (
        "result_recorded",
        done,
        "满意",
    )
    assert "archive" not in dict(c.get_contact(estate, CLERK, view.id).actions)
    with pytest.raises(TransitionRefused, match="回访"):
        c.archive_contact(estate, CLERK, view.id, view.version)
    add_visit(estate, view.id, "done_dissatisfied", 1)
    with pytest.raises(TransitionRefused, match="回访"):
        c.archive_contact(estate, CLERK, view.id, view.version)
    add_visit(estate, view.id, "done_fairly", 2)
    assert "archive" in dict(c.get_contact(estate, CLERK, view.id).actions)
    with pytest.raises(TransitionRefused, match="物业助理"):
        c.archive_contact(estate, ASSISTANT, view.id, view.version)
    view = c.archive_contact(estate, CLERK, view.id, view.version, now=done)
    assert (view.state, view.archived_at, view.actions) == ("archived", done, [])
    assert audit_actions(estate)[-7:] == [
        "contact.record",
        "contact.relay",
        "contact.dept_contact",
        "contact.complaint",
        "contact.handle",
        "contact.record_result",
        "contact.archive",
    ]


def test_praise_is_filed_without_relay_or_visit(estate: OfficeFile) -> None:
    view = c.record_contact(estate, ASSISTANT, call(kind="praise", content="保安很负责"), now=T0)
    view = c.record_result(estate, ASSISTANT, view.id, "已转告保安部", version=view.version)
    view = c.archive_contact(estate, CLERK, view.id, view.version)
    assert view.state == "archived"


def test_complaint_steps_refused_out_of_order_or_on_other_matters(estate: OfficeFile) -> None:
    view = complaint(estate)
    with pytest.raises(TransitionRefused, match="请先将投诉转达"):
        c.record_department_contact(estate, ENGINEER, view.id, T0, view.version, now=T0)
    with pytest.raises(TransitionRefused, match="先转达"):
        c.record_result(estate, ASSISTANT, view.id, "已处理", version=view.version)
    with pytest.raises(TransitionRefused, match="已登记"):
        c.mark_handled(estate, ENGINEER, view.id, view.version)
    view = c.relay_contact(estate, ASSISTANT, view.id, "engineering", "陈主管", view.version)
    with pytest.raises(TransitionRefused, match="已转达"):
        c.relay_contact(estate, ASSISTANT, view.id, "engineering", "陈主管", view.version)
    with pytest.raises(ValidationError, match="早于投诉"):
        c.record_department_contact(
            estate, ENGINEER, view.id, T0 - timedelta(minutes=1), view.version
        )
    enquiry = c.record_contact(estate, ASSISTANT, call(), now=T0)
    enquiry = c.relay_contact(estate, ASSISTANT, enquiry.id, "property", "赵主管", enquiry.version)
    with pytest.raises(UserError, match="只有投诉"):
        c.update_complaint(estate, ASSISTANT, enquiry.id, {"remedy": "x"}, enquiry.version)
    assert c.DEPT_CONTACT not in enquiry.actions


def test_relay_and_result_need_their_fields(estate: OfficeFile) -> None:
    view = c.record_contact(estate, ASSISTANT, call(), now=T0)
    with pytest.raises(FormErrors) as caught:
        c.relay_contact(estate, ASSISTANT, view.id, "kitchen", "  ", view.version)
    assert set(caught.value.errors) == {"department", "person"}
    with pytest.raises(FormErrors) as caught:
        c.record_result(estate, ASSISTANT, view.id, " ", "happy", version=view.version)
    assert set(caught.value.errors) == {"result", "satisfaction"}


def test_roles_are_refused(estate: OfficeFile) -> None:
    view = c.record_contact(estate, ASSISTANT, call(), now=T0)
    with pytest.raises(PermissionDenied):
        c.relay_contact(estate, ENGINEER, view.id, "engineering", "陈主管", view.version)
    with pytest.raises(PermissionDenied):
        c.mark_handled(estate, FINANCE, view.id, view.version)
    with pytest.raises(PermissionDenied):
        c.get_contact(estate, FINANCE, view.id)
    with pytest.raises(TransitionRefused, match="作废"):
        c.void_contact(estate, CLERK, view.id, "重复登记", view.version)
    assert "void" not in dict(view.actions)
    assert "void" in dict(c.get_contact(estate, SUPERVISOR, view.id).actions)


def test_a_stale_copy_is_refused_everywhere(estate: OfficeFile) -> None:
    old = complaint(estate)
    view = c.relay_contact(estate, ASSISTANT, old.id, "engineering", "陈主管", old.version)
    assert view.version == old.version + 1
    stale_calls = [
        lambda: c.relay_contact(estate, ASSISTANT, old.id, "engineering", "陈", old.version),
        lambda: c.record_department_contact(estate, ENGINEER, old.id, T0, old.version),
        lambda: c.update_complaint(estate, ENGINEER, old.id, {"remedy": "x"}, old.version),
        lambda: c.mark_handled(estate, ENGINEER, old.id, old.version),
        lambda: c.record_result(estate, ASSISTANT, old.id, "好", version=old.version),
        lambda: c.archive_contact(estate, CLERK, old.id, old.version),
        lambda: c.void_contact(estate, SUPERVISOR, old.id, "错", old.version),
    ]
    for stale in stale_calls:
        with pytest.raises(UserError, match=STALE):
            stale()
    assert c.get_contact(estate, CLERK, old.id).version == view.version


def test_void_keeps_the_number_and_needs_a_reason(estate: OfficeFile) -> None:
    view = complaint(estate)
    with pytest.raises(ValidationError, match="作废原因"):
        c.void_contact(estate, SUPERVISOR, view.id, " ", view.version)
    voided = c.void_contact(estate, SUPERVISOR, view.id, "重复登记", view.version, now=T0)
    assert (voided.state_label, voided.void_reason, voided.number) == (
        "已作废",
        "重复登记",
        view.number,
    )
    assert voided.actions == [] and voided.overdue == []
    with pytest.raises(TransitionRefused):
        c.void_contact(estate, SUPERVISOR, view.id, "再作废", voided.version)


# --- overdue rules ---------------------------------------------------------------------------


def test_relay_not_made_in_time_is_overdue(estate: OfficeFile) -> None:
    view = c.record_contact(estate, ASSISTANT, call(), now=T0)
    assert c.get_contact(estate, CLERK, view.id, now=T0 + timedelta(minutes=14)).overdue == []
    [reason] = c.get_contact(estate, CLERK, view.id, now=T0 + timedelta(minutes=16)).overdue
    assert "15 分钟未转达" in reason and "09:15" in reason
    c.relay_contact(estate, ASSISTANT, view.id, "property", "赵主管", view.version)
    assert c.get_contact(estate, CLERK, view.id, now=T0 + timedelta(hours=1)).overdue == []


def test_complaint_not_contacted_by_the_department_is_overdue(estate: OfficeFile) -> None:
    view = complaint(estate)
    relayed = T0 + timedelta(minutes=5)
    view = c.relay_contact(
        estate, ASSISTANT, view.id, "engineering", "陈主管", view.version, now=relayed
    )
    late = relayed + timedelta(hours=2, minutes=1)
    assert c.get_contact(estate, CLERK, view.id, now=late - timedelta(minutes=2)).overdue == []
    [reason] = c.get_contact(estate, CLERK, view.id, now=late).overdue
    assert "2 小时未联系住户" in reason
    [listed] = c.list_contacts(estate, CLERK, overdue_only=True, now=late)
    assert listed.id == view.id
    c.record_department_contact(estate, ENGINEER, view.id, late, view.version, now=late)
    assert c.get_contact(estate, CLERK, view.id, now=late).overdue == []


def test_complaint_without_a_return_visit_in_24_hours_is_overdue(estate: OfficeFile) -> None:
    view = complaint(estate)
    view = c.relay_contact(estate, ASSISTANT, view.id, "engineering", "陈", view.version, now=T0)
    view = c.record_department_contact(estate, ENGINEER, view.id, T0, view.version, now=T0)
    day_later = T0 + timedelta(hours=24, minutes=1)
    [reason] = c.get_contact(estate, CLERK, view.id, now=day_later).overdue
    assert "24 小时未回访" in reason
    assert c.get_contact(estate, CLERK, view.id, now=day_later - timedelta(minutes=2)).overdue == []
    add_visit(estate, view.id, "planned", 1)  # planned is not made
    assert c.get_contact(estate, CLERK, view.id, now=day_later).overdue == [reason]
    add_visit(estate, view.id, "done_dissatisfied", 2)
    assert c.get_contact(estate, CLERK, view.id, now=day_later).overdue == []


# --- the day's register ----------------------------------------------------------------------


def test_list_defaults_to_today_newest_first_with_filters(estate: OfficeFile) -> None:
    yesterday = c.record_contact(estate, ASSISTANT, call(at=T0 - timedelta(days=1)), now=T0)
    early = c.record_contact(estate, ASSISTANT, call(at=T0 - timedelta(hours=1)), now=T0)
    late = complaint(estate, unit="5-101")
    today = c.list_contacts(estate, CLERK, now=T0 + timedelta(hours=1))
    assert [v.id for v in today] == [late.id, early.id]
    both_days = c.list_contacts(
        estate, CLERK, date_from=date(2026, 3, 15), date_to=date(2026, 3, 16), now=T0
    )
    assert [v.id for v in both_days] == [late.id, early.id, yesterday.id]
    assert [v.id for v in c.list_contacts(estate, CLERK, kind="complaint", now=T0)] == [late.id]
    assert [v.id for v in c.list_contacts(estate, CLERK, building="5栋", now=T0)] == [late.id]
    assert {v.id for v in c.list_contacts(estate, CLERK, open_only=True, now=T0)} == {
        yesterday.id,
        early.id,
        late.id,
    }
    with pytest.raises(ValidationError):
        c.list_contacts(estate, CLERK, kind="gossip", now=T0)
    with pytest.raises(ValidationError):
        c.list_contacts(estate, CLERK, date_from=date(2026, 3, 16), date_to=date(2026, 3, 1))
