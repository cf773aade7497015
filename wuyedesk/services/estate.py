"""The estate as the cabinet files it: building → entrance → floor → unit, with counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, select

from wuyedesk.domain.errors import NotFound
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.permissions import require
from wuyedesk.services.places import building_sort_text
from wuyedesk.services.settings import get_rules
from wuyedesk.store.models import Building, Entrance, Floor, Resident, Unit
from wuyedesk.store.office_file import OfficeFile


@dataclass
class UnitNode:
    """One unit in the tree."""

    id: int
    code: str
    room: str
    residents: int
    stale: int


@dataclass
class FloorNode:
    """One floor of an entrance (or of a building without entrances)."""

    storey: int
    label: str
    units: list[UnitNode] = field(default_factory=list)

    @property
    def residents(self) -> int:
        """Return how many current residents live on this floor."""
        return sum(u.residents for u in self.units)


@dataclass
class EntranceNode:
    """One entrance; number None stands for a building without entrances."""

    number: int | None
    floors: list[FloorNode] = field(default_factory=list)

    @property
    def units(self) -> int:
        """Return how many units the entrance has."""
        return sum(len(f.units) for f in self.floors)


@dataclass
class BuildingNode:
    """One building with its entrances."""

    label: str
    entrances: list[EntranceNode] = field(default_factory=list)

    @property
    def units(self) -> int:
        """Return how many units the building has."""
        return sum(e.units for e in self.entrances)

    @property
    def residents(self) -> int:
        """Return how many current residents live in the building."""
        return sum(f.residents for e in self.entrances for f in e.floors)

    @property
    def stale(self) -> int:
        """Return how many residents' data needs updating."""
        return sum(u.stale for e in self.entrances for f in e.floors for u in f.units)


def stale_before(office: OfficeFile, today: date | None = None) -> date:
    """Return the date before which a resident's data counts as stale."""
    months = get_rules(office).stale_months
    return (today or date.today()) - timedelta(days=round(months * 30.44))


def estate_tree(office: OfficeFile, actor: Actor, today: date | None = None) -> list[BuildingNode]:
    """Return every building → entrance → floor → unit with resident and stale counts."""
    require(actor, "residents.view")
    limit = stale_before(office, today)
    living = Resident.moved_out.is_(None)
    stale = living & (
        (Resident.verified_on.is_(None))
        | (Resident.verified_on < limit)
        | (Resident.data_status != "valid")
    )
    counts = (
        select(
            Resident.unit_id,
            func.sum(case((living, 1), else_=0)).label("residents"),
            func.sum(case((stale, 1), else_=0)).label("stale"),
        )
        .group_by(Resident.unit_id)
        .subquery()
    )
    with office.transaction() as session:
        rows = session.execute(
            select(
                Building.label,
                Entrance.number,
                Floor.storey,
                Floor.label,
                Unit.id,
                Unit.code,
                Unit.room,
                func.coalesce(counts.c.residents, 0),
                func.coalesce(counts.c.stale, 0),
            )
            .join(Building, Building.id == Unit.building_id)
            .join(Floor, Floor.id == Unit.floor_id)
            .outerjoin(Entrance, Entrance.id == Unit.entrance_id)
            .outerjoin(counts, counts.c.unit_id == Unit.id)
            .order_by(Unit.sort_key)
        ).all()
        empty = session.scalars(select(Building.label)).all()
    buildings: dict[str, BuildingNode] = {}
    for b_label, entrance, storey, f_label, unit_id, code, room, residents, stale_n in rows:
        building = buildings.setdefault(b_label, BuildingNode(b_label))
        if not building.entrances or building.entrances[-1].number != entrance:
            building.entrances.append(EntranceNode(entrance))
        floors = building.entrances[-1].floors
        if not floors or floors[-1].storey != storey:
            floors.append(FloorNode(storey, f_label))
        floors[-1].units.append(UnitNode(unit_id, code, room, int(residents), int(stale_n)))
    for label in empty:
        buildings.setdefault(label, BuildingNode(label))
    return sorted(buildings.values(), key=lambda b: building_sort_text(b.label))


def unit_id_of(office: OfficeFile, code: str) -> int:
    """Return a unit's id by its canonical code."""
    with office.transaction() as session:
        unit_id = session.scalar(select(Unit.id).where(Unit.code == code))
    if unit_id is None:
        raise NotFound(tr("找不到房号 {code}").format(code=code))
    return unit_id
