"""One register entry's detail: what was said, and the buttons its state allows now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.kinds import Department, Satisfaction, labels
from wuyedesk.domain.units import shown_unit_codes
from wuyedesk.domain.workflows import CONTACT, contact_can_archive
from wuyedesk.i18n import tr
from wuyedesk.services import contacts
from wuyedesk.services.context import Actor
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import ERROR_COLOR, SHOWN_ZONE
from wuyedesk.ui.record_table import (
    hbox,
    make_button,
    overdue_warning,
    qdatetime,
    run_step,
    shown_time,
)

SOLVABLE = ((tr("未定"), None), (tr("能"), True), (tr("不能"), False))


def html_lines(pairs: list[tuple[str, object]]) -> str:
    """Return label/value pairs as HTML lines, leaving out empty values."""
    return "<br>".join(
        tr("<b>{0}</b>：{1}").format(escape(k), escape(str(v)))
        for k, v in pairs
        if v not in (None, "")
    )


class ContactPanel(QGroupBox):
    """Show one entry and run its live steps: relay, follow a complaint, result, archive, void."""

    changed = Signal(object)  # the id of the entry that changed

    def __init__(
        self,
        office: OfficeFile,
        actor: Actor,
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setTitle(tr("登记详情"))
        self.setObjectName("contact_panel")
        self.office, self.actor, self.now = office, actor, now
        self.view: Any = None
        self.summary = QLabel()
        self.summary.setObjectName("detail")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.message = QLabel()
        self.message.setObjectName("detail_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOR};")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        self.rows: dict[str, QWidget] = {}
        self._build_relay(layout)
        self._build_complaint(layout)
        self._build_result(layout)
        self.handle_button = make_button(tr("部门处理"), "handle", self.handle)
        self.archive_button = make_button(tr("归档"), "archive", self.archive)
        self.void_button = make_button(tr("作废…"), "void", self.void)
        self.rows |= {
            "handle": self.handle_button,
            "archive": self.archive_button,
            "void": self.void_button,
        }
        layout.addWidget(hbox(self.handle_button, self.archive_button, self.void_button))
        layout.addStretch(1)
        self.show_view(None)

    # -- building -----------------------------------------------------------------------------
    def _build_relay(self, layout: QVBoxLayout) -> None:
        self.relay_department = QComboBox()
        self.relay_department.setObjectName("relay_department")
        for value, text in labels(Department).items():
            self.relay_department.addItem(tr(text), value)
        self.relay_person = QLineEdit()
        self.relay_person.setObjectName("relay_person")
        self.relay_person.setPlaceholderText(tr("负责人"))
        self.relay_button = make_button(tr("转达"), "relay", self.relay)
        self.rows["relay"] = hbox(
            QLabel(tr("转达")), self.relay_department, self.relay_person, self.relay_button
        )
        layout.addWidget(self.rows["relay"])

    def _build_complaint(self, layout: QVBoxLayout) -> None:
        self.complaint_box = QGroupBox(tr("投诉处理"))
        self.complaint_box.setObjectName("complaint_box")
        self.dept_contact_at = QDateTimeEdit()
        self.dept_contact_at.setObjectName("dept_contact_at")
        self.dept_contact_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.dept_contact_at.setCalendarPopup(True)
        self.contact_button = make_button(tr("部门联系住户"), "department_contact", self.contacted)
        self.remedy = QLineEdit()
        self.remedy.setObjectName("remedy")
        self.solvable = QComboBox()
        self.solvable.setObjectName("solvable")
        for text, value in SOLVABLE:
            self.solvable.addItem(tr(text), value)
        self.answer = QLineEdit()
        self.answer.setObjectName("answer")
        self.complaint_button = make_button(
            tr("保存处理情况"), "update_complaint", self.save_complaint
        )
        form = QFormLayout(self.complaint_box)
        form.addRow(tr("联系住户时间"), hbox(self.dept_contact_at, self.contact_button))
        form.addRow(tr("补救措施"), self.remedy)
        form.addRow(tr("能否解决"), self.solvable)
        form.addRow(tr("给住户的答复"), hbox(self.answer, self.complaint_button))
        layout.addWidget(self.complaint_box)

    def _build_result(self, layout: QVBoxLayout) -> None:
        self.result = QLineEdit()
        self.result.setObjectName("result")
        self.result.setPlaceholderText(tr("处理结果"))
        self.satisfaction = QComboBox()
        self.satisfaction.setObjectName("satisfaction")
        self.satisfaction.addItem(tr("（满意度未问）"), None)
        for value, text in labels(Satisfaction).items():
            self.satisfaction.addItem(tr(text), value)
        self.result_button = make_button(tr("登记处理结果"), "record_result", self.record_result)
        self.rows["record_result"] = hbox(self.result, self.satisfaction, self.result_button)
        layout.addWidget(self.rows["record_result"])

    # -- showing ------------------------------------------------------------------------------
    def record_id(self) -> int | None:
        """Return the id of the entry shown, or None."""
        return self.view.id if self.view is not None else None

    def show_view(self, view: Any) -> None:
        """Show an entry (None: nothing chosen) with only the buttons its state allows."""
        self.view = view
        self.message.clear()
        live = dict(view.actions) if view is not None else {}
        for action, row in self.rows.items():
            row.setVisible(action in live)
        self.archive_button.setEnabled(True)
        for action, button in (
            ("relay", self.relay_button),
            ("handle", self.handle_button),
            ("record_result", self.result_button),
            ("archive", self.archive_button),
            ("dept_contact", self.contact_button),
            ("update_complaint", self.complaint_button),
        ):
            if action in live:
                button.setText(tr(live[action]))
        if view is None:
            self.complaint_box.setVisible(False)
            self.summary.setText(tr("在左边的登记表中选择一条，查看详情并处理。"))
            return
        self.complaint_box.setVisible("dept_contact" in live or "update_complaint" in live)
        self.contact_button.setVisible("dept_contact" in live)
        self.complaint_button.setVisible("update_complaint" in live)
        self.dept_contact_at.setDateTime(qdatetime(view.dept_contact_at or self.now()))
        self.remedy.setText(view.remedy or "")
        self.solvable.setCurrentIndex(max(0, self.solvable.findData(view.solvable)))
        self.answer.setText(view.answer or "")
        self.result.setText(view.result or "")
        self._explain_archive(view, live)
        self.summary.setText(self._summary(view))

    def _explain_archive(self, view: Any, live: dict[str, str]) -> None:
        # The workflow would allow filing now but the service held it back: say why.
        if "archive" in live or not CONTACT.can(view.state, "archive", self.actor.role):
            self.archive_button.setToolTip("")
            return
        reason = contact_can_archive(bool(view.is_complaint), bool(view.result), False)
        if reason:
            self.archive_button.setVisible(True)
            self.archive_button.setEnabled(False)
            self.archive_button.setToolTip(tr(reason))
            self.message.setText(tr(reason))

    def _summary(self, v: Any) -> str:
        satisfaction = labels(Satisfaction).get(v.satisfaction or "", v.satisfaction)
        solvable = {True: tr("能"), False: tr("不能")}.get(v.solvable)
        relayed = " ".join(filter(None, (v.relayed_department_label, v.relayed_to)))
        pairs: list[tuple[str, object]] = [
            (tr("时间"), shown_time(v.at, "%Y-%m-%d %H:%M")),
            (tr("方式"), v.method_label),
            (tr("房号"), shown_unit_codes(v.unit_code or "")),
            (tr("来访/来电人"), v.caller_name),
            (tr("联系电话"), v.phone),
            (tr("事由类别"), v.kind_label),
            (tr("内容"), v.content),
            (tr("登记人"), v.recorded_by),
            (
                tr("转达"),
                tr("{relayed}（{0}）").format(shown_time(v.relayed_at), relayed=relayed)
                if v.relayed_at
                else relayed,
            ),
        ]
        if v.is_complaint:
            pairs += [
                (tr("被投诉部门"), v.complained_department_label),
                (tr("部门联系住户"), shown_time(v.dept_contact_at)),
                (tr("补救措施"), v.remedy),
                (tr("能否解决"), solvable),
                (tr("答复"), v.answer),
                (tr("回访期限"), shown_time(v.visit_due_at)),
            ]
        pairs += [
            (
                tr("处理结果"),
                tr("{0}（{1}）").format(v.result, shown_time(v.result_at))
                if v.result_at
                else v.result,
            ),
            (tr("满意度"), satisfaction),
            (tr("归档"), shown_time(v.archived_at)),
            (tr("作废原因"), v.void_reason),
        ]
        head = tr("<p style='font-size:12pt'><b>{0}</b>　{1}</p>").format(
            escape(v.number), escape(v.state_label)
        )
        return head + overdue_warning(v) + html_lines(pairs)

    # -- steps --------------------------------------------------------------------------------
    def _run(self, step: Callable[[], Any]) -> Any:
        return run_step(self, step)

    def relay(self) -> Any:
        """Relay to the chosen department and person; the time is stamped now."""
        v = self.view
        department, person = self.relay_department.currentData(), self.relay_person.text().strip()
        return self._run(
            lambda: contacts.relay_contact(
                self.office, self.actor, v.id, department, person, version=v.version, now=self.now()
            )
        )

    def contacted(self) -> Any:
        """Record when the complained department first contacted the household."""
        v = self.view
        at = self.dept_contact_at.dateTime().toPython().replace(tzinfo=SHOWN_ZONE)
        return self._run(
            lambda: contacts.record_department_contact(
                self.office, self.actor, v.id, at, version=v.version, now=self.now()
            )
        )

    def save_complaint(self) -> Any:
        """Save the remedy, whether it can be solved, and the answer given."""
        v = self.view
        data = {
            "remedy": self.remedy.text().strip(),
            "solvable": self.solvable.currentData(),
            "answer": self.answer.text().strip(),
        }
        return self._run(
            lambda: contacts.update_complaint(
                self.office, self.actor, v.id, data, version=v.version, now=self.now()
            )
        )

    def handle(self) -> Any:
        """Mark the entry handled by its department."""
        v = self.view
        return self._run(
            lambda: contacts.mark_handled(
                self.office, self.actor, v.id, version=v.version, now=self.now()
            )
        )

    def record_result(self) -> Any:
        """Record the result (and the satisfaction, if asked)."""
        v = self.view
        result, satisfaction = self.result.text().strip(), self.satisfaction.currentData()
        return self._run(
            lambda: contacts.record_result(
                self.office,
                self.actor,
                v.id,
                result,
                satisfaction=satisfaction,
                version=v.version,
                now=self.now(),
            )
        )

    def archive(self) -> Any:
        """Archive the entry; a refusal (e.g. no return visit yet) is shown plainly."""
        v = self.view
        return self._run(
            lambda: contacts.archive_contact(
                self.office, self.actor, v.id, version=v.version, now=self.now()
            )
        )

    def void(self) -> Any:
        """Void the entry with a reason asked for."""
        v = self.view
        reason, ok = QInputDialog.getText(self, tr("作废"), tr("作废原因："))
        if not ok:
            return None
        return self._run(
            lambda: contacts.void_contact(
                self.office, self.actor, v.id, reason.strip(), version=v.version, now=self.now()
            )
        )
