"""Exporting the resident archive: a sheet per building, floors folded, numbers masked."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from wuyedesk.domain.errors import PermissionDenied
from wuyedesk.domain.roles import Role
from wuyedesk.domain.validators import make_id_number
from wuyedesk.reports import archive_workbook
from wuyedesk.services.context import Actor
from wuyedesk.services.places import add_building
from wuyedesk.services.resident_import import export_residents, preview_import, read_sheet
from wuyedesk.services.residents import (
    add_resident,
    list_residents,
    resident_form_data,
    update_resident,
)
from wuyedesk.store.models import AuditEntry
from wuyedesk.store.office_file import OfficeFile

ID_ZHANG = make_id_number("110101", date(1970, 1, 1), "111")
CLERK = Actor(None, "李文员", Role.clerk)


@pytest.fixture
def estate(office: OfficeFile, cli_actor: Actor) -> OfficeFile:
    """Two buildings; residents on floors 2 and 10 so numeric order is visible."""
    add_building(office, cli_actor, "3", entrances=2, floors=12, units_per_floor=2)
    add_building(office, cli_actor, "10", entrances=0, floors=3, units_per_floor=1)
    people = [
        ("3-1-1001", {"name": "张伟", "role": "owner", "phone": "13800138000",
                      "id_number": ID_ZHANG, "moved_in": "2024-03-15", "consent_disclose": True}),
        ("3-1-1001", {"name": "李娜", "role": "family", "phone": "13800138001",
                      "habits": "=HYPERLINK(\"http://evil\",\"点我\")"}),
        ("3-2-202", {"name": "王芳", "role": "tenant", "landline": "021-62345678",
                     "employer": "@SUM(A1)", "plate": "沪A12345"}),
        ("3-1-201", {"name": "赵强", "role": "owner", "phone": "13900139000",
                     "habits": "+86 常不在家", "emergency_name": "-赵一"}),
        ("10-301", {"name": "陈晨", "role": "owner", "phone": "13700137000"}),
    ]  # fmt: skip
    for unit, data in people:
        add_resident(office, cli_actor, unit, data)
    return office


def _rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in load_workbook(path)[sheet].iter_rows(values_only=True)]


def test_one_sheet_per_building_grouped_by_floor_in_numeric_order(
    estate: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "档案.xlsx"
    assert export_residents(estate, cli_actor, path) == 5
    book = load_workbook(path)
    assert book.sheetnames == ["3栋", "10栋"]
    ws = book["3栋"]
    assert ws["A1"].value == "测试物业管理处 住户档案 · 3栋（电话和证件号码已遮挡）"
    headers = [c.value for c in ws[2]]
    assert headers[:7] == ["房号", "建筑面积（m²）", "收楼日期", "姓名", "身份", "性别", "手机"]
    assert headers[-1] == "同意对外提供"
    column = [ws.cell(row=r, column=1).value for r in range(3, ws.max_row + 1)]
    assert column == [
        "2 层（2 户，2 人）",
        "3栋1单元201",
        "3栋2单元202",
        "10 层（1 户，2 人）",
        "3栋1单元1001",
        "3栋1单元1001",
    ]
    names = [ws.cell(row=r, column=4).value for r in range(3, ws.max_row + 1)]
    assert names == [None, "赵强", "王芳", None, "张伟", "李娜"]
    levels = [ws.row_dimensions[r].outline_level for r in range(3, ws.max_row + 1)]
    assert levels == [0, 1, 1, 0, 1, 1]
    assert ws.freeze_panes == "B3"
    assert ws.auto_filter.ref == f"A2:S{ws.max_row}"
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$1:$2"
    assert "测试物业管理处" in ws.oddHeader.center.text
    assert ws.column_dimensions["P"].width >= 24  # 生活习惯 fits Chinese text


def test_numbers_are_masked_by_default_and_dates_are_real_dates(
    estate: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "档案.xlsx"
    export_residents(estate, cli_actor, path)
    ws = load_workbook(path)["3栋"]
    zhang = next(r for r in ws.iter_rows(min_row=3) if r[3].value == "张伟")
    assert zhang[6].value == "138****8000"
    assert zhang[9].value == "1101**********" + ID_ZHANG[-4:]
    assert zhang[13].value == datetime(2024, 3, 15) and zhang[13].is_date
    assert zhang[18].value == "是"
    wang = next(r for r in ws.iter_rows(min_row=3) if r[3].value == "王芳")
    assert wang[7].value == "021-****5678" and wang[18].value == "否"
    text = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "13800138000" not in text and ID_ZHANG not in text


def test_full_export_by_a_director_shows_the_numbers(
    estate: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "full.xlsx"
    export_residents(estate, cli_actor, path, full=True)
    ws = load_workbook(path)["3栋"]
    assert "已遮挡" not in ws["A1"].value
    zhang = next(r for r in ws.iter_rows(min_row=3) if r[3].value == "张伟")
    assert zhang[6].value == "13800138000" and zhang[9].value == ID_ZHANG
    # 赵强 never consented to disclosure: even a full export shows him masked.
    zhao = next(r for r in ws.iter_rows(min_row=3) if r[3].value == "赵强")
    assert zhao[6].value == "139****9000"


def test_a_clerk_may_not_export_full_numbers(estate: OfficeFile, tmp_path: Path) -> None:
    path = tmp_path / "full.xlsx"
    with pytest.raises(PermissionDenied, match="导出未遮挡"):
        export_residents(estate, CLERK, path, full=True)
    assert not path.exists()


def test_text_that_looks_like_a_formula_stays_text(
    estate: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "档案.xlsx"
    export_residents(estate, cli_actor, path)
    ws = load_workbook(path)["3栋"]
    cells = {c.value: c for row in ws.iter_rows(min_row=3) for c in row if c.value}
    for text in ('=HYPERLINK("http://evil","点我")', "@SUM(A1)", "+86 常不在家", "-赵一"):
        assert cells[text].data_type == "s", text
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet


def test_every_export_is_written_to_the_audit_log(
    estate: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    export_residents(estate, cli_actor, tmp_path / "a.xlsx")
    export_residents(estate, cli_actor, tmp_path / "b.xlsx", full=True)
    with estate.transaction() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "resident.export").order_by(AuditEntry.id)
        ).all()
    assert [(e.target, e.detail.split("；")[0]) for e in entries] == [
        ("file:a.xlsx", "full=no"),
        ("file:b.xlsx", "full=yes"),
    ]
    assert "5 人" in entries[0].detail


def test_a_failed_export_leaves_the_old_file_and_no_leftovers(
    estate: OfficeFile, cli_actor: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "档案.xlsx"
    path.write_bytes(b"last month's export")

    def broken_save(self: object, filename: str) -> None:
        Path(filename).write_bytes(b"half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(archive_workbook.Workbook, "save", broken_save)
    with pytest.raises(OSError):
        export_residents(estate, cli_actor, path)
    assert path.read_bytes() == b"last month's export"
    assert sorted(p.name for p in tmp_path.iterdir() if "xlsx" in p.name) == ["档案.xlsx"]
    with estate.transaction() as session:
        logged = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "resident.export")
        ).all()
    assert logged == []


def test_an_empty_office_still_gets_a_workbook(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "empty.xlsx"
    assert export_residents(office, cli_actor, path) == 0
    assert load_workbook(path).sheetnames == ["住户档案"]


def test_a_full_export_reads_back_through_the_importer(
    estate: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    # Everyone consents here, so the full export carries every number back in.
    for person in list_residents(estate, cli_actor):
        form = resident_form_data(estate, cli_actor, person.id)
        update_resident(
            estate, cli_actor, person.id, {**form, "consent_disclose": True}, form["version"]
        )
    path = tmp_path / "full.xlsx"
    export_residents(estate, cli_actor, path, full=True)
    table = read_sheet(path)
    assert table.header_row == 2
    assert [r.cells[3] for r in table.rows] == ["赵强", "王芳", "张伟", "李娜"]  # bands skipped
    report = preview_import(estate, cli_actor, table)
    assert report.problems == [] and report.skipped_existing == 4 and report.ok_rows == 0
