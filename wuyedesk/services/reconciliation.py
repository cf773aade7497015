"""The engineering supervisor's daily check with the storekeeper (工程主管每日核对, 篇3 §4(5)).

The day's sheet lists the slips that were accepted and wait for the check, and every
slip that drew materials that day, against the warehouse: materials per item, the
storekeeper's own book count when given, and every difference in words. Signing it
off (both sign as themselves) marks the accepted slips reconciled, ready to file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from wuyedesk.domain.errors import FormErrors, TransitionRefused, UserError, ValidationError
from wuyedesk.domain.money import format_quantity, format_yuan, parse_quantity
from wuyedesk.domain.roles import Role
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.entries import check_text, staff_names, stamp_time, write_audit
from wuyedesk.services.permissions import require
from wuyedesk.services.repair_views import workflow_of
from wuyedesk.services.signatures import store_signature
from wuyedesk.store.models import MaterialIssue, Reconciliation, RepairOrder
from wuyedesk.store.office_file import OfficeFile

_CLOSED_WITHOUT_WORK = frozenset({"returned", "refused", "void"})


@dataclass(frozen=True)
class SheetSlip:
    """One slip on the day's sheet and what does not add up about it."""

    id: int
    number: str
    kind_label: str
    state_label: str
    engineer: str
    place: str
    quoted_material_fen: int | None
    issued_fen: int
    issued_today: list[str]
    problems: list[str]
    ready: bool  # accepted by the household: signing off reconciles it


@dataclass(frozen=True)
class SheetItem:
    """One material (item + spec) issued that day, totalled over the slips."""

    key: str
    item: str
    spec: str
    quantity_milli: int
    amount_fen: int
    slips: list[str]


@dataclass(frozen=True)
class Sheet:
    """The day's reconciliation sheet; `signed_at` is set once it has been signed off."""

    day: date
    slips: list[SheetSlip]
    items: list[SheetItem]
    material_fen: int
    differences: list[str]
    signed_at: datetime | None = None
    signed_by: str = ""
    storekeeper: str = ""
    note: str | None = None
    book_differences: list[str] = field(default_factory=list)


def item_key(item: str, spec: str | None) -> str:
    """Return the key the storekeeper's count of one material is given under."""
    return f"{item}｜{spec or ''}"  # i18n: data (a key, split again by _book_differences)


def _day_range(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), OFFICE_TZ)
    return start, start + timedelta(days=1)


def _sheet_in(session: Session, day: date) -> Sheet:
    start, end = _day_range(day)
    issued_today = select(MaterialIssue.repair_order_id).where(
        MaterialIssue.issued_at >= start, MaterialIssue.issued_at < end
    )
    orders = session.scalars(
        select(RepairOrder)
        .options(selectinload(RepairOrder.unit), selectinload(RepairOrder.materials))
        .where(
            or_(
                (RepairOrder.state == "accepted") & (RepairOrder.accepted_at < end),
                RepairOrder.id.in_(issued_today),
            )
        )
        .order_by(RepairOrder.number)
    ).all()
    names = staff_names(session)
    slips = [_sheet_slip(o, names, start, end) for o in orders]
    items = _items(orders, start, end)
    differences = [tr("{0}：{p}").format(s.number, p=p) for s in slips for p in s.problems]
    return Sheet(day, slips, items, sum(i.amount_fen for i in items), differences)


def _sheet_slip(o: RepairOrder, names: dict[int, str], start: datetime, end: datetime) -> SheetSlip:
    workflow = workflow_of(o.kind)
    issued = sum(m.amount_fen for m in o.materials)
    today = [
        f"{m.item}{(' ' + m.spec) if m.spec else ''} × {format_quantity(m.quantity_milli)}"
        for m in o.materials
        if start <= m.issued_at < end
    ]
    problems: list[str] = []
    if o.state in _CLOSED_WITHOUT_WORK and issued:
        problems.append(
            tr("{0}，但领用材料 {1} 元，须退回仓库").format(
                workflow.state_label(o.state), format_yuan(issued)
            )
        )
    elif o.state not in ("accepted", "reconciled", "archived") and today:
        problems.append(tr("已领料，尚未完工验收（次日继续核对）"))
    if o.kind == "paid" and o.state == "accepted" and issued != (o.quote_material_fen or 0):
        quoted = o.quote_material_fen or 0
        problems.append(
            tr("领料 {0} 元与报价材料费 {1} 元相差 {2} 元").format(
                format_yuan(issued), format_yuan(quoted), format_yuan(abs(issued - quoted))
            )
        )
    return SheetSlip(
        id=o.id,
        number=o.number,
        kind_label=tr("有偿") if o.kind == "paid" else tr("维修"),
        state_label=workflow.state_label(o.state),
        engineer=names.get(o.engineer_id or 0, ""),
        place=o.unit.code if o.unit else (o.facility or ""),
        quoted_material_fen=o.quote_material_fen if o.kind == "paid" else None,
        issued_fen=issued,
        issued_today=today,
        problems=problems,
        ready=o.state == "accepted",
    )


def _items(orders: Sequence[RepairOrder], start: datetime, end: datetime) -> list[SheetItem]:
    totals: dict[str, tuple[str, str, int, int, list[str]]] = {}
    for o in orders:
        for m in o.materials:
            if not start <= m.issued_at < end:
                continue
            key = item_key(m.item, m.spec)
            item, spec, qty, amount, slips = totals.get(key, (m.item, m.spec or "", 0, 0, []))
            if o.number not in slips:
                slips.append(o.number)
            totals[key] = (item, spec, qty + m.quantity_milli, amount + m.amount_fen, slips)
    return [SheetItem(k, *v) for k, v in sorted(totals.items())]


