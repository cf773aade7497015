"""The resident archive as a workbook: reading the office's own lists, writing the export."""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.properties import Outline, PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.validators import normalize_text
from wuyedesk.i18n import N_, tr, translate_layout
from wuyedesk.paths import data_dir

HEADER_SCAN_ROWS = 10
_SECTION = re.compile(r"^[^（(]{0,12}(层|栋|幢|号楼|单元)\s*([（(].*[)）])?$")
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+?\d+$", re.IGNORECASE)
MIN_HEADINGS = 2
_HEADING_LIMIT = 100  # no heading is longer; longer text is data, and the notes pattern is slow
_AREA = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
MAX_MERGED_CELLS = 1_000_000
_MERGE_REF = re.compile(
    rb"<(?:[A-Za-z0-9_]+:)?mergeCell\b[^>]*?\bref=[\"']([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"
)
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # the old .xls format (and .doc)

# The headings the office's lists use, after normalisation, and the field each one fills.
# They are read from the office's spreadsheets, so they stay Chinese in every language;
# their translations are accepted too (a list exported by an English desk imports again).
_OFFICE_HEADINGS: dict[str, str] = {
    **dict.fromkeys(
        (
            N_("房号"),
            N_("房间号"),
            N_("单元号"),
            N_("门牌号"),
            N_("户号"),
            N_("房屋编号"),
            N_("房号编码"),
            N_("房间"),
            N_("室号"),
        ),
        "unit",
    ),
    **dict.fromkeys(
        (
            N_("楼栋"),
            N_("栋"),
            N_("幢"),
            N_("楼号"),
            N_("栋号"),
            N_("幢号"),
            N_("楼栋号"),
            N_("楼"),
        ),
        "building",
    ),
    **dict.fromkeys((N_("单元"), N_("单元门")), "entrance"),
    **dict.fromkeys(
        (N_("姓名"), N_("业主姓名"), N_("住户姓名"), N_("户主姓名"), N_("名字")), "name"
    ),
    **dict.fromkeys(
        (
            N_("身份"),
            N_("类型"),
            N_("关系"),
            N_("与业主关系"),
            N_("与户主关系"),
            N_("住户类型"),
            N_("住户身份"),
            N_("人员类型"),
        ),
        "role",
    ),
    **dict.fromkeys(
        (
            N_("手机"),
            N_("手机号"),
            N_("手机号码"),
            N_("联系电话"),
            N_("电话"),
            N_("电话号码"),
            N_("联系方式"),
            N_("移动电话"),
        ),
        "phone",
    ),
    **dict.fromkeys(
        (N_("固话"), N_("座机"), N_("固定电话"), N_("家庭电话"), N_("座机号码"), N_("固话号码")),
        "landline",
    ),
    **dict.fromkeys(
        (
            N_("身份证"),
            N_("身份证号"),
            N_("身份证号码"),
            N_("证件号码"),
            N_("证件号"),
            N_("身份证件号码"),
        ),
        "id_number",
    ),
    N_("证件类型"): "id_type",
    N_("性别"): "gender",
    **dict.fromkeys((N_("工作单位"), N_("单位")), "employer"),
    N_("紧急联系人"): "emergency_name",
    **dict.fromkeys((N_("紧急联系电话"), N_("紧急联系人电话"), N_("紧急电话")), "emergency_phone"),
    **dict.fromkeys((N_("入住日期"), N_("入住时间")), "moved_in"),
    **dict.fromkeys((N_("收楼日期"), N_("收房日期"), N_("交房日期")), "possession_date"),
    **dict.fromkeys((N_("车牌"), N_("车牌号"), N_("车牌号码")), "plate"),
    **dict.fromkeys(
        (N_("备注"), N_("生活习惯"), N_("生活习惯及常住情况"), N_("常住情况")), "habits"
    ),
    **dict.fromkeys((N_("建筑面积"), N_("面积")), "area"),
    **dict.fromkeys((N_("同意对外提供"), N_("是否同意对外提供")), "consent_disclose"),
}


