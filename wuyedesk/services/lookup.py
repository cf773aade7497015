"""Open a record by the number typed or scanned into the search box (WX-2026-000123)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from wuyedesk.domain.errors import NotFound
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.permissions import require
from wuyedesk.store.models import Contact, HelpRequest, RepairOrder, ReturnVisit
from wuyedesk.store.numbering import parse_number
from wuyedesk.store.office_file import OfficeFile

_BY_PREFIX: dict[str, tuple[str, Any]] = {
    "WX": ("repair", RepairOrder),
    "YC": ("repair", RepairOrder),
    "DJ": ("contact", Contact),
    "QZ": ("help", HelpRequest),
    "HF": ("visit", ReturnVisit),
}


@dataclass(frozen=True)
class RecordRef:
    """Which record a number names: its kind, id, number and unit."""

    kind: str
    id: int
    number: str
    unit_code: str | None


def looks_like_number(text: str) -> bool:
    """Tell whether typed text is an office number rather than a search."""
    return parse_number(text) is not None


def find_by_number(office: OfficeFile, actor: Actor, text: str) -> RecordRef:
    """Return the record a number names, or say it is not on file."""
    require(actor, "records.list")
    parsed = parse_number(text)
    if parsed is None:
        raise NotFound(tr("「{0}」不是单号，单号形如 WX-2026-000123").format(text.strip()))
    prefix, year, serial = parsed
    kind, model = _BY_PREFIX[prefix]
    number = f"{prefix}-{year}-{serial:06d}"
    with office.transaction() as session:
        record = session.scalar(select(model).where(model.number == number))
        if record is None:
            raise NotFound(tr("没有单号为 {number} 的记录").format(number=number))
        unit = record.unit.code if record.unit is not None else None
        return RecordRef(kind, record.id, number, unit)
