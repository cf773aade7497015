"""Unit codes: 3栋2单元1502 parses and prints both ways, and sorts as the cabinet does."""

from __future__ import annotations

import re
from dataclasses import dataclass

from wuyedesk.domain.errors import ValidationError
from wuyedesk.domain.validators import normalize_text

_BUILDING = re.compile(r"^[0-9A-Z]{1,4}$")
_ROOM = re.compile(r"^(?:B|负)?\d{3,4}$")
# 3栋2单元1502 / 3幢2单元1502室 / 3号楼1502 / A座1单元302
_WORDS = re.compile(
    r"^(?P<b>[0-9A-Z]+)(?:号楼|号|栋|幢|座|楼)"
    r"(?:(?P<e>[0-9]+)(?:单元|门|号门))?"
    r"(?P<r>(?:B|负)?[0-9]+)(?:室|号|房)?$"
)
_SEPARATED = re.compile(r"^(?P<b>[0-9A-Z]+)[-/](?:(?P<e>[0-9]+)[-/])?(?P<r>(?:B|负)?[0-9]+)$")


@dataclass(frozen=True)
class UnitCode:
    """A unit's address inside the estate: building, optional entrance, room."""

    building: str
    entrance: int | None
    room: str

    @property
    def floor(self) -> int:
        """Return the physical storey: 1502 → 15, B101 → -1."""
        return floor_of_room(self.room)

    def __str__(self) -> str:
        return format_unit_code(self.building, self.entrance, self.room)

    def sort_key(self) -> tuple[int, int, str, int, int, int]:
        """Return a key that sorts numerically: building 2 before 10, then entrance, floor, room."""
        numeric = self.building.isdigit()
        return (
            0 if numeric else 1,
            int(self.building) if numeric else 0,
            "" if numeric else self.building,
            self.entrance or 0,
            self.floor,
            int(self.room.lstrip("B负")),
        )

    def __lt__(self, other: UnitCode) -> bool:
        return self.sort_key() < other.sort_key()


def format_unit_code(building: str, entrance: int | None, room: str) -> str:
    """Print a unit code in the office's canonical form."""
    middle = f"{entrance}单元" if entrance is not None else ""
    return f"{building}栋{middle}{room}"


def floor_of_room(room: str) -> int:
    """Return the storey a room number is on (its digits but the last two)."""
    basement = room.startswith(("B", "负"))
    digits = room.lstrip("B负")
    storey = int(digits[:-2])
    return -storey if basement else storey


def parse_unit_code(text: str, field: str = "unit") -> UnitCode:
    """Read a typed unit code (3栋2单元1502, 3-2-1502, ３幢１５０２室…) or say what is wrong."""
    value = re.sub(r"\s+", "", normalize_text(text or "")).upper()
    if not value:
        raise ValidationError(field, "房号不能为空，例如 3栋2单元1502 或 3-2-1502")
    match = _WORDS.match(value) or _SEPARATED.match(value)
    if match is None:
        if value.isdigit():
            raise ValidationError(field, "房号缺少楼栋，例如 3栋2单元1502 或 3-2-1502")
        if re.search(r"(栋|幢|号楼|座)$", value) or re.search(r"单元$", value):
            raise ValidationError(field, "房号缺少房间号，例如 3栋2单元1502")
        raise ValidationError(
            field, f"无法识别房号「{text.strip()}」，请写成 3栋2单元1502 或 3-2-1502"
        )
    building, entrance_text, room = match.group("b"), match.group("e"), match.group("r")
    if not _BUILDING.match(building):
        raise ValidationError(field, "楼栋编号应为 1 到 4 位数字或字母")
    building = str(int(building)) if building.isdigit() else building
    entrance = None
    if entrance_text is not None:
        entrance = int(entrance_text)
        if entrance == 0:
            raise ValidationError(field, "单元号不能为 0")
        if entrance > 99:
            raise ValidationError(field, "单元号过大，请核对")
    room = room.replace("负", "B")
    if not _ROOM.match(room):
        raise ValidationError(field, f"房间号「{room}」应为 3 到 4 位数字，例如 1502 或 302")
    if room.lstrip("B").startswith("0"):
        raise ValidationError(field, f"房间号「{room}」的楼层不能为 0")
    if room.lstrip("B")[-2:] == "00":
        raise ValidationError(field, f"房间号「{room}」的户号不能为 00")
    return UnitCode(building, entrance, room)
