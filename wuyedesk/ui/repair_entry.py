"""Open a repair slip (工程维修单) or a paid-service slip (有偿服务单) from a household's report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.kinds import RepairCategory, RepairKind, ReportChannel, labels
from wuyedesk.domain.units import shown_unit_codes
from wuyedesk.i18n import tr
from wuyedesk.services import repairs
from wuyedesk.services.context import Actor
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import (
    clear_errors,
    field_widgets,
    fill_fields,
    load_form,
    read_fields,
    submit,
)
from wuyedesk.ui.record_table import qdatetime
from wuyedesk.ui.unit_picker import offer_residents, pick_unit

Clock = Callable[[], datetime]
APPOINTMENT_LEAD_HOURS = 1  # a new appointment starts an hour after the report


class RepairEntryDialog(QDialog):
    """The slip's head as the desk fills it; 保存 opens it, 保存并打印 also prints it."""

    def __init__(
        self,
        office: OfficeFile,
        actor: Actor,
        kind: str,
        now: Clock,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.office, self.actor, self.now = office, actor, now
        self.setObjectName("repair_entry")
        self.saved: Any = None
        self.print_wanted = False
        self.form = load_form("repair_order", self)
        self.fields = field_widgets(self.form)
        self.reporter = self.fields["reporter_name"]
        assert isinstance(self.reporter, QComboBox)
        self.reporter.lineEdit().setPlaceholderText(tr("从档案选择或直接输入姓名"))
        self.appointment_on = self.form.findChild(QCheckBox, "_appointment_on")
        opened_by = self.form.findChild(QLabel, "_opened_by")
        if opened_by is not None:
            opened_by.setText(actor.name)
        self._fill_choices()
        self._connect()
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addLayout(self._buttons())
        self.clear_form(kind)
        self.resize(780, 340)

    # -- building -----------------------------------------------------------------------------
    def _fill_choices(self) -> None:
        for name, enum in (
            ("kind", RepairKind),
            ("channel", ReportChannel),
            ("category", RepairCategory),
        ):
            box = self.fields[name]
            assert isinstance(box, QComboBox)
            if name == "category":
                box.addItem(tr("（请选择）"), "")
            for value, text in labels(enum).items():
                box.addItem(tr(text), value)
        self.fields["kind"].currentIndexChanged.connect(lambda _i: self._kind_changed())  # type: ignore[attr-defined]

    def _connect(self) -> None:
        unit = self.fields["unit"]
        assert isinstance(unit, QLineEdit)
        unit.editingFinished.connect(self.offer_reporters)
        pick = unit.addAction(
            self.style().standardIcon(self.style().StandardPixmap.SP_DirOpenIcon),
            QLineEdit.ActionPosition.TrailingPosition,
        )
        pick.setToolTip(tr("从楼栋树中选择房号"))
        pick.setObjectName("pick_unit")
        pick.triggered.connect(self.pick_unit_from_tree)
        if self.appointment_on is not None:
            self.appointment_on.toggled.connect(self.fields["appointment_at"].setEnabled)

    def _buttons(self) -> QHBoxLayout:
        self.message = QLabel()
        self.message.setObjectName("saved")
        self.save_button = QPushButton(tr("保存 (Ctrl+S)"))
        self.save_button.setObjectName("save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(lambda: self.save())
        self.save_print_button = QPushButton(tr("保存并打印"))
        self.save_print_button.setObjectName("save_print")
        self.save_print_button.setAutoDefault(False)
        self.save_print_button.clicked.connect(lambda: self.save(print_it=True))
        cancel = QPushButton(tr("取消"))
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: self.save())
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        row.addWidget(cancel)
        row.addWidget(self.save_print_button)
        row.addWidget(self.save_button)
        return row

    # -- the form -----------------------------------------------------------------------------
    def kind(self) -> str:
        """Return the kind of slip the form opens (free or paid)."""
        return str(self.fields["kind"].currentData())  # type: ignore[attr-defined]

    def _kind_changed(self) -> None:
        paid = self.kind() == RepairKind.paid.value
        self.setWindowTitle(tr("新开有偿服务单") if paid else tr("新开工程维修单"))

    def clear_form(self, kind: str) -> None:
        """Empty the form for a new slip of this kind; the report time is now."""
        fill_fields(self.form, {"unit": "", "facility": "", "phone": "", "content": ""})
        fill_fields(
            self.form,
            {"kind": kind, "channel": ReportChannel.phone.value, "category": ""},
        )
        now = self.now()
        self.fields["reported_at"].setDateTime(qdatetime(now))  # type: ignore[attr-defined]
        appointment = self.fields["appointment_at"]
        assert isinstance(appointment, QDateTimeEdit)
        appointment.setDateTime(qdatetime(now).addSecs(APPOINTMENT_LEAD_HOURS * 3600))
        if self.appointment_on is not None:
            self.appointment_on.setChecked(False)
        self.reporter.clear()
        self.reporter.setEditText("")
        clear_errors(self.form)
        self._kind_changed()
        self.fields["unit"].setFocus()

    def pick_unit_from_tree(self) -> None:
        """Let the desk pick the unit in the estate tree, then offer its residents."""
        code = pick_unit(self.office, self.actor, self)
        if code:
            self.fields["unit"].setText(shown_unit_codes(code))  # type: ignore[attr-defined]
            self.offer_reporters()

    def offer_reporters(self) -> None:
        """Fill the reporter list with the unit's residents from the archive."""
        text = self.fields["unit"].text().strip()  # type: ignore[attr-defined]
        found = offer_residents(self.office, self.actor, self.form, self.reporter, text)
        if found is None:
            return
        self.message.setText(
            tr("该户档案中有 {0} 人，可在「报修人」中选择").format(found) if found else ""
        )

    def picked_resident(self) -> int | None:
        """Return the archive resident the reporter box names, or None for a typed-in name."""
        index = self.reporter.currentIndex()
        if index >= 0 and self.reporter.itemText(index) == self.reporter.currentText():
            value = self.reporter.itemData(index)
            return int(value) if value is not None else None
        return None

    def form_data(self) -> dict[str, Any]:
        """Return the form's values as open_repair takes them."""
        data = read_fields(self.form)
        name = self.reporter.currentText().strip()
        data["resident_id"] = self.picked_resident()
        data["reporter_name"] = name.split(tr("（"), 1)[0] if data["resident_id"] else name
        data["unit"] = str(data.get("unit") or "").strip() or None
        checked = self.appointment_on is not None and self.appointment_on.isChecked()
        if not checked:
            data["appointment_at"] = None
        return data

    def save(self, *, print_it: bool = False) -> Any | None:
        """Open the slip; show every message beside its field; close on success."""
        data = self.form_data()
        now = self.now()
        view = submit(
            self.form, lambda: repairs.open_repair(self.office, self.actor, data, now=now)
        )
        if view is None:
            return None
        self.saved, self.print_wanted = view, print_it
        self.accept()
        return view
