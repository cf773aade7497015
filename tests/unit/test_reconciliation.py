"""The daily check with the storekeeper: differences found, slips released."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.unit.test_repairs import (
    PNG,
    T0,
    at,
    opened,
    paid_until_stamped,
)
from wuyedesk.domain.errors import (
    FormErrors,
    PermissionDenied,
    TransitionRefused,
    UserError,
    ValidationError,
)
from wuyedesk.services import repairs as r
from wuyedesk.services.context import Actor
from wuyedesk.services.reconciliation import item_key, reconciliation_sheet, sign_reconciliation
from wuyedesk.store.office_file import OfficeFile

DAY = T0.date()


def _finish(
    office: OfficeFile, who: dict[str, Actor], v: r.RepairView, materials: list[dict[str, str]]
) -> r.RepairView:
    if v.state == "opened":
        v = r.receive_repair(
            office, who["engineer"], v.id, version=v.version, signature_png=PNG, now=at(16)
        )
    v = r.dispatch_repair(
        office, who["boss"], v.id, who["engineer"].staff_id or 0, version=v.version, now=at(17)
    )
    if materials:
        v = r.issue_materials(office, who["store"], v.id, materials, version=v.version, now=at(18))
    v = r.record_arrival(office, who["engineer"], v.id, version=v.version, now=at(20))
    v = r.complete_repair(office, who["engineer"], v.id, "修好", version=v.version, now=at(40))
    return r.accept_repair(
        office,
        who["clerk"],
        v.id,
        version=v.version,
        signer_name="刘先生",
        signature_png=PNG,
        satisfaction="satisfied",
        now=at(41),
    )


TAP = {"item": "水龙头", "spec": "DN15", "quantity": "1", "unit_price": "70.50"}
TAPE = {"item": "生料带", "spec": "", "quantity": "2", "unit_price": "1.5"}


def test_sheet_lists_differences_in_words(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    paid = _finish(
        staffed_estate, who, paid_until_stamped(staffed_estate, who), [TAP, TAPE]
    )  # quoted 70.50 materials
    free = _finish(staffed_estate, who, opened(staffed_estate, who), [TAPE])
    idle = opened(staffed_estate, who)
    idle = r.receive_repair(
        staffed_estate,
        who["engineer"],
        idle.id,
        version=idle.version,
        signature_png=PNG,
        now=at(50),
    )
    idle = r.dispatch_repair(
        staffed_estate,
        who["boss"],
        idle.id,
        who["engineer"].staff_id or 0,
        version=idle.version,
        now=at(51),
    )
    idle = r.issue_materials(
        staffed_estate, who["store"], idle.id, [TAPE], version=idle.version, now=at(52)
    )
    sheet = reconciliation_sheet(staffed_estate, who["boss"], DAY)
    assert [s.number for s in sheet.slips] == [free.number, idle.number, paid.number]
    assert [s.ready for s in sheet.slips] == [True, False, True]
    assert sheet.differences == [
        f"{idle.number}：已领料，尚未完工验收（次日继续核对）",
        f"{paid.number}：领料 73.50 元与报价材料费 70.50 元相差 3.00 元",
    ]
    tape = next(i for i in sheet.items if i.item == "生料带")
    assert (tape.quantity_milli, tape.amount_fen, len(tape.slips)) == (6000, 900, 3)
    assert sheet.material_fen == 7050 + 900


def test_storekeepers_book_is_compared_item_by_item(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    _finish(staffed_estate, who, opened(staffed_estate, who), [TAPE])
    counts = {item_key("生料带", None): "3", item_key("角阀", "DN15"): "1"}
    sheet = reconciliation_sheet(staffed_estate, who["boss"], DAY, counts=counts)
    assert sheet.book_differences == [
        "生料带：仓库出库 3，维修单领料 2",
        "角阀 DN15：仓库出库 1，维修单领料 0",
    ]
    with pytest.raises(FormErrors):
        reconciliation_sheet(
            staffed_estate, who["boss"], DAY, counts={item_key("生料带", None): "two"}
        )


def test_sign_off_reconciles_the_accepted_slips_only(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    paid = _finish(staffed_estate, who, paid_until_stamped(staffed_estate, who), [TAP])
    waiting = opened(staffed_estate, who)
    with pytest.raises(TransitionRefused, match="工程部主管"):
        sign_reconciliation(
            staffed_estate, who["supervisor"], DAY, storekeeper=who["store"], now=at(600)
        )
    with pytest.raises(TransitionRefused, match="仓管员"):
        sign_reconciliation(
            staffed_estate, who["boss"], DAY, storekeeper=who["engineer"], now=at(600)
        )
    with pytest.raises(PermissionDenied):
        sign_reconciliation(
            staffed_estate, who["engineer"], DAY, storekeeper=who["store"], now=at(600)
        )
    sheet = sign_reconciliation(
        staffed_estate,
        who["boss"],
        DAY,
        storekeeper=who["store"],
        supervisor_png=PNG,
        storekeeper_png=PNG,
        now=at(600),
    )
    assert (sheet.signed_by, sheet.storekeeper, sheet.signed_at) == ("黄主管", "孙仓管", at(600))
    assert r.get_repair(staffed_estate, who["clerk"], paid.id).state == "reconciled"
    assert r.get_repair(staffed_estate, who["clerk"], waiting.id).state == "opened"
    with pytest.raises(UserError, match="已核对签字"):
        sign_reconciliation(staffed_estate, who["boss"], DAY, storekeeper=who["store"], now=at(601))


def test_differences_need_a_note_and_are_kept(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    _finish(staffed_estate, who, opened(staffed_estate, who), [TAPE])
    counts = {item_key("生料带", None): "3"}
    with pytest.raises(ValidationError, match="差异说明"):
        sign_reconciliation(
            staffed_estate, who["boss"], DAY, storekeeper=who["store"], counts=counts, now=at(600)
        )
    sheet = sign_reconciliation(
        staffed_estate,
        who["boss"],
        DAY,
        storekeeper=who["store"],
        counts=counts,
        note="一卷借给保洁，已追回",
        now=at(600),
    )
    assert sheet.differences == ["生料带：仓库出库 3，维修单领料 2"]
    assert sheet.note == "一卷借给保洁，已追回"


def test_nothing_to_reconcile_and_future_days_refused(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    with pytest.raises(UserError, match="没有待核对"):
        sign_reconciliation(staffed_estate, who["boss"], DAY, storekeeper=who["store"], now=at(600))
    with pytest.raises(ValidationError, match="未来"):
        sign_reconciliation(
            staffed_estate,
            who["boss"],
            DAY + timedelta(days=1),
            storekeeper=who["store"],
            now=at(600),
        )


def test_returned_slip_with_materials_must_give_them_back(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
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
    v = r.issue_materials(staffed_estate, who["store"], v.id, [TAP], version=v.version, now=at(4))
    v = r.void_repair(
        staffed_estate, who["supervisor"], v.id, "住户取消", version=v.version, now=at(5)
    )
    sheet = reconciliation_sheet(staffed_estate, who["boss"], DAY)
    assert sheet.differences == [f"{v.number}：已作废，但领用材料 70.50 元，须退回仓库"]
