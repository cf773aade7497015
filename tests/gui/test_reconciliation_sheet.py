"""The daily check screen: the day's slips, the storekeeper's book, both signatures."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor
from sqlalchemy import select

from tests.conftest import build_template, open_copy
from tests.unit.conftest import STAFF, STAFF_PIN
from tests.unit.test_reconciliation import DAY, TAPE, _finish
from tests.unit.test_repairs import PNG, at, opened
from wuyedesk.services import repairs
from wuyedesk.services.context import Actor
from wuyedesk.services.staff import add_staff_in
from wuyedesk.store.models import Staff
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.binder import ERROR_COLOR
from wuyedesk.ui.reconciliation_sheet import ITEM_COUNT, SLIP_PROBLEMS, ReconciliationWindow
from wuyedesk.ui.sign_dialog import StaffSignDialog

Desk = tuple[OfficeFile, dict[str, Actor]]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """One estate with the whole staff (PIN 2468), built once for the module."""
    folder = tmp_path_factory.mktemp("template")
    path, key = build_template(folder, ("3", 2, 16, 2))
    office = open_copy((path, key), folder / "..")
    with office.transaction() as session:
        for name, role in STAFF.values():
            add_staff_in(session, Actor.command_line(), name, role.value, STAFF_PIN)
    office.close()
    return folder / ".." / "office.wuye", key


@pytest.fixture
def desk(template: tuple[Path, bytes], tmp_path: Path) -> Iterator[Desk]:
    """A private copy of the estate and its staff as actors."""
    office = open_copy(template, tmp_path)
    with office.transaction() as session:
        rows = {s.name: s for s in session.scalars(select(Staff))}
    yield office, {key: Actor(rows[name].id, name, role) for key, (name, role) in STAFF.items()}
    office.close()


def open_window(qtbot, office: OfficeFile, actor: Actor) -> ReconciliationWindow:
    """Open the screen in the evening of the test day."""
    window = ReconciliationWindow(office, actor, clock=lambda: at(600))
    qtbot.addWidget(window)
    window.show()
    return window


def row(table, number: int) -> list[str]:
    """Return one table row's texts."""
    return [table.item(number, c).text() for c in range(table.columnCount())]


def type_count(window: ReconciliationWindow, text: str, line: int = 0) -> None:
    """The storekeeper types the book's quantity into the 仓库出库数 cell."""
    window.items.item(line, ITEM_COUNT).setText(text)


def sign_as(monkeypatch, pins: dict[str, str] | None = None) -> list[str]:
    """Make each signing dialog sign as its one possible signer; return the titles asked."""
    asked: list[str] = []

    def fake_exec(dialog: StaffSignDialog) -> int:
        asked.append(dialog.windowTitle())
        assert dialog.staff.currentIndex() == 0, "one person of the role is chosen for them"
        dialog.pin.setText((pins or {}).get(dialog.staff.currentText().split("　")[0], STAFF_PIN))
        dialog.pad.add_stroke([QPointF(20 + i * 6, 70 - 25 * math.sin(i / 4)) for i in range(41)])
        dialog.confirm()
        return dialog.result()

    monkeypatch.setattr(StaffSignDialog, "exec", fake_exec)
    return asked


def test_the_days_slip_and_material_are_listed(qtbot, desk: Desk) -> None:
    office, who = desk
    done = _finish(office, who, opened(office, who), [TAPE])
    window = open_window(qtbot, office, who["boss"])

    assert window.picked_day() == DAY
    assert window.slips.rowCount() == 1
    slip = row(window.slips, 0)
    assert slip[0] == done.number and slip[3] == "李工"
    assert "可核对" in slip[2] and "生料带 × 2" in slip[5] and slip[6] == "3.00"
    assert row(window.items, 0) == ["生料带", "", "2", "3.00", "", done.number]
    assert window.shown_differences() == []
    assert "可核对维修单 1 张" in window.totals.text() and "3.00 元" in window.totals.text()
    assert window.sign_button.isEnabled() and not window.signed_label.isVisible()


