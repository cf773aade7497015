"""Export of the resident archive by building → floor → unit, masked unless allowed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wuyedesk.domain.units import parse_unit_code
from wuyedesk.domain.validators import mask_id, mask_phone
from wuyedesk.i18n import tr
from wuyedesk.reports.archive_workbook import load_layout, write_archive_workbook
from wuyedesk.services.context import Actor
from wuyedesk.services.permissions import require
from wuyedesk.services.places import building_sort_text
from wuyedesk.services.residents import ROLE_LABELS
from wuyedesk.store import audit
from wuyedesk.store.models import Building, Floor, Office, Resident, Unit
from wuyedesk.store.office_file import OfficeFile

_ROLE_ORDER = {"owner": 0, "family": 1, "tenant": 2}


def _archive_row(resident: Resident, unit: Unit, floor: Floor, reveal: bool) -> dict[str, Any]:
    def phone(value: str | None) -> str:
        return (value if reveal else mask_phone(value)) if value else ""

    area = unit.area_centi_m2
    return {
        "floor": floor.storey,
        "floor_label": floor.label,
        "unit_code": unit.code,
        "area": float(Decimal(area) / 100) if area is not None else None,
        "possession_date": unit.possession_date,
        "name": resident.name,
        "role_label": ROLE_LABELS.get(resident.role, resident.role),
        # Stored in Chinese, shown in the desk's language (the import reads both back).
        "gender": tr(resident.gender) if resident.gender else "",
        "phone": phone(resident.phone),
        "landline": phone(resident.landline),
        "id_type": tr(resident.id_type) if resident.id_type else "",
        "id_number": (resident.id_number if reveal else mask_id(resident.id_number))
        if resident.id_number
        else "",
        "employer": resident.employer or "",
        "emergency_name": resident.emergency_name or "",
        "emergency_phone": phone(resident.emergency_phone),
        "moved_in": resident.moved_in,
        "plate": resident.plate or "",
        "habits": resident.habits or "",
        "verified_on": resident.verified_on,
        "status_label": tr("有效") if resident.data_status == "valid" else tr("待更新"),
        "consent_label": tr("是") if resident.consent_disclose else tr("否"),
    }


def _archive(session: Session, reveal: bool) -> list[tuple[str, list[dict[str, Any]]]]:
    labels = list(session.scalars(select(Building.label).where(Building.units.any())))
    books: dict[str, list[tuple[Any, dict[str, Any]]]] = {label: [] for label in labels}
    rows = session.execute(
        select(Resident, Unit, Floor, Building.label)
        .join(Unit, Unit.id == Resident.unit_id)
        .join(Floor, Floor.id == Unit.floor_id)
        .join(Building, Building.id == Unit.building_id)
        .where(Resident.moved_out.is_(None))
    )
    for resident, unit, floor, label in rows:
        code = parse_unit_code(unit.code)
        key = (floor.storey, code.entrance or 0, code.sort_key()[-1], unit.code)
        order = (*key, _ROLE_ORDER.get(resident.role, 9), resident.id)
        # Without the resident's consent an export shows the masked form, even a full one.
        shown = reveal and resident.consent_disclose
        books[label].append((order, _archive_row(resident, unit, floor, shown)))
    ordered = sorted(books, key=building_sort_text)
    return [(b, [row for _, row in sorted(books[b], key=lambda t: t[0])]) for b in ordered]


def export_residents(
    office: OfficeFile, actor: Actor, path: Path | str, *, full: bool = False
) -> int:
    """Write the archive by building → floor → unit to .xlsx; masked unless full and consented."""
    require(actor, "residents.view")
    if full:
        require(actor, "residents.export_full")
    layout = load_layout()
    path = Path(path)
    with office.transaction() as session:
        office_name = session.scalars(select(Office.name)).one()
        buildings = _archive(session, reveal=full)
        count = sum(len(rows) for _, rows in buildings)
        write_archive_workbook(path, buildings, layout, office_name, masked=not full)
        audit.append(
            session,
            staff_id=actor.staff_id,
            actor=actor.label,
            action="resident.export",
            target=f"file:{path.name}",
            detail=tr("full={0}；{1} 栋，{count} 人").format(
                "yes" if full else "no", len(buildings), count=count
            ),
        )
    return count
