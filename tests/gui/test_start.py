"""The way in: unlock, the recovery key, the generic form binder, the program's start."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTextEdit,
    QWidget,
)

from wuyedesk.services import office as office_service
from wuyedesk.services.office import init_office, office_info
from wuyedesk.ui import app as app_module
from wuyedesk.ui import start
from wuyedesk.ui.binder import (
    ERROR_PROPERTY,
    clear_errors,
    fill_fields,
    load_form,
    read_fields,
    show_errors,
)
from wuyedesk.ui.start import UnlockDialog, passphrase_strength, recovery_document

PASSPHRASE = "correct horse 12"  # as in conftest.py
FAST_N = 2**12

GOOD_CREATE = {
    "office_name": "阳光花园管理处",
    "estate_name": "阳光花园",
    "passphrase": PASSPHRASE,
    "passphrase_again": PASSPHRASE,
    "director_name": "王主任",
    "director_pin": "1357",
    "director_pin_again": "1357",
}


def type_into(form: QWidget, values: dict[str, str]) -> None:
    """Put text into line edits as a person would (setText: keyClicks cannot type Chinese)."""
    for name, text in values.items():
        form.findChild(QLineEdit, name).setText(text)


def click(qtbot, form: QWidget, name: str) -> None:
    """Click the push button of this name."""
    qtbot.mouseClick(form.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def error_text(form: QWidget, field: str) -> str:
    """Return the visible message beside a field, or '' when none is shown."""
    label = form.findChild(QLabel, f"{field}_error")
    return label.text() if label.isVisibleTo(form) else ""


@pytest.fixture
def unlock_dialog(qtbot, make_office, office_path, monkeypatch):
    make_office().close()
    monkeypatch.setattr(start.remembered, "availability", lambda: (False, "本电脑没有密码库"))
    dialog = UnlockDialog(office_path)
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    if dialog.office is not None:
        dialog.office.close()


def test_unlock_wrong_passphrase_stays_open_then_right_one_opens(qtbot, unlock_dialog):
    type_into(unlock_dialog.form, {"passphrase": "wrong horse 12"})
    click(qtbot, unlock_dialog.form, "ok_button")
    assert error_text(unlock_dialog.form, "passphrase") == "办公室密码不正确"
    assert unlock_dialog.isVisible() and unlock_dialog.office is None

    type_into(unlock_dialog.form, {"passphrase": PASSPHRASE})
    click(qtbot, unlock_dialog.form, "ok_button")
    assert unlock_dialog.result() == QDialog.DialogCode.Accepted
    assert error_text(unlock_dialog.form, "passphrase") == ""
    assert office_info(unlock_dialog.office).name == "阳光花园管理处"


def test_unlock_shows_path_and_why_remembering_is_unavailable(qtbot, unlock_dialog, office_path):
    assert unlock_dialog.form.findChild(QLabel, "office_path").text() == str(office_path)
    remember = unlock_dialog.form.findChild(QCheckBox, "remember")
    qtbot.waitUntil(lambda: not remember.isEnabled())  # asked once the window is up
    assert remember.toolTip() == "本电脑没有密码库"


def test_recovery_key_opens_and_sets_a_new_passphrase(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "recover.wuye"
    office, key = init_office(
        path,
        PASSPHRASE,
        office_name="管理处",
        estate_name="小区",
        director_name="王主任",
        director_pin="1357",
        passphrase_n=FAST_N,
    )
    office.close()
    dialog = UnlockDialog(path)
    qtbot.addWidget(dialog)
    dialog.show()
    click(qtbot, dialog.form, "use_recovery")
    assert dialog.using_recovery
    type_into(dialog.form, {"recovery": "AAAA-" * 7 + "AAAA", "new_passphrase": "新的密码 2026"})
    type_into(dialog.form, {"new_passphrase_again": "新的密码 2026"})
    click(qtbot, dialog.form, "ok_button")
    assert "恢复密钥不正确" in error_text(dialog.form, "recovery")

    type_into(dialog.form, {"recovery": key.lower().replace("-", " ")})
    click(qtbot, dialog.form, "ok_button")
    assert dialog.result() == QDialog.DialogCode.Accepted
    dialog.office.close()
    office_service.unlock(path, passphrase="新的密码 2026").close()


def test_remembered_key_failure_falls_back_to_the_dialog(monkeypatch, make_office, office_path):
    make_office().close()
    monkeypatch.setattr(app_module.remembered, "availability", lambda: (True, ""))

    def broken(*args, **kwargs):
        raise RuntimeError("keyring exploded")

    monkeypatch.setattr(app_module.office_service, "unlock", broken)
    assert app_module.open_remembered(office_path) is None


def _every_kind_form() -> QWidget:
    form = QWidget()
    layout = QFormLayout(form)
    combo = QComboBox(objectName="role")
    combo.addItem("文员", "clerk")
    combo.addItem("物业助理", "assistant")
    editable = QComboBox(objectName="department", editable=True)
    editable.addItems(["工程部", "客服"])
    widgets = [
        QLineEdit(objectName="name"),
        QPlainTextEdit(objectName="notes"),
        QTextEdit(objectName="result"),
        combo,
        editable,
        QCheckBox(objectName="consent"),
        QSpinBox(objectName="floors", maximum=120),
        QDoubleSpinBox(objectName="area", maximum=999),
        QDateEdit(objectName="moved_in"),
        QDateTimeEdit(objectName="received_at"),
        QLineEdit(objectName="_scratch"),
        QLabel("姓名", objectName="name_label"),
        QLabel(objectName="name_error"),
        QLabel(objectName="form_error"),
    ]
    for widget in widgets:
        layout.addRow(widget)
    return form


def test_binder_round_trips_every_widget_kind(qtbot):
    form = _every_kind_form()
    qtbot.addWidget(form)
    received = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)
    data = {
        "name": "李四",
        "notes": "白天在家\n晚上加班",
        "result": "已修好",
        "role": "assistant",
        "department": "保安部",
        "consent": True,
        "floors": 18,
        "area": 89.5,
        "moved_in": date(2024, 5, 20),
        "received_at": received,
        "unknown_field": "ignored",
    }
    fill_fields(form, data)
    values = read_fields(form)
    assert set(values) == set(data) - {"unknown_field"}
    assert {k: v for k, v in values.items() if k != "received_at"} == {
        k: v for k, v in data.items() if k not in ("received_at", "unknown_field")
    }
    assert values["received_at"] == received  # same instant, shown in Shanghai time
    assert values["received_at"].utcoffset().total_seconds() == 8 * 3600
    assert form.findChild(QDateTimeEdit, "received_at").time().hour() == 10
    assert form.findChild(QDateEdit, "moved_in").date() == QDate(2024, 5, 20)


def test_binder_shows_and_clears_errors(qtbot):
    form = _every_kind_form()
    qtbot.addWidget(form)
    form.show()
    left = show_errors(form, {"name": "请填写姓名", "room": "没有这个房号"})
    assert left == {}
    assert form.findChild(QLabel, "name_error").isVisible()
    assert form.findChild(QLabel, "name_error").text() == "请填写姓名"
    assert form.findChild(QLabel, "form_error").text() == "没有这个房号"
    assert form.findChild(QLineEdit, "name").property(ERROR_PROPERTY) is True
    clear_errors(form)
    assert not form.findChild(QLabel, "name_error").isVisible()
    assert not form.findChild(QLineEdit, "name").property(ERROR_PROPERTY)


def test_forms_name_their_fields_as_the_services_do(qtbot):
    create = load_form("create_office")
    unlock = load_form("unlock")
    login = load_form("login")
    for form in (create, unlock, login):
        qtbot.addWidget(form)
    assert set(read_fields(create)) == set(GOOD_CREATE)
    assert set(read_fields(login)) == {"pin"}  # the name list is chosen, not bound
    assert set(read_fields(unlock)) == {
        "passphrase",
        "remember",
        "recovery",
        "new_passphrase",
        "new_passphrase_again",
    }


def test_passphrase_strength_rates_as_the_hint_says():
    assert [passphrase_strength(t) for t in ("abc", "abcd1234", PASSPHRASE)] == [0, 1, 2]


def test_recovery_page_prints_to_pdf(qtbot, tmp_path):
    parent = QWidget()
    qtbot.addWidget(parent)
    key = "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789"
    doc = recovery_document(parent, key, "管理处", "小区")
    assert "ABCD-EFGH" in doc.toPlainText() and "管理处 · 小区" in doc.toPlainText()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "key.pdf"))
    doc.print_(printer)
    assert (tmp_path / "key.pdf").stat().st_size > 1000


@pytest.fixture
def whole_program(qapp):
    """Run the program's own event loop; afterwards leave the application as tests need it.

    Closing the program's last window posts a quit that arrives after its loop has ended:
    Qt then ends every later event loop at once (pytest-qt's waits among them) until the
    application's loop runs again — so run it once, briefly.
    """
    yield
    QTimer.singleShot(0, qapp.quit)
    qapp.exec()


def _close_when_shown(qapp, shown: list[str], action=None) -> None:
    def later() -> None:
        shown.extend(w.windowTitle() for w in qapp.topLevelWidgets() if w.isVisible())
        if action is not None:
            action()
        qapp.quit()

    QTimer.singleShot(0, later)


def test_a_remembered_key_goes_straight_to_the_login(
    monkeypatch, qapp, make_office, office_path, whole_program
):
    office = make_office()
    monkeypatch.setattr(app_module, "open_remembered", lambda path: office)
    monkeypatch.setattr(app_module, "UnlockDialog", None)  # would fail if it were used
    shown: list[str] = []
    _close_when_shown(qapp, shown)
    assert app_module.run(office_path) == 0
    assert "wuyedesk — 员工登录 · 阳光花园管理处" in shown
    assert office.data_key == b""  # closed: the key is forgotten


def test_quitting_the_unlock_dialog_ends_the_program(
    monkeypatch, qapp, make_office, office_path, whole_program
):
    make_office().close()
    monkeypatch.setattr(app_module.remembered, "availability", lambda: (False, "无"))
    shown: list[str] = []

    def quit_unlock() -> None:
        for widget in qapp.topLevelWidgets():
            if isinstance(widget, UnlockDialog) and widget.isVisible():
                widget.reject()

    _close_when_shown(qapp, shown, quit_unlock)
    assert app_module.run(office_path) == 0
    assert "打开办公文件" in shown
