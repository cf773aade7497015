"""The desk: set-up wizard, unlock, login, switch user, idle lock, tree, search, numbers."""

from __future__ import annotations

from typing import ClassVar

import pytest
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QWidget, QWizard

from wuyedesk.domain.roles import Role
from wuyedesk.services import drafts
from wuyedesk.services.context import Actor
from wuyedesk.services.lookup import RecordRef
from wuyedesk.services.office import office_info, unlock
from wuyedesk.services.places import add_building
from wuyedesk.services.residents import add_resident, list_residents, mark_to_update
from wuyedesk.services.staff import add_staff
from wuyedesk.ui import main_window as main_window_module
from wuyedesk.ui.app import Desk
from wuyedesk.ui.estate_tree import KIND_ROLE, UNIT_CODE_ROLE
from wuyedesk.ui.idle_lock import format_countdown
from wuyedesk.ui.login import LoginDialog
from wuyedesk.ui.main_window import LATER, MainWindow
from wuyedesk.ui.setup_wizard import SetupWizard, demo_available

PASSPHRASE = "correct horse 12"  # as in conftest.py
FAST_N = 2**12


class FakeCard(QLabel):
    """Stands in for ui/unit_card.UnitCardWidget: one unsaved form kept as a draft."""

    changed = Signal()
    offered: ClassVar[list[list[str]]] = []

    def __init__(self, office, actor, parent=None) -> None:
        super().__init__(parent)
        self.office, self.actor = office, actor
        self.code: str | None = None
        self.unsaved = False

    def show_unit(self, code: str) -> None:
        self.code = code
        self.setText(code)

    def has_unsaved(self) -> bool:
        return self.unsaved

    def save_drafts(self) -> None:
        drafts.save_draft(self.office, self.actor, "resident", f"new:{self.code}", {"name": "赵六"})
        self.unsaved = False

    def offer_drafts(self) -> None:
        kept = drafts.drafts_of(self.office, self.actor)
        FakeCard.offered.append([d.data["name"] for d in kept])


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fill(root: QWidget, values: dict[str, str]) -> None:
    for name, text in values.items():
        root.findChild(QLineEdit, name).setText(text)


def error_text(root: QWidget, field: str) -> str:
    label = root.findChild(QLabel, f"{field}_error")
    return label.text() if label.isVisibleTo(root) else ""


# -- set-up wizard ------------------------------------------------------------------------------
@pytest.fixture
def wizard(qtbot, office_path):
    wizard = SetupWizard(office_path, passphrase_n=FAST_N)
    qtbot.addWidget(wizard)
    wizard.show()
    yield wizard
    if wizard.office is not None:
        wizard.office.close()


def walk_to_start_page(qtbot, wizard: SetupWizard) -> str:
    fill(wizard, {"office_name": "阳光花园管理处", "estate_name": "阳光花园"})
    wizard.next()
    fill(wizard, {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE})
    wizard.next()
    fill(wizard, {"director_name": "王主任", "director_pin": "1357", "director_pin_again": "1357"})
    wizard.next()
    assert wizard.currentPage() is wizard.recovery_page
    key = wizard.recovery_page.key_label.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.recovery_page.saved_box.setChecked(True)
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    assert wizard.currentPage() is wizard.start_page
    return key


def test_wizard_checks_each_page_before_going_on(wizard, office_path):
    fill(wizard, {"office_name": " ", "estate_name": "阳光花园"})
    wizard.next()
    assert wizard.currentPage() is wizard.office_page
    assert error_text(wizard, "office_name") == "请填写管理处名称"
    fill(wizard, {"office_name": "阳光花园管理处"})
    wizard.next()
    fill(wizard, {"passphrase": PASSPHRASE, "passphrase_again": "correct horse 13"})
    assert "强度：强" in wizard.findChild(QLabel, "passphrase_strength").text()
    wizard.next()
    assert error_text(wizard, "passphrase_again") == "两次输入的办公室密码不一致"
    fill(wizard, {"passphrase_again": PASSPHRASE})
    wizard.next()
    fill(wizard, {"director_name": "王主任", "director_pin": "12", "director_pin_again": "12"})
    wizard.next()
    assert "4 到 8 位数字" in error_text(wizard, "director_pin")
    assert wizard.currentPage() is wizard.director_page
    assert not office_path.exists()


