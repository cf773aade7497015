"""Repair and paid-service slips as screens read them: one slip, its next steps, the lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Protocol, cast

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from wuyedesk.domain.errors import PermissionDenied, TransitionRefused, UserError
from wuyedesk.domain.kinds import RepairCategory, RepairKind, ReportChannel, Satisfaction
from wuyedesk.domain.roles import MANAGERS, Role
from wuyedesk.domain.sla import OFFICE_TZ, Rules, arrival_due, is_overdue, relay_due
from wuyedesk.domain.validators import mask_phone
from wuyedesk.domain.workflows import REPAIR_FREE, REPAIR_PAID, Workflow
from wuyedesk.i18n import tr
from wuyedesk.services.context import Actor
from wuyedesk.services.entries import day_bounds, staff_names, stamp_time, write_audit
from wuyedesk.services.overdue import shown_time
from wuyedesk.services.paging import PAGE_SIZE, Cursor, Page, Tally, collect, ordered_after
from wuyedesk.services.permissions import allowed, require
from wuyedesk.services.records import load_for_edit
from wuyedesk.services.settings import get_rules
from wuyedesk.store.models import RepairOrder, Signature, Unit
from wuyedesk.store.office_file import OfficeFile

# Who signs a step on the shared PC: the household (drawing, no PIN), a member of
# staff as themselves (name + PIN, drawing when the paper has a box), or the desk.
HOUSEHOLD_STEPS = frozenset({"approve", "refuse", "accept"})
DRAWN_STEPS = frozenset({"receive", "approve", "accept"})
ENGINEERING = frozenset({Role.eng_supervisor, Role.engineer})
# Steps the slip screen offers as buttons (reconcile runs from the daily sheet).
_SCREEN_STEPS = (
    "receive",
    "quote",
    "approve",
    "refuse",
    "pay",
    "dispatch",
    "issue_materials",
    "arrive",
    "complete",
    "accept",
    "archive",
    "return",
    "void",
)
# Work steps shown before their time, so that pressing one says why it must wait.
_SHOWN_EARLY = ("dispatch", "arrive")


def workflow_of(kind: str) -> Workflow:
    """Return the life of a free repair slip or of a paid-service slip."""
    return REPAIR_PAID if kind == RepairKind.paid else REPAIR_FREE


@dataclass(frozen=True)
class StepOffer:
    """A step the slip may take now (or is waiting for), and who must sign it."""

    action: str
    label: str
    roles: frozenset[Role]
    signer: str  # "household" | "staff"
    drawing: bool
    needs_reason: bool
    refusal: str | None  # why it cannot be taken yet (shown when pressed)


@dataclass(frozen=True)
class LineView:
    """One quote line or one material issue, money in fen."""

    kind: str
    kind_label: str
    item: str
    spec: str
    quantity_milli: int
    unit_price_fen: int
    amount_fen: int
    by: str
    at: datetime | None


@dataclass(frozen=True)
class RepairView:
    """One slip as the screen and the lists show it: phone masked, steps offered."""

    id: int
    number: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    reported_at: datetime
    channel_label: str
    unit_code: str | None
    building_id: int | None
    facility: str | None
    place: str
    reporter_name: str
    phone: str
    category: str
    category_label: str
    content: str
    appointment_at: datetime | None
    opened_by: str
    received_by: str
    received_by_id: int | None
    received_at: datetime | None
    engineer_id: int | None
    engineer: str
    dispatched_at: datetime | None
    quote_lines: list[LineView]
    quote_labour_fen: int | None
    quote_material_fen: int | None
    quote_total_fen: int | None
    quoted_at: datetime | None
    approved_at: datetime | None
    approved_by: str
    receipt_no: str | None
    paid_fen: int | None
    finance: str
    stamped_at: datetime | None
    materials: list[LineView]
    material_total_fen: int
    arrival_due: datetime | None
    arrived_at: datetime | None
    arrival_late: bool | None
    work_description: str | None
    completed_at: datetime | None
    accepted_at: datetime | None
    accepted_by: str
    satisfaction: str | None
    satisfaction_label: str
    household_remarks: str | None
    reconciled_at: datetime | None
    reconciled_by: str
    archived_at: datetime | None
    archived_by: str
    close_reason: str | None
    closed_at: datetime | None
    void_reason: str | None
    signatures: dict[str, bytes]
    overdue: list[str]
    steps: list[StepOffer]
    version: int

    @property
    def is_paid(self) -> bool:
        """Tell whether this is a paid-service slip (有偿服务单)."""
        return self.kind == RepairKind.paid

    @property
    def is_final(self) -> bool:
        """Tell whether the slip's life is over (archived, returned, refused or void)."""
        return self.state in workflow_of(self.kind).final


