"""The lines of a quote (报价) and of a material issue (领料), read from the screen's table."""

from __future__ import annotations

from typing import Any

from wuyedesk.domain.errors import FormErrors, ValidationError
from wuyedesk.domain.money import MAX_FEN, line_amount, parse_quantity, parse_yuan
from wuyedesk.i18n import tr

LINE_KINDS = {"labour": tr("人工"), "material": tr("材料")}
MAX_LINES = 50
_ITEM_LIMIT = 60


def line_field(index: int, name: str) -> str:
    """Return the error key of one cell: lines.<row>.<field> (rows count from 0)."""
    return f"lines.{index}.{name}"


def _is_blank(line: dict[str, Any]) -> bool:
    return not any(str(line.get(k) or "").strip() for k in ("item", "spec", "unit_price"))


def read_lines(lines: list[dict[str, Any]], *, quote: bool) -> list[dict[str, Any]]:
    """Check every line (blank rows are skipped); refuse with one message per bad cell.

    A quote line has kind (labour/material), item, quantity, unit_price; a material
    line has item, spec, quantity, unit_price. Prices are yuan text, kept as fen.
    """
    errors: dict[str, str] = {}
    clean: list[dict[str, Any]] = []
    for index, line in enumerate(lines):
        if _is_blank(line):
            continue
        row = _read_line(index, line, quote, errors)
        if row is not None:
            clean.append(row)
    if not clean and not errors:
        errors["lines"] = tr("请至少填写一行报价") if quote else tr("请至少填写一项材料")
    if len(clean) > MAX_LINES:
        errors["lines"] = tr("最多 {MAX_LINES} 行").format(MAX_LINES=MAX_LINES)
    if not errors and sum(row["amount_fen"] for row in clean) > MAX_FEN:
        errors["lines"] = tr("合计金额超出上限")
    if errors:
        raise FormErrors(errors)
    return clean


def _read_line(
    index: int, line: dict[str, Any], quote: bool, errors: dict[str, str]
) -> dict[str, Any] | None:
    row: dict[str, Any] = {"kind": "material"}
    before = len(errors)
    if quote:
        kind = line.get("kind") or "labour"
        if kind not in LINE_KINDS:
            errors[line_field(index, "kind")] = tr("请选择人工或材料")
        row["kind"] = kind
    item = str(line.get("item") or "").strip()
    if not item:
        errors[line_field(index, "item")] = (
            tr("项目名称不能为空") if quote else tr("材料名称不能为空")
        )
    elif len(item) > _ITEM_LIMIT:
        errors[line_field(index, "item")] = tr("名称最多 {_ITEM_LIMIT} 个字").format(
            _ITEM_LIMIT=_ITEM_LIMIT
        )
    row["item"] = item
    spec = str(line.get("spec") or "").strip() or None
    if spec and len(spec) > _ITEM_LIMIT:
        errors[line_field(index, "spec")] = tr("规格最多 {_ITEM_LIMIT} 个字").format(
            _ITEM_LIMIT=_ITEM_LIMIT
        )
    row["spec"] = spec
    quantity = line.get("quantity")
    for name, read in (
        ("quantity", lambda: parse_quantity(quantity or "1", "quantity", tr("数量"))),
        ("unit_price", lambda: parse_yuan(line.get("unit_price"), "unit_price", tr("单价"))),
    ):
        try:
            row[f"{name}_milli" if name == "quantity" else "unit_price_fen"] = read()
        except ValidationError as exc:
            errors[line_field(index, name)] = exc.message
    if len(errors) > before:
        return None
    row["amount_fen"] = line_amount(row["quantity_milli"], row["unit_price_fen"])
    if row["amount_fen"] > MAX_FEN:
        errors[line_field(index, "unit_price")] = tr("金额超出上限")
        return None
    return row
