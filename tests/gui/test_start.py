"""The first screens: create the office, show the recovery key, unlock; the estate window."""

from __future__ import annotations

import re
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
from wuyedesk.services.context import Actor
from wuyedesk.services.office import init_office, office_info
from wuyedesk.services.places import add_building
from wuyedesk.store.keys import key_path
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
from wuyedesk.ui.main_window import MainWindow
from wuyedesk.ui.start import CreateOfficeDialog, RecoveryKeyDialog, UnlockDialog

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
def create_dialog(qtbot, office_path):
    dialog = CreateOfficeDialog(office_path, passphrase_n=FAST_N)
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    if dialog.office is not None:
        dialog.office.close()


def test_create_office_shows_the_recovery_key_once_then_opens(qtbot, create_dialog, office_path):
    type_into(create_dialog.form, GOOD_CREATE)
    click(qtbot, create_dialog.form, "ok_button")

    recovery = create_dialog.recovery_dialog
    assert recovery is not None and recovery.isVisible()
    key = recovery.key_label.text()
    assert re.fullmatch(r"([A-Z2-9]{4}-){7}[A-Z2-9]{4}", key)
    assert not recovery.continue_button.isEnabled()
    recovery.reject()  # Esc before ticking the box does not lose the key
    assert recovery.isVisible()

    recovery.saved_box.setChecked(True)
    qtbot.mouseClick(recovery.continue_button, Qt.MouseButton.LeftButton)
    assert create_dialog.result() == QDialog.DialogCode.Accepted
    assert office_path.exists() and key_path(office_path).exists()
    assert office_info(create_dialog.office).estate_name == "阳光花园"
    office_service.unlock(office_path, recovery=key).close()  # the shown key is the real one


def test_create_refuses_mismatch_and_short_pin_and_writes_nothing(
    qtbot, create_dialog, office_path
):
    type_into(
        create_dialog.form,
        {**GOOD_CREATE, "passphrase_again": "correct horse 13", "director_pin": "12"},
    )
    click(qtbot, create_dialog.form, "ok_button")

    assert error_text(create_dialog.form, "passphrase_again") == "两次输入的办公室密码不一致"
    assert "4 到 8 位数字" in error_text(create_dialog.form, "director_pin")
    assert create_dialog.form.findChild(QLineEdit, "director_pin").property(ERROR_PROPERTY)
    assert error_text(create_dialog.form, "office_name") == ""
    assert create_dialog.recovery_dialog is None and create_dialog.isVisible()
    assert not office_path.exists() and not key_path(office_path).exists()


def test_create_refuses_empty_names_and_a_short_passphrase(qtbot, create_dialog, office_path):
    type_into(create_dialog.form, {**GOOD_CREATE, "office_name": " ", "passphrase": "abc"})
    click(qtbot, create_dialog.form, "ok_button")
    assert error_text(create_dialog.form, "office_name") == "请填写管理处名称"
    assert "至少需要 8 个字符" in error_text(create_dialog.form, "passphrase")
    assert not office_path.exists()


def test_passphrase_strength_hint_follows_typing(create_dialog):
    field = create_dialog.form.findChild(QLineEdit, "passphrase")
    hint = create_dialog.form.findChild(QLabel, "passphrase_strength")
    for text, word in (("abc", "弱"), ("abcd1234", "中"), (PASSPHRASE, "强")):
        field.setText(text)
        assert f"强度：{word}" in hint.text()


def test_recovery_page_prints_to_pdf(qtbot, tmp_path):
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = RecoveryKeyDialog("ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789", "管理处", "小区", parent)
    assert "ABCD-EFGH" in dialog.document().toPlainText()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "key.pdf"))
    dialog.print_to(printer)
    assert (tmp_path / "key.pdf").stat().st_size > 1000


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


def test_unlock_shows_path_and_why_remembering_is_unavailable(unlock_dialog, office_path):
    assert unlock_dialog.form.findChild(QLabel, "office_path").text() == str(office_path)
    remember = unlock_dialog.form.findChild(QCheckBox, "remember")
    assert not remember.isEnabled()
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


def test_main_window_lists_buildings_with_counts(qtbot, make_office, office_path):
    office = make_office()
    actor = Actor.command_line()
    add_building(office, actor, "1", entrances=2, floors=3, units_per_floor=2)
    add_building(office, actor, "2", entrances=0, floors=5, units_per_floor=4)
    window = MainWindow(office)
    qtbot.addWidget(window)
    window.show()

    assert window.windowTitle() == "wuyedesk — 阳光花园管理处 · 阳光花园"
    model = window.model
    rows = [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)] == [
        "楼栋",
        "单元数",
        "楼层数",
        "户数",
        "住户数",
        "已入住户数",
    ]
    assert rows == [
        ["1栋", 2, 3, 12, 0, 0],
        ["2栋", 0, 5, 20, 0, 0],
        ["合计 2 栋", 2, 8, 32, 0, 0],
    ]
    assert window.pages.currentWidget() is window.table
    assert "共 2 栋 · 32 户" in window.summary_label.text()
    assert str(office_path) in window.path_label.text()


def test_main_window_says_how_to_fill_an_empty_estate(qtbot, make_office):
    window = MainWindow(make_office())
    qtbot.addWidget(window)
    window.show()
    assert window.pages.currentWidget() is window.empty_label
    assert window.empty_label.text() == "还没有楼栋：可用 wuyedesk demo 生成演示小区"
    assert window.model.rowCount() == 0


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
    qtbot.addWidget(create)
    qtbot.addWidget(unlock)
    assert set(read_fields(create)) == set(GOOD_CREATE)
    assert set(read_fields(unlock)) == {
        "passphrase",
        "remember",
        "recovery",
        "new_passphrase",
        "new_passphrase_again",
    }


def test_a_remembered_key_skips_the_unlock_dialog(monkeypatch, make_office, office_path):
    office = make_office()
    monkeypatch.setattr(app_module.remembered, "availability", lambda: (True, ""))
    monkeypatch.setattr(app_module.office_service, "unlock", lambda path, **kw: office)
    monkeypatch.setattr(app_module, "UnlockDialog", None)  # would fail if it were used
    assert app_module.open_office(office_path) is office


def test_run_opens_the_main_window_and_closes_the_office(monkeypatch, qapp, make_office):
    office = make_office()
    shown: list[str] = []
    monkeypatch.setattr(app_module, "open_office", lambda path: office)

    def quit_when_shown() -> None:
        shown.extend(w.windowTitle() for w in qapp.topLevelWidgets() if w.isVisible())
        for widget in qapp.topLevelWidgets():
            widget.close()
        qapp.quit()

    QTimer.singleShot(0, quit_when_shown)
    assert app_module.run(office.path) == 0
    assert "wuyedesk — 阳光花园管理处 · 阳光花园" in shown
    assert office.data_key == b""  # closed: the key is forgotten


def test_quitting_the_unlock_dialog_ends_the_program(monkeypatch, make_office, office_path):
    make_office().close()
    monkeypatch.setattr(app_module.remembered, "availability", lambda: (False, "无"))
    monkeypatch.setattr(UnlockDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert app_module.run(office_path) == 0
