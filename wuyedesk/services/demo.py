"""The demo estate: buildings, households, staff and years of records, for practice and tests.

Everything is drawn from one `random.Random(seed)`, so the same seed and the
same `today` give the same office. The whole estate is written in one
transaction with ids handed out here (the office must have no units yet), so
2,000 households take seconds rather than minutes; the records' states are
reached by walking the domain's workflows (see `demo_records`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from wuyedesk.domain import demo_names as names
from wuyedesk.domain.errors import UserError
from wuyedesk.domain.roles import Role
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.domain.units import UnitCode
from wuyedesk.domain.validators import make_id_number
from wuyedesk.i18n import ENGLISH, language, tr
from wuyedesk.services import demo_records
from wuyedesk.services.context import Actor
from wuyedesk.services.demo_records import said, shown_name
from wuyedesk.services.permissions import require
from wuyedesk.services.places import unit_sort_text
from wuyedesk.services.residents import GENDERS, ID_CARD
from wuyedesk.services.staff import add_staff_in
from wuyedesk.store import audit, search
from wuyedesk.store.models import Building, Entrance, Floor, Office, Resident, Staff, Unit
from wuyedesk.store.office_file import OfficeFile

DEMO_OFFICE = tr("演示物业管理处")
DEMO_ESTATE = tr("锦绣花园")
# The director set up with the demo office: a name (romanised in English, like every demo name).
DEMO_DIRECTOR = "Wang Jianguo" if language() == ENGLISH else "王建国"  # i18n: data
DEMO_PIN = "1357"
MAX_HOUSEHOLDS = 50_000
MAX_YEARS = 10
MAX_VOLUME = 20.0  # times the office's usual monthly rates (benchmarks use about 5)

# The demo's staff besides the director set up with the office (brief: every role).
STAFF_PLAN = (
    (Role.assistant, 2, "property"),
    (Role.clerk, 2, "property"),
    (Role.supervisor, 1, "property"),
    (Role.eng_supervisor, 1, "engineering"),
    (Role.engineer, 4, "engineering"),
    (Role.finance, 1, "finance"),
    (Role.storekeeper, 1, "engineering"),
    (Role.security, 2, "security"),
    (Role.service_desk, 1, "service_desk"),
)
OCCUPIED_SHARE = 0.92
LET_SHARE = 0.15
STALE_SHARE = 0.08

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class DemoSummary:
    """What the demo put into the office, for the command line and the set-up wizard."""

    estate: str
    buildings: int
    units: int
    occupied: int
    residents: int
    moved_out: int
    staff: int
    contacts: int
    complaints: int
    repairs: int
    paid_repairs: int
    visits: int
    help_requests: int
    daily_reports: int
    spot_checks: int
    years: int = 1

    def describe(self) -> str:
        """Return one short paragraph in Chinese."""
        span = tr("近十二个月") if self.years == 1 else tr("近 {0} 年").format(self.years)
        return tr(
            "已生成演示小区「{0}」：{1} 栋楼 {2} 户（入住 {3} 户），"
            "住户档案 {4} 人（含已迁出 {5} 人），员工 {6} 人；"
            "{span}的来访来电登记 {7} 条（投诉 {8} 条）、维修单 {9} 张（有偿服务 {10} 张）、"
            "回访记录 {11} 条、求助 {12} 条、日工作呈报表 {13} 份、抽查 {14} 次。"
        ).format(
            self.estate,
            self.buildings,
            self.units,
            self.occupied,
            self.residents,
            self.moved_out,
            self.staff,
            self.contacts,
            self.complaints,
            self.repairs,
            self.paid_repairs,
            self.visits,
            self.help_requests,
            self.daily_reports,
            self.spot_checks,
            span=span,
        )


def generate_demo(
    office: OfficeFile,
    actor: Actor,
    *,
    households: int,
    seed: int = 1,
    today: date | None = None,
    progress: Progress | None = None,
    years: int = 1,
    volume: float = 1.0,
) -> DemoSummary:
    """Fill an empty office with a believable estate and `years` of records up to today.

    `volume` multiplies the office's usual monthly rates of contacts, slips and help
    requests (routine visits, daily reports and spot checks keep their own pace).
    Numbers run per kind and year, so five years give WX-2021-… to WX-2026-….
    """
    require(actor, "office.demo")
    if not 1 <= households <= MAX_HOUSEHOLDS:
        raise UserError(
            tr("户数应在 1 到 {MAX_HOUSEHOLDS} 之间").format(MAX_HOUSEHOLDS=MAX_HOUSEHOLDS)
        )
    if not 1 <= years <= MAX_YEARS:
        raise UserError(tr("年数应在 1 到 {MAX_YEARS} 之间").format(MAX_YEARS=MAX_YEARS))
    if not 0 < volume <= MAX_VOLUME:
        raise UserError(
            tr("记录量倍数应大于 0、不超过 {MAX_VOLUME:g}").format(MAX_VOLUME=MAX_VOLUME)
        )
    now = anchor(today)
    rng = random.Random(seed)
    report = progress or (lambda done, total, what: None)
    phases = 4 + len(demo_records.PHASES)
    with office.transaction() as session:
        if session.scalar(select(func.count(Unit.id))):
            raise UserError(tr("办公文件中已有房号，演示数据只能填入新建的空办公文件"))
        estate_name = session.scalar(select(Office.estate_name)) or DEMO_ESTATE
        report(0, phases, tr("员工"))
        staff = add_demo_staff(session, actor, rng)
        report(1, phases, tr("楼栋房号"))
        units = build_estate(session, rng, households, now.date(), years)
        report(2, phases, tr("住户档案"))
        homes, residents, moved_out = add_residents(session, rng, units, now.date())
        report(3, phases, tr("登记记录"))
        counts = demo_records.generate_records(
            session,
            rng,
            now=now,
            staff=staff,
            households=homes,
            units_by_building=_units_by_building(units),
            progress=lambda done, what: report(4 + done, phases, what),
            years=years,
            volume=volume,
        )
        if session.get_bind().dialect.name != "sqlite":
            # The records went in with their ids: move the server's id sequences past them.
            from wuyedesk.store.models import Base
            from wuyedesk.store.sequences import reset_sequences

            reset_sequences(session.connection(), Base.metadata.sorted_tables)
        summary = DemoSummary(
            estate=estate_name,
            buildings=len({u.building for u in units}),
            units=len(units),
            occupied=len(homes),
            residents=residents,
            moved_out=moved_out,
            staff=session.scalar(select(func.count(Staff.id))) or 0,
            years=years,
            **counts,
        )
        audit.append(
            session,
            staff_id=actor.staff_id,
            actor=actor.label,
            action="demo.generate",
            target=f"seed:{seed}",
            detail=summary.describe(),
        )
    report(phases, phases, tr("完成"))
    return summary


def anchor(today: date | None) -> datetime:
    """Return the moment the demo's records run up to: today at 09:00, office time."""
    if today is not None:
        return datetime.combine(today, time(9, 0), OFFICE_TZ)
    real = datetime.now(OFFICE_TZ).replace(second=0, microsecond=0)
    return min(datetime.combine(real.date(), time(9, 0), OFFICE_TZ), real)


