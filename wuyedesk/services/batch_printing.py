"""Many repair slips in one PDF: the slips a list shows, or those reported in a date range.

The engineering office prints the day's (or the week's) slips together for the file
cabinet, and reprints a batch after a printer jam. Each slip prints as it does alone
(`repair_printing.print_repair`: same layout, same values, phones masked); with `copy`
only that copy (联) of each slip prints, e.g. the 存根联 kept by the office. Free and
paid slips have different copies, so a batch of every copy holds one kind only. Every
slip printed gets its own audit line "print", as when printed alone, all in the one
transaction that draws the file: a failed drawing leaves neither a file nor a line.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from wuyedesk.domain.errors import NotFound, UserError
from wuyedesk.domain.kinds import RepairKind
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.i18n import tr
from wuyedesk.reports import slips
from wuyedesk.services.context import Actor
from wuyedesk.services.permissions import require
from wuyedesk.services.printing import _office
from wuyedesk.services.repair_printing import (
    BAD_PAPER,
    FINANCE_COPY,
    PAPERS,
    is_repair_number,
    repair_values,
)
from wuyedesk.store import audit
from wuyedesk.store.models import RepairOrder, Signature, Staff
from wuyedesk.store.office_file import OfficeFile

MAX_SLIPS = 2000  # about a month of a large estate's slips; more is a mistake in the range
_CHUNK = 500  # numbers (or ids) per IN (...) query
_SIGNATURES = ("receiver_signature_id", "approval_signature_id", "acceptance_signature_id")
# What a slip prints besides its own row, loaded for the whole batch in a few queries.
_WITH = (
    selectinload(RepairOrder.unit),
    selectinload(RepairOrder.quote_lines),
    selectinload(RepairOrder.materials),
)
MIXED_KINDS = tr("维修单和有偿服务单的联数不同，请分开打印，或只打印其中一联")


@dataclass(frozen=True)
class BatchPrint:
    """What a batch print wrote: the file, the slips in it and its pages."""

    path: Path
    slips: int
    pages: int
    first: str
    last: str


def print_repairs(
    office: OfficeFile,
    actor: Actor,
    numbers: Sequence[str],
    out: Path,
    *,
    paper: str = "a5",
    copy: str | None = None,
) -> BatchPrint:
    """Print these repair or paid-service slips into one PDF, in the order given."""
    require(actor, "repairs.print")
    layout = _layout(paper)
    wanted = list(dict.fromkeys(n.strip().upper() for n in numbers if n.strip()))
    for number in wanted:
        if not is_repair_number(number):
            raise UserError(tr("{number} 不是维修单或有偿服务单的单号").format(number=number))
    with office.transaction() as session:
        by_number: dict[str, RepairOrder] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            query = select(RepairOrder).where(RepairOrder.number.in_(chunk)).options(*_WITH)
            by_number.update((order.number, order) for order in session.scalars(query))
        missing = [number for number in wanted if number not in by_number]
        if missing:
            raise NotFound(tr("没有单号为 {0} 的记录").format(missing[0]))
        return _print_in(session, actor, [by_number[n] for n in wanted], layout, out, copy)


def print_repairs_reported(
    office: OfficeFile,
    actor: Actor,
    date_from: date,
    date_to: date,
    out: Path,
    *,
    kind: str = "free",
    paper: str = "a5",
    copy: str | None = None,
) -> BatchPrint:
    """Print the slips of one kind reported from `date_from` to `date_to` (office days)."""
    require(actor, "repairs.print")
    layout = _layout(paper)
    if kind not in RepairKind.__members__:
        raise UserError(tr("请选择工程维修单或有偿服务单"))
    if date_to < date_from:
        raise UserError(tr("结束日期不能早于开始日期"))
    start = datetime.combine(date_from, time(), OFFICE_TZ)
    end = datetime.combine(date_to + timedelta(days=1), time(), OFFICE_TZ)
    with office.transaction() as session:
        orders = list(
            session.scalars(
                select(RepairOrder)
                .where(
                    RepairOrder.kind == kind,
                    RepairOrder.reported_at >= start,
                    RepairOrder.reported_at < end,
                )
                .order_by(RepairOrder.number)
                .options(*_WITH)
            )
        )
        return _print_in(session, actor, orders, layout, out, copy)


def _layout(paper: str) -> str:
    layout = PAPERS.get(paper.strip().lower())
    if layout is None:
        raise UserError(BAD_PAPER)
    return layout


def _print_in(
    session: Session,
    actor: Actor,
    orders: list[RepairOrder],
    layout: str,
    out: Path,
    copy: str | None,
) -> BatchPrint:
    """Draw the slips into `out` and audit each; the caller's transaction holds it together."""
    if not orders:
        raise UserError(tr("没有要打印的单据"))
    if len(orders) > MAX_SLIPS:
        raise UserError(
            tr("一次最多打印 {MAX_SLIPS} 张单据，请缩小范围").format(MAX_SLIPS=MAX_SLIPS)
        )
    spec = slips.load_layout(layout)
    copies = _copies(spec, orders, copy)
    head = _office(session)
    _load_people_and_signatures(session, orders)
    values = [repair_values(session, head, order) for order in orders]
    spec["copies"] = copies
    pages = _draw(spec, values, head.name, Path(out))
    detail = tr("{layout}，批量打印 {0} 张共 {pages} 页，{1}").format(
        len(orders), Path(out).name, layout=layout, pages=pages
    )
    for order in orders:
        audit.append(
            session,
            staff_id=actor.staff_id,
            actor=actor.label,
            action="print",
            target=order.number,
            detail=detail,
        )
    return BatchPrint(Path(out), len(orders), pages, orders[0].number, orders[-1].number)


