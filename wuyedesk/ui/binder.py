"""One generic binder for every Designer form: a widget's objectName is its field's name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, TypeVar

from PySide6.QtCore import QDate, QDateTime, QFile, QIODevice, QTime
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QWidget,
)

from wuyedesk.domain.errors import FormErrors, UserError, ValidationError
from wuyedesk.paths import data_dir

ERROR_SUFFIX = "_error"
FORM_ERROR = "form_error"  # the label for messages that belong to no single field
ERROR_PROPERTY = "fieldError"
ERROR_COLOR = "#c62828"
# Appended to a form's style sheet: a field with a message gets a red border.
ERROR_STYLE = f'*[{ERROR_PROPERTY}="true"] {{ border: 1px solid {ERROR_COLOR}; }}'


def _shown_zone() -> tzinfo:
    # China has kept UTC+8 without summer time since 1991; the fixed offset is the
    # fallback where the IANA database is missing (Windows without tzdata).
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Shanghai")
    except Exception:
        return timezone(timedelta(hours=8), "Asia/Shanghai")


SHOWN_ZONE = _shown_zone()


def _read_combo(box: QComboBox) -> object:
    data = box.currentData()
    return data if data is not None else box.currentText()


def _fill_combo(box: QComboBox, value: object) -> None:
    index = box.findData(value)
    if index < 0 and value is not None:
        index = box.findText(str(value))
    if index >= 0:
        box.setCurrentIndex(index)
    elif box.isEditable():
        box.setEditText("" if value is None else str(value))
    else:
        box.setCurrentIndex(-1)


def _read_datetime(edit: QDateTimeEdit) -> datetime:
    naive = edit.dateTime().toPython().replace(microsecond=0)
    return naive.replace(tzinfo=SHOWN_ZONE)


def _fill_datetime(edit: QDateTimeEdit, value: object) -> None:
    if not isinstance(value, datetime):
        raise TypeError(f"{edit.objectName()}: expected a datetime, got {value!r}")
    if value.tzinfo is None:
        raise ValueError(f"{edit.objectName()}: a naive datetime cannot be shown")
    shown = value.astimezone(SHOWN_ZONE)
    edit.setDateTime(
        QDateTime(
            QDate(shown.year, shown.month, shown.day), QTime(shown.hour, shown.minute, shown.second)
        )
    )


def _fill_date(edit: QDateEdit, value: object) -> None:
    if not isinstance(value, date):
        raise TypeError(f"{edit.objectName()}: expected a date, got {value!r}")
    edit.setDate(QDate(value.year, value.month, value.day))


# Most specific class first: QDateEdit is a QDateTimeEdit.
_KINDS: list[tuple[type[QWidget], Callable[[Any], object], Callable[[Any, object], None]]] = [
    (QLineEdit, lambda w: w.text(), lambda w, v: w.setText("" if v is None else str(v))),
    (
        QPlainTextEdit,
        lambda w: w.toPlainText(),
        lambda w, v: w.setPlainText("" if v is None else str(v)),
    ),
    (
        QTextEdit,
        lambda w: w.toPlainText(),
        lambda w, v: w.setPlainText("" if v is None else str(v)),
    ),
    (QComboBox, _read_combo, _fill_combo),
    (QCheckBox, lambda w: w.isChecked(), lambda w, v: w.setChecked(bool(v))),
    (QSpinBox, lambda w: w.value(), lambda w, v: w.setValue(int(v or 0))),
    (QDoubleSpinBox, lambda w: w.value(), lambda w, v: w.setValue(float(v or 0))),
    (QDateEdit, lambda w: w.date().toPython(), _fill_date),
    (QDateTimeEdit, _read_datetime, _fill_datetime),
]


def _kind(widget: QWidget) -> tuple[Callable[[Any], object], Callable[[Any, object], None]] | None:
    for cls, reader, writer in _KINDS:
        if isinstance(widget, cls):
            return reader, writer
    return None


def _is_field_name(name: str) -> bool:
    return bool(name) and not name.startswith(("_", "qt_")) and not name.endswith(ERROR_SUFFIX)


def field_widgets(form: QWidget) -> dict[str, QWidget]:
    """Return the form's input widgets by field name (labels, buttons and Qt internals left out)."""
    fields: dict[str, QWidget] = {}
    for widget in form.findChildren(QWidget):
        name = widget.objectName()
        if isinstance(widget, QLabel) or not _is_field_name(name) or _kind(widget) is None:
            continue
        # A widget nested inside another input (a combo box's own line edit) is not a field.
        parent = widget.parentWidget()
        if parent is not None and parent is not form and _kind(parent) is not None:
            continue
        fields[name] = widget
    return fields


