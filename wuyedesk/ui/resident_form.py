"""The resident form (住户档案): add or edit one person of a unit, checked as you type."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from wuyedesk.domain.errors import FormErrors, UserError, ValidationError
from wuyedesk.domain.units import shown_unit_codes
from wuyedesk.domain.validators import (
    check_id_number,
    check_landline,
    check_mobile,
    check_name,
    check_phone,
    check_plate,
)
from wuyedesk.i18n import tr
from wuyedesk.services import residents
from wuyedesk.services.context import Actor
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import (
    ERROR_COLOR,
    ERROR_PROPERTY,
    ERROR_SUFFIX,
    FORM_ERROR,
    clear_errors,
    field_widgets,
    fill_fields,
    load_form,
    read_fields,
    show_errors,
)
from wuyedesk.ui.idle_lock import AUTOSAVE_MS, CLOSED_BY_DESK, DraftAutosave

FORM_NAME = "resident"  # the form name drafts are kept under
DATE_FIELDS = ("moved_in", "moved_out", "verified_on")
DATE_MESSAGE = tr("日期格式应为 年-月-日，例如 2024-03-15")


def _check_date(text: str, field: str) -> object:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, DATE_MESSAGE) from None


# The checks run when a field is left; the service runs them all again on save.
_LIVE_CHECKS: dict[str, Callable[[str, str], object]] = {
    "name": check_name,
    "phone": check_mobile,
    "landline": check_landline,
    "emergency_name": check_name,
    "emergency_phone": check_phone,
    "plate": check_plate,
    **dict.fromkeys(DATE_FIELDS, _check_date),
}


def record_key(unit_code: str, resident_id: int | None) -> str:
    """Return the draft key of a resident form: the resident's id, or new:<unit code>."""
    return str(resident_id) if resident_id is not None else f"new:{unit_code}"


