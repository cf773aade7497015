"""Importing the office's own Excel lists into the archive: messy sheets, one transaction."""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select

from wuyedesk.domain.errors import PermissionDenied, UserError
from wuyedesk.domain.roles import Role
from wuyedesk.domain.validators import id_check_digit, make_id_number
from wuyedesk.reports.archive_workbook import lost_digits, read_date
from wuyedesk.services import resident_import
from wuyedesk.services.context import Actor
from wuyedesk.services.resident_import import (
    FLOAT_ID,
    detect_mapping,
    preview_import,
    read_sheet,
    run_import,
)
from wuyedesk.services.residents import list_residents, search_residents
from wuyedesk.store.models import AuditEntry, Resident, Unit
from wuyedesk.store.office_file import OfficeFile

ID_ZHANG = make_id_number("110101", date(1970, 1, 1), "111")
ID_LI = make_id_number("310101", date(1972, 5, 6), "222")
ID_SUN = make_id_number("440301", date(1985, 8, 9), "333")
_GOOD_WANG = make_id_number("320102", date(1990, 3, 7), "451")
ID_WANG_BAD = _GOOD_WANG[:17] + ("1" if _GOOD_WANG[17] != "1" else "2")

MESSY_PROBLEMS = [
    f"第 7 行 ［身份证号码］ 身份证号码校验位不正确，应为 {_GOOD_WANG[17]}，请核对",
    f"第 8 行 ［身份证号码］ {FLOAT_ID}",
    "第 9 行 ［与业主关系］ 身份「保姆」无法识别，应为 业主、租户 或 家庭成员",
    "第 9 行 ［手机］ 手机号应为 11 位，以 13–19 开头",
    "第 10 行 ［姓名］ 与第 4 行重复（房号、姓名、电话相同），已跳过",
    "第 11 行 ［房号］ 房号缺少房间号，例如 3栋2单元1502",
]


def messy_sheet(path: Path) -> Path:
    """Build a list like the office keeps: title row, merged family units, every kind of mess."""
    book = Workbook()
    ws = book.active
    ws.title = "业主名单"
    ws.append(["锦绣花园业主名单"])
    ws.merge_cells("A1:H1")
    headings = ["房号", "姓名", "与业主关系", "手机", "身份证号码", "入住日期", "建筑面积", "备注"]
    ws.append(headings)
    rows: list[list[Any]] = [
        ["3 栋 2 单元 1502", "张伟", "本人", 13800138000.0, ID_ZHANG, datetime(2024, 3, 15),
         89.5, "早出晚归  "],
        [None, "李娜", "配偶", "138 0013 8001", ID_LI.lower(), "2024/3/15"],
        [None, "张小明", "子女", "021-62345678", None, "20240315"],
        [],
        ["３栋１单元８０１", "王芳", "租户", "１３９００１３９０００", ID_WANG_BAD, "2024.3.15"],
        ["3-1-802", "赵强", "业主", 13900139001, 1.1010119900307e17],
        ["3-1-803", "孙丽", "保姆", "1380013", ID_SUN],
        ["3-2-1502", "李娜", "家属", "13800138001"],
        ["9栋", "周杰", "业主", 13700137000],
        ["3-1-804 ", "钱多多 ", None, "13600136000  ", None, "2023-12-01", "120.00㎡"],
    ]  # fmt: skip
    for row in rows:
        ws.append(row)
    ws.merge_cells("A3:A5")  # one unit code for the whole family
    book.save(path)
    return path


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    return messy_sheet(tmp_path / "锦绣花园业主名单.xlsx")


def _count(office: OfficeFile, model: Any = Resident) -> int:
    with office.transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_read_sheet_finds_header_fills_merged_cells_and_skips_blank_rows(messy: Path) -> None:
    table = read_sheet(messy)
    assert table.header_row == 2
    assert [r.row for r in table.rows] == [3, 4, 5, 7, 8, 9, 10, 11, 12]
    assert [r.cells[0] for r in table.rows[:3]] == ["3 栋 2 单元 1502"] * 3
    assert table.mapping == {
        0: "unit",
        1: "name",
        2: "role",
        3: "phone",
        4: "id_number",
        5: "moved_in",
        6: "area",
        7: "habits",
    }


def test_preview_gives_one_line_per_problem_with_excel_rows(
    office: OfficeFile, cli_actor: Actor, messy: Path
) -> None:
    report = preview_import(office, cli_actor, read_sheet(messy))
    assert [p.line() for p in report.problems] == MESSY_PROBLEMS
    assert report.ok_rows == 4
    assert report.created_units == ["3栋1单元804", "3栋2单元1502"]
    assert report.problem_rows == 5
    assert "将新建房号 2 个" in report.describe()
    assert report.lines()[-1] == report.describe()
    assert _count(office) == 0 and _count(office, Unit) == 0


