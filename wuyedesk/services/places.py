"""The estate's places: buildings, entrances, floors and units, and their counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wuyedesk.domain.errors import ValidationError
from wuyedesk.domain.units import UnitCode, format_unit_code, parse_unit_code
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.permissions import require
from wuyedesk.store import audit
from wuyedesk.store.models import Building, Entrance, Floor, Resident, Unit
from wuyedesk.store.office_file import OfficeFile


@dataclass(frozen=True)
class BuildingSummary:
    """One building's line in the estate overview."""

    label: str
    name: str
    entrances: int
    floors: int
    units: int
    residents: int
    occupied_units: int


def building_sort_text(label: str) -> str:
    """Return text that sorts building labels numerically: 2 before 10, digits before letters."""
    if label.isdigit():
        return f"0{int(label):08d}"
    return f"1{label}"


def unit_sort_text(code: UnitCode) -> str:
    """Return text that sorts unit codes as the cabinet does: building, entrance, floor, room."""
    entrance = code.entrance or 0
    return (
        f"{building_sort_text(code.building)}|{entrance:03d}|{code.floor + 1000:05d}|{code.room:>8}"
    )


def get_or_create_unit(session: Session, code: UnitCode) -> tuple[Unit, bool]:
    """Return the unit with this code and whether it is new; create its places if needed."""
    text = str(code)
    unit = session.scalar(select(Unit).where(Unit.code == text))
    if unit is not None:
        return unit, False
    building = session.scalar(select(Building).where(Building.label == code.building))
    if building is None:
        building = Building(label=code.building)
        session.add(building)
        session.flush()
    entrance_id = None
    if code.entrance is not None:
        entrance = session.scalar(
            select(Entrance).where(
                Entrance.building_id == building.id, Entrance.number == code.entrance
            )
        )
        if entrance is None:
            entrance = Entrance(building_id=building.id, number=code.entrance)
            session.add(entrance)
            session.flush()
        entrance_id = entrance.id
    floor = session.scalar(
        select(Floor).where(Floor.building_id == building.id, Floor.storey == code.floor)
    )
    if floor is None:
        floor = Floor(building_id=building.id, storey=code.floor, label=str(code.floor))
        session.add(floor)
        session.flush()
        building.floors_above = max(building.floors_above, code.floor)
        building.floors_below = max(building.floors_below, -code.floor)
    unit = Unit(
        code=text,
        building_id=building.id,
        entrance_id=entrance_id,
        floor_id=floor.id,
        room=code.room,
        sort_key=unit_sort_text(code),
    )
    session.add(unit)
    session.flush()
    return unit, True


def find_unit(session: Session, text: str) -> Unit:
    """Return the unit a typed code names, or say that no such unit is on file."""
    code = parse_unit_code(text)
    unit = session.scalar(select(Unit).where(Unit.code == str(code)))
    if unit is None:
        raise ValidationError(
            "unit", tr("本小区没有房号 {code}，请核对或先在楼栋中添加").format(code=code)
        )
    return unit


def add_building(
    office: OfficeFile,
    actor: Actor,
    label: str,
    *,
    entrances: int,
    floors: int,
    units_per_floor: int,
) -> int:
    """Add a building with all its units (rooms 01..N on every floor); return the unit count."""
    require(actor, "places.edit")
    if not 1 <= floors <= 120:
        raise ValidationError("floors", tr("楼层数应在 1 到 120 之间"))
    if not 1 <= units_per_floor <= 20:
        raise ValidationError("units_per_floor", tr("每层户数应在 1 到 20 之间"))
    if not 0 <= entrances <= 20:
        raise ValidationError("entrances", tr("单元数应在 0 到 20 之间（0 表示不分单元）"))
    with office.transaction() as session:
        created = add_building_in(session, label, entrances, floors, units_per_floor)
        audit.append(
            session,
            staff_id=actor.staff_id,
            actor=actor.label,
            action="building.add",
            target=f"building:{label}",
            detail=tr("{created} 户").format(created=created),
        )
    return created


def add_building_in(
    session: Session, label: str, entrances: int, floors: int, units_per_floor: int
) -> int:
    """Create a building's units inside an open transaction; return how many were new."""
    parse_unit_code(format_unit_code(label, None, "101"))  # refuses a bad label early
    created = 0
    entrance_numbers: list[int | None] = list(range(1, entrances + 1)) if entrances else [None]
    for entrance in entrance_numbers:
        for storey in range(1, floors + 1):
            for n in range(1, units_per_floor + 1):
                code = UnitCode(label, entrance, f"{storey}{n:02d}")
                created += get_or_create_unit(session, code)[1]
    return created


def estate_overview(office: OfficeFile, actor: Actor) -> list[BuildingSummary]:
    """Return every building with its counts, in cabinet order."""
    require(actor, "records.list")
    with office.transaction() as session:
        living = Resident.moved_out.is_(None)
        rows = session.execute(
            select(
                Building.label,
                select(func.count(Entrance.id))
                .where(Entrance.building_id == Building.id)
                .scalar_subquery(),
                select(func.count(Floor.id))
                .where(Floor.building_id == Building.id)
                .scalar_subquery(),
                select(func.count(Unit.id))
                .where(Unit.building_id == Building.id)
                .scalar_subquery(),
                select(func.count(Resident.id))
                .join(Unit, Unit.id == Resident.unit_id)
                .where(Unit.building_id == Building.id, living)
                .scalar_subquery(),
                select(func.count(func.distinct(Resident.unit_id)))
                .join(Unit, Unit.id == Resident.unit_id)
                .where(Unit.building_id == Building.id, living)
                .scalar_subquery(),
            )
        ).all()
    summaries = [
        BuildingSummary(label, tr("{label}栋").format(label=label), ent, fl, units, res, occ)
        for label, ent, fl, units, res, occ in rows
    ]
    return sorted(summaries, key=lambda b: building_sort_text(b.label))


def building_choices(office: OfficeFile, actor: Actor) -> list[tuple[int, str]]:
    """Return (id, name) of every building in cabinet order, for a screen's building filter."""
    require(actor, "records.list")
    with office.transaction() as session:
        rows = session.execute(select(Building.id, Building.label)).all()
    ordered = sorted(rows, key=lambda row: building_sort_text(row[1]))
    return [(building_id, tr("{label}栋").format(label=label)) for building_id, label in ordered]
