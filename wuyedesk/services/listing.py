"""Tab-separated lists of records for scripts: `wuyedesk list KIND`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.validators import format_money, mask_phone
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.permissions import require
from wuyedesk.services.places import find_unit
from wuyedesk.services.residents import list_residents
from wuyedesk.services.visit_fields import shown_visitors
from wuyedesk.store.models import Contact, HelpRequest, RepairOrder, ReturnVisit, Unit
from wuyedesk.store.office_file import OfficeFile

OFFICE_TZ = ZoneInfo("Asia/Shanghai")
KINDS = ("residents", "contacts", "repairs", "visits", "help")


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """Return the aware start and end of a YYYY-MM month in the office's time zone."""
    try:
        first = datetime.strptime(month.strip(), "%Y-%m").date()
    except ValueError:
        raise UserError(
            tr("月份格式应为 YYYY-MM，例如 2026-03（收到「{month}」）").format(month=month)
        ) from None
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (
        datetime.combine(first, time(), OFFICE_TZ),
        datetime.combine(following, time(), OFFICE_TZ),
    )


def local(at: datetime | None) -> str:
    """Print an aware time as office-local 'YYYY-MM-DD HH:MM'."""
    return at.astimezone(OFFICE_TZ).strftime("%Y-%m-%d %H:%M") if at else ""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return tr("是") if value else tr("否")
    if isinstance(value, datetime):
        return local(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return text[:80] + "…" if len(text) > 80 else text


def _place(unit: Unit | None, facility: str | None = None) -> str:
    if unit is not None:
        return unit.code
    return tr("公共设施:{facility}").format(facility=facility) if facility else "-"


def _phone(value: str | None) -> str:
    return mask_phone(value) if value else ""


_Row = Callable[[Any], list[Any]]
_SPECS: dict[str, tuple[Any, Any, list[str], _Row]] = {
    "contacts": (
        Contact,
        Contact.at,
        ["number", "date", "unit", "state", "kind", "method", "caller", "phone", "content"],
        lambda c: [
            c.number,
            c.at,
            _place(c.unit),
            c.state,
            c.kind,
            c.method,
            c.caller_name,
            _phone(c.phone),
            c.content,
        ],
    ),
    "repairs": (
        RepairOrder,
        RepairOrder.reported_at,
        [
            "number",
            "date",
            "unit",
            "state",
            "kind",
            "category",
            "reporter",
            "phone",
            "paid",
            "late",
        ],
        lambda r: [
            r.number,
            r.reported_at,
            _place(r.unit, r.facility),
            r.state,
            r.kind,
            r.category,
            r.reporter_name,
            _phone(r.phone),
            format_money(r.paid_fen) if r.paid_fen is not None else "",
            "late" if r.arrival_late else "",
        ],
    ),
    "visits": (
        ReturnVisit,
        ReturnVisit.due_at,
        ["number", "date", "unit", "state", "kind", "method", "satisfaction", "visitors"],
        lambda v: [
            v.number,
            v.visited_at or v.due_at,
            _place(v.unit, v.facility),
            v.state,
            v.kind,
            v.method,
            v.satisfaction,
            shown_visitors(v.visitors),
        ],
    ),
    "help": (
        HelpRequest,
        HelpRequest.at,
        ["number", "date", "unit", "state", "type", "special", "requester", "phone"],
        lambda h: [
            h.number,
            h.at,
            _place(h.unit, h.location),
            h.state,
            h.help_type,
            h.is_special,
            h.requester_name,
            _phone(h.phone),
        ],
    ),
}


_VIEW = {
    "residents": "residents.view",
    "contacts": "contacts.view",
    "repairs": "repairs.view",
    "visits": "visits.view",
    "help": "help.view",
}


def list_records(
    office: OfficeFile,
    actor: Actor,
    kind: str,
    *,
    month: str | None = None,
    unit_code: str | None = None,
) -> tuple[list[str], list[list[str]]]:
    """Return a header and rows of one kind of record, masked, in date then number order."""
    require(actor, "records.list")
    if kind not in KINDS:
        raise UserError(
            tr("未知的记录类型「{kind}」，可选：{0}").format(", ".join(KINDS), kind=kind)
        )
    require(actor, _VIEW[kind])  # a list shows no more than the paper's own screen
    if kind == "residents":
        if month:
            raise UserError(tr("住户列表不按月份筛选，请去掉 --month"))
        people = list_residents(office, actor, unit_code=unit_code)
        header = ["unit", "name", "role", "phone", "landline", "id_number", "moved_in", "status"]
        return header, [
            [
                _cell(v)
                for v in (
                    p.unit_code,
                    p.name,
                    p.role,
                    p.phone,
                    p.landline,
                    p.id_number,
                    p.moved_in,
                    p.data_status,
                )
            ]
            for p in people
        ]
    model, when, header, row = _SPECS[kind]
    with office.transaction() as session:
        query: Select[Any] = select(model).order_by(when, model.number)
        if month:
            start, end = month_bounds(month)
            query = query.where(when >= start, when < end)
        if unit_code:
            query = query.where(model.unit_id == _unit_id(session, unit_code))
        rows = [[_cell(v) for v in row(record)] for record in session.scalars(query)]
    return header, rows


def _unit_id(session: Session, unit_code: str) -> int:
    return find_unit(session, unit_code).id