def test_dry_run_writes_nothing(office: OfficeFile, cli_actor: Actor, messy: Path) -> None:
    audit_before = _count(office, AuditEntry)
    report = run_import(office, cli_actor, read_sheet(messy), confirm=False)
    assert not report.committed and report.imported == 0 and report.ok_rows == 4
    assert _count(office) == 0
    assert _count(office, Unit) == 0
    assert _count(office, AuditEntry) == audit_before


def test_confirmed_import_takes_only_the_valid_rows(
    office: OfficeFile, cli_actor: Actor, messy: Path
) -> None:
    report = run_import(office, cli_actor, read_sheet(messy), confirm=True)
    assert report.committed and report.imported == 4
    assert report.describe().startswith("已导入 4 人")
    people = list_residents(office, cli_actor)
    assert [(p.unit_code, p.name, p.role) for p in people] == [
        ("3栋1单元804", "钱多多", "owner"),
        ("3栋2单元1502", "张伟", "owner"),
        ("3栋2单元1502", "李娜", "family"),
        ("3栋2单元1502", "张小明", "family"),
    ]
    with office.transaction() as session:
        zhang = session.scalars(select(Resident).where(Resident.name == "张伟")).one()
        assert zhang.phone == "13800138000" and zhang.id_number == ID_ZHANG
        assert zhang.moved_in == date(2024, 3, 15) and zhang.habits == "早出晚归"
        xiaoming = session.scalars(select(Resident).where(Resident.name == "张小明")).one()
        assert xiaoming.landline == "021-62345678" and xiaoming.phone is None
        li = session.scalars(select(Resident).where(Resident.name == "李娜")).one()
        assert li.id_number == ID_LI and li.moved_in == date(2024, 3, 15)
        unit = session.scalars(select(Unit).where(Unit.code == "3栋2单元1502")).one()
        assert unit.area_centi_m2 == 8950
        qian = session.scalars(select(Unit).where(Unit.code == "3栋1单元804")).one()
        assert qian.area_centi_m2 == 12000
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "resident.import")
        ).one()
        assert "导入 4 人" in entry.detail and "新建房号 2 个" in entry.detail
    assert [p.name for p in search_residents(office, cli_actor, "钱多多")] == ["钱多多"]


def test_reimporting_the_same_file_adds_nobody_twice(
    office: OfficeFile, cli_actor: Actor, messy: Path
) -> None:
    run_import(office, cli_actor, read_sheet(messy), confirm=True)
    again = run_import(office, cli_actor, read_sheet(messy), confirm=True)
    assert again.ok_rows == 0 and again.skipped_existing == 4
    assert again.describe().startswith("已导入 0 人；已存在 4 人（跳过）")
    assert again.created_units == []
    assert _count(office) == 4


