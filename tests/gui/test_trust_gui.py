"""Trust: the lock closes open dialogs, lock and unlock are audited, copied numbers leave the
clipboard, a form killed mid-typing comes back as a draft."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
)
from sqlalchemy import select

from wuyedesk.domain.errors import UserError
from wuyedesk.domain.roles import Role
from wuyedesk.domain.validators import make_id_number
from wuyedesk.services import drafts, residents
from wuyedesk.services import staff as staff_service
from wuyedesk.services.context import Actor
from wuyedesk.services.office import unlock
from wuyedesk.services.places import add_building
from wuyedesk.store import audit
from wuyedesk.store.models import AuditEntry
from wuyedesk.store.office_file import OfficeFile, open_office_file
from wuyedesk.ui.app import Desk
from wuyedesk.ui.idle_lock import CLOSED_BY_DESK, ClosedDialogs, close_modal_widgets
from wuyedesk.ui.resident_form import FORM_NAME, ResidentDialog
from wuyedesk.ui.unit_card import CLIPBOARD_CLEAR_MS, UnitCardWidget

PASSPHRASE = "correct horse 12"  # as in conftest.py
UNIT = "1栋1单元101"
ID_NUMBER = make_id_number("310104", date(1980, 5, 17), "123")
PHONE = "13800138000"
YES = QMessageBox.StandardButton.Yes


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def estate(make_office) -> OfficeFile:
    office = make_office()
    actor = Actor.command_line()
    add_building(office, actor, "1", entrances=1, floors=2, units_per_floor=2)
    residents.add_resident(
        office,
        actor,
        UNIT,
        {"name": "张伟", "role": "owner", "phone": PHONE, "id_number": ID_NUMBER},
    )
    staff_service.add_staff(office, actor, "李文员", "clerk", "2468")
    return office


@pytest.fixture
def desk(qtbot, estate, office_path):
    """A desk with the real unit card, on a clock the test moves."""
    desk = Desk(office_path, estate, clock=FakeClock(), tick_ms=60_000)
    yield desk
    desk.shutdown()


def director(office: OfficeFile) -> Actor:
    info = next(s for s in staff_service.list_staff(office) if s.name == "王主任")
    return Actor(info.id, info.name, info.role)


def log_in(desk: Desk, name: str, pin: str) -> None:
    assert desk.login is not None and desk.login.isVisible()
    assert desk.login.select_staff(name)
    desk.login.pin.setText(pin)
    desk.login.pin.returnPressed.emit()


def audit_lines(office: OfficeFile, *actions: str) -> list[tuple[str, str, str]]:
    """Return (action, actor, detail) of the audit log's lines, oldest first."""
    with office.transaction() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(r.action, r.actor, r.detail) for r in rows if not actions or r.action in actions]


def chain_ok(office: OfficeFile) -> bool:
    with office.transaction() as session:
        return audit.verify(session).ok


# -- the audit services -------------------------------------------------------------------------
def test_lock_unlock_and_close_lines_name_who_and_why(estate):
    boss = director(estate)
    clerk = next(s for s in staff_service.list_staff(estate) if s.name == "李文员")
    clerk_actor = Actor(clerk.id, clerk.name, clerk.role)
    assert staff_service.idle_lock_reason(5) == "闲置 5 分钟自动锁定"
    assert staff_service.idle_lock_reason(2.5) == "闲置 2.5 分钟自动锁定"
    assert staff_service.idle_close_reason(30) == "闲置 30 分钟自动关闭办公文件"
    staff_service.record_lock(estate, boss, staff_service.idle_lock_reason(5))
    staff_service.record_lock(estate, boss, staff_service.MANUAL_LOCK)
    staff_service.record_unlock(estate, clerk_actor, boss, staff_service.MANUAL_LOCK)
    staff_service.record_unlock(estate, boss)
    staff_service.record_office_close(estate, boss, staff_service.idle_close_reason(30))
    staff_service.record_office_close(estate, None, staff_service.MANUAL_CLOSE)
    assert audit_lines(estate, "lock", "unlock", "office.close") == [
        ("lock", "王主任", "闲置 5 分钟自动锁定"),
        ("lock", "王主任", "手动锁定"),
        ("unlock", "李文员", "解除锁定（王主任的工作台，手动锁定）"),
        ("unlock", "王主任", "解除锁定"),
        ("office.close", "王主任", "闲置 30 分钟自动关闭办公文件"),
        ("office.close", "工作台（系统）", "手动关闭办公文件"),
    ]
    assert chain_ok(estate)


