"""Unit codes: 3栋2单元1502 parses and prints both ways, and sorts as the cabinet does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

from wuyedesk.domain.errors import ValidationError
from wuyedesk.domain.validators import normalize_text
from wuyedesk.i18n import CHINESE, language, tr

EXAMPLE = tr("例如 3栋2单元1502 或 3-2-1502")
_BUILDING = re.compile(r"^[0-9A-Z]{1,4}$")
_ROOM_DIGITS = re.compile(r"^[0-9]+$")
# Parts are captured loosely ([0-9A-Z负]*) so that each can be refused with its own reason.
# 3栋2单元1502 / 3幢2单元1502室 / 3号楼1502 / A座1单元302
_WORDS = re.compile(
    r"^(?P<b>[0-9A-Z]*)(?:号楼|号|栋|幢|座|楼)"
    r"(?:(?P<e>[0-9A-Z]*)(?:单元|号门|门))?"
    r"(?P<r>[0-9A-Z负]*)(?:室|号|房)?$"
)
# 3-2-1502 / 3/2/1502 / 3-1502
_SEPARATED = re.compile(
    r"^(?P<b>[0-9A-Z]*)[-/](?:(?P<e>[0-9A-Z]*)[-/])?(?P<r>[0-9A-Z负]*)(?:室|号|房)?$"
)
_ROOM_ONLY = re.compile(r"^(?:[0-9A-Z]*(?:单元|号门|门))?(?:B|负)?[0-9]+(?:室|号|房)?$")


@total_ordering
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
        # Same order as services.places.building_sort_text, so lists and the database agree;
        # the last element is the room number (resident_export relies on that).
        numeric = self.building.isdigit()
        return (
            0 if numeric else 1,
            int(self.building) if numeric else 0,
            "" if numeric else self.building,
            self.entrance or 0,
            self.floor,
            int(_room_digits(self.room)),
        )

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, UnitCode):
            return NotImplemented
        return self.sort_key() < other.sort_key()


def _shown(text: str, limit: int = 20) -> str:
    """Quote typed text in a message, cut short: a pasted essay must not become the message."""
    return text if len(text) <= limit else text[:limit] + "…"


def _room_digits(room: str) -> str:
    # One mark: B负101 is no room. 负 is what people type, in any language.
    return room[1:] if room.startswith(("B", "负")) else room  # i18n: data


def format_unit_code(building: str, entrance: int | None, room: str) -> str:
    """Print a unit code in the office's canonical form: 3栋2单元1502 or 3栋1502.

    The canonical form is data, the same in every language: it is stored as `Unit.code`,
    looked up by, and parsed back by `parse_unit_code`.
    """
    middle = f"{entrance}单元" if entrance is not None else ""  # i18n: data
    return f"{building}栋{middle}{room}"  # i18n: data


# A canonical code inside a text (a record's place, a message): building, entrance, room.
_CANONICAL = re.compile(r"([0-9A-Z]{1,4})栋(?:([0-9]+)单元)?((?:B|负)?[0-9]{3,4})(?![0-9])")


def shown_unit_codes(text: str) -> str:
    """Return `text` with its unit codes as this desk shows them.

    A Chinese desk shows the canonical code (3栋2单元1502); any other language shows the
    short form that `parse_unit_code` also reads (3-2-1502, 3-1502; B for a basement).
    """
    if language() == CHINESE or "栋" not in text:  # i18n: data
        return text

    def dashed(match: re.Match[str]) -> str:
        building, entrance, room = match.groups()
        room = "B" + room[1:] if room.startswith("负") else room  # i18n: data
        return f"{building}-{entrance}-{room}" if entrance else f"{building}-{room}"

    return _CANONICAL.sub(dashed, text)


def floor_of_room(room: str) -> int:
    """Return the storey a room number is on (its digits but the last two; B/负 is below ground)."""
    digits = _room_digits(room)
    # fullmatch: "$" alone lets "10\n" through
    if not (3 <= len(digits) <= 4 and _ROOM_DIGITS.fullmatch(digits)):
        shown = _shown(room)
        raise ValidationError(
            "room", tr("房间号「{shown}」应为 3 到 4 位数字，例如 1502 或 302").format(shown=shown)
        )
    storey = int(digits[:-2])
    return -storey if digits != room else storey


def _refuse_unmatched(value: str, text: str, field: str) -> ValidationError:
    """Explain why a typed code fits none of the accepted shapes."""
    if _ROOM_ONLY.match(value):
        return ValidationError(field, tr("房号缺少楼栋，{EXAMPLE}").format(EXAMPLE=EXAMPLE))
    return ValidationError(
        field,
        tr("无法识别房号「{0}」，请写成 3栋2单元1502 或 3-2-1502").format(_shown(text.strip())),
    )


def _check_building(building: str, field: str) -> str:
    if not building:
        raise ValidationError(field, tr("房号缺少楼栋，{EXAMPLE}").format(EXAMPLE=EXAMPLE))
    if not _BUILDING.match(building):
        raise ValidationError(
            field, tr("楼栋编号「{0}」应为 1 到 4 位数字或字母").format(_shown(building))
        )
    if building.isdigit():
        if int(building) == 0:
            raise ValidationError(field, tr("楼栋号不能为 0"))
        return str(int(building))  # 03栋 is 3栋
    return building


def _check_entrance(entrance: str | None, field: str) -> int | None:
    if entrance is None:
        return None
    if not entrance:
        raise ValidationError(field, tr("单元号为空，请写明第几单元，或不写单元"))
    if not _ROOM_DIGITS.match(entrance):
        raise ValidationError(field, tr("单元号「{0}」应为数字").format(_shown(entrance)))
    significant = entrance.lstrip("0")
    if not significant:
        raise ValidationError(field, tr("单元号不能为 0"))
    if len(significant) > 2:
        raise ValidationError(field, tr("单元号过大，请核对（最多 99）"))
    return int(significant)


def _check_room(room: str, field: str) -> str:
    if not room:
        raise ValidationError(field, tr("房号缺少房间号，例如 3栋2单元1502"))
    room = room.replace("负", "B")  # i18n: data
    digits = room[1:] if room.startswith("B") else room
    if not _ROOM_DIGITS.match(digits):
        raise ValidationError(
            field,
            tr("房间号「{0}」应为数字，例如 1502（地下室写 B101 或 负101）").format(_shown(room)),
        )
    if not 3 <= len(digits) <= 4:
        raise ValidationError(
            field,
            tr("房间号「{0}」应为 3 到 4 位数字（楼层 + 两位户号），例如 1502 或 302").format(
                _shown(room)
            ),
        )
    if digits.startswith("0"):
        raise ValidationError(field, tr("房间号「{room}」的楼层不能为 0").format(room=room))
    if digits.endswith("00"):
        raise ValidationError(field, tr("房间号「{room}」的户号不能为 00").format(room=room))
    return room


def parse_unit_code(text: str, field: str = "unit") -> UnitCode:
    """Read a typed unit code (3栋2单元1502, 3-2-1502, ３幢１５０２室…) or say what is wrong."""
    value = re.sub(r"\s+", "", normalize_text(text or "")).upper()
    value = value.replace("—", "-").replace("–", "-")
    if not value:
        raise ValidationError(field, tr("房号不能为空，{EXAMPLE}").format(EXAMPLE=EXAMPLE))
    match = _WORDS.match(value) or _SEPARATED.match(value)
    if match is None:
        raise _refuse_unmatched(value, text, field)
    building = _check_building(match.group("b"), field)
    entrance = _check_entrance(match.group("e"), field)
    room = _check_room(match.group("r"), field)
    return UnitCode(building, entrance, room)
