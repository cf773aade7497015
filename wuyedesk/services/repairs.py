"""Repair slips (工程维修单, WX-) and paid-service slips (有偿服务单, YC-), step by step.

Each step is one function and one transaction, taken by the person named as
`actor`: on the shared PC that is whoever signed in for the step with their
PIN (`staff.verify_signer`), not necessarily the clerk at the desk. The
household's own steps (approve the quote, refuse it, accept the work) are
recorded by the desk with the household's drawn signature.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wuyedesk.domain.errors import FormErrors, TransitionRefused, ValidationError
from wuyedesk.domain.kinds import RepairCategory, RepairKind, ReportChannel, Satisfaction
from wuyedesk.domain.money import format_yuan, parse_yuan
from wuyedesk.domain.roles import ROLE_LABELS, Role
from wuyedesk.domain.sla import STEP_LABELS, arrival_late
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.entries import (
    acting_staff_id,
    check_text,
    check_time,
    office_year,
    read_caller,
    stamp_time,
    write_audit,
)
from wuyedesk.services.permissions import require
from wuyedesk.services.records import load_for_edit
from wuyedesk.services.repair_lines import read_lines
from wuyedesk.services.repair_views import (
    RepairView,
    get_repair,
    list_repairs,
    view_repair,
    workflow_of,
)
from wuyedesk.services.settings import get_rules
from wuyedesk.services.signatures import store_signature
from wuyedesk.store.models import MaterialIssue, QuoteLine, RepairOrder, Staff
from wuyedesk.store.numbering import next_number
from wuyedesk.store.office_file import OfficeFile

__all__ = [
    "RepairView",
    "accept_repair",
    "approve_quote",
    "archive_repair",
    "complete_repair",
    "dispatch_repair",
    "get_repair",
    "issue_materials",
    "list_repairs",
    "open_repair",
    "quote_repair",
    "receive_repair",
    "record_arrival",
    "refuse_quote",
    "return_repair",
    "stamp_payment",
    "void_repair",
]
Apply = Callable[[RepairOrder, datetime, Session], str]
_FACILITY_LIMIT = 100


def _validate(session: Session, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = read_caller(session, data, "reporter_name", errors)
    if data.get("kind") not in RepairKind.__members__:
        errors["kind"] = tr("请选择工程维修单或有偿服务单")
    clean["kind"] = data.get("kind")
    try:
        at = data.get("reported_at")
        clean["reported_at"] = (
            now if at is None else check_time("reported_at", at, now, tr("报修时间"))
        )
    except ValidationError as exc:
        errors["reported_at"] = exc.message
    channel = data.get("channel") or ReportChannel.phone.value
    if channel not in ReportChannel.__members__:
        errors["channel"] = tr("请选择报修方式")
    clean["channel"] = channel
    try:
        facility = check_text("facility", data.get("facility"), tr("公共部位"), required=False)
        if facility and len(facility) > _FACILITY_LIMIT:
            raise ValidationError(
                "facility",
                tr("公共部位最多 {_FACILITY_LIMIT} 个字").format(_FACILITY_LIMIT=_FACILITY_LIMIT),
            )
        clean["facility"] = facility
    except ValidationError as exc:
        errors["facility"] = exc.message
    if (
        clean["unit"] is None
        and not clean.get("facility")
        and not {"unit", "facility"} & set(errors)
    ):
        errors["unit"] = errors["facility"] = tr("请填写房号，或写明公共部位")
    if clean["unit"] is not None and clean.get("facility"):
        errors["facility"] = tr("房号和公共部位只填一项")
    if not clean.get("phone") and "phone" not in errors:
        errors["phone"] = tr("联系电话不能为空")
    if data.get("category") not in RepairCategory.__members__:
        errors["category"] = tr("请选择报修类别")
    clean["category"] = data.get("category")
    try:
        clean["content"] = check_text("content", data.get("content"), tr("报修内容"), required=True)
    except ValidationError as exc:
        errors["content"] = exc.message
    appointment = data.get("appointment_at")
    if appointment is not None and (
        not isinstance(appointment, datetime) or appointment.utcoffset() is None
    ):
        errors["appointment_at"] = tr("预约上门时间格式不正确")
    elif appointment is not None and "reported_at" in clean and appointment < clean["reported_at"]:
        errors["appointment_at"] = tr("预约上门时间不能早于报修时间")
    clean["appointment_at"] = appointment
    if errors:
        raise FormErrors(errors)
    return clean


def open_repair(
    office: OfficeFile, actor: Actor, data: dict[str, Any], *, now: datetime | None = None
) -> RepairView:
    """Open a repair slip (WX-) or a paid-service slip (YC-) from the household's report."""
    require(actor, "repairs.open")
    rules = get_rules(office)
    now = stamp_time(now)
    with office.transaction() as session:
        clean = _validate(session, data, now)
        workflow = workflow_of(clean["kind"])
        state = workflow.start(actor.role)
        at: datetime = clean["reported_at"]
        order = RepairOrder(
            number=next_number(session, f"repair_{clean['kind']}", office_year(at)),
            state=state,
            created_at=now,
            kind=clean["kind"],
            reported_at=at,
            channel=clean["channel"],
            unit_id=clean["unit"].id if clean["unit"] else None,
            facility=clean["facility"],
            reporter_name=clean["reporter_name"],
            phone=clean["phone"],
            category=clean["category"],
            content=clean["content"],
            appointment_at=clean["appointment_at"],
            opened_by_id=acting_staff_id(session, actor),
        )
        session.add(order)
        session.flush()
        detail = f"{RepairKind(order.kind).label} {RepairCategory(order.category).label}"
        write_audit(session, actor, "repair.open", f"repair:{order.number}", detail)
        return view_repair(session, order, rules, now)


