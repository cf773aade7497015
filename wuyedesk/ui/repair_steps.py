"""Run one step of a slip on the shared PC: who signs, what they fill in, then the service call.

A colleague signs as themselves (name + PIN, a drawing where the paper has a box) and
the step runs as them; the household signs by hand and the desk records it. A step
the slip is not ready for runs straight into the service, which says why it must wait.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

from wuyedesk.domain.money import format_quantity, format_yuan
from wuyedesk.domain.roles import ROLE_LABELS
from wuyedesk.i18n import tr
from wuyedesk.services import repairs
from wuyedesk.services import staff as staff_service
from wuyedesk.services.context import Actor
from wuyedesk.services.repair_views import RepairView, StepOffer
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.repair_dialogs import (
    AcceptDialog,
    CompleteDialog,
    DispatchDialog,
    ReasonDialog,
    StampDialog,
)
from wuyedesk.ui.repair_lines_dialog import LinesDialog
from wuyedesk.ui.sign_dialog import HouseholdSignDialog, StaffSignDialog

Inputs = dict[str, Any]
Call = Callable[[OfficeFile, Actor, RepairView, Inputs, Inputs], RepairView]
ACCEPTED = QDialog.DialogCode.Accepted
# The engineer on the slip is the likely signer of the steps done on site.
ENGINEER_STEPS = frozenset({"arrive", "complete"})
REASON_LABELS = {"refuse": tr("拒绝原因"), "return": tr("退单原因"), "void": tr("作废原因")}

CALLS: dict[str, Call] = {
    "receive": lambda o, a, v, x, kw: repairs.receive_repair(
        o, a, v.id, signature_png=x.get("png"), **kw
    ),
    "quote": lambda o, a, v, x, kw: repairs.quote_repair(o, a, v.id, x.get("lines", []), **kw),
    "approve": lambda o, a, v, x, kw: repairs.approve_quote(
        o, a, v.id, signer_name=x.get("signer_name", ""), signature_png=x.get("png"), **kw
    ),
    "refuse": lambda o, a, v, x, kw: repairs.refuse_quote(o, a, v.id, x.get("reason", ""), **kw),
    "pay": lambda o, a, v, x, kw: repairs.stamp_payment(
        o, a, v.id, receipt_no=x.get("receipt_no", ""), amount=x.get("amount", ""), **kw
    ),
    # Engineer 0 is no one: a dispatch refused for its state never looks the engineer up.
    "dispatch": lambda o, a, v, x, kw: repairs.dispatch_repair(
        o, a, v.id, int(x.get("engineer") or 0), **kw
    ),
    "issue_materials": lambda o, a, v, x, kw: repairs.issue_materials(
        o, a, v.id, x.get("lines", []), **kw
    ),
    "arrive": lambda o, a, v, x, kw: repairs.record_arrival(o, a, v.id, **kw),
    "complete": lambda o, a, v, x, kw: repairs.complete_repair(
        o, a, v.id, x.get("work_description", ""), **kw
    ),
    "accept": lambda o, a, v, x, kw: repairs.accept_repair(
        o,
        a,
        v.id,
        signer_name=x.get("signer_name", ""),
        signature_png=x.get("png"),
        satisfaction=x.get("satisfaction", ""),
        remarks=x.get("household_remarks"),
        **kw,
    ),
    "archive": lambda o, a, v, x, kw: repairs.archive_repair(o, a, v.id, **kw),
    "return": lambda o, a, v, x, kw: repairs.return_repair(o, a, v.id, x.get("reason", ""), **kw),
    "void": lambda o, a, v, x, kw: repairs.void_repair(o, a, v.id, x.get("void_reason", ""), **kw),
}


def quote_material_lines(view: RepairView) -> list[dict[str, str]]:
    """Return the quote's material lines as a first material issue would repeat them."""
    return [
        {
            "item": line.item,
            "spec": line.spec,
            "quantity": format_quantity(line.quantity_milli),
            "unit_price": format_yuan(line.unit_price_fen),
        }
        for line in view.quote_lines
        if line.kind == "material"
    ]


