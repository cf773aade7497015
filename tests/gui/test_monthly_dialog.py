"""报表 → 月度报表 on screen: export in the background, cancel, bad paths, who may use it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QPushButton
from sqlalchemy import select

from tests.conftest import build_template, open_copy
from tests.unit.test_repairs import opened, paid_until_stamped
from wuyedesk.domain.roles import Role
from wuyedesk.domain.sla import OFFICE_TZ
from wuyedesk.services.context import Actor
from wuyedesk.services.residents import add_resident
from wuyedesk.services.staff import add_staff_in
from wuyedesk.store.models import Staff
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui import monthly_export
from wuyedesk.ui.main_window import MainWindow
from wuyedesk.ui.monthly_export import MonthlyExportDialog, open_monthly_export

STAFF = {
    "assistant": ("张助理", Role.assistant),
    "clerk": ("陈文员", Role.clerk),
    "engineer": ("李工", Role.engineer),
    "finance": ("钱会计", Role.finance),
    "supervisor": ("赵主管", Role.supervisor),
}
NOW = datetime(2026, 4, 5, 10, 0, tzinfo=OFFICE_TZ)  # the slips are from 16 March 2026
PHONE = "13700137000"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """Building 3 and the staff, built once; one resident agreed to show their phone."""
    folder = tmp_path_factory.mktemp("monthly_gui")
    path, key = build_template(folder, ("3", 2, 16, 2))
    (folder / "copy").mkdir()
    office = open_copy((path, key), folder / "copy")
    with office.transaction() as session:
        for name, role in STAFF.values():
            add_staff_in(session, Actor.command_line(), name, role.value, "2468")
    add_resident(
        office,
        Actor.command_line(),
        "3-2-1502",
        {"name": "刘强", "role": "owner", "phone": PHONE, "consent_disclose": True},
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


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def make_dialog(qtbot, office: OfficeFile, actor: Actor) -> MonthlyExportDialog:
    dialog = MonthlyExportDialog(office, actor, clock=lambda: NOW)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def export(qtbot, dialog: MonthlyExportDialog) -> object:
    """Click 导出 and wait (the window keeps running) until the export has ended."""
    with qtbot.waitSignal(dialog.finished_export, timeout=30_000) as done:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        assert dialog.worker_thread is not None and not dialog.export_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.worker_thread is None)
    return done.args[0]


def record_rows(path: Path, sheet: str) -> str:
    return str(list(load_workbook(path)[sheet].iter_rows(values_only=True)))


def test_supervisor_exports_the_month_in_the_background(qtbot, office, who, out, message_boxes):
    free = opened(office, who)
    paid = paid_until_stamped(office, who)
    dialog = make_dialog(qtbot, office, who["supervisor"])
    assert dialog.objectName() == "monthly_export" and dialog.month() == "2026-03"
    assert dialog.month_edit.text() == "2026年03月"
    assert dialog.path_edit.text() == str(Path.home() / "月度报表-2026-03.xlsx")
    assert dialog.month_edit.maximumDate() == QDate(2026, 4, 1)  # no month still to come
    dialog.month_edit.setDate(QDate(2026, 2, 1))  # the suggested name follows the month
    assert dialog.path_edit.text() == str(Path.home() / "月度报表-2026-02.xlsx")
    dialog.month_edit.setDate(QDate(2026, 3, 1))
    dialog.path_edit.setText(str(out / "三月"))  # no .xlsx: added
    dialog.month_edit.setDate(QDate(2026, 2, 1))
    assert dialog.path_edit.text() == str(out / "三月")  # a chosen name stays
    dialog.month_edit.setDate(QDate(2026, 3, 1))

    result = export(qtbot, dialog)
    target = out / "三月.xlsx"
    assert dialog.path_edit.text() == str(target)
    assert result is not None and result.path == target and result.month == "2026-03"
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    [(kind, text)] = message_boxes
    assert kind == "information" and "2026-03" in text and str(target) in text
    assert f"{len(result.sheets)} 张表" in text and f"{result.records} 行记录" in text
    book = load_workbook(target)
    assert "汇总" in book.sheetnames and "维修单" in book.sheetnames
    slips = record_rows(target, "维修单")
    assert free.number in slips
    assert paid.number in record_rows(target, "有偿服务收费")
    assert PHONE not in record_rows(target, "住户档案")  # masked by default
    assert sorted(p.name for p in out.iterdir()) == ["三月.xlsx"]


def test_cancel_from_the_progress_dialog_leaves_no_file(
    qtbot, office, who, out, monkeypatch, message_boxes
):
    opened(office, who)
    writing, go_on = threading.Event(), threading.Event()
    original = monthly_export.ExportWorker.progress

    def held(self, done: int, total: int, what: str) -> bool:
        if what == "写入工作簿" and not writing.is_set():
            writing.set()
            go_on.wait(10)  # the worker waits here; the window must not
        return original(self, done, total, what)

    monkeypatch.setattr(monthly_export.ExportWorker, "progress", held)
    dialog = make_dialog(qtbot, office, who["supervisor"])
    dialog.path_edit.setText(str(out / "月度报表-2026-03.xlsx"))
    with qtbot.waitSignal(dialog.finished_export, timeout=30_000) as done:
        try:
            qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(writing.is_set, timeout=20_000)
            progress = dialog.progress
            assert progress is not None and progress.objectName() == "monthly_progress"
            qtbot.waitUntil(lambda: progress.isVisible() and progress.value() > 0)
            assert progress.labelText().startswith("读取")  # the last step shown
            assert [p for p in out.iterdir() if p.name.endswith(".xlsx.tmp")]  # half written
            qtbot.mouseClick(progress.findChild(QPushButton), Qt.MouseButton.LeftButton)
            assert dialog.worker is not None and dialog.worker.cancelled
        finally:
            go_on.set()
    qtbot.waitUntil(lambda: dialog.worker_thread is None)
    assert done.args == [None]
    assert list(out.iterdir()) == []  # neither the workbook nor its temporary file
    assert dialog.error_label.text() == "已取消导出，没有保存文件"
    assert message_boxes == []  # said quietly in the dialog, which stays open to try again
    assert dialog.isVisible() and dialog.export_button.isEnabled()


def test_bad_paths_are_refused_at_the_field(qtbot, office, who, out, message_boxes):
    dialog = make_dialog(qtbot, office, who["supervisor"])
    dialog.path_edit.setText("")
    assert dialog.start_export() is False
    assert dialog.error_label.isVisible() and dialog.error_label.text() == "请填写保存位置和文件名"
    missing = out / "没有这个文件夹" / "报表"
    dialog.path_edit.setText(str(missing))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.worker_thread is None and dialog.progress is None
    assert dialog.path_edit.text() == str(missing) + ".xlsx"
    assert dialog.error_label.text() == f"文件夹 {missing.parent} 不存在，请重新选择保存位置"
    assert dialog.path_edit.property("fieldError") is True
    dialog.path_edit.setText(str(out))  # a folder, not a file
    assert not dialog.error_label.isVisible()  # the message goes once the path is changed
    assert dialog.start_export() is False
    assert dialog.error_label.text().startswith("请在文件夹后面写上文件名")
    existing = out / "old.xlsx"
    existing.write_bytes(b"old")
    dialog.path_edit.setText(str(existing))
    assert dialog.start_export() is False  # "replace it?" answered other than 是
    assert message_boxes == [("question", "old.xlsx 已存在，是否替换？")]
    assert existing.read_bytes() == b"old" and dialog.worker_thread is None


def test_only_managers_get_the_menu_item(qtbot, office, who, message_boxes):
    clerk = MainWindow(office, who["clerk"])
    qtbot.addWidget(clerk)
    action = clerk.monthly_export_action
    assert action.text() == "月度报表" and action.objectName() == "monthly_export"
    assert not action.isVisible() and action not in clerk.placeholder_actions
    assert open_monthly_export(clerk) is None
    assert message_boxes == [("warning", "您的岗位不能导出月度报表")]
    clerk.discard()

    boss = MainWindow(office, who["supervisor"])
    qtbot.addWidget(boss)
    assert boss.monthly_export_action.isVisible() and boss.monthly_export_action.isEnabled()
    boss.monthly_export_action.trigger()
    dialog = boss.findChild(MonthlyExportDialog)
    assert dialog is not None and dialog.isVisible() and dialog.actor.name == "赵主管"
    boss.monthly_export_action.trigger()
    assert boss.findChildren(MonthlyExportDialog) == [dialog]  # one at a time
    dialog.reject()
    boss.discard()


def test_full_export_is_offered_to_managers_and_shows_consented_phones(
    qtbot, office, who, out, message_boxes
):
    assert not make_dialog(qtbot, office, who["clerk"]).full_box.isVisible()
    dialog = make_dialog(qtbot, office, who["supervisor"])
    assert dialog.full_box.isVisible() and not dialog.full_box.isChecked()
    dialog.full_box.setChecked(True)
    dialog.path_edit.setText(str(out / "完整.xlsx"))
    result = export(qtbot, dialog)
    assert result is not None
    assert PHONE in record_rows(out / "完整.xlsx", "住户档案")