@dataclass(frozen=True)
class SheetRow:
    """One data row of a sheet: its Excel row number and its cell values."""

    row: int
    cells: tuple[Any, ...]


@dataclass
class ImportTable:
    """A sheet read for import; `mapping` (column index → field) may be edited before import."""

    source: str
    sheet: str
    header_row: int
    headers: list[str]
    rows: list[SheetRow]
    mapping: dict[int, str] = field(default_factory=dict)

    def column_of(self, field_name: str) -> int | None:
        """Return the index of the column mapped to a field, if any."""
        return next((c for c, f in self.mapping.items() if f == field_name), None)


def _accepted_headings() -> dict[str, str]:
    translated = {heading_key(tr(name)): target for name, target in _OFFICE_HEADINGS.items()}
    return {**translated, **_OFFICE_HEADINGS}


def heading_key(text: Any) -> str:
    """Normalise a heading: full-width folded, spaces, stars, colons and (notes) removed."""
    value = unicodedata.normalize("NFKC", str(text or ""))
    if len(value) > _HEADING_LIMIT:
        return value  # matches no heading; and .*? below is quadratic on a long "((((…"
    value = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", value)
    return re.sub(r"[\s*:：]", "", value)


HEADINGS = _accepted_headings()


def detect_mapping(headers: list[str]) -> dict[int, str]:
    """Guess which field each column holds from its heading; the first column wins a field."""
    mapping: dict[int, str] = {}
    for index, heading in enumerate(headers):
        found = HEADINGS.get(heading_key(heading))
        if found is None:
            continue
        taken = set(mapping.values())
        if found == "phone" and "phone" in taken and "landline" not in taken:
            found = "landline"  # 手机 and 电话 side by side: the second is the home line
        if found not in taken:
            mapping[index] = found
    return mapping


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def read_sheet(path: Path | str, sheet: str | int | None = None) -> ImportTable:
    """Read the office's resident list: find the header, fill merged cells, skip blank rows."""
    path = Path(path)
    if not path.is_file():
        raise UserError(tr("找不到文件 {path}").format(path=path))
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UserError(tr("只能读取 .xlsx 文件；旧的 .xls 请在 Excel 中另存为 .xlsx 后再导入"))
    if _merged_cell_count(path) > MAX_MERGED_CELLS:
        raise UserError(
            tr(
                "{0} 中有覆盖整列或整个工作表的合并单元格，无法读取；"
                "请在 Excel 中取消这些合并后再导入"
            ).format(path.name)
        )
    sheet_name, filled = _load(path, sheet)  # the workbook itself is gone once this returns
    header_row = _find_header(filled)
    width = max((column for row in filled.values() for column in row), default=0)
    header = filled[header_row]
    headers = [str(header[c]) if c in header else "" for c in range(1, width + 1)]
    rows = []
    for number in sorted(filled):
        cells = tuple(filled[number].get(c) for c in range(1, width + 1))
        if number > header_row and not _is_section(cells):
            rows.append(SheetRow(number, cells))
    return ImportTable(path.name, sheet_name, header_row, headers, rows, detect_mapping(headers))


def _load(path: Path, sheet: str | int | None) -> tuple[str, dict[int, dict[int, Any]]]:
    """Return the chosen sheet's name and its filled cells, merged blocks filled down."""
    # The file is opened here, not by openpyxl: when loading fails half-way, openpyxl leaves
    # its handle open, and on Windows the list then cannot be moved or saved over.
    try:
        with path.open("rb") as file:
            book = load_workbook(file, read_only=False, data_only=True)
    except MemoryError:
        raise
    except Exception as exc:  # a damaged or foreign file can fail anywhere inside openpyxl
        raise UserError(_unreadable(path, exc)) from None
    try:
        ws = _choose_sheet(book, sheet)
        filled = _filled_rows(ws)
        for merged in ws.merged_cells.ranges:
            _fill_merged(filled, merged.min_row, merged.max_row, merged.min_col)
        return ws.title, filled
    finally:
        book.close()


