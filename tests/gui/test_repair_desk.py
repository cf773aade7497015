"""The repair desk: a paid slip from the desk to the archive, each step signed by its own person."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPlainTextEdit, QPushButton
from sqlalchemy import select

from tests.conftest import build_template, open_copy
from wuyedesk.domain.roles import Role
from wuyedesk.services import repairs, residents
from wuyedesk.services.context import Actor
from wuyedesk.services.reconciliation import sign_reconciliation
from wuyedesk.services.staff import add_staff_in
from wuyedesk.store.models import AuditEntry, Staff
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui import repair_panel
from wuyedesk.ui.binder import SHOWN_ZONE, fill_fields
from wuyedesk.ui.pdf_preview import PdfPreviewDialog, show_pdf
from wuyedesk.ui.repair_desk import RepairDeskWindow
from wuyedesk.ui.repair_dialogs import AcceptDialog, CompleteDialog, DispatchDialog, StampDialog
from wuyedesk.ui.repair_lines_dialog import LinesDialog
from wuyedesk.ui.sign_dialog import HouseholdSignDialog, StaffSignDialog

PIN = "2468"
STAFF = {
    "clerk": ("陈文员", Role.clerk),
    "engineer": ("李工", Role.engineer),
    "boss": ("黄主管", Role.eng_supervisor),
    "finance": ("钱会计", Role.finance),
    "store": ("孙仓管", Role.storekeeper),
}
T0 = datetime(2026, 3, 16, 9, 0, tzinfo=SHOWN_ZONE)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
QUOTE = [
    {"kind": "labour", "item": "更换人工", "quantity": "1", "unit_price": "50"},
    {"kind": "material", "item": "水龙头", "quantity": "1", "unit_price": "70.50"},
]


class Clock:
    """The office's time in a test: it moves only when told."""

    def __init__(self) -> None:
        self.at = T0

    def __call__(self) -> datetime:
        return self.at

    def advance(self, minutes: float) -> None:
        self.at += timedelta(minutes=minutes)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """Building 3 and the whole repair staff, built once for the module."""
    folder = tmp_path_factory.mktemp("repair_desk")
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


@pytest.fixture
def who(office: OfficeFile) -> dict[str, Actor]:
    with office.transaction() as session:
        rows = {s.name: s.id for s in session.scalars(select(Staff))}
    return {key: Actor(rows[name], name, role) for key, (name, role) in STAFF.items()}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(qtbot, office, who, clock) -> RepairDeskWindow:
    """The repair desk with the clerk 陈文员 logged in."""
    window = RepairDeskWindow(office, who["clerk"], clock=clock)
    qtbot.addWidget(window)
    window.show()
    return window


# -- acting on the dialogs ----------------------------------------------------------------------
def draw(pad: Any) -> None:
    """Sign on a pad: one wavy stroke, long and wide enough to count as a signature."""
    pad.add_stroke([QPointF(10 + i * 6, 40 + 18 * math.sin(i / 3)) for i in range(45)])


def sign_as(monkeypatch, name: str, pin: str = PIN, seen: list | None = None) -> None:
    """The named colleague picks their name, types their PIN and (if asked) draws."""

    def run(dialog: StaffSignDialog) -> int:
        if seen is not None:
            seen.append(dialog)
        dialog.staff.setCurrentIndex(dialog.staff.findText(name, Qt.MatchFlag.MatchStartsWith))
        dialog.pin.setText(pin)
        if dialog.need_drawing:
            draw(dialog.pad)
        dialog.confirm()
        return dialog.result()

    monkeypatch.setattr(StaffSignDialog, "exec", run)


def household_signs(monkeypatch) -> None:
    """The household member draws their signature (the name comes prefilled)."""

    def run(dialog: HouseholdSignDialog) -> int:
        assert dialog.name.text() == "刘先生"
        draw(dialog.pad)
        dialog.confirm()
        return dialog.result()

    monkeypatch.setattr(HouseholdSignDialog, "exec", run)


