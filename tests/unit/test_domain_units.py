"""Unit codes parse and print both ways, refuse bad input clearly, and sort numerically."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wuyedesk.domain.errors import ValidationError
from wuyedesk.domain.units import UnitCode, parse_unit_code

buildings = st.one_of(st.integers(1, 99).map(str), st.sampled_from(["A", "B", "C2", "D"]))
entrances = st.one_of(st.none(), st.integers(1, 9))
rooms = st.builds(lambda f, n: f"{f}{n:02d}", st.integers(1, 60), st.integers(1, 12))


@given(buildings, entrances, rooms)
def test_round_trip(building: str, entrance: int | None, room: str) -> None:
    code = UnitCode(building, entrance, room)
    assert parse_unit_code(str(code)) == code
    separated = "-".join(p for p in (building, str(entrance) if entrance else None, room) if p)
    assert parse_unit_code(separated) == code


@pytest.mark.parametrize(
    "typed",
    [
        "3栋2单元1502",
        "3幢2单元1502室",
        "3号楼2单元1502",
        "3-2-1502",
        "3/2/1502",
        " 3 栋 2 单元 1502 ",
        "３栋２单元１５０２",
        "03-2-1502",
    ],
)
def test_many_spellings_of_one_unit(typed: str) -> None:
    code = parse_unit_code(typed)
    assert str(code) == "3栋2单元1502"
    assert code.floor == 15


def test_units_without_entrance_and_basements() -> None:
    assert str(parse_unit_code("3-1502")) == "3栋1502"
    assert str(parse_unit_code("a座1单元302")) == "A栋1单元302"
    assert parse_unit_code("3栋负101").floor == -1
    assert str(parse_unit_code("3栋B101")) == "3栋B101"


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("", "不能为空"),
        ("1502", "缺少楼栋"),
        ("3栋", "缺少房间号"),
        ("3栋2单元", "缺少房间号"),
        ("3-0-1502", "单元号不能为 0"),
        ("3栋0502", "楼层不能为 0"),
        ("3栋12", "3 到 4 位"),
        ("3栋1500", "户号不能为 00"),
        ("hello", "无法识别"),
    ],
)
def test_refusals_say_what_is_wrong(typed: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_unit_code(typed, "unit")
    assert fragment in caught.value.message
    assert caught.value.field == "unit"


def test_sorting_is_numeric() -> None:
    typed = ["10-1-101", "2-1-1001", "2-1-201", "2-2-101", "A-101", "2-1-102"]
    ordered = [str(c) for c in sorted(parse_unit_code(t) for t in typed)]
    assert ordered == [
        "2栋1单元102",
        "2栋1单元201",
        "2栋1单元1001",
        "2栋2单元101",
        "10栋1单元101",
        "A栋101",
    ]
