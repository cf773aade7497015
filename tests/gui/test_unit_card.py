"""The unit card and the resident form: add, check, edit, reveal, move out, drafts, stale list."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QInputDialog, QLineEdit, QMessageBox
from sqlalchemy import func, select

from tests.conftest import DIRECTOR_PIN
from tests.conftest import make_office as new_office
from wuyedesk.domain.validators import make_id_number
from wuyedesk.services import residents
from wuyedesk.services.context import Actor
from wuyedesk.services.places import add_building
from wuyedesk.services.staff import list_staff, login
from wuyedesk.store.models import AuditEntry
from wuyedesk.ui.resident_form import ResidentDialog
from wuyedesk.ui.stale_list import StaleListDialog
from wuyedesk.ui.unit_card import UnitCardWidget

UNIT = "3栋2单元1502"
GOOD_ID = make_id_number("310104", date(1980, 5, 17), "123")
BAD_ID = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")


@pytest.fixture
def desk(tmp_path):
    """Return (office, director actor) with building 3 (2 entrances, 16 floors, 2 per floor)."""
    office, _ = new_office(tmp_path / "office.wuye")
    add_building(office, Actor.command_line(), "3", entrances=2, floors=16, units_per_floor=2)
    director = next(s for s in list_staff(office) if s.name == "王主任")
    yield office, login(office, director.id, DIRECTOR_PIN)
    office.close()


def type_into(form: ResidentDialog, values: dict[str, str]) -> None:
    """Type into the form's line edits and leave each field, as a person tabbing through."""
    for name, text in values.items():
        edit = form.form.findChild(QLineEdit, name)
        edit.setText(text)
        edit.editingFinished.emit()


def audit_lines(office) -> int:
    """Count the audit log's lines."""
    with office.transaction() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


def people_cells(card: UnitCardWidget, column: int) -> list[str]:
    """Return one column of the current-people table."""
    return [card.people.item(r, column).text() for r in range(card.people.rowCount())]


def test_bad_id_is_shown_beside_the_field_and_nothing_is_saved(qtbot, desk):
    office, actor = desk
    card = UnitCardWidget(office, actor)
    qtbot.addWidget(card)
    card.show_unit(UNIT)
    assert card.code_label.text().endswith(UNIT)
    form = card.add_resident()
    type_into(form, {"name": "张伟", "phone": "13800138000", "id_number": BAD_ID})
    assert "校验位" in form.error_text("id_number")
    form.save()
    assert "校验位" in form.error_text("id_number")
    assert form.isVisible()
    assert residents.list_residents(office, actor, unit_code=UNIT) == []
    assert card.people.rowCount() == 0

    type_into(form, {"id_number": GOOD_ID})
    assert form.error_text("id_number") == ""
    form.save()
    assert not form.isVisible()
    assert people_cells(card, 0) == ["张伟"]
    assert people_cells(card, 2) == ["138****8000"]
    assert people_cells(card, 3) == [GOOD_ID[:4] + "*" * 10 + GOOD_ID[-4:]]


def test_form_checks_every_field_as_you_type(qtbot, desk):
    office, actor = desk
    form = ResidentDialog(office, actor, UNIT)
    qtbot.addWidget(form)
    type_into(form, {"phone": "1380013800", "plate": "ABC", "moved_in": "2024/13/01"})
    assert "11" in form.error_text("phone")
    assert form.error_text("plate")
    assert "年-月-日" in form.error_text("moved_in")
    form.save()  # the service collects every message, the form shows them all
    assert form.error_text("phone") and form.error_text("plate") and form.error_text("moved_in")
    assert residents.list_residents(office, actor, unit_code=UNIT) == []


def test_edit_keeps_the_masked_phone_and_empty_dates(qtbot, desk):
    office, actor = desk
    view = residents.add_resident(
        office, actor, UNIT, {"name": "李娜", "role": "owner", "phone": "13912345678"}
    )
    card = UnitCardWidget(office, actor)
    qtbot.addWidget(card)
    card.show_unit(UNIT)
    form = card.edit_selected()
    assert form.form.findChild(QLineEdit, "phone").text() == "139****5678"
    assert form.form.findChild(QLineEdit, "moved_in").text() == ""
    type_into(form, {"employer": "阳光小学"})
    form.form.findChild(QCheckBox, "consent_disclose").setChecked(True)
    form.save()
    assert not form.isVisible()
    full = residents.reveal_resident(office, actor, view.id)
    assert full.phone == "13912345678"
    data = residents.resident_form_data(office, actor, view.id)
    assert data["employer"] == "阳光小学" and data["consent_disclose"] is True
    assert data["moved_in"] is None