# --- people's names, numbers and signatures ----------------------------------------------
_SURNAME_WEIGHTS = [1 / (i + 8) for i in range(len(names.SURNAMES))]


def person_name(rng: random.Random, male: bool, surname: str | None = None) -> str:
    """Return a plausible Chinese name; about a quarter have a one-character given name.

    The name is drawn in Chinese; what is stored is `shown_name` of it (romanised in English).
    """
    if surname is None:
        if rng.random() < 0.01:
            surname = rng.choice(names.COMPOUND_SURNAMES)
        else:
            surname = rng.choices(names.SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    pool = names.MALE_GIVEN if male else names.FEMALE_GIVEN
    given = rng.choice(pool)
    if rng.random() > 0.25:
        given += rng.choice(pool)
    return surname + given


def mobile(rng: random.Random, taken: set[str]) -> str:
    """Return a mobile number not handed out before in this demo."""
    while True:
        number = f"1{rng.choice('35789')}{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}"
        if number not in taken:
            taken.add(number)
            return number


def id_number(rng: random.Random, birth: date, male: bool, local: bool) -> str:
    """Return a valid 18-digit ID number; the 17th digit is odd for men (GB 11643)."""
    region = rng.choice(names.LOCAL_REGIONS if local else names.OTHER_REGIONS)
    sex_digit = rng.choice("13579" if male else "02468")
    return make_id_number(region, birth, f"{rng.randint(0, 99):02d}{sex_digit}")


def plate(rng: random.Random) -> str:
    """Return a car plate, mostly of the estate's own city."""
    prefix = names.CITY_PLATE if rng.random() < 0.8 else rng.choice(names.OTHER_PLATES)
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    if rng.random() < 0.2:  # new-energy plates have six characters
        return prefix + rng.choice("DF") + f"{rng.randint(0, 99_999):05d}"
    return prefix + rng.choice(letters) + f"{rng.randint(0, 9999):04d}"


# --- staff -------------------------------------------------------------------------------
def add_demo_staff(
    session: Session, actor: Actor, rng: random.Random
) -> dict[Role, list[demo_records.StaffRef]]:
    """Add the demo's staff (every role) with the demo PIN; return everyone by role."""
    taken_names = set(session.scalars(select(Staff.name)))
    phones: set[str] = set()
    for role, count, department in STAFF_PLAN:
        for _ in range(count):
            name = shown_name(person_name(rng, rng.random() < 0.5))
            while name in taken_names:
                name = shown_name(person_name(rng, rng.random() < 0.5))
            taken_names.add(name)
            staff = add_staff_in(session, actor, name, role.value, DEMO_PIN, department)
            staff.phone = mobile(rng, phones)
    by_role: dict[Role, list[demo_records.StaffRef]] = {role: [] for role in Role}
    for row in session.scalars(select(Staff).where(Staff.active.is_(True)).order_by(Staff.id)):
        if row.phone is None:
            row.phone = mobile(rng, phones)
        role = Role(row.role)
        by_role[role].append(demo_records.StaffRef(row.id, row.name, row.phone, role))
    return by_role


# --- buildings and units -----------------------------------------------------------------
@dataclass(frozen=True)
class UnitRow:
    """A unit just created: its id, code, building and possession date."""

    id: int
    code: str
    building: str
    possession: date


def _next_id(session: Session, model: type) -> int:
    return int(session.scalar(select(func.max(model.id))) or 0) + 1  # type: ignore[attr-defined]


def building_shapes(rng: random.Random, households: int) -> list[tuple[int, int, int, int]]:
    """Return (entrances, floors, units per floor, units on the top floor) reaching `households`."""
    shapes = []
    remaining = households
    while remaining > 0:
        per_floor = rng.choice((2, 3, 4))
        if remaining >= 2 * 18 * per_floor and rng.random() < 0.6:
            floors = min(rng.randint(18, 32), remaining // (2 * per_floor))
            shapes.append((2, floors, per_floor, per_floor))
            remaining -= 2 * floors * per_floor
            continue
        floors = rng.randint(5, 7)
        top = per_floor
        if floors * per_floor > remaining:
            floors = math.ceil(remaining / per_floor)
            top = remaining - (floors - 1) * per_floor
        shapes.append((0, floors, per_floor, top))
        remaining -= (floors - 1) * per_floor + top
    return shapes


def build_estate(
    session: Session, rng: random.Random, households: int, today: date, years: int = 1
) -> list[UnitRow]:
    """Create buildings, entrances, floors and exactly `households` units.

    The buildings were handed over 3 to 14 years before the records begin (`years` back).
    """
    ids = {m: _next_id(session, m) for m in (Building, Entrance, Floor, Unit)}
    rows: list[UnitRow] = []
    places: list[object] = []
    for number, (entrances, floors, per_floor, top) in enumerate(
        building_shapes(rng, households), 1
    ):
        label = str(number)
        if entrances:
            kind = tr("高层住宅，{entrances} 个单元").format(entrances=entrances)
        else:
            kind = tr("多层住宅")
        building = Building(
            id=ids[Building], label=label, floors_above=floors, floors_below=0, notes=kind
        )
        ids[Building] += 1
        places.append(building)
        age = rng.randint(3 * 365, 14 * 365) + 365 * (years - 1)
        delivered = today - timedelta(days=age)
        floor_ids = {}
        for storey in range(1, floors + 1):
            floor_ids[storey] = ids[Floor]
            places.append(
                Floor(id=ids[Floor], building_id=building.id, storey=storey, label=str(storey))
            )
            ids[Floor] += 1
        low, high = {2: (120, 145), 3: (95, 125), 4: (78, 105)}[per_floor]
        areas = [rng.randint(low * 100, high * 100) for _ in range(per_floor)]
        for entrance in range(1, entrances + 1) if entrances else [None]:
            entrance_id = None
            if entrance is not None:
                entrance_id = ids[Entrance]
                places.append(Entrance(id=entrance_id, building_id=building.id, number=entrance))
                ids[Entrance] += 1
            for storey in range(1, floors + 1):
                for n in range(1, (top if storey == floors else per_floor) + 1):
                    code = UnitCode(label, entrance, f"{storey}{n:02d}")
                    resale = rng.random() < 0.15
                    days = rng.randint(200, 4 * 365) if resale else rng.randint(0, 120)
                    possession = min(delivered + timedelta(days=days), today)
                    unit = Unit(
                        id=ids[Unit],
                        code=str(code),
                        building_id=building.id,
                        entrance_id=entrance_id,
                        floor_id=floor_ids[storey],
                        room=code.room,
                        sort_key=unit_sort_text(code),
                        area_centi_m2=areas[n - 1],
                        possession_date=possession,
                    )
                    ids[Unit] += 1
                    places.append(unit)
                    rows.append(UnitRow(unit.id, unit.code, label, possession))
    for model in (Building, Entrance, Floor, Unit):
        rows_of = [demo_records.as_values(p) for p in places if type(p) is model]
        if rows_of:
            session.execute(insert(model), rows_of)
    return rows


def _units_by_building(units: list[UnitRow]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for unit in units:
        counts[unit.building] = counts.get(unit.building, 0) + 1
    return counts


# --- residents ---------------------------------------------------------------------------
_MALE, _FEMALE = GENDERS


class _People:
    """Makes residents for units, keeping phone numbers unique."""

    def __init__(self, rng: random.Random, today: date, first_id: int) -> None:
        self.rng = rng
        self.today = today
        self.phones: set[str] = set()
        self.rows: list[tuple[Resident, str]] = []
        self.next_id = first_id
        self.drawn: dict[int, str] = {}  # resident id → the Chinese name drawn (for surnames)

    def add(
        self,
        unit: UnitRow,
        role: str,
        *,
        birth_years: tuple[int, int],
        moved_in: date | None,
        moved_out: date | None = None,
        surname: str | None = None,
        male: bool | None = None,
        local: bool = True,
    ) -> Resident:
        """Make one resident with a valid ID, mobile and the archive's usual fields."""
        rng = self.rng
        male = rng.random() < 0.5 if male is None else male
        birth = date(rng.randint(*birth_years), rng.randint(1, 12), rng.randint(1, 28))
        verified = moved_out or self.today - timedelta(days=rng.randint(0, 330))
        stale = moved_out is None and rng.random() < STALE_SHARE
        if stale:
            verified = self.today - timedelta(days=rng.randint(380, 900))
        drawn = person_name(rng, male, surname)
        person = Resident(
            id=self.next_id,
            unit_id=unit.id,
            name=shown_name(drawn),
            role=role,
            gender=_MALE if male else _FEMALE,  # stored in Chinese in every language
            phone=mobile(rng, self.phones),
            id_type=ID_CARD,
            id_number=id_number(rng, birth, male, local),
            moved_in=moved_in,
            moved_out=moved_out,
            verified_on=verified,
            data_status="to_update" if stale else "valid",
            consent_disclose=rng.random() < 0.1,
        )
        self.drawn[person.id] = drawn
        self.next_id += 1
        if rng.random() < 0.6:
            person.employer = tr("退休") if birth.year < 1962 else tr(rng.choice(names.EMPLOYERS))
        if rng.random() < 0.5:
            person.emergency_name = shown_name(person_name(rng, rng.random() < 0.5))
            person.emergency_phone = mobile(rng, self.phones)
        if birth.year < 1965 and rng.random() < 0.2:
            person.landline = f"{names.LANDLINE_AREA}-8{rng.randint(0, 9_999_999):07d}"
        self.rows.append((person, unit.code))
        return person


def add_residents(
    session: Session, rng: random.Random, units: list[UnitRow], today: date
) -> tuple[list[demo_records.Household], int, int]:
    """Fill about 92 % of units with owners, families and tenants; index them for search."""
    people = _People(rng, today, _next_id(session, Resident))
    homes: list[demo_records.Household] = []
    for unit in units:
        if rng.random() >= OCCUPIED_SHARE and (homes or unit is not units[-1]):
            continue  # empty (but never the whole estate: the records need a household)
        let = rng.random() < LET_SHARE
        since = unit.possession + timedelta(days=rng.randint(0, 200))
        held = (today - unit.possession).days
        if held > 800 and rng.random() < 0.08:  # sold on: the first owner stays in the history
            since = unit.possession + timedelta(days=rng.randint(365, held - 30))
            people.add(
                unit,
                "owner",
                birth_years=(1950, 1985),
                moved_in=unit.possession,
                moved_out=since - timedelta(days=1),
            )
        owner = people.add(
            unit, "owner", birth_years=(1950, 1990), moved_in=None if let else min(since, today)
        )
        household = [owner]
        if let:
            owner.habits = tr(names.LET_NOTE)
            if rng.random() < 0.3:  # an earlier tenant moved out before the present one
                left = today - timedelta(days=rng.randint(200, 700))
                people.add(
                    unit,
                    "tenant",
                    birth_years=(1975, 2000),
                    local=False,
                    moved_in=left - timedelta(days=rng.randint(180, 900)),
                    moved_out=left,
                )
            start = today - timedelta(days=rng.randint(20, 190))
            for n in range(rng.choice((1, 1, 2, 3))):
                tenant = people.add(
                    unit,
                    "tenant",
                    birth_years=(1970, 2000),
                    moved_in=start,
                    local=rng.random() < 0.4,
                )
                if n == 0:
                    household.insert(0, tenant)
        else:
            if rng.random() < 0.55:
                _add_family(people, unit, owner, since)
        if rng.random() < 0.35:
            drawn_plate = plate(rng)
            # A plate is Chinese (浙A…) and nothing else validates: an English demo has none.
            household[0].plate = drawn_plate if language() != ENGLISH else None
        if rng.random() < 0.2 and household[0].habits is None:
            household[0].habits = said(rng.choice(names.HABITS))
        homes.append(
            demo_records.Household(
                unit.id,
                unit.code,
                unit.building,
                household[0].name,
                household[0].phone or "",
                tuple(p.name for p in household),
            )
        )
    if people.rows:
        session.execute(insert(Resident), [demo_records.as_values(p) for p, _ in people.rows])
        search.index_residents(
            session,
            [
                {
                    "id": p.id,
                    "name": p.name,
                    "phone": p.phone,
                    "landline": p.landline,
                    "unit_code": code,
                }
                for p, code in people.rows
            ],
        )
    moved_out = sum(1 for person, _ in people.rows if person.moved_out is not None)
    return homes, len(people.rows), moved_out


def _surname(name: str) -> str:
    return name[:2] if name[:2] in names.COMPOUND_SURNAMES else name[0]


def _add_family(people: _People, unit: UnitRow, owner: Resident, since: date) -> None:
    rng = people.rng
    born = int(owner.id_number[6:10]) if owner.id_number else 1970
    male = owner.gender == _MALE
    spouse = people.add(
        unit,
        "family",
        birth_years=(max(1950, born - 4), min(2000, born + 4)),
        moved_in=owner.moved_in,
        male=not male,
    )
    spouse.verified_on, spouse.data_status = owner.verified_on, owner.data_status
    if born <= 1972 and rng.random() < 0.5:
        people.add(
            unit,
            "family",
            birth_years=(born + 24, min(2000, born + 30)),
            moved_in=owner.moved_in,
            surname=_surname(people.drawn[owner.id]),
        )
    if born >= 1972 and rng.random() < 0.3:
        people.add(
            unit,
            "family",
            birth_years=(1950, min(1960, born - 20)),
            moved_in=max(since, people.today - timedelta(days=400)),
        )