class SlipTimes(Protocol):
    """What repair_overdue reads of a slip: a RepairOrder, or a row of these columns."""

    @property
    def kind(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def dispatched_at(self) -> datetime | None: ...
    @property
    def arrived_at(self) -> datetime | None: ...
    @property
    def appointment_at(self) -> datetime | None: ...
    @property
    def accepted_at(self) -> datetime | None: ...


def repair_overdue(order: SlipTimes, rules: Rules, now: datetime) -> list[str]:
    """Return why an open slip is overdue (empty when it is not), in Chinese."""
    if order.state in workflow_of(order.kind).final:
        return []
    reasons: list[str] = []
    due = relay_due(order.created_at, rules)
    if order.state == "opened" and is_overdue(due, None, now):
        reasons.append(
            tr("开单超过 {0} 分钟无人接单（应于 {1} 前）").format(
                rules.relay_minutes, shown_time(due)
            )
        )
    if order.dispatched_at is not None and order.arrived_at is None:
        due = arrival_due(order.dispatched_at, rules)
        if is_overdue(due, None, now):
            reasons.append(
                tr("派工超过 {0} 分钟仍未到场（应于 {1} 前）").format(
                    rules.arrival_minutes, shown_time(due)
                )
            )
    if order.appointment_at is not None and order.arrived_at is None and now > order.appointment_at:
        reasons.append(tr("已过预约上门时间 {0}").format(shown_time(order.appointment_at)))
    if order.state == "accepted" and order.accepted_at is not None:
        day = order.accepted_at.astimezone(OFFICE_TZ).date()
        due = datetime.combine(day + timedelta(days=2), time(), OFFICE_TZ)
        if now >= due:
            reasons.append(tr("验收后超过一天未做每日核对"))
    return reasons


def arrival_minutes(view: RepairView) -> int | None:
    """Return the whole minutes from the slip reaching the engineer to arrival."""
    if view.dispatched_at is None or view.arrived_at is None:
        return None
    return int((view.arrived_at - view.dispatched_at).total_seconds() // 60)


def step_offers(order: RepairOrder) -> list[StepOffer]:
    """Return the steps this slip may take now, plus the work steps it is waiting for."""
    return list(_offers(order.kind, order.state))


@cache
def _offers(kind: str, state: str) -> tuple[StepOffer, ...]:
    # The offers follow from the kind and the state alone: a list works each pair out once.
    workflow = workflow_of(kind)
    offers: list[StepOffer] = []
    for action in _SCREEN_STEPS:
        if action not in {t.action for t in workflow.transitions}:
            continue
        step = workflow.transition(action)
        refusal = None
        if state not in step.sources:
            if action not in _SHOWN_EARLY or state in workflow.final:
                continue
            if state not in ("opened", "received", "quoted", "approved", "paid"):
                continue
            # Ask the workflow with a role that may take the step: the reason is the state.
            try:
                workflow.next_state(state, action, next(iter(step.roles)))
            except TransitionRefused as exc:
                refusal = exc.message
        offers.append(
            StepOffer(
                action=action,
                label=step.label,
                roles=step.roles,
                signer="household" if action in HOUSEHOLD_STEPS else "staff",
                drawing=action in DRAWN_STEPS,
                needs_reason=step.requires_reason,
                refusal=refusal,
            )
        )
    return tuple(offers)


def _lines(order: RepairOrder, names: dict[int, str]) -> tuple[list[LineView], list[LineView]]:
    quote = [
        LineView(
            line.kind,
            tr("人工") if line.kind == "labour" else tr("材料"),
            line.item,
            "",
            line.quantity_milli,
            line.unit_price_fen,
            line.amount_fen,
            "",
            None,
        )
        for line in sorted(order.quote_lines, key=lambda q: q.id)
    ]
    materials = [
        LineView(
            "material",
            tr("材料"),
            m.item,
            m.spec or "",
            m.quantity_milli,
            m.unit_price_fen,
            m.amount_fen,
            names.get(m.storekeeper_id or 0, ""),
            m.issued_at,
        )
        for m in sorted(order.materials, key=lambda m: m.id)
    ]
    return quote, materials


def _signatures(session: Session, order: RepairOrder) -> tuple[dict[str, bytes], dict[str, str]]:
    wanted = {
        "receiver": order.receiver_signature_id,
        "approval": order.approval_signature_id,
        "acceptance": order.acceptance_signature_id,
    }
    pngs: dict[str, bytes] = {}
    signers: dict[str, str] = {}
    for key, signature_id in wanted.items():
        if signature_id is None:
            continue
        signature = session.get(Signature, signature_id)
        if signature is not None:
            pngs[key], signers[key] = signature.png, signature.signer_name
    return pngs, signers


def view_repair(
    session: Session,
    order: RepairOrder,
    rules: Rules,
    now: datetime,
    names: dict[int, str] | None = None,
    *,
    with_signatures: bool = True,
) -> RepairView:
    """Return one slip's view inside an open transaction."""
    names = names if names is not None else staff_names(session)
    workflow = workflow_of(order.kind)
    quote, materials = _lines(order, names)
    pngs, signers = _signatures(session, order) if with_signatures else ({}, {})
    labour, material = order.quote_labour_fen, order.quote_material_fen
    total = None if labour is None and material is None else (labour or 0) + (material or 0)
    return RepairView(
        id=order.id,
        number=order.number,
        kind=order.kind,
        kind_label=RepairKind(order.kind).label,
        state=order.state,
        state_label=workflow.state_label(order.state),
        reported_at=order.reported_at,
        channel_label=ReportChannel(order.channel).label,
        unit_code=order.unit.code if order.unit else None,
        building_id=order.unit.building_id if order.unit else None,
        facility=order.facility,
        place=order.unit.code if order.unit else tr("公共部位：{0}").format(order.facility or ""),
        reporter_name=order.reporter_name,
        phone=mask_phone(order.phone),
        category=order.category,
        category_label=RepairCategory(order.category).label,
        content=order.content,
        appointment_at=order.appointment_at,
        opened_by=names.get(order.opened_by_id, ""),
        received_by=names.get(order.received_by_id or 0, ""),
        received_by_id=order.received_by_id,
        received_at=order.received_at,
        engineer_id=order.engineer_id,
        engineer=names.get(order.engineer_id or 0, ""),
        dispatched_at=order.dispatched_at,
        quote_lines=quote,
        quote_labour_fen=labour,
        quote_material_fen=material,
        quote_total_fen=total,
        quoted_at=order.quoted_at,
        approved_at=order.approved_at,
        approved_by=signers.get("approval", ""),
        receipt_no=order.receipt_no,
        paid_fen=order.paid_fen,
        finance=names.get(order.finance_id or 0, ""),
        stamped_at=order.stamped_at,
        materials=materials,
        material_total_fen=sum(m.amount_fen for m in materials),
        arrival_due=arrival_due(order.dispatched_at, rules) if order.dispatched_at else None,
        arrived_at=order.arrived_at,
        arrival_late=order.arrival_late,
        work_description=order.work_description,
        completed_at=order.completed_at,
        accepted_at=order.accepted_at,
        accepted_by=signers.get("acceptance", ""),
        satisfaction=order.satisfaction,
        satisfaction_label=Satisfaction(order.satisfaction).label if order.satisfaction else "",
        household_remarks=order.household_remarks,
        reconciled_at=order.reconciled_at,
        reconciled_by=names.get(order.reconciled_by_id or 0, ""),
        archived_at=order.archived_at,
        archived_by=names.get(order.archived_by_id or 0, ""),
        close_reason=order.close_reason,
        closed_at=order.closed_at,
        void_reason=order.void_reason,
        signatures=pngs,
        overdue=repair_overdue(order, rules, now),
        steps=step_offers(order),
        version=order.version,
    )


def get_repair(
    office: OfficeFile, actor: Actor, order_id: int, *, now: datetime | None = None
) -> RepairView:
    """Return one slip with its lines, signatures, overdue reasons and offered steps."""
    require(actor, "repairs.view")
    rules = get_rules(office)
    with office.transaction() as session:
        order = load_for_edit(session, RepairOrder, order_id, None, tr("维修单"))
        return view_repair(session, order, rules, stamp_time(now))


OTHERS_SLIP = tr("只能查看派给您或由您接单的维修单上的完整电话")


def may_reveal_phone(actor: Actor, slip: RepairView | RepairOrder) -> bool:
    """Tell whether the actor may see this slip's full phone.

    The roles of "repairs.reveal" may on every slip; an engineer only on his own: the
    slip dispatched to him or received by him.
    """
    if allowed(actor, "repairs.reveal"):
        return True
    own = actor.staff_id is not None and actor.staff_id in (slip.engineer_id, slip.received_by_id)
    return actor.role == Role.engineer and own


def reveal_repair_phone(office: OfficeFile, actor: Actor, repair_id: int) -> str:
    """Return a slip's full phone: a deliberate act, written to the audit log."""
    require(actor, "repairs.view")
    if actor.role != Role.engineer:
        require(actor, "repairs.reveal")
    with office.transaction() as session:
        order = load_for_edit(session, RepairOrder, repair_id, None, tr("维修单"))
        if not may_reveal_phone(actor, order):
            raise PermissionDenied(OTHERS_SLIP)
        write_audit(session, actor, "repair.reveal", f"repair:{order.number}")
        return order.phone


# The list's views (选择"状态"下拉框): a state name, or one of these.
VIEWS = {
    "open": tr("未完结"),
    "mine": tr("我的工单"),
    "overdue": tr("超时未办"),
    "late": tr("到场超时"),
    "all": tr("全部（按日期）"),
}


def list_repairs(
    office: OfficeFile,
    actor: Actor,
    *,
    view: str = "open",
    state: str | None = None,
    kind: str | None = None,
    engineer_id: int | None = None,
    building_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    now: datetime | None = None,
) -> list[RepairView]:
    """Return slips newest first: open ones by default, or a state, an engineer, a building."""
    return list_repairs_page(
        office,
        actor,
        limit=None,
        view=view,
        state=state,
        kind=kind,
        engineer_id=engineer_id,
        building_id=building_id,
        date_from=date_from,
        date_to=date_to,
        now=now,
    ).rows


def list_repairs_page(
    office: OfficeFile,
    actor: Actor,
    *,
    after: Cursor | None = None,
    limit: int | None = PAGE_SIZE,
    view: str = "open",
    state: str | None = None,
    kind: str | None = None,
    engineer_id: int | None = None,
    building_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    now: datetime | None = None,
) -> Page[RepairView]:
    """Return one page of list_repairs after a cursor (None: the first page, every row)."""
    now = stamp_time(now)
    query = _repairs_where(
        actor, view, state, kind, engineer_id, building_id, date_from, date_to, now
    )
    rules = get_rules(office)
    with office.transaction() as session:
        names = staff_names(session)

        def view_of(order: RepairOrder | None) -> RepairView | None:
            if order is None:
                return None
            return view_repair(session, order, rules, now, names, with_signatures=False)

        def read(
            cursor: Cursor | None, count: int | None
        ) -> list[tuple[Cursor, RepairView | None]]:
            page = ordered_after(query, _NEWEST, cursor).limit(count)
            if view == "overdue":  # 超时 is worked out per slip: sift bare rows, load the late
                bare = list(session.execute(page.with_only_columns(*_CLOCK)))
                late = [r.id for r in bare if repair_overdue(cast(SlipTimes, r), rules, now)]
                loaded = select(RepairOrder).where(RepairOrder.id.in_(late))
                slips = {o.id: o for o in session.scalars(loaded.options(*_LIST_LOADS))}
                return [((r.reported_at, r.id), view_of(slips.get(r.id))) for r in bare]
            listed = session.scalars(page.options(*_LIST_LOADS))
            return [((o.reported_at, o.id), view_of(o)) for o in listed]

        return collect(read, after, limit, sifted=view == "overdue")


def count_repairs(
    office: OfficeFile,
    actor: Actor,
    *,
    view: str = "open",
    state: str | None = None,
    kind: str | None = None,
    engineer_id: int | None = None,
    building_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    now: datetime | None = None,
) -> Tally:
    """Return how many slips list_repairs lists and how many of them are overdue."""
    now = stamp_time(now)
    query = _repairs_where(
        actor, view, state, kind, engineer_id, building_id, date_from, date_to, now
    )
    rules = get_rules(office)
    # Only an open slip is ever overdue: read those (bare columns), count the rest.
    open_ones = query.where(RepairOrder.state.in_(_OPEN)).with_only_columns(*_CLOCK)
    with office.transaction() as session:
        rows = session.execute(open_ones)
        late = sum(1 for r in rows if repair_overdue(cast(SlipTimes, r), rules, now))
        if view == "overdue":
            return Tally(late, late)
        total = session.scalar(select(func.count()).select_from(query.subquery()))
    return Tally(total or 0, late)


_NEWEST = ((RepairOrder.reported_at, True), (RepairOrder.id, True))
_FINAL = REPAIR_PAID.final | REPAIR_FREE.final
# The open states by name, so that the state index finds them (NOT IN reads every row).
_OPEN = sorted((set(REPAIR_PAID.states) | set(REPAIR_FREE.states)) - _FINAL)
_LIST_LOADS = (
    selectinload(RepairOrder.unit),
    selectinload(RepairOrder.quote_lines),
    selectinload(RepairOrder.materials),
)
# What repair_overdue reads of a slip, and the list's sort key.
_CLOCK = (
    RepairOrder.id,
    RepairOrder.reported_at,
    RepairOrder.kind,
    RepairOrder.state,
    RepairOrder.created_at,
    RepairOrder.dispatched_at,
    RepairOrder.arrived_at,
    RepairOrder.appointment_at,
    RepairOrder.accepted_at,
)


def _repairs_where(
    actor: Actor,
    view: str,
    state: str | None,
    kind: str | None,
    engineer_id: int | None,
    building_id: int | None,
    date_from: date | None,
    date_to: date | None,
    now: datetime,
) -> Select[RepairOrder]:
    """Return the slips a list view holds, checking the actor may see them; not yet sorted."""
    require(actor, "repairs.view")
    if view not in VIEWS:
        raise UserError(tr("没有这个维修单视图"))
    query = select(RepairOrder)
    bounds = day_bounds(date_from, date_to, now, unbounded=view != "all")
    if bounds is not None:
        query = query.where(RepairOrder.reported_at >= bounds[0])
        query = query.where(RepairOrder.reported_at < bounds[1])
    if view in ("open", "mine", "overdue"):
        query = query.where(RepairOrder.state.in_(_OPEN))
    if view == "mine":
        query = query.where(_queue_of(actor))
    if view == "late":
        query = query.where(RepairOrder.arrival_late.is_(True))
    if state is not None:
        query = query.where(RepairOrder.state == state)
    if kind is not None:
        query = query.where(RepairOrder.kind == kind)
    if engineer_id is not None:
        query = query.where(RepairOrder.engineer_id == engineer_id)
    if building_id is not None:
        query = query.join(Unit, RepairOrder.unit_id == Unit.id).where(
            Unit.building_id == building_id
        )
    return query


def _queue_of(actor: Actor) -> ColumnElement[bool]:
    """Return the filter of a person's own queue: what waits for their role or their hands."""
    role = actor.role
    waiting = {
        Role.eng_supervisor: ("opened", "received", "paid"),
        Role.engineer: ("opened",),
        Role.finance: ("approved",),
        Role.storekeeper: ("dispatched",),
        Role.clerk: ("reconciled",),
    }.get(role, ())
    mine = RepairOrder.engineer_id == actor.staff_id if actor.staff_id is not None else None
    if role in MANAGERS:
        return RepairOrder.state.not_in(REPAIR_PAID.final)
    clauses: list[ColumnElement[bool]] = [RepairOrder.state.in_(waiting)] if waiting else []
    if mine is not None and role in ENGINEERING:
        clauses.append(mine)
    if role == Role.assistant:
        clauses.append(RepairOrder.state == "completed")
    return or_(*clauses) if clauses else false()
