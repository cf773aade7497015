"""Repair and paid-service slips: real records in, one page per 联, masked phones, money in 大写."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import PASSPHRASE, db_arg, make_office
from wuyedesk.cli import main
from wuyedesk.domain.errors import NotFound, UserError
from wuyedesk.domain.units import parse_unit_code
from wuyedesk.services import printing
from wuyedesk.services.context import Actor
from wuyedesk.services.places import get_or_create_unit
from wuyedesk.services.repair_printing import print_repair, repair_values
from wuyedesk.store.models import (
    AuditEntry,
    MaterialIssue,
    Office,
    QuoteLine,
    RepairOrder,
    Signature,
    Staff,
)
from wuyedesk.store.numbering import next_number
from wuyedesk.store.office_file import OfficeFile

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils needed")

# 2026-03-05 09:12 in Shanghai.
AT = datetime(2026, 3, 5, 1, 12, tzinfo=UTC)
PHONE = "13812348000"
COPIES = ["存根联", "工程部联", "财务联", "客户联"]


def signature_png(width: int = 120, height: int = 36) -> bytes:
    """Return a small grey-scale PNG with a wavy stroke, made without Qt or Pillow."""
    rows = []
    for y in range(height):
        line = bytearray([255] * width)
        for x in range(width):
            if abs(y - (height // 2 + int(8 * ((x % 30) - 15) / 15))) < 2:
                line[x] = 0
        rows.append(b"\x00" + bytes(line))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def _pages(pdf: Path) -> list[str]:
    """Return each page's text without white space (pdftotext ends pages with a form feed)."""
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True)
    return [re.sub(r"\s+", "", page) for page in out.stdout.split("\f")[:-1]]


def _staff(session, name: str, role: str) -> int:  # type: ignore[no-untyped-def]
    found = session.scalar(select(Staff).where(Staff.name == name))
    if found is None:
        found = Staff(name=name, role=role, pin_hash="-")
        session.add(found)
        session.flush()
    return int(found.id)


def _sign(session, name: str) -> int:  # type: ignore[no-untyped-def]
    signature = Signature(png=signature_png(), signer_name=name, purpose="test", signed_at=AT)
    session.add(signature)
    session.flush()
    return int(signature.id)


def _worked(session) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Return the fields of a slip carried from receiving to archiving (arrived late)."""
    engineer = _staff(session, "李师傅", "engineer")
    return {
        "state": "archived",
        "received_by_id": engineer,
        "received_at": AT + timedelta(minutes=2),
        "receiver_signature_id": _sign(session, "李师傅"),
        "engineer_id": engineer,
        "dispatched_at": AT + timedelta(minutes=3),
        "arrived_at": AT + timedelta(minutes=15),
        "arrival_late": True,
        "work_description": "更换水龙头阀芯，试水正常",
        "completed_at": AT + timedelta(minutes=50),
        "accepted_at": AT + timedelta(minutes=55),
        "acceptance_signature_id": _sign(session, "张三丰"),
        "satisfaction": "fairly",
        "household_remarks": "师傅很细心",
        "reconciled_at": AT + timedelta(hours=8),
        "reconciled_by_id": _staff(session, "赵主管", "eng_supervisor"),
        "archived_at": AT + timedelta(days=1),
        "archived_by_id": _staff(session, "钱文员", "clerk"),
    }


def _priced(session) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Return the fields of a quote of 120.50 yuan, approved, paid and stamped."""
    return {
        "quote_labour_fen": 8000,
        "quote_material_fen": 4050,
        "quoted_at": AT + timedelta(minutes=10),
        "approved_at": AT + timedelta(minutes=12),
        "approval_signature_id": _sign(session, "张三丰"),
        "receipt_no": "SJ-0042",
        "paid_fen": 12050,
        "finance_id": _staff(session, "孙会计", "finance"),
        "stamped_at": AT + timedelta(minutes=14),
    }


def _lines(session, order: RepairOrder) -> None:  # type: ignore[no-untyped-def]
    """Add the quote lines (paid only) and the materials issued."""
    if order.kind == "paid":
        labour = ("labour", "更换阀芯人工", 1000, 8000, 8000)
        material = ("material", "陶瓷阀芯", 1500, 2700, 4050)
        for kind, item, milli, price, amount in (labour, material):
            session.add(
                QuoteLine(
                    repair_order_id=order.id,
                    kind=kind,
                    item=item,
                    quantity_milli=milli,
                    unit_price_fen=price,
                    amount_fen=amount,
                )
            )
    session.add(
        MaterialIssue(
            repair_order_id=order.id,
            item="陶瓷阀芯",
            spec="DN15",
            quantity_milli=1500,
            unit_price_fen=2700,
            amount_fen=4050,
            storekeeper_id=_staff(session, "周仓管", "storekeeper"),
            issued_at=AT + timedelta(minutes=5),
        )
    )


