"""Import and export of the resident archive: the office's Excel lists in, the cabinet out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wuyedesk.domain.errors import FormErrors, UserError, ValidationError
from wuyedesk.domain.units import UnitCode, parse_unit_code
from wuyedesk.i18n import tr
from wuyedesk.reports.archive_workbook import (
    ImportTable,
    SheetRow,
    detect_mapping,
    lost_digits,
    read_area,
    read_date,
    read_sheet,
)
from wuyedesk.reports.archive_workbook import cell_text as _text
from wuyedesk.services.context import Actor
from wuyedesk.services.permissions import require
from wuyedesk.services.places import get_or_create_unit
from wuyedesk.services.resident_export import export_residents
from wuyedesk.services.residents import (
    GENDERS,
    ID_CARD,
    ID_TYPES,
    add_resident_in,
    validate_resident,
)
from wuyedesk.store import audit
from wuyedesk.store.models import Resident, Unit
from wuyedesk.store.office_file import OfficeFile

__all__ = [
    "ImportReport",
    "ImportTable",
    "RowProblem",
    "detect_mapping",
    "export_residents",
    "preview_import",
    "read_sheet",
    "run_import",
]

FLOAT_ID = tr("身份证号被 Excel 存成了数字，末几位已丢失，请把该列设为文本后重新录入")
# What an office's spreadsheet writes in a cell (data: the Chinese words in every language),
# and the same words in this desk's language, so a file exported here imports again.
_ROLE_DATA = {  # i18n: data
    "owner": ("业主", "本人", "户主", "产权人", "owner"),
    "tenant": ("租户", "租客", "承租人", "tenant"),
    "family": ("家属", "家庭成员", "配偶", "子女", "父母", "父亲", "母亲", "妻子", "丈夫", "儿子",
               "女儿", "孙子", "孙女", "兄弟", "姐妹", "亲属", "family"),
}  # fmt: skip
_YES_DATA = ("是", "同意", "Y", "YES", "√", "✓", "1", "TRUE")  # i18n: data
_NO_DATA = ("否", "不同意", "N", "NO", "×", "0", "FALSE")  # i18n: data
_ID_CARD_DATA = ("身份证", "二代身份证", "居民身份证")  # i18n: data
_GENDER_DATA = {  # i18n: data
    "男性": "男",
    "女性": "女",
    "M": "男",
    "F": "女",
    "m": "男",
    "f": "女",
}


def _cell_word(word: str) -> str:
    """Return a word as the import compares it: ASCII words lower-case (Owner = owner)."""
    return word.lower() if word.isascii() else word


ROLE_WORDS = {
    _cell_word(shown): role
    for role, words in _ROLE_DATA.items()
    for word in words
    for shown in (word, tr(word))
}
_YES = {shown.upper() for word in _YES_DATA for shown in (word, tr(word))}
_NO = {shown.upper() for word in _NO_DATA for shown in (word, tr(word))}
_ID_TYPE_WORDS = {
    **{shown: ID_CARD for word in _ID_CARD_DATA for shown in (word, tr(word))},
    **{tr(id_type): id_type for id_type in ID_TYPES},
}
_FIELD_LABELS = {
    "unit": tr("房号"),
    "name": tr("姓名"),
    "role": tr("身份"),
    "phone": tr("手机"),
    "landline": tr("固话"),
    "id_number": tr("证件号码"),
    "id_type": tr("证件类型"),
    "gender": tr("性别"),
    "employer": tr("工作单位"),
    "emergency_name": tr("紧急联系人"),
    "emergency_phone": tr("紧急联系电话"),
    "moved_in": tr("入住日期"),
    "moved_out": tr("迁出日期"),
    "possession_date": tr("收楼日期"),
    "plate": tr("车牌号"),
    "habits": tr("备注"),
    "area": tr("建筑面积"),
    "consent_disclose": tr("同意对外提供"),
}
_TEXT_FIELDS = ("name", "gender", "employer", "emergency_name", "emergency_phone", "plate")
_PHONE_SPLIT = re.compile(r"[/,，;；、]|\s{2,}")
_EMERGENCY = re.compile(r"^(?P<n>.*?)[\s:：,，]*(?P<p>\+?\d[\d\s\-]{6,}\d)$")
_EMERGENCY_LIMIT = 80  # a name and a number; _EMERGENCY backtracks quadratically on more
_SHOWN_LIMIT = 20
_GENDER_WORDS = {
    **{shown: gender for word, gender in _GENDER_DATA.items() for shown in (word, tr(word))},
    **{tr(gender): gender for gender in GENDERS},
}


@dataclass(frozen=True)
class RowProblem:
    """One problem in one cell of the sheet, told in the person's words."""

    row: int
    column: str
    field: str
    message: str

    def line(self) -> str:
        """Return the line the command line and the wizard show for this problem."""
        return tr("第 {0} 行 ［{1}］ {2}").format(self.row, self.column, self.message)


