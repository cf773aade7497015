"""Printing the repair slip (工程维修单, WX-) and the paid-service slip (有偿服务单, YC-).

The slip is printed when it is opened and filled in by pen as the work goes on, or
printed again later with what the office file holds; an empty field prints as an
empty box. Paid slips carry the quote, the household's approval and the finance
stamp, and have a 财务联 the free slip does not.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wuyedesk.domain import kinds
from wuyedesk.domain.errors import NotFound, UserError
from wuyedesk.domain.money import MAX_FEN, amount_in_words, format_quantity, format_yuan
from wuyedesk.i18n import tr
from wuyedesk.reports import slips
from wuyedesk.services.context import Actor
from wuyedesk.services.permissions import require
from wuyedesk.services.printing import _draw, _label, _office, _phone, _staff, _when
from wuyedesk.store.models import Office, QuoteLine, RepairOrder, Signature
from wuyedesk.store.numbering import parse_number
from wuyedesk.store.office_file import OfficeFile

REPAIR_PREFIXES = ("WX", "YC")
PAPERS = {"a5": "repair_slip", "continuous": "repair_slip_continuous"}
# A copy's name as the slip layout spells it; slips.load_layout translates the layout's
# "copies", so this is compared in the same language (tr on both sides).
FINANCE_COPY = tr("财务联")
BAD_PAPER = tr("纸张应为 a5（A5 单张）或 continuous（241×140 毫米连续纸）")
LATE_MARK = tr("【超时】")
# ☑/☐ are missing from the Chinese fonts the slips embed (GB 2312 has ■ and □).
TICKED, UNTICKED = "■", "□"
_KIND_NAMES = {"labour": tr("人工"), "material": tr("材料")}
_CLOSED = {"returned": tr("已退单"), "refused": tr("住户拒绝报价")}


def is_repair_number(number: str) -> bool:
    """Tell whether a typed number is a repair (WX-) or paid-service (YC-) slip's."""
    parsed = parse_number(number)
    return parsed is not None and parsed[0] in REPAIR_PREFIXES


def print_repair(
    office: OfficeFile, actor: Actor, number: str, out: Path, *, paper: str = "a5"
) -> Path:
    """Print a repair or paid-service slip, each copy (联) on its own sheet(s), A5 or continuous."""
    require(actor, "repairs.print")
    layout = PAPERS.get(paper.strip().lower())
    if layout is None:
        raise UserError(BAD_PAPER)
    number = number.strip().upper()
    with office.transaction() as session:
        head = _office(session)
        order = session.scalar(select(RepairOrder).where(RepairOrder.number == number))
        if order is None:
            raise NotFound(tr("没有单号为 {number} 的记录").format(number=number))
        values = repair_values(session, head, order)
        copies = list(slips.load_layout(layout).get("copies") or [])
        if not values["is_paid"]:
            copies = [copy for copy in copies if copy != FINANCE_COPY]
        _draw(session, actor, layout, values, head, out, number, copies=copies)
    return out


def repair_values(session: Session, head: Office, order: RepairOrder) -> dict[str, Any]:
    """Return every field the repair-slip layouts print, money and phones already formatted."""
    paid = order.kind == kinds.RepairKind.paid
    arrived = _when(order.arrived_at)
    if arrived and order.arrival_late:
        arrived += LATE_MARK
    values: dict[str, Any] = {
        "estate_name": head.estate_name,
        "number": order.number,
        "slip_title": _label(kinds.RepairKind, order.kind),
        "is_paid": paid,
        "closed": _closing_line(order),
        "reported_at": _when(order.reported_at),
        "channel": _label(kinds.ReportChannel, order.channel),
        "place": order.unit.code if order.unit else (order.facility or ""),
        "reporter": order.reporter_name,
        "phone": _phone(order.phone),
        "category": _label(kinds.RepairCategory, order.category),
        "content": order.content,
        "appointment_at": _when(order.appointment_at),
        "opened_by": _staff(session, order.opened_by_id),
        "receiver_signature": _signed(session, order.receiver_signature_id, order.received_by_id),
        "received_at": _when(order.received_at),
        "engineer": _staff(session, order.engineer_id),
        "dispatched_at": _when(order.dispatched_at),
        "arrived_at": arrived,
        "work_description": order.work_description or "",
        "completed_at": _when(order.completed_at),
        "satisfaction": _ticks(order.satisfaction),
        "household_remarks": order.household_remarks or "",
        "acceptance_signature": _signed(session, order.acceptance_signature_id, None),
        "accepted_at": _when(order.accepted_at),
        "reconciled": _by(session, order.reconciled_by_id, order.reconciled_at),
        "archived": _by(session, order.archived_by_id, order.archived_at),
        **_materials(session, order),
    }
    if paid:
        values.update(_quote(order))
        values.update(_finance(session, order))
    return values