def test_book_count_difference_appears_live_and_bad_counts_are_marked(
    qtbot, desk: Desk, monkeypatch
) -> None:
    office, who = desk
    _finish(office, who, opened(office, who), [TAPE])
    window = open_window(qtbot, office, who["boss"])

    type_count(window, "3")
    assert window.shown_differences() == ["生料带：仓库出库 3，维修单领料 2"]
    type_count(window, "2")
    assert window.shown_differences() == []
    type_count(window, "两卷")
    assert window.count_message.isVisible() and "生料带" in window.count_message.text()
    assert window.items.item(0, ITEM_COUNT).background().color() == QColor("#ffcdd2")
    asked = sign_as(monkeypatch)
    window.note.setPlainText("待查")
    assert window.sign() is None and asked == [], "a bad count is put right before signing"


def test_a_slip_still_open_shows_its_problem_in_red(qtbot, desk: Desk) -> None:
    office, who = desk
    v = opened(office, who)
    v = repairs.receive_repair(
        office, who["engineer"], v.id, version=v.version, signature_png=PNG, now=at(2)
    )
    v = repairs.dispatch_repair(
        office, who["boss"], v.id, who["engineer"].staff_id or 0, version=v.version, now=at(3)
    )
    repairs.issue_materials(office, who["store"], v.id, [TAPE], version=v.version, now=at(4))
    window = open_window(qtbot, office, who["boss"])

    problem = window.slips.item(0, SLIP_PROBLEMS)
    assert "尚未完工验收" in problem.text()
    assert problem.foreground().color() == QColor(ERROR_COLOR)
    assert window.shown_differences() == [f"{v.number}：已领料，尚未完工验收（次日继续核对）"]


def test_signing_needs_a_note_then_both_signatures_reconcile_the_slip(
    qtbot, desk: Desk, monkeypatch
) -> None:
    office, who = desk
    done = _finish(office, who, opened(office, who), [TAPE])
    window = open_window(qtbot, office, who["boss"])
    asked = sign_as(monkeypatch)
    type_count(window, "3")

    assert window.sign() is None
    assert window.note_error.isVisible() and "差异说明" in window.note_error.text()
    assert asked == [], "nobody is asked to sign before the note is written"
    assert repairs.get_repair(office, who["clerk"], done.id).state == "accepted"

    window.note.setPlainText("一卷借给保洁，已追回")
    sheet = window.sign()
    assert asked == ["工程部主管签字确认", "仓管员签字确认"]
    assert sheet is not None and sheet.differences == ["生料带：仓库出库 3，维修单领料 2"]
    assert repairs.get_repair(office, who["clerk"], done.id).state == "reconciled"
    assert window.signed_label.isVisible()
    assert window.signed_label.text() == "已于 2026-03-16 19:00 由 黄主管 与 孙仓管 核对签字"
    assert not window.sign_button.isEnabled() and window.note.isReadOnly()
    assert not window.note_error.isVisible()

    again = open_window(qtbot, office, who["store"])  # the signed day as it was kept
    assert again.shown_differences() == ["生料带：仓库出库 3，维修单领料 2"]
    assert again.note.toPlainText() == "一卷借给保洁，已追回"
    assert not again.items.item(0, ITEM_COUNT).flags() & Qt.ItemFlag.ItemIsEditable


def test_a_cancelled_signature_saves_nothing(qtbot, desk: Desk, monkeypatch) -> None:
    office, who = desk
    done = _finish(office, who, opened(office, who), [TAPE])
    window = open_window(qtbot, office, who["boss"])
    monkeypatch.setattr(StaffSignDialog, "exec", lambda dialog: dialog.reject() or 0)

    assert window.sign() is None
    assert repairs.get_repair(office, who["clerk"], done.id).state == "accepted"
    assert window.sign_button.isEnabled() and not window.signed_label.isVisible()


def test_a_refusal_shows_in_the_window(qtbot, desk: Desk) -> None:
    office, who = desk
    _finish(office, who, opened(office, who), [TAPE])
    window = open_window(qtbot, office, who["clerk"])  # a clerk may not check the day

    assert window.form_error.isVisible() and window.form_error.text()
    assert window.slips.rowCount() == 0 and not window.sign_button.isEnabled()


def test_an_empty_day_cannot_be_signed(qtbot, desk: Desk) -> None:
    office, who = desk
    window = open_window(qtbot, office, who["boss"])
    assert window.slips.rowCount() == 0 and not window.sign_button.isEnabled()
