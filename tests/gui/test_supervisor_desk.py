"""The supervisor's desk on screen: figures from real slips, click-through, periods, refusal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCharts import QChartView, QPieSeries, QStackedBarSeries
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import func, select, text

from tests.conftest import build_template, open_copy
from tests.unit.test_repairs import PNG, at, opened, paid_until_stamped
from wuyedesk.domain.roles import Role
from wuyedesk.services import repairs as r
from wuyedesk.services.context import Actor
from wuyedesk.services.residents import add_resident
from wuyedesk.services.staff import add_staff_in
from wuyedesk.store.models import AuditEntry, Staff
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import ERROR_COLOR, SHOWN_ZONE
from wuyedesk.ui.supervisor_desk import SupervisorDeskWindow

STAFF = {
    "assistant": ("张助理", Role.assistant),
    "clerk": ("陈文员", Role.clerk),
    "boss": ("黄主管", Role.eng_supervisor),
    "engineer": ("李工", Role.engineer),
    "finance": ("钱会计", Role.finance),
    "store": ("孙仓管", Role.storekeeper),
    "guard": ("吴保安", Role.security),
    "supervisor": ("赵主管", Role.supervisor),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """Two buildings and the whole staff, built once; building 5 has one household."""
    folder = tmp_path_factory.mktemp("supervisor")
    path, key = build_template(folder, ("3", 2, 16, 2), ("5", 1, 6, 2))
    (folder / "copy").mkdir()
    office = open_copy((path, key), folder / "copy")
    with office.transaction() as session:
        for name, role in STAFF.values():
            add_staff_in(session, Actor.command_line(), name, role.value, "2468")
    add_resident(
        office,
        Actor.command_line(),
        "5-1-101",
        {"name": "周伟", "role": "owner", "phone": "13900139000"},
    )
    office.close()
    return folder / "copy" / "office.wuye", key


@pytest.fixture
def office(template: tuple[Path, bytes], tmp_path: Path) -> Iterator[OfficeFile]:
    copy = open_copy(template, tmp_path)
    yield copy
    copy.close()


@pytest.fixture
def who(office: OfficeFile) -> dict[str, Actor]:
    with office.transaction() as session:
        rows = {s.name: s for s in session.scalars(select(Staff))}
    return {key: Actor(rows[name].id, name, role) for key, (name, role) in STAFF.items()}


def late_arrival(office: OfficeFile, who: dict[str, Actor]) -> str:
    v = opened(office, who)
    v = r.receive_repair(
        office, who["engineer"], v.id, version=v.version, signature_png=PNG, now=at(2)
    )
    v = r.dispatch_repair(
        office, who["boss"], v.id, who["engineer"].staff_id or 0, version=v.version, now=at(3)
    )
    v = r.record_arrival(office, who["engineer"], v.id, version=v.version, now=at(20))
    return v.number


def value(window: SupervisorDeskWindow, key: str) -> str:
    return window.cards[key].value.text()


def test_figures_click_through_periods_and_charts(qtbot, office, who) -> None:
    paid = paid_until_stamped(office, who)
    late = late_arrival(office, who)
    clock = {"now": at(200)}
    window = SupervisorDeskWindow(office, who["supervisor"], clock=lambda: clock["now"])
    qtbot.addWidget(window)
    window.show()
    assert not window.refusal.isVisible()
    assert window.range_label.text() == "2026-03-16"
    assert value(window, "paid_income") == "120.50 元"
    assert value(window, "repairs") == "2"
    arrival = window.cards["arrival_5min"]
    assert arrival.figure.breach and value(window, "arrival_5min") == "0%（0/1）"
    assert not window.cards["paid_income"].figure.breach

    with qtbot.waitSignal(window.open_numbers) as opened_numbers:
        qtbot.mouseClick(arrival, Qt.MouseButton.LeftButton)
    assert opened_numbers.args == [[late]]
    assert [window.numbers.item(i).text() for i in range(window.numbers.count())] == [late]
    assert window.numbers_box.title().startswith("5分钟内到场率")
    with qtbot.waitSignal(window.open_number) as opened_one:
        window.numbers.itemDoubleClicked.emit(window.numbers.item(0))
    assert opened_one.args == [late]
    qtbot.mouseClick(window.cards["paid_income"], Qt.MouseButton.LeftButton)
    assert window.numbers.item(0).text() == paid.number

    # A day later 今日 is empty; 本月 still holds both slips.
    clock["now"] = at(60 * 24)
    window.refresh()
    assert value(window, "repairs") == "0" and value(window, "paid_income") == "0.00 元"
    window.period.setCurrentIndex(window.period.findText("本月"))
    assert window.range_label.text() == "2026-03-01 至 2026-03-31"
    assert value(window, "repairs") == "2" and value(window, "paid_income") == "120.50 元"
    assert window.numbers.count() == 0  # a new period clears the side list

    pie = window.findChild(QChartView, "satisfaction_chart").chart().series()[0]
    assert isinstance(pie, QPieSeries) and [s.label().split()[0] for s in pie.slices()] == [
        "满意",
        "基本满意",
        "不满意",
    ]
    coverage = window.findChild(QChartView, "coverage_chart").chart()
    bars = next(s for s in coverage.series() if isinstance(s, QStackedBarSeries))
    met, short = bars.barSets()
    assert (met.count(), short.count()) == (2, 2)
    # 5栋 has one household and no visit: below the 10 % line, named with its shortfall.
    assert [line.met for line in window.coverage] == [True, False, False]
    assert coverage.axes(Qt.Orientation.Horizontal)[0].categories() == [
        "3栋<br>0/0",
        "5栋<br>0/1<br>（未达标）",
    ]
    assert "应访 1 户" in coverage.title()
    assert coverage.font().family() == window.font().family()


def test_other_roles_see_the_refusal_line(qtbot, office, who) -> None:
    window = SupervisorDeskWindow(office, who["clerk"], clock=lambda: at(60))
    qtbot.addWidget(window)
    window.show()
    assert window.refusal.isVisible()
    assert window.refusal.text() == "主管工作台仅供物业部主管和管理处主任使用"
    assert not window.body.isVisible() and window.cards == {}


def test_the_director_sees_it_too(qtbot, office) -> None:
    window = SupervisorDeskWindow(
        office, Actor.command_line(), clock=lambda: datetime.now(SHOWN_ZONE)
    )
    qtbot.addWidget(window)
    assert not window.refusal.isVisible() and "arrival_5min" in window.cards


def test_the_audit_chain_line_turns_red_when_a_line_was_edited(qtbot, office, who) -> None:
    late_arrival(office, who)
    clock = {"now": at(200)}
    window = SupervisorDeskWindow(office, who["supervisor"], clock=lambda: clock["now"])
    qtbot.addWidget(window)
    window.show()
    with office.transaction() as session:
        lines = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        arrival = session.scalar(select(AuditEntry.id).where(AuditEntry.action == "repair.arrive"))
    label = window.audit_label
    assert label.isVisible() and not label.property("breach")
    assert label.text() == f"审计日志：完整（共 {lines:,} 条，最近核验 2026-03-16 12:20）"
    assert ERROR_COLOR not in label.styleSheet()
    assert "wuyedesk audit verify" in label.toolTip()

    # Someone with the key drops the guard and rewrites the engineer's arrival time.
    with office.transaction() as session:
        session.execute(text("DROP TRIGGER audit_log_no_update"))
        session.execute(text(f"UPDATE audit_log SET detail = '准时到场' WHERE id = {arrival}"))
    clock["now"] = at(260)
    window.period.setCurrentIndex(window.period.findText("本月"))  # figures only: no new check
    assert not label.property("breach") and "12:20" in label.text()
    qtbot.mouseClick(window.findChild(QPushButton, "reload"), Qt.MouseButton.LeftButton)
    assert label.property("breach") and label.isVisible()
    assert (
        label.text() == f"审计日志被改动：第 {arrival} 行内容已被改动（最近核验 2026-03-16 13:20）"
    )
    assert ERROR_COLOR in label.styleSheet() and "bold" in label.styleSheet()
    assert value(window, "repairs") == "1"  # the figures are still shown beside the alarm


def test_other_roles_see_no_audit_line(qtbot, office, who) -> None:
    window = SupervisorDeskWindow(office, who["clerk"], clock=lambda: at(60))
    qtbot.addWidget(window)
    window.show()
    assert not window.audit_label.isVisible() and window.audit is None
