"""The audit log records reveal, print, export, sign, login, failed login, lock and unlock."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.conftest import PASSPHRASE, drop_audit_guards
from tests.unit.conftest import STAFF_PIN
from tests.unit.test_repairs import opened
from wuyedesk.cli import main
from wuyedesk.domain.errors import UserError
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.services import residents
from wuyedesk.services import staff as staff_service
from wuyedesk.services.context import Actor
from wuyedesk.services.monthly_export import export_monthly
from wuyedesk.services.printing import print_record
from wuyedesk.store import audit
from wuyedesk.store.location import ServerDb
from wuyedesk.store.models import AuditEntry
from wuyedesk.store.office_file import OfficeFile


def test_every_watched_act_leaves_its_line_and_the_chain_holds(
    staffed_estate: OfficeFile, who: dict[str, Actor], tmp_path: Path
) -> None:
    office = staffed_estate
    clerk, supervisor, engineer = who["clerk"], who["supervisor"], who["engineer"]
    assert clerk.staff_id is not None and engineer.staff_id is not None
    person = residents.add_resident(
        office, clerk, "3-2-1502", {"name": "刘强", "role": "owner", "phone": "13800138000"}
    )
    residents.reveal_resident(office, clerk, person.id)  # reveal
    slip = opened(office, who)
    print_record(office, clerk, slip.number, tmp_path / "slip.pdf")  # print
    export_monthly(  # export
        office, supervisor, "2026-03", tmp_path / "m.xlsx",
        now=datetime(2026, 4, 2, tzinfo=OFFICE_TZ),
    )  # fmt: skip
    staff_service.verify_signer(office, engineer.staff_id, STAFF_PIN, desk=clerk)  # sign
    staff_service.login(office, clerk.staff_id, STAFF_PIN)  # login
    with pytest.raises(UserError):
        staff_service.login(office, clerk.staff_id, "0000")  # failed login
    staff_service.record_lock(office, clerk, staff_service.idle_lock_reason(5))  # lock
    staff_service.record_unlock(office, clerk, clerk, staff_service.idle_lock_reason(5))
    with office.transaction() as session:
        lines = session.execute(select(AuditEntry.action, AuditEntry.actor)).all()
        report = audit.verify(session)
    actions = {action for action, _ in lines}
    wanted = {
        "resident.reveal", "print", "report.export", "sign", "login", "login.failed",
        "lock", "unlock",
    }  # fmt: skip
    assert wanted <= actions, wanted - actions
    assert ("sign", "李工") in lines and ("login.failed", "陈文员") in lines
    assert report.broken_id is None and report.lines == len(lines)


def test_audit_verify_on_the_command_line_names_a_changed_line(
    staffed_estate: OfficeFile,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    office = staffed_estate
    with office.transaction() as session:
        # As an attacker holding the key would: drop the guard, then edit a line.
        drop_audit_guards(session, delete=False)
        session.execute(text("UPDATE audit_log SET detail = 'changed' WHERE id = 2"))
    where = office.location
    office.close()
    monkeypatch.setenv("WUYEDESK_PASSPHRASE", PASSPHRASE)
    db = where.url if isinstance(where, ServerDb) else str(where)
    assert main(["--db", db, "audit", "verify"]) == 1
    assert "第 2 行" in capsys.readouterr().err
