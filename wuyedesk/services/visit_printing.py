"""Printing the return-visit record (回访记录表, HF-) and the door note (回访单).

The record page is the office's own paper: every field of one visit, an empty field
an empty box for a pen. The door note is posted on the door when nobody is home:
anyone passing can read it, so it carries the office, the unit and the number only —
no name, phone or details — the matter in general words and the office's phone,
with a tear-off (回执) the household returns with their marks and a time that suits them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from wuyedesk.domain import kinds
from wuyedesk.domain.errors import NotFound
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.entries import stamp_time
from wuyedesk.services.permissions import require
from wuyedesk.services.printing import _draw, _office, _when
from wuyedesk.services.repair_printing import _ticks
from wuyedesk.services.settings import get_rules
from wuyedesk.services.visit_fields import shown_visitors
from wuyedesk.services.visit_views import VisitView, view_visit
from wuyedesk.services.visits import door_note_values
from wuyedesk.store.models import ReturnVisit
from wuyedesk.store.office_file import OfficeFile

VISIT_LAYOUT = "visit_record"
DOOR_NOTE_LAYOUT = "door_note"
# The three things a household marks on the door note (篇4 §4(6)), each on the whole scale.
DOOR_NOTE_ITEMS = (tr("及时性"), tr("态度"), tr("效果"))
UNTICKED = "□"  # ☐ is missing from the GB 2312 fonts the slips embed
LATE_MARK = tr("【超时】")


def print_visit(office: OfficeFile, actor: Actor, number: str, out: Path) -> Path:
    """Print one return visit as a page of the return-visit record (回访记录表)."""
    require(actor, "records.print")
    number = number.strip().upper()
    rules = get_rules(office)
    with office.transaction() as session:
        head = _office(session)
        visit = session.scalar(select(ReturnVisit).where(ReturnVisit.number == number))
        if visit is None:
            raise NotFound(tr("没有单号为 {number} 的记录").format(number=number))
        view = view_visit(session, visit, actor.role, rules, stamp_time(None))
        values = visit_values(view)
        values["estate_name"] = head.estate_name
        _draw(session, actor, VISIT_LAYOUT, values, head, out, number)
    return out


def visit_id_of(office: OfficeFile, actor: Actor, number: str) -> int:
    """Return the id of the return visit numbered NUMBER (the command line types numbers)."""
    require(actor, "visits.view")
    number = number.strip().upper()
    with office.transaction() as session:
        found = session.scalar(select(ReturnVisit.id).where(ReturnVisit.number == number))
    if found is None:
        raise NotFound(tr("没有单号为 {number} 的记录").format(number=number))
    return int(found)


def print_door_note(office: OfficeFile, actor: Actor, visit_id: int, out: Path) -> Path:
    """Print the door note (回访单) of a visit whose household was not at home."""
    note = door_note_values(office, actor, visit_id)  # checks visits.record, no private data
    values = door_note_print_values(note)
    with office.transaction() as session:
        head = _office(session)
        _draw(
            session,
            actor,
            DOOR_NOTE_LAYOUT,
            values,
            head,
            out,
            tr("{0} 回访单").format(note["number"]),
        )
    return out


def door_note_print_values(note: dict[str, Any]) -> dict[str, Any]:
    """Return what the door-note layout prints: only the privacy-safe values of the note."""
    noted = note["date"]
    return {
        "office_name": note["office_name"],
        "unit_code": note["unit_code"],
        "number": note["number"],
        "matter": note["matter"],
        "office_phone": note["office_phone"] or tr("管理处服务台"),
        "note_date": _long_day(noted) if isinstance(noted, date) else str(noted or ""),
        "ticks": [
            # Each cell is the box the household ticks: a □ glyph is too small to tick.
            {"item": item, "satisfied": "", "fairly": "", "dissatisfied": ""}
            for item in DOOR_NOTE_ITEMS
        ],
    }


def visit_values(view: VisitView) -> dict[str, Any]:
    """Return every field the record page prints, from the visit as the screens see it."""
    visited = _when(view.visited_at)
    if visited and view.late:
        visited += LATE_MARK
    chain = tr("；").join(
        part
        for part in (
            tr("复访自 {0}").format(view.previous_number) if view.previous_number else "",
            tr("已安排复访 {0}").format(view.next_number) if view.next_number else "",
        )
        if part
    )
    closed = ""
    if view.state == "void":
        closed = tr("【已作废】原因：{0}").format(view.void_reason or tr("未注明"))
    return {
        "number": view.number,
        "kind": view.kind_label,
        "related_number": view.related_number or "",
        "place": view.place,
        "visitors": shown_visitors(view.visitors),
        "due_at": _when(view.due_at),
        "visit_limit": _when(view.visit_limit),
        "visited_at": visited,
        "method": _scale(kinds.VisitMethod, view.method),
        "opinions": view.opinions or "",
        "satisfaction": _ticks(view.satisfaction),
        "nonconformity": view.nonconformity or "",
        "rectify_deadline": view.rectify_deadline.isoformat() if view.rectify_deadline else "",
        "responsible_department": view.responsible_department_label,
        "rectified_at": _when(view.rectified_at),
        "door_note_at": _when(view.door_note_at),
        "follow_up": chain,
        "state": view.state_label,
        "closed": closed,
    }


def _scale(enum: type[kinds.Kind], chosen: str | None) -> str:
    """Return every choice as a box, the chosen one filled (■/□ are in GB 2312)."""
    return tr("　").join(
        f"{'■' if value == chosen else UNTICKED}{label}"
        for value, label in kinds.labels(enum).items()
    )


def _long_day(day: date) -> str:
    return tr("{0}年{1}月{2}日").format(day.year, day.month, day.day)
