"""Quote and material lines from the screen: totals add up to the fen, bad cells refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wuyedesk.domain.errors import FormErrors
from wuyedesk.domain.money import format_quantity, format_yuan, line_amount
from wuyedesk.services.repair_lines import read_lines

prices = st.integers(min_value=0, max_value=1_000_000)  # up to 10,000 yuan a unit
quantities = st.integers(min_value=1, max_value=999_000)
lines = st.lists(
    st.tuples(st.sampled_from(["labour", "material"]), quantities, prices), min_size=1, max_size=8
)


@given(lines)
def test_quote_totals_are_the_sum_of_the_rounded_lines(drawn: list[tuple[str, int, int]]) -> None:
    typed = [
        {
            "kind": k,
            "item": f"项目{i}",
            "quantity": format_quantity(q),
            "unit_price": format_yuan(p),
        }
        for i, (k, q, p) in enumerate(drawn)
    ]
    clean = read_lines(typed, quote=True)
    assert [row["amount_fen"] for row in clean] == [line_amount(q, p) for _, q, p in drawn]
    labour = sum(r["amount_fen"] for r in clean if r["kind"] == "labour")
    material = sum(r["amount_fen"] for r in clean if r["kind"] == "material")
    assert labour + material == sum(line_amount(q, p) for _, q, p in drawn)


def test_bad_cells_are_named_by_row_and_blank_rows_skipped() -> None:
    typed = [
        {"item": "", "spec": "", "unit_price": ""},
        {"item": "水龙头", "quantity": "0", "unit_price": "12"},
        {"item": "x" * 61, "unit_price": "-1"},
    ]
    with pytest.raises(FormErrors) as caught:
        read_lines(typed, quote=False)
    assert set(caught.value.errors) == {"lines.1.quantity", "lines.2.item", "lines.2.unit_price"}


def test_no_lines_at_all_is_refused_in_chinese() -> None:
    with pytest.raises(FormErrors, match="请至少填写一项材料"):
        read_lines([{"item": " "}], quote=False)
