"""The resident archive (住户档案): add, edit, move out, list masked, search, reveal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wuyedesk.domain.errors import FormErrors, UserError, ValidationError
from wuyedesk.domain.validators import (
    check_id_number,
    check_landline,
    check_mobile,
    check_name,
    check_phone,
    check_plate,
    mask_id,
    mask_phone,
)
from wuyedesk.i18n import N_, tr
from wuyedesk.services.context import Actor
from wuyedesk.services.paging import PAGE_SIZE, Cursor, Page, collect, ordered_after
from wuyedesk.services.permissions import require
from wuyedesk.services.places import find_unit
from wuyedesk.services.records import load_for_edit
from wuyedesk.store import audit, search
from wuyedesk.store.models import Resident, Unit
from wuyedesk.store.office_file import OfficeFile

# Stored values (Chinese in every language; String columns), shown through tr(value).
ID_CARD = N_("居民身份证")
ID_TYPES = (
    ID_CARD,
    N_("护照"),
    N_("港澳居民来往内地通行证"),
    N_("台湾居民来往大陆通行证"),
    N_("其他"),
)
GENDERS = (N_("男"), N_("女"))
ROLE_LABELS = {"owner": tr("业主"), "tenant": tr("租户"), "family": tr("家庭成员")}


@dataclass(frozen=True)
class ResidentView:
    """A resident as a screen or list shows them: phone and ID masked unless revealed."""

    id: int
    unit_code: str
    name: str
    role: str
    role_label: str
    phone: str
    landline: str
    id_type: str
    id_number: str
    moved_in: date | None
    moved_out: date | None
    verified_on: date | None
    data_status: str
    consent_disclose: bool
    version: int
    masked: bool


def _date(field: str, value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(field, tr("日期格式应为 年-月-日，例如 2024-03-15")) from None


def validate_resident(data: dict[str, Any]) -> dict[str, Any]:
    """Check every field of a resident form; collect all messages, field by field."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}

    def take(field: str, check: Any) -> None:
        value = data.get(field)
        if value in (None, ""):
            clean[field] = None
            return
        try:
            clean[field] = check(value)
        except ValidationError as exc:
            errors[field] = exc.message

    take("name", lambda v: check_name(str(v), "name"))
    if clean.get("name") is None and "name" not in errors:
        errors["name"] = tr("姓名不能为空")
    role = data.get("role")
    if role not in ROLE_LABELS:
        errors["role"] = tr("请选择身份：业主、租户或家庭成员")
    clean["role"] = role
    take("gender", lambda v: _choice("gender", v, GENDERS, tr("性别")))
    take("phone", lambda v: check_mobile(str(v), "phone"))
    take("landline", lambda v: check_landline(str(v), "landline"))
    if (
        not clean.get("phone")
        and not clean.get("landline")
        and not ({"phone", "landline"} & errors.keys())
    ):
        errors["phone"] = tr("手机和固定电话至少填写一项")
    id_type = data.get("id_type") or (ID_CARD if data.get("id_number") else None)
    clean["id_type"] = id_type
    if id_type == ID_CARD:
        take("id_number", lambda v: check_id_number(str(v), "id_number"))
    else:
        take("id_number", lambda v: _text("id_number", v, 30, tr("证件号码")))
    take("employer", lambda v: _text("employer", v, 100, tr("工作单位")))
    take("emergency_name", lambda v: check_name(str(v), "emergency_name"))
    take("emergency_phone", lambda v: check_phone(str(v), "emergency_phone"))
    take("plate", lambda v: check_plate(str(v), "plate"))
    take("habits", lambda v: _text("habits", v, 2000, tr("生活习惯及常住情况")))
    for field in ("moved_in", "moved_out", "verified_on"):
        take(field, lambda v, f=field: _date(f, v))
    if clean.get("moved_in") and clean.get("moved_out") and clean["moved_out"] < clean["moved_in"]:
        errors["moved_out"] = tr("迁出日期不能早于入住日期")
    clean["consent_disclose"] = bool(data.get("consent_disclose", False))
    if errors:
        raise FormErrors(errors)
    return clean


def _choice(field: str, value: Any, choices: tuple[str, ...], label: str) -> str:
    if value not in choices:
        shown = tr("、").join(tr(choice) for choice in choices)
        raise ValidationError(field, tr("{label}应为：{0}").format(shown, label=label))
    return str(value)


def _text(field: str, value: Any, limit: int, label: str) -> str:
    text = str(value).strip()
    if len(text) > limit:
        raise ValidationError(
            field, tr("{label}最多 {limit} 个字").format(label=label, limit=limit)
        )
    return text


