"""The return-visit desk: a complaint visited in time and archived, late, nobody home, coverage."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import select

from tests.conftest import build_template, open_copy
from wuyedesk.domain.roles import Role
from wuyedesk.services import contacts, residents, visits
from wuyedesk.services.context import Actor
from wuyedesk.services.staff import add_staff_in
from wuyedesk.store.models import AuditEntry, Staff
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import ERROR_COLOR, SHOWN_ZONE
from wuyedesk.ui.record_table import qdatetime
from wuyedesk.ui.visit_desk import VisitDeskWindow
from wuyedesk.ui.visit_dialogs import NextDateDialog, RecordVisitDialog

PIN = "2468"
STAFF = {
    "boss": ("赵主管", Role.supervisor),
    "assistant": ("张助理", Role.assistant),
    "clerk": ("陈文员", Role.clerk),
}
T0 = datetime(2026, 3, 16, 9, 0, tzinfo=SHOWN_ZONE)
HOMES = ("3栋1单元101", "3栋1单元102", "3栋2单元201")


class Clock:
    """The office's time in a test: it moves only when told."""

    def __init__(self) -> None:
        self.at = T0

    def __call__(self) -> datetime:
        return self.at

    def advance(self, hours: float) -> None:
        self.at += timedelta(hours=hours)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """Buildings 3 and 5, three households in building 3, the office staff; built once."""
    folder = tmp_path_factory.mktemp("visit_desk")
    path, key = build_template(folder, ("3", 2, 6, 2), ("5", 1, 6, 2))
    staffed = folder / "staffed"
    staffed.mkdir()
    office = open_copy((path, key), staffed)
    with office.transaction() as session:
        for name, role in STAFF.values():
            add_staff_in(session, Actor.command_line(), name, role.value, PIN)
    for n, unit in enumerate(HOMES):
        data = {"name": "刘李王"[n] + "先生", "role": "owner", "phone": f"1391234567{n}"}
        residents.add_resident(office, Actor.command_line(), unit, data)
    office.close()
    return staffed / "office.wuye", key


