"""员工管理: managers change jobs, reset PINs and mark people as left; every change is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import DIRECTOR_PIN
from wuyedesk.domain.errors import PermissionDenied, UserError, ValidationError
from wuyedesk.domain.roles import Role
from wuyedesk.services import staff_admin
from wuyedesk.services.context import Actor
from wuyedesk.services.staff import add_staff, list_staff, login
from wuyedesk.store.models import AuditEntry, Staff
from wuyedesk.store.office_file import OfficeFile

PIN = "2468"
PHONE = "13812345678"


@pytest.fixture
def director(office: OfficeFile) -> Actor:
    """The office's first director, logged in."""
    first = next(s for s in list_staff(office) if s.role is Role.director)
    return login(office, first.id, DIRECTOR_PIN)


@pytest.fixture
def clerk(office: OfficeFile, director: Actor) -> Actor:
    """A clerk added by the director, logged in."""
    info = add_staff(office, director, "李秀英", "clerk", PIN, "property", phone=PHONE)
    return login(office, info.id, PIN)


def audit_lines(office: OfficeFile, action: str) -> list[AuditEntry]:
    with office.transaction() as session:
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))
        session.expunge_all()
        return rows


def test_a_clerk_may_not_manage_staff(office: OfficeFile, clerk: Actor) -> None:
    for call in (
        lambda: staff_admin.list_staff_admin(office, clerk),
        lambda: staff_admin.update_staff(office, clerk, clerk.staff_id or 0, department="finance"),
        lambda: staff_admin.reset_pin(office, clerk, clerk.staff_id or 0, "9753"),
        lambda: staff_admin.set_active(office, clerk, clerk.staff_id or 0, False),
        lambda: add_staff(office, clerk, "赵工", "engineer", PIN),
    ):
        with pytest.raises(PermissionDenied, match="管理员工账号"):
            call()


def test_the_admin_list_masks_phones_and_shows_the_department(
    office: OfficeFile, director: Actor, clerk: Actor
) -> None:
    views = {v.name: v for v in staff_admin.list_staff_admin(office, director)}
    assert views["李秀英"].phone == "138****5678"
    assert views["李秀英"].department_label == "物业部"
    assert views["李秀英"].role_label == "文员" and views["李秀英"].active


def test_update_changes_role_department_and_phone_and_audits_without_the_phone(
    office: OfficeFile, director: Actor, clerk: Actor
) -> None:
    view = staff_admin.update_staff(
        office,
        director,
        clerk.staff_id or 0,
        role="finance",
        department="财务部",
        phone="13900001111",
    )
    assert (view.role, view.department, view.phone) == (Role.finance, "finance", "139****1111")
    [line] = audit_lines(office, "staff.update")
    assert line.actor == "王主任" and line.target == f"staff:{clerk.staff_id}"
    assert "文员 → 财务" in line.detail and "财务部" in line.detail
    assert "13900001111" not in line.detail and PHONE not in line.detail
    with pytest.raises(UserError, match="没有任何修改"):
        staff_admin.update_staff(office, director, clerk.staff_id or 0, role="finance")
    with pytest.raises(ValidationError) as bad:
        staff_admin.update_staff(office, director, clerk.staff_id or 0, phone="12345")
    assert bad.value.field == "phone"
    with pytest.raises(ValidationError) as bad:
        staff_admin.update_staff(office, director, clerk.staff_id or 0, department="后勤部")
    assert bad.value.field == "department" and "后勤部" in bad.value.message


def test_a_pin_reset_lets_the_new_pin_in_and_keeps_the_old_one_out(
    office: OfficeFile, director: Actor, clerk: Actor
) -> None:
    staff_admin.reset_pin(office, director, clerk.staff_id or 0, "9753")
    assert login(office, clerk.staff_id or 0, "9753").name == "李秀英"
    with pytest.raises(UserError, match="PIN 不正确"):
        login(office, clerk.staff_id or 0, PIN)
    [line] = audit_lines(office, "staff.pin_reset")
    assert "9753" not in line.detail and "李秀英" in line.detail
    with pytest.raises(ValidationError, match="4 到 8 位"):
        staff_admin.reset_pin(office, director, clerk.staff_id or 0, "12")