def _book_differences(items: list[SheetItem], counts: dict[str, object]) -> list[str]:
    """Compare the storekeeper's book (出库数) with what the slips drew, item by item."""
    errors: dict[str, str] = {}
    lines: list[str] = []
    known = {i.key: i for i in items}
    for key, raw in counts.items():
        if raw is None or not str(raw).strip():
            continue
        try:
            counted = (
                parse_quantity(raw, f"count.{key}", tr("出库数")) if str(raw).strip() != "0" else 0
            )
        except ValidationError as exc:
            errors[f"count.{key}"] = exc.message
            continue
        drawn = known[key].quantity_milli if key in known else 0
        if counted != drawn:
            name = key.replace("｜", " ").strip()  # i18n: data (the key of item_key)
            lines.append(
                tr("{name}：仓库出库 {0}，维修单领料 {1}").format(
                    format_quantity(counted), format_quantity(drawn), name=name
                )
            )
    if errors:
        raise FormErrors(errors)
    return lines


def reconciliation_sheet(
    office: OfficeFile,
    actor: Actor,
    day: date,
    *,
    counts: dict[str, object] | None = None,
) -> Sheet:
    """Return the day's sheet: slips, materials per item, differences, and who signed it."""
    require(actor, "repairs.reconcile")
    with office.transaction() as session:
        signed = session.scalar(select(Reconciliation).where(Reconciliation.day == day))
        sheet = _sheet_in(session, day)
        book = _book_differences(sheet.items, counts or {})
        if signed is None:
            return Sheet(**{**sheet.__dict__, "book_differences": book})
        names = staff_names(session)
        return Sheet(
            day,
            sheet.slips,
            sheet.items,
            sheet.material_fen,
            json.loads(signed.differences),
            signed.signed_at,
            names.get(signed.eng_supervisor_id, ""),
            names.get(signed.storekeeper_id, ""),
            signed.note,
            book,
        )


def sign_reconciliation(
    office: OfficeFile,
    supervisor: Actor,
    day: date,
    *,
    storekeeper: Actor,
    counts: dict[str, object] | None = None,
    note: str | None = None,
    supervisor_png: bytes | None = None,
    storekeeper_png: bytes | None = None,
    now: datetime | None = None,
) -> Sheet:
    """Sign off the day: the accepted slips become reconciled; differences need a note."""
    require(supervisor, "repairs.reconcile")
    if supervisor.role != Role.eng_supervisor:
        raise TransitionRefused(tr("每日核对须由工程部主管签字"))
    if storekeeper.role != Role.storekeeper:
        raise TransitionRefused(tr("每日核对须由仓管员一同签字"))
    now = stamp_time(now)
    if day > now.astimezone(OFFICE_TZ).date():
        raise ValidationError("day", tr("不能核对未来的日期"))
    text = check_text("note", note, tr("核对说明"), required=False)
    with office.transaction() as session:
        if session.scalar(select(Reconciliation.id).where(Reconciliation.day == day)):
            raise UserError(
                tr("{day:%Y-%m-%d} 已核对签字；之后验收的维修单请在次日核对").format(day=day)
            )
        sheet = _sheet_in(session, day)
        differences = sheet.differences + _book_differences(sheet.items, counts or {})
        if differences and not text:
            raise ValidationError("note", tr("核对有差异，请填写差异说明"))
        ready = [s for s in sheet.slips if s.ready]
        if not ready and not sheet.items:
            raise UserError(tr("{day:%Y-%m-%d} 没有待核对的维修单").format(day=day))
        record = _signed_record(
            session, supervisor, storekeeper, day, sheet, differences, text, now
        )
        record.supervisor_signature_id = _maybe_sign(session, supervisor, supervisor_png, now)
        record.storekeeper_signature_id = _maybe_sign(session, storekeeper, storekeeper_png, now)
        session.flush()
        for slip in ready:
            order = session.get(RepairOrder, slip.id)
            assert order is not None
            order.state = workflow_of(order.kind).next_state(
                order.state, "reconcile", supervisor.role
            )
            order.reconciled_at, order.reconciled_by_id = now, supervisor.staff_id
            order.reconciliation_id = record.id
        detail = tr("{0} 张维修单，差异 {1} 项，仓管员 {2}").format(
            len(ready), len(differences), storekeeper.name
        )
        write_audit(
            session, supervisor, "repair.reconcile", f"reconciliation:{day:%Y-%m-%d}", detail
        )
    return reconciliation_sheet(office, supervisor, day)


def _signed_record(
    session: Session,
    supervisor: Actor,
    storekeeper: Actor,
    day: date,
    sheet: Sheet,
    differences: list[str],
    note: str | None,
    now: datetime,
) -> Reconciliation:
    if supervisor.staff_id is None or storekeeper.staff_id is None:
        raise UserError(tr("每日核对须由工程部主管和仓管员本人签字"))
    record = Reconciliation(
        day=day,
        eng_supervisor_id=supervisor.staff_id,
        storekeeper_id=storekeeper.staff_id,
        signed_at=now,
        slip_count=sum(1 for s in sheet.slips if s.ready),
        material_fen=sheet.material_fen,
        differences=json.dumps(differences, ensure_ascii=False),
        note=note,
    )
    session.add(record)
    return record


def _maybe_sign(session: Session, actor: Actor, png: bytes | None, now: datetime) -> int | None:
    if not png:
        return None
    signature = store_signature(
        session,
        png,
        signer_name=actor.name,
        signer_staff_id=actor.staff_id,
        purpose="repair.reconcile",
        at=now,
    )
    return signature.id
