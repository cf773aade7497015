"""The small dialogs of a slip's steps: finance stamp, dispatch, work done, acceptance, a reason.

Each dialog's 确定 runs the step through `attempt` (the service call, already bound to
the person who signed); a refusal is shown at its field and the dialog stays open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import ValidationError
from wuyedesk.domain.kinds import Satisfaction, labels
from wuyedesk.domain.money import amount_in_words, format_yuan, parse_yuan
from wuyedesk.domain.roles import Role
from wuyedesk.i18n import tr
from wuyedesk.ui.binder import (
    ERROR_STYLE,
    ERROR_SUFFIX,
    FORM_ERROR,
    clear_errors,
    read_fields,
    submit,
)

Attempt = Callable[[dict[str, Any]], Any]
ENGINEERS = (Role.engineer, Role.eng_supervisor)


def text_box(name: str, placeholder: str = "", height: int = 90) -> QPlainTextEdit:
    """Return a named multi-line text field."""
    box = QPlainTextEdit()
    box.setObjectName(name)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(height)
    return box


class StepDialog(QDialog):
    """A title, a who-signed line, a grid of named fields with messages, 确定 and 取消."""

    def __init__(
        self, title: str, signer: str, attempt: Attempt, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setStyleSheet(ERROR_STYLE)
        self.setMinimumWidth(460)
        self.attempt = attempt
        self.result_view: Any = None
        heading = QLabel(title)
        heading.setObjectName("_title")
        heading.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.signer_label = QLabel(signer)
        self.signer_label.setObjectName("_signer")
        self.signer_label.setStyleSheet("color: #555;")
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(1, 1)
        self.form_error = QLabel()
        self.form_error.setObjectName(FORM_ERROR)
        self.form_error.setWordWrap(True)
        self.ok_button = QPushButton(tr("确定"))
        self.ok_button.setObjectName("ok_button")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.ok)
        cancel = QPushButton(tr("取消"))
        cancel.setObjectName("cancel_button")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(heading)
        layout.addWidget(self.signer_label)
        layout.addLayout(self.grid)
        layout.addWidget(self.form_error)
        layout.addLayout(buttons)

    def add_row(self, label: str, field: QWidget, name: str | None = None) -> QLabel:
        """Put a field (or a group named `name`) in the next row, its red message under it."""
        row = self.grid.rowCount()
        caption = QLabel(label)
        caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        caption.setBuddy(field)
        message = QLabel()
        message.setObjectName((name or field.objectName()) + ERROR_SUFFIX)
        message.setWordWrap(True)
        self.grid.addWidget(caption, row, 0)
        self.grid.addWidget(field, row, 1)
        self.grid.addWidget(message, row + 1, 1)
        clear_errors(self)
        return message

    def values(self) -> dict[str, Any]:
        """Return the fields' values by name."""
        return read_fields(self)

    def ok(self) -> None:
        """Run the step; on success close, otherwise show why at the field."""
        values = self.values()
        done = submit(self, lambda: self.attempt(values))
        if done is not None:
            self.result_view = done
            self.accept()


class ReasonDialog(StepDialog):
    """Ask why (退单, 作废, the household refusing the quote)."""

    def __init__(
        self,
        title: str,
        signer: str,
        attempt: Attempt,
        *,
        field: str = "reason",
        label: str = tr("原因"),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, signer, attempt, parent)
        self.reason = text_box(field, tr("请写明原因"), 80)
        self.add_row(tr(label), self.reason)
        self.reason.setFocus()


class StampDialog(StepDialog):
    """Finance takes the fee: receipt number and amount (the quote's total is proposed)."""

    def __init__(
        self,
        title: str,
        signer: str,
        attempt: Attempt,
        total_fen: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, signer, attempt, parent)
        self.receipt_no = QLineEdit()
        self.receipt_no.setObjectName("receipt_no")
        self.receipt_no.setMaxLength(30)
        self.receipt_no.setPlaceholderText(tr("收据上的编号"))
        self.amount = QLineEdit(format_yuan(total_fen) if total_fen else "")
        self.amount.setObjectName("amount")
        self.capital = QLabel()
        self.capital.setObjectName("_capital")
        self.add_row(tr("收据号"), self.receipt_no)
        self.add_row(tr("收款金额（元）"), self.amount)
        self.grid.addWidget(self.capital, self.grid.rowCount(), 1)
        quoted = format_yuan(total_fen) if total_fen else "—"
        self.signer_label.setText(
            tr("{0}　报价合计 {1} 元").format(self.signer_label.text(), quoted)
        )
        self.amount.textChanged.connect(lambda _t: self._show_capital())
        self._show_capital()
        self.receipt_no.setFocus()

    def _show_capital(self) -> None:
        try:
            fen = parse_yuan(self.amount.text(), "amount", tr("收款金额"))
        except ValidationError:
            self.capital.setText("")
            return
        self.capital.setText(tr("大写：{0}").format(amount_in_words(fen)))


class DispatchDialog(StepDialog):
    """Choose the engineer who does the work."""

    def __init__(
        self,
        title: str,
        signer: str,
        attempt: Attempt,
        staff: list[Any],
        current: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, signer, attempt, parent)
        self.engineer = QComboBox()
        self.engineer.setObjectName("engineer")
        self.engineer.setPlaceholderText(tr("请选择维修人员"))
        for person in staff:
            if person.role in ENGINEERS:
                self.engineer.addItem(
                    tr("{0}（{1}）").format(person.name, person.role_label), person.id
                )
        index = self.engineer.findData(current) if current is not None else -1
        self.engineer.setCurrentIndex(index if index >= 0 else -1)
        self.add_row(tr("维修人员"), self.engineer)

    def values(self) -> dict[str, Any]:
        """Return the chosen engineer's staff id (0 for none, which the service refuses)."""
        data = self.engineer.currentData()
        return {"engineer": int(data) if data is not None else 0}


class CompleteDialog(StepDialog):
    """The engineer describes the work done."""

    def __init__(
        self, title: str, signer: str, attempt: Attempt, parent: QWidget | None = None
    ) -> None:
        super().__init__(title, signer, attempt, parent)
        self.description = text_box("work_description", tr("修了什么、换了什么、结果如何"))
        self.add_row(tr("维修情况说明"), self.description)
        self.description.setFocus()


class AcceptDialog(StepDialog):
    """The household tries the repair: satisfaction and remarks, then signs by hand."""

    def __init__(
        self, title: str, signer: str, attempt: Attempt, parent: QWidget | None = None
    ) -> None:
        super().__init__(title, signer, attempt, parent)
        holder = QWidget()
        holder.setObjectName("_satisfaction")
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        self.choices = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        for value, text in labels(Satisfaction).items():
            radio = QRadioButton(tr(text))
            radio.setObjectName(f"_satisfaction_{value}")
            self.choices.addButton(radio)
            self.radios[value] = radio
            row.addWidget(radio)
        row.addStretch(1)
        self.add_row(tr("满意度"), holder, "satisfaction")
        self.remarks = text_box("household_remarks", tr("住户的意见（不满意时必填）"), 70)
        self.add_row(tr("住户意见"), self.remarks)
        self.ok_button.setText(tr("住户签名…"))

    def values(self) -> dict[str, Any]:
        """Return the chosen satisfaction ('' for none) and the remarks."""
        chosen = next((v for v, r in self.radios.items() if r.isChecked()), "")
        return {"satisfaction": chosen, "household_remarks": self.remarks.toPlainText()}