@dataclass(frozen=True)
class ImportReport:
    """What an import found (preview) or did (committed)."""

    total_rows: int
    ok_rows: int
    created_units: list[str]
    skipped_existing: int
    problems: list[RowProblem] = field(default_factory=list)
    committed: bool = False

    @property
    def imported(self) -> int:
        """Return how many people were written to the archive."""
        return self.ok_rows if self.committed else 0

    @property
    def problem_rows(self) -> int:
        """Return how many rows of the sheet have at least one problem."""
        return len({p.row for p in self.problems})

    def describe(self) -> str:
        """Return a one-line Chinese summary."""
        units = len(self.created_units)
        if self.committed:
            return tr(
                "已导入 {0} 人；已存在 {1} 人（跳过）；有问题 {2} 行未导入；新建房号 {units} 个"
            ).format(self.ok_rows, self.skipped_existing, self.problem_rows, units=units)
        return tr(
            "共 {0} 行：可导入 {1} 行，已存在 {2} 行（跳过），有问题 {3} 行；"
            "将新建房号 {units} 个。本次未写入任何内容"
        ).format(
            self.total_rows, self.ok_rows, self.skipped_existing, self.problem_rows, units=units
        )

    def lines(self) -> list[str]:
        """Return one line per problem, then the summary."""
        return [p.line() for p in self.problems] + [self.describe()]


@dataclass
class _Planned:
    row: int
    code: UnitCode
    clean: dict[str, Any]
    unit_extra: dict[str, Any]


