"""Unit codes parse from many spellings, print canonically, refuse clearly, sort numerically."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wuyedesk.domain.errors import ValidationError
from wuyedesk.domain.units import UnitCode, floor_of_room, format_unit_code, parse_unit_code

FULL_WIDTH = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ－",
)
numeric_buildings = st.integers(1, 9999).map(str)
lettered_buildings = st.from_regex(r"[A-Z][0-9A-Z]{0,3}", fullmatch=True)
buildings = st.one_of(numeric_buildings, lettered_buildings)
entrances = st.one_of(st.none(), st.integers(1, 99))
rooms = st.builds(
    lambda basement, storey, number: f"{'B' if basement else ''}{storey}{number:02d}",
    st.booleans(),
    st.integers(1, 99),
    st.integers(1, 99),
)
codes = st.builds(UnitCode, buildings, entrances, rooms)


def refusal(text: str, field: str = "unit") -> ValidationError:
    """Parse text that must be refused and return the error."""
    with pytest.raises(ValidationError) as caught:
        parse_unit_code(text, field)
    assert caught.value.field == field
    return caught.value


@given(codes)
def test_round_trip(code: UnitCode) -> None:
    assert parse_unit_code(str(code)) == code
    assert str(parse_unit_code(str(code))) == str(code)


@given(codes)
def test_other_spellings_read_the_same(code: UnitCode) -> None:
    parts = [code.building, *([str(code.entrance)] if code.entrance else []), code.room]
    assert parse_unit_code("-".join(parts)) == code
    assert parse_unit_code("/".join(parts)) == code
    assert parse_unit_code(" ".join(str(code)).lower()) == code
    assert parse_unit_code(str(code).translate(FULL_WIDTH)) == code
    assert parse_unit_code(str(code).replace("栋", "号楼", 1) + "室") == code
    assert parse_unit_code(str(code).replace("栋", "幢", 1)) == code


@given(st.lists(codes.filter(lambda c: c.building.isdigit()), min_size=2, max_size=12))
def test_sorting_matches_building_entrance_floor_room(units: list[UnitCode]) -> None:
    def oracle(c: UnitCode) -> tuple[int, int, int, int]:
        storey = int(c.room.lstrip("B")[:-2]) * (-1 if c.room.startswith("B") else 1)
        return (int(c.building), c.entrance or 0, storey, int(c.room.lstrip("B")[-2:]))

    assert [oracle(c) for c in sorted(units)] == sorted(oracle(c) for c in units)


@given(codes, codes)
def test_ordering_is_consistent(a: UnitCode, b: UnitCode) -> None:
    assert (a < b) == (a.sort_key() < b.sort_key())
    assert (a < b) + (b < a) + (a.sort_key() == b.sort_key()) == 1
    assert (a > b) == (b < a)


def test_sorting_is_numeric_and_letters_come_after_digits() -> None:
    typed = [
        "A-101", "10-1-101", "2-1-1001", "2-1-201", "2-2-101", "2-1-102",
        "2-101", "B-101", "2-1-B101", "2-1-B201",
    ]  # fmt: skip
    ordered = [str(c) for c in sorted(parse_unit_code(t) for t in typed)]
    assert ordered == [
        "2栋101",
        "2栋1单元B201",
        "2栋1单元B101",
        "2栋1单元102",
        "2栋1单元201",
        "2栋1单元1001",
        "2栋2单元101",
        "10栋1单元101",
        "A栋101",
        "B栋101",
    ]


@pytest.mark.parametrize(
    "typed",
    [
        "3栋2单元1502",
        "3幢2单元1502室",
        "3号楼2单元1502",
        "3号楼2单元1502号",
        "3-2-1502",
        "3/2/1502",
        "3 - 2 - 1502",
        " 3 栋 2 单元 1502 ",
        "３栋２单元１５０２",
        "３－２－１５０２",
        "03-2-1502",
        "3—2—1502",
    ],
)
def test_many_spellings_of_one_unit(typed: str) -> None:
    code = parse_unit_code(typed)
    assert code == UnitCode("3", 2, "1502")
    assert str(code) == "3栋2单元1502"
    assert code.floor == 15


def test_units_without_entrance_letters_and_basements() -> None:
    assert parse_unit_code("3栋1502") == UnitCode("3", None, "1502")
    assert str(parse_unit_code("3-1502")) == "3栋1502"
    assert str(parse_unit_code("a栋1单元302")) == "A栋1单元302"
    assert str(parse_unit_code("A座1单元302")) == "A栋1单元302"
    assert str(parse_unit_code("b2栋302")) == "B2栋302"
    assert str(parse_unit_code("12号楼302室")) == "12栋302"
    assert parse_unit_code("3栋负101") == UnitCode("3", None, "B101")
    assert parse_unit_code("3栋b201").floor == -2
    assert str(parse_unit_code("3-2-B101")) == "3栋2单元B101"


def test_floors() -> None:
    assert floor_of_room("1502") == 15
    assert floor_of_room("302") == 3
    assert floor_of_room("1001") == 10
    assert floor_of_room("B101") == -1
    assert floor_of_room("负201") == -2
    assert UnitCode("3", 2, "1502").floor == 15
    for bad in ("12", "12345", "15A2"):
        with pytest.raises(ValidationError):
            floor_of_room(bad)


def test_format_and_value_semantics() -> None:
    assert format_unit_code("3", 2, "1502") == "3栋2单元1502"
    assert format_unit_code("3", None, "1502") == "3栋1502"
    assert format_unit_code("A", 1, "B101") == "A栋1单元B101"
    spellings = {parse_unit_code(t) for t in ("3栋2单元1502", "3-2-1502", "３幢２单元１５０２室")}
    assert len(spellings) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        UnitCode("3", 2, "1502").room = "1501"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("1502", "缺少楼栋"),
        ("1502室", "缺少楼栋"),
        ("2单元1502", "缺少楼栋"),
        ("栋1502", "缺少楼栋"),
        ("-2-1502", "缺少楼栋"),
        ("3栋", "缺少房间号"),
        ("3号楼", "缺少房间号"),
        ("3栋2单元", "缺少房间号"),
        ("3-2-", "缺少房间号"),
        ("3栋2单元15A2", "应为数字"),
        ("3-X-1502", "单元号「X」应为数字"),
        ("3栋单元1502", "单元号为空"),
        ("3栋12", "3 到 4 位"),
        ("3栋12345", "3 到 4 位"),
        ("3-2-15020", "3 到 4 位"),
        ("3-0-1502", "单元号不能为 0"),
        ("3栋00单元1502", "单元号不能为 0"),
        ("3-100-1502", "单元号过大"),
        ("3-" + "9" * 5000 + "-1502", "单元号过大"),
        ("3栋0502", "楼层不能为 0"),
        ("3栋B001", "楼层不能为 0"),
        ("3栋1500", "户号不能为 00"),
        ("0栋101", "楼栋号不能为 0"),
        ("ABCDE栋101", "1 到 4 位数字或字母"),
        ("hello", "无法识别"),
        ("3栋2单元1502，谢谢", "无法识别"),
    ],
)
def test_refusals_say_what_is_wrong(typed: str, fragment: str) -> None:
    assert fragment in refusal(typed).message


def test_refusal_uses_the_given_field() -> None:
    assert refusal("1502", "unit_code").field == "unit_code"