class StepRunner:
    """Ask for the signer and the step's details, then run the step as the signer."""

    def __init__(
        self, office: OfficeFile, desk: Actor, now: Callable[[], datetime], parent: QWidget
    ) -> None:
        self.office, self.desk, self.now, self.parent = office, desk, now, parent

    def call(self, actor: Actor, view: RepairView, action: str, inputs: Inputs) -> RepairView:
        """Run the step's service as `actor`; a refusal raises UserError and changes nothing."""
        kw = {"version": view.version, "now": self.now()}
        return CALLS[action](self.office, actor, view, inputs, kw)

    def run(self, view: RepairView, offer: StepOffer) -> RepairView | None:
        """Take one offered step; None when someone cancelled."""
        if offer.refusal is not None:
            return self.call(self.desk, view, offer.action, {})
        if offer.signer == "household":
            return self._household(view, offer)
        signed = self.staff_sign(view, offer)
        if signed is None:
            return None
        return self._staff(view, offer, *signed)

    # -- colleagues ---------------------------------------------------------------------------
    def staff_sign(self, view: RepairView, offer: StepOffer) -> tuple[Actor, bytes | None] | None:
        """Let the person who takes the step sign with name + PIN (+ drawing); None if cancelled."""
        dialog = StaffSignDialog(
            self.office,
            self.desk,
            title=tr("{0} — {1}").format(tr(offer.label), view.number),
            roles=offer.roles,
            need_drawing=offer.drawing,
            parent=self.parent,
        )
        engineer = view.engineer_id if offer.action in ENGINEER_STEPS else None
        desk = self.desk.staff_id if self.desk.role in offer.roles else None
        for staff_id in (engineer, desk):
            index = dialog.staff.findData(staff_id) if staff_id is not None else -1
            if index >= 0:
                dialog.staff.setCurrentIndex(index)
                dialog.pin.setFocus()
                break
        if dialog.exec() != ACCEPTED or dialog.signer is None:
            return None
        return dialog.signer, dialog.png

    def _staff(
        self, view: RepairView, offer: StepOffer, actor: Actor, png: bytes | None
    ) -> RepairView | None:
        action = offer.action
        title = tr("{0} — {1}").format(tr(offer.label), view.number)
        who = tr("签名人：{0}（{1}）").format(actor.name, ROLE_LABELS[actor.role])

        def attempt(values: Inputs) -> RepairView:
            return self.call(actor, view, action, {**values, "png": png})

        dialog: QDialog
        if action == "quote":
            lines = [
                {
                    "kind": line.kind,
                    "item": line.item,
                    "quantity": format_quantity(line.quantity_milli),
                    "unit_price": format_yuan(line.unit_price_fen),
                }
                for line in view.quote_lines
            ]
            dialog = LinesDialog(title, who, attempt, quote=True, lines=lines, parent=self.parent)
        elif action == "issue_materials":
            first = quote_material_lines(view) if not view.materials else []
            dialog = LinesDialog(title, who, attempt, quote=False, lines=first, parent=self.parent)
        elif action == "pay":
            dialog = StampDialog(title, who, attempt, view.quote_total_fen, self.parent)
        elif action == "dispatch":
            people = staff_service.list_staff(self.office)
            current = view.engineer_id
            dialog = DispatchDialog(title, who, attempt, people, current, self.parent)
        elif action == "complete":
            dialog = CompleteDialog(title, who, attempt, self.parent)
        elif offer.needs_reason:
            dialog = self._reason_dialog(title, who, attempt, action)
        else:
            return attempt({})
        return self._ask(dialog)

    # -- the household ------------------------------------------------------------------------
    def household_sign(self, view: RepairView, offer: StepOffer) -> tuple[str, bytes | None] | None:
        """Let the household member sign by hand; return (name, png) or None if cancelled."""
        dialog = HouseholdSignDialog(
            title=tr("{0} — {1}").format(tr(offer.label), view.number),
            name=view.reporter_name,
            parent=self.parent,
        )
        if dialog.exec() != ACCEPTED or dialog.signer_name is None:
            return None
        return dialog.signer_name, dialog.png

    def _household(self, view: RepairView, offer: StepOffer) -> RepairView | None:
        action = offer.action
        title = tr("{0} — {1}").format(tr(offer.label), view.number)
        who = tr("住户签名，由{0}在本机登记").format(self.desk.name)
        signed: list[tuple[str, bytes | None]] = []  # kept when the step is tried again

        def attempt(values: Inputs) -> RepairView | None:
            if offer.drawing and not signed:
                got = self.household_sign(view, offer)
                if got is None:
                    return None
                signed.append(got)
            name, png = signed[0] if signed else ("", None)
            inputs = {**values, "signer_name": name, "png": png}
            return self.call(self.desk, view, action, inputs)

        if action == "accept":
            return self._ask(AcceptDialog(title, who, attempt, self.parent))
        if offer.needs_reason:
            return self._ask(self._reason_dialog(title, who, attempt, action))
        return attempt({})

    # -- shared -------------------------------------------------------------------------------
    def _reason_dialog(
        self, title: str, who: str, attempt: Callable[[Inputs], Any], action: str
    ) -> ReasonDialog:
        field = "void_reason" if action == "void" else "reason"
        label = REASON_LABELS.get(action, tr("原因"))
        return ReasonDialog(title, who, attempt, field=field, label=label, parent=self.parent)

    def _ask(self, dialog: QDialog) -> RepairView | None:
        if dialog.exec() != ACCEPTED:
            return None
        return getattr(dialog, "result_view", None)
