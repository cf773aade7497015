"""Validators: ID checksum (GB 11643), phones, money in fen, names, plates, masking."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wuyedesk.domain.errors import ValidationError
from wuyedesk.domain.validators import (
    check_id_number,
    check_landline,
    check_mobile,
    check_name,
    check_phone,
    check_plate,
    format_money,
    id_check_digit,
    make_id_number,
    mask_id,
    mask_phone,
    normalize_text,
    parse_money,
)

regions = st.sampled_from(["110101", "310101", "440304", "510104", "650102", "710000", "820000"])
births = st.dates(min_value=date(1900, 1, 1), max_value=date.today())
seqs = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")
mobiles = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text("0123456789", min_size=9, max_size=9),
)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def refusal(func, text: str, field: str) -> ValidationError:
    """Call a validator that must refuse, and return its error for inspection."""
    with pytest.raises(ValidationError) as caught:
        func(text, field)
    assert caught.value.field == field
    return caught.value


def iso_7064_ok(number: str) -> bool:
    """Check MOD 11-2 from its definition (weights 2^k mod 11), independent of the module."""
    values = [10 if ch == "X" else int(ch) for ch in number]
    return sum(v * pow(2, 17 - i, 11) for i, v in enumerate(values)) % 11 == 1


# --- ID numbers -------------------------------------------------------------------------


def test_published_check_digits() -> None:
    # The two worked examples of GB 11643-1999.
    assert id_check_digit("11010519491231002") == "X"
    assert id_check_digit("44052418800101001") == "4"
    assert check_id_number("11010519491231002x") == "11010519491231002X"


@given(regions, births, seqs)
def test_made_ids_validate_and_satisfy_iso_7064(region: str, birth: date, seq: str) -> None:
    number = make_id_number(region, birth, seq)
    assert len(number) == 18
    assert number.startswith(region + birth.strftime("%Y%m%d") + seq)
    assert iso_7064_ok(number)
    assert check_id_number(number) == number


@given(regions, births, seqs)
def test_id_normalisation(region: str, birth: date, seq: str) -> None:
    number = make_id_number(region, birth, seq)
    typed = f"  {number[:6]} {number[6:14]} {number[14:]}  ".translate(FULL_WIDTH).lower()
    assert check_id_number(typed) == number
    assert check_id_number(check_id_number(typed)) == number


@given(regions, births, seqs, st.integers(min_value=0, max_value=17), st.integers(1, 10))
def test_any_single_character_change_is_refused(
    region: str, birth: date, seq: str, position: int, delta: int
) -> None:
    number = make_id_number(region, birth, seq)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    old = alphabet.index(number[position])
    new = alphabet[(old + delta) % len(alphabet)]
    if new == number[position]:
        return
    with pytest.raises(ValidationError):
        check_id_number(number[:position] + new + number[position + 1 :])


@given(regions, births, seqs, st.integers(min_value=0, max_value=16))
def test_any_adjacent_swap_is_refused(region: str, birth: date, seq: str, position: int) -> None:
    number = make_id_number(region, birth, seq)
    a, b = number[position], number[position + 1]
    if a == b:
        return
    swapped = number[:position] + b + a + number[position + 2 :]
    with pytest.raises(ValidationError):
        check_id_number(swapped)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("11010519491231002", "应为 18 位，现在是 17 位"),
        ("11010519491231002X1", "应为 18 位，现在是 19 位"),
        ("1101051949123100AX", "前 17 位应为数字"),
        ("11010519491231002Y", "最后一位为数字或 X"),
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "前 17 位应为数字"),  # Arabic-Indic digits are not ours
        ("990105194912310026", "地区码 99"),
        ("720105194912310026", "地区码 72"),
        ("010105194912310026", "地区码 01"),
        ("110105194902300021", "19490230 不是有效日期"),
        ("110105194913010021", "不是有效日期"),
        ("110105189912310021", "不合理"),
        ("110105194912310021", "校验位不正确，应为 X"),
    ],
)
def test_id_refusals_say_what_is_wrong(text: str, fragment: str) -> None:
    assert fragment in refusal(check_id_number, text, "id_number").message


def test_id_birth_date_limits() -> None:
    assert check_id_number(make_id_number("310101", date(2000, 2, 29), "123"))
    assert check_id_number(make_id_number("310101", date.today(), "123"))
    tomorrow = make_id_number("310101", date.today() + timedelta(days=1), "123")
    assert "不合理" in refusal(check_id_number, tomorrow, "owner_id").message
    leap_error = refusal(check_id_number, "310101190002290000", "id_number")
    assert "不是有效日期" in leap_error.message  # 1900 was not a leap year


def test_make_id_number_rejects_bad_parts() -> None:
    with pytest.raises(ValueError):
        make_id_number("31010", date(1990, 1, 1), "123")
    with pytest.raises(ValueError):
        make_id_number("310101", date(1990, 1, 1), "12a")


# --- mobiles and landlines ---------------------------------------------------------------


@given(mobiles, st.sampled_from(["", "+86", "+86 ", "86", "0086", "(+86)", "＋８６ "]))
def test_mobile_normalisation_is_idempotent(number: str, prefix: str) -> None:
    spaced = f"{number[:3]} {number[3:7]} {number[7:]}"
    dashed = f"{number[:3]}-{number[3:7]}-{number[7:]}"
    for body in (number, spaced, dashed, number.translate(FULL_WIDTH)):
        assert check_mobile(f" {prefix}{body} ") == number
    assert check_mobile(check_mobile(number)) == number


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ("", "不能为空"),
        ("12812345678", "以 13–19 开头"),
        ("1381234567", "应为 11 位"),
        ("138123456789", "应为 11 位"),
        ("+86 1381234567", "应为 11 位"),
        ("0086 138123456789", "应为 11 位"),
        ("138abcd5678", "只能包含数字"),
        ("١٣٨١٢٣٤٥٦٧٨", "只能包含数字"),
    ],
)
def test_bad_mobiles(bad: str, fragment: str) -> None:
    assert fragment in refusal(check_mobile, bad, "phone").message


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("021-12345678", "021-12345678"),
        ("(021)12345678", "021-12345678"),
        ("（021）12345678", "021-12345678"),
        ("02112345678", "021-12345678"),
        ("0755 8888 6666", "0755-88886666"),
        ("01062345678", "010-62345678"),
        ("029-8765432", "029-8765432"),
        ("0571 8765432", "0571-8765432"),
        ("０２１－１２３４５６７８", "021-12345678"),
        ("12345678", "12345678"),
        ("6234567", "6234567"),
        ("021-12345678转123", "021-12345678-123"),
        ("021-12345678 ext. 123", "021-12345678-123"),
        ("021-12345678#8", "021-12345678-8"),
        ("021-12345678-123", "021-12345678-123"),
        ("62345678转12", "62345678-12"),
    ],
)
def test_landlines(typed: str, canonical: str) -> None:
    assert check_landline(typed) == canonical
    assert check_landline(canonical) == canonical


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ("", "不能为空"),
        ("021-123", "区号后应为 7 或 8 位"),
        ("021-0234567", "不以 0 开头"),
        ("0755-888866667", "区号后应为 7 或 8 位"),
        ("123456", "7 或 8 位"),
        ("123456789", "7 或 8 位"),
        ("021-12345678转1234567", "分机号应为 1 到 6 位"),
        ("021-12345678转", "分机号"),
        ("电话", "只能包含数字"),
    ],
)
def test_bad_landlines(bad: str, fragment: str) -> None:
    assert fragment in refusal(check_landline, bad, "landline").message


def test_check_phone_takes_either() -> None:
    assert check_phone("+86 138-0013-8000") == "13800138000"
    assert check_phone("(021)62345678") == "021-62345678"
    assert check_phone("12345678") == "12345678"
    assert "不能为空" in refusal(check_phone, " - ", "contact_phone").message
    for bad in ("12345", "1380013800", "abc"):
        error = refusal(check_phone, bad, "contact_phone")
        assert "手机为 11 位" in error.message and "021-62345678" in error.message


def test_masks() -> None:
    assert mask_phone("13812348000") == "138****8000"
    assert mask_phone("021-12345678") == "021-****5678"
    assert mask_phone("0755-8886666") == "0755-***6666"
    assert mask_phone("021-12345678-123") == "021-****5678"
    assert mask_phone("62345678") == "****5678"
    assert mask_phone("12345") == "***45"
    assert mask_phone("") == ""
    assert mask_id("310101199001011234") == "3101**********1234"
    assert mask_id("310101900101123") == "31***********23"
    assert mask_id("1234") == "****"


@given(mobiles)
def test_masked_mobile_hides_the_middle(number: str) -> None:
    masked = mask_phone(number)
    assert masked == number[:3] + "****" + number[7:]
    assert len(masked) == 11


# --- money ------------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**9))
def test_money_round_trip(fen: int) -> None:
    text = format_money(fen)
    assert "," not in text and text.count(".") == 1 and len(text.split(".")[1]) == 2
    assert parse_money(text) == fen
    grouped = f"{fen // 100:,}.{fen % 100:02d}"
    assert parse_money(f"￥{grouped}") == fen


@given(st.integers(0, 99_999), st.integers(0, 99))
def test_money_is_exact_never_float(yuan: int, cents: int) -> None:
    # 0.29, 1.15, 4.35 … come out one fen short through float; Decimal is the oracle.
    text = f"{yuan}.{cents:02d}"
    assert parse_money(text) == int(Decimal(text) * 100)


def test_format_money() -> None:
    assert format_money(1250) == "12.50"
    assert format_money(123456) == "1234.56"
    assert format_money(5) == "0.05"
    assert format_money(0) == "0.00"


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12.50", 1250),
        ("1,234.56", 123456),
        ("1，234.56", 123456),
        ("1,234,567", 123456700),
        ("￥12.50", 1250),
        ("¥12", 1200),
        ("¥ 12", 1200),
        ("１２.０５", 1205),
        ("0.29", 29),
        ("8元", 800),
        ("007.10", 710),
        ("10000000", 1_000_000_000),
    ],
)
def test_money_forms(typed: str, fen: int) -> None:
    assert parse_money(typed) == fen


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ("", "不能为空"),
        ("¥", "不能为空"),
        ("-1", "负数"),
        ("¥-12.50", "负数"),
        ("1.234", "两位小数"),
        ("1,234.567", "两位小数"),
        ("abc", "应为数字"),
        ("12.5.1", "应为数字"),
        ("1e3", "应为数字"),
        (".5", "应为数字"),
        ("12,5", "千位分隔"),
        ("1,23,456", "千位分隔"),
        ("10000000.01", "过大"),
        ("20000000", "过大"),
        ("9" * 5000, "过大"),
    ],
)
def test_money_refusals(bad: str, fragment: str) -> None:
    assert fragment in refusal(parse_money, bad, "labour_fee").message


# --- names, plates, text ------------------------------------------------------------------


def test_names() -> None:
    assert check_name("  张伟 ") == "张伟"
    assert check_name("Anna   Smith") == "Anna Smith"
    assert check_name("ＡＮＮＡ　Ｓｍｉｔｈ") == "ANNA Smith"
    assert check_name("阿卜杜拉·买买提") == "阿卜杜拉·买买提"
    assert check_name("欧" * 40) == "欧" * 40


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ("", "姓名不能为空"),
        ("   ", "姓名不能为空"),
        ("张3", "数字"),
        ("张３", "数字"),
        ("x" * 41, "40"),
        ("张\x00伟", "符号"),
        ("张伟☺", "符号"),
    ],
)
def test_name_refusals(bad: str, fragment: str) -> None:
    assert fragment in refusal(check_name, bad, "contact_name").message


@pytest.mark.parametrize(
    ("typed", "plate"),
    [
        ("沪A12345", "沪A12345"),
        ("沪a 12345", "沪A12345"),
        ("粤B·D12345", "粤BD12345"),
        ("粤bd12345", "粤BD12345"),
        ("京Ａ１２３４５", "京A12345"),
        (" 川A-1234Q ", "川A1234Q"),
    ],
)
def test_plates(typed: str, plate: str) -> None:
    assert check_plate(typed) == plate
    assert check_plate(plate) == plate


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ("", "不能为空"),
        ("A12345", "省份简称开头"),
        ("中A12345", "省份简称开头"),
        ("沪12345", "格式不正确"),
        ("沪A1234", "格式不正确"),
        ("沪A1234567", "格式不正确"),
        ("沪A12#45", "格式不正确"),
    ],
)
def test_plate_refusals(bad: str, fragment: str) -> None:
    assert fragment in refusal(check_plate, bad, "plate").message


def test_normalize_text_folds_full_width() -> None:
    assert normalize_text("　１２ＡＢｃ－３　") == "12ABc-3"
