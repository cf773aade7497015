"""员工管理: the director adds a clerk, resets a PIN, marks someone as left; a clerk may not."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QMessageBox

from wuyedesk.domain.errors import UserError
from wuyedesk.services.context import Actor
from wuyedesk.services.staff import add_staff, list_staff, login
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.main_window import MainWindow
from wuyedesk.ui.staff_admin import PinDialog, StaffAdminWindow, StaffDialog

DIRECTOR_PIN = "1357"  # as in conftest.py


class QuietCard(QLabel):
    """Stands in for the unit card: the main window only needs its menu here."""

    changed = Signal()

    def __init__(self, office: Any, actor: Any, parent: Any = None) -> None:
        super().__init__(parent)

    def show_unit(self, code: str) -> None:
        self.setText(code)

    def has_unsaved(self) -> bool:
        return False


@pytest.fixture
def office(make_office) -> OfficeFile:
    return make_office()


@pytest.fixture
def director(office: OfficeFile) -> Actor:
    first = list_staff(office)[0]
    return login(office, first.id, DIRECTOR_PIN)


@pytest.fixture
def window(qtbot, office: OfficeFile, director: Actor) -> StaffAdminWindow:
    shown = StaffAdminWindow(office, director)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def answer(monkeypatch, cls: type, fill) -> list[Any]:
    """Fill a dialog and press 确定 instead of waiting for a person; keep each dialog."""
    seen: list[Any] = []

    def run(dialog: Any) -> int:
        seen.append(dialog)
        fill(dialog)
        return dialog.result()

    monkeypatch.setattr(cls, "exec", run)
    return seen


def rows(window: StaffAdminWindow) -> dict[str, list[str]]:
    table = window.table
    return {
        table.item(r, 0).text(): [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    }


def pick(window: StaffAdminWindow, name: str) -> None:
    row = next(r for r in range(window.table.rowCount()) if window.table.item(r, 0).text() == name)
    window.table.selectRow(row)


def error_at(dialog: Any, field: str) -> str:
    label = dialog.findChild(QLabel, f"{field}_error")
    return label.text() if label.isVisibleTo(dialog) else ""


def test_add_a_clerk_reset_the_pin_and_mark_as_left(
    window: StaffAdminWindow, office: OfficeFile, monkeypatch
) -> None:
    assert [h for h in (window.table.horizontalHeaderItem(c).text() for c in range(6))] == [
        "姓名", "岗位", "部门", "电话", "状态", "锁定",
    ]  # fmt: skip

    def fill_new(dialog: StaffDialog) -> None:
        dialog.name.setText("李秀英")
        dialog.role.setCurrentIndex(dialog.role.findData("clerk"))
        dialog.department.setCurrentIndex(dialog.department.findData("property"))
        dialog.phone.setText("13812345678")
        dialog.pin.setText("2468")
        dialog.pin_again.setText("2469")
        dialog.ok()  # the PINs differ: said at the second box, the dialog stays
        assert error_at(dialog, "pin_again") == "两次输入的 PIN 不一致"
        assert dialog.result() == 0
        dialog.pin_again.setText("2468")
        dialog.ok()

    added = answer(monkeypatch, StaffDialog, fill_new)
    window.buttons["add"].click()
    assert len(added) == 1
    assert rows(window)["李秀英"] == ["李秀英", "文员", "物业部", "138****5678", "在职", ""]
    assert "已新增 李秀英" in window.status.text()
    clerk = next(s for s in list_staff(office) if s.name == "李秀英")

    def fill_pin(dialog: PinDialog) -> None:
        dialog.pin.setText("9753")
        dialog.pin_again.setText("9753")
        dialog.ok()

    answer(monkeypatch, PinDialog, fill_pin)
    pick(window, "李秀英")
    window.buttons["pin"].click()
    assert "已重设 李秀英 的 PIN" in window.status.text()
    assert login(office, clerk.id, "9753").name == "李秀英"
    with pytest.raises(UserError):
        login(office, clerk.id, "2468")

    asked: list[str] = []

    def confirm(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(confirm))
    pick(window, "李秀英")
    window.buttons["leave"].click()
    assert asked and "李秀英" in asked[0]
    assert rows(window)["李秀英"][4] == "已离职"
    assert "李秀英" not in {s.name for s in list_staff(office)}
    assert window.buttons["return"].isEnabled() and not window.buttons["leave"].isEnabled()


def test_a_duplicate_name_is_said_at_the_name_and_self_leave_in_red(
    window: StaffAdminWindow, director: Actor, monkeypatch
) -> None:
    def fill_same(dialog: StaffDialog) -> None:
        dialog.name.setText("王主任")
        dialog.role.setCurrentIndex(dialog.role.findData("engineer"))
        dialog.pin.setText("2468")
        dialog.pin_again.setText("2468")
        dialog.ok()
        assert "已有名为「王主任」的员工" in error_at(dialog, "name")
        dialog.reject()

    seen = answer(monkeypatch, StaffDialog, fill_same)
    window.buttons["add"].click()
    assert seen and set(rows(window)) == {"王主任"}
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    )
    pick(window, "王主任")
    window.buttons["leave"].click()
    assert "不能把自己设为离职" in window.status.text()
    assert "c62828" in window.status.styleSheet()
    assert rows(window)["王主任"][4] == "在职"


def test_only_managers_have_the_menu_entry(
    qtbot, office: OfficeFile, director: Actor, message_boxes
) -> None:
    clerk_info = add_staff(office, director, "李秀英", "clerk", "2468")
    clerk = login(office, clerk_info.id, "2468")
    desk = MainWindow(office, clerk, card_factory=QuietCard)
    qtbot.addWidget(desk)
    action = desk.staff_admin_action
    assert action.objectName() == "staff_admin" and action.text() == "员工管理…"
    assert not action.isEnabled() and action.toolTip() == "您的岗位不能使用此功能"
    boss = MainWindow(office, director, card_factory=QuietCard)
    qtbot.addWidget(boss)
    assert boss.staff_admin_action.isEnabled()
    boss.staff_admin_action.trigger()
    opened = boss.findChild(StaffAdminWindow)
    assert opened is not None and opened.isVisible()
    assert set(rows(opened)) == {"王主任", "李秀英"}
    assert message_boxes == []