class ResidentDialog(QDialog):
    """Add a resident to a unit or edit one; Save is one service call, all-or-nothing.

    The typing is kept as a draft a few seconds after the last edit (`autosave_ms`), so a
    form lost to a crash or power cut is offered back at the next login. Save and Cancel
    drop the draft; closing the window, the lock or switching user keep it.
    """

    saved = Signal(object)  # the saved ResidentView

    def __init__(
        self,
        office: OfficeFile,
        actor: Actor,
        unit_code: str,
        resident_id: int | None = None,
        draft: dict[str, Any] | None = None,
        parent: QWidget | None = None,
        *,
        autosave_ms: int = AUTOSAVE_MS,
    ) -> None:
        super().__init__(parent)
        self.office, self.actor = office, actor
        self.unit_code, self.resident_id = unit_code, resident_id
        self.version: int | None = None
        self.form = load_form(FORM_NAME, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.addWidget(self.form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.fields = field_widgets(self.form)
        self._live_errors: dict[str, str] = {}
        self._fill_choices()
        self._load(draft)
        self._initial = self.current_data()
        if draft is not None:
            self._initial = {}  # a restored draft is unsaved work until it is saved
        self._connect_checks()
        self._keep_draft = False
        self.autosave = DraftAutosave(
            office,
            actor,
            FORM_NAME,
            lambda: self.record_key,
            self.current_data,
            self.is_dirty,
            delay_ms=autosave_ms,
            parent=self,
        )
        self.autosave.watch(self.fields.values())
        if draft is not None:
            self.autosave.changed()  # the restored typing is kept again shortly

    # -- set up -------------------------------------------------------------------------------
    def _fill_choices(self) -> None:
        role = self.fields["role"]
        assert isinstance(role, QComboBox)
        for value, label in residents.ROLE_LABELS.items():
            role.addItem(tr(label), value)
        gender = self.fields["gender"]
        assert isinstance(gender, QComboBox)
        gender.addItem(tr("（未填）"), "")
        for value in residents.GENDERS:
            gender.addItem(tr(value), value)
        id_type = self.fields["id_type"]
        assert isinstance(id_type, QComboBox)
        for value in residents.ID_TYPES:
            id_type.addItem(tr(value), value)

    def _load(self, draft: dict[str, Any] | None) -> None:
        if self.resident_id is not None:
            data = residents.resident_form_data(self.office, self.actor, self.resident_id)
            self.version = int(data["version"])
            self.unit_code = str(data.get("unit") or self.unit_code)
            fill_fields(self.form, data)
            title = tr("编辑住户 — {name}").format(name=data.get("name") or "")
        else:
            fill_fields(self.form, {"role": "owner", "gender": "", "id_type": residents.ID_CARD})
            title = tr("新增住户")
        if draft is not None:
            fill_fields(self.form, draft)
            if draft.get("version") is not None:
                # The draft's version: a change made by someone else meanwhile is then refused.
                self.version = int(draft["version"])
        self.setWindowTitle(f"{title} · {shown_unit_codes(self.unit_code)}")
        label = self.form.findChild(QLabel, "unit")
        if label is not None:
            label.setText(tr("房号 {code}").format(code=shown_unit_codes(self.unit_code)))

    def _connect_checks(self) -> None:
        for name, widget in self.fields.items():
            if isinstance(widget, QLineEdit):
                widget.editingFinished.connect(lambda n=name: self.check_field(n))
        id_type = self.fields["id_type"]
        assert isinstance(id_type, QComboBox)
        id_type.currentIndexChanged.connect(lambda _i: self.check_field("id_number"))

    # -- checking as you type -----------------------------------------------------------------
    def _text(self, name: str) -> str:
        widget = self.fields[name]
        return widget.text().strip() if isinstance(widget, QLineEdit) else ""

    def _untouched_mask(self, name: str, text: str) -> bool:
        return "*" in text and text == self._initial.get(name, text)

    def check_field(self, name: str) -> str | None:
        """Check one field with the domain's validator; show or clear its message; return it."""
        text = self._text(name)
        message: str | None = None
        check = _LIVE_CHECKS.get(name)
        if name == "id_number" and self._read_combo("id_type") == residents.ID_CARD:
            check = check_id_number
        if text and check is not None and not self._untouched_mask(name, text):
            try:
                check(text, name)
            except ValidationError as exc:
                message = exc.message
        self._set_live_error(name, message)
        return message

    def _read_combo(self, name: str) -> object:
        box = self.fields[name]
        assert isinstance(box, QComboBox)
        return box.currentData()

    def _set_live_error(self, name: str, message: str | None) -> None:
        if message:
            self._live_errors[name] = message
        else:
            self._live_errors.pop(name, None)
        label = self.form.findChild(QLabel, name + ERROR_SUFFIX)
        if label is not None:
            label.setText(message or "")
            label.setStyleSheet(f"color: {ERROR_COLOR};")
            label.setVisible(bool(message))
        widget = self.fields.get(name)
        if widget is not None and bool(widget.property(ERROR_PROPERTY)) != bool(message):
            widget.setProperty(ERROR_PROPERTY, bool(message))
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def error_text(self, name: str) -> str:
        """Return the message shown beside a field ('' when none)."""
        label = self.form.findChild(QLabel, name + ERROR_SUFFIX)
        return label.text() if label is not None and not label.isHidden() else ""

    # -- data ---------------------------------------------------------------------------------
    def current_data(self) -> dict[str, Any]:
        """Return what the form holds now, for saving or for a draft."""
        data = read_fields(self.form)
        data["unit"] = self.unit_code
        data["version"] = self.version
        return data

    def is_dirty(self) -> bool:
        """Tell whether the form holds typing not yet saved."""
        return self.current_data() != self._initial

    @property
    def record_key(self) -> str:
        """Return this form's draft key."""
        return record_key(self.unit_code, self.resident_id)

    # -- saving -------------------------------------------------------------------------------
    def save(self) -> None:
        """Save through the service; show every message beside its field; keep the form on error."""
        data = read_fields(self.form)
        clear_errors(self.form)
        self._live_errors.clear()
        try:
            if self.resident_id is None:
                view = residents.add_resident(self.office, self.actor, self.unit_code, data)
            else:
                assert self.version is not None
                view = residents.update_resident(
                    self.office, self.actor, self.resident_id, data, self.version
                )
        except FormErrors as exc:
            show_errors(self.form, exc.errors)
            return
        except ValidationError as exc:
            show_errors(self.form, {exc.field: exc.message})
            return
        except UserError as exc:
            # A version conflict, a refused permission, a vanished record: nothing was saved.
            show_errors(self.form, {FORM_ERROR: exc.message})
            QMessageBox.warning(self, tr("未保存"), exc.message)
            return
        self._initial = self.current_data()
        self.autosave.discard()
        self.saved.emit(view)
        self.accept()

    # -- leaving ------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window keeps the typing as a draft; only Cancel (or Esc) drops it."""
        self._keep_draft = True
        try:
            super().closeEvent(event)
        finally:
            self._keep_draft = False

    def reject(self) -> None:
        """Cancel drops the draft; a close by the window or by the desk (lock) keeps it."""
        if self._keep_draft or self.property(CLOSED_BY_DESK):
            self.autosave.save_now()
        else:
            self.autosave.discard()
        super().reject()