def _unreadable(path: Path, exc: Exception) -> str:
    """Say why a file is no workbook, naming the usual culprits (an .xls or a CSV renamed)."""
    try:
        with path.open("rb") as file:
            head = file.read(8)
    except OSError:
        head = b""
    if isinstance(exc, PermissionError):
        return tr("无法读取 {0}：文件可能正被其他程序（如 Excel）独占打开，请关闭后重试").format(
            path.name
        )
    if not head:
        return tr("无法读取 {0}：文件是空的（0 字节），请重新导出或复制该文件").format(path.name)
    if head.startswith(_OLE2_MAGIC):
        return tr(
            "无法读取 {0}：这是旧版 Excel（.xls）文件，只是扩展名改成了 .xlsx；"
            "请在 Excel 中打开并另存为 .xlsx 后再导入"
        ).format(path.name)
    detail = str(exc)[:200]
    return tr("无法读取 {0}：文件已损坏或不是 Excel 工作簿（{detail}）").format(
        path.name, detail=detail
    )


def _merged_cell_count(path: Path) -> int:
    """Count the cells the sheets' merged blocks cover, straight from the XML.

    openpyxl makes an object for every cell of a merged block while loading: a block over
    a whole column takes a minute, one over the whole sheet never finishes. A file that is
    no workbook counts 0 here; loading it says what is wrong.
    """
    total = 0
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                name = info.filename
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                with archive.open(info) as member:
                    tail = b""
                    while chunk := member.read(1 << 20):
                        data = tail + chunk
                        end = 0
                        for match in _MERGE_REF.finditer(data):
                            total += _block_size(match)
                            end = match.end()
                        tail = data[max(end, len(data) - 200) :]  # a ref cut by the chunk
    except Exception:
        return 0
    return total


def _block_size(match: re.Match[bytes]) -> int:
    first_col, first_row, last_col, last_row = (g.decode() for g in match.groups())
    width = column_index_from_string(last_col) - column_index_from_string(first_col) + 1
    return max(width, 1) * max(int(last_row) - int(first_row) + 1, 1)


def _filled_rows(ws: Worksheet) -> dict[int, dict[int, Any]]:
    """Return row → column → value (both from 1) of the cells that hold something.

    Read from the sheet's own cell store, not iter_rows: that makes a cell for every empty
    place up to the farthest used one, and one stray entry in Z200000 then costs gigabytes.
    """
    filled: dict[int, dict[int, Any]] = {}
    for (row, column), cell in ws._cells.items():
        value = _cell(cell.value)
        if value is not None:
            filled.setdefault(row, {})[column] = value
    return filled


def _fill_merged(filled: dict[int, dict[int, Any]], top: int, bottom: int, column: int) -> None:
    """Copy a merged block's value down its first column, into rows that are not blank."""
    value = filled.get(top, {}).get(column)
    if value is None:
        return
    below = range(top + 1, bottom + 1)
    # a block over a whole column is a million rows: walk whichever side is shorter
    numbers = below if len(below) <= len(filled) else [n for n in filled if n in below]
    for number in numbers:
        if number in filled:
            filled[number][column] = value


def _choose_sheet(book: Any, sheet: str | int | None) -> Worksheet:
    if isinstance(sheet, int):
        if not 0 <= sheet < len(book.worksheets):
            raise UserError(tr("工作簿只有 {0} 个工作表").format(len(book.worksheets)))
        return book.worksheets[sheet]
    if sheet is not None:
        if sheet not in book.sheetnames:
            raise UserError(tr("工作簿中没有名为「{sheet}」的工作表").format(sheet=sheet))
        return book[sheet]
    for ws in book.worksheets:
        if any(cell.value not in (None, "") for cell in ws._cells.values()):
            return ws
    raise UserError(tr("工作簿是空的，没有可导入的内容"))