def add_resident_in(session: Session, actor: Actor, unit: Unit, clean: dict[str, Any]) -> Resident:
    """Insert a validated resident into a unit inside an open transaction."""
    resident = Resident(unit_id=unit.id, **clean)
    resident.data_status = "valid"
    if resident.verified_on is None:
        resident.verified_on = date.today()
    session.add(resident)
    session.flush()
    search.index_resident(
        session, resident.id, resident.name, resident.phone, resident.landline, unit.code
    )
    audit.append(
        session,
        staff_id=actor.staff_id,
        actor=actor.label,
        action="resident.add",
        target=f"resident:{resident.id}",
        detail=unit.code,
    )
    return resident


def add_resident(
    office: OfficeFile, actor: Actor, unit_code: str, data: dict[str, Any]
) -> ResidentView:
    """Add a person to a unit's file; every field checked, one transaction."""
    require(actor, "residents.edit")
    clean = validate_resident(data)
    with office.transaction() as session:
        unit = find_unit(session, unit_code)
        resident = add_resident_in(session, actor, unit, clean)
        return _view(resident, unit.code, reveal=False)


def _view(resident: Resident, unit_code: str, *, reveal: bool) -> ResidentView:
    phone = resident.phone or ""
    landline = resident.landline or ""
    id_number = resident.id_number or ""
    if not reveal:
        phone = mask_phone(phone) if phone else ""
        landline = mask_phone(landline) if landline else ""
        id_number = mask_id(id_number) if id_number else ""
    return ResidentView(
        id=resident.id,
        unit_code=unit_code,
        name=resident.name,
        role=resident.role,
        role_label=ROLE_LABELS.get(resident.role, resident.role),
        phone=phone,
        landline=landline,
        id_type=resident.id_type or "",
        id_number=id_number,
        moved_in=resident.moved_in,
        moved_out=resident.moved_out,
        verified_on=resident.verified_on,
        data_status=resident.data_status,
        consent_disclose=resident.consent_disclose,
        version=resident.version,
        masked=not reveal,
    )


def list_residents(
    office: OfficeFile, actor: Actor, *, unit_code: str | None = None, current_only: bool = True
) -> list[ResidentView]:
    """Return residents in cabinet order (building, floor, unit), phones and IDs masked."""
    return list_residents_page(
        office, actor, limit=None, unit_code=unit_code, current_only=current_only
    ).rows


def list_residents_page(
    office: OfficeFile,
    actor: Actor,
    *,
    after: Cursor | None = None,
    limit: int | None = PAGE_SIZE,
    unit_code: str | None = None,
    current_only: bool = True,
) -> Page[ResidentView]:
    """Return one page of list_residents after a cursor (None: the first page, every row)."""
    require(actor, "residents.view")
    with office.transaction() as session:
        query = select(Resident, Unit.code, Unit.sort_key).join(Unit, Unit.id == Resident.unit_id)
        if unit_code:
            query = query.where(Unit.id == find_unit(session, unit_code).id)
        if current_only:
            query = query.where(Resident.moved_out.is_(None))

        def read(
            cursor: Cursor | None, count: int | None
        ) -> list[tuple[Cursor, ResidentView | None]]:
            page = ordered_after(query, _CABINET_ORDER, cursor).limit(count)
            return [
                ((key, r.role, r.id), _view(r, code, reveal=False))
                for r, code, key in session.execute(page)
            ]

        return collect(read, after, limit)


# Cabinet order: the unit's place, the owner before the tenant before the family, then entry.
_CABINET_ORDER = ((Unit.sort_key, False), (Resident.role, True), (Resident.id, False))


def search_residents(office: OfficeFile, actor: Actor, query: str) -> list[ResidentView]:
    """Find residents by name, phone tail, unit code or pinyin initials."""
    require(actor, "residents.view")
    with office.transaction() as session:
        ids = search.search_resident_ids(session, query)
        if not ids:
            return []
        rows = session.execute(
            select(Resident, Unit.code)
            .join(Unit, Unit.id == Resident.unit_id)
            .where(Resident.id.in_(ids))
            .order_by(Resident.moved_out.is_not(None), Unit.sort_key, Resident.id)
        )
        return [_view(r, code, reveal=False) for r, code in rows]


def reveal_resident(office: OfficeFile, actor: Actor, resident_id: int) -> ResidentView:
    """Show a resident's full phone and ID: a deliberate act, written to the audit log."""
    require(actor, "residents.reveal")
    with office.transaction() as session:
        resident = load_for_edit(session, Resident, resident_id, None, tr("住户"))
        audit.append(
            session,
            staff_id=actor.staff_id,
            actor=actor.label,
            action="resident.reveal",
            target=f"resident:{resident.id}",
        )
        return _view(resident, resident.unit.code, reveal=True)