def test_version_conflict_is_told_and_nothing_saved(qtbot, desk, message_boxes):
    office, actor = desk
    view = residents.add_resident(
        office, actor, UNIT, {"name": "李娜", "role": "owner", "phone": "13912345678"}
    )
    form = ResidentDialog(office, actor, UNIT, view.id)
    qtbot.addWidget(form)
    residents.update_resident(office, actor, view.id, {"name": "李娜娜", "role": "owner",
                              "phone": "13912345678"}, view.version)  # fmt: skip
    type_into(form, {"employer": "别处"})
    form.save()
    assert "他人修改" in form.error_text("form")
    assert any("他人修改" in text for _, text in message_boxes)
    assert residents.resident_form_data(office, actor, view.id)["employer"] is None


def test_reveal_writes_an_audit_line_and_shows_full_numbers(qtbot, desk):
    office, actor = desk
    residents.add_resident(
        office, actor, UNIT,
        {"name": "王芳", "role": "owner", "phone": "13711112222", "id_number": GOOD_ID},
    )  # fmt: skip
    card = UnitCardWidget(office, actor)
    qtbot.addWidget(card)
    card.show_unit(UNIT)
    assert card.reveal_button.isEnabled()
    before = audit_lines(office)
    card.reveal_button.click()
    assert audit_lines(office) == before + 1
    assert people_cells(card, 2) == ["13711112222"]
    assert people_cells(card, 3) == [GOOD_ID]
    card.show_unit("3栋1单元101")
    card.show_unit(UNIT)
    assert people_cells(card, 2) == ["137****2222"]


def test_reveal_is_off_for_a_role_that_may_not(qtbot, desk):
    office, actor = desk
    residents.add_resident(office, actor, UNIT, {"name": "王芳", "role": "owner",
                           "phone": "13711112222"})  # fmt: skip
    guard = Actor(None, "保安", "security")
    card = UnitCardWidget(office, guard)
    qtbot.addWidget(card)
    card.show_unit(UNIT)
    assert not card.reveal_button.isEnabled()
    assert not card.add_button.isEnabled()


def test_move_out_puts_the_person_in_history(qtbot, desk, monkeypatch):
    office, actor = desk
    residents.add_resident(
        office, actor, UNIT,
        {"name": "赵租户", "role": "tenant", "phone": "13600001111", "moved_in": "2023-01-01"},
    )  # fmt: skip
    card = UnitCardWidget(office, actor)
    qtbot.addWidget(card)
    changed = []
    card.changed.connect(lambda: changed.append(True))
    card.show_unit(UNIT)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("2025-06-30", True)))
    card.move_out_button.click()
    assert card.people.rowCount() == 0
    assert card.history.rowCount() == 1
    assert card.history.item(0, 0).text() == "赵租户"
    assert card.history.item(0, 4).text() == "2025-06-30"
    assert changed


def test_draft_comes_back_after_the_card_is_gone(qtbot, desk, monkeypatch):
    office, actor = desk
    card = UnitCardWidget(office, actor)
    qtbot.addWidget(card)
    card.show_unit(UNIT)
    form = card.add_resident()
    type_into(form, {"name": "陈静", "phone": "13500001234", "moved_in": "2024-03-15"})
    form.form.findChild(QComboBox, "role").setCurrentIndex(2)
    assert card.has_unsaved()
    card.save_drafts()
    form.close()

    again = UnitCardWidget(office, actor)
    qtbot.addWidget(again)
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    )
    again.offer_drafts()
    assert again.card is not None and again.card.code == UNIT
    (restored,) = again.forms
    data = restored.current_data()
    assert data["name"] == "陈静" and data["phone"] == "13500001234"
    assert data["moved_in"] == "2024-03-15" and data["role"] == "family"
    restored.save()
    assert people_cells(again, 0) == ["陈静"]


def test_declined_draft_is_dropped(qtbot, desk, monkeypatch):
    office, actor = desk
    card = UnitCardWidget(office, actor)
    qtbot.addWidget(card)
    card.show_unit(UNIT)
    type_into(card.add_resident(), {"name": "陈静"})
    card.save_drafts()
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.No)
    )
    again = UnitCardWidget(office, actor)
    qtbot.addWidget(again)
    again.offer_drafts()
    assert again.forms == []
    asked = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: asked.append(1)))
    again.offer_drafts()
    assert asked == []


def test_stale_list_flags_and_opens_the_unit(qtbot, desk):
    office, actor = desk
    view = residents.add_resident(
        office, actor, UNIT,
        {"name": "周旧", "role": "owner", "phone": "13300001111", "verified_on": "2020-01-01"},
    )  # fmt: skip
    residents.add_resident(office, actor, "3栋1单元101", {"name": "新人", "role": "owner",
                           "phone": "13300002222"})  # fmt: skip
    card = UnitCardWidget(office, actor)
    qtbot.addWidget(card)
    card.show_unit(UNIT)
    assert "待更新" in people_cells(card, 5)[0]
    assert card.people.item(0, 0).background().color().name() == "#ffe0b2"
    dialog = StaleListDialog(office, actor)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text() == "周旧"
    assert dialog.table.item(0, 3).text() == "2020-01-01"
    with qtbot.waitSignal(dialog.open_unit) as signal:
        dialog.table.itemActivated.emit(dialog.table.item(0, 0))
    assert signal.args == [UNIT]
    assert view.id
