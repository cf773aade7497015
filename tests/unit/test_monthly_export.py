"""The supervisor's monthly workbook, opened back with openpyxl as the supervisor would see it."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from tests.conftest import build_template, open_copy
from tests.unit.conftest import STAFF, STAFF_PIN
from tests.unit.test_repairs import PNG, T0, at, opened, paid_until_stamped
from wuyedesk.domain.errors import PermissionDenied, UserError
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.reports import monthly_workbook
from wuyedesk.reports.monthly_workbook import check_layout, load_layout
from wuyedesk.services import demo
from wuyedesk.services import repairs as r
from wuyedesk.services.contacts import record_contact
from wuyedesk.services.context import Actor
from wuyedesk.services.dashboard import desk_between
from wuyedesk.services.help_requests import record_help
from wuyedesk.services.monthly_export import (
    ExportCancelled,
    default_file_name,
    default_month,
    export_monthly,
)
from wuyedesk.services.monthly_sources import FIELDS
from wuyedesk.services.office import init_office
from wuyedesk.services.residents import add_resident
from wuyedesk.services.staff import add_staff_in
from wuyedesk.store.models import AuditEntry, Office, RepairOrder, Staff
from wuyedesk.store.office_file import OfficeFile

NOW = datetime(2026, 4, 5, 10, 0, tzinfo=OFFICE_TZ)
MONTH = "2026-03"
ALERT = "FFFFC7CE"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """Buildings 2, 3 and 10 (so numeric order shows), the whole staff, built once."""
    folder = tmp_path_factory.mktemp("monthly")
    path, key = build_template(folder, ("3", 2, 16, 2), ("10", 1, 6, 2), ("2", 1, 4, 2))
    office = open_copy((path, key), folder / "..")
    with office.transaction() as session:
        for name, role in STAFF.values():
            add_staff_in(session, Actor.command_line(), name, role.value, STAFF_PIN)
    office.close()
    return folder / ".." / "office.wuye", key


@pytest.fixture
def office(template: tuple[Path, bytes], tmp_path: Path) -> Iterator[OfficeFile]:
    copy = open_copy(template, tmp_path)
    yield copy
    copy.close()


@pytest.fixture
def who(office: OfficeFile) -> dict[str, Actor]:
    with office.transaction() as session:
        rows = {s.name: s for s in session.scalars(select(Staff))}
    return {key: Actor(rows[name].id, name, role) for key, (name, role) in STAFF.items()}


def contact(office: OfficeFile, who: dict[str, Actor], when: datetime, **changes: Any) -> str:
    data: dict[str, Any] = {
        "at": when,
        "method": "call",
        "unit": "3-2-1502",
        "caller_name": "刘先生",
        "phone": "13800138000",
        "kind": "enquiry",
        "content": "咨询停车费",
    }
    data.update(changes)
    return record_contact(office, who["assistant"], data, now=when).number


def stamped(
    office: OfficeFile, who: dict[str, Actor], receipt: str, yuan: str, when: datetime
) -> r.RepairView:
    """A paid slip on 16 March for labour only, stamped by finance at `when`."""
    view = opened(office, who, kind="paid", content="更换门锁", unit="2-1-101")
    view = r.receive_repair(
        office, who["engineer"], view.id, version=view.version, signature_png=PNG, now=at(61)
    )
    lines = [{"kind": "labour", "item": "人工", "quantity": "1", "unit_price": yuan}]
    view = r.quote_repair(office, who["engineer"], view.id, lines, version=view.version, now=at(62))
    view = r.approve_quote(
        office, who["clerk"], view.id, version=view.version, signer_name="王女士",
        signature_png=PNG, now=at(63),
    )  # fmt: skip
    return r.stamp_payment(
        office, who["finance"], view.id, version=view.version, receipt_no=receipt,
        amount=yuan, now=when,
    )  # fmt: skip


def export(office: OfficeFile, who: dict[str, Actor], folder: Path, **options: Any) -> Path:
    target = folder / "month.xlsx"
    options.setdefault("now", NOW)
    export_monthly(office, who.get("as", who["supervisor"]), MONTH, target, **options)
    return target


def rows_of(ws: Worksheet) -> list[tuple[Any, ...]]:
    return list(ws.iter_rows(min_row=3, values_only=True))


def records(ws: Worksheet) -> list[tuple[Any, ...]]:
    """Return the record rows (not band or total rows): their outline level is deepest."""
    return [
        tuple(c.value for c in row)
        for row in ws.iter_rows(min_row=3)
        if ws.row_dimensions[row[0].row].outline_level >= 1
        and not str(row[0].value or "").endswith("条）")
    ]


def column(ws: Worksheet, header: str) -> int:
    return [c.value for c in ws[2]].index(header)


# --- the whole workbook -----------------------------------------------------------------------


def test_every_sheet_follows_the_layout_with_print_setup(
    office: OfficeFile, who: dict[str, Actor], tmp_path: Path
) -> None:
    contact(office, who, T0)
    path = export(office, who, tmp_path)
    book = load_workbook(path)
    layout = load_layout(FIELDS)
    with office.transaction() as session:
        office_name = session.scalars(select(Office.name)).one()
    assert book.sheetnames == [layout["summary"]["name"]] + [s["name"] for s in layout["sheets"]]
    assert book.sheetnames[0] == "汇总" and book.active.title == "汇总"
    for spec in layout["sheets"]:
        ws = book[spec["name"]]
        assert [c.value for c in ws[2]] == [c["header"] for c in spec["columns"]], spec["name"]
        assert "2026年3月" in ws["A1"].value
        assert ws.freeze_panes == "B3"
        assert ws.auto_filter.ref.startswith("A2:")
        assert ws.print_title_rows == "$1:$2"
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        # one page wide (1 is the file format's default, left unwritten), as tall as needed
        assert (ws.page_setup.fitToWidth or 1) == 1 and ws.page_setup.fitToHeight == 0
        assert office_name in ws.oddHeader.center.text
        assert "2026年3月" in ws.oddHeader.center.text
        for letter, dims in ws.column_dimensions.items():
            assert dims.width is None or 4 <= dims.width <= 61, letter
    charts = [n for n in zipfile.ZipFile(path).namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) >= 3  # comparison, coverage and daily records (the pie needs repairs)


def test_register_rows_grouped_by_building_floor_unit_facilities_last(
    office: OfficeFile, who: dict[str, Actor], tmp_path: Path
) -> None:
    for minutes, unit in enumerate(("10-1-501", "3-2-1502", "2-1-301", "3-1-202", "3-1-201")):
        contact(office, who, at(minutes * 60), unit=unit, content=f"第{minutes}条")
    contact(office, who, at(600), unit="", caller_name="路人", content="没有房号的来电")
    opened(office, who, unit="", facility="东门道闸", content="道闸抬不起来")
    opened(office, who, unit="2-1-401", content="灯坏了")
    book = load_workbook(export(office, who, tmp_path))
    ws = book["来访来电登记"]
    shown = [(row[0], ws.row_dimensions[i].outline_level) for i, row in enumerate(rows_of(ws), 3)]
    bands = [(text, level) for text, level in shown if not str(text).startswith("DJ-")]
    assert bands == [
        ("2栋（1 条）", 0),
        ("3 层（1 条）", 1),
        ("3栋（3 条）", 0),
        ("2 层（2 条）", 1),
        ("15 层（1 条）", 1),
        ("10栋（1 条）", 0),
        ("5 层（1 条）", 1),
        ("未注明房号（1 条）", 0),
    ]
    units = [row[column(ws, "房号")] for row in records(ws)]
    assert units == [
        "2栋1单元301",
        "3栋1单元201",
        "3栋1单元202",
        "3栋2单元1502",
        "10栋1单元501",
        None,
    ]
    assert [level for text, level in shown if str(text).startswith("DJ-")] == [2, 2, 2, 2, 2, 1]
    assert ws.sheet_properties.outlinePr.summaryBelow is False
    repairs = book["维修单"]
    texts = [row[0] for row in rows_of(repairs)]
    assert texts.index("公共设施（1 条）") > texts.index("2栋（1 条）")
    facility = records(repairs)[-1]
    assert facility[column(repairs, "房号/位置")] == "东门道闸"


def test_paid_services_total_equals_the_finance_stamps(
    office: OfficeFile, who: dict[str, Actor], tmp_path: Path
) -> None:
    first = paid_until_stamped(office, who)  # 120.50 stamped on 16 March
    second = stamped(office, who, "SJ0002", "60", at(90))
    opened(office, who, kind="paid", content="未报价的有偿服务")  # no stamp: not takings
    # A slip stamped in April is April's takings, not March's.
    stamped(office, who, "SJ0009", "80", datetime(2026, 4, 1, 9, 0, tzinfo=OFFICE_TZ))
    path = export(office, who, tmp_path)
    values = load_workbook(path, data_only=True)["有偿服务收费"]
    formulas = load_workbook(path)["有偿服务收费"]
    paid_col = column(values, "实收（元）")
    rows = rows_of(values)
    numbers = [row[0] for row in records(values)]
    assert sorted(numbers) == sorted([first.number, second.number])
    total_row = rows[-1]
    assert total_row[0] == "合计"
    assert total_row[paid_col] == pytest.approx(180.5)
    letter = "ABCDEFGHIJKL"[paid_col]
    assert formulas[f"{letter}{values.max_row}"].value.startswith("=SUBTOTAL(9,")
    subtotals = {row[0]: row[paid_col] for row in rows if str(row[0]).endswith("栋（1 条）")}
    assert subtotals == {"2栋（1 条）": 60, "3栋（1 条）": 120.5}  # each building's own takings
    with office.transaction() as session:
        stamps = session.scalars(
            select(RepairOrder.paid_fen).where(
                RepairOrder.stamped_at >= datetime(2026, 3, 1, tzinfo=OFFICE_TZ),
                RepairOrder.stamped_at < datetime(2026, 4, 1, tzinfo=OFFICE_TZ),
            )
        ).all()
    assert sum(stamps) / 100 == pytest.approx(total_row[paid_col])
    desk = desk_between(office, who["supervisor"], date(2026, 3, 1), date(2026, 3, 31), now=NOW)
    income = next(f for f in desk.figures if f.key == "paid_income")
    assert income.value == pytest.approx(total_row[paid_col])
    cell = formulas[f"{letter}5"]
    assert cell.number_format == "#,##0.00" and isinstance(cell.value, int | float)


def test_phones_masked_by_default_full_shows_only_consented_and_is_logged(
    office: OfficeFile, who: dict[str, Actor], tmp_path: Path
) -> None:
    boss = Actor.command_line()
    add_resident(
        office, boss, "3-2-1502",
        {"name": "刘强", "role": "owner", "phone": "13800138000", "consent_disclose": True,
         "id_number": "110101199003078515"},
    )  # fmt: skip
    add_resident(
        office, boss, "3-2-1502", {"name": "刘小", "role": "family", "phone": "13900139000"}
    )
    contact(office, who, T0)
    masked = load_workbook(export(office, who, tmp_path))
    people = {row[2]: row for row in records(masked["住户档案"])}
    assert people["刘强"][5] == "138****8000" and people["刘小"][5] == "139****9000"
    assert "110101199003078515" not in str(people["刘强"])
    assert records(masked["来访来电登记"])[0][6] == "138****8000"
    assert "已遮挡" in masked["住户档案"]["A1"].value
    full = load_workbook(export(office, who, tmp_path, full=True))
    people = {row[2]: row for row in records(full["住户档案"])}
    assert people["刘强"][5] == "13800138000" and people["刘强"][7] == "110101199003078515"
    assert people["刘小"][5] == "139****9000"  # no consent: masked even in a full export
    assert records(full["来访来电登记"])[0][6] == "13800138000"
    with office.transaction() as session:
        lines = session.execute(
            select(AuditEntry.actor, AuditEntry.detail).where(AuditEntry.action == "report.export")
        ).all()
    assert [(a, d.split("；")[:2]) for a, d in lines] == [
        ("赵主管", ["月度报表 2026-03", "遮挡"]),
        ("赵主管", ["月度报表 2026-03", "完整"]),
    ]


def test_a_confidential_help_request_stays_out_of_a_masked_export(
    office: OfficeFile, who: dict[str, Actor], tmp_path: Path
) -> None:
    data = {
        "at": T0, "requester_name": "匿名住户", "unit": "3-2-1502", "phone": "13800138000",
        "help_type": "enquiry", "content": "邻居家暴怎么办", "confidential": True,
    }  # fmt: skip
    record_help(office, who["assistant"], data, now=T0)
    record_help(
        office,
        who["assistant"],
        {**data, "confidential": False, "content": "问路", "requester_name": "王先生"},
        now=T0,
    )
    masked = records(load_workbook(export(office, who, tmp_path))["求助登记"])
    assert "邻居家暴怎么办" not in str(masked) and "匿名住户" not in str(masked)
    assert "问路" in str(masked) and "（保密求助，内容未导出）" in str(masked)
    full = records(load_workbook(export(office, who, tmp_path, full=True))["求助登记"])
    assert "邻居家暴怎么办" in str(full)


def test_only_managers_export_and_refusal_writes_nothing(
    office: OfficeFile, who: dict[str, Actor], tmp_path: Path
) -> None:
    for key in ("clerk", "assistant", "engineer", "finance", "boss"):
        with pytest.raises(PermissionDenied):
            export(office, {**who, "as": who[key]}, tmp_path)
    assert list(tmp_path.glob("*.xlsx*")) == []
    director = Actor.command_line()
    export(office, {**who, "as": director}, tmp_path, full=True)
    assert (tmp_path / "month.xlsx").exists()


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://evil.example","点我")', "+86 138", "-2+3", "@SUM(A1)", "=1+1"]
)
def test_text_that_looks_like_a_formula_stays_text(
    office: OfficeFile, who: dict[str, Actor], tmp_path: Path, text: str
) -> None:
    contact(office, who, T0, content=text)
    path = export(office, who, tmp_path)
    ws = load_workbook(path)["来访来电登记"]
    row = next(r for r in ws.iter_rows(min_row=3) if str(r[0].value).startswith("DJ-"))
    cell = row[column(ws, "内容")]
    assert cell.value == text and cell.data_type == "s" and cell.quotePrefix
    assert not row[column(ws, "房号")].quotePrefix  # plain text keeps a plain style
    sheet_xml = zipfile.ZipFile(path).read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in sheet_xml  # no formula at all on the register sheet


def test_dates_are_dates_and_money_is_numbers_in_yuan(
    office: OfficeFile, who: dict[str, Actor], tmp_path: Path
) -> None:
    paid_until_stamped(office, who)
    ws = load_workbook(export(office, who, tmp_path))["维修单"]
    row = next(r for r in ws.iter_rows(min_row=3) if str(r[0].value).startswith("YC-"))
    reported = row[column(ws, "报修时间")]
    assert reported.value == datetime(2026, 3, 16, 9, 0)  # office time, as Excel keeps it
    assert reported.number_format == "yyyy-mm-dd hh:mm"
    fee = row[column(ws, "费用（元）")]
    assert fee.value == pytest.approx(120.5) and fee.number_format == "#,##0.00"


def test_overdue_and_late_cells_are_highlighted(
    office: OfficeFile, who: dict[str, Actor], tmp_path: Path
) -> None:
    contact(office, who, T0, kind="complaint", complained_department="cleaning", content="垃圾")
    contact(office, who, at(5), content="只是咨询")
    view = opened(office, who)
    view = r.receive_repair(
        office, who["engineer"], view.id, version=view.version, signature_png=PNG, now=at(2)
    )
    view = r.dispatch_repair(
        office, who["boss"], view.id, version=view.version, engineer_id=who["engineer"].staff_id,
        now=at(3),
    )  # fmt: skip
    r.record_arrival(office, who["engineer"], view.id, version=view.version, now=at(20))
    book = load_workbook(export(office, who, tmp_path))
    ws = book["来访来电登记"]
    due = column(ws, "回访期限")
    marked = {
        r[0].value: r[due].fill.fgColor.rgb
        for r in ws.iter_rows(min_row=3)
        if str(r[0].value).startswith("DJ-")
    }
    assert sorted(marked.values()) == sorted([ALERT, "00000000"])
    ws = book["维修单"]
    arrived = next(r for r in ws.iter_rows(min_row=3) if str(r[0].value).startswith("WX-"))
    assert arrived[column(ws, "到场超时")].value == "是"
    assert arrived[column(ws, "到场时间")].fill.fgColor.rgb == ALERT


def test_summary_sets_this_month_beside_last_month(
    office: OfficeFile, who: dict[str, Actor], tmp_path: Path
) -> None:
    opened(office, who)
    opened(office, who)
    opened(office, who, reported_at=T0 - timedelta(days=30))  # February
    path = export(office, who, tmp_path)
    ws = load_workbook(path, data_only=True)["汇总"]
    table = {row[0]: row[1:4] for row in ws.iter_rows(min_row=4, values_only=True) if row[0]}
    assert table["报修"] == (2, 1, 1)
    assert table["有偿服务收入（元）"] == (0, 0, 0)
    assert table["投诉24小时内回访率"][0] == "—"
    sheets = {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row[0] == "维修单"}
    assert sheets == {"维修单": 2}
    assert "导出人：赵主管" in ws["A2"].value
    days = [row for row in ws.iter_rows(values_only=True) if isinstance(row[0], datetime)]
    assert len(days) == 31 and days[15][3] == 2  # two repairs on 16 March


def test_empty_month_still_gives_every_sheet(
    office: OfficeFile, who: dict[str, Actor], tmp_path: Path
) -> None:
    book = load_workbook(export(office, who, tmp_path))
    for name in book.sheetnames[1:-1]:
        assert book[name].max_row == 2, name  # title and header only
    assert book["住户档案"].max_row == 2


# --- refusals and cancelling ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "name", "message"),
    [
        ("2026-13", "m.xlsx", "月份格式"),
        ("三月", "m.xlsx", "月份格式"),
        ("2026-05", "m.xlsx", "还没有开始"),
        ("2026-03", "m.csv", ".xlsx"),
        ("2026-03", "no/such/folder/m.xlsx", "不存在"),
    ],
)
def test_bad_input_refused_with_a_clear_message(
    office: OfficeFile, who: dict[str, Actor], tmp_path: Path, month: str, name: str, message: str
) -> None:
    with pytest.raises(UserError) as caught:
        export_monthly(office, who["supervisor"], month, tmp_path / name, now=NOW)
    assert message in caught.value.message
    assert list(tmp_path.rglob("*.xlsx*")) == []


@pytest.mark.parametrize("stop_at", ["读取本月记录", "读取维修单", "写入工作簿", "保存文件"])
def test_cancel_leaves_no_file_and_keeps_an_older_one(
    office: OfficeFile, who: dict[str, Actor], tmp_path: Path, stop_at: str
) -> None:
    for minutes in range(3):
        contact(office, who, at(minutes))
    target = tmp_path / "month.xlsx"
    target.write_bytes(b"last month's workbook")
    seen: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, what: str) -> bool:
        seen.append((done, total, what))
        return what != stop_at

    with pytest.raises(ExportCancelled):
        export_monthly(office, who["supervisor"], MONTH, target, progress=progress, now=NOW)
    assert target.read_bytes() == b"last month's workbook"
    assert sorted(p.name for p in tmp_path.iterdir() if "xlsx" in p.name) == ["month.xlsx"]
    assert all(total == seen[0][1] for _, total, _ in seen)
    with office.transaction() as session:
        assert (
            session.scalar(select(AuditEntry).where(AuditEntry.action == "report.export")) is None
        )


def test_progress_runs_forward_to_the_end(
    office: OfficeFile, who: dict[str, Actor], tmp_path: Path
) -> None:
    contact(office, who, T0)
    seen: list[int] = []
    target = tmp_path / "month.xlsx"
    export_monthly(
        office, who["supervisor"], MONTH, target, now=NOW,
        progress=lambda done, total, what: seen.append(done) is None,
    )  # fmt: skip
    assert seen == sorted(seen) and seen[-1] == 1000 and seen[0] == 0


def test_default_month_and_file_name() -> None:
    assert default_month(date(2026, 1, 5)) == "2025-12"
    assert default_month(date(2026, 3, 31)) == "2026-02"
    assert default_file_name("2026-02") == "月度报表-2026-02.xlsx"


# --- the layout file --------------------------------------------------------------------------


def test_an_office_renames_reorders_and_drops_columns_in_the_layout(
    office: OfficeFile,
    who: dict[str, Actor],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    layout = load_layout(FIELDS)
    register = next(s for s in layout["sheets"] if s["source"] == "register")
    register["name"] = "来电本"
    register["columns"] = [
        {"field": "unit", "header": "房间"},
        {"field": "number", "header": "单号"},
        {"field": "content", "header": "事由"},
    ]
    layout["sheets"] = [register]
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "monthly_workbook.json").write_text(json.dumps(layout, ensure_ascii=False), "utf-8")
    monkeypatch.setattr(monthly_workbook, "data_dir", lambda name: tmp_path / name)
    number = contact(office, who, T0)
    book = load_workbook(export(office, who, tmp_path))
    assert book.sheetnames == ["汇总", "来电本"]
    assert [c.value for c in book["来电本"][2]] == ["房间", "单号", "事由"]
    assert records(book["来电本"])[0] == ("3栋2单元1502", number, "咨询停车费")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s[0]["columns"].append({"field": "salary", "header": "工资"}), "field"),
        (lambda s: s[0].update(source="payroll"), "source"),
        (lambda s: s[1].update(name=s[0]["name"]), "重复"),
        (lambda s: s[0].update(name="登记/投诉"), "工作表名"),
        (lambda s: s[0]["columns"][1].update(format="currency"), "format"),
        (lambda s: s[0].update(columns=[]), "没有列"),
    ],
)
def test_a_broken_layout_is_refused_naming_the_fault(change: Any, message: str) -> None:
    layout = load_layout(FIELDS)
    change(layout["sheets"])
    with pytest.raises(UserError) as caught:
        check_layout(layout, FIELDS)
    assert message in caught.value.message and "monthly_workbook.json" in caught.value.message


# --- on a demo estate, and in LibreOffice --------------------------------------------------------


@pytest.fixture(scope="module")
def demo_office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OfficeFile]:
    office, _ = init_office(
        tmp_path_factory.mktemp("demo") / "o.wuye",
        "correct horse 12",
        office_name=demo.DEMO_OFFICE,
        estate_name=demo.DEMO_ESTATE,
        director_name=demo.DEMO_DIRECTOR,
        director_pin=demo.DEMO_PIN,
        passphrase_n=2**12,
    )
    demo.generate_demo(
        office, Actor.command_line(), households=120, seed=3, today=date(2026, 6, 20)
    )
    yield office
    office.close()


DEMO_NOW = datetime(2026, 6, 20, 18, 0, tzinfo=OFFICE_TZ)


def test_demo_month_every_paper_grouped_and_totals_add_up(
    demo_office: OfficeFile, tmp_path: Path
) -> None:
    target = tmp_path / "may.xlsx"
    result = export_monthly(demo_office, Actor.command_line(), "2026-05", target, now=DEMO_NOW)
    book = load_workbook(target, data_only=True)
    counts = dict(result.sheets)
    for name, count in counts.items():
        assert len(records(book[name])) == count, name
    assert counts["来访来电登记"] and counts["维修单"] and counts["回访记录"]
    assert counts["日工作呈报"] and counts["住户档案"]
    reports = book["日工作呈报"]
    bands = [row[0] for row in rows_of(reports) if isinstance(row[0], str)]
    assert bands and all("份）" in band for band in bands)  # one band per member of staff
    visits = book["回访记录"]
    building_bands = [row[0] for row in rows_of(visits) if str(row[0]).endswith("达标）")]
    assert building_bands and all("本半年例行回访" in b for b in building_bands)
    paid = book["有偿服务收费"]
    total = rows_of(paid)[-1]
    stamps = sum(row[column(paid, "实收（元）")] for row in records(paid))
    assert total[0] == "合计" and total[column(paid, "实收（元）")] == pytest.approx(stamps)
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True) if row[0]}
    assert summary["有偿服务收入（元）"] == pytest.approx(stamps)


@pytest.mark.slow
def test_libreoffice_opens_every_sheet(demo_office: OfficeFile, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (CI installs libreoffice-calc-nogui)")
    target = tmp_path / "may.xlsx"
    export_monthly(demo_office, Actor.command_line(), "2026-05", target, now=DEMO_NOW)
    out = tmp_path / "csv"
    # Filter options: comma, quote, UTF-8, …, and -1 = every sheet to its own file.
    options = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", options, "--outdir", str(out), str(target)],
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    files = {p.stem.removeprefix("may-"): p.read_text("utf-8") for p in out.glob("*.csv")}
    book = load_workbook(target, data_only=True)
    assert set(files) == set(book.sheetnames), files.keys()
    assert "有偿服务收入（元）" in files["汇总"]
    paid = book["有偿服务收费"]
    total = rows_of(paid)[-1][column(paid, "实收（元）")]
    last_line = files["有偿服务收费"].strip().splitlines()[-1].split(",")
    assert last_line[0] == "合计"  # and the sum LibreOffice computes itself is the stamps' sum
    assert float(last_line[column(paid, "实收（元）")]) == pytest.approx(total)
    first_slip = records(book["维修单"])[0][0]
    assert first_slip in files["维修单"]