def test_a_copy_is_audited_and_refused_to_a_role_that_may_not_reveal(estate):
    [person] = residents.list_residents(estate, director(estate), unit_code=UNIT)
    staff_service.record_copy(estate, director(estate), person.id, "证件号码")
    assert audit_lines(estate, "resident.copy") == [("resident.copy", "王主任", "复制证件号码")]
    with pytest.raises(UserError):
        staff_service.record_copy(estate, Actor(None, "保安", Role.security), person.id, "电话")


def test_draft_of_finds_one_form_of_one_person(estate):
    boss = director(estate)
    drafts.save_draft(estate, boss, FORM_NAME, "new:" + UNIT, {"name": "赵六"})
    assert drafts.draft_of(estate, boss, FORM_NAME, "new:" + UNIT).data == {"name": "赵六"}
    assert drafts.draft_of(estate, boss, FORM_NAME, "7") is None
    assert drafts.draft_of(estate, boss, "register", "new:" + UNIT) is None


# -- the idle lock and open dialogs ---------------------------------------------------------------
def test_idle_lock_closes_nested_exec_dialogs_and_shows_the_login(qtbot, desk):
    desk.start()
    log_in(desk, "王主任", "1357")
    window = desk.window
    returned: list[tuple[str, object, str]] = []

    def inner() -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "确认",
            "要继续吗？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            window,
        )
        QTimer.singleShot(20, desk.idle.trigger_idle)
        code = box.exec()
        # Back in the window's code after the lock, which goes on handling events (as a
        # wait cursor or a further dialog would): the window must still be there.
        QApplication.processEvents()
        returned.append(("box", code, window.windowTitle()))

    def outer() -> None:
        dialog = QDialog(window)
        QTimer.singleShot(20, inner)
        code = dialog.exec()
        QApplication.processEvents()
        returned.append(("dialog", code, window.windowTitle()))

    QTimer.singleShot(0, outer)
    qtbot.waitUntil(lambda: len(returned) == 2, timeout=5000)
    title = returned[0][2]
    assert "阳光花园" in title
    assert [(kind, shown) for kind, _code, shown in returned] == [("box", title), ("dialog", title)]
    assert returned[1][1] == QDialog.DialogCode.Rejected.value
    assert desk.window is None and desk.login.isVisible()
    assert QApplication.activeModalWidget() is None
    qtbot.waitUntil(lambda: not desk.retired, timeout=3000)
    assert [a for a, _who, _d in audit_lines(desk.office, "lock")] == ["lock"]


def test_idle_lock_closes_static_input_and_file_dialogs(qtbot, desk, tmp_path):
    desk.start()
    log_in(desk, "王主任", "1357")
    window = desk.window
    answers: list[object] = []

    def ask_file() -> None:
        QTimer.singleShot(20, desk.idle.trigger_idle)
        answers.append(
            QFileDialog.getOpenFileName(
                window, "选择文件", str(tmp_path), options=QFileDialog.Option.DontUseNativeDialog
            )
        )
        QApplication.processEvents()
        answers.append(window.isHidden())

    def ask_text() -> None:
        QTimer.singleShot(20, ask_file)
        answers.append(QInputDialog.getText(window, "迁出", "迁出日期："))

    QTimer.singleShot(0, ask_text)
    qtbot.waitUntil(lambda: len(answers) == 3, timeout=5000)
    assert answers == [("", ""), True, ("", False)]
    assert desk.window is None and desk.login.isVisible()
    qtbot.waitUntil(lambda: not desk.retired, timeout=3000)