def _step(
    office: OfficeFile,
    actor: Actor,
    order_id: int,
    version: int,
    now: datetime | None,
    action: str,
    apply: Apply,
) -> RepairView:
    """Run one step: stale check, the workflow's word (state and role), change, audit, view."""
    require(actor, "repairs.work")
    rules = get_rules(office)
    now = stamp_time(now)
    with office.transaction() as session:
        order = load_for_edit(session, RepairOrder, order_id, version, tr("维修单"))
        target = workflow_of(order.kind).next_state(order.state, action, actor.role)
        detail = apply(order, now, session)
        order.state = target
        session.flush()
        write_audit(session, actor, f"repair.{action}", f"repair:{order.number}", detail)
        return view_repair(session, order, rules, now)


def _time_after(
    field: str, at: datetime | None, now: datetime, after: datetime | None, step: str
) -> datetime:
    """Return the step's time (now unless typed), not before the step it follows."""
    when = (
        now if at is None else check_time(field, at, now, tr("{0}时间").format(STEP_LABELS[step]))
    )
    if after is not None and when < after:
        raise ValidationError(field, tr("{0}时间不能早于上一步的时间").format(STEP_LABELS[step]))
    return when


def receive_repair(
    office: OfficeFile,
    actor: Actor,
    order_id: int,
    *,
    version: int,
    signature_png: bytes | None,
    now: datetime | None = None,
) -> RepairView:
    """Engineering takes the slip: the receiver signs, the receive time is stamped."""

    def apply(o: RepairOrder, now: datetime, session: Session) -> str:
        signature = store_signature(
            session,
            signature_png,
            signer_name=actor.name,
            signer_staff_id=actor.staff_id,
            purpose="repair.receive",
            at=now,
        )
        o.received_by_id = acting_staff_id(session, actor)
        o.received_at = max(now, o.reported_at)
        o.receiver_signature_id = signature.id
        return tr("接单签字")

    return _step(office, actor, order_id, version, now, "receive", apply)


def quote_repair(
    office: OfficeFile,
    actor: Actor,
    order_id: int,
    lines: list[dict[str, Any]],
    *,
    version: int,
    now: datetime | None = None,
) -> RepairView:
    """Engineering prices paid work: labour and material lines; a new quote replaces the old."""
    clean = read_lines(lines, quote=True)
    if not sum(line["amount_fen"] for line in clean):
        raise ValidationError("lines", tr("报价合计不能为零"))

    def apply(o: RepairOrder, now: datetime, session: Session) -> str:
        o.quote_lines.clear()
        for line in clean:
            o.quote_lines.append(QuoteLine(**{k: line[k] for k in _QUOTE_KEYS}))
        o.quote_labour_fen = sum(x["amount_fen"] for x in clean if x["kind"] == "labour")
        o.quote_material_fen = sum(x["amount_fen"] for x in clean if x["kind"] == "material")
        o.quoted_at = now
        return tr("人工费 {0} 材料费 {1}").format(
            format_yuan(o.quote_labour_fen), format_yuan(o.quote_material_fen)
        )

    return _step(office, actor, order_id, version, now, "quote", apply)


_QUOTE_KEYS = ("kind", "item", "quantity_milli", "unit_price_fen", "amount_fen")


