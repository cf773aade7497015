"""The supervisor's monthly workbook: layout reading and the XlsxWriter renderer.

The services gather the month into `Sheet`s of nested `Band`s (building → floor, or one
member of staff) holding `Line`s; this module lays them out as the layout file in
`reports/monthly_workbook.json` says: sheet names, titles, columns, formats, band texts.
XlsxWriter rather than openpyxl: openpyxl's write-only mode drops row outline levels and its
normal mode is several times slower on a 10,000-row archive; XlsxWriter writes outline
levels, native charts and cached formula results, and is faster than both.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from wuyedesk.domain.errors import UserError
from wuyedesk.i18n import tr, translate_layout
from wuyedesk.paths import data_dir

LAYOUT_FILE = "monthly_workbook.json"
FORMATS = ("text", "date", "datetime", "int", "decimal", "money", "percent")
_NUMBER_FORMATS = {
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "int": "0",
    "decimal": "0.0",
    "money": "#,##0.00",
    "percent": "0.0%",
}
_FORMAT_WIDTH = {"date": 11, "datetime": 17, "int": 8, "decimal": 9, "money": 12, "percent": 8}
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_FORMULA_START = ("=", "+", "-", "@")
MAX_CELL_TEXT = 32_000
MAX_WIDTH = 60
_CHART_ROWS = 17  # rows a 300-pixel chart covers, so charts of two tables never overlap
ALERT_FILL = "#FFC7CE"
ALERT_FONT = "#9C0006"
FONT_NAME = "Microsoft YaHei"

Progress = Callable[[int], None]  # rows written since the last call; may raise to cancel


@dataclass
class Line:
    """One record's row: values by field name, and the fields to highlight (overdue, late)."""

    values: dict[str, Any]
    alerts: frozenset[str] = frozenset()


@dataclass
class Band:
    """A foldable group of rows: a building, a floor, the public facilities, one person."""

    kind: str  # a key of the layout's "bands": building, floor, facility, unplaced, staff
    params: dict[str, Any]
    lines: list[Line] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)

    def count(self) -> int:
        """Return the number of records in the band, nested bands included."""
        return len(self.lines) + sum(b.count() for b in self.bands)

    def rows(self) -> int:
        """Return the sheet rows the band takes: its own band row and everything inside."""
        return 1 + len(self.lines) + sum(b.rows() for b in self.bands)


@dataclass
class Sheet:
    """One paper's month: its source (matching the layout) and its bands in order."""

    source: str
    bands: list[Band]

    def count(self) -> int:
        """Return the number of records on the sheet."""
        return sum(b.count() for b in self.bands)

    def rows(self) -> int:
        """Return the number of sheet rows below the header."""
        return sum(b.rows() for b in self.bands)


@dataclass
class SummaryFigure:
    """A desk figure for this month and last month; `kind` picks the number format."""

    label: str
    this: float | None
    last: float | None
    kind: str  # int, percent, decimal, money
    breach: bool = False


@dataclass
class Summary:
    """Everything on the first sheet."""

    office_name: str
    month_label: str  # 2026年3月
    made_by: str
    made_at: datetime
    masked: bool
    figures: list[SummaryFigure]
    satisfaction: list[tuple[str, int, int]]  # label, this month, last month
    coverage_label: dict[str, str]  # half_label, until
    coverage: list[tuple[str, int, int, float, int, bool]]  # building … met
    daily: list[tuple[date, int, int, int, int, int]]
    target_share: float = 0.1


# --- the layout ---------------------------------------------------------------------------