def _load_people_and_signatures(session: Session, orders: list[RepairOrder]) -> None:
    """Put the staff and the batch's signatures in the session, so each slip finds them there.

    The slip's values look each one up by id (`session.get`), which is then answered from
    the session instead of one query per name and per signature.
    """
    list(session.scalars(select(Staff)))
    ids = sorted({sid for order in orders for name in _SIGNATURES if (sid := getattr(order, name))})
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        list(session.scalars(select(Signature).where(Signature.id.in_(chunk))))


def _copies(spec: dict[str, Any], orders: list[RepairOrder], copy: str | None) -> list[str]:
    """Return the copies (联) each slip prints: the one asked for, or all its kind has."""
    every = list(spec.get("copies") or [])
    paid = {order.kind == RepairKind.paid for order in orders}
    if copy is not None:
        if copy not in every:
            # The layout's copies come translated (slips.load_layout), as do FINANCE_COPY and
            # the copy asked for: all in this desk's language.
            choices = tr("、").join(every)
            raise UserError(tr("维修单没有“{copy}”，可选：{0}").format(choices, copy=copy))
        if copy == FINANCE_COPY and False in paid:
            raise UserError(tr("工程维修单没有财务联，请只选有偿服务单"))
        return [copy]
    if len(paid) > 1:
        raise UserError(MIXED_KINDS)
    return every if True in paid else [c for c in every if c != FINANCE_COPY]


def _draw(spec: dict[str, Any], values: list[dict[str, Any]], office_name: str, out: Path) -> int:
    """Draw the PDF beside its destination, then move it into place; return its pages."""
    if not out.parent.is_dir():
        raise UserError(tr("文件夹 {0} 不存在").format(out.parent))
    try:
        handle, temp = tempfile.mkstemp(prefix=".print-", suffix=".pdf", dir=out.parent)
    except OSError as exc:
        raise UserError(tr("无法写入 {0}：{1}").format(out.parent, exc.strerror)) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            pages = slips.render(spec, values, stream, office_name=office_name)
        os.replace(temp, out)
    except OSError as exc:
        raise UserError(tr("无法写入 {out}：{0}").format(exc.strerror, out=out)) from None
    finally:
        Path(temp).unlink(missing_ok=True)
    return pages
