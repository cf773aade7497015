"""The audit chain catches edits and deletions; numbers are gapless and never reused."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.conftest import drop_audit_guards
from wuyedesk.store import audit, numbering
from wuyedesk.store.office_file import OfficeFile


def _lines(office: OfficeFile, n: int) -> None:
    with office.transaction() as session:
        for i in range(n):
            audit.append(
                session, staff_id=None, actor="测试", action="x", target=f"t:{i}", detail="内容"
            )


def test_chain_verifies_when_untouched(office: OfficeFile) -> None:
    _lines(office, 5)
    with office.transaction() as session:
        report = audit.verify(session)
    assert report.ok and report.lines >= 6  # set-up lines + five


def test_database_refuses_to_edit_or_delete_audit_lines(office: OfficeFile) -> None:
    _lines(office, 2)
    with pytest.raises(IntegrityError, match="append-only"), office.transaction() as session:
        session.execute(text("UPDATE audit_log SET detail = 'x' WHERE id = 2"))
    with pytest.raises(IntegrityError, match="append-only"), office.transaction() as session:
        session.execute(text("DELETE FROM audit_log WHERE id = 2"))


def _tamper(office: OfficeFile, sql: str) -> None:
    # Someone with the key who drops the guard trigger to rewrite history.
    with office.transaction() as session:
        drop_audit_guards(session)
        session.execute(text(sql))


def test_verify_catches_an_edited_line(office: OfficeFile) -> None:
    _lines(office, 5)
    _tamper(office, "UPDATE audit_log SET detail = '改过的' WHERE id = 4")
    with office.transaction() as session:
        report = audit.verify(session)
    assert not report.ok and report.broken_id == 4 and "改动" in (report.reason or "")


def test_verify_catches_a_deleted_line(office: OfficeFile) -> None:
    _lines(office, 5)
    _tamper(office, "DELETE FROM audit_log WHERE id = 3")
    with office.transaction() as session:
        report = audit.verify(session)
    assert not report.ok and "缺失" in (report.reason or "")


def test_numbers_are_gapless_per_kind_and_year(office: OfficeFile) -> None:
    with office.transaction() as session:
        got = [numbering.next_number(session, "repair_free", 2026) for _ in range(3)]
        got.append(numbering.next_number(session, "repair_paid", 2026))
        got.append(numbering.next_number(session, "repair_free", 2027))
    assert got == [
        "WX-2026-000001",
        "WX-2026-000002",
        "WX-2026-000003",
        "YC-2026-000001",
        "WX-2027-000001",
    ]


def test_a_rolled_back_save_gives_its_number_back(office: OfficeFile) -> None:
    with pytest.raises(RuntimeError), office.transaction() as session:
        assert numbering.next_number(session, "contact", 2026) == "DJ-2026-000001"
        raise RuntimeError("save failed half way")
    with office.transaction() as session:
        assert numbering.next_number(session, "contact", 2026) == "DJ-2026-000001"


def test_parse_number_accepts_scanned_text() -> None:
    assert numbering.parse_number(" wx-2026-000123 ") == ("WX", 2026, 123)
    assert numbering.parse_number("WX-2026-123") is None
    assert numbering.parse_number("3栋2单元1502") is None


def test_a_batch_of_numbers_continues_the_sequence(office: OfficeFile) -> None:
    with office.transaction() as session:
        assert numbering.next_numbers(session, "visit", 2026, 3) == [
            "HF-2026-000001",
            "HF-2026-000002",
            "HF-2026-000003",
        ]
        assert numbering.next_number(session, "visit", 2026) == "HF-2026-000004"
        assert numbering.next_numbers(session, "visit", 2026, 0) == []
        assert numbering.last_number(session, "HF", 2026) == 4