def test_wizard_on_an_empty_folder_creates_the_office_and_opens_the_desk(
    qtbot, wizard, office_path
):
    key = walk_to_start_page(qtbot, wizard)
    wizard.reject()  # the file exists: cancelling now would lose nothing but confuse; ignored
    assert wizard.isVisible()
    wizard.start_page.buttons["empty"].setChecked(True)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.actor is not None and wizard.actor.name == "王主任"
    assert wizard.findChild(QLineEdit, "passphrase").text() == ""
    unlock(office_path, recovery=key).close()  # the key shown is the real one

    desk = Desk(office_path, wizard.office, card_factory=FakeCard)
    desk.start(wizard.actor)
    try:
        assert desk.window is not None and desk.window.isVisible()
        assert desk.window.user_label.text() == "王主任（管理处主任）"
    finally:
        desk.shutdown()
        wizard.office = None


def test_wizard_demo_choice_fills_the_estate(qtbot, wizard, office_path):
    if not demo_available():
        pytest.skip("wuyedesk.services.demo is not installed yet")
    walk_to_start_page(qtbot, wizard)
    wizard.start_page.buttons["demo"].setChecked(True)
    wizard.start_page.households.setValue(20)
    wizard.accept()
    assert len(list_residents(wizard.office, Actor.command_line())) >= 20
    desk = Desk(office_path, wizard.office, card_factory=FakeCard)
    desk.start(wizard.actor)
    try:
        assert desk.window.tree.estate_model.root.units >= 20
    finally:
        desk.shutdown()
        wizard.office = None


# -- unlock, login, switch, lock -----------------------------------------------------------------
@pytest.fixture
def estate(make_office):
    office = make_office()
    actor = Actor.command_line()
    add_building(office, actor, "1", entrances=2, floors=3, units_per_floor=2)
    add_building(office, actor, "2", entrances=0, floors=2, units_per_floor=2)
    add_resident(
        office, actor, "1栋1单元101", {"name": "张伟", "role": "owner", "phone": "13800138000"}
    )
    add_resident(
        office, actor, "1栋1单元101", {"name": "张小伟", "role": "family", "phone": "13911112222"}
    )
    stale = add_resident(
        office, actor, "2栋201", {"name": "李娜", "role": "owner", "phone": "13733334444"}
    )
    mark_to_update(office, actor, stale.id, "电话停机")
    add_staff(office, actor, "李文员", "clerk", "2468")
    return office


@pytest.fixture
def desk(qtbot, estate, office_path):
    FakeCard.offered = []
    clock = FakeClock()
    desk = Desk(office_path, estate, card_factory=FakeCard, clock=clock, tick_ms=60_000)
    desk.clock_for_test = clock
    yield desk
    desk.shutdown()


def log_in(desk: Desk, name: str, pin: str) -> None:
    assert desk.login is not None and desk.login.isVisible()
    assert desk.login.select_staff(name)
    desk.login.pin.setText(pin)
    desk.login.pin.returnPressed.emit()


def test_unlock_with_a_wrong_then_the_right_passphrase_leads_to_login(
    qtbot, make_office, office_path
):
    make_office().close()
    desk = Desk(office_path, None, card_factory=FakeCard)
    desk.start()
    try:
        dialog = desk.unlock
        fill(dialog.form, {"passphrase": "wrong horse 12"})
        dialog.unlock()
        assert error_text(dialog.form, "passphrase") == "办公室密码不正确"
        fill(dialog.form, {"passphrase": PASSPHRASE})
        dialog.unlock()
        assert desk.office is not None and desk.login.isVisible()
    finally:
        desk.shutdown()


def test_login_wrong_pin_is_said_beside_the_field_then_the_right_one_opens(qtbot, desk):
    desk.start()
    login: LoginDialog = desk.login
    names = [login.staff_list.item(r).text() for r in range(login.staff_list.count())]
    assert "王主任　　管理处主任" in names and "李文员　　文员" in names
    log_in(desk, "王主任", "9999")
    assert error_text(login.form, "pin") == "PIN 不正确，还可再试 2 次"
    assert desk.window is None
    log_in(desk, "王主任", "1357")
    assert not login.isVisible() and desk.window.isVisible()
    assert desk.window.user_label.text() == "王主任（管理处主任）"
    assert str(desk.path) in desk.window.path_label.text()
    assert desk.window.lock_label.text() == "5:00 后锁定"


