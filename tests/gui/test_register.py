"""The visitor/call register screen: a call filled, relayed, a complaint to its result, printing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QComboBox, QDialog, QFileDialog, QLabel, QLineEdit, QPlainTextEdit

from tests.conftest import DIRECTOR_PIN
from tests.conftest import make_office as new_office
from wuyedesk.services import contacts, residents
from wuyedesk.services.context import Actor
from wuyedesk.services.places import add_building
from wuyedesk.services.staff import add_staff, list_staff, login
from wuyedesk.ui.binder import SHOWN_ZONE, fill_fields
from wuyedesk.ui.main_window import MainWindow
from wuyedesk.ui.pdf_preview import PdfPreviewDialog
from wuyedesk.ui.record_table import OVERDUE_BACKGROUND
from wuyedesk.ui.register import RegisterWindow

UNIT = "3栋2单元1502"
CALLER = (0, "李娜")


@pytest.fixture
def desk(tmp_path):
    """Return (office, clerk actor) with building 3 and one household in 3-2-1502."""
    office, _ = new_office(tmp_path / "office.wuye")
    command = Actor.command_line()
    add_building(office, command, "3", entrances=2, floors=16, units_per_floor=2)
    residents.add_resident(office, command, UNIT, {"name": "李娜", "role": "owner",
                                                    "phone": "13912345678"})  # fmt: skip
    clerk = add_staff(office, command, "李秀英", "clerk", "2468")
    yield office, login(office, clerk.id, "2468")
    office.close()


@pytest.fixture
def register(qtbot, desk):
    office, clerk = desk
    window = RegisterWindow(office, clerk)
    qtbot.addWidget(window)
    window.show()
    return window


def type_call(window: RegisterWindow, unit: str, content: str, kind: str = "enquiry") -> None:
    """Type the unit, leave the field (as Enter/Tab does), fill the matter."""
    unit_edit = window.form.findChild(QLineEdit, "unit")
    unit_edit.setText(unit)
    unit_edit.editingFinished.emit()
    window.caller.hidePopup()
    fill_fields(window.form, {"method": "call", "kind": kind})
    window.form.findChild(QPlainTextEdit, "content").setPlainText(content)


def column(window: RegisterWindow, heading: str) -> list[str]:
    headings = [h for h, _ in window.table.records.columns]
    return window.table.row_texts(headings.index(heading))


def error_text(window: RegisterWindow, field: str) -> str:
    label = window.form.findChild(QLabel, f"{field}_error")
    return label.text() if label.isVisibleTo(window.form) else ""


def test_a_call_offers_the_archived_caller_and_is_relayed_with_the_time(register, desk):
    office, clerk = desk
    type_call(register, "3-2-1502", "问物业费怎么交")
    assert register.caller.count() == 1
    assert register.caller.itemText(0).startswith("李娜")
    register.caller.setCurrentIndex(0)
    assert "139****5678" in register.form.findChild(QLineEdit, "phone").placeholderText()
    saved = register.save()
    assert saved is not None and saved.number.startswith("DJ-")
    assert saved.caller_name == "李娜" and saved.phone == "139****5678"  # copied server-side
    assert register.form.findChild(QLineEdit, "unit").text() == ""  # ready for the next call
    assert column(register, "来访/来电人") == ["李娜"]
    assert column(register, "房号") == [UNIT]

    panel = register.panel
    assert panel.view.id == saved.id and panel.relay_button.isVisibleTo(panel)
    panel.relay_department.setCurrentIndex(panel.relay_department.findData("engineering"))
    panel.relay_person.setText("刘建华")
    before = datetime.now(SHOWN_ZONE) - timedelta(seconds=1)
    panel.relay_button.click()
    relayed = contacts.get_contact(office, clerk, saved.id)
    assert relayed.state == "relayed" and relayed.relayed_to == "刘建华"
    assert relayed.relayed_at >= before
    assert column(register, "转达") == ["工程部 刘建华"]
    assert "工程部 刘建华（" in panel.summary.text()
    assert not panel.relay_button.isVisibleTo(panel)  # relayed once


def test_a_typed_caller_without_an_archive_entry_is_kept(register):
    type_call(register, "", "小区东门路灯不亮", kind="suggestion")
    register.caller.setEditText("过路人王先生")
    saved = register.save()
    assert saved is not None and saved.caller_name == "过路人王先生" and saved.unit_code is None


def test_missing_fields_are_shown_beside_them(register):
    type_call(register, "3-2-1502", "", kind="complaint")
    complained = register.form.findChild(QComboBox, "complained_department")
    assert complained.isVisibleTo(register.form)
    assert register.save() is None
    assert error_text(register, "content") and error_text(register, "complained_department")
    assert register.table.records.rowCount() == 0


def test_a_complaint_walks_to_its_result_and_waits_for_a_return_visit(
    register, desk, message_boxes
):
    office, clerk = desk
    type_call(register, "3-2-1502", "楼上装修噪音，保安没有制止", kind="complaint")
    register.caller.setCurrentIndex(0)
    fill_fields(register.form, {"complained_department": "security"})
    saved = register.save()
    assert saved is not None and saved.is_complaint and saved.visit_due_at is not None
    panel = register.panel
    assert not panel.complaint_box.isVisibleTo(panel)  # relay first
    panel.relay_department.setCurrentIndex(panel.relay_department.findData("security"))
    panel.relay_person.setText("赵队长")
    panel.relay_button.click()
    assert panel.complaint_box.isVisibleTo(panel)

    panel.contact_button.click()
    panel.remedy.setText("通知装修户限时施工")
    panel.solvable.setCurrentIndex(panel.solvable.findData(True))
    panel.answer.setText("已致歉，今后按时巡查")
    panel.complaint_button.click()
    view = contacts.get_contact(office, clerk, saved.id)
    assert view.dept_contact_at is not None and view.solvable is True
    assert view.remedy == "通知装修户限时施工" and view.answer == "已致歉，今后按时巡查"

    panel.result.setText("装修户已改为白天施工")
    panel.satisfaction.setCurrentIndex(panel.satisfaction.findData("satisfied"))
    panel.result_button.click()
    view = contacts.get_contact(office, clerk, saved.id)
    assert view.state == "result_recorded" and view.result_at is not None
    assert "处理结果" in panel.summary.text() and "装修户已改为白天施工" in panel.summary.text()
    # Filing waits for the return visit (part 5): the button says why and cannot be pressed.
    assert panel.archive_button.isVisibleTo(panel) and not panel.archive_button.isEnabled()
    assert "回访" in panel.message.text() and "回访" in panel.archive_button.toolTip()
    assert not message_boxes


def test_an_old_unrelayed_complaint_is_red_with_its_reasons(qtbot, desk):
    office, clerk = desk
    at = datetime.now(SHOWN_ZONE) - timedelta(hours=30)
    contacts.record_contact(office, clerk, {
        "at": at, "method": "visit", "unit": "3-2-1502", "caller_name": "李娜",
        "kind": "complaint", "content": "电梯经常停运", "complained_department": "engineering",
    })  # fmt: skip
    contacts.record_contact(office, clerk, {"method": "call", "caller_name": "张先生",
                                            "kind": "praise", "content": "保洁很认真"})  # fmt: skip
    window = RegisterWindow(office, clerk)
    qtbot.addWidget(window)
    window.scope.setCurrentIndex(3)  # 全部超时
    assert column(window, "内容") == ["电梯经常停运"]
    index = window.table.records.index(0, 0)
    assert index.data(Qt.ItemDataRole.BackgroundRole).color() == OVERDUE_BACKGROUND
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "未转达" in tip and "未回访" in tip
    window.scope.setCurrentIndex(2)  # 全部未结: both
    assert sorted(column(window, "内容")) == ["保洁很认真", "电梯经常停运"]
    praise = column(window, "内容").index("保洁很认真")
    assert window.table.records.index(praise, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    window.kind_filter.setCurrentIndex(window.kind_filter.findData("praise"))
    assert column(window, "内容") == ["保洁很认真"]


def test_print_register_opens_the_preview_which_prints_and_saves(register, tmp_path, monkeypatch):
    type_call(register, "3-2-1502", "问停车位怎么租")
    register.caller.setCurrentIndex(0)
    assert register.save() is not None
    pdf = register.print_register()
    assert pdf is not None and pdf.exists()
    preview = register.preview
    assert isinstance(preview, PdfPreviewDialog) and preview.isVisible()
    assert preview.page_count() >= 1 and "共" in preview.pages_label.text()

    printed = tmp_path / "printed.pdf"

    def accept(dialog):
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(printed))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    assert preview.print_pdf()
    assert printed.exists() and printed.stat().st_size > 1000

    copy = tmp_path / "copy"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(copy), ""))
    saved = preview.save_as()
    assert saved == copy.with_suffix(".pdf") and saved.read_bytes() == pdf.read_bytes()
    preview.close()


def test_main_window_opens_one_register_and_one_help_screen(qtbot, desk):
    office, _clerk = desk
    director = next(s for s in list_staff(office) if s.name == "王主任")
    window = MainWindow(office, login(office, director.id, DIRECTOR_PIN))
    qtbot.addWidget(window)
    actions = {a.text(): a for menu in window.menuBar().actions() if menu.menu()
               for a in menu.menu().actions()}  # fmt: skip
    assert actions["来访/来电登记"].isEnabled() and actions["求助"].isEnabled()
    assert actions["维修单"].isEnabled() and actions["回访"].isEnabled()
    assert actions["日工作呈报"].isEnabled()
    actions["来访/来电登记"].trigger()
    first = window.findChild(RegisterWindow)
    assert first is not None and first.isVisible() and first.actor.name == "王主任"
    actions["来访/来电登记"].trigger()
    assert window.findChildren(RegisterWindow) == [first]
    actions["求助"].trigger()
    from wuyedesk.ui.help_log import HelpLogWindow

    assert window.findChild(HelpLogWindow).isVisible()
    window.print_register_action.trigger()
    assert isinstance(first.preview, PdfPreviewDialog)
    first.preview.close()
    window.discard()


def test_the_unit_can_be_picked_from_the_tree(register, qtbot, monkeypatch):
    from wuyedesk.ui import unit_picker

    def choose(dialog: unit_picker.UnitPickerDialog) -> int:
        assert dialog.tree.select_unit(UNIT)
        dialog.tree.open_unit.emit(dialog.tree.current_code())
        return dialog.result()

    monkeypatch.setattr(unit_picker.UnitPickerDialog, "exec", choose)
    register.form.findChild(QLineEdit, "unit").findChild(QAction, "pick_unit").trigger()
    assert register.form.findChild(QLineEdit, "unit").text() == "3栋2单元1502"
    assert register.caller.itemText(0).startswith("李娜")  # the archive's people offered


def test_the_supervisors_desk_is_in_the_report_menu_for_managers_only(qtbot, desk):
    office, clerk = desk
    director = next(s for s in list_staff(office) if s.name == "王主任")
    window = MainWindow(office, login(office, director.id, DIRECTOR_PIN))
    qtbot.addWidget(window)
    assert window.supervisor_desk_action.isVisible()
    window.supervisor_desk_action.trigger()
    board = window._screens["主管工作台"]
    window.supervisor_desk_action.trigger()
    assert window._screens["主管工作台"] is board and board.isVisible()
    board.open_number.emit("DJ-2026-999999")  # unknown: said in the status bar
    assert window.statusBar().currentMessage() == "没有单号为 DJ-2026-999999 的记录"
    other = MainWindow(office, clerk)
    qtbot.addWidget(other)
    assert not other.supervisor_desk_action.isVisible()
