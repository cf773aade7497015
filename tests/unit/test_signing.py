"""Signing as oneself on the shared PC: PIN checked, misses counted, the desk stays logged in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.roles import Role
from wuyedesk.services.context import Actor
from wuyedesk.services.staff import login, verify_signer
from wuyedesk.store.models import AuditEntry
from wuyedesk.store.office_file import OfficeFile

ENGINEERING = frozenset({Role.engineer, Role.eng_supervisor})


def _audit(office: OfficeFile) -> list[tuple[str, str, str]]:
    with office.transaction() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(a.actor, a.action, a.detail or "") for a in rows]


def test_engineer_signs_at_the_clerks_desk(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    engineer = who["engineer"]
    signer = verify_signer(
        staffed_estate, engineer.staff_id or 0, "2468", desk=who["clerk"], roles=ENGINEERING
    )
    assert signer == engineer
    assert _audit(staffed_estate)[-1] == ("李工", "sign", "在陈文员的工作台上")


def test_three_wrong_pins_lock_the_signer_not_the_desk(
    staffed_estate: OfficeFile, who: dict[str, Actor]
) -> None:
    engineer = who["engineer"].staff_id or 0
    with pytest.raises(UserError, match="还可再试 2 次"):
        verify_signer(staffed_estate, engineer, "0000", desk=who["clerk"])
    with pytest.raises(UserError, match="还可再试 1 次"):
        verify_signer(staffed_estate, engineer, "0000", desk=who["clerk"])
    with pytest.raises(UserError, match="李工的账号已锁定"):
        verify_signer(staffed_estate, engineer, "0000", desk=who["clerk"])
    with pytest.raises(UserError, match="请 5 分钟后再试"):
        verify_signer(staffed_estate, engineer, "2468", desk=who["clerk"])
    # The clerk at the desk is not affected.
    assert login(staffed_estate, who["clerk"].staff_id or 0, "2468").name == "陈文员"
    actions = [a for _, a, _ in _audit(staffed_estate)]
    assert actions[-4:] == ["sign.failed", "sign.failed", "sign.locked", "login"]


def test_only_the_named_roles_may_sign(staffed_estate: OfficeFile, who: dict[str, Actor]) -> None:
    with pytest.raises(UserError, match="须由"):
        verify_signer(staffed_estate, who["finance"].staff_id or 0, "2468", roles=ENGINEERING)


def test_a_pin_typed_in_full_width_is_the_same_pin_and_other_digits_are_refused() -> None:
    from wuyedesk.domain.errors import ValidationError
    from wuyedesk.services.staff import check_pin, hash_pin, pin_matches, typed_pin

    assert check_pin("１３５７") == "1357"
    assert pin_matches(typed_pin("１３５７"), hash_pin("1357"))
    for bad in ("١٢٣٤", "12a4", "123", "123456789", "1111"):
        with pytest.raises(ValidationError):
            check_pin(bad)