def answer(monkeypatch, cls: type, fill: Callable[[Any], None]) -> None:
    """Fill a step's dialog and press 确定."""

    def run(dialog: Any) -> int:
        fill(dialog)
        dialog.ok()
        return dialog.result()

    monkeypatch.setattr(cls, "exec", run)


def press(desk: RepairDeskWindow, action: str) -> None:
    desk.panel.step_buttons[action].click()


def visible_steps(panel: Any) -> list[str]:
    """Return the step buttons the panel shows now."""
    QApplication.processEvents()  # a widget added to a shown layout shows on the next turn
    buttons = panel.steps_box.findChildren(QPushButton)
    return sorted(b.objectName() for b in buttons if b.isVisibleTo(panel))


def audit(office: OfficeFile) -> list[tuple[str, str, str]]:
    with office.transaction() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(a.actor, a.action, a.detail or "") for a in rows]


def open_paid_slip(desk: RepairDeskWindow) -> Any:
    """The clerk fills a paid-service slip on the entry form and saves it."""
    desk.new_buttons["paid"].click()
    entry = desk.entry
    assert entry is not None and entry.isVisible() and entry.windowTitle() == "新开有偿服务单"
    entry.form.findChild(QLineEdit, "unit").setText("3-2-1502")
    entry.reporter.lineEdit().setText("刘先生")
    entry.form.findChild(QLineEdit, "phone").setText("13800138000")
    fill_fields(entry.form, {"category": "plumbing_electrical", "channel": "visit"})
    entry.form.findChild(QPlainTextEdit, "content").setPlainText("卫生间水龙头漏水，要求更换")
    return entry.save()


def column(desk: RepairDeskWindow, heading: str) -> list[str]:
    headings = [h for h, _ in desk.table.records.columns]
    return desk.table.row_texts(headings.index(heading))