def add_order(
    office: OfficeFile, kind: str = "paid", *, filled: bool = True, **extra: object
) -> str:
    """Insert a repair order; `filled` carries it through to archiving, else just opened."""
    with office.transaction() as session:
        unit, _ = get_or_create_unit(session, parse_unit_code("3栋2单元1502"))
        number = next_number(session, f"repair_{kind}", 2026)
        values: dict[str, object] = {
            "number": number,
            "kind": kind,
            "state": "opened",
            "reported_at": AT,
            "channel": "phone",
            "unit_id": unit.id,
            "reporter_name": "张三丰",
            "phone": PHONE,
            "category": "plumbing_electrical",
            "content": "厨房水龙头漏水，关不紧",
            "opened_by_id": _staff(session, "王主任", "director"),
        }
        if filled:
            values.update(_worked(session))
            if kind == "paid":
                values.update(_priced(session))
        values.update(extra)
        order = RepairOrder(**values)
        session.add(order)
        session.flush()
        if filled:
            _lines(session, order)
    return number


def _audit(office: OfficeFile) -> list[AuditEntry]:
    with office.transaction() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "print")))


def _values(office: OfficeFile, number: str) -> dict[str, object]:
    with office.transaction() as session:
        head = session.scalars(select(Office)).one()
        order = session.scalar(select(RepairOrder).where(RepairOrder.number == number))
        assert order is not None
        return repair_values(session, head, order)


@pytest.mark.parametrize("paper", ["a5", "continuous"])
def test_a_paid_slip_prints_four_copies_with_quote_stamp_and_capitals(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path, paper: str
) -> None:
    number = add_order(office, "paid")
    pages = _pages(print_repair(office, cli_actor, number, tmp_path / "yc.pdf", paper=paper))
    text = "".join(pages)
    for value in ("有偿服务单", number, "2026-03-0509:12", "电话", "3栋2单元1502", "张三丰",
                  "138****8000", "水电", "厨房水龙头漏水", "王主任", "李师傅", "更换阀芯人工",
                  "陶瓷阀芯", "DN15", "1.5", "27.00", "40.50", "¥80.00", "¥120.50",
                  "壹佰贰拾元伍角整", "SJ-0042", "孙会计", "财务收讫", "周仓管",
                  "2026-03-0509:27【超时】", "更换水龙头阀芯", "□满意■基本满意□不满意",
                  "师傅很细心", "赵主管", "钱文员", "测试物业管理处", "幸福小区"):  # fmt: skip
        assert value in text, value
    assert PHONE not in text
    for copy in COPIES:
        assert sum(copy in page for page in pages) >= 1
    assert len(pages) == 4  # one sheet per copy, on A5 and on 140 mm continuous paper
    assert all("第1页共1页" in page for page in pages)
    [line] = _audit(office)
    expected = "repair_slip" if paper == "a5" else "repair_slip_continuous"
    assert line.target == number and line.detail.startswith(f"{expected}，{len(pages)} 页")


@pytest.mark.parametrize("paper", ["a5", "continuous"])
def test_a_free_slip_has_no_finance_copy_and_no_quote(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path, paper: str
) -> None:
    number = add_order(office, "free")
    pages = _pages(print_repair(office, cli_actor, number, tmp_path / "wx.pdf", paper=paper))
    assert len(pages) == 3
    assert all("第1页共1页" in page for page in pages)
    info = subprocess.run(["pdfinfo", str(tmp_path / "wx.pdf")], capture_output=True, text=True)
    size = {"a5": "419.528 x 595.276", "continuous": "683.15 x 396.85"}[paper]
    assert f"Page size:       {size} pts" in info.stdout
    text = "".join(pages)
    assert "工程维修单" in text and "有偿服务单" not in text
    assert "财务联" not in text and "报价" not in text and "财务收讫" not in text
    assert "陶瓷阀芯" in text and "【超时】" in text and PHONE not in text


