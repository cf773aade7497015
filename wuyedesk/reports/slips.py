"""The one slip renderer: draws any paper described by a layout file in `reports/`.

A layout (JSON) gives the paper, the copies (联), the title, and a list of
sections — grids of label/value cells, repeating tables, free text, signature
boxes. Each record becomes one document per copy; its pages are numbered
"第 N 页 共 M 页" on their own, so 500 slips in one PDF each read 第 1 页 共 1 页.
The format is described in reports/README.md.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, unescape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5, landscape, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    Image,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from wuyedesk.domain.units import shown_unit_codes
from wuyedesk.i18n import has_chinese, tr, translate_layout
from wuyedesk.paths import data_dir
from wuyedesk.reports.barcode import number_mark
from wuyedesk.reports.fonts import choose_font
from wuyedesk.reports.slip_pages import Doc, DocStart, canvas_class

PAPER = {"A4": A4, "A5": A5, "continuous_241x140": (241 * mm, 140 * mm)}
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
_LABEL_BG = colors.Color(0.92, 0.92, 0.92)
_PAD = 3  # points of cell padding on each side
_UNBOUNDED = 1e9
_MIN_WORD_SIZE = 5.0  # an English label shrinks down to this to keep its words whole
_TAGS = re.compile(r"<[^>]+>")
_BAND = 8 * mm  # header band (office name, copy name) and footer band (page number)
_BARE: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
_BARE += [(key, (0, 0), (-1, -1), 0) for key in ("LEFTPADDING", "RIGHTPADDING")]


def load_layout(name: str) -> dict[str, Any]:
    """Read a slip layout from reports/NAME.json."""
    path = data_dir("reports") / f"{name}.json"
    layout: dict[str, Any] = translate_layout(json.loads(path.read_text(encoding="utf-8")))
    return layout


def page_size(page: dict[str, Any]) -> tuple[float, float]:
    """Return the sheet's width and height in points from the layout's `page` entry."""
    size = page.get("size", "A4")
    sheet = PAPER[size] if isinstance(size, str) else (size[0] * mm, size[1] * mm)
    turn = landscape if page.get("orientation", "portrait") == "landscape" else portrait
    width, height = turn(sheet)
    return float(width), float(height)


class _Values(dict[str, Any]):
    """A record's values for text templates; a missing field prints as nothing."""

    def __missing__(self, key: str) -> str:
        return ""


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, bytes) else shown_unit_codes(str(value))


def _markup(value: Any) -> str:
    return escape(_text(value)).replace("\n", "<br/>")


class _Para(Paragraph):
    """A paragraph that breaks its lines once per width: tables wrap each cell several times."""

    _wrapped: tuple[float, Any, Any, float] | None = None

    _words: list[str] | None = None  # the words of a text without Chinese

    def __init__(self, text: str | None, style: ParagraphStyle, *args: Any, **kwargs: Any) -> None:
        # Chinese breaks between any two characters; English text (labels in the English
        # build, typed values) breaks between words, which CJK wrapping would split.
        # (ReportLab calls this again with frags when it splits a paragraph over rows.)
        if text is not None and style.wordWrap == "CJK" and not has_chinese(text):
            style = ParagraphStyle(style.name, parent=style, wordWrap=None)
            self._words = unescape(_TAGS.sub(" ", text)).split()
        super().__init__(text, style, *args, **kwargs)

    def _shrink_to_words(self, aw: float) -> None:
        """Shrink an English text whose longest word is wider than the cell (no mid-word break)."""
        style = self.style
        widest = max(
            (stringWidth(w, style.fontName, style.fontSize) for w in self._words or ()), default=0
        )
        if widest <= aw or aw <= 0:
            return
        size = max(_MIN_WORD_SIZE, style.fontSize * aw / widest * 0.98)
        smaller = ParagraphStyle(style.name, parent=style, fontSize=size, leading=size * 1.2)
        Paragraph.__init__(self, self.text, smaller)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        if self._wrapped is not None and abs(self._wrapped[0] - aw) < 0.01:
            self.width, self.blPara, self._wrapWidths, self.height = self._wrapped
            return aw, self.height
        if self._words:
            self._shrink_to_words(aw)
        width, height = super().wrap(aw, ah)
        self._wrapped = (aw, self.blPara, self._wrapWidths, height)
        return width, height