class _RowReader:
    """Turns one sheet row into resident fields, collecting every problem on the way."""

    def __init__(self, table: ImportTable, row: SheetRow) -> None:
        self.table, self.row = table, row
        self.problems: list[tuple[int, RowProblem]] = []

    def raw(self, name: str) -> Any:
        column = self.table.column_of(name)
        if column is None or column >= len(self.row.cells):
            return None
        return self.row.cells[column]

    def heading(self, name: str) -> str:
        column = self.table.column_of(name)
        if column is not None and self.table.headers[column]:
            return self.table.headers[column]
        if name == "unit":
            parts = [
                self.heading(n)
                for n in ("building", "entrance")
                if self.table.column_of(n) is not None
            ]
            return "/".join([*parts, _FIELD_LABELS["unit"]])
        if name == "landline" and self.table.column_of("phone") is not None:
            return self.heading("phone")
        return _FIELD_LABELS.get(name, name)

    def problem(self, name: str, message: str) -> None:
        column = self.table.column_of(name)
        order = column if column is not None else self.table.column_of("phone") or 0
        self.problems.append((order, RowProblem(self.row.row, self.heading(name), name, message)))

    def unit(self) -> UnitCode | None:
        room = _text(self.raw("unit"))
        building = _text(self.raw("building"))
        if building and re.fullmatch(r"(B|负)?\d+(室|号|房)?", room):  # else 房号 is a full code
            entrance = re.sub(r"(单元|门)$", "", _text(self.raw("entrance")))
            building = re.sub(r"(号楼|栋|幢|座|楼|号)$", "", building)
            # A unit code in the words parse_unit_code reads (data, in every language).
            middle = f"{entrance}单元" if entrance else ""  # i18n: data
            room = f"{building}栋{middle}{room}" if room else ""  # i18n: data
        try:
            return parse_unit_code(room, "unit")
        except ValidationError as exc:
            self.problem("unit", exc.message)
            return None

    def fields(self) -> dict[str, Any]:
        data: dict[str, Any] = {n: _text(self.raw(n)) or None for n in _TEXT_FIELDS}
        data["gender"] = _GENDER_WORDS.get(data["gender"] or "", data["gender"])
        data["habits"] = _text(self.raw("habits")) or None
        data["role"] = self.role()
        self.phones(data)
        self.emergency(data)
        data["id_number"], data["id_type"] = self.id_number()
        data["consent_disclose"] = self.consent()
        data["moved_in"] = self.day("moved_in")
        return data

    def role(self) -> str | None:
        word = _text(self.raw("role"))
        if not word:
            return "owner"
        role = ROLE_WORDS.get(word.lower() if word.isascii() else word)
        if role is None:
            self.problem(
                "role", tr("身份「{0}」无法识别，应为 业主、租户 或 家庭成员").format(_shown(word))
            )
        return role

    def phones(self, data: dict[str, Any]) -> None:
        landline = _text(self.raw("landline"))
        numbers = [n.strip() for n in _PHONE_SPLIT.split(_text(self.raw("phone"))) if n.strip()]
        phone = ""
        for number in numbers:
            if _looks_landline(number) and not landline:
                landline = number
            elif not phone:
                phone = number
            else:  # keep every number the office wrote down; the archive has one mobile
                data["habits"] = tr("；").join(
                    filter(None, [data["habits"], tr("其他电话：{number}").format(number=number)])
                )
        data["phone"], data["landline"] = phone or None, landline or None

    def emergency(self, data: dict[str, Any]) -> None:
        name = data.get("emergency_name") or ""
        match = _EMERGENCY.match(name) if len(name) <= _EMERGENCY_LIMIT else None
        if match and not data.get("emergency_phone"):
            data["emergency_name"] = match.group("n").strip() or None
            data["emergency_phone"] = match.group("p")

    def id_number(self) -> tuple[str | None, str | None]:
        value = self.raw("id_number")
        written = _text(self.raw("id_type"))
        id_type = _ID_TYPE_WORDS.get(written, written) or None
        if id_type and id_type not in ID_TYPES:
            shown = tr("、").join(tr(name) for name in ID_TYPES)
            self.problem("id_type", tr("证件类型应为：{0}").format(shown))
            return None, None
        if value is None:
            return None, id_type
        if lost_digits(value) and id_type in (None, ID_CARD):
            self.problem("id_number", FLOAT_ID)
            return None, None
        return _text(value), id_type

    def consent(self) -> bool:
        word = _text(self.raw("consent_disclose")).upper()
        if word in _YES:
            return True
        if word and word not in _NO:
            self.problem("consent_disclose", tr("同意对外提供应填 是 或 否"))
        return False

    def day(self, name: str) -> date | None:
        value = self.raw(name)
        if value is None:
            return None
        try:
            return read_date(value)
        except ValueError:
            shown = _shown(_text(value))
            self.problem(
                name,
                tr("日期「{shown}」无法识别，应写成 2024-03-15 这样的日期").format(shown=shown),
            )
            return None

    def area(self) -> int | None:
        value = self.raw("area")
        try:
            return read_area(value)
        except ValueError:
            self.problem(
                "area", tr("建筑面积「{0}」应为平方米数，例如 89.50").format(_shown(_text(value)))
            )
            return None


def _shown(text: str) -> str:
    """Quote a cell in a message, cut short: a pasted essay must not become the message."""
    return text if len(text) <= _SHOWN_LIMIT else text[:_SHOWN_LIMIT] + "…"


def _looks_landline(number: str) -> bool:
    digits = re.sub(r"[\s\-()（）]", "", number)
    if digits.startswith(("1", "+")):
        return False
    return digits.startswith("0") or "-" in number or 7 <= len(digits) <= 8


def _check_mapping(table: ImportTable) -> None:
    fields = set(table.mapping.values())
    if "unit" not in fields:
        raise UserError(tr("没有找到房号列（房号、房间号、门牌号等），请在导入向导中指定"))
    if "name" not in fields:
        raise UserError(tr("没有找到姓名列（姓名、业主姓名、住户姓名），请在导入向导中指定"))