def test_idle_lock_closes_an_open_menu(qtbot, desk):
    desk.start()
    log_in(desk, "王主任", "1357")
    window = desk.window
    chosen: list[object] = []

    def show_menu() -> None:
        menu = QMenu(window)
        menu.addAction("复制")
        QTimer.singleShot(20, desk.idle.trigger_idle)
        chosen.append(menu.exec(window.mapToGlobal(QPoint(20, 20))))
        QApplication.processEvents()
        chosen.append(window.isHidden())

    QTimer.singleShot(0, show_menu)
    qtbot.waitUntil(lambda: len(chosen) == 2, timeout=5000)
    assert chosen == [None, True]
    assert QApplication.activePopupWidget() is None and desk.login.isVisible()
    qtbot.waitUntil(lambda: not desk.retired, timeout=3000)


def test_the_lock_keeps_a_form_under_a_message_box_as_a_draft(qtbot, desk, monkeypatch):
    desk.start()
    log_in(desk, "王主任", "1357")
    desk.window.open_unit(UNIT)
    form = desk.window.card.add_resident()
    form.findChild(QLineEdit, "name").setText("赵六")
    done: list[int] = []

    def warn() -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning, "未保存", "请检查", QMessageBox.StandardButton.Ok, form
        )
        QTimer.singleShot(20, desk.idle.trigger_idle)
        done.append(box.exec())
        QApplication.processEvents()
        done.append(form.isHidden())

    QTimer.singleShot(0, warn)
    qtbot.waitUntil(lambda: len(done) == 2, timeout=5000)
    assert done[1] is True
    assert desk.window is None and desk.login.isVisible()
    kept = drafts.draft_of(desk.office, director(desk.office), FORM_NAME, "new:" + UNIT)
    assert kept is not None and kept.data["name"] == "赵六"
    qtbot.waitUntil(lambda: not desk.retired, timeout=3000)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: YES))
    log_in(desk, "王主任", "1357")
    [restored] = desk.window.card.forms
    assert restored.findChild(QLineEdit, "name").text() == "赵六"


def test_close_modal_widgets_keeps_the_login_and_marks_what_it_closed(qtbot):
    login, other = QDialog(), QDialog()
    qtbot.addWidget(login)
    qtbot.addWidget(other)
    login.setModal(True)
    login.show()
    other.open()
    over_login = QDialog(login)  # e.g. a message the login shows: it stays too
    over_login.open()
    closed = close_modal_widgets(keep=[login])
    assert closed == [other] and not other.isVisible()
    assert login.isVisible() and over_login.isVisible()
    over_login.reject()
    assert other.property(CLOSED_BY_DESK) is True
    # Shown modal but not exec()ed: waited for a while, then let go.
    patient, hasty = ClosedDialogs(), ClosedDialogs(patience_s=0)
    assert patient.close() == 1 and not patient.settled()
    login.show()
    assert hasty.close() == 1 and hasty.settled()


# -- lock and unlock in the audit log -------------------------------------------------------------
def test_idle_lock_then_login_leaves_lock_and_unlock_lines(qtbot, desk):
    desk.start()
    log_in(desk, "王主任", "1357")
    desk.idle.trigger_idle()
    assert desk.window is None and desk.login.isVisible()
    log_in(desk, "李文员", "2468")
    desk.window.lock_action.trigger()
    assert desk.window is None and desk.login.isVisible()
    log_in(desk, "李文员", "2468")
    assert audit_lines(desk.office, "login", "lock", "unlock") == [
        ("login", "王主任", ""),
        ("lock", "王主任", "闲置 5 分钟自动锁定"),
        ("login", "李文员", ""),
        ("unlock", "李文员", "解除锁定（王主任的工作台，闲置 5 分钟自动锁定）"),
        ("lock", "李文员", "手动锁定"),
        ("login", "李文员", ""),
        ("unlock", "李文员", "解除锁定（李文员的工作台，手动锁定）"),
    ]
    desk.window.switch_action.trigger()  # switching user is no lock
    log_in(desk, "王主任", "1357")
    assert [a for a, _w, _d in audit_lines(desk.office, "lock", "unlock")][-1] == "unlock"
    assert len(audit_lines(desk.office, "lock")) == 2