def load_form(name: str, parent: QWidget | None = None) -> QWidget:
    """Load forms/<name>.ui into a widget, with its error labels hidden."""
    path = data_dir("forms") / f"{name}.ui"
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"form {path} cannot be read")
    try:
        loader = QUiLoader()
        form = loader.load(file, parent)
    finally:
        file.close()
    if form is None:
        raise RuntimeError(f"form {path} cannot be loaded: {loader.errorString()}")
    form.setStyleSheet(f"{form.styleSheet()}\n{ERROR_STYLE}")
    clear_errors(form)
    return form


def read_fields(form: QWidget) -> dict[str, object]:
    """Return every field's current value by name."""
    values: dict[str, object] = {}
    for name, widget in field_widgets(form).items():
        kind = _kind(widget)
        assert kind is not None
        values[name] = kind[0](widget)
    return values


def fill_fields(form: QWidget, data: dict[str, object]) -> None:
    """Put values into the fields of the same name; names the form lacks are ignored."""
    fields = field_widgets(form)
    for name, value in data.items():
        widget = fields.get(name)
        if widget is None:
            continue
        kind = _kind(widget)
        assert kind is not None
        kind[1](widget, value)


def _mark(widget: QWidget, on: bool) -> None:
    if bool(widget.property(ERROR_PROPERTY)) == on:
        return
    widget.setProperty(ERROR_PROPERTY, on)
    # A dynamic property only restyles after the widget is polished again.
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


def _error_label(form: QWidget, name: str) -> QLabel | None:
    return form.findChild(QLabel, name)


def show_errors(form: QWidget, errors: dict[str, str]) -> dict[str, str]:
    """Show each message beside its field and mark the field; return the ones with no place."""
    clear_errors(form)
    fields = field_widgets(form)
    unplaced: dict[str, str] = {}
    for name, message in errors.items():
        label = _error_label(form, name + ERROR_SUFFIX)
        if label is None:
            unplaced[name] = message
            continue
        label.setText(message)
        label.setStyleSheet(f"color: {ERROR_COLOR};")
        label.setVisible(True)
        if name in fields:
            _mark(fields[name], True)
    general = _error_label(form, FORM_ERROR)
    if unplaced and general is not None:
        general.setText("\n".join(unplaced.values()))
        general.setStyleSheet(f"color: {ERROR_COLOR};")
        general.setVisible(True)
        unplaced = {}
    first = next((fields[n] for n in errors if n in fields), None)
    if first is not None:
        first.setFocus()
    return unplaced


def clear_errors(form: QWidget) -> None:
    """Hide every error message and unmark every field."""
    for label in form.findChildren(QLabel):
        name = label.objectName()
        if name.endswith(ERROR_SUFFIX):
            label.clear()
            label.setVisible(False)
    for widget in field_widgets(form).values():
        _mark(widget, False)


Result = TypeVar("Result")


def submit(form: QWidget, call: Callable[[], Result]) -> Result | None:
    """Run a form's service call; show any refusal beside its field and return None."""
    clear_errors(form)
    try:
        return call()
    except FormErrors as exc:
        show_errors(form, exc.errors)
    except ValidationError as exc:
        show_errors(form, {exc.field: exc.message})
    except UserError as exc:
        show_errors(form, {FORM_ERROR: exc.message})
    return None