# -- the key test -------------------------------------------------------------------------------
def test_a_paid_slip_goes_from_the_desk_to_the_archive_signed_by_each_person(
    desk, office, who, clock, monkeypatch, message_boxes
):
    saved = open_paid_slip(desk)
    assert saved is not None and saved.number == "YC-2026-000001"
    panel = desk.panel
    assert panel.view.id == saved.id and column(desk, "单号") == ["YC-2026-000001"]
    assert column(desk, "类别") == ["有偿"] and "已开单" in panel.sheet.head.text()

    clock.advance(1)
    signers: list[StaffSignDialog] = []
    sign_as(monkeypatch, "李工", seen=signers)
    press(desk, "receive")
    assert signers[-1].need_drawing  # the receiver signs in the box
    assert panel.view.state == "received" and panel.view.received_by == "李工"
    assert panel.sheet.signatures["receiver"].isVisibleTo(panel.sheet)

    clock.advance(4)
    quotes: list[LinesDialog] = []

    def quote(dialog: LinesDialog) -> None:
        quotes.append(dialog)
        dialog.set_lines([QUOTE[0], {**QUOTE[1], "unit_price": "七十"}])
        dialog.ok()  # a price that is not a number is refused at its cell
        bad = dialog.findChild(QLabel, "lines_error")
        assert bad.isVisibleTo(dialog) and "第 2 行" in bad.text()
        assert dialog.table.item(1, 3).toolTip() and dialog.result() == 0
        dialog.set_lines(QUOTE)
        assert "120.50" in dialog.totals.text() and "壹佰贰拾元伍角整" in dialog.totals.text()

    answer(monkeypatch, LinesDialog, quote)
    press(desk, "quote")
    view = panel.view
    assert view.state == "quoted" and view.quote_total_fen == 12050
    assert panel.sheet.quote_table.rowCount() == 2
    assert "壹佰贰拾元伍角整" in panel.sheet.labels["quote"].text()

    clock.advance(2)
    household_signs(monkeypatch)
    press(desk, "approve")
    assert panel.view.state == "approved" and panel.view.approved_by == "刘先生"
    assert panel.sheet.signatures["approval"].isVisibleTo(panel.sheet)

    # Work may not start before the finance stamp: the button says why and nothing moves.
    before = repairs.get_repair(office, who["clerk"], saved.id)
    press(desk, "dispatch")
    assert "须先到财务交费并盖章" in panel.message.text()
    assert panel.message.isVisibleTo(panel)
    after = repairs.get_repair(office, who["clerk"], saved.id)
    assert (after.state, after.version) == (before.state, before.version)
    assert after.state == "approved" and panel.view.version == before.version
    assert message_boxes and "须先到财务交费并盖章" in message_boxes[-1][1]

    clock.advance(5)
    sign_as(monkeypatch, "钱会计", seen=signers)
    stamps: list[StampDialog] = []

    def stamp(dialog: StampDialog) -> None:
        stamps.append(dialog)
        assert dialog.amount.text() == "120.50"  # the quote's total is proposed
        dialog.receipt_no.setText("SJ0001")

    answer(monkeypatch, StampDialog, stamp)
    press(desk, "pay")
    assert not signers[-1].need_drawing and "壹佰贰拾元伍角整" in stamps[0].capital.text()
    assert panel.view.state == "paid" and panel.view.finance == "钱会计"
    assert "SJ0001" in panel.sheet.labels["stamp"].text()

    clock.advance(1)
    sign_as(monkeypatch, "黄主管")
    answer(
        monkeypatch,
        DispatchDialog,
        lambda d: d.engineer.setCurrentIndex(
            d.engineer.findText("李工", Qt.MatchFlag.MatchStartsWith)
        ),
    )
    press(desk, "dispatch")
    assert panel.view.state == "dispatched" and panel.view.engineer == "李工"

    clock.advance(1)
    sign_as(monkeypatch, "孙仓管")
    issued: list[list[dict[str, str]]] = []

    def materials(dialog: LinesDialog) -> None:
        issued.append(dialog.lines())
        dialog.table.item(0, 1).setText("DN15")  # the storekeeper adds the spec

    answer(monkeypatch, LinesDialog, materials)
    press(desk, "issue_materials")
    assert issued[0][0]["item"] == "水龙头" and issued[0][0]["unit_price"] == "70.50"
    assert panel.view.state == "materials_issued" and panel.view.material_total_fen == 7050
    assert panel.sheet.materials_table.item(0, 5).text() == "孙仓管"

    clock.advance(2)
    sign_as(monkeypatch, "李工")
    press(desk, "arrive")
    assert panel.view.state == "arrived" and not panel.view.arrival_late
    assert column(desk, "到场") == ["3 分钟"]

    clock.advance(20)
    answer(
        monkeypatch,
        CompleteDialog,
        lambda d: d.description.setPlainText("更换水龙头一个，试水无渗漏"),
    )
    press(desk, "complete")
    assert panel.view.state == "completed"

    clock.advance(3)
    answer(monkeypatch, AcceptDialog, lambda d: d.radios["satisfied"].setChecked(True))
    press(desk, "accept")
    view = panel.view
    assert view.state == "accepted" and view.satisfaction_label == "满意"
    assert visible_steps(panel) == ["step_void"]  # only the daily check moves it on now
    assert "每日核对" in panel.findChild(QLabel, "no_steps").text()
    assert panel.sheet.signatures["acceptance"].isVisibleTo(panel.sheet)

    # The daily check runs on its own sheet; here the supervisor and the storekeeper sign it.
    clock.advance(60)
    sign_reconciliation(office, who["boss"], T0.date(), storekeeper=who["store"], now=clock())
    desk.refresh()
    assert panel.view.state == "reconciled" and "黄主管" in panel.sheet.labels["closing"].text()

    clock.advance(5)
    sign_as(monkeypatch, "陈文员", seen=signers)
    assert signers  # the clerk at the desk is preselected; they confirm with their PIN
    press(desk, "archive")
    final = repairs.get_repair(office, who["clerk"], saved.id)
    assert final.state == "archived" and final.state_label == "已归档"
    assert "已归档" in panel.sheet.head.text() and visible_steps(panel) == []

    lines = audit(office)
    acted = {(actor, action) for actor, action, _ in lines}
    assert {
        ("陈文员", "repair.open"),
        ("李工", "repair.receive"),
        ("李工", "repair.quote"),
        ("陈文员", "repair.approve"),
        ("钱会计", "repair.pay"),
        ("黄主管", "repair.dispatch"),
        ("孙仓管", "repair.issue_materials"),
        ("李工", "repair.arrive"),
        ("李工", "repair.complete"),
        ("陈文员", "repair.accept"),
        ("黄主管", "repair.reconcile"),
        ("陈文员", "repair.archive"),
    } <= acted
    signed = {actor for actor, action, detail in lines if action == "sign"}
    assert all(detail == "在陈文员的工作台上" for _, action, detail in lines if action == "sign")
    assert {"李工", "钱会计", "黄主管", "孙仓管"} <= signed and len(signed) >= 3