def _signed(session: Session, signature_id: int | None, staff_id: int | None) -> bytes | str:
    """Return the signature's PNG; without one, the staff member's printed name (or blank)."""
    signature = session.get(Signature, signature_id) if signature_id is not None else None
    if signature is not None and signature.png:
        return bytes(signature.png)
    return _staff(session, staff_id)


def _by(session: Session, staff_id: int | None, at: datetime | None) -> str:
    return tr("　").join(part for part in (_staff(session, staff_id), _when(at)) if part)


def _yuan(fen: int | None) -> str:
    return "" if fen is None else f"¥{format_yuan(fen)}"


def _capital(fen: int | None) -> str:
    if fen is None:
        return ""
    # Two lines each within the limit can add up past it; the slip must still print.
    return amount_in_words(fen) if 0 <= fen <= MAX_FEN else tr("（超出大写范围，请核对）")


def _ticks(satisfaction: str | None) -> str:
    """Return the satisfaction scale as boxes, the household's answer ticked."""
    scale = kinds.labels(kinds.Satisfaction)
    return tr("　").join(
        f"{TICKED if value == satisfaction else UNTICKED}{label}" for value, label in scale.items()
    )


def _closing_line(order: RepairOrder) -> str:
    """Return the 退单 / 拒绝报价 / 作废 line with its reason and time, or nothing."""
    if order.voided_at is not None or order.state == "void":
        reason, at, what = order.void_reason, order.voided_at, tr("已作废")
    elif order.state in _CLOSED:
        reason, at, what = order.close_reason, order.closed_at, _CLOSED[order.state]
    else:
        return ""
    when = tr("（{0}）").format(_when(at)) if at else ""
    return tr("【{what}】原因：{0}{when}").format(reason or tr("未注明"), what=what, when=when)


def _line(kind: str, item: str, milli: int, price: int, amount: int) -> dict[str, str]:
    return {
        "kind": _KIND_NAMES.get(kind, kind),
        "item": item,
        "quantity": format_quantity(milli),
        "unit_price": format_yuan(price),
        "amount": format_yuan(amount),
    }


def _quote(order: RepairOrder) -> dict[str, Any]:
    """Return the quote's lines, its labour/material/total sums and the total in capitals."""
    lines: list[QuoteLine] = list(order.quote_lines)
    labour, material = order.quote_labour_fen, order.quote_material_fen
    if lines and labour is None:
        labour = sum(line.amount_fen for line in lines if line.kind == "labour")
    if lines and material is None:
        material = sum(line.amount_fen for line in lines if line.kind != "labour")
    total = None if labour is None and material is None else (labour or 0) + (material or 0)
    return {
        "quote_lines": [
            _line(ln.kind, ln.item, ln.quantity_milli, ln.unit_price_fen, ln.amount_fen)
            for ln in lines
        ],
        "quote_labour": _yuan(labour),
        "quote_material": _yuan(material),
        "quote_total": _yuan(total),
        "quote_capital": _capital(total),
        "quoted_at": _when(order.quoted_at),
    }


def _finance(session: Session, order: RepairOrder) -> dict[str, Any]:
    """Return the household's approval of the quote and the finance stamp (财务收讫)."""
    stamped = order.stamped_at is not None
    return {
        "approval_signature": _signed(session, order.approval_signature_id, None),
        "approved_at": _when(order.approved_at),
        "receipt_no": order.receipt_no or "",
        "paid_amount": _yuan(order.paid_fen),
        "paid_capital": _capital(order.paid_fen),
        "finance": _staff(session, order.finance_id),
        "stamped_at": _when(order.stamped_at),
        "finance_stamp": tr("【财务收讫】\n{0}").format(_when(order.stamped_at)) if stamped else "",
    }


def _materials(session: Session, order: RepairOrder) -> dict[str, Any]:
    """Return the materials issued (领料) with their storekeeper, and a line with their total."""
    issues = sorted(order.materials, key=lambda issue: (issue.issued_at, issue.id))
    lines = []
    for issue in issues:
        line = _line(
            "material", issue.item, issue.quantity_milli, issue.unit_price_fen, issue.amount_fen
        )
        line.update(spec=issue.spec or "", storekeeper=_staff(session, issue.storekeeper_id))
        lines.append(line)
    if issues:
        total = format_yuan(sum(issue.amount_fen for issue in issues))
        lines.append(dict.fromkeys(lines[0], "") | {"item": tr("合计"), "amount": total})
    return {"materials": lines}
