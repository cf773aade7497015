"""Validators: ID checksum (GB 11643), phones, money in fen, names, plates, masking."""

from __future__ import annotations

from datetime import date

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
    parse_money,
)

regions = st.sampled_from(["110101", "310101", "440304", "510104", "650102", "820000"])
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 12, 31))
seqs = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")


@given(regions, births, seqs)
def test_made_ids_always_validate(region: str, birth: date, seq: str) -> None:
    number = make_id_number(region, birth, seq)
    assert check_id_number(number) == number
    assert check_id_number(number.lower() + " ") == number


@given(regions, births, seqs, st.integers(min_value=0, max_value=16), st.integers(1, 9))
def test_any_single_digit_change_is_refused(
    region: str, birth: date, seq: str, position: int, delta: int
) -> None:
    number = make_id_number(region, birth, seq)
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    with pytest.raises(ValidationError):
        check_id_number(changed)


def test_known_check_digits() -> None:
    assert id_check_digit("11010519491231002") == "X"
    assert id_check_digit("44030419851212001") == "5"
    assert check_id_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "不能为空"),
        ("11010519491231002", "应为 18 位"),
        ("1101051949123100AX", "前 17 位应为数字"),
        ("990105194912310026", "地区码 99"),
        ("110105194902310021", "不是有效日期"),
        ("110105189912310021", "不合理"),
        ("110105194912310021", "校验位不正确，应为 X"),
    ],
)
def test_id_refusals_say_what_is_wrong(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_id_number(text, "id_number")
    assert fragment in caught.value.message
    assert caught.value.field == "id_number"


@given(st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9))
def test_mobile_normalisation_is_idempotent(second: str, rest: str) -> None:
    number = f"1{second}{rest}"
    for typed in (number, f"+86 {number[:3]} {number[3:7]} {number[7:]}", f"86-{number}"):
        assert check_mobile(typed) == number
    assert check_mobile(check_mobile(number)) == number


@pytest.mark.parametrize("bad", ["12812345678", "1381234567", "138123456789", "abc", ""])
def test_bad_mobiles(bad: str) -> None:
    with pytest.raises(ValidationError):
        check_mobile(bad)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("021-62345678", "021-62345678"),
        ("(021)62345678", "021-62345678"),
        ("02162345678", "021-62345678"),
        ("0755 8888 6666", "0755-88886666"),
        ("010-6234567", "010-6234567"),
        ("62345678", "62345678"),
        ("021-62345678转123", "021-62345678-123"),
    ],
)
def test_landlines(typed: str, canonical: str) -> None:
    assert check_landline(typed) == canonical


@pytest.mark.parametrize("bad", ["021-123", "123456", "021-0234567", "电话"])
def test_bad_landlines(bad: str) -> None:
    with pytest.raises(ValidationError):
        check_landline(bad)


def test_check_phone_takes_either() -> None:
    assert check_phone("13800138000") == "13800138000"
    assert check_phone("021-62345678") == "021-62345678"
    with pytest.raises(ValidationError, match="手机为 11 位"):
        check_phone("12345")


def test_masks() -> None:
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("021-62345678") == "021-****5678"
    assert mask_id("310101199001011234") == "3101**********1234"
    assert "6234" not in mask_phone("021-62345678")


@given(st.integers(min_value=0, max_value=10**9))
def test_money_round_trip(fen: int) -> None:
    assert parse_money(format_money(fen)) == fen


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12.50", 1250),
        ("1,234.56", 123456),
        ("￥12.50", 1250),
        ("¥12", 1200),
        ("１２.０５", 1205),
        ("0.01", 1),
        ("8元", 800),
    ],
)
def test_money_forms(typed: str, fen: int) -> None:
    assert parse_money(typed) == fen


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ("-1", "负数"),
        ("1.234", "两位小数"),
        ("abc", "应为数字"),
        ("", "不能为空"),
        ("20000000", "过大"),
    ],
)
def test_money_refusals(bad: str, fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        parse_money(bad)


def test_names_and_plates() -> None:
    assert check_name("  张  伟 ") == "张 伟"
    assert check_name("Anna  Smith") == "Anna Smith"
    for bad, fragment in (("", "不能为空"), ("张3", "数字"), ("x" * 41, "40")):
        with pytest.raises(ValidationError, match=fragment):
            check_name(bad)
    assert check_plate("沪a 12345") == "沪A12345"
    assert check_plate("粤B·D12345") == "粤BD12345"
    for bad in ("A12345", "沪12345", "沪A1234"):
        with pytest.raises(ValidationError):
            check_plate(bad)