def test_a_locked_account_is_unlocked_by_a_pin_reset(
    office: OfficeFile, director: Actor, clerk: Actor
) -> None:
    for _ in range(3):
        with pytest.raises(UserError):
            login(office, clerk.staff_id or 0, "0000")
    with pytest.raises(UserError, match="已锁定"):
        login(office, clerk.staff_id or 0, PIN)
    locked = {v.name: v for v in staff_admin.list_staff_admin(office, director)}["李秀英"]
    assert locked.locked_until is not None
    staff_admin.reset_pin(office, director, clerk.staff_id or 0, "9753")
    assert login(office, clerk.staff_id or 0, "9753").staff_id == clerk.staff_id
    with office.transaction() as session:
        row = session.get(Staff, clerk.staff_id)
        assert row is not None and row.failed_pins == 0 and row.locked_until is None
    [line] = audit_lines(office, "staff.pin_reset")
    assert "解除锁定" in line.detail


def test_the_last_active_director_cannot_leave_or_change_job(
    office: OfficeFile, director: Actor, clerk: Actor
) -> None:
    script = Actor.command_line()  # a director's rights, but no account of its own
    with pytest.raises(UserError, match="至少保留一位在职的管理处主任"):
        staff_admin.set_active(office, script, director.staff_id or 0, False)
    with pytest.raises(ValidationError, match="至少保留一位在职的管理处主任"):
        staff_admin.update_staff(office, script, director.staff_id or 0, role="supervisor")
    second = add_staff(office, director, "陈主任", "director", PIN)
    staff_admin.set_active(office, script, director.staff_id or 0, False)  # another one stays
    with pytest.raises(UserError, match="至少保留一位在职的管理处主任"):
        staff_admin.set_active(office, script, second.id, False)


def test_only_a_director_touches_a_directors_account(
    office: OfficeFile, director: Actor, clerk: Actor
) -> None:
    """A supervisor manages staff but cannot reach the director's rights through them."""
    supervisor = add_staff(office, director, "周主管", "supervisor", PIN)
    boss = login(office, supervisor.id, PIN)
    target = director.staff_id or 0
    refusals = (
        lambda: staff_admin.reset_pin(office, boss, target, "9753"),
        lambda: staff_admin.set_active(office, boss, target, False),
        lambda: staff_admin.update_staff(office, boss, target, department="finance"),
        lambda: staff_admin.update_staff(office, boss, clerk.staff_id or 0, role="director"),
        lambda: add_staff(office, boss, "陈主任", "director", PIN),
    )
    for refused in refusals:
        with pytest.raises(PermissionDenied, match="只有管理处主任"):
            refused()
    login(office, target, DIRECTOR_PIN)  # the director's PIN still works
    staff_admin.reset_pin(office, boss, clerk.staff_id or 0, "8642")  # other staff: allowed
    login(office, clerk.staff_id or 0, "8642")
    add_staff(office, director, "陈主任", "director", PIN)  # a director may


def test_nobody_marks_themselves_as_left(office: OfficeFile, director: Actor) -> None:
    with pytest.raises(UserError, match="不能把自己设为离职"):
        staff_admin.set_active(office, director, director.staff_id or 0, False)
    assert audit_lines(office, "staff.deactivate") == []


def test_who_left_vanishes_from_the_login_list_but_stays_in_the_admin_list(
    office: OfficeFile, director: Actor, clerk: Actor
) -> None:
    staff_admin.set_active(office, director, clerk.staff_id or 0, False)
    assert "李秀英" not in {s.name for s in list_staff(office)}
    views = {v.name: v for v in staff_admin.list_staff_admin(office, director)}
    assert not views["李秀英"].active
    with pytest.raises(UserError, match="找不到该员工账号"):
        login(office, clerk.staff_id or 0, PIN)
    with pytest.raises(UserError, match="已是已离职"):
        staff_admin.set_active(office, director, clerk.staff_id or 0, False)
    staff_admin.set_active(office, director, clerk.staff_id or 0, True)
    assert "李秀英" in {s.name for s in list_staff(office)}
    [left] = audit_lines(office, "staff.deactivate")
    [back] = audit_lines(office, "staff.reactivate")
    assert "离职" in left.detail and "恢复在职" in back.detail


def test_a_duplicate_name_is_refused_on_add(
    office: OfficeFile, director: Actor, clerk: Actor
) -> None:
    with pytest.raises(ValidationError) as bad:
        add_staff(office, director, " 李秀英 ", "engineer", PIN)
    assert bad.value.field == "name" and "已有名为「李秀英」" in bad.value.message
    with pytest.raises(ValidationError) as bad:
        add_staff(office, director, "赵工", "cook", PIN)
    assert bad.value.field == "role"
