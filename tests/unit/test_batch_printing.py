"""Many repair slips in one PDF: each slip as it prints alone, one kind per batch, each audited."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from wuyedesk.domain.errors import NotFound, PermissionDenied, UserError
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.services import batch_printing as batch
from wuyedesk.services import repairs
from wuyedesk.services.context import Actor
from wuyedesk.services.repair_printing import print_repair
from wuyedesk.store.models import AuditEntry
from wuyedesk.store.office_file import OfficeFile

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils needed")

MONDAY = datetime(2026, 3, 16, 9, 0, tzinfo=OFFICE_TZ)
FREE_COPIES = ["存根联", "工程部联", "客户联"]


def _pages(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True)
    return [re.sub(r"\s+", "", page) for page in out.stdout.split("\f")[:-1]]


def _open(office: OfficeFile, who: dict[str, Actor], day: int, kind: str = "free") -> str:
    at = MONDAY + timedelta(days=day)
    data = {
        "kind": kind,
        "reported_at": at,
        "channel": "phone",
        "unit": f"3-2-{day + 1}01",
        "reporter_name": "刘先生",
        "phone": f"1380013{8000 + day:04d}",
        "category": "plumbing_electrical",
        "content": f"厨房水龙头漏水（第 {day + 1} 天）",
    }
    return repairs.open_repair(office, who["assistant"], data, now=at).number


def _printed(office: OfficeFile) -> list[str]:
    with office.transaction() as session:
        return list(
            session.scalars(
                select(AuditEntry.target)
                .where(AuditEntry.action == "print")
                .order_by(AuditEntry.id)
            )
        )


def test_each_slip_prints_every_copy_as_it_does_alone_in_the_order_given(
    staffed_estate, who, tmp_path
):
    numbers = [_open(staffed_estate, who, day) for day in range(3)]
    out = tmp_path / "batch.pdf"
    done = batch.print_repairs(staffed_estate, who["clerk"], list(reversed(numbers)), out)
    assert (done.slips, done.pages) == (3, 9)
    assert (done.first, done.last) == (numbers[2], numbers[0])
    pages = _pages(out)
    assert len(pages) == 9
    for i, number in enumerate(reversed(numbers)):
        for page, copy in zip(pages[3 * i : 3 * i + 3], FREE_COPIES, strict=True):
            assert number in page and copy in page and "第1页共1页" in page
    assert "13800138000" not in "".join(pages) and "138****8000" in pages[-1]
    alone = tmp_path / "alone.pdf"
    print_repair(staffed_estate, who["clerk"], numbers[1], alone)
    assert _pages(alone) == pages[3:6]
    assert _printed(staffed_estate) == [*reversed(numbers), numbers[1]]


def test_one_copy_of_each_slip_may_mix_free_and_paid(staffed_estate, who, tmp_path):
    free = _open(staffed_estate, who, 0)
    paid = _open(staffed_estate, who, 1, kind="paid")
    out = tmp_path / "stubs.pdf"
    done = batch.print_repairs(staffed_estate, who["clerk"], [free, paid], out, copy="存根联")
    pages = _pages(out)
    assert done.pages == len(pages) == 2
    assert free in pages[0] and paid in pages[1] and all("存根联" in p for p in pages)
    assert "有偿服务单" in pages[1]


def test_every_copy_of_mixed_kinds_or_a_finance_copy_of_a_free_slip_is_refused(
    staffed_estate, who, tmp_path
):
    free = _open(staffed_estate, who, 0)
    paid = _open(staffed_estate, who, 1, kind="paid")
    folder = tmp_path / "printed"
    folder.mkdir()
    out = folder / "mixed.pdf"
    with pytest.raises(UserError, match="联数不同"):
        batch.print_repairs(staffed_estate, who["clerk"], [free, paid], out)
    with pytest.raises(UserError, match="没有财务联"):
        batch.print_repairs(staffed_estate, who["clerk"], [free, paid], out, copy="财务联")
    with pytest.raises(UserError, match="可选"):
        batch.print_repairs(staffed_estate, who["clerk"], [free], out, copy="第五联")
    paid_only = batch.print_repairs(staffed_estate, who["finance"], [paid], out, copy="财务联")
    assert paid_only.pages == 1 and "财务联" in _pages(out)[0]
    assert _printed(staffed_estate) == [paid]
    assert list(folder.iterdir()) == [out]  # no half-written file left from the refusals


def test_the_slips_of_a_date_range_print_in_number_order(staffed_estate, who, tmp_path):
    numbers = [_open(staffed_estate, who, day) for day in range(4)]
    _open(staffed_estate, who, 1, kind="paid")
    out = tmp_path / "week.pdf"
    first = MONDAY.date() + timedelta(days=1)
    done = batch.print_repairs_reported(
        staffed_estate, who["clerk"], first, first + timedelta(days=1), out, copy="存根联"
    )
    assert (done.slips, done.first, done.last) == (2, numbers[1], numbers[2])
    assert [numbers[1] in p for p in _pages(out)] == [True, False]
    paid = batch.print_repairs_reported(
        staffed_estate, who["clerk"], first, first, tmp_path / "paid.pdf", kind="paid"
    )
    assert paid.slips == 1 and paid.pages == 4
    with pytest.raises(UserError, match="没有要打印的单据"):
        batch.print_repairs_reported(
            staffed_estate, who["clerk"], date(2020, 1, 1), date(2020, 1, 2), out
        )
    with pytest.raises(UserError, match="结束日期"):
        batch.print_repairs_reported(staffed_estate, who["clerk"], first, MONDAY.date(), out)


def test_refusals_leave_neither_file_nor_audit_line(staffed_estate, who, tmp_path):
    number = _open(staffed_estate, who, 0)
    out = tmp_path / "x.pdf"
    with pytest.raises(PermissionDenied):
        batch.print_repairs(staffed_estate, who["guard"], [number], out)
    with pytest.raises(NotFound, match="WX-2026-000099"):
        batch.print_repairs(staffed_estate, who["clerk"], [number, "wx-2026-000099"], out)
    with pytest.raises(UserError, match="不是维修单"):
        batch.print_repairs(staffed_estate, who["clerk"], ["DJ-2026-000001"], out)
    with pytest.raises(UserError, match="没有要打印的单据"):
        batch.print_repairs(staffed_estate, who["clerk"], [" "], out)
    with pytest.raises(UserError, match="纸张"):
        batch.print_repairs(staffed_estate, who["clerk"], [number], out, paper="a4")
    with pytest.raises(UserError, match="不存在"):
        batch.print_repairs(staffed_estate, who["clerk"], [number], tmp_path / "no" / "x.pdf")
    assert _printed(staffed_estate) == [] and not out.exists()


def test_continuous_paper_and_a_number_typed_twice_prints_once(staffed_estate, who, tmp_path):
    number = _open(staffed_estate, who, 0)
    out = tmp_path / "cont.pdf"
    done = batch.print_repairs(
        staffed_estate,
        who["clerk"],
        [number, number.lower(), f" {number} "],
        out,
        paper="continuous",
    )
    assert (done.slips, done.pages) == (1, 3)
    assert _printed(staffed_estate) == [number]
