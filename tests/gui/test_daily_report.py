"""The daily work report: the clerk fills and submits it, the supervisor signs, tomorrow shows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from tests.conftest import build_template, open_copy
from wuyedesk.domain.roles import Role
from wuyedesk.services import contacts, daily_reports
from wuyedesk.services.context import Actor
from wuyedesk.services.staff import add_staff_in
from wuyedesk.store.models import SpotCheck, Staff
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import SHOWN_ZONE
from wuyedesk.ui.daily_report import DailyReportWindow

PIN = "2468"
STAFF = {"clerk": ("陈文员", Role.clerk), "boss": ("赵主管", Role.supervisor)}
T0 = datetime(2026, 3, 16, 17, 30, tzinfo=SHOWN_ZONE)
SHOTS = Path("/tmp")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """Building 3, a clerk and a supervisor, built once for the module."""
    folder = tmp_path_factory.mktemp("daily_report")
    path, key = build_template(folder, ("3", 2, 16, 2))
    staffed = folder / "staffed"
    staffed.mkdir()
    office = open_copy((path, key), staffed)
    with office.transaction() as session:
        for name, role in STAFF.values():
            add_staff_in(session, Actor.command_line(), name, role.value, PIN)
    office.close()
    return staffed / "office.wuye", key


@pytest.fixture
def office(template: tuple[Path, bytes], tmp_path: Path) -> Iterator[OfficeFile]:
    opened = open_copy(template, tmp_path)
    yield opened
    opened.close()


def actor(office: OfficeFile, who: str) -> Actor:
    name, role = STAFF[who]
    with office.transaction() as session:
        staff_id = session.scalar(select(Staff.id).where(Staff.name == name))
    return Actor(staff_id, name, role)


def counts(window: DailyReportWindow) -> dict[str, str]:
    table = window.sheet.counts
    return {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}


def test_clerk_submits_supervisor_signs_and_tomorrow_shows_the_tasks(qtbot, office, monkeypatch):
    clerk, boss = actor(office, "clerk"), actor(office, "boss")
    entry = {"method": "call", "caller_name": "张先生", "kind": "enquiry", "content": "问停水时间"}
    contacts.record_contact(office, clerk, entry, now=T0 - timedelta(hours=6))

    mine = DailyReportWindow(office, clerk, clock=lambda: T0)
    qtbot.addWidget(mine)
    assert not mine.assignments.isVisible()
    assert counts(mine) == {"登记来访/来电": "1"}
    assert mine.sheet.open_items.count() == 1  # the entry is still open on the register

    assert mine.submit() is None  # nothing written under 已完成工作
    error = mine.sheet.form.findChild(QLabel, "done_text_error")
    assert error.text() == "请填写今天已完成的工作" and not error.isHidden()
    assert mine.view is not None and mine.view.state == "draft"

    mine.sheet.texts["done_text"].setPlainText("接听咨询电话1个")
    mine.sheet.texts["coordination_text"].setPlainText("3栋停水通知需工程部确认")
    done = mine.submit()
    assert done is not None and done.state_label == "已呈报"
    assert mine.sheet.texts["done_text"].isReadOnly()
    assert not mine.submit_button.isEnabled() and not mine.save_button.isEnabled()
    assert "已呈报" in mine.sheet.heading.text()
    assert mine.sheet.review_box.isHidden()

    desk = DailyReportWindow(office, boss, clock=lambda: T0 + timedelta(minutes=30))
    qtbot.addWidget(desk)
    assert desk.table.row_texts(0) == ["陈文员"] and desk.table.row_texts(1) == ["已呈报"]
    desk.table.selectRow(0)
    assert desk.sheet.texts["done_text"].toPlainText() == "接听咨询电话1个"
    assert desk.sheet.texts["done_text"].isReadOnly()
    assert counts(desk) == {"登记来访/来电": "1"}
    desk.comment.setPlainText("咨询已答复，注意跟进")
    desk.tasks.setPlainText("上午核对3栋停水通知张贴情况")
    desk.show()  # the shot shows the review waiting to be signed
    desk.resize(1100, 760)
    desk.grab().save(str(SHOTS / "daily_report_supervisor.png"))
    signed = desk.review()
    assert signed is not None and signed.state_label == "主管已审阅"
    shown: list[Path] = []
    monkeypatch.setattr(
        "wuyedesk.ui.daily_report.show_pdf", lambda path, parent: shown.append(path)
    )
    printed = desk.print_report()
    assert printed is not None and shown == [printed]
    assert printed.read_bytes().startswith(b"%PDF")
    assert mine.print_button.isEnabled() and mine.print_report() is not None
    assert desk.table.row_texts(1) == ["主管已审阅"]
    assert "赵主管" in desk.sheet.review.text() and not desk.review_button.isEnabled()
    assert desk.review_part.isHidden()  # signed: the 主管审阅 box shows it instead

    desk.spot_staff.setCurrentIndex(desk.spot_staff.findData(clerk.staff_id))
    desk.spot_checked.setText("来访登记是否当日录入")
    desk.spot_found.setText("一条漏填电话")
    desk.spot_corrected.setChecked(True)
    assert desk.record_spot_check() is not None
    assert desk.spot_saved.text().startswith("已记录抽查：陈文员")
    with office.transaction() as session:
        check = session.scalars(select(SpotCheck)).one()
        assert (check.staff_id, check.corrected) == (clerk.staff_id, True)

    tomorrow = T0 + timedelta(days=1, hours=-9)
    tasks = "上午核对3栋停水通知张贴情况"
    assert daily_reports.assignments_for(office, clerk, now=tomorrow) == tasks
    assert daily_reports.assignments_for(office, clerk, now=T0) is None
    next_day = DailyReportWindow(office, clerk, clock=lambda: tomorrow)
    qtbot.addWidget(next_day)
    assert not next_day.assignments.isHidden() and tasks in next_day.assignments.text()
    assert next_day.view is not None and next_day.view.day == tomorrow.date()
    assert next_day.sheet.texts["done_text"].toPlainText() == ""
    next_day.day.setDate(next_day.day.date().addDays(-1))  # back to the signed report
    review = next_day.sheet.review.text()
    assert "审阅人：赵主管" in review and "咨询已答复" in review and tasks in review
    assert not next_day.sheet.review_box.isHidden()
    next_day.show()
    next_day.resize(1000, 760)
    next_day.grab().save(str(SHOTS / "daily_report_reporter.png"))


def test_an_empty_spot_check_is_refused_at_its_field(qtbot, office):
    desk = DailyReportWindow(office, actor(office, "boss"), clock=lambda: T0)
    qtbot.addWidget(desk)
    assert desk.record_spot_check() is None
    assert not desk.spot_form.findChild(QLabel, "checked_error").isHidden()
    assert desk.spot_saved.text() == ""


def test_other_roles_are_told_who_fills_the_report(qtbot, office):
    window = DailyReportWindow(office, Actor(None, "李工", Role.engineer))
    qtbot.addWidget(window)
    assert any("文员" in label.text() for label in window.findChildren(QLabel))
