"""One slip on the desk: the paper's boxes, the steps it may take now, and its printing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.roles import ROLE_LABELS, Role
from wuyedesk.i18n import tr
from wuyedesk.services import repairs
from wuyedesk.services.context import Actor
from wuyedesk.services.repair_views import (
    RepairView,
    StepOffer,
    may_reveal_phone,
    reveal_repair_phone,
)
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import ERROR_COLOR
from wuyedesk.ui.pdf_preview import preview_path, show_pdf
from wuyedesk.ui.record_table import hbox, make_button, run_step
from wuyedesk.ui.repair_sheet import RepairSheet
from wuyedesk.ui.repair_steps import StepRunner

STEPS_PER_ROW = 4
CLOSING_STEPS = frozenset({"return", "void", "refuse"})  # drawn apart, on the right
PAPER_NAMES = {"a5": "A5", "continuous": tr("连续纸")}
WAITING_STYLE = "QPushButton { color: #757575; }"
CLOSING_STYLE = f"QPushButton {{ color: {ERROR_COLOR}; }}"


class RepairPanel(QGroupBox):
    """Show one slip and run the steps the workflow offers, each signed by the right person."""

    changed = Signal(object)  # the id of the slip that changed

    def __init__(
        self,
        office: OfficeFile,
        actor: Actor,
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setTitle(tr("维修单"))
        self.setObjectName("repair_panel")
        self.office, self.actor, self.now = office, actor, now
        self.view: RepairView | None = None
        self.preview: QWidget | None = None
        self.runner = StepRunner(office, actor, now, self)
        self.placeholder = QLabel(tr("在左边的列表中选择一张维修单，查看并办理。"))
        self.placeholder.setObjectName("placeholder")
        self.placeholder.setWordWrap(True)
        self.sheet = RepairSheet()
        # The slip's phone is masked; the full number is shown on demand, for this slip only.
        self.phone_label = QLabel()
        self.phone_label.setObjectName("phone_label")
        self.reveal_button = make_button(tr("显示完整电话"), "reveal_phone", self.reveal_phone)
        self.phone_row = hbox(self.phone_label, self.reveal_button)
        self.phone_row.layout().addStretch(1)  # type: ignore[union-attr]
        self.scroll = QScrollArea()
        self.scroll.setObjectName("sheet_scroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.sheet)
        self.message = QLabel()
        self.message.setObjectName("detail_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;")
        self.steps_box = QWidget()
        self.steps_box.setObjectName("steps")
        self.steps_grid = QGridLayout(self.steps_box)
        self.steps_grid.setContentsMargins(0, 0, 0, 0)
        for column in range(STEPS_PER_ROW):  # equal columns: 作废 stays at the right end
            self.steps_grid.setColumnStretch(column, 1)
        self.step_buttons: dict[str, QPushButton] = {}
        self.print_buttons = {
            "a5": make_button(tr("打印（A5）"), "print_a5", lambda: self.print_slip("a5")),
            "continuous": make_button(
                tr("打印（连续纸）"), "print_continuous", lambda: self.print_slip("continuous")
            ),
            "preview": make_button(
                tr("预览"), "preview", lambda: self.print_slip("a5", direct=False)
            ),
        }
        self.print_row = hbox(*self.print_buttons.values())
        self.print_row.layout().addStretch(1)  # type: ignore[union-attr]
        layout = QVBoxLayout(self)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.phone_row)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.steps_box)
        layout.addWidget(self.print_row)
        self.show_view(None)

    # -- showing ------------------------------------------------------------------------------
    def record_id(self) -> int | None:
        """Return the id of the slip shown, or None."""
        return self.view.id if self.view is not None else None

    def show_record(self, order_id: int | None) -> None:
        """Read one slip with its signatures and show it (None: nothing chosen)."""
        if order_id is None:
            self.show_view(None)
            return
        try:
            view = repairs.get_repair(self.office, self.actor, order_id, now=self.now())
        except UserError as exc:
            self.show_view(None)
            self.message.setText(exc.message)
            return
        self.show_view(view)

    def show_view(self, view: RepairView | None) -> None:
        """Show a slip (None: nothing chosen) with a button for each step it offers."""
        self.view = view
        self.message.clear()
        self.placeholder.setVisible(view is None)
        for part in (self.phone_row, self.scroll, self.steps_box, self.print_row):
            part.setVisible(view is not None)
        self._clear_steps()
        if view is None:
            return
        self.sheet.show_view(view)
        self._show_phone(view)
        forward = [s for s in view.steps if s.action not in CLOSING_STEPS]
        closing = [s for s in view.steps if s.action in CLOSING_STEPS]
        for index, offer in enumerate(forward):
            self._add_step(offer, index // STEPS_PER_ROW, index % STEPS_PER_ROW)
        # The closing steps sit at the right end of the last row when they fit there.
        last = (len(forward) - 1) // STEPS_PER_ROW if forward else 0
        free = STEPS_PER_ROW - (len(forward) - last * STEPS_PER_ROW)
        row = last if len(closing) <= free else last + 1
        for index, offer in enumerate(closing):
            self._add_step(offer, row, STEPS_PER_ROW - len(closing) + index)
        if not forward:
            # Only the daily reconciliation sheet moves an accepted slip on.
            text = (
                tr("此单状态为「{0}」，没有待办步骤。").format(view.state_label)
                if view.is_final
                else tr("待工程部主管与仓管员每日核对（在每日核对表上签字）")
            )
            done = QLabel(text)
            done.setObjectName("no_steps")
            done.setStyleSheet("color: #616161;")
            self.steps_grid.addWidget(done, 0, 0, 1, STEPS_PER_ROW - len(closing))

    def _clear_steps(self) -> None:
        while self.steps_grid.count():
            item = self.steps_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:  # hidden now: deleteLater waits for the event loop
                widget.hide()
                widget.deleteLater()
        self.step_buttons = {}

    def _add_step(self, offer: StepOffer, row: int, column: int) -> None:
        text = tr(offer.label) + ("…" if offer.refusal is None else "")
        button = make_button(text, f"step_{offer.action}", lambda o=offer: self.take_step(o))
        button.setToolTip(self._who(offer))
        if offer.refusal is not None:
            button.setStyleSheet(WAITING_STYLE)
        elif offer.action in CLOSING_STEPS:
            button.setStyleSheet(CLOSING_STYLE)
        self.step_buttons[offer.action] = button
        self.steps_grid.addWidget(button, row, column)

    def _who(self, offer: StepOffer) -> str:
        if offer.refusal is not None:
            return tr("暂不能办理：{0}").format(offer.refusal)
        if offer.signer == "household":
            return tr("住户在本机签名")
        names = tr("、").join(ROLE_LABELS[r] for r in sorted(offer.roles))
        return tr("由{0}本人输入 PIN 签名").format(names)

    # -- the phone ----------------------------------------------------------------------------
    def _show_phone(self, view: RepairView) -> None:
        """Show the masked phone; offer the full number to those who may see it on this slip."""
        self.phone_label.setText(tr("联系电话：{0}").format(view.phone))
        may = may_reveal_phone(self.actor, view)
        if may:
            tip = tr("显示此单的完整联系电话（会记入审计日志）")
        elif self.actor.role == Role.engineer:
            tip = tr("只有派给您或由您接单的维修单，才能查看完整电话")
        else:
            tip = tr("您的岗位不能查看维修单上的完整电话")
        self.reveal_button.setEnabled(may)
        self.reveal_button.setToolTip(tip)

    def reveal_phone(self) -> str | None:
        """Show the shown slip's full phone until another slip is chosen; the service audits it."""
        view = self.view
        if view is None:
            return None
        try:
            phone = reveal_repair_phone(self.office, self.actor, view.id)
        except UserError as exc:
            self.message.setText(exc.message)
            return None
        self.phone_label.setText(tr("联系电话：{0}").format(phone))
        self.sheet.show_view(replace(view, phone=phone))  # self.view keeps the masked number
        self.reveal_button.setEnabled(False)
        return phone

    # -- steps --------------------------------------------------------------------------------
    def take_step(self, offer: StepOffer) -> Any:
        """Run one step; a refusal stays in red on the panel and changes nothing."""
        view = self.view
        if view is None:
            return None
        return run_step(self, lambda: self.runner.run(view, offer))

    # -- printing -----------------------------------------------------------------------------
    def print_slip(self, paper: str, *, direct: bool = True) -> Path | None:
        """Print the slip's copies into a PDF; open the preview (and the printer for 打印)."""
        from wuyedesk.services import repair_printing  # the PDF renderer loads only when printing

        if self.view is None:
            return None
        number = self.view.number
        name = f"{number}_{PAPER_NAMES.get(paper, paper)}.pdf"
        out = preview_path(name)
        try:
            repair_printing.print_repair(self.office, self.actor, number, out, paper=paper)
        except UserError as exc:
            self.message.setText(exc.message)
            QMessageBox.warning(self, tr("未打印"), exc.message)
            return None
        self.preview = show_pdf(out, self.window())
        if direct:
            self.preview.print_pdf()  # type: ignore[attr-defined]
        return out