# -- a wrong PIN ---------------------------------------------------------------------------------
def test_a_wrong_pin_keeps_the_slip_as_it_was(desk, office, who, monkeypatch):
    saved = open_paid_slip(desk)
    seen: list[StaffSignDialog] = []
    sign_as(monkeypatch, "李工", pin="9999", seen=seen)
    press(desk, "receive")
    message = seen[0].findChild(QLabel, "pin_error")
    assert message.isVisibleTo(seen[0]) and "PIN 不正确" in message.text()
    view = repairs.get_repair(office, who["clerk"], saved.id)
    assert (view.state, view.version, view.received_by) == ("opened", saved.version, "")
    assert desk.panel.view.state == "opened"
    assert ("李工", "sign.failed", "在陈文员的工作台上") in audit(office)


# -- the lists -----------------------------------------------------------------------------------
def slip(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "free",
        "reported_at": T0,
        "channel": "phone",
        "unit": "3-2-1502",
        "reporter_name": "刘先生",
        "phone": "13800138000",
        "category": "plumbing_electrical",
        "content": "厨房水龙头漏水",
    }
    data.update(changes)
    return data


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def dispatched(office, who, to: str, **changes: object) -> Any:
    v = repairs.open_repair(office, who["clerk"], slip(**changes), now=at(1))
    v = repairs.receive_repair(
        office, who["engineer"], v.id, version=v.version, signature_png=PNG, now=at(2)
    )
    return repairs.dispatch_repair(
        office, who["boss"], v.id, who[to].staff_id, version=v.version, now=at(3)
    )


def test_the_engineer_starts_on_his_queue_and_late_arrivals_are_listed(qtbot, office, who, clock):
    late = dispatched(office, who, "engineer", content="楼道灯不亮")
    late = repairs.record_arrival(
        office, who["engineer"], late.id, version=late.version, now=at(15)
    )
    waiting = repairs.open_repair(office, who["clerk"], slip(kind="paid"), now=at(4))
    lift = dispatched(office, who, "boss", unit="", facility="3栋电梯", category="lift")
    clock.advance(20)

    window = RepairDeskWindow(office, who["engineer"], clock=clock)
    qtbot.addWidget(window)
    assert window.view_filter.currentData() == "mine"
    assert not window.new_buttons["paid"].isEnabled()  # engineers do not open slips
    assert sorted(column(window, "单号")) == sorted([late.number, waiting.number])
    assert lift.number not in column(window, "单号")

    window.view_filter.setCurrentIndex(window.view_filter.findData("late"))
    assert column(window, "单号") == [late.number]
    assert column(window, "到场") == ["12 分钟 超时"]
    window.table.select_id(late.id)
    assert "到场超时" in window.panel.sheet.labels["work"].text()

    clerk = RepairDeskWindow(office, who["clerk"], clock=clock)
    qtbot.addWidget(clerk)
    assert clerk.view_filter.currentData() == "open" and len(clerk.table.records.rows) == 3
    clerk.building_filter.setCurrentIndex(clerk.building_filter.findText("3栋"))
    assert sorted(column(clerk, "单号")) == sorted([late.number, waiting.number])
    clerk.building_filter.setCurrentIndex(0)
    clerk.engineer_filter.setCurrentIndex(clerk.engineer_filter.findData(who["boss"].staff_id))
    assert column(clerk, "单号") == [lift.number]
    assert column(clerk, "房号/部位") == ["3栋电梯"]
    clerk.engineer_filter.setCurrentIndex(0)
    clerk.kind_filter.setCurrentIndex(clerk.kind_filter.findData("paid"))
    assert column(clerk, "单号") == [waiting.number] and column(clerk, "类别") == ["有偿"]


