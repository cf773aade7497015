"""Repair and paid-service slips: every step allowed and refused, by role, on a real office file."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from wuyedesk.domain.errors import (
    FormErrors,
    PermissionDenied,
    TransitionRefused,
    UserError,
    ValidationError,
)
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.services import repairs as r
from wuyedesk.services.context import Actor
from wuyedesk.services.settings import get_rules
from wuyedesk.store.models import AuditEntry, RepairOrder, Signature
from wuyedesk.store.office_file import OfficeFile

T0 = datetime(2026, 3, 16, 9, 0, tzinfo=OFFICE_TZ)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def slip(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "free",
        "reported_at": T0,
        "channel": "phone",
        "unit": "3-2-1502",
        "reporter_name": "刘先生",
        "phone": "13800138000",
        "category": "plumbing_electrical",
        "content": "厨房水龙头漏水",
    }
    data.update(changes)
    return data


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def opened(office: OfficeFile, who: dict[str, Actor], **changes: object) -> r.RepairView:
    return r.open_repair(office, who["assistant"], slip(**changes), now=at(1))


def paid_until_stamped(office: OfficeFile, who: dict[str, Actor]) -> r.RepairView:
    view = opened(office, who, kind="paid", content="更换卫生间水龙头")
    view = r.receive_repair(
        office, who["engineer"], view.id, version=view.version, signature_png=PNG, now=at(2)
    )
    lines = [
        {"kind": "labour", "item": "人工", "quantity": "1", "unit_price": "50"},
        {"kind": "material", "item": "水龙头", "quantity": "1", "unit_price": "70.5"},
    ]
    view = r.quote_repair(office, who["engineer"], view.id, lines, version=view.version, now=at(10))
    view = r.approve_quote(
        office,
        who["clerk"],
        view.id,
        version=view.version,
        signer_name="刘先生",
        signature_png=PNG,
        now=at(12),
    )
    return r.stamp_payment(
        office,
        who["finance"],
        view.id,
        version=view.version,
        receipt_no="SJ0001",
        amount="120.50",
        now=at(15),
    )


def audit(office: OfficeFile) -> list[tuple[str, str]]:
    with office.transaction() as session:
        return [
            (a.actor, a.action) for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


# --- opening ---------------------------------------------------------------------------------


def test_open_numbers_free_and_paid_slips_apart_and_masks_the_phone(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    free = opened(staffed_estate, who)
    paid = opened(staffed_estate, who, kind="paid")
    again = opened(staffed_estate, who)
    assert (free.number, paid.number, again.number) == (
        "WX-2026-000001",
        "YC-2026-000001",
        "WX-2026-000002",
    )
    assert free.phone != "13800138000" and "*" in free.phone
    assert (free.state_label, free.kind_label, free.place) == (
        "已开单",
        "工程维修单",
        "3栋2单元1502",
    )
    assert ("张助理", "repair.open") in audit(staffed_estate)


def test_open_for_a_public_facility_and_refusals_at_the_field(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    lift = opened(staffed_estate, who, unit="", facility="3栋电梯", category="lift")
    assert lift.place == "公共部位：3栋电梯" and lift.unit_code is None
    with pytest.raises(FormErrors) as caught:
        opened(
            staffed_estate, who, unit="", facility="", category="", content=" ", phone="", kind="x"
        )
    assert set(caught.value.errors) >= {"unit", "facility", "category", "content", "phone", "kind"}
    with pytest.raises(FormErrors) as caught:
        opened(staffed_estate, who, appointment_at=T0 - timedelta(hours=1))
    assert caught.value.errors["appointment_at"] == "预约上门时间不能早于报修时间"
    with staffed_estate.transaction() as session:
        assert (
            session.scalar(select(RepairOrder.id).where(RepairOrder.number == "WX-2026-000002"))
            is None
        )


def test_only_the_desk_opens_slips(staffed_estate: OfficeFile, who: dict[str, Actor]) -> None:
    for key in ("engineer", "finance", "guard"):
        with pytest.raises(PermissionDenied):
            r.open_repair(staffed_estate, who[key], slip(), now=at(1))


# --- the free slip's whole life ---------------------------------------------------------------


def test_free_slip_from_open_to_archived(staffed_estate: OfficeFile, who: dict[str, Actor]) -> None:
    v = opened(staffed_estate, who)
    v = r.receive_repair(
        staffed_estate, who["engineer"], v.id, version=v.version, signature_png=PNG, now=at(2)
    )
    assert (v.state, v.received_by, v.received_at) == ("received", "李工", at(2))
    assert v.signatures["receiver"] == PNG
    v = r.dispatch_repair(
        staffed_estate,
        who["boss"],
        v.id,
        who["engineer"].staff_id or 0,
        version=v.version,
        now=at(3),
    )
    assert (v.engineer, v.arrival_due) == ("李工", at(8))
    v = r.issue_materials(
        staffed_estate,
        who["store"],
        v.id,
        [{"item": "生料带", "spec": "20m", "quantity": "2", "unit_price": "1.5"}],
        version=v.version,
        now=at(4),
    )
    assert (v.state, v.material_total_fen, v.materials[0].by) == ("materials_issued", 300, "孙仓管")
    v = r.record_arrival(staffed_estate, who["engineer"], v.id, version=v.version, now=at(7))
    assert v.arrival_late is False
    v = r.complete_repair(
        staffed_estate, who["engineer"], v.id, "更换阀芯，试水无渗漏", version=v.version, now=at(30)
    )
    v = r.accept_repair(
        staffed_estate,
        who["assistant"],
        v.id,
        version=v.version,
        signer_name="刘先生",
        signature_png=PNG,
        satisfaction="satisfied",
        now=at(32),
    )
    assert (v.state, v.accepted_by, v.satisfaction_label) == ("accepted", "刘先生", "满意")
    from wuyedesk.services.reconciliation import sign_reconciliation

    sheet = sign_reconciliation(
        staffed_estate, who["boss"], T0.date(), storekeeper=who["store"], now=at(600)
    )
    assert sheet.signed_by == "黄主管" and sheet.differences == []
    v = r.get_repair(staffed_estate, who["clerk"], v.id)
    assert v.state == "reconciled"
    v = r.archive_repair(staffed_estate, who["clerk"], v.id, version=v.version, now=at(620))
    assert (v.state, v.archived_by, v.steps) == ("archived", "陈文员", [])
    actions = [a for _, a in audit(staffed_estate) if a.startswith("repair.")]
    assert actions == [
        "repair.open",
        "repair.receive",
        "repair.dispatch",
        "repair.issue_materials",
        "repair.arrive",
        "repair.complete",
        "repair.accept",
        "repair.reconcile",
        "repair.archive",
    ]


@pytest.mark.parametrize(
    ("action", "key"),
    [
        ("receive", "clerk"),
        ("receive", "finance"),
        ("receive", "store"),
        ("dispatch", "clerk"),
        ("dispatch", "finance"),
    ],
)
def test_steps_refused_for_the_wrong_role(
    staffed_estate: OfficeFile, who: dict[str, Actor], action: str, key: str
) -> None:
    v = opened(staffed_estate, who)
    if action == "dispatch":
        v = r.receive_repair(
            staffed_estate, who["engineer"], v.id, version=v.version, signature_png=PNG, now=at(2)
        )
    with pytest.raises(TransitionRefused, match="您的岗位"):
        if action == "receive":
            r.receive_repair(
                staffed_estate, who[key], v.id, version=v.version, signature_png=PNG, now=at(2)
            )
        else:
            r.dispatch_repair(
                staffed_estate,
                who[key],
                v.id,
                who["engineer"].staff_id or 0,
                version=v.version,
                now=at(3),
            )
    assert r.get_repair(staffed_estate, who["clerk"], v.id).version == v.version


def test_steps_out_of_order_are_refused_and_change_nothing(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    v = opened(staffed_estate, who)
    with pytest.raises(TransitionRefused, match="当前状态为「已开单」"):
        r.record_arrival(staffed_estate, who["engineer"], v.id, version=v.version, now=at(2))
    with pytest.raises(TransitionRefused):
        r.complete_repair(
            staffed_estate, who["engineer"], v.id, "done", version=v.version, now=at(2)
        )
    with pytest.raises(TransitionRefused):
        r.archive_repair(staffed_estate, who["clerk"], v.id, version=v.version, now=at(2))
    # A free slip has no quote.
    with pytest.raises(KeyError):
        r.quote_repair(
            staffed_estate,
            who["engineer"],
            v.id,
            [{"item": "x", "unit_price": "1"}],
            version=v.version,
        )
    after = r.get_repair(staffed_estate, who["clerk"], v.id)
    assert (after.state, after.version) == ("opened", v.version)


def test_receive_needs_a_real_signature(staffed_estate: OfficeFile, who: dict[str, Actor]) -> None:
    v = opened(staffed_estate, who)
    for png in (None, b"", b"GIF89a....."):
        with pytest.raises(ValidationError):
            r.receive_repair(
                staffed_estate,
                who["engineer"],
                v.id,
                version=v.version,
                signature_png=png,
                now=at(2),
            )
    with staffed_estate.transaction() as session:
        assert session.scalar(select(Signature.id)) is None


def test_stale_copy_refused(staffed_estate: OfficeFile, who: dict[str, Actor]) -> None:
    v = opened(staffed_estate, who)
    r.receive_repair(
        staffed_estate, who["engineer"], v.id, version=v.version, signature_png=PNG, now=at(2)
    )
    with pytest.raises(UserError, match="已被他人修改"):
        r.return_repair(
            staffed_estate, who["boss"], v.id, "不属于工程部", version=v.version, now=at(3)
        )


def test_return_and_void_keep_the_number_and_need_a_reason(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    v = opened(staffed_estate, who)
    with pytest.raises(ValidationError):
        r.return_repair(staffed_estate, who["engineer"], v.id, " ", version=v.version, now=at(2))
    v = r.return_repair(
        staffed_estate, who["engineer"], v.id, "住户自行维修", version=v.version, now=at(2)
    )
    assert (v.state_label, v.close_reason, v.number, v.is_final) == (
        "已退单",
        "住户自行维修",
        "WX-2026-000001",
        True,
    )
    w = opened(staffed_estate, who)
    with pytest.raises(TransitionRefused):
        r.void_repair(staffed_estate, who["clerk"], w.id, "开错", version=w.version, now=at(2))
    w = r.void_repair(
        staffed_estate, who["supervisor"], w.id, "重复开单", version=w.version, now=at(2)
    )
    assert (w.state, w.void_reason, w.number) == ("void", "重复开单", "WX-2026-000002")


# --- the paid slip -----------------------------------------------------------------------------


def test_paid_slip_quote_approve_stamp(staffed_estate: OfficeFile, who: dict[str, Actor]) -> None:
    v = paid_until_stamped(staffed_estate, who)
    assert (v.quote_labour_fen, v.quote_material_fen, v.quote_total_fen) == (5000, 7050, 12050)
    assert (v.state_label, v.receipt_no, v.paid_fen, v.finance) == (
        "已交费盖章",
        "SJ0001",
        12050,
        "钱会计",
    )
    assert (v.approved_by, v.approved_at, v.stamped_at) == ("刘先生", at(12), at(15))
    assert [line.kind_label for line in v.quote_lines] == ["人工", "材料"]


def test_work_before_the_finance_stamp_is_refused_with_the_reason(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    v = opened(staffed_estate, who, kind="paid")
    v = r.receive_repair(
        staffed_estate, who["engineer"], v.id, version=v.version, signature_png=PNG, now=at(2)
    )
    offered = {s.action: s for s in v.steps}
    assert offered["dispatch"].refusal and "财务" in offered["dispatch"].refusal
    v = r.quote_repair(
        staffed_estate,
        who["engineer"],
        v.id,
        [{"kind": "labour", "item": "人工", "unit_price": "80"}],
        version=v.version,
        now=at(5),
    )
    for step in (
        lambda: r.dispatch_repair(
            staffed_estate,
            who["boss"],
            v.id,
            who["engineer"].staff_id or 0,
            version=v.version,
            now=at(6),
        ),
        lambda: r.record_arrival(
            staffed_estate, who["engineer"], v.id, version=v.version, now=at(6)
        ),
    ):
        with pytest.raises(TransitionRefused, match="须先到财务交费并盖章"):
            step()
    after = r.get_repair(staffed_estate, who["clerk"], v.id)
    assert (after.state, after.version, after.engineer_id) == ("quoted", v.version, None)


def test_finance_amount_must_match_the_quote_and_receipts_are_unique(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    v = paid_until_stamped(staffed_estate, who)
    w = opened(staffed_estate, who, kind="paid")
    w = r.receive_repair(
        staffed_estate, who["engineer"], w.id, version=w.version, signature_png=PNG, now=at(2)
    )
    w = r.quote_repair(
        staffed_estate,
        who["engineer"],
        w.id,
        [{"kind": "labour", "item": "疏通", "unit_price": "30"}],
        version=w.version,
        now=at(3),
    )
    w = r.approve_quote(
        staffed_estate,
        who["clerk"],
        w.id,
        version=w.version,
        signer_name="王女士",
        signature_png=PNG,
        now=at(4),
    )
    with pytest.raises(ValidationError, match=r"与报价合计 30\.00 元不符"):
        r.stamp_payment(
            staffed_estate,
            who["finance"],
            w.id,
            version=w.version,
            receipt_no="SJ0002",
            amount="20",
            now=at(5),
        )
    with pytest.raises(ValidationError, match=f"已用于 {v.number}"):
        r.stamp_payment(
            staffed_estate,
            who["finance"],
            w.id,
            version=w.version,
            receipt_no="SJ0001",
            amount="30",
            now=at(5),
        )
    with pytest.raises(TransitionRefused, match="财务"):
        r.stamp_payment(
            staffed_estate,
            who["engineer"],
            w.id,
            version=w.version,
            receipt_no="SJ0003",
            amount="30",
            now=at(5),
        )
    with pytest.raises(FormErrors) as caught:
        r.stamp_payment(
            staffed_estate,
            who["finance"],
            w.id,
            version=w.version,
            receipt_no="",
            amount="abc",
            now=at(5),
        )
    assert set(caught.value.errors) == {"receipt_no", "amount"}


def test_refused_quote_closes_the_slip_with_the_reason(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    v = opened(staffed_estate, who, kind="paid")
    v = r.receive_repair(
        staffed_estate, who["engineer"], v.id, version=v.version, signature_png=PNG, now=at(2)
    )
    v = r.quote_repair(
        staffed_estate,
        who["engineer"],
        v.id,
        [{"kind": "labour", "item": "人工", "unit_price": "300"}],
        version=v.version,
        now=at(3),
    )
    v = r.refuse_quote(
        staffed_estate, who["assistant"], v.id, "住户认为价格太高", version=v.version, now=at(4)
    )
    assert (v.state_label, v.close_reason, v.is_final, v.steps) == (
        "住户拒绝报价",
        "住户认为价格太高",
        True,
        [],
    )


def test_quote_lines_are_checked_cell_by_cell(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    v = opened(staffed_estate, who, kind="paid")
    v = r.receive_repair(
        staffed_estate, who["engineer"], v.id, version=v.version, signature_png=PNG, now=at(2)
    )
    bad = [
        {"kind": "labour", "item": "", "unit_price": "10"},
        {"kind": "material", "item": "管件", "quantity": "-1", "unit_price": "1.234"},
        {"kind": "", "item": "", "unit_price": ""},  # a blank row is skipped
    ]
    with pytest.raises(FormErrors) as caught:
        r.quote_repair(staffed_estate, who["engineer"], v.id, bad, version=v.version, now=at(3))
    assert set(caught.value.errors) == {"lines.0.item", "lines.1.quantity", "lines.1.unit_price"}
    with pytest.raises(FormErrors, match="请至少填写一行报价"):
        r.quote_repair(staffed_estate, who["engineer"], v.id, [], version=v.version, now=at(3))
    # Re-quoting before the household answers replaces the old price.
    v = r.quote_repair(
        staffed_estate,
        who["engineer"],
        v.id,
        [{"kind": "labour", "item": "人工", "unit_price": "10"}],
        version=v.version,
        now=at(3),
    )
    v = r.quote_repair(
        staffed_estate,
        who["engineer"],
        v.id,
        [{"kind": "material", "item": "软管", "quantity": "1.5", "unit_price": "3.33"}],
        version=v.version,
        now=at(4),
    )
    assert (len(v.quote_lines), v.quote_labour_fen, v.quote_material_fen) == (1, 0, 500)


# --- the 5-minute rule --------------------------------------------------------------------------


def _dispatched(staffed_estate: OfficeFile, who: dict[str, Actor]) -> r.RepairView:
    v = opened(staffed_estate, who)
    v = r.receive_repair(
        staffed_estate, who["engineer"], v.id, version=v.version, signature_png=PNG, now=at(2)
    )
    return r.dispatch_repair(
        staffed_estate,
        who["boss"],
        v.id,
        who["engineer"].staff_id or 0,
        version=v.version,
        now=at(3),
    )


def test_arrival_after_five_minutes_is_flagged_and_listed(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    first = _dispatched(staffed_estate, who)
    on_time = r.record_arrival(
        staffed_estate, who["engineer"], first.id, version=first.version, now=at(8)
    )
    late = _dispatched(staffed_estate, who)
    assert (
        r.list_repairs(staffed_estate, who["boss"], view="overdue", now=at(9))[0].number
        == late.number
    )
    late = r.record_arrival(
        staffed_estate,
        who["engineer"],
        late.id,
        version=late.version,
        now=at(
            8,
        )
        + timedelta(seconds=1),
    )
    assert (on_time.arrival_late, late.arrival_late) == (False, True)
    assert [
        v.number for v in r.list_repairs(staffed_estate, who["boss"], view="late", now=at(60))
    ] == [late.number]


def test_arrival_rule_is_the_office_setting(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    from wuyedesk.services.settings import set_rules

    set_rules(staffed_estate, Actor.command_line(), arrival_minutes=10)
    assert get_rules(staffed_estate).arrival_minutes == 10
    v = _dispatched(staffed_estate, who)
    v = r.record_arrival(staffed_estate, who["engineer"], v.id, version=v.version, now=at(12))
    assert v.arrival_late is False and v.arrival_due == at(13)


def test_typed_times_must_run_in_order(staffed_estate: OfficeFile, who: dict[str, Actor]) -> None:
    v = _dispatched(staffed_estate, who)
    with pytest.raises(ValidationError, match="不能早于上一步"):
        r.record_arrival(
            staffed_estate, who["engineer"], v.id, version=v.version, at=at(1), now=at(10)
        )
    with pytest.raises(ValidationError, match="不能晚于现在"):
        r.record_arrival(
            staffed_estate, who["engineer"], v.id, version=v.version, at=at(60), now=at(10)
        )
    v = r.record_arrival(
        staffed_estate, who["engineer"], v.id, version=v.version, at=at(6), now=at(10)
    )
    assert v.arrived_at == at(6) and v.arrival_late is False


def test_dissatisfied_acceptance_needs_the_households_words(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    v = _dispatched(staffed_estate, who)
    v = r.record_arrival(staffed_estate, who["engineer"], v.id, version=v.version, now=at(5))
    v = r.complete_repair(
        staffed_estate, who["engineer"], v.id, "已修好", version=v.version, now=at(20)
    )
    with pytest.raises(FormErrors) as caught:
        r.accept_repair(
            staffed_estate,
            who["clerk"],
            v.id,
            version=v.version,
            signer_name="刘先生",
            signature_png=PNG,
            satisfaction="dissatisfied",
            now=at(21),
        )
    assert "household_remarks" in caught.value.errors
    with pytest.raises(ValidationError):
        r.accept_repair(
            staffed_estate,
            who["clerk"],
            v.id,
            version=v.version,
            signer_name="",
            signature_png=PNG,
            satisfaction="satisfied",
            now=at(21),
        )
    v = r.accept_repair(
        staffed_estate,
        who["clerk"],
        v.id,
        version=v.version,
        signer_name="刘先生",
        signature_png=PNG,
        satisfaction="dissatisfied",
        remarks="还有点滴水",
        now=at(21),
    )
    assert (v.satisfaction_label, v.household_remarks) == ("不满意", "还有点滴水")


# --- lists ---------------------------------------------------------------------------------------


def test_lists_by_state_engineer_building_and_own_queue(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    a = _dispatched(staffed_estate, who)
    b = opened(staffed_estate, who, unit="", facility="3栋水泵房")
    c = paid_until_stamped(staffed_estate, who)
    numbers = lambda views: {v.number for v in views}  # noqa: E731
    assert numbers(r.list_repairs(staffed_estate, who["clerk"], now=at(20))) == {
        a.number,
        b.number,
        c.number,
    }
    assert numbers(r.list_repairs(staffed_estate, who["clerk"], state="opened", now=at(20))) == {
        b.number
    }
    assert numbers(
        r.list_repairs(
            staffed_estate, who["clerk"], engineer_id=who["engineer"].staff_id, now=at(20)
        )
    ) == {a.number}
    with staffed_estate.transaction() as session:
        from wuyedesk.store.models import Building

        building = session.scalar(select(Building.id).where(Building.label == "3"))
    assert numbers(
        r.list_repairs(staffed_estate, who["clerk"], building_id=building, now=at(20))
    ) == {
        a.number,
        c.number,
    }
    assert numbers(r.list_repairs(staffed_estate, who["engineer"], view="mine", now=at(20))) == {
        a.number,
        b.number,
    }
    assert numbers(r.list_repairs(staffed_estate, who["boss"], view="mine", now=at(20))) == {
        b.number,
        c.number,
    }
    assert numbers(r.list_repairs(staffed_estate, who["store"], view="mine", now=at(20))) == {
        a.number
    }
    with pytest.raises(PermissionDenied):
        r.list_repairs(staffed_estate, who["guard"], now=at(20))


# --- the full phone (显示完整电话) ----------------------------------------------------------------


def _everyone(office: OfficeFile, who: dict[str, Actor]) -> dict[str, Actor]:
    """The repair staff plus the director, a service-desk member and a second engineer."""
    from wuyedesk.domain.roles import Role
    from wuyedesk.services.staff import add_staff_in
    from wuyedesk.store.models import Staff

    with office.transaction() as session:
        desk = add_staff_in(session, Actor.command_line(), "周客服", "service_desk", "2468")
        other = add_staff_in(session, Actor.command_line(), "马工", "engineer", "2468")
        director = session.scalars(select(Staff).where(Staff.role == "director")).one()
        extra = {
            "director": Actor(director.id, director.name, Role.director),
            "desk": Actor(desk.id, desk.name, Role.service_desk),
            "engineer2": Actor(other.id, other.name, Role.engineer),
        }
    return {**who, **extra}


def _slip_of(
    office: OfficeFile, everyone: dict[str, Actor], receiver: str, engineer: str
) -> r.RepairView:
    """A free slip received by one member of engineering and dispatched to another."""
    v = opened(office, everyone)
    v = r.receive_repair(
        office, everyone[receiver], v.id, version=v.version, signature_png=PNG, now=at(2)
    )
    to = everyone[engineer].staff_id or 0
    return r.dispatch_repair(office, everyone["boss"], v.id, to, version=v.version, now=at(3))


def _reveals(office: OfficeFile, actor: Actor) -> list[str]:
    with office.transaction() as session:
        rows = session.execute(
            select(AuditEntry.actor, AuditEntry.target).where(AuditEntry.action == "repair.reveal")
        )
        return [f"{name} {target}" for name, target in rows if name == actor.name]


# Who sees the full phone on 李工's own slip and on 马工's slip (received by 黄主管).
REVEAL = {
    "clerk": (True, True),
    "supervisor": (True, True),
    "director": (True, True),
    "boss": (True, True),
    "engineer": (True, False),
    "assistant": (False, False),
    "desk": (False, False),
    "finance": (False, False),
    "store": (False, False),
    "guard": (False, False),
}


@pytest.mark.parametrize(("key", "own", "other"), [(k, *v) for k, v in REVEAL.items()])
def test_the_full_phone_is_shown_only_to_those_who_may_and_audited(
    staffed_estate: OfficeFile, who: dict[str, Actor], key: str, own: bool, other: bool
) -> None:
    from wuyedesk.services import repair_views as rv

    everyone = _everyone(staffed_estate, who)
    actor = everyone[key]
    mine = _slip_of(staffed_estate, everyone, "engineer", "engineer")
    theirs = _slip_of(staffed_estate, everyone, "boss", "engineer2")
    for slip_view, expected in ((mine, own), (theirs, other)):
        assert rv.may_reveal_phone(actor, slip_view) is expected
        if expected:
            assert rv.reveal_repair_phone(staffed_estate, actor, slip_view.id) == "13800138000"
            assert f"{actor.name} repair:{slip_view.number}" in _reveals(staffed_estate, actor)
        else:
            with pytest.raises(PermissionDenied) as refused:
                rv.reveal_repair_phone(staffed_estate, actor, slip_view.id)
            assert refused.value.message.startswith(("您的岗位", "只能查看"))
            assert f"{actor.name} repair:{slip_view.number}" not in _reveals(staffed_estate, actor)
    # Revealing shows the number once; the slip and the lists stay masked.
    if key != "guard":
        assert r.get_repair(staffed_estate, actor, mine.id).phone == "138****8000"


def test_an_engineer_sees_the_phone_of_the_slips_he_received_or_was_sent_only(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    from wuyedesk.services import repair_views as rv

    everyone = _everyone(staffed_estate, who)
    li, ma = everyone["engineer"], everyone["engineer2"]
    handed_over = _slip_of(staffed_estate, everyone, "engineer", "engineer2")
    assert rv.reveal_repair_phone(staffed_estate, li, handed_over.id) == "13800138000"
    assert rv.reveal_repair_phone(staffed_estate, ma, handed_over.id) == "13800138000"
    waiting = opened(staffed_estate, everyone)  # nobody's yet
    with pytest.raises(PermissionDenied, match="只能查看派给您或由您接单的维修单上的完整电话"):
        rv.reveal_repair_phone(staffed_estate, li, waiting.id)
    with pytest.raises(PermissionDenied, match="财务"):
        rv.reveal_repair_phone(staffed_estate, everyone["finance"], waiting.id)
    assert _reveals(staffed_estate, li) == [f"李工 repair:{handed_over.number}"]