def _is_section(row: tuple[Any, ...]) -> bool:
    # a band such as "15 层（2 户，3 人）" or "3栋" alone on its row groups the rows below it
    filled = [v for v in row if v is not None]
    return len(filled) == 1 and isinstance(filled[0], str) and bool(_SECTION.match(filled[0]))


def _find_header(filled: dict[int, dict[int, Any]]) -> int:
    for number in range(1, HEADER_SCAN_ROWS + 1):
        values = filled.get(number, {}).values()
        if sum(1 for v in values if heading_key(v) in HEADINGS) >= MIN_HEADINGS:
            return number
    raise UserError(
        tr(
            "在前 {HEADER_SCAN_ROWS} 行中找不到表头（例如 房号、姓名、手机），"
            "请检查是否选对了工作表"
        ).format(HEADER_SCAN_ROWS=HEADER_SCAN_ROWS)
    )


def cell_text(value: Any) -> str:
    """Return a cell's value as normalised text: 13800138000.0 → 13800138000, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return tr("是") if value else tr("否")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return normalize_text(str(value))


def read_date(value: Any) -> date:
    """Read a date as Excel or a person wrote it: a real date, 2024/3/15, 2024.3.15, 20240315…"""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 100_000:  # an Excel serial day number in a cell not formatted as date
            return from_excel(value).date()
        value = cell_text(value)
    text = normalize_text(str(value)).split(" ")[0].rstrip("日号")  # i18n: data
    text = re.sub(r"[年月/.]", "-", text)
    # [0-9], not \d: int() would read Arabic-Indic and other scripts' digits as well
    match = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", text) or re.fullmatch(
        r"([0-9]{4})([0-9]{2})([0-9]{2})", text
    )
    if match is None:
        raise ValueError(text)
    day = date(*(int(g) for g in match.groups()))
    if not 1900 <= day.year <= 2100:
        raise ValueError(text)
    return day


def read_area(value: Any) -> int | None:
    """Read a floor area in m² (89.5, '89.50㎡', '89.5平方米') as centi-m²; ValueError if bad."""
    text = re.sub(r"(平方米|平米|平|m2|M2)$", "", cell_text(value)).strip()
    if not text:
        return None
    # Plain decimals only: Decimal() also takes NaN (whose comparison below raises), 1e2,
    # 8_9 and other scripts' digits.
    if not _AREA.fullmatch(text):
        raise ValueError(text)
    amount = Decimal(text)
    if not 0 < amount < 100_000:
        raise ValueError(text)
    return int((amount * 100).to_integral_value())


def lost_digits(value: Any) -> bool:
    """Tell whether a long number (an ID) was stored by Excel as a number and lost digits."""
    return isinstance(value, float) or bool(_SCIENTIFIC.match(cell_text(value)))


# --- writing the export -------------------------------------------------------------------

_TITLE_FONT = Font(bold=True, size=14)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
_BAND_FONT = Font(bold=True, color="333333")
_BAND_FILL = PatternFill("solid", fgColor="F2F2F2")
_MAX_WIDTH = 50


def load_layout(name: str = "archive_workbook.json") -> dict[str, Any]:
    """Read a workbook layout (sheets, columns, headings, widths) from the reports folder."""
    raw = json.loads((data_dir("reports") / name).read_text(encoding="utf-8"))
    data: dict[str, Any] = translate_layout(raw)
    return data


def safe_cell_text(text: str) -> str:
    """Drop characters a workbook cannot hold (control characters)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def put(ws: Worksheet, row: int, column: int, value: Any, number_format: str | None = None) -> None:
    """Write one value; text that begins with = + - @ stays text, never a formula."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value = safe_cell_text(value)
        cell.value = value
        if value[:1] in ("=", "+", "-", "@"):
            cell.data_type = "s"
            cell.quotePrefix = True
        return
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)
    cell.value = value
    if number_format and value is not None:
        cell.number_format = number_format


def display_width(text: str) -> int:
    """Return how many character cells a text needs: Chinese characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_archive_workbook(
    path: Path | str,
    buildings: list[tuple[str, list[dict[str, Any]]]],
    layout: dict[str, Any],
    office_name: str,
    *,
    masked: bool = True,
) -> None:
    """Write one sheet per building, grouped by floor; replace the target only when complete."""
    path = Path(path)
    if not path.parent.is_dir():
        raise UserError(tr("文件夹 {0} 不存在").format(path.parent))
    book = Workbook()
    book.remove(book.active)
    for label, rows in buildings or [("", [])]:
        _write_building(book, label, rows, layout, office_name, masked)
    fd, temp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx.tmp", dir=path.parent)
    os.close(fd)
    try:
        book.save(temp)
        os.replace(temp, path)
    except PermissionError:
        raise UserError(
            tr("无法写入 {0}：文件可能正在 Excel 中打开，请关闭后重试").format(path.name)
        ) from None
    finally:
        Path(temp).unlink(missing_ok=True)


