"""Printing from the office file: real records in, a PDF with masked phones out, one audit line."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from wuyedesk.domain.errors import NotFound, PermissionDenied, UserError
from wuyedesk.domain.roles import Role
from wuyedesk.domain.units import parse_unit_code
from wuyedesk.services import printing
from wuyedesk.services.context import Actor
from wuyedesk.services.places import get_or_create_unit
from wuyedesk.store.models import AuditEntry, Contact, HelpRequest, HelpStep, Staff
from wuyedesk.store.numbering import next_number
from wuyedesk.store.office_file import OfficeFile

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils needed")

# 2026-03-05 09:12 in Shanghai.
AT = datetime(2026, 3, 5, 1, 12, tzinfo=UTC)
PHONE = "13812348000"


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True)
    return re.sub(r"\s+", "", out.stdout)


def _director(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(Staff.id).where(Staff.name == "王主任"))


def _contact(office: OfficeFile, at: datetime = AT, **extra: object) -> str:
    with office.transaction() as session:
        unit, _ = get_or_create_unit(session, parse_unit_code("3栋2单元1502"))
        number = next_number(session, "contact", 2026)
        values: dict[str, object] = {
            "number": number,
            "state": "recorded",
            "at": at,
            "method": "call",
            "unit_id": unit.id,
            "caller_name": "张三丰",
            "phone": PHONE,
            "kind": "complaint",
            "content": "电梯异响，早上八点左右最明显",
            "recorded_by_id": _director(session),
            "relayed_department": "engineering",
            "relayed_to": "李工",
            "relayed_at": at + timedelta(minutes=3),
            "complained_department": "engineering",
            "remedy": "当天下午检修",
            "visit_due_at": at + timedelta(hours=24),
        }
        values.update(extra)
        session.add(Contact(**values))
    return number


def _help(office: OfficeFile, **extra: object) -> str:
    with office.transaction() as session:
        unit, _ = get_or_create_unit(session, parse_unit_code("3栋2单元1502"))
        number = next_number(session, "help", 2026)
        values: dict[str, object] = {
            "number": number,
            "state": "dispatched",
            "at": AT,
            "requester_name": "王秀英",
            "unit_id": unit.id,
            "phone": PHONE,
            "received_by_id": _director(session),
            "help_type": "medical",
            "is_special": True,
            "content": "老人在家中摔倒，腿部疼痛无法站立",
            "nearest_person": "保安刘强",
            "sent_at": AT + timedelta(minutes=1),
        }
        values.update(extra)
        request = HelpRequest(**values)
        session.add(request)
        session.flush()
        session.add(HelpStep(help_request_id=request.id, step="sent", at=AT, note="刘强前往3栋"))
    return number


def _audit(office: OfficeFile) -> list[AuditEntry]:
    with office.transaction() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "print")))


def test_a_register_entry_prints_as_a_one_line_register_page(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    number = _contact(office)
    out = printing.print_record(office, cli_actor, number, tmp_path / "dj.pdf")
    text = _text(out)
    for value in (number, "2026-03-0509:12", "来电", "3栋2单元1502", "张三丰", "138****8000",
                  "投诉", "电梯异响", "工程部/李工/03-0509:15", "补救措施：当天下午检修",
                  "应于03-0609:12前", "王主任", "测试物业管理处"):  # fmt: skip
        assert value in text
    assert PHONE not in text
    [line] = _audit(office)
    assert line.target == number and "register_page" in line.detail


def test_a_help_request_prints_its_form_with_the_step_log(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    number = _help(office)
    text = _text(printing.print_record(office, cli_actor, number.lower(), tmp_path / "qz.pdf"))
    for value in (number, "王秀英", "3栋2单元1502", "138****8000", "急救病人",
                  "特别求助", "老人在家中摔倒", "保安刘强", "通知最近人员", "刘强前往3栋",
                  "王主任"):  # fmt: skip
        assert value in text
    assert PHONE not in text
    assert [line.target for line in _audit(office)] == [number]


def test_the_register_of_a_date_range(office: OfficeFile, cli_actor: Actor, tmp_path: Path) -> None:
    inside = [_contact(office, at=AT + timedelta(days=d)) for d in (0, 1)]
    outside = _contact(office, at=AT + timedelta(days=5))
    out = tmp_path / "register.pdf"
    count = printing.print_register(office, cli_actor, date(2026, 3, 5), date(2026, 3, 6), out)
    assert count == 2
    text = _text(out)
    assert all(n in text for n in inside) and outside not in text
    assert "2026-03-05至2026-03-06" in text
    assert _audit(office)[0].target == "登记表 2026-03-05 至 2026-03-06"


def test_an_empty_day_still_prints_a_register_page(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    out = tmp_path / "empty.pdf"
    assert printing.print_register(office, cli_actor, date(2026, 1, 1), date(2026, 1, 1), out) == 0
    assert "该期间没有登记" in _text(out)


def test_a_register_range_backwards_is_refused(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    with pytest.raises(UserError, match="结束日期"):
        printing.print_register(
            office, cli_actor, date(2026, 3, 6), date(2026, 3, 5), tmp_path / "x"
        )


def test_an_answered_enquiry_prints_a_written_answer_without_the_phone(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    number = _help(
        office,
        help_type="enquiry",
        is_special=False,
        written=True,
        content="明年物业费标准是否调整？",
        answer="经业主大会决议，明年物业费标准不变。",
        answered_at=AT + timedelta(days=3),
    )
    text = _text(printing.print_enquiry_answer(office, cli_actor, number, tmp_path / "a.pdf"))
    for value in ("书面答复", "3栋2单元1502住户", "明年物业费标准是否调整", "明年物业费标准不变",
                  "2026年3月8日", "管理处盖章", number):  # fmt: skip
        assert value in text
    assert "138" not in text and "王秀英" not in text


def test_an_unanswered_or_non_enquiry_is_refused(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    open_enquiry = _help(office, help_type="enquiry", is_special=False)
    with pytest.raises(UserError, match="尚未答复"):
        printing.print_enquiry_answer(office, cli_actor, open_enquiry, tmp_path / "a.pdf")
    with pytest.raises(UserError, match="不是咨询"):
        printing.print_enquiry_answer(office, cli_actor, _help(office), tmp_path / "a.pdf")
    assert not (tmp_path / "a.pdf").exists() and _audit(office) == []


def test_unknown_numbers_and_kinds_without_a_layout(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    with pytest.raises(NotFound, match="没有单号为 DJ-2026-000999 的记录"):
        printing.print_record(office, cli_actor, "DJ-2026-000999", tmp_path / "x.pdf")
    with pytest.raises(NotFound, match="没有单号为 hello 的记录"):
        printing.print_record(office, cli_actor, "hello", tmp_path / "x.pdf")
    with pytest.raises(NotFound, match="没有单号为 HF-2026-000001 的记录"):
        printing.print_record(office, cli_actor, "HF-2026-000001", tmp_path / "x.pdf")
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".print-*"))


def test_a_role_without_print_rights_is_refused(office: OfficeFile, tmp_path: Path) -> None:
    number = _contact(office)
    storekeeper = Actor(None, "仓管", Role.storekeeper)
    with pytest.raises(PermissionDenied, match="打印单据"):
        printing.print_record(office, storekeeper, number, tmp_path / "x.pdf")


def test_a_missing_folder_is_a_clear_error_and_leaves_no_audit(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    number = _contact(office)
    with pytest.raises(UserError, match="不存在"):
        printing.print_record(office, cli_actor, number, tmp_path / "nowhere" / "x.pdf")
    assert _audit(office) == []


def test_a_confidential_enquiry_is_printed_in_full_only_for_the_office(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    number = _help(
        office,
        help_type="enquiry",
        is_special=False,
        confidential=True,
        content="邻居家的租客是否登记了身份信息？",
        answer="已核实，相关信息按规定保密。",
        answered_at=AT + timedelta(days=1),
    )
    guard = Actor(None, "保安", Role.security)
    text = _text(printing.print_record(office, guard, number, tmp_path / "guard.pdf"))
    assert "租客" not in text and "涉及保密" in text
    with pytest.raises(PermissionDenied, match="涉及保密"):
        printing.print_enquiry_answer(office, guard, number, tmp_path / "letter.pdf")
    text = _text(printing.print_record(office, cli_actor, number, tmp_path / "desk.pdf"))
    assert "租客" in text and "书面" not in text and "口头" in text