def test_switch_user_keeps_nothing_of_the_last_screen(qtbot, desk):
    desk.start()
    log_in(desk, "王主任", "1357")
    first = desk.window
    first.open_unit("1栋1单元101")
    first.search.setText("张")
    first.run_search()
    assert first.results.isVisible()
    first.switch_action.trigger()
    assert desk.window is None and desk.login.isVisible()
    assert desk.login.pin.text() == ""
    log_in(desk, "李文员", "2468")
    second = desk.window
    assert second is not first and second.actor.name == "李文员"
    assert second.search.text() == "" and not second.results.isVisibleTo(second)
    assert second.card.code is None and second.tree.current_code() is None
    assert second.user_label.text() == "李文员（文员）"


def test_idle_lock_keeps_the_draft_returns_to_login_and_offers_it_back(qtbot, desk):
    desk.start()
    log_in(desk, "王主任", "1357")
    desk.window.open_unit("1栋1单元102")
    desk.window.card.unsaved = True
    clock = desk.clock_for_test
    clock.now += 61
    desk.idle.check()
    assert desk.window.lock_label.text() == "3:59 后锁定"
    clock.now += 4 * 60
    desk.idle.check()
    assert desk.window is None and desk.login.isVisible()
    assert [
        d.data["name"] for d in drafts.drafts_of(desk.office, Actor(1, "王主任", Role.director))
    ]
    log_in(desk, "王主任", "1357")
    assert FakeCard.offered[-1] == ["赵六"]


def test_idle_lock_with_the_real_unit_card_brings_the_typed_form_back(
    qtbot, estate, office_path, monkeypatch
):
    pytest.importorskip("wuyedesk.ui.unit_card", reason="the unit card is not installed yet")
    yes = QMessageBox.StandardButton.Yes
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: yes))
    clock = FakeClock()
    desk = Desk(office_path, estate, clock=clock, tick_ms=60_000)
    try:
        desk.start()
        log_in(desk, "王主任", "1357")
        desk.window.open_unit("1栋1单元102")
        form = desk.window.card.add_resident()
        form.findChild(QLineEdit, "name").setText("赵六")
        assert desk.window.card.has_unsaved()
        clock.now += 5 * 60 + 1
        desk.idle.check()
        assert desk.window is None and desk.login.isVisible()
        log_in(desk, "王主任", "1357")
        [restored] = desk.window.card.forms
        assert restored.findChild(QLineEdit, "name").text() == "赵六"
    finally:
        desk.shutdown()


def test_file_lock_drops_the_key_and_asks_to_unlock(qtbot, desk):
    desk.start()
    log_in(desk, "王主任", "1357")
    office = desk.office
    desk.clock_for_test.now += 30 * 60
    desk.idle.check()
    assert office.data_key == b"" and desk.office is None
    assert desk.window is None and desk.unlock.isVisible()
    fill(desk.unlock.form, {"passphrase": PASSPHRASE})
    desk.unlock.unlock()
    assert desk.login.isVisible()
    log_in(desk, "王主任", "1357")
    assert desk.window.isVisible()


def test_countdown_format():
    assert format_countdown(300) == "5:00"
    assert format_countdown(59.2) == "1:00"
    assert format_countdown(-3) == "0:00"


# -- main window --------------------------------------------------------------------------------
@pytest.fixture
def window(qtbot, estate):
    FakeCard.offered = []
    actor = Actor(1, "王主任", Role.director)
    window = MainWindow(estate, actor, card_factory=FakeCard)
    qtbot.addWidget(window)
    window.show()
    return window


def rows(model, parent):
    return [model.index(r, 0, parent) for r in range(model.rowCount(parent))]


def test_tree_shows_counts_and_flags_stale_units(window):
    model = window.tree.estate_model
    [estate_row] = rows(model, window.tree.rootIndex())
    assert estate_row.data() == "阳光花园（16 户 · 3 人）"
    b1, b2 = rows(model, estate_row)
    assert b1.data() == "1栋（12 户 · 2 人）" and b2.data() == "2栋（4 户 · 1 人）"
    entrance = rows(model, b1)[0]
    assert entrance.data() == "1单元（6 户 · 2 人）" and entrance.data(KIND_ROLE) == "entrance"
    floor = rows(model, rows(model, b2)[1])  # 2栋 has no entrances: floors hang off the building
    stale_unit = next(i for i in floor if i.data(UNIT_CODE_ROLE) == "2栋201")
    assert stale_unit.data(Qt.ItemDataRole.DecorationRole) is not None
    assert "资料待更新" in stale_unit.data(Qt.ItemDataRole.ToolTipRole)
    assert "资料待更新" in b2.data(Qt.ItemDataRole.ToolTipRole)
    assert b1.data(Qt.ItemDataRole.DecorationRole) is None