def approve_quote(
    office: OfficeFile,
    actor: Actor,
    order_id: int,
    *,
    version: int,
    signer_name: str,
    signature_png: bytes | None,
    now: datetime | None = None,
) -> RepairView:
    """The household agrees to the quote and signs; the desk records it."""

    def apply(o: RepairOrder, now: datetime, session: Session) -> str:
        signature = store_signature(
            session,
            signature_png,
            signer_name=signer_name,
            signer_staff_id=None,
            purpose="repair.approve",
            at=now,
        )
        o.approval_signature_id, o.approved_at = signature.id, now
        total = (o.quote_labour_fen or 0) + (o.quote_material_fen or 0)
        return tr("{0} 确认报价 {1} 元").format(signature.signer_name, format_yuan(total))

    return _step(office, actor, order_id, version, now, "approve", apply)


def stamp_payment(
    office: OfficeFile,
    actor: Actor,
    order_id: int,
    *,
    version: int,
    receipt_no: str,
    amount: object,
    now: datetime | None = None,
) -> RepairView:
    """Finance takes the quoted fee and stamps the slip: receipt number, amount, who, when."""
    errors: dict[str, str] = {}
    receipt = str(receipt_no or "").strip()
    if not receipt:
        errors["receipt_no"] = tr("收据号不能为空")
    elif len(receipt) > 30:
        errors["receipt_no"] = tr("收据号最多 30 个字符")
    try:
        paid = parse_yuan(amount, "amount", tr("收款金额"), allow_zero=False)
    except ValidationError as exc:
        errors["amount"] = exc.message
    if errors:
        raise FormErrors(errors)

    def apply(o: RepairOrder, now: datetime, session: Session) -> str:
        total = (o.quote_labour_fen or 0) + (o.quote_material_fen or 0)
        if paid != total:
            raise ValidationError(
                "amount",
                tr("收款金额 {0} 元与报价合计 {1} 元不符").format(
                    format_yuan(paid), format_yuan(total)
                ),
            )
        used = session.scalar(
            select(RepairOrder.number).where(
                RepairOrder.receipt_no == receipt, RepairOrder.id != o.id
            )
        )
        if used is not None:
            raise ValidationError(
                "receipt_no",
                tr("收据号 {receipt} 已用于 {used}").format(receipt=receipt, used=used),
            )
        o.receipt_no, o.paid_fen, o.stamped_at = receipt, paid, now
        o.finance_id = acting_staff_id(session, actor)
        return tr("收据 {receipt} 收款 {0} 元").format(format_yuan(paid), receipt=receipt)

    return _step(office, actor, order_id, version, now, "pay", apply)


def refuse_quote(
    office: OfficeFile,
    actor: Actor,
    order_id: int,
    reason: str,
    *,
    version: int,
    now: datetime | None = None,
) -> RepairView:
    """The household declines the quote: the paid-service slip closes with the reason."""
    text = check_text("reason", reason, tr("拒绝原因"), required=True)
    return _step(office, actor, order_id, version, now, "refuse", _closing(text))


def return_repair(
    office: OfficeFile,
    actor: Actor,
    order_id: int,
    reason: str,
    *,
    version: int,
    now: datetime | None = None,
) -> RepairView:
    """Send a slip back (退单): it keeps its number and says why."""
    text = check_text("reason", reason, tr("退单原因"), required=True)
    return _step(office, actor, order_id, version, now, "return", _closing(text))


def _closing(text: str | None) -> Apply:
    def apply(o: RepairOrder, now: datetime, session: Session) -> str:
        o.close_reason, o.closed_at = text, now
        return text or ""

    return apply


def void_repair(
    office: OfficeFile,
    actor: Actor,
    order_id: int,
    reason: str,
    *,
    version: int,
    now: datetime | None = None,
) -> RepairView:
    """Void a slip opened by mistake; it keeps its number and stays in the books."""
    text = check_text("void_reason", reason, tr("作废原因"), required=True)

    def apply(o: RepairOrder, now: datetime, session: Session) -> str:
        o.void_reason, o.voided_at = text, now
        return text or ""

    return _step(office, actor, order_id, version, now, "void", apply)


def dispatch_repair(
    office: OfficeFile,
    actor: Actor,
    order_id: int,
    engineer_id: int,
    *,
    version: int,
    now: datetime | None = None,
) -> RepairView:
    """Give the slip to an engineer; the 5-minute arrival clock starts now."""

    def apply(o: RepairOrder, now: datetime, session: Session) -> str:
        engineer = session.get(Staff, engineer_id)
        if engineer is None or not engineer.active:
            raise ValidationError("engineer", tr("请选择维修人员"))
        if Role(engineer.role) not in (Role.engineer, Role.eng_supervisor):
            label = ROLE_LABELS[Role(engineer.role)]
            raise ValidationError(
                "engineer", tr("{0}是{label}，不能派工维修").format(engineer.name, label=label)
            )
        o.engineer_id, o.dispatched_at = engineer.id, max(now, o.received_at or now)
        o.dispatched_by_id = acting_staff_id(session, actor)
        return tr("派给 {0}").format(engineer.name)

    return _step(office, actor, order_id, version, now, "dispatch", apply)