def _write_building(
    book: Workbook,
    label: str,
    rows: list[dict[str, Any]],
    layout: dict[str, Any],
    office_name: str,
    masked: bool,
) -> None:
    names = {"building": label, "office_name": office_name}
    ws = book.create_sheet(layout["sheet_name"].format(**names) if label else layout["empty_sheet"])
    columns = layout["columns"]
    last = get_column_letter(len(columns))
    title = layout["title"].format(**names) if label else office_name
    put(ws, 1, 1, title + (layout["masked_note"] if masked else ""))
    ws.cell(row=1, column=1).font = _TITLE_FONT
    ws.merge_cells(f"A1:{last}1")
    widths = [display_width(c["header"]) + 2 for c in columns]
    for index, column in enumerate(columns, start=1):
        put(ws, 2, index, column["header"])
        cell = ws.cell(row=2, column=index)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    number = 3
    floor = object()
    for record in rows:
        if record["floor"] != floor:
            floor = record["floor"]
            band = [r for r in rows if r["floor"] == floor]
            text = layout["floor_band"].format(
                floor_label=record["floor_label"],
                units=len({r["unit_code"] for r in band}),
                people=len(band),
            )
            put(ws, number, 1, text)
            for index in range(1, len(columns) + 1):
                ws.cell(row=number, column=index).fill = _BAND_FILL
            ws.cell(row=number, column=1).font = _BAND_FONT
            number += 1
        for index, column in enumerate(columns, start=1):
            value = record.get(column["field"])
            put(ws, number, index, value, column.get("format"))
            shown = value.isoformat() if isinstance(value, date) else str(value or "")
            widths[index - 1] = max(widths[index - 1], display_width(shown) + 2)
        ws.row_dimensions[number].outline_level = 1
        number += 1
    for index, column in enumerate(columns, start=1):
        width = min(max(column.get("width", 10), widths[index - 1]), _MAX_WIDTH)
        ws.column_dimensions[get_column_letter(index)].width = width
    _finish_sheet(ws, last, number - 1, layout, office_name)


def _finish_sheet(
    ws: Worksheet, last: str, last_row: int, layout: dict[str, Any], office_name: str
) -> None:
    ws.freeze_panes = "B3"
    ws.auto_filter.ref = f"A2:{last}{max(last_row, 2)}"
    ws.sheet_properties.outlinePr = Outline(summaryBelow=False, summaryRight=True)
    printing = layout.get("print", {})
    ws.page_setup.orientation = printing.get("orientation", "landscape")
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:2"
    ws.oddHeader.center.text = safe_cell_text(office_name).replace("&", "&&")
    ws.oddFooter.center.text = printing.get("footer", tr("第 &P 页，共 &N 页"))