def test_the_file_close_after_the_lock_is_written_before_the_key_goes(qtbot, desk, office_path):
    desk.start()
    log_in(desk, "王主任", "1357")
    office = desk.office
    desk.clock.now += 30 * 60
    desk.idle.check()  # both times are up: the lock, then the file
    assert office.data_key == b"" and desk.office is None and desk.unlock.isVisible()
    again = unlock(office_path, passphrase=PASSPHRASE)
    try:
        assert audit_lines(again, "lock", "office.close") == [
            ("lock", "王主任", "闲置 5 分钟自动锁定"),
            ("office.close", "王主任", "闲置 30 分钟自动关闭办公文件"),
        ]
        assert chain_ok(again)
    finally:
        again.close()


def test_the_logins_close_button_is_audited_as_the_desk(qtbot, desk, office_path):
    desk.start()
    desk.login.lock_file.emit()
    assert desk.office is None and desk.unlock.isVisible()
    again = unlock(office_path, passphrase=PASSPHRASE)
    try:
        assert audit_lines(again, "office.close") == [
            ("office.close", "工作台（系统）", "手动关闭办公文件")
        ]
    finally:
        again.close()


# -- the clipboard ------------------------------------------------------------------------------
@pytest.fixture
def card(qtbot, estate):
    QApplication.clipboard().clear()
    card = UnitCardWidget(estate, director(estate), clipboard_clear_ms=150)
    qtbot.addWidget(card)
    card.show_unit(UNIT)
    yield card
    QApplication.clipboard().clear()


def test_a_copied_id_leaves_the_clipboard_after_the_delay(qtbot, card):
    assert CLIPBOARD_CLEAR_MS == 30_000
    assert not card.copy_id_button.isEnabled() and not card.copy_phone_button.isEnabled()
    assert not card.copy_id_selected()  # masked: nothing to copy
    card.reveal_button.click()
    assert card.copy_id_button.isEnabled() and card.copy_phone_button.isEnabled()
    card.copy_id_button.click()
    clipboard = QApplication.clipboard()
    assert clipboard.text() == ID_NUMBER
    assert audit_lines(card.office, "resident.copy")[-1][2] == "复制证件号码"
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=3000)
    card.copy_phone_button.click()
    assert clipboard.text() == PHONE
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=3000)


def test_something_else_copied_meanwhile_is_left_alone(qtbot, card):
    card.reveal_button.click()
    card.copy_id_button.click()
    clipboard = QApplication.clipboard()
    clipboard.setText("物业费收据 2024-03")
    qtbot.wait(400)
    assert not card.clipboard_timer.isActive()
    assert clipboard.text() == "物业费收据 2024-03"


def test_closing_the_card_or_moving_on_masks_and_clears(qtbot, card):
    card.reveal_button.click()
    card.copy_id_button.click()
    card.show_unit("1栋1单元102")
    card.show_unit(UNIT)
    assert not card.copy_id_button.isEnabled()  # masked again: no copying
    card.close()
    assert QApplication.clipboard().text() == ""


def test_the_lock_clears_a_copied_number(qtbot, desk):
    desk.start()
    log_in(desk, "王主任", "1357")
    card = desk.window.card
    card.show_unit(UNIT)
    card.reveal_button.click()
    card.copy_phone_button.click()
    assert QApplication.clipboard().text() == PHONE
    desk.idle.trigger_idle()
    assert QApplication.clipboard().text() == ""


# -- autosave of the resident form --------------------------------------------------------------
def test_the_form_keeps_a_draft_after_typing_pauses_and_drops_it_on_cancel(qtbot, estate):
    boss = director(estate)
    form = ResidentDialog(estate, boss, UNIT, autosave_ms=50)
    qtbot.addWidget(form)
    form.open()
    with qtbot.waitSignal(form.autosave.saved, timeout=3000):
        form.findChild(QLineEdit, "name").setText("陈静")
        form.findChild(QLineEdit, "phone").setText("13500001234")
    kept = drafts.draft_of(estate, boss, FORM_NAME, "new:" + UNIT)
    assert kept is not None and kept.data["name"] == "陈静" and kept.data["phone"] == "13500001234"
    form.reject()  # 取消
    assert drafts.draft_of(estate, boss, FORM_NAME, "new:" + UNIT) is None