def test_tree_keyboard_enter_opens_the_unit(qtbot, window):
    assert window.tree.select_unit("1栋2单元302")
    window.tree.setFocus()
    qtbot.keyClick(window.tree, Qt.Key.Key_Up)
    qtbot.keyClick(window.tree, Qt.Key.Key_Return)
    assert window.card.code == "1栋2单元301"


def test_search_finds_a_resident_and_enter_opens_the_unit(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    window.search.setText("张伟")
    qtbot.waitUntil(lambda: window.results.isVisible(), timeout=2000)
    assert "张伟" in window.results.item(0).text()
    assert "138****8000" in window.results.item(0).text()
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.card.code == "1栋1单元101"
    assert window.tree.current_code() == "1栋1单元101"
    assert window.search.text() == "" and not window.results.isVisible()


def test_esc_clears_the_search(qtbot, window):
    window.search.setText("张")
    window.run_search()
    assert window.results.count() == 2
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.search.text() == "" and not window.results.isVisible()


def test_a_typed_number_opens_its_unit_or_says_it_is_not_on_file(qtbot, window, monkeypatch):
    window.search.setText("WX-2026-000123")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.statusBar().currentMessage() == "没有单号为 WX-2026-000123 的记录"
    assert window.card.code is None

    ref = RecordRef("repair", 5, "WX-2026-000123", "1栋2单元302")
    monkeypatch.setattr(main_window_module, "find_by_number", lambda office, actor, text: ref)
    window.search.setText("wx-2026-000123")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.statusBar().currentMessage() == "单号 WX-2026-000123 对应 1栋2单元302"
    assert window.tree.current_code() == "1栋2单元302" and window.card.code == "1栋2单元302"
    assert "维修单" in window._screens  # the slip's own screen opened too


def test_every_paper_has_its_screen_now(window):
    assert window.placeholder_actions == []  # 月度报表, the last one, has its dialog now
    monthly = window.monthly_export_action
    assert monthly.isEnabled() and monthly.isVisible() and monthly.toolTip() != LATER
    assert office_info(window.office).estate_name == "阳光花园"


def test_archive_menu_opens_the_stale_list_and_the_import_wizard(window):
    stale_list = pytest.importorskip("wuyedesk.ui.stale_list", reason="not installed yet")
    import_wizard = pytest.importorskip("wuyedesk.ui.import_wizard", reason="not installed yet")
    window.stale_action.trigger()
    dialog = window.findChild(stale_list.StaleListDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.open_unit.emit("2栋201")
    assert window.card.code == "2栋201" and window.tree.current_code() == "2栋201"
    window.import_action.trigger()
    wizard = window.findChild(import_wizard.ImportWizard)
    assert wizard is not None and wizard.isVisible()
    wizard.reject()
    dialog.close()


def test_the_supervisors_tasks_for_today_show_at_login(qtbot, estate):
    from datetime import datetime, timedelta

    from wuyedesk.domain.sla import OFFICE_TZ
    from wuyedesk.services import daily_reports as d
    from wuyedesk.services.staff import list_staff

    clerk_info = next(s for s in list_staff(estate) if s.name == "李文员")
    clerk = Actor(clerk_info.id, clerk_info.name, Role.clerk)
    boss = Actor(1, "王主任", Role.director)
    yesterday = datetime.now(OFFICE_TZ) - timedelta(days=1)
    report = d.todays_report(estate, clerk, now=yesterday)
    report = d.save_report(
        estate, clerk, report.id, version=report.version,
        done_text="整理档案", undone_text=None, coordination_text=None,
    )  # fmt: skip
    report = d.submit_report(estate, clerk, report.id, version=report.version, now=yesterday)
    d.review_report(
        estate, boss, report.id, version=report.version, comment="已阅",
        next_day_tasks="核对2栋住户电话", now=yesterday,
    )  # fmt: skip
    window = MainWindow(estate, clerk, card_factory=FakeCard)
    qtbot.addWidget(window)
    window.show()
    assert window.assignments_label.isVisible()
    assert "核对2栋住户电话" in window.assignments_label.text()
    other = MainWindow(estate, boss, card_factory=FakeCard)
    qtbot.addWidget(other)
    assert not other.assignments_label.isVisible()
