"""One return visit on the desk: what it follows up, its chain of visits, its live buttons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from wuyedesk.domain.errors import FormErrors, UserError, ValidationError
from wuyedesk.domain.units import shown_unit_codes
from wuyedesk.i18n import tr
from wuyedesk.services import visits
from wuyedesk.services.context import Actor
from wuyedesk.services.visit_fields import read_visitors, shown_visitors
from wuyedesk.services.visits import VisitView
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import ERROR_COLOR
from wuyedesk.ui.pdf_preview import preview_path, show_pdf
from wuyedesk.ui.record_table import hbox, make_button, overdue_warning, shown_time
from wuyedesk.ui.repair_dialogs import ReasonDialog, StepDialog
from wuyedesk.ui.visit_dialogs import (
    NextDateDialog,
    NonconformityDialog,
    RecordVisitDialog,
    next_morning,
)

RECORD_STEPS = ("record_satisfied", "record_fairly", "record_dissatisfied")
# The panel's buttons in the order shown; the three 满意/基本满意/不满意 steps are one dialog.
BUTTONS = (
    ("record", tr("记录回访…")),
    ("nobody_home", tr("住户不在家…")),
    ("reschedule", tr("另约时间…")),
    ("open_nonconformity", tr("登记不合格项…")),
    ("rectify", tr("整改完成…")),
    ("void", tr("作废…")),
)


class VisitPanel(QWidget):
    """The visit picked in the list, with the steps its state and the actor's post allow."""

    changed = Signal(int)  # the visit's id, after a step was saved

    def __init__(
        self,
        office: OfficeFile,
        actor: Actor,
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.office, self.actor, self.now = office, actor, now
        self.view: VisitView | None = None
        self.dialog: StepDialog | None = None
        self.details = QLabel()
        self.details.setObjectName("visit_details")
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;")
        self.buttons: dict[str, QPushButton] = {
            key: make_button(tr(text), key, lambda k=key: self.take(k)) for key, text in BUTTONS
        }
        self.door_note_button = make_button(tr("打印回访单"), "door_note", self.print_door_note)
        self.record_button = make_button(tr("打印回访记录"), "print_visit", self.print_visit)
        row = hbox(*self.buttons.values())
        row.layout().addStretch(1)  # type: ignore[union-attr]
        row.layout().addWidget(self.door_note_button)  # type: ignore[union-attr]
        row.layout().addWidget(self.record_button)  # type: ignore[union-attr]
        layout = QVBoxLayout(self)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.message)
        layout.addWidget(row)
        self.show_view(None)

    # -- showing ------------------------------------------------------------------------------
    def record_id(self) -> int | None:
        """Return the id of the visit shown, or None."""
        return self.view.id if self.view is not None else None

    def show_record(self, visit_id: int | None) -> None:
        """Read one visit again and show it (None: nothing chosen)."""
        if visit_id is None:
            self.show_view(None)
            return
        try:
            view = visits.get_visit(self.office, self.actor, visit_id, now=self.now())
            chain = visits.visit_chain(self.office, self.actor, visit_id, now=self.now())
        except UserError as exc:
            self.show_view(None)
            self.message.setText(exc.message)
            return
        self.show_view(view, chain)

    def show_view(self, view: VisitView | None, chain: list[VisitView] | None = None) -> None:
        """Show a visit's lines and only its live buttons."""
        self.view = view
        self.message.clear()
        live = {action for action, _label in view.actions} if view else set()
        if live & set(RECORD_STEPS):
            live.add("record")
        for key, button in self.buttons.items():
            button.setVisible(key in live)
        # The door note is left when nobody was home (or posted again for a planned visit).
        self.door_note_button.setVisible(
            view is not None
            and view.state in ("planned", "nobody_home")
            and view.unit_code is not None
        )
        self.record_button.setVisible(view is not None)
        if view is None:
            self.details.setText(tr("请在左边选择一条回访记录"))
            return
        self.details.setText(self._html(view, chain or [view]))

    def _print(self, name: str, draw: Callable[[Path], Path]) -> Path | None:
        out = preview_path(name)
        try:
            draw(out)
        except UserError as exc:
            self.message.setText(exc.message)
            return None
        self.preview = show_pdf(out, self.window())
        return out

    def print_door_note(self) -> Path | None:
        """Print the note for the door (no name, phone or details) and show it to print."""
        from wuyedesk.services import visit_printing

        v = self.view
        if v is None:
            return None
        return self._print(
            tr("{0}_回访单.pdf").format(v.number),
            lambda out: visit_printing.print_door_note(self.office, self.actor, v.id, out),
        )

    def print_visit(self) -> Path | None:
        """Print this visit as a page of the return-visit record and show it."""
        from wuyedesk.services import visit_printing

        v = self.view
        if v is None:
            return None
        return self._print(
            tr("{0}_回访记录.pdf").format(v.number),
            lambda out: visit_printing.print_visit(self.office, self.actor, v.number, out),
        )

    def _html(self, v: VisitView, chain: list[VisitView]) -> str:
        rows = [
            (tr("回访编号"), v.number),
            (tr("回访类型"), v.kind_label),
            (tr("房号/部位"), shown_unit_codes(v.place)),
            (tr("关联单号"), v.related_number or "—"),
            (tr("状态"), v.state_label),
            (tr("回访期限"), shown_time(v.visit_limit or v.due_at, "%Y-%m-%d %H:%M")),
            (tr("回访人"), shown_visitors(v.visitors) or "—"),
        ]
        if v.visited_at is not None:
            rows += [
                (tr("回访时间"), shown_time(v.visited_at, "%Y-%m-%d %H:%M")),
                (tr("方式"), v.method_label),
                (tr("满意度"), v.satisfaction_label),
                (tr("住户意见及建议"), v.opinions or "—"),
            ]
        if v.door_note_at is not None:
            rows.append((tr("贴回访单"), shown_time(v.door_note_at, "%Y-%m-%d %H:%M")))
        if v.nonconformity:
            deadline = f"{v.rectify_deadline:%Y-%m-%d}" if v.rectify_deadline else ""
            rows.append((tr("发现问题"), v.nonconformity))
            rows.append((tr("责任部门 / 整改期限"), f"{v.responsible_department_label} {deadline}"))
        if v.void_reason:
            rows.append((tr("作废原因"), v.void_reason))
        table = "".join(
            f"<tr><td style='color:#555;padding-right:12px'>{escape(tr(k))}</td>"
            f"<td>{escape(str(val))}</td></tr>"
            for k, val in rows
        )
        html = tr("<h3>{0}　{1}回访</h3><table>{table}</table>").format(
            escape(v.number), escape(v.kind_label), table=table
        )
        html += overdue_warning(v)
        if len(chain) > 1:
            steps = "".join(
                f"<li>{'<b>' if c.id == v.id else ''}{escape(c.number)} "
                f"{escape(c.state_label)} {escape(c.satisfaction_label)}"
                f"{'</b>' if c.id == v.id else ''}</li>"
                for c in chain
            )
            html += f"<p><b>{escape(tr('本事项的回访'))}</b></p><ol>{steps}</ol>"
        return html

    # -- the steps ----------------------------------------------------------------------------
    def take(self, key: str) -> Any:
        """Open the dialog of one step; a saved step refreshes the desk."""
        view = self.view
        if view is None:
            return None
        self.message.clear()
        signer = tr("登记人：{0}").format(self.actor.name)
        title = tr(dict(BUTTONS)[key].rstrip("…"))
        dialog = self._dialog(key, view, title, signer)
        self.dialog = dialog
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_view is not None:
            self.changed.emit(view.id)
        return dialog.result_view

    def _dialog(self, key: str, v: VisitView, title: str, signer: str) -> StepDialog:
        o, a, n = self.office, self.actor, self.now
        common: dict[str, Any] = {"version": v.version}
        if key == "record":
            return RecordVisitDialog(
                title,
                signer,
                self._guard(lambda f: visits.record_visit(o, a, v.id, **common, **f, now=n())),
                self._companions(v),
                self,
            )
        if key in ("nobody_home", "reschedule"):
            step = visits.nobody_home if key == "nobody_home" else visits.reschedule_visit
            call = self._guard(lambda f: step(o, a, v.id, **common, **f, now=n()))
            return NextDateDialog(title, signer, call, next_morning(n()), self)
        if key == "open_nonconformity":
            call = self._guard(
                lambda f: visits.open_nonconformity(o, a, v.id, **common, **f, now=n())
            )
            proposed = (n() + timedelta(days=7)).date()
            return NonconformityDialog(title, signer, call, proposed, self)
        if key == "rectify":
            call = self._guard(lambda f: visits.rectify(o, a, v.id, **common, **f, now=n()))
            return ReasonDialog(
                title, signer, call, field="note", label=tr("整改情况"), parent=self
            )
        call = self._guard(
            lambda f: visits.void_visit(o, a, v.id, f["void_reason"], **common, now=n())
        )
        return ReasonDialog(
            title, signer, call, field="void_reason", label=tr("作废原因"), parent=self
        )

    def _companions(self, v: VisitView) -> str:
        """Propose the planned visitors other than the actor (the actor signs anyway)."""
        names = read_visitors(v.visitors)
        return tr("、").join(p for p in names if p != self.actor.name)

    def _guard(self, call: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
        """Let field errors reach the dialog; any other refusal goes red on the panel."""

        def attempt(fields: dict[str, Any]) -> Any:
            try:
                return call(fields)
            except (FormErrors, ValidationError):
                raise
            except UserError as exc:
                self.message.setText(exc.message)
                if self.dialog is not None:
                    self.dialog.reject()
                return None

        return attempt