def test_saving_drops_the_draft_and_closing_the_window_keeps_it(qtbot, estate):
    boss = director(estate)
    [person] = residents.list_residents(estate, boss, unit_code=UNIT)
    form = ResidentDialog(estate, boss, UNIT, person.id, autosave_ms=50)
    qtbot.addWidget(form)
    form.open()
    with qtbot.waitSignal(form.autosave.saved, timeout=3000):
        form.findChild(QLineEdit, "employer").setText("阳光科技")
    assert drafts.draft_of(estate, boss, FORM_NAME, str(person.id)) is not None
    form.save()
    assert drafts.draft_of(estate, boss, FORM_NAME, str(person.id)) is None

    again = ResidentDialog(estate, boss, UNIT, person.id, autosave_ms=60_000)
    qtbot.addWidget(again)
    again.open()
    again.findChild(QLineEdit, "employer").setText("月亮科技")
    again.close()  # the window's ×: the typing is kept, not thrown away
    kept = drafts.draft_of(estate, boss, FORM_NAME, str(person.id))
    assert kept is not None and kept.data["employer"] == "月亮科技"


CHILD = r"""
import sys
from PySide6.QtWidgets import QLineEdit
from wuyedesk.services.staff import list_staff, login
from wuyedesk.store.office_file import open_office_file
from wuyedesk.ui.app import create_app
from wuyedesk.ui.resident_form import ResidentDialog

path, key, unit = sys.argv[1], bytes.fromhex(sys.argv[2]), sys.argv[3]
app = create_app(["child"])
office = open_office_file(path, key)
boss = next(s for s in list_staff(office) if s.name == "王主任")
actor = login(office, boss.id, "1357")
form = ResidentDialog(office, actor, unit, autosave_ms=200)
form.autosave.saved.connect(lambda: print("saved", flush=True))
form.show()
form.findChild(QLineEdit, "name").setText("孙丽")
form.findChild(QLineEdit, "phone").setText("13600002222")
print("typed", flush=True)
app.exec()
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_form_killed_mid_typing_is_offered_back_at_the_next_login(
    qtbot, make_office, office_path, monkeypatch
):
    office = make_office()
    add_building(office, Actor.command_line(), "1", entrances=1, floors=2, units_per_floor=2)
    key = office.data_key
    office.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(office_path), key.hex(), UNIT],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(120, child.kill)  # a child that never autosaves fails, not hangs
    watchdog.start()
    try:
        assert child.stdout is not None
        lines = [child.stdout.readline().strip() for _ in range(2)]
        assert lines == ["typed", "saved"], child.stderr.read() if child.stderr else ""
    finally:
        watchdog.cancel()
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    reopened = open_office_file(office_path, key)
    desk = Desk(office_path, reopened, clock=FakeClock(), tick_ms=60_000)
    try:
        asked: list[str] = []

        def question(_parent, _title, text, *args, **kwargs):
            asked.append(text)
            return YES

        monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
        desk.start()
        log_in(desk, "王主任", "1357")
        assert asked and "孙丽" in asked[0]
        [restored] = desk.window.card.forms
        data = restored.current_data()
        assert data["name"] == "孙丽" and data["phone"] == "13600002222"
        assert data["unit"] == UNIT
    finally:
        desk.shutdown()


def test_the_first_start_of_the_day_keeps_an_encrypted_backup(qtbot, desk, office_path):
    from wuyedesk.store.backup import daily_backups, daily_folder

    assert daily_backups(daily_folder(office_path), office_path) == {}
    desk.start()
    kept = daily_backups(daily_folder(office_path), office_path)
    assert len(kept) == 1  # made when the desk started, before anyone logged in
    (backup,) = kept.values()
    assert backup.read_bytes()[:16] != b"SQLite format 3\x00"  # encrypted, like the office
    assert desk.backup_today() is None  # the second start of the day makes none
    assert desk.backup_warning is None
    assert audit_lines(desk.office, "office.backup")


def test_a_failed_daily_backup_warns_and_the_office_opens(qtbot, estate, office_path):
    from wuyedesk.store.backup import daily_folder

    daily_folder(office_path).write_bytes(b"a file where the backups folder should be")
    desk = Desk(office_path, estate, clock=FakeClock(), tick_ms=60_000)
    desk.start()
    try:
        assert desk.backup_warning is not None and desk.backup_warning.isVisible()
        assert "备份" in desk.backup_warning.text()
        assert desk.login is not None and desk.login.isVisible()
    finally:
        desk.shutdown()