@pytest.fixture
def office(template: tuple[Path, bytes], tmp_path: Path) -> Iterator[OfficeFile]:
    opened = open_copy(template, tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def who(office: OfficeFile) -> dict[str, Actor]:
    with office.transaction() as session:
        rows = {s.name: s.id for s in session.scalars(select(Staff))}
    return {key: Actor(rows[name], name, role) for key, (name, role) in STAFF.items()}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(qtbot, office, who, clock) -> VisitDeskWindow:
    """The desk with the property supervisor 赵主管 logged in."""
    window = VisitDeskWindow(office, who["boss"], clock=clock)
    qtbot.addWidget(window)
    window.show()
    return window


# -- helpers ------------------------------------------------------------------------------------
def complain(office: OfficeFile, clerk: Actor, at: datetime) -> contacts.ContactView:
    """The clerk records a phoned complaint about engineering from 3-1-101."""
    data = {
        "method": "call",
        "unit": HOMES[0],
        "caller_name": "刘先生",
        "kind": "complaint",
        "content": "维修工上门迟到两小时",
        "complained_department": "engineering",
    }
    return contacts.record_contact(office, clerk, data, now=at)


def answer(monkeypatch, cls: type, fill: Callable[[Any], None]) -> None:
    """Fill a step's dialog and press 确定 (instead of the modal exec)."""

    def run(dialog: Any) -> int:
        fill(dialog)
        dialog.ok()
        return dialog.result()

    monkeypatch.setattr(cls, "exec", run)


def satisfied(visitors: str = "黄主管") -> Callable[[RecordVisitDialog], None]:
    def fill(dialog: RecordVisitDialog) -> None:
        dialog.method.setCurrentIndex(dialog.method.findData("talk"))
        dialog.radios["satisfied"].setChecked(True)
        dialog.opinions.setPlainText("已向住户道歉，住户表示满意")
        dialog.visitors.setText(visitors)

    return fill


def shown_buttons(desk: VisitDeskWindow) -> list[str]:
    QApplication.processEvents()
    return [k for k, b in desk.panel.buttons.items() if b.isVisibleTo(desk.panel)]


def column(table: Any, heading: str) -> list[str]:
    headings = [h for h, _ in table.records.columns]
    return table.row_texts(headings.index(heading))


def plan_first_waiting(desk: VisitDeskWindow) -> visits.VisitView:
    desk.waiting.selectRow(0)
    assert desk.plan_button.isEnabled()
    view = desk.plan_waiting()
    assert view is not None
    return view


def audit_actions(office: OfficeFile) -> list[str]:
    with office.transaction() as session:
        return [a.action for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


# -- tests --------------------------------------------------------------------------------------
def test_a_complaint_visited_in_time_closes_and_can_be_archived(
    desk, office, who, clock, monkeypatch
):
    complaint = complain(office, who["clerk"], T0)
    desk.refresh()
    assert column(desk.waiting, "关联单号") == [complaint.number]
    assert column(desk.waiting, "剩余时间") == ["剩 24 小时"]
    assert column(desk.waiting, "回访编号") == ["未安排"]

    planned = plan_first_waiting(desk)
    assert planned.number == "HF-2026-000001" and planned.due_at == T0 + timedelta(hours=24)
    assert desk.panel.view.id == planned.id
    assert column(desk.table, "回访编号") == ["HF-2026-000001"]
    details = desk.panel.details.text()
    assert complaint.number in details and HOMES[0] in details and "03-17 09:00" in details
    assert shown_buttons(desk) == ["record", "nobody_home", "void"]

    clock.advance(3)
    answer(monkeypatch, RecordVisitDialog, satisfied())
    desk.panel.buttons["record"].click()
    view = desk.panel.view
    assert view.state == "done_satisfied" and not view.late and view.overdue == []
    assert view.visitors == "赵主管、黄主管" and "满意" in desk.panel.details.text()
    assert desk.waiting.records.rows == [] and desk.table.records.rows == []  # no longer open

    # The register may now file the complaint: its result and a satisfied visit are there.
    clerk = who["clerk"]
    entry = contacts.get_contact(office, clerk, complaint.id)
    entry = contacts.relay_contact(
        office, clerk, entry.id, "engineering", "黄主管", entry.version, now=clock()
    )
    entry = contacts.record_result(office, clerk, entry.id, "已批评教育", version=entry.version)
    archived = contacts.archive_contact(office, clerk, entry.id, entry.version)
    assert archived.state == "archived"


def test_a_late_visit_shows_the_breach_in_red(desk, office, who, clock, monkeypatch):
    complain(office, who["clerk"], T0)
    desk.refresh()
    planned = plan_first_waiting(desk)
    clock.advance(30)
    desk.refresh(select_id=planned.id)
    assert column(desk.waiting, "剩余时间") == ["超时 6 小时"]
    assert desk.waiting.records.rows[0].overdue
    assert "超过 24 小时未回访" in desk.panel.details.text()

    answer(monkeypatch, RecordVisitDialog, satisfied())
    desk.panel.buttons["record"].click()
    view = desk.panel.view
    assert view.state == "done_satisfied" and view.late
    details = desk.panel.details.text()
    assert f"color:{ERROR_COLOR}" in details and "投诉超过 24 小时才回访" in details


def test_nobody_home_sets_a_new_date(desk, office, who, clock, monkeypatch):
    complain(office, who["clerk"], T0)
    desk.refresh()
    planned = plan_first_waiting(desk)
    clock.advance(2)
    new_date = T0 + timedelta(hours=20)

    answer(monkeypatch, NextDateDialog, lambda d: d.next_at.setDateTime(qdatetime(new_date)))
    desk.panel.buttons["nobody_home"].click()
    view = desk.panel.view
    assert view.id == planned.id and view.state == "planned" and view.due_at == new_date
    assert view.door_note_at == clock()
    assert "贴回访单" in desk.panel.details.text()
    assert "visit.nobody_home" in audit_actions(office)
    shown = []
    monkeypatch.setattr("wuyedesk.ui.visit_panel.show_pdf", lambda path, parent: shown.append(path))
    assert desk.panel.door_note_button.isVisible()
    out = desk.panel.print_door_note()
    assert out is not None and shown == [out] and out.read_bytes().startswith(b"%PDF")
    assert desk.panel.print_visit() is not None and len(shown) == 2


def test_a_visit_without_satisfaction_is_refused_at_the_field(
    desk, office, who, clock, monkeypatch
):
    complain(office, who["clerk"], T0)
    desk.refresh()
    planned = plan_first_waiting(desk)

    def no_choice(dialog: RecordVisitDialog) -> None:
        dialog.method.setCurrentIndex(dialog.method.findData("phone"))
        dialog.visitors.setText("黄主管")

    answer(monkeypatch, RecordVisitDialog, no_choice)
    desk.panel.buttons["record"].click()
    dialog = desk.panel.dialog
    message = dialog.findChild(QLabel, "satisfaction_error")
    assert message.isVisibleTo(dialog) and message.text() == "请选择满意度"
    assert dialog.result() == 0
    assert visits.get_visit(office, who["boss"], planned.id).state == "planned"
    assert "visit.record" not in audit_actions(office)


def test_a_refusal_goes_red_on_the_panel_and_nothing_changes(desk, office, who, clock, monkeypatch):
    complain(office, who["clerk"], T0)
    desk.refresh()
    planned = plan_first_waiting(desk)
    # Someone else changes the visit meanwhile: the panel's copy is stale.
    visits.nobody_home(
        office,
        who["assistant"],
        planned.id,
        version=planned.version,
        next_at=T0 + timedelta(1),
        now=clock(),
    )
    answer(monkeypatch, RecordVisitDialog, satisfied())
    desk.panel.buttons["record"].click()
    assert desk.panel.message.text() and desk.panel.message.isVisibleTo(desk.panel)
    assert visits.get_visit(office, who["boss"], planned.id).satisfaction is None


def test_the_clerk_sees_no_visit_buttons(qtbot, office, who, clock):
    complain(office, who["clerk"], T0)
    window = VisitDeskWindow(office, who["clerk"], clock=clock)
    qtbot.addWidget(window)
    window.show()
    plan_first_waiting(window)
    assert "record" not in shown_buttons(window)


def test_coverage_shows_the_buildings_and_the_total_and_plans_a_routine_visit(
    desk, office, who, clock, monkeypatch
):
    tab = desk.coverage
    desk.tabs.setCurrentWidget(tab)
    assert tab.half.currentText() == "2026 年上半年"
    assert column(tab.coverage, "楼栋") == ["3栋", "5栋", "全小区"]
    assert column(tab.coverage, "住户数") == ["3", "0", "3"]
    assert column(tab.coverage, "应回访") == ["1", "0", "1"]
    assert column(tab.coverage, "达标") == ["未达标", "达标", "未达标"]
    assert [r.overdue for r in tab.coverage.records.rows] == [True, False, True]

    tab.coverage.select_id(tab.coverage.records.rows[0].id)
    assert column(tab.suggestions, "房号") == list(HOMES)
    tab.suggestions.selectRow(0)
    view = tab.plan_selected()
    assert view is not None and view.kind == "routine" and view.visitors == "赵主管"
    assert view.due_at == datetime(2026, 3, 17, 9, 0, tzinfo=SHOWN_ZONE)
    assert desk.panel.view.id == view.id and HOMES[0] not in column(tab.suggestions, "房号")

    clock.advance(25)
    answer(monkeypatch, RecordVisitDialog, satisfied(""))
    desk.panel.buttons["record"].click()
    assert desk.panel.view.state == "done_satisfied"
    tab.refresh()
    assert column(tab.coverage, "已回访") == ["1", "0", "1"]
    assert column(tab.coverage, "覆盖率")[0] == "33.3%"
    assert column(tab.coverage, "达标") == ["达标", "达标", "达标"]


def test_screenshot_of_the_desk_with_a_visit_selected(desk, office, who, clock):
    complain(office, who["clerk"], T0 - timedelta(hours=30))
    complain(office, who["clerk"], T0 - timedelta(hours=2))
    desk.refresh()
    planned = plan_first_waiting(desk)
    desk.refresh(select_id=planned.id)
    QApplication.processEvents()
    desk.grab().save("/tmp/visit_desk.png")
    assert Path("/tmp/visit_desk.png").stat().st_size > 0