def load_layout(fields: dict[str, tuple[str, ...]], name: str = LAYOUT_FILE) -> dict[str, Any]:
    """Read and check the monthly layout; `fields` lists each source's field names."""
    path = data_dir("reports") / name
    try:
        layout = translate_layout(json.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise UserError(
            tr("找不到报表版式文件 {path}（{0}）").format(exc.strerror, path=path)
        ) from None
    except json.JSONDecodeError as exc:
        raise UserError(
            tr("报表版式文件 {name} 格式有误：第 {0} 行 {1}").format(exc.lineno, exc.msg, name=name)
        ) from None
    check_layout(layout, fields, name)
    return dict(layout)


def check_layout(layout: Any, fields: dict[str, tuple[str, ...]], name: str = LAYOUT_FILE) -> None:
    """Refuse a layout the writer cannot follow, naming the sheet and column at fault."""

    def bad(text: str) -> UserError:
        return UserError(tr("报表版式文件 {name} 有误：{text}").format(name=name, text=text))

    if not isinstance(layout, dict) or not isinstance(layout.get("sheets"), list):
        raise bad(tr("缺少 sheets 列表"))
    for key in ("title", "page_header", "page_footer", "total_label", "bands", "summary"):
        if key not in layout:
            raise bad(tr("缺少 {key}").format(key=key))
    names = [str(layout["summary"].get("name", ""))]
    for index, sheet in enumerate(layout["sheets"], start=1):
        where = tr("第 {index} 张表").format(index=index)
        if not isinstance(sheet, dict) or sheet.get("source") not in fields:
            known = tr("、").join(fields)
            raise bad(tr("{where}的 source 应为 {known} 之一").format(where=where, known=known))
        names.append(str(sheet.get("name", "")))
        columns = sheet.get("columns")
        if not isinstance(columns, list) or not columns:
            raise bad(tr("{where}（{0}）没有列").format(sheet.get("name"), where=where))
        for number, column in enumerate(columns, start=1):
            if not isinstance(column, dict) or column.get("field") not in fields[sheet["source"]]:
                raise bad(
                    tr("{where}（{0}）第 {number} 列的 field 不是 {1} 的字段（可用：{2}）").format(
                        sheet.get("name"),
                        sheet["source"],
                        tr("、").join(fields[sheet["source"]]),
                        where=where,
                        number=number,
                    )
                )
            if column.get("format", "text") not in FORMATS:
                raise bad(
                    tr("{where}第 {number} 列的 format 应为 {0} 之一").format(
                        tr("、").join(FORMATS), where=where, number=number
                    )
                )
            if not str(column.get("header", "")).strip():
                raise bad(tr("{where}第 {number} 列没有 header").format(where=where, number=number))
    for sheet_name in names:
        if not sheet_name.strip() or len(sheet_name) > 31 or _SHEET_NAME_BAD.search(sheet_name):
            raise bad(
                tr("工作表名「{sheet_name}」不可用（1–31 个字，不含 []:*?/\\）").format(
                    sheet_name=sheet_name
                )
            )
    if len(set(names)) != len(names):
        raise bad(tr("工作表名有重复"))


# --- writing ------------------------------------------------------------------------------


def text_width(text: str) -> int:
    """Return the columns a text needs: a Chinese character (3 bytes in UTF-8) counts two."""
    return (len(text.encode("utf-8")) + len(text)) // 2


def clean_text(text: str) -> str:
    """Drop control characters a workbook cannot hold and cut text Excel cannot hold."""
    text = _ILLEGAL.sub("", text)
    return text if len(text) <= MAX_CELL_TEXT else text[:MAX_CELL_TEXT] + "…"


def _header_text(text: str) -> str:
    return text.replace("&", "&&")


class _Formats:
    """XlsxWriter formats made once per workbook: by kind, alert and quote prefix."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.cache: dict[tuple[str, bool, bool], Any] = {}
        base = {"font_name": FONT_NAME, "font_size": 10}
        self.base = base
        self.title = book.add_format({**base, "bold": True, "font_size": 14})
        self.subtitle = book.add_format({**base, "font_color": "#595959"})
        self.header = book.add_format(
            {**base, "bold": True, "bg_color": "#D9D9D9", "border": 1, "text_wrap": True}
        )
        self.header.set_align("center")
        self.header.set_align("vcenter")
        self.band = [
            book.add_format({**base, "bold": True, "bg_color": "#DDEBF7"}),
            book.add_format({**base, "bold": True, "bg_color": "#F2F2F2", "indent": 1}),
        ]
        self.band_money = [
            book.add_format(
                {**base, "bold": True, "bg_color": "#DDEBF7", "num_format": "#,##0.00"}
            ),
            book.add_format(
                {**base, "bold": True, "bg_color": "#F2F2F2", "num_format": "#,##0.00"}
            ),
        ]
        self.total = book.add_format({**base, "bold": True, "top": 1, "num_format": "#,##0.00"})
        self.link = book.add_format({**base, "font_color": "#0563C1", "underline": 1})

    def cell(self, kind: str, alert: bool = False, quote: bool = False) -> Any:
        key = (kind, alert, quote)
        found = self.cache.get(key)
        if found is None:
            props: dict[str, Any] = dict(self.base)
            if kind in _NUMBER_FORMATS:
                props["num_format"] = _NUMBER_FORMATS[kind]
            if alert:
                props.update(bg_color=ALERT_FILL, font_color=ALERT_FONT)
            if quote:
                props["quote_prefix"] = True
            found = self.cache[key] = self.book.add_format(props)
        return found


def _put(
    ws: Worksheet, row: int, col: int, value: Any, kind: str, fmt: _Formats, alert: bool
) -> int:
    """Write one value by its kind; return the width it needs. Text is never a formula."""
    if value is None or value == "":
        if alert:
            ws.write_blank(row, col, None, fmt.cell(kind, True))
        return 0
    if isinstance(value, bool):
        value = tr("是") if value else tr("否")
    if isinstance(value, str):
        text = clean_text(value)
        ws.write_string(row, col, text, fmt.cell("text", alert, text.startswith(_FORMULA_START)))
        return text_width(text) if len(text) < 200 else MAX_WIDTH
    if isinstance(value, datetime | date):
        ws.write_datetime(
            row, col, value, fmt.cell(kind if kind in _FORMAT_WIDTH else "date", alert)
        )
        return 0
    ws.write_number(row, col, value, fmt.cell(kind, alert))
    return 0


class MonthlyWriter:
    """Writes one workbook to a temporary file beside the target; `finish` moves it in place."""

    def __init__(self, path: Path, layout: dict[str, Any], names: dict[str, str]) -> None:
        if not path.parent.is_dir():
            raise UserError(tr("文件夹 {0} 不存在").format(path.parent))
        self.path = path
        self.layout = layout
        self.names = names  # office_name, month_label
        fd, temp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx.tmp", dir=path.parent)
        os.close(fd)
        self.temp = Path(temp)
        self.book = xlsxwriter.Workbook(
            str(self.temp),
            {
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "remove_timezone": True,
            },
        )
        self.book.set_properties(
            {
                "title": layout["title"].format(**names),
                "author": "wuyedesk",
                "company": names["office_name"],
            }
        )
        self.fmt = _Formats(self.book)
        self.counts: list[tuple[str, int]] = []
        self.summary_sheet = self.book.add_worksheet(layout["summary"]["name"])

    def discard(self) -> None:
        """Forget the half-written file (cancelled or failed)."""
        try:
            self.book.fileclosed = True  # nothing more is written by XlsxWriter
        finally:
            self.temp.unlink(missing_ok=True)

    def finish(self) -> None:
        """Close the workbook and put it at the target path in one step."""
        try:
            self.book.close()
            os.replace(self.temp, self.path)
        except PermissionError:
            raise UserError(
                tr("无法写入 {0}：文件可能正在 Excel 中打开，请关闭后重试").format(self.path.name)
            ) from None
        except OSError as exc:
            raise UserError(
                tr("无法写入 {0}：{1}").format(self.path.name, exc.strerror or exc)
            ) from None
        finally:
            self.temp.unlink(missing_ok=True)

    # -- the paper sheets --

    def write_sheet(
        self, sheet: Sheet, spec: dict[str, Any], progress: Progress, masked: bool
    ) -> None:
        """Write one paper's sheet: title, header, bands with outline levels, totals."""
        ws = self.book.add_worksheet(spec["name"])
        columns = spec["columns"]
        kinds = [c.get("format", "text") for c in columns]
        title = f"{self.layout['title'].format(**self.names)} · {spec['title']}"
        if sheet.source in {"register", "repairs", "paid", "help", "residents"}:
            title += tr("（{0}）").format(
                self.layout["masked_note"] if masked else self.layout["full_note"]
            )
        ws.write_string(0, 0, title, self.fmt.title)
        ws.set_row(0, 24)
        for col, column in enumerate(columns):
            ws.write_string(1, col, column["header"], self.fmt.header)
        widths = [
            max(int(c.get("width", 0)), _FORMAT_WIDTH.get(kinds[i], 0), text_width(c["header"]) + 2)
            for i, c in enumerate(columns)
        ]
        bands = {**self.layout["bands"], **spec.get("bands", {})}
        state = {"row": 2, "pending": 0}
        for band in sheet.bands:
            self._band(ws, band, 0, columns, kinds, widths, bands, state, progress)
        last_row = state["row"] - 1
        totals = [i for i, c in enumerate(columns) if c.get("total")]
        if totals and last_row >= 2:
            ws.write_string(state["row"], 0, self.layout["total_label"], self.fmt.total)
            for col in totals:
                values = _line_values(sheet.bands, columns[col]["field"])
                ref = f"{xl_col_to_name(col)}3:{xl_col_to_name(col)}{last_row + 1}"
                ws.write_formula(
                    state["row"], col, f"=SUBTOTAL(9,{ref})", self.fmt.total, round(sum(values), 2)
                )
        for col, column in enumerate(columns):
            limit = int(column.get("max_width", MAX_WIDTH))
            ws.set_column(col, col, min(max(widths[col], int(column.get("width", 0))), limit) + 1)
        ws.freeze_panes(2, 1)
        ws.autofilter(1, 0, max(last_row, 1), len(columns) - 1)
        ws.outline_settings(True, False, True, False)
        self._print_setup(ws, spec["title"], len(columns))
        self.counts.append((spec["name"], sheet.count()))
        progress(state["pending"])

    def _band(
        self,
        ws: Worksheet,
        band: Band,
        level: int,
        columns: list[dict[str, Any]],
        kinds: list[str],
        widths: list[int],
        texts: dict[str, str],
        state: dict[str, int],
        progress: Progress,
    ) -> None:
        band_row = state["row"]
        style = self.fmt.band[min(level, 1)]
        if level:
            ws.set_row(band_row, None, None, {"level": level})
        text = texts[band.kind].format(**band.params, count=band.count())
        ws.write_string(band_row, 0, clean_text(text), style)
        for col in range(1, len(columns)):
            ws.write_blank(band_row, col, None, style)
        state["row"] += 1
        fields = [c["field"] for c in columns]
        for line in band.lines:
            row = state["row"]
            ws.set_row(row, None, None, {"level": level + 1})
            values, alerts = line.values, line.alerts
            for col, name in enumerate(fields):
                need = _put(ws, row, col, values.get(name), kinds[col], self.fmt, name in alerts)
                if need > widths[col]:
                    widths[col] = need
            state["row"] += 1
            state["pending"] += 1
            if state["pending"] >= 500:
                progress(state["pending"])
                state["pending"] = 0
        for inner in band.bands:
            self._band(ws, inner, level + 1, columns, kinds, widths, texts, state, progress)
        last = state["row"] - 1
        if last > band_row:
            for col, column in enumerate(columns):
                if column.get("total"):
                    cached = round(sum(_line_values([band], column["field"])), 2)
                    ref = f"{xl_col_to_name(col)}{band_row + 2}:{xl_col_to_name(col)}{last + 1}"
                    ws.write_formula(
                        band_row,
                        col,
                        f"=SUBTOTAL(9,{ref})",
                        self.fmt.band_money[min(level, 1)],
                        cached,
                    )

    def _print_setup(self, ws: Worksheet, sheet_title: str, columns: int) -> None:
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0, 1)
        ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
        header = self.layout["page_header"].format(**self.names, sheet_title=sheet_title)
        ws.set_header(f"&C{_header_text(header)}")
        ws.set_footer(f"&C{self.layout['page_footer']}")
        ws.hide_gridlines(0)

    # -- the summary --

    def write_summary(self, summary: Summary) -> None:
        """Write the first sheet: the desk's figures against last month, tables and charts."""
        ws = self.summary_sheet
        spec = self.layout["summary"]
        fmt = self.fmt
        ws.write_string(
            0, 0, f"{self.layout['title'].format(**self.names)} · {spec['title']}", fmt.title
        )
        ws.set_row(0, 24)
        note = self.layout["masked_note"] if summary.masked else self.layout["full_note"]
        made = summary.made_at.strftime("%Y-%m-%d %H:%M")
        ws.write_string(
            1,
            0,
            tr("导出人：{0}　导出时间：{made}　{note}").format(
                summary.made_by, made=made, note=note
            ),
            fmt.subtitle,
        )
        ws.set_column(0, 0, 24)
        ws.set_column(1, 5, 12)
        row = 3
        for col, head in enumerate(spec["figures_header"]):
            ws.write_string(row, col, head, fmt.header)
        first_figure = row + 1
        # counts first, so the comparison chart reads one block of cells
        figures = sorted(summary.figures, key=lambda f: f.kind != "int")
        for figure in figures:
            row += 1
            ws.write_string(row, 0, figure.label, fmt.cell("text"))
            for col, value in ((1, figure.this), (2, figure.last)):
                alert = figure.breach and col == 1
                if value is None:
                    ws.write_string(row, col, "—", fmt.cell("text", alert))
                else:
                    ws.write_number(row, col, value, fmt.cell(figure.kind, alert))
            b, c = xl_rowcol_to_cell(row, 1), xl_rowcol_to_cell(row, 2)
            change = (
                figure.this - figure.last
                if figure.this is not None and figure.last is not None
                else ""
            )
            ws.write_formula(
                row,
                3,
                f'=IF(AND(ISNUMBER({b}),ISNUMBER({c})),{b}-{c},"")',
                fmt.cell(figure.kind),
                change,
            )
        counted = sum(1 for f in figures if f.kind == "int")
        row += 2
        row = self._satisfaction(ws, summary, row)
        row = self._coverage(ws, summary, row)
        row = self._daily(ws, summary, row)
        self._sheet_list(ws, row)
        self._compare_chart(ws, first_figure, counted)
        ws.hide_gridlines(2)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        header = self.layout["page_header"].format(**self.names, sheet_title=spec["name"])
        ws.set_header(f"&C{_header_text(header)}")
        ws.set_footer(f"&C{self.layout['page_footer']}")
        ws.activate()

    def _table_head(self, ws: Worksheet, row: int, title: str, header: list[str]) -> int:
        ws.write_string(row, 0, title, self.fmt.band[0])
        for col in range(1, max(len(header), 6)):
            ws.write_blank(row, col, None, self.fmt.band[0])
        for col, head in enumerate(header):
            ws.write_string(row + 1, col, head, self.fmt.header)
        return row + 1

    def _satisfaction(self, ws: Worksheet, summary: Summary, row: int) -> int:
        spec = self.layout["summary"]
        row = self._table_head(ws, row, spec["satisfaction_title"], spec["satisfaction_header"])
        first = row + 1
        for label, this, last in summary.satisfaction:
            row += 1
            ws.write_string(row, 0, label, self.fmt.cell("text"))
            ws.write_number(row, 1, this, self.fmt.cell("int"))
            ws.write_number(row, 2, last, self.fmt.cell("int"))
        if summary.satisfaction and any(t for _, t, _ in summary.satisfaction):
            chart = self.book.add_chart({"type": "pie"})
            name = spec["name"]
            chart.add_series(
                {
                    "name": spec["charts"]["satisfaction"],
                    "categories": [name, first, 0, row, 0],
                    "values": [name, first, 1, row, 1],
                    "data_labels": {"percentage": True, "category": True},
                    "points": [{"fill": {"color": c}} for c in ("#70AD47", "#FFC000", "#C00000")],
                }
            )
            chart.set_title({"name": spec["charts"]["satisfaction"], "name_font": {"size": 11}})
            chart.set_legend({"position": "bottom"})
            chart.set_size({"width": 360, "height": 300})
            ws.insert_chart(3, 16, chart)
        return row + 2

    def _coverage(self, ws: Worksheet, summary: Summary, row: int) -> int:
        spec = self.layout["summary"]
        start = row
        title = spec["coverage_title"].format(**summary.coverage_label)
        row = self._table_head(ws, row, title, spec["coverage_header"])
        first = row + 1
        for label, households, visited, share, needed, met in summary.coverage:
            row += 1
            ws.write_string(row, 0, label, self.fmt.cell("text"))
            ws.write_number(row, 1, households, self.fmt.cell("int"))
            ws.write_number(row, 2, visited, self.fmt.cell("int"))
            ws.write_number(row, 3, share, self.fmt.cell("percent", not met))
            ws.write_number(row, 4, needed, self.fmt.cell("int"))
            ws.write_string(
                row, 5, tr("达标") if met else tr("未达标"), self.fmt.cell("text", not met)
            )
        buildings = row - 1 if summary.coverage else row  # the estate's total is the last line
        if buildings >= first:
            name = spec["name"]
            share_col = 6  # the target share, for the line over the bars
            ws.write_string(first - 1, share_col, spec["charts"]["target"], self.fmt.header)
            for r in range(first, buildings + 1):
                ws.write_number(r, share_col, summary.target_share, self.fmt.cell("percent"))
            bars = self.book.add_chart({"type": "column"})
            bars.add_series(
                {
                    "name": spec["coverage_header"][3],
                    "categories": [name, first, 0, buildings, 0],
                    "values": [name, first, 3, buildings, 3],
                    "fill": {"color": "#5B9BD5"},
                }
            )
            line = self.book.add_chart({"type": "line"})
            line.add_series(
                {
                    "name": spec["charts"]["target"],
                    "categories": [name, first, 0, buildings, 0],
                    "values": [name, first, share_col, buildings, share_col],
                    "line": {"color": "#C00000", "dash_type": "dash", "width": 1.5},
                    "marker": {"type": "none"},
                }
            )
            bars.combine(line)
            bars.set_title({"name": spec["charts"]["coverage"], "name_font": {"size": 11}})
            bars.set_y_axis({"num_format": "0%", "min": 0})
            bars.set_legend({"position": "bottom"})
            bars.set_size({"width": 720, "height": 300})
            ws.insert_chart(first - 2, 7, bars)
        return max(row + 2, start + _CHART_ROWS)

    def _daily(self, ws: Worksheet, summary: Summary, row: int) -> int:
        spec = self.layout["summary"]
        start = row
        row = self._table_head(ws, row, spec["daily_title"], spec["daily_header"])
        first = row + 1
        for values in summary.daily:
            row += 1
            ws.write_datetime(row, 0, values[0], self.fmt.cell("date"))
            for col, value in enumerate(values[1:], start=1):
                ws.write_number(row, col, value, self.fmt.cell("int"))
        if summary.daily:
            name = spec["name"]
            chart = self.book.add_chart({"type": "line"})
            for col in range(1, len(spec["daily_header"])):
                chart.add_series(
                    {
                        "name": [name, first - 1, col],
                        "categories": [name, first, 0, row, 0],
                        "values": [name, first, col, row, col],
                        "marker": {"type": "circle", "size": 3},
                    }
                )
            chart.set_title({"name": spec["charts"]["daily"], "name_font": {"size": 11}})
            chart.set_x_axis({"date_axis": True, "num_format": "m-d"})
            chart.set_legend({"position": "bottom"})
            chart.set_size({"width": 720, "height": 300})
            ws.insert_chart(first - 2, 7, chart)
        return max(row + 2, start + _CHART_ROWS)

    def _sheet_list(self, ws: Worksheet, row: int) -> None:
        spec = self.layout["summary"]
        row = self._table_head(ws, row, spec["sheets_title"], spec["sheets_header"])
        for name, count in self.counts:
            row += 1
            ws.write_url(row, 0, f"internal:'{name}'!A1", self.fmt.link, string=name)
            ws.write_number(row, 1, count, self.fmt.cell("int"))

    def _compare_chart(self, ws: Worksheet, first: int, counted: int) -> None:
        if not counted:
            return
        spec = self.layout["summary"]
        name = spec["name"]
        last = first + counted - 1
        chart = self.book.add_chart({"type": "column"})
        for col, color in ((1, "#5B9BD5"), (2, "#A5A5A5")):
            chart.add_series(
                {
                    "name": [name, first - 1, col],
                    "categories": [name, first, 0, last, 0],
                    "values": [name, first, col, last, col],
                    "fill": {"color": color},
                    "data_labels": {"value": True},
                }
            )
        chart.set_title({"name": spec["charts"]["compare"], "name_font": {"size": 11}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 600, "height": 300})
        ws.insert_chart(3, 7, chart)


def _line_values(bands: list[Band], name: str) -> list[float]:
    values: list[float] = []
    for band in bands:
        values += [v for line in band.lines if isinstance(v := line.values.get(name), int | float)]
        values += _line_values(band.bands, name)
    return values