def test_a_failure_mid_import_leaves_nothing_behind(
    office: OfficeFile, cli_actor: Actor, messy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = resident_import.add_resident_in
    calls = {"n": 0}

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr(resident_import, "add_resident_in", flaky)
    audit_before = _count(office, AuditEntry)
    with pytest.raises(RuntimeError):
        run_import(office, cli_actor, read_sheet(messy), confirm=True)
    assert calls["n"] == 3
    assert _count(office) == 0 and _count(office, Unit) == 0
    assert _count(office, AuditEntry) == audit_before


def test_separate_building_entrance_room_columns_make_one_unit_code(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    book = Workbook()
    ws = book.active
    ws.append(["序号", "楼栋", "单元", "房号", "业主姓名", "身份", "联系电话", "固话", "收楼日期"])
    ws.append([1, "12栋", "2单元", 1502, "刘洋", "业主", "13812345678", None, datetime(2019, 6, 1)])
    ws.append([2, 12, 2, "1502", "刘洋洋", "租户", "0755-8123 4567", None, 43617])
    ws.append([3, "A座", None, 301, "陈晨", "业主", "13812345679", "62345678", None])
    ws.append([4, "5栋", None, "5栋1单元101", "周周", "业主", "13812345670", None, None])
    path = tmp_path / "list.xlsx"
    book.save(path)
    table = read_sheet(path)
    report = run_import(office, cli_actor, table, confirm=True)
    assert report.problems == [] and report.imported == 4
    assert report.created_units == ["5栋1单元101", "12栋2单元1502", "A栋301"]
    with office.transaction() as session:
        unit = session.scalars(select(Unit).where(Unit.code == "12栋2单元1502")).one()
        assert unit.possession_date == date(2019, 6, 1)
        tenant = session.scalars(select(Resident).where(Resident.name == "刘洋洋")).one()
        assert tenant.role == "tenant" and tenant.landline == "0755-81234567"
        chen = session.scalars(select(Resident).where(Resident.name == "陈晨")).one()
        assert chen.phone == "13812345679" and chen.landline == "62345678"


def test_bad_unit_in_split_columns_names_all_three_headings(
    office: OfficeFile, cli_actor: Actor, tmp_path: Path
) -> None:
    book = Workbook()
    ws = book.active
    ws.append(["楼栋", "单元", "房号", "姓名", "手机"])
    ws.append(["3", "2", None, "刘洋", "13812345678"])
    path = tmp_path / "list.xlsx"
    book.save(path)
    report = preview_import(office, cli_actor, read_sheet(path))
    assert [p.line() for p in report.problems] == [
        "第 2 行 ［房号］ 房号不能为空，例如 3栋2单元1502 或 3-2-1502"
    ]


def test_a_sheet_without_a_header_is_refused_clearly(tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    for n in range(12):
        ws.append([f"第{n}行", n])
    path = tmp_path / "list.xlsx"
    book.save(path)
    with pytest.raises(UserError, match="找不到表头"):
        read_sheet(path)


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(UserError, match="无法读取"):
        read_sheet(path)
    old = tmp_path / "list.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(UserError, match=r"另存为 \.xlsx"):
        read_sheet(old)


def test_remapped_columns_are_used(office: OfficeFile, cli_actor: Actor, tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    ws.append(["房号", "姓名", "号码"])  # 号码 is not a heading the program knows
    ws.append(["3-1-101", "刘洋", "13812345678"])
    path = tmp_path / "list.xlsx"
    book.save(path)
    table = read_sheet(path)
    assert 2 not in table.mapping
    assert [p.field for p in preview_import(office, cli_actor, table).problems] == ["phone"]
    table.mapping[2] = "phone"
    assert preview_import(office, cli_actor, table).problems == []


def test_roles_without_the_right_are_refused(
    office: OfficeFile, cli_actor: Actor, messy: Path
) -> None:
    table = read_sheet(messy)
    with pytest.raises(PermissionDenied):
        preview_import(office, Actor(None, "保安", Role.security), table)
    # an assistant may add people but not new units
    with pytest.raises(PermissionDenied, match="楼栋和房号"):
        run_import(office, Actor(None, "助理", Role.assistant), table, confirm=True)
    assert _count(office) == 0


def test_detect_mapping_knows_the_usual_headings() -> None:
    headers = ["序号", "门牌号", "住户姓名", "类型", "手机号", "座机", "证件号码", "性别 ",
               "工作单位", "紧急联系人", "紧急联系电话", "收楼日期", "车牌号", "生活习惯",
               "建筑面积（㎡）", "*联系电话"]  # fmt: skip
    assert detect_mapping(headers) == {
        1: "unit",
        2: "name",
        3: "role",
        4: "phone",
        5: "landline",
        6: "id_number",
        7: "gender",
        8: "employer",
        9: "emergency_name",
        10: "emergency_phone",
        11: "possession_date",
        12: "plate",
        13: "habits",
        14: "area",
    }


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_every_way_the_office_writes_a_date_is_read(day: date) -> None:
    written = [
        day,
        datetime.combine(day, datetime.min.time()),
        f"{day.year}/{day.month}/{day.day}",
        day.isoformat(),
        f"{day.year}.{day.month}.{day.day}",
        f"{day:%Y%m%d}",
        int(f"{day:%Y%m%d}"),
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.isoformat()} 00:00:00",
    ]
    assert {read_date(w) for w in written} == {day}


@settings(max_examples=25, deadline=None)
@given(st.from_regex(r"[1-9][0-9]{16}", fullmatch=True))
def test_an_id_survives_a_workbook_only_as_text(first17: str) -> None:
    number = first17 + id_check_digit(first17)
    book = Workbook()
    ws = book.active
    ws.append(["房号", "姓名", "身份证号"])
    ws.append(["3-1-101", "甲", number])
    if number.isdigit():
        ws.append(["3-1-101", "乙", int(number)])  # what Excel does with a typed-in ID
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ids.xlsx"
        book.save(path)
        table = read_sheet(path)
    as_text, *as_number = [r.cells[2] for r in table.rows]
    assert as_text == number and not lost_digits(as_text)
    assert all(lost_digits(v) for v in as_number)