def move_out(
    office: OfficeFile, actor: Actor, resident_id: int, day: date, version: int
) -> ResidentView:
    """Record that a resident has moved out; they stay in the unit's history."""
    require(actor, "residents.edit")
    with office.transaction() as session:
        resident = load_for_edit(session, Resident, resident_id, version, tr("住户"))
        if resident.moved_out is not None:
            raise UserError(tr("该住户已于 {0} 迁出").format(resident.moved_out))
        if resident.moved_in and day < resident.moved_in:
            raise ValidationError("moved_out", tr("迁出日期不能早于入住日期"))
        resident.moved_out = day
        audit.append(
            session,
            staff_id=actor.staff_id,
            actor=actor.label,
            action="resident.move_out",
            target=f"resident:{resident.id}",
            detail=str(day),
        )
        session.flush()
        return _view(resident, resident.unit.code, reveal=False)


def resident_form_data(office: OfficeFile, actor: Actor, resident_id: int) -> dict[str, Any]:
    """Return a resident's fields for the edit form (phone and ID masked unless allowed)."""
    require(actor, "residents.view")
    with office.transaction() as session:
        resident = load_for_edit(session, Resident, resident_id, None, tr("住户"))
        data = {name: getattr(resident, name) for name in EDITABLE}
        data["unit"] = resident.unit.code
        data["version"] = resident.version
    for name, mask in (
        ("phone", mask_phone),
        ("landline", mask_phone),
        ("id_number", mask_id),
        ("emergency_phone", mask_phone),
    ):
        if data.get(name):
            data[name] = mask(data[name])
    return data


EDITABLE = (
    "name",
    "role",
    "gender",
    "phone",
    "landline",
    "id_type",
    "id_number",
    "employer",
    "emergency_name",
    "emergency_phone",
    "moved_in",
    "moved_out",
    "plate",
    "habits",
    "verified_on",
    "consent_disclose",
)
_SECRET_FIELDS = ("phone", "landline", "id_number", "emergency_phone")


def update_resident(
    office: OfficeFile, actor: Actor, resident_id: int, data: dict[str, Any], version: int
) -> ResidentView:
    """Save an edited resident; a masked field left as shown keeps its stored value."""
    require(actor, "residents.edit")
    with office.transaction() as session:
        resident = load_for_edit(session, Resident, resident_id, version, tr("住户"))
        merged = dict(data)
        for name in _SECRET_FIELDS:
            # The form shows masked numbers; an untouched mask means "keep what is on file".
            if isinstance(merged.get(name), str) and "*" in merged[name]:
                merged[name] = getattr(resident, name)
        clean = validate_resident(merged)
        clean["verified_on"] = clean.get("verified_on") or date.today()
        for name, value in clean.items():
            setattr(resident, name, value)
        resident.data_status = "valid"
        session.flush()
        search.index_resident(
            session,
            resident.id,
            resident.name,
            resident.phone,
            resident.landline,
            resident.unit.code,
        )
        audit.append(
            session,
            staff_id=actor.staff_id,
            actor=actor.label,
            action="resident.edit",
            target=f"resident:{resident.id}",
        )
        return _view(resident, resident.unit.code, reveal=False)


def stale_residents(office: OfficeFile, actor: Actor, *, before: date) -> list[ResidentView]:
    """Return current residents whose data was last verified before `before` or is flagged."""
    require(actor, "residents.view")
    with office.transaction() as session:
        rows = session.execute(
            select(Resident, Unit.code)
            .join(Unit, Unit.id == Resident.unit_id)
            .where(
                Resident.moved_out.is_(None),
                (Resident.verified_on.is_(None))
                | (Resident.verified_on < before)
                | (Resident.data_status != "valid"),
            )
            .order_by(Unit.sort_key, Resident.id)
        )
        return [_view(r, code, reveal=False) for r, code in rows]


def mark_to_update(office: OfficeFile, actor: Actor, resident_id: int, reason: str) -> None:
    """Flag a resident's data as needing an update (篇1 §4(2)B), with why."""
    require(actor, "residents.edit")
    with office.transaction() as session:
        resident = load_for_edit(session, Resident, resident_id, None, tr("住户"))
        resident.data_status = "to_update"
        audit.append(
            session,
            staff_id=actor.staff_id,
            actor=actor.label,
            action="resident.flag",
            target=f"resident:{resident.id}",
            detail=reason,
        )