def test_the_main_window_opens_the_repair_queue_for_engineering(qtbot, office, who):
    from wuyedesk.ui.main_window import MainWindow

    window = MainWindow(office, who["boss"])
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.findChild(RepairDeskWindow) is not None)
    screen = window.findChild(RepairDeskWindow)
    assert screen.isVisible() and screen.view_filter.currentData() == "mine"
    actions = {a.text(): a for menu in window.menuBar().actions() if menu.menu()
               for a in menu.menu().actions()}  # fmt: skip
    assert actions["维修单"].isEnabled()
    actions["维修单"].trigger()
    assert window.findChildren(RepairDeskWindow) == [screen]
    window.discard()


# -- printing ------------------------------------------------------------------------------------
def test_a_paid_slip_prints_its_four_copies(desk, office, who, monkeypatch):
    shown: list[Path] = []

    class Preview:
        printed = 0

        def print_pdf(self) -> bool:
            Preview.printed += 1
            return True

    def fake_show(path: Path, parent: Any = None) -> Preview:
        shown.append(Path(path))
        return Preview()

    monkeypatch.setattr(repair_panel, "show_pdf", fake_show)
    entry = desk.open_entry("paid")
    entry.form.findChild(QLineEdit, "unit").setText("3-2-1502")
    entry.reporter.lineEdit().setText("刘先生")
    entry.form.findChild(QLineEdit, "phone").setText("13800138000")
    fill_fields(entry.form, {"category": "doors_windows"})
    entry.form.findChild(QPlainTextEdit, "content").setPlainText("入户门锁芯坏了，要求更换")
    entry.save_print_button.click()  # 保存并打印: the slip goes to the printer as it opens
    saved = desk.panel.view
    assert saved.number == "YC-2026-000001" and not entry.isVisible()
    assert len(shown) == 1 and shown[0].exists() and saved.number in shown[0].name
    assert Preview.printed == 1  # 打印 goes on to the printer's own dialog
    desk.panel.print_buttons["continuous"].click()
    assert len(shown) == 2 and "连续纸" in shown[1].name and shown[1].exists()
    monkeypatch.setattr(repair_panel, "show_pdf", show_pdf)  # the real preview from here on
    desk.panel.print_buttons["preview"].click()
    preview = desk.panel.preview
    assert isinstance(preview, PdfPreviewDialog) and preview.pdf_path.exists()
    assert preview.page_count() == 4  # 存根, 工程部, 财务, 客户
    assert PdfPreviewDialog(shown[0]).page_count() == 4
    preview.close()


# -- bad input -----------------------------------------------------------------------------------
def test_missing_content_and_phone_are_shown_at_their_fields(desk, office, who):
    entry = desk.open_entry("free")
    assert entry.windowTitle() == "新开工程维修单"
    entry.form.findChild(QLineEdit, "unit").setText("3-2-1502")
    entry.reporter.lineEdit().setText("刘先生")
    fill_fields(entry.form, {"category": "building"})
    assert entry.save() is None
    for field, text in (("content", "报修内容不能为空"), ("phone", "联系电话不能为空")):
        label = entry.form.findChild(QLabel, f"{field}_error")
        assert label.isVisibleTo(entry.form) and text in label.text()
    assert entry.isVisible() and desk.table.records.rowCount() == 0
    assert repairs.list_repairs(office, who["clerk"], view="open") == []