def test_a_just_opened_slip_prints_blank_boxes_for_the_pen(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    number = add_order(office, "paid", filled=False)
    pages = _pages(print_repair(office, cli_actor, number, tmp_path / "blank.pdf"))
    assert len(pages) == 4
    text = pages[0]
    assert "□满意□基本满意□不满意" in text and "超时" not in text
    assert "住户确认报价" in text and "收据号" in text and "财务收讫" not in text
    values = _values(office, number)
    assert values["quote_total"] == "" and values["receiver_signature"] == ""


def test_values_carry_png_signatures_sums_and_masked_phone(office: OfficeFile) -> None:
    number = add_order(office, "paid", quote_labour_fen=None, quote_material_fen=None)
    values = _values(office, number)
    assert isinstance(values["receiver_signature"], bytes)
    assert values["receiver_signature"].startswith(b"\x89PNG")
    assert values["quote_labour"] == "¥80.00" and values["quote_material"] == "¥40.50"
    assert values["quote_capital"] == "壹佰贰拾元伍角整"
    assert values["paid_capital"] == "壹佰贰拾元伍角整"
    assert values["phone"] == "138****8000"
    assert values["arrived_at"] == "2026-03-05 09:27【超时】"


def test_a_receiver_without_a_drawn_signature_prints_as_a_name(office: OfficeFile) -> None:
    number = add_order(office, "free", receiver_signature_id=None, arrival_late=False)
    values = _values(office, number)
    assert values["receiver_signature"] == "李师傅"
    assert values["arrived_at"] == "2026-03-05 09:27"


def test_refused_returned_and_voided_slips_say_so_with_the_reason(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    closed = AT + timedelta(hours=1)
    refused = add_order(office, "paid", filled=False, state="refused",
                        close_reason="住户认为价格偏高", closed_at=closed)  # fmt: skip
    returned = add_order(office, "free", filled=False, state="returned",
                         close_reason="非本处维修范围", closed_at=closed)  # fmt: skip
    voided = add_order(office, "free", filled=False, state="void",
                       void_reason="重复开单", voided_at=closed)  # fmt: skip
    expected = {
        refused: "【住户拒绝报价】原因：住户认为价格偏高（2026-03-0510:12）",
        returned: "【已退单】原因：非本处维修范围（2026-03-0510:12）",
        voided: "【已作废】原因：重复开单（2026-03-0510:12）",
    }
    for number, line in expected.items():
        pages = _pages(print_repair(office, cli_actor, number, tmp_path / f"{number}.pdf"))
        assert line in pages[0]


def test_print_record_sends_repair_numbers_to_the_repair_slip(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    number = add_order(office, "free")
    pages = _pages(printing.print_record(office, cli_actor, number.lower(), tmp_path / "r.pdf"))
    assert len(pages) == 3 and "工程维修单" in pages[0]


def test_bad_paper_and_unknown_numbers_are_refused_in_chinese(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    number = add_order(office, "free", filled=False)
    with pytest.raises(UserError, match="纸张应为 a5"):
        print_repair(office, cli_actor, number, tmp_path / "x.pdf", paper="A4")
    with pytest.raises(NotFound, match="没有单号为 YC-2026-000999 的记录"):
        print_repair(office, cli_actor, "YC-2026-000999", tmp_path / "x.pdf")
    with pytest.raises(NotFound, match="没有单号为 WX-2026-000999 的记录"):
        printing.print_record(office, cli_actor, "WX-2026-000999", tmp_path / "x.pdf")
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".print-*"))
    assert _audit(office) == []


def test_the_command_line_prints_on_continuous_paper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "office.wuye"
    office, _ = make_office(path)
    number = add_order(office, "paid")
    office.close()
    monkeypatch.setenv("WUYEDESK_DB", db_arg(path))
    monkeypatch.setenv("WUYEDESK_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "yc.pdf"
    assert main(["print", number, "--paper", "continuous", "-o", str(out)]) == 0
    assert f"已将 {number} 保存为" in capsys.readouterr().out
    assert "有偿服务单" in _pages(out)[0]
    assert main(["print", "DJ-2026-000001", "--paper", "a5", "-o", str(out)]) == 1
    assert "--paper 只用于工程维修单" in capsys.readouterr().err
    assert main(["print", number, "--paper", "a3", "-o", str(out)]) == 1
    assert "纸张应为" in capsys.readouterr().err


def test_a_total_beyond_the_capitals_still_prints(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    number = add_order(office, "paid", quote_labour_fen=9_999_999_999)
    assert _values(office, number)["quote_capital"] == "（超出大写范围，请核对）"
    assert "超出大写范围" in _pages(print_repair(office, cli_actor, number, tmp_path / "x.pdf"))[0]
