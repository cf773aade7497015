"""Money in fen: parsing yuan, printing, 大写 amounts, quantities and line amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wuyedesk.domain.errors import ValidationError
from wuyedesk.domain.money import (
    MAX_FEN,
    MAX_QUANTITY_MILLI,
    capital_amount,
    format_quantity,
    format_yuan,
    line_amount,
    parse_quantity,
    parse_yuan,
)

fens = st.integers(min_value=0, max_value=MAX_FEN)
quantities = st.integers(min_value=1, max_value=MAX_QUANTITY_MILLI)
prices = st.integers(min_value=0, max_value=10_000_000)


# --- an independent reader of 大写 amounts ----------------------------------------------

DIGIT_VALUES = {ch: i for i, ch in enumerate("零壹贰叁肆伍陆柒捌玖")}
SMALL_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}


def decode_integer(text: str) -> int:
    """Read '壹仟零壹万' style text as an integer, digit by digit from the left."""
    total = section = 0
    digit = None
    for ch in text:
        if ch in DIGIT_VALUES:
            digit = DIGIT_VALUES[ch]
        elif ch in SMALL_UNITS:
            assert digit, f"unit {ch} without a digit in {text}"
            section += digit * SMALL_UNITS[ch]
            digit = None
        elif ch in BIG_UNITS:
            section += digit or 0
            total = (total + section) * BIG_UNITS[ch]
            section, digit = 0, None
        else:
            raise AssertionError(f"unexpected character {ch} in {text}")
    return total + section + (digit or 0)


def decode_capital(text: str) -> int:
    """Read a capital amount back to fen, independent of the module under test."""
    if text == "零元整":
        return 0
    body = text.removesuffix("整")
    yuan_text, _, small = body.rpartition("元")
    fen = decode_integer(yuan_text) * 100
    small = small.removeprefix("零")
    if "角" in small:
        jiao, _, small = small.partition("角")
        fen += DIGIT_VALUES[jiao] * 10
    if small:
        assert small.endswith("分"), text
        fen += DIGIT_VALUES[small.removesuffix("分")]
    return fen


# --- hand-picked examples ---------------------------------------------------------------

CAPITALS = [
    (0, "零元整"),
    (12050, "壹佰贰拾元伍角整"),
    (12000, "壹佰贰拾元整"),
    (12005, "壹佰贰拾元零伍分"),
    (12055, "壹佰贰拾元伍角伍分"),
    (5, "伍分"),
    (50, "伍角整"),
    (55, "伍角伍分"),
    (100, "壹元整"),
    (1000, "壹拾元整"),
    (100500, "壹仟零伍元整"),
    (10000000, "壹拾万元整"),
    (1001000000, "壹仟零壹万元整"),
    (9999999999, "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    (10010000, "壹拾万零壹佰元整"),
    (1000010000, "壹仟万零壹佰元整"),
    (100000100, "壹佰万零壹元整"),
    (101010100, "壹佰零壹万零壹佰零壹元整"),
]


@pytest.mark.parametrize(("fen", "text"), CAPITALS)
def test_capital_examples(fen: int, text: str) -> None:
    assert capital_amount(fen) == text
    assert decode_capital(text) == fen


@pytest.mark.parametrize("fen", [-1, MAX_FEN + 1])
def test_capital_out_of_range_is_a_bug(fen: int) -> None:
    with pytest.raises(ValueError):
        capital_amount(fen)


@pytest.mark.parametrize(
    ("fen", "text"),
    [(0, "0.00"), (5, "0.05"), (12050, "120.50"), (123456789, "1,234,567.89"), (-150, "-1.50")],
)
def test_format_yuan(fen: int, text: str) -> None:
    assert format_yuan(fen) == text


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        ("120.5", 12050),
        ("¥120.50", 12050),
        ("￥120.50", 12050),
        ("120元", 12000),
        ("1,200.00", 120000),
        ("１２０", 12000),
        ("１，２００．５", 120050),
        (" 12 0 . 5 ", 12050),
        (".5", 50),
        ("120.500", 12050),
        ("0", 0),
        (120, 12000),
        (Decimal("120.5"), 12050),
        (Decimal("1E+2"), 10000),
        ("99999999.99", MAX_FEN),
    ],
)
def test_parse_yuan_accepts(value: object, fen: int) -> None:
    assert parse_yuan(value, "paid_fen", "收款金额") == fen


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "收款金额不能为空"),
        ("  ", "收款金额不能为空"),
        ("¥", "收款金额不能为空"),
        ("abc", "收款金额应为数字，例如 12.50"),
        ("1.2.3", "收款金额应为数字，例如 12.50"),
        (True, "收款金额应为数字，例如 12.50"),
        (Decimal("NaN"), "收款金额应为数字，例如 12.50"),
        ("12,5", "收款金额中的逗号只能用作千位分隔，例如 1,234.56"),
        ("-1", "收款金额不能为负数"),
        ("－１", "收款金额不能为负数"),
        (-3, "收款金额不能为负数"),
        ("1.234", "收款金额最多保留两位小数"),
        ("100000000", "收款金额过大，请核对（最多 99,999,999.99 元）"),
        ("9" * 40, "收款金额过大，请核对（最多 99,999,999.99 元）"),
    ],
)
def test_parse_yuan_refuses(value: object, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_yuan(value, "paid_fen", "收款金额")
    assert caught.value.field == "paid_fen"
    assert caught.value.message == message


def test_parse_yuan_zero_can_be_refused() -> None:
    assert parse_yuan("0.00", "f", "单价") == 0
    with pytest.raises(ValidationError, match="单价必须大于零"):
        parse_yuan("0.00", "f", "单价", allow_zero=False)


@pytest.mark.parametrize(
    ("value", "milli"),
    [("1.5", 1500), ("2", 2000), ("1.25", 1250), ("0.001", 1), ("２.５", 2500), (3, 3000)],
)
def test_parse_quantity_accepts(value: object, milli: int) -> None:
    assert parse_quantity(value, "quantity_milli", "数量") == milli


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "数量不能为空"),
        ("0", "数量必须大于零"),
        ("-1", "数量不能为负数"),
        ("x", "数量应为数字，例如 12.50"),
        ("1.2345", "数量最多保留三位小数"),
        ("100000", "数量过大，请核对（最多 99999）"),
    ],
)
def test_parse_quantity_refuses(value: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_quantity(value, "quantity_milli", "数量")
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("milli", "text"), [(1500, "1.5"), (2000, "2"), (1250, "1.25"), (1, "0.001")]
)
def test_format_quantity(milli: int, text: str) -> None:
    assert format_quantity(milli) == text


def test_line_amount_rounds_half_up() -> None:
    assert line_amount(1500, 3333) == 5000  # 4999.5 → 5000
    assert line_amount(1000, 12050) == 12050
    assert line_amount(333, 100) == 33  # 33.3 → 33
    assert line_amount(335, 100) == 34  # 33.5 → 34
    with pytest.raises(ValueError):
        line_amount(-1, 100)


# --- properties -------------------------------------------------------------------------


@given(fens)
def test_capital_reads_back(fen: int) -> None:
    text = capital_amount(fen)
    assert decode_capital(text) == fen
    assert "零零" not in text
    assert text.endswith("整") == (fen % 10 == 0)
    assert not text.startswith("零") or fen == 0
    assert not text.startswith(("拾", "佰", "仟", "万", "元", "角", "分"))


@given(fens)
def test_format_then_parse_round_trips(fen: int) -> None:
    assert parse_yuan(format_yuan(fen), "f", "金额") == fen
    assert parse_yuan("¥" + format_yuan(fen).replace(",", "") + "元", "f", "金额") == fen


@given(quantities)
def test_quantity_round_trips(milli: int) -> None:
    assert parse_quantity(format_quantity(milli), "q", "数量") == milli


@given(quantities, prices)
def test_line_amount_is_nearest_fen(milli: int, price: int) -> None:
    exact = Decimal(milli) * Decimal(price) / Decimal(1000)
    amount = line_amount(milli, price)
    assert abs(Decimal(amount) - exact) <= Decimal("0.5")
    if exact - int(exact) == Decimal("0.5"):
        assert amount == int(exact) + 1


@given(st.integers(min_value=0, max_value=MAX_FEN), st.sampled_from(["0", "00", "000"]))
def test_three_decimals_are_refused_unless_zero(fen: int, tail: str) -> None:
    text = f"{fen // 100}.{fen % 100:02d}"
    with pytest.raises(ValidationError, match="最多保留两位小数"):
        parse_yuan(text + "1", "f", "金额")
    assert parse_yuan(text + tail, "f", "金额") == fen