def test_the_reporter_is_picked_from_the_archive_with_the_archived_phone(desk, office, who):
    residents.add_resident(
        office, Actor.command_line(), "3栋2单元1502", {"name": "李娜", "role": "owner",
                                                       "phone": "13912345678"}
    )  # fmt: skip
    entry = desk.open_entry("free")
    unit = entry.form.findChild(QLineEdit, "unit")
    unit.setText("3-2-1502")
    unit.editingFinished.emit()
    entry.reporter.hidePopup()
    assert entry.reporter.count() == 1 and entry.reporter.itemText(0).startswith("李娜")
    entry.reporter.setCurrentIndex(0)
    fill_fields(entry.form, {"category": "building"})
    entry.form.findChild(QPlainTextEdit, "content").setPlainText("卧室墙面渗水")
    saved = entry.save()
    assert saved is not None and saved.reporter_name == "李娜"
    assert saved.phone == "139****5678"  # the archive's number, never typed at the desk


def test_the_engineering_supervisor_opens_the_days_check_from_the_desk(qtbot, office, who, clock):
    boss = RepairDeskWindow(office, who["boss"], clock=clock)
    qtbot.addWidget(boss)
    assert not boss.reconcile_button.isHidden()
    window = boss.open_reconciliation()
    assert window.isVisible() and boss.open_reconciliation() is window
    clerk = RepairDeskWindow(office, who["clerk"], clock=clock)
    qtbot.addWidget(clerk)
    assert clerk.reconcile_button.isHidden()


# -- the full phone ------------------------------------------------------------------------------
def test_the_engineer_shows_the_full_phone_of_his_own_slip_only(qtbot, office, who, clock):
    with office.transaction() as session:
        other = add_staff_in(session, Actor.command_line(), "马工", "engineer", PIN)
        ma = Actor(other.id, other.name, Role.engineer)
    mine = dispatched(office, who, "engineer")  # received by 李工 and sent to him
    v = repairs.open_repair(office, who["clerk"], slip(phone="13912345678"), now=at(4))
    v = repairs.receive_repair(
        office, who["boss"], v.id, version=v.version, signature_png=PNG, now=at(5)
    )
    theirs = repairs.dispatch_repair(
        office, who["boss"], v.id, ma.staff_id, version=v.version, now=at(6)
    )
    clock.advance(10)

    window = RepairDeskWindow(office, who["engineer"], clock=clock)
    qtbot.addWidget(window)
    window.show()
    window.view_filter.setCurrentIndex(window.view_filter.findData("open"))
    panel = window.panel
    button = panel.findChild(QPushButton, "reveal_phone")
    assert button is panel.reveal_button and button.text() == "显示完整电话"

    assert window.table.select_id(theirs.id)
    assert panel.phone_label.text() == "联系电话：139****5678"
    assert button.isVisible() and not button.isEnabled()
    assert "派给您或由您接单" in button.toolTip()

    assert window.table.select_id(mine.id)
    assert panel.phone_label.text() == "联系电话：138****8000" and button.isEnabled()
    button.click()
    assert panel.phone_label.text() == "联系电话：13800138000"
    assert "13800138000" in panel.sheet.labels["report"].text()
    assert panel.view.phone == "138****8000"  # the slip on file stays masked
    assert ("李工", "repair.reveal", "") in audit(office)

    assert window.table.select_id(theirs.id)  # another slip: the number is not kept
    assert window.table.select_id(mine.id)
    assert panel.phone_label.text() == "联系电话：138****8000"
    assert "13800138000" not in panel.sheet.labels["report"].text() and button.isEnabled()

    finance = RepairDeskWindow(office, who["finance"], clock=clock)
    qtbot.addWidget(finance)
    finance.view_filter.setCurrentIndex(finance.view_filter.findData("open"))
    assert finance.table.select_id(mine.id)
    assert not finance.panel.reveal_button.isEnabled()
    assert "岗位不能" in finance.panel.reveal_button.toolTip()
