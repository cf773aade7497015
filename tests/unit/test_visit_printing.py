"""Printing return visits: the record page (HF-) and the door note that tells no secrets."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from wuyedesk.domain.errors import NotFound, PermissionDenied, UserError
from wuyedesk.domain.roles import Role
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.services import contacts as c
from wuyedesk.services import printing
from wuyedesk.services import visit_printing as vp
from wuyedesk.services import visits as v
from wuyedesk.services.context import Actor
from wuyedesk.store.models import AuditEntry, Office
from wuyedesk.store.office_file import OfficeFile

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils needed",
)

T0 = datetime(2026, 3, 16, 9, 0, tzinfo=OFFICE_TZ)
CALLER, PHONE, CONTENT = "刘秀英", "13912345678", "维修工进门不换鞋，还和我吵架"
OFFICE_PHONE = "0755-26001234"


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _text(pdf: Path) -> str:
    return re.sub(r"\s+", "", _run("pdftotext", "-raw", str(pdf), "-"))


def _pages(pdf: Path) -> int:
    found = re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(pdf)), re.MULTILINE)
    assert found is not None
    return int(found.group(1))


def _assert_embedded(pdf: Path) -> None:
    lines = _run("pdffonts", str(pdf)).splitlines()[2:]
    assert lines, "no font in the PDF"
    for line in lines:
        assert re.search(r"\byes\s+yes\s+yes\b", line), f"font not embedded: {line}"


def _complaint_visit(office: OfficeFile, who: dict[str, Actor]) -> v.VisitView:
    """A complaint from 3栋2单元1502 and its planned return visit."""
    with office.transaction() as session:
        session.scalars(select(Office)).one().phone = OFFICE_PHONE
    data = {
        "at": T0,
        "method": "call",
        "unit": "3-2-1502",
        "caller_name": CALLER,
        "phone": PHONE,
        "kind": "complaint",
        "content": CONTENT,
        "complained_department": "engineering",
    }
    contact = c.record_contact(office, who["assistant"], data, now=T0 + timedelta(minutes=1))
    plan = {"kind": "complaint", "related_number": contact.number}
    return v.plan_visit(office, who["assistant"], plan, now=T0 + timedelta(minutes=5))


def _nobody_home(office: OfficeFile, who: dict[str, Actor]) -> v.VisitView:
    view = _complaint_visit(office, who)
    return v.nobody_home(
        office,
        who["assistant"],
        view.id,
        version=view.version,
        next_at=T0 + timedelta(hours=8),
        now=T0 + timedelta(hours=2),
    )


def _audits(office: OfficeFile) -> list[tuple[str, str]]:
    with office.transaction() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "print")).all()
        return [(row.target, row.detail or "") for row in rows]


def test_the_door_note_names_the_unit_and_number_but_no_one_and_nothing_private(
    staffed_estate: OfficeFile, who: dict[str, Actor], tmp_path: Path
) -> None:
    view = _nobody_home(staffed_estate, who)
    out = vp.print_door_note(staffed_estate, who["assistant"], view.id, tmp_path / "note.pdf")
    text = _text(out)
    for shown in ("回访单", "3栋2单元1502", view.number, OFFICE_PHONE, "测试物业管理处"):
        assert shown in text
    assert "投诉" not in text
    for shown in ("2026年3月16日", "服务回访", "您不在家", "及时性", "态度", "效果"):
        assert shown in text
    for shown in ("满意", "基本满意", "不满意", "请沿虚线剪下", "方便回访的时间", "联系电话"):
        assert shown in text
    for secret in (CALLER, PHONE, PHONE[-4:], "换鞋", "吵架", "工程部", "张助理", "赵主管"):
        assert secret not in text, secret
    assert _pages(out) == 1
    _assert_embedded(out)
    assert _audits(staffed_estate) == [(f"{view.number} 回访单", f"door_note，1 页，{out.name}")]


def test_the_door_note_needs_the_right_to_record_visits_and_a_household(
    staffed_estate: OfficeFile, who: dict[str, Actor], tmp_path: Path
) -> None:
    view = _nobody_home(staffed_estate, who)
    with pytest.raises(PermissionDenied, match="登记回访"):
        vp.print_door_note(staffed_estate, who["finance"], view.id, tmp_path / "x.pdf")
    facility = v.plan_visit(
        staffed_estate, who["guard"], {"kind": "facility", "facility": "3栋水泵房", "due_at": T0}
    )
    with pytest.raises(UserError, match="不需要回访单"):
        vp.print_door_note(staffed_estate, who["guard"], facility.id, tmp_path / "x.pdf")
    assert not list(tmp_path.glob("*.pdf")) and _audits(staffed_estate) == []


def test_the_visit_record_page_prints_for_an_hf_number(
    staffed_estate: OfficeFile, who: dict[str, Actor], tmp_path: Path
) -> None:
    view = _complaint_visit(staffed_estate, who)
    view = v.record_visit(
        staffed_estate,
        who["supervisor"],
        view.id,
        version=view.version,
        method="talk",
        satisfaction="dissatisfied",
        opinions="地面还是脏的",
        visitors="赵主管、黄主管",
        at=T0 + timedelta(hours=3),
        now=T0 + timedelta(hours=3, minutes=10),
    )
    view = v.open_nonconformity(
        staffed_estate,
        who["supervisor"],
        view.id,
        version=view.version,
        problem="楼道清洁不到位",
        department="cleaning",
        deadline=(T0 + timedelta(days=2)).date(),
        now=T0 + timedelta(hours=4),
    )
    out = printing.print_record(
        staffed_estate, who["supervisor"], view.number.lower(), tmp_path / "hf.pdf"
    )
    text = _text(out)
    for shown in ("回访记录表", view.number, "投诉", "3栋2单元1502", "赵主管、黄主管"):
        assert shown in text
    for shown in ("2026-03-1612:00", "■交谈", "□电话", "地面还是脏的", "■不满意", "□满意"):
        assert shown in text
    for shown in ("楼道清洁不到位", "2026-03-18", "保洁部"):
        assert shown in text
    assert view.related_number and view.related_number in text
    assert _pages(out) == 1
    _assert_embedded(out)
    assert _audits(staffed_estate) == [(view.number, f"visit_record，1 页，{out.name}")]


def test_an_unknown_visit_number_is_not_found_in_chinese(
    staffed_estate: OfficeFile, who: dict[str, Actor], tmp_path: Path
) -> None:
    with pytest.raises(NotFound, match="没有单号为 HF-2026-000999 的记录"):
        vp.print_visit(staffed_estate, who["supervisor"], "HF-2026-000999", tmp_path / "x.pdf")
    with pytest.raises(NotFound, match="没有单号为 HF-2026-000999 的记录"):
        vp.visit_id_of(staffed_estate, who["assistant"], " hf-2026-000999 ")
    with pytest.raises(PermissionDenied, match="打印单据"):
        vp.print_visit(
            staffed_estate, Actor(None, "仓管", Role.storekeeper), "HF-2026-000001", tmp_path / "x"
        )
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".print-*"))


def test_the_command_line_door_note_is_for_visits_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from wuyedesk.cli import main

    out = str(tmp_path / "x.pdf")
    assert main(["print", "register", "--from", "2026-03-16", "--door-note", "--out", out]) == 1
    assert "--door-note 只用于回访记录（HF-）" in capsys.readouterr().err