class _Renderer:
    """Turns one layout and its records into flowables and page decorations."""

    def __init__(self, layout: dict[str, Any], office_name: str, font: str) -> None:
        self.layout = layout
        self.office_name = office_name
        self.font = font
        self.size = float(layout.get("font_size", 9))
        self.min_size = float(layout.get("min_font_size", 6))
        self.width, self.height = page_size(layout.get("page", {}))
        # One margin, or [sides, top and bottom]: continuous paper loses its tractor strips.
        margin = layout.get("page", {}).get("margin_mm", 10)
        side, top = margin if isinstance(margin, list) else (margin, margin)
        self.margin, self.margin_y = float(side) * mm, float(top) * mm
        self.frame_w = self.width - 2 * self.margin
        self.frame_h = self.height - 2 * self.margin_y - 2 * _BAND
        self.max_cell = self.frame_h * 0.45

    def style(self, size: float | None = None, align: str = "left") -> ParagraphStyle:
        """Return a paragraph style in the slip font that wraps Chinese anywhere."""
        size = size or self.size
        return ParagraphStyle(
            "slip",
            fontName=self.font,
            bulletFontName=self.font,
            fontSize=size,
            leading=size * 1.3,
            alignment=_ALIGN[align],
            wordWrap="CJK",
        )

    def fit(self, value: Any, width: float, size: float | None = None) -> list[Paragraph]:
        """Return the text wrapped to the width, shrunk down to the minimum size when too tall.

        Text still too tall at the minimum size comes back in parts, one per row, so a
        cell never runs off the paper (the table breaks between rows, never inside one).
        """
        size = size or self.size
        markup = _markup(value)
        inner = width - 2 * _PAD
        while True:
            para = _Para(markup, self.style(size))
            _, tall = para.wrap(inner, _UNBOUNDED)
            if tall <= self.max_cell or size <= self.min_size:
                break
            # Height grows with the square of the size (more lines, each taller): aim close.
            size = max(self.min_size, min(size - 0.5, size * (self.max_cell / tall) ** 0.5))
        parts: list[Paragraph] = []
        while tall > self.max_cell:
            pieces = para.split(inner, self.max_cell)
            if len(pieces) < 2:
                break
            parts.append(pieces[0])
            para = pieces[1]
            _, tall = para.wrap(inner, _UNBOUNDED)
        return [*parts, para]

    # --- sections -------------------------------------------------------------------------

    def header(self, values: _Values) -> list[Flowable]:
        """Return the title (and subtitle) with the number and its bar code or QR code."""
        spec = self.layout.get("header", {})
        number = _text(values.get(spec.get("number_field", "number")))
        mark = number_mark(number, spec.get("code", "code128"), max_width=self.frame_w * 0.3)
        title = _Para(_markup(spec.get("title", "").format_map(values)), self.style(16, "center"))
        lines: list[Flowable] = [title]
        if spec.get("subtitle"):
            subtitle = spec["subtitle"].format_map(values)
            lines.append(_Para(_markup(subtitle), self.style(self.size, "center")))
        side = 0.0
        corner: list[Flowable] = []
        if mark is not None:
            mark.hAlign = "RIGHT"
            side = max(mark.wrap(self.frame_w, self.frame_h)[0], 30 * mm)
            corner = [mark, _Para(_markup(number), self.style(self.size, "right"))]
        # Centre the title on the sheet when the mark leaves room for a matching left column.
        left = side if self.frame_w - 2 * side >= self.frame_w * 0.3 else 0.0
        table = Table([["", lines, corner]], colWidths=[left, self.frame_w - left - side, side])
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), self.font), *_BARE]))
        flow: list[Flowable] = [table]
        if spec.get("rule"):
            flow.append(HRFlowable(width="100%", thickness=1.2, color=colors.black, spaceBefore=2))
        return [*flow, Spacer(0, 3 * mm)]

    def grid(self, spec: dict[str, Any], values: _Values) -> list[Flowable]:
        """Return a grid of label/value cells; spans are counted in the grid's units."""
        units = int(spec.get("units", 12))
        unit_w = self.frame_w / units
        label_units = int(spec.get("label_units", 2))
        min_row = float(spec.get("min_row_mm", 7)) * mm
        rows: list[list[Any]] = []
        commands: list[tuple[Any, ...]] = []
        for raw in spec["rows"]:
            row = raw if isinstance(raw, dict) else {"cells": raw}
            if not _shown(row, values):
                continue
            placed: list[tuple[int, int, int, str, list[Paragraph]]] = []
            col = 0
            for i, cell in enumerate(row["cells"]):
                last = i == len(row["cells"]) - 1
                span = int(cell.get("span", units - col if last else 1))
                lab = int(cell.get("label_units", label_units)) if "field" in cell else span
                lab = lab if cell.get("label") else 0
                parts = []
                if "field" in cell and span > lab:
                    value, width = values.get(cell["field"]), (span - lab) * unit_w
                    if isinstance(value, bytes | bytearray) and value:  # a signature's PNG
                        tall = max(min_row, float(row.get("min_mm", 0)) * mm)
                        parts = [self._signature(value, width, tall)]
                    else:
                        parts = self.fit(value, width)
                        parts[0] = self._at_least(parts[0], width, row)
                placed.append((col, lab, span, cell.get("label", ""), parts))
                col += span
            for k in range(max([1, *(len(p[4]) for p in placed)])):
                r = len(rows)
                line: list[Any] = [""] * units
                for col, lab, span, label, parts in placed:
                    if lab:
                        text = label if k == 0 else tr("{label}（续）").format(label=label)
                        line[col] = _Para(_markup(text), self.style(align="center"))
                        commands.append(("BACKGROUND", (col, r), (col + lab - 1, r), _LABEL_BG))
                        commands.append(("SPAN", (col, r), (col + lab - 1, r)))
                    if span > lab:
                        line[col + lab] = parts[k] if k < len(parts) else ""
                        commands.append(("SPAN", (col + lab, r), (col + span - 1, r)))
                rows.append(line)
        if not rows:
            return []
        table = Table(rows, colWidths=[unit_w] * units)
        table.setStyle(TableStyle([*self._box_style(min_row), *commands]))
        return [table]

    def _at_least(self, para: Paragraph, width: float, row: dict[str, Any]) -> Any:
        """Give a value cell the writing room the paper form has (`min_mm`)."""
        _, tall = para.wrap(width - 2 * _PAD, _UNBOUNDED)
        room = float(row.get("min_mm", 0)) * mm - tall - 2 * _PAD
        return [para, Spacer(0, room)] if room > 0 else para

    def _box_style(self, min_row: float) -> list[tuple[Any, ...]]:
        pad = max(_PAD, (min_row - self.size * 1.3) / 2)
        return [
            ("FONTNAME", (0, 0), (-1, -1), self.font),
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), _PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
            ("TOPPADDING", (0, 0), (-1, -1), pad),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ]

    def table(self, spec: dict[str, Any], values: _Values) -> list[Flowable]:
        """Return a table of repeating lines whose header repeats on every page it runs onto."""
        columns = spec["columns"]
        total = sum(float(c.get("w", 1)) for c in columns)
        widths = [self.frame_w * float(c.get("w", 1)) / total for c in columns]
        size = float(spec.get("font_size", self.size))
        header = [_Para(_markup(c["header"]), self.style(size, "center")) for c in columns]
        body: list[list[Any]] = []
        entries = list(values.get(spec["field"]) or [])
        # Blank lines up to `min_lines`, a line tall each: the slip is also filled by pen.
        blank = {c["field"]: "\u00a0" for c in columns}
        for entry in entries + [blank] * (int(spec.get("min_lines", 0)) - len(entries)):
            cells = [
                self.fit(entry.get(c["field"]), w, size)
                for c, w in zip(columns, widths, strict=True)
            ]
            for k in range(max(len(parts) for parts in cells)):
                body.append([parts[k] if k < len(parts) else "" for parts in cells])
        commands: list[tuple[Any, ...]] = [("BACKGROUND", (0, 0), (-1, 0), _LABEL_BG)]
        if not body:
            body = [[_Para(_markup(spec.get("empty", tr("（无）"))), self.style(size, "center"))]]
            body[0] += [""] * (len(columns) - 1)
            commands.append(("SPAN", (0, 1), (-1, 1)))
        flow: list[Flowable] = []
        if spec.get("title"):
            flow.append(_Para(_markup(spec["title"]), self.style(self.size + 1)))
            flow.append(Spacer(0, 1 * mm))
        table = Table([header, *body], colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle([*self._box_style(float(spec.get("min_row_mm", 5)) * mm), *commands])
        )
        return [*flow, table]

    def text(self, spec: dict[str, Any], values: _Values) -> list[Flowable]:
        """Return a free paragraph (a letter's body), from a field or a template line."""
        size = float(spec.get("font_size", self.size))
        style = self.style(size, spec.get("align", "left"))
        style.firstLineIndent = size * 2 if spec.get("indent") else 0
        value = (
            values.get(spec["field"]) if "field" in spec else spec["template"].format_map(values)
        )
        flow: list[Flowable] = []
        if spec.get("label"):
            flow.append(_Para(_markup(spec["label"]), self.style(size)))
        flow.append(_Para(_markup(value), style))
        return [*flow, Spacer(0, float(spec.get("space_mm", 2)) * mm)]

    def signatures(self, spec: dict[str, Any], values: _Values) -> list[Flowable]:
        """Return label + box pairs; a box holds the signature image, a name, or stays empty."""
        boxes = spec["boxes"]
        tall = float(spec.get("height_mm", 18)) * mm
        label_w = float(spec.get("label_mm", 22)) * mm
        box_w = self.frame_w / len(boxes) - label_w
        line: list[Any] = []
        commands: list[tuple[Any, ...]] = []
        for i, box in enumerate(boxes):
            line.append(_Para(_markup(box["label"]), self.style(align="center")))
            line.append(self._signature(values.get(box.get("field", "")), box_w, tall))
            commands.append(("BACKGROUND", (2 * i, 0), (2 * i, 0), _LABEL_BG))
        table = Table([line], colWidths=[label_w, box_w] * len(boxes), rowHeights=[tall])
        table.setStyle(TableStyle([*self._box_style(tall), *commands]))
        return [Spacer(0, float(spec.get("space_mm", 3)) * mm), table]

    def columns(self, spec: dict[str, Any], values: _Values) -> list[Flowable]:
        """Return sections side by side (quote beside materials on short continuous paper)."""
        parts = [part for part in spec["parts"] if _shown(part, values)]
        gap = float(spec.get("space_mm", 2)) * mm
        total = sum(float(part.get("w", 1)) for part in parts)
        room = self.frame_w - gap * (len(parts) - 1)
        widths = [room * float(part.get("w", 1)) / total for part in parts]
        cells: list[list[Flowable]] = []
        full = self.frame_w
        try:
            for part, width in zip(parts, widths, strict=True):
                self.frame_w = width
                inner = [s for s in part["sections"] if _shown(s, values)]
                cells.append([f for s in inner for f in _SECTION_KINDS[s["type"]](self, s, values)])
        finally:
            self.frame_w = full
        line: list[Any] = []
        col_widths: list[float] = []
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            line += [cell] if i == 0 else ["", cell]
            col_widths += [width] if i == 0 else [gap, width]
        table = Table([line], colWidths=col_widths)
        table.setStyle(TableStyle([*_BARE, ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return [table]

    def _signature(self, value: Any, width: float, tall: float) -> Any:
        if isinstance(value, bytes | bytearray) and value:
            image_w, image_h = ImageReader(io.BytesIO(value)).getSize()
            scale = min((width - 2 * _PAD) / image_w, (tall - 2 * _PAD) / image_h)
            return Image(io.BytesIO(value), width=image_w * scale, height=image_h * scale)
        return _Para(_markup(value), self.style(align="center")) if value else ""

    # --- documents and pages --------------------------------------------------------------

    def document(self, values: _Values) -> list[Flowable]:
        """Return the flowables of one record on one copy."""
        flow = self.header(values)
        for spec in self.layout.get("sections", []):
            if _shown(spec, values):
                flow += _SECTION_KINDS[spec["type"]](self, spec, values)
                flow.append(Spacer(0, float(spec.get("gap_mm", 2)) * mm))
        return flow

    def decorate(self, canv: Canvas, doc: Doc, page: int, pages: int) -> None:
        """Draw what every page carries: office name, copy name, number, page N of M."""
        top = self.height - self.margin_y - _BAND / 2
        bottom = self.margin_y + _BAND / 3
        if self.layout.get("office_in_band", True):
            canv.setFont(self.font, 9)
            canv.drawString(self.margin, top, self.office_name)
        if doc.copy:
            canv.setFont(self.font, 11)
            text_w = canv.stringWidth(doc.copy, self.font, 11)
            right = self.width - self.margin
            canv.rect(right - text_w - 8, top - 4, text_w + 8, 16, stroke=1, fill=0)
            canv.drawRightString(right - 4, top, doc.copy)
        canv.setFont(self.font, 8)
        canv.drawCentredString(
            self.width / 2, bottom, tr("第 {page} 页 共 {pages} 页").format(page=page, pages=pages)
        )
        if doc.number:
            canv.drawRightString(self.width - self.margin, bottom, doc.number)


_SECTION_KINDS: dict[str, Callable[[_Renderer, dict[str, Any], _Values], list[Flowable]]] = {
    "grid": _Renderer.grid,
    "table": _Renderer.table,
    "text": _Renderer.text,
    "signatures": _Renderer.signatures,
    "columns": _Renderer.columns,
    "spacer": lambda r, spec, v: [Spacer(0, float(spec.get("mm", 4)) * mm)],
}


def _shown(spec: dict[str, Any], values: _Values) -> bool:
    """Tell whether a section or row is printed: `when` names a field that must be non-empty."""
    when = spec.get("when")
    if when is None:
        return True
    if when.startswith("!"):
        return not values.get(when[1:])
    return bool(values.get(when))


def render(
    layout: dict[str, Any],
    records: list[dict[str, Any]],
    out: Path | IO[bytes],
    *,
    office_name: str,
    font: str | Path | None = None,
) -> int:
    """Draw every record on every copy of the layout into one PDF; return the pages drawn."""
    chosen = choose_font(font)
    renderer = _Renderer(layout, office_name, chosen.name)
    copies = layout.get("copies") or [""]
    number_field = layout.get("header", {}).get("number_field", "number")
    flow: list[Flowable] = []
    for index, record in enumerate(records):
        values = _Values(record)
        values.setdefault("office_name", office_name)
        for copy in copies:
            if flow:
                flow.append(PageBreak())
            seq = len(flow)
            flow.append(DocStart(Doc(seq, copy, _text(values.get(number_field)))))
            flow += renderer.document(_Values({**values, "copy": copy, "index": index + 1}))
    if not flow:
        raise ValueError("nothing to print: no records")
    target: Any = str(out) if isinstance(out, Path) else out
    title = layout.get("header", {}).get("title", "").format_map(_Values(records[0]))
    size = (renderer.width, renderer.height)
    doc = BaseDocTemplate(
        target, pagesize=size, title=title, author=office_name, creator="wuyedesk"
    )
    place = (renderer.margin, renderer.margin_y + _BAND, renderer.frame_w, renderer.frame_h)
    frame = Frame(*place, leftPadding=0, bottomPadding=0, rightPadding=0, topPadding=0)
    doc.addPageTemplates([PageTemplate("slip", frames=[frame])])
    slip_canvas = canvas_class(renderer.decorate)
    made: list[Canvas] = []

    def maker(*args: Any, **kwargs: Any) -> Canvas:
        kwargs["initialFontName"] = chosen.name  # no stray unembedded Helvetica
        made.append(slip_canvas(*args, **kwargs))
        return made[-1]

    doc.build(flow, canvasmaker=maker)
    return int(getattr(made[-1], "wuye_page_count", 0))
