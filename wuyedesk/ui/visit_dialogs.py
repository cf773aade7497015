"""The small dialogs of a return visit: record it, nobody home / a new date, a nonconformity.

They reuse the repair steps' StepDialog: 确定 runs the service call through `attempt`,
a refusal is shown at its field and the dialog stays open.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from wuyedesk.domain.kinds import Department, Satisfaction, VisitMethod, labels
from wuyedesk.i18n import tr
from wuyedesk.ui.binder import SHOWN_ZONE
from wuyedesk.ui.record_table import qdatetime
from wuyedesk.ui.repair_dialogs import Attempt, StepDialog, text_box

MORNING = time(9, 0)  # a new date is proposed for the next morning


def next_morning(now: datetime) -> datetime:
    """Return 09:00 office time on the day after now."""
    day = now.astimezone(SHOWN_ZONE).date() + timedelta(days=1)
    return datetime.combine(day, MORNING, SHOWN_ZONE)


def _combo(name: str, choices: dict[str, str], placeholder: str) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.setPlaceholderText(placeholder)
    for value, text in choices.items():
        box.addItem(text, value)
    box.setCurrentIndex(-1)
    return box


class RecordVisitDialog(StepDialog):
    """记录回访: method, satisfaction, the household's opinions, who visited."""

    def __init__(
        self,
        title: str,
        signer: str,
        attempt: Attempt,
        visitors: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, signer, attempt, parent)
        self.method = _combo("method", labels(VisitMethod), tr("请选择回访方式"))
        self.add_row(tr("回访方式"), self.method)
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
        self.opinions = text_box("opinions", tr("住户意见及建议（不满意时必填）"), 70)
        self.add_row(tr("住户意见及建议"), self.opinions)
        self.visitors = QLineEdit(visitors)
        self.visitors.setObjectName("visitors")
        self.visitors.setPlaceholderText(tr("同行的回访人，用“、”分开"))
        self.add_row(tr("回访人"), self.visitors)

    def values(self) -> dict[str, object]:
        """Return the method, the chosen satisfaction ('' for none), opinions and visitors."""
        chosen = next((v for v, r in self.radios.items() if r.isChecked()), "")
        return {
            "method": self.method.currentData() or "",
            "satisfaction": chosen,
            "opinions": self.opinions.toPlainText(),
            "visitors": self.visitors.text(),
        }


class NextDateDialog(StepDialog):
    """住户不在家 / 另约时间: the new date and time of the visit."""

    def __init__(
        self,
        title: str,
        signer: str,
        attempt: Attempt,
        proposed: datetime,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, signer, attempt, parent)
        self.next_at = QDateTimeEdit(qdatetime(proposed))
        self.next_at.setObjectName("next_at")
        self.next_at.setCalendarPopup(True)
        self.next_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.add_row(tr("另约回访时间"), self.next_at)


class NonconformityDialog(StepDialog):
    """登记不合格项: the problem found, the department responsible, the deadline."""

    def __init__(
        self,
        title: str,
        signer: str,
        attempt: Attempt,
        proposed: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, signer, attempt, parent)
        self.problem = text_box("nonconformity", tr("发现的问题"), 70)
        self.add_row(tr("发现问题"), self.problem)
        self.department = _combo("responsible_department", labels(Department), tr("请选择责任部门"))
        self.add_row(tr("责任部门"), self.department)
        self.deadline = QDateEdit(proposed)
        self.deadline.setObjectName("rectify_deadline")
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        self.add_row(tr("整改期限"), self.deadline)

    def values(self) -> dict[str, object]:
        """Return the problem, the department's key ('' for none) and the deadline."""
        return {
            "problem": self.problem.toPlainText(),
            "department": self.department.currentData() or "",
            "deadline": self.deadline.date().toPython(),
        }
