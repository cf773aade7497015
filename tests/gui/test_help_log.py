"""The help-request screen: special help through its steps, general help converted, enquiries."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit

from tests.conftest import make_office as new_office
from wuyedesk.services import help_requests, residents
from wuyedesk.services.context import Actor
from wuyedesk.services.places import add_building
from wuyedesk.services.staff import add_staff, login
from wuyedesk.ui.binder import SHOWN_ZONE, fill_fields
from wuyedesk.ui.help_log import HelpLogWindow
from wuyedesk.ui.pdf_preview import PdfPreviewDialog
from wuyedesk.ui.record_table import OVERDUE_BACKGROUND

UNIT = "3栋2单元1502"


@pytest.fixture
def desk(tmp_path):
    """Return (office, assistant actor) with building 3 and one household in 3-2-1502."""
    office, _ = new_office(tmp_path / "office.wuye")
    command = Actor.command_line()
    add_building(office, command, "3", entrances=2, floors=16, units_per_floor=2)
    residents.add_resident(office, command, UNIT, {"name": "李娜", "role": "owner",
                                                    "phone": "13912345678"})  # fmt: skip
    assistant = add_staff(office, command, "陈志强", "assistant", "3579")
    yield office, login(office, assistant.id, "3579")
    office.close()


@pytest.fixture
def log(qtbot, desk):
    office, assistant = desk
    window = HelpLogWindow(office, assistant)
    qtbot.addWidget(window)
    window.show()
    return window


def type_request(window: HelpLogWindow, help_type: str, content: str, **fields: str) -> None:
    """Choose the type and fill the request as the person on duty would."""
    fill_fields(window.form, {"help_type": help_type})
    values = {"requester_name": "李娜", "unit": "3-2-1502", "phone": "13912345678", **fields}
    for name, text in values.items():
        window.form.findChild(QLineEdit, name).setText(text)
    window.form.findChild(QPlainTextEdit, "content").setPlainText(content)


def test_special_help_turns_red_and_each_step_stamps_time_and_person(log, desk, message_boxes):
    office, assistant = desk
    assert not log.entry.property("special")
    type_request(log, "medical", "老人在家中摔倒，无法起身")
    assert log.entry.property("special") is True
    assert log.form.findChild(QLabel, "category").text() == "特别求助"
    assert log.is_special() and "特别求助" in log.entry.title()
    saved = log.save()
    assert saved is not None and saved.number.startswith("QZ-") and saved.is_special
    assert not log.entry.property("special")  # the form is ready for the next call
    panel = log.panel
    assert panel.view.id == saved.id and panel.step_log.isVisibleTo(panel)
    assert not panel.convert_row.isVisibleTo(panel)

    panel.step_buttons["sent"].click()  # who was sent must be written down first
    assert "通知的人员" in panel.message.text() and message_boxes
    before = datetime.now(SHOWN_ZONE) - timedelta(seconds=1)
    panel.step_note.setText("保安王强")
    panel.step_buttons["sent"].click()
    panel.step_buttons["arrived"].click()
    panel.step_note.setText("老人清醒，右腿疼痛")
    for step in ("confirmed", "director_told", "called_120", "relatives_told", "escorted"):
        panel.step_buttons[step].click()
    view = help_requests.get_help(office, assistant, saved.id)
    done = {s.step: s for s in view.steps}
    assert set(done) == {"sent", "arrived", "confirmed", "director_told", "called_120",
                         "relatives_told", "escorted"}  # fmt: skip
    assert all(s.staff_name == "陈志强" and s.at >= before for s in done.values())
    assert done["sent"].note == "保安王强" and done["confirmed"].note == "老人清醒，右腿疼痛"
    assert view.state == "on_site"
    sent = panel.step_done["sent"].text()
    assert done["sent"].at.astimezone(SHOWN_ZONE).strftime("%H:%M") in sent
    assert "陈志强" in sent and "保安王强" in sent
    assert not panel.step_buttons["sent"].isEnabled()  # a step is stamped once
    assert panel.step_buttons["called_110"].isEnabled()

    panel.handle_result.setText("120 送市一医院，家属已到")
    panel.handle_button.click()
    panel.close_button.click()
    view = help_requests.get_help(office, assistant, saved.id)
    assert view.state == "closed" and view.result == "120 送市一医院，家属已到"
    assert not any(b.isEnabled() for b in panel.step_buttons.values())


def test_a_general_request_becomes_a_register_entry_with_its_number(log, desk):
    type_request(log, "other", "楼道灯坏了，想问谁来修")
    saved = log.save()
    assert saved is not None and not saved.is_special
    panel = log.panel
    assert not panel.step_log.isVisibleTo(panel) and panel.convert_row.isVisibleTo(panel)
    panel.convert_buttons["contact"].click()
    view = panel.view
    assert view.contact_number and view.contact_number.startswith("DJ-")
    assert view.contact_number in panel.linked.text()
    assert not panel.convert_buttons["contact"].isVisibleTo(panel)
    headings = [h for h, _ in log.table.records.columns]
    assert log.table.row_texts(headings.index("关联单号")) == [view.contact_number]


def test_a_general_request_turns_into_an_enquiry(log, desk):
    office, assistant = desk
    type_request(log, "other", "想了解停车费标准")
    saved = log.save()
    log.panel.convert_buttons["enquiry"].click()
    view = help_requests.get_help(office, assistant, saved.id)
    assert view.help_type == "enquiry" and log.panel.enquiry_box.isVisibleTo(log.panel)


def test_a_written_enquiry_is_answered_and_its_answer_printed(log, desk):
    office, assistant = desk
    type_request(log, "enquiry", "请书面答复：本年度物业费调整的依据")
    options = log.form.findChild(QLabel, "_enquiry_label")
    assert options.isVisibleTo(log.form)
    fill_fields(log.form, {"written": True, "confidential": False})
    saved = log.save()
    assert saved is not None and saved.written and saved.answer_due is not None
    panel = log.panel
    assert panel.enquiry_box.isVisibleTo(panel) and not panel.print_button.isVisibleTo(panel)
    panel.answer.setPlainText("依据业主大会决议及物价部门备案，详见公告栏。")
    panel.answer_button.click()
    view = help_requests.get_help(office, assistant, saved.id)
    assert view.state == "answered" and view.answered_at is not None
    assert panel.print_button.isVisibleTo(panel)
    pdf = panel.print_answer()
    assert pdf is not None and pdf.exists()
    assert isinstance(panel.preview, PdfPreviewDialog) and panel.preview.page_count() >= 1
    panel.preview.close()


def test_overdue_and_special_filters(qtbot, desk):
    office, assistant = desk
    old = datetime.now(SHOWN_ZONE) - timedelta(hours=2)
    help_requests.record_help(office, assistant, {
        "at": old, "requester_name": "王伯", "location": "3栋地下车库", "help_type": "flood_fire",
        "content": "车库进水",
    })  # fmt: skip
    help_requests.record_help(office, assistant, {
        "requester_name": "李娜", "unit": "3-2-1502", "help_type": "repair", "content": "水管漏水",
    })  # fmt: skip
    window = HelpLogWindow(office, assistant)
    qtbot.addWidget(window)
    window.scope.setCurrentIndex(3)  # 全部超时
    headings = [h for h, _ in window.table.records.columns]
    assert window.table.row_texts(headings.index("内容")) == ["车库进水"]
    index = window.table.records.index(0, 0)
    assert index.data(Qt.ItemDataRole.BackgroundRole).color() == OVERDUE_BACKGROUND
    assert "未通知最近人员" in index.data(Qt.ItemDataRole.ToolTipRole)
    window.scope.setCurrentIndex(4)  # 特别求助
    assert window.table.row_texts(headings.index("楼层/房号")) == ["3栋地下车库"]
    window.scope.setCurrentIndex(2)  # 全部未结
    assert len(window.table.records.rows) == 2
