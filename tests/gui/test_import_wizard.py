"""The Excel import wizard and the archive export, driven as a clerk would."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtWidgets import QComboBox, QFileDialog, QMessageBox, QWizard

from tests.conftest import DIRECTOR_PIN
from tests.conftest import make_office as new_office
from wuyedesk.domain.validators import make_id_number
from wuyedesk.services import residents
from wuyedesk.services.context import Actor
from wuyedesk.services.places import add_building
from wuyedesk.services.staff import list_staff, login
from wuyedesk.ui.archive_export import export_archive
from wuyedesk.ui.import_wizard import ImportWizard

GOOD_ID = make_id_number("310104", date(1980, 5, 17), "123")
BAD_ID = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")


@pytest.fixture
def desk(tmp_path):
    """Return (office, director actor) with building 3."""
    office, _ = new_office(tmp_path / "office.wuye")
    add_building(office, Actor.command_line(), "3", entrances=2, floors=16, units_per_floor=2)
    director = next(s for s in list_staff(office) if s.name == "王主任")
    yield office, login(office, director.id, DIRECTOR_PIN)
    office.close()


def messy_sheet(path):
    """Write a sheet as offices keep them: a title, merged unit cells, blanks, text numbers."""
    book = Workbook()
    ws = book.active
    ws.append(["阳光花园 3 栋住户名单"])
    ws.merge_cells("A1:E1")
    ws.append(["房号", "姓名", "与业主关系", "联系电话", "身份证号"])  # row 2
    ws.append(["3栋2单元1502", "张伟", "业主", "13800138000", GOOD_ID])  # row 3
    ws.append([None, "张小明", "子女", "13800138001", None])  # row 4: merged unit below
    ws.merge_cells("A3:A4")
    ws.append([None, None, None, None, None])  # row 5: blank
    ws.append(
        ["３栋２单元 1501", "李娜", "租客", "１３９１２３４５６７８", None]
    )  # row 6: full-width
    ws.append(["3栋2单元1402", "王五", "业主", "13700001111", BAD_ID])  # row 7: checksum
    ws.append(["3栋2单元1401", "赵六", "邻居", "12345", None])  # row 8: role and phone
    book.save(path)


def test_messy_sheet_reports_bad_rows_and_imports_only_after_confirm(qtbot, desk, tmp_path):
    office, actor = desk
    path = tmp_path / "名单.xlsx"
    messy_sheet(path)
    wizard = ImportWizard(office, actor)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    combos = wizard.mapping_page.combos
    assert [c.currentData() for c in combos] == ["unit", "name", "role", "phone", "id_number"]

    wizard.next()
    page = wizard.preview_page
    assert wizard.currentPage() is page
    report = wizard.preview
    assert report.ok_rows == 3
    rows = {int(page.problems.item(r, 0).text()) for r in range(page.problems.rowCount())}
    assert rows == {7, 8}
    reasons = [page.problems.item(r, 2).text() for r in range(page.problems.rowCount())]
    assert any("校验位" in reason for reason in reasons)
    assert wizard.button(QWizard.WizardButton.CommitButton).text() == "导入 3 行有效记录"
    assert residents.list_residents(office, actor) == []  # nothing written before confirming

    wizard.next()
    assert wizard.currentPage() is wizard.result_page
    assert wizard.result.committed
    names = {(r.unit_code, r.name) for r in residents.list_residents(office, actor)}
    assert names == {("3栋2单元1502", "张伟"), ("3栋2单元1502", "张小明"), ("3栋2单元1501", "李娜")}
    assert "已导入 3 人" in wizard.result_page.summary.text()


def test_mapping_can_be_changed_and_a_missing_name_column_is_told(qtbot, desk, tmp_path):
    office, actor = desk
    path = tmp_path / "名单.xlsx"
    messy_sheet(path)
    wizard = ImportWizard(office, actor)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    wizard.next()
    name_combo: QComboBox = wizard.mapping_page.combos[1]
    name_combo.setCurrentIndex(name_combo.findData(""))
    wizard.next()
    assert wizard.currentPage() is wizard.preview_page
    assert "姓名" in wizard.preview_page.summary.text()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert residents.list_residents(office, actor) == []


def test_unreadable_file_keeps_the_first_page(qtbot, desk, tmp_path, message_boxes):
    office, actor = desk
    wizard = ImportWizard(office, actor)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(tmp_path / "没有这个文件.xlsx"))
    wizard.next()
    assert wizard.currentPage() is wizard.file_page
    assert message_boxes and "找不到" in message_boxes[-1][1]


def test_export_writes_masked_numbers(qtbot, desk, tmp_path, monkeypatch, message_boxes):
    office, actor = desk
    residents.add_resident(
        office, actor, "3栋2单元1502",
        {"name": "张伟", "role": "owner", "phone": "13800138000", "id_number": GOOD_ID},
    )  # fmt: skip
    target = tmp_path / "档案"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.No)
    )
    export_archive(None, office, actor)
    written = tmp_path / "档案.xlsx"
    assert written.exists()
    cells = [
        str(v) for ws in load_workbook(written) for row in ws.iter_rows(values_only=True)
        for v in row if v is not None
    ]  # fmt: skip
    assert "138****8000" in cells
    assert "13800138000" not in cells and GOOD_ID not in cells
    assert any("已导出 1 位住户" in text for _, text in message_boxes)