def issue_materials(
    office: OfficeFile,
    actor: Actor,
    order_id: int,
    lines: list[dict[str, Any]],
    *,
    version: int,
    now: datetime | None = None,
) -> RepairView:
    """The storekeeper issues materials for the slip (领料); a second trip adds more lines."""
    clean = read_lines(lines, quote=False)

    def apply(o: RepairOrder, now: datetime, session: Session) -> str:
        storekeeper = acting_staff_id(session, actor)
        for line in clean:
            o.materials.append(
                MaterialIssue(
                    item=line["item"],
                    spec=line["spec"],
                    quantity_milli=line["quantity_milli"],
                    unit_price_fen=line["unit_price_fen"],
                    amount_fen=line["amount_fen"],
                    storekeeper_id=storekeeper,
                    issued_at=now,
                )
            )
        total = sum(line["amount_fen"] for line in clean)
        return tr("{0} 项材料，{1} 元").format(len(clean), format_yuan(total))

    return _step(office, actor, order_id, version, now, "issue_materials", apply)


def record_arrival(
    office: OfficeFile,
    actor: Actor,
    order_id: int,
    *,
    version: int,
    at: datetime | None = None,
    now: datetime | None = None,
) -> RepairView:
    """Stamp the engineer's arrival on site; a late arrival is flagged under today's rule."""
    rules = get_rules(office)

    def apply(o: RepairOrder, now: datetime, session: Session) -> str:
        o.arrived_at = _time_after("arrived_at", at, now, o.dispatched_at, "arrived")
        assert o.dispatched_at is not None  # the workflow only arrives after dispatch
        o.arrival_late = arrival_late(o.dispatched_at, o.arrived_at, rules)
        minutes = int((o.arrived_at - o.dispatched_at).total_seconds() // 60)
        return tr("派工后 {minutes} 分钟到场").format(minutes=minutes) + (
            tr("（超时）") if o.arrival_late else ""
        )

    return _step(office, actor, order_id, version, now, "arrive", apply)


def complete_repair(
    office: OfficeFile,
    actor: Actor,
    order_id: int,
    description: str,
    *,
    version: int,
    at: datetime | None = None,
    now: datetime | None = None,
) -> RepairView:
    """The engineer finishes and describes what was done."""
    text = check_text("work_description", description, tr("维修情况说明"), required=True)

    def apply(o: RepairOrder, now: datetime, session: Session) -> str:
        o.completed_at = _time_after("completed_at", at, now, o.arrived_at, "completed")
        o.work_description = text
        return text or ""

    return _step(office, actor, order_id, version, now, "complete", apply)


def accept_repair(
    office: OfficeFile,
    actor: Actor,
    order_id: int,
    *,
    version: int,
    signer_name: str,
    signature_png: bytes | None,
    satisfaction: str,
    remarks: str | None = None,
    now: datetime | None = None,
) -> RepairView:
    """The household tries the repair and signs on the screen, with satisfaction and remarks."""
    errors: dict[str, str] = {}
    if satisfaction not in Satisfaction.__members__:
        errors["satisfaction"] = tr("请选择满意度")
    try:
        text = check_text("household_remarks", remarks, tr("住户意见"), required=False)
    except ValidationError as exc:
        errors["household_remarks"] = exc.message
    if satisfaction == Satisfaction.dissatisfied and not errors and not text:
        errors["household_remarks"] = tr("住户不满意时请记录住户的意见")
    if errors:
        raise FormErrors(errors)

    def apply(o: RepairOrder, now: datetime, session: Session) -> str:
        signature = store_signature(
            session,
            signature_png,
            signer_name=signer_name,
            signer_staff_id=None,
            purpose="repair.accept",
            at=now,
        )
        o.acceptance_signature_id, o.accepted_at = signature.id, now
        o.satisfaction, o.household_remarks = satisfaction, text
        if o.completed_at is not None and now < o.completed_at:
            raise TransitionRefused(tr("验收时间不能早于完工时间"))
        return tr("{0} 验收，{1}").format(signature.signer_name, Satisfaction(satisfaction).label)

    return _step(office, actor, order_id, version, now, "accept", apply)


def archive_repair(
    office: OfficeFile,
    actor: Actor,
    order_id: int,
    *,
    version: int,
    now: datetime | None = None,
) -> RepairView:
    """The clerk files a reconciled slip (文员归档)."""

    def apply(o: RepairOrder, now: datetime, session: Session) -> str:
        o.archived_at, o.archived_by_id = now, acting_staff_id(session, actor)
        return tr("归档")

    return _step(office, actor, order_id, version, now, "archive", apply)