def _existing_keys(session: Session) -> set[tuple[str, str, str]]:
    keys: set[tuple[str, str, str]] = set()
    rows = session.execute(
        select(
            Unit.code, Resident.name, Resident.phone, Resident.landline, Resident.id_number
        ).join(Unit, Unit.id == Resident.unit_id)
    )
    for code, name, phone, landline, id_number in rows:
        keys.update(_person_keys(code, name, phone, landline, id_number))
    return keys


def _person_keys(code: str, name: str, *numbers: str | None) -> set[tuple[str, str, str]]:
    return {(code, name, n) for n in numbers if n}


def _plan(session: Session, table: ImportTable) -> tuple[ImportReport, list[_Planned]]:
    _check_mapping(table)
    existing = _existing_keys(session)
    known_units = set(session.scalars(select(Unit.code)))
    seen: dict[tuple[str, str, str], int] = {}
    problems: list[tuple[int, int, RowProblem]] = []
    planned: list[_Planned] = []
    new_units: dict[str, UnitCode] = {}
    skipped = 0
    for row in table.rows:
        reader = _RowReader(table, row)
        code = reader.unit()
        data = reader.fields()
        extra = {"area_centi_m2": reader.area(), "possession_date": reader.day("possession_date")}
        clean: dict[str, Any] | None = None
        try:
            clean = validate_resident(data)
        except FormErrors as exc:
            for name, message in exc.errors.items():
                if not any(p.field == name for _, p in reader.problems):
                    reader.problem(name, message)
        if code is not None and clean is not None and not reader.problems:
            numbers = (clean["phone"], clean["landline"], clean["id_number"])
            keys = _person_keys(str(code), clean["name"], *numbers)
            first = next((seen[k] for k in keys if k in seen), None)
            if first is not None:
                reader.problem(
                    "name",
                    tr("与第 {first} 行重复（房号、姓名、电话相同），已跳过").format(first=first),
                )
            elif keys & existing:
                seen.update(dict.fromkeys(keys, row.row))
                skipped += 1
            else:
                seen.update(dict.fromkeys(keys, row.row))
                planned.append(_Planned(row.row, code, clean, extra))
                if str(code) not in known_units:
                    new_units[str(code)] = code
        problems.extend((row.row, order, p) for order, p in reader.problems)
    report = ImportReport(
        total_rows=len(table.rows),
        ok_rows=len(planned),
        created_units=[str(c) for c in sorted(new_units.values())],
        skipped_existing=skipped,
        problems=[p for *_, p in sorted(problems, key=lambda t: (t[0], t[1]))],
    )
    return report, planned


def preview_import(office: OfficeFile, actor: Actor, table: ImportTable) -> ImportReport:
    """Check every row of the sheet and tell what an import would do; write nothing."""
    require(actor, "residents.edit")
    with office.transaction() as session:
        return _plan(session, table)[0]


def run_import(
    office: OfficeFile, actor: Actor, table: ImportTable, *, confirm: bool
) -> ImportReport:
    """Import the valid rows in one transaction (only when confirmed); skip people on file."""
    require(actor, "residents.edit")
    with office.transaction() as session:
        report, planned = _plan(session, table)
        if not confirm:
            return report
        if report.created_units:
            require(actor, "places.edit")
        for item in planned:
            unit, _ = get_or_create_unit(session, item.code)
            for name, value in item.unit_extra.items():
                if value is not None and getattr(unit, name) is None:
                    setattr(unit, name, value)
            add_resident_in(session, actor, unit, item.clean)
        audit.append(
            session,
            staff_id=actor.staff_id,
            actor=actor.label,
            action="resident.import",
            target=f"file:{table.source}",
            detail=(
                tr("导入 {0} 人，已存在 {1} 人，问题 {2} 行，新建房号 {3} 个").format(
                    report.ok_rows,
                    report.skipped_existing,
                    report.problem_rows,
                    len(report.created_units),
                )
            ),
        )
        return replace(report, committed=True)
