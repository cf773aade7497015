"""Signing on the shared PC: the pad, a colleague's name + PIN + drawing, a household's drawing."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from wuyedesk.domain.roles import Role
from wuyedesk.services.context import Actor
from wuyedesk.services.staff import add_staff
from wuyedesk.ui.sign_dialog import HouseholdSignDialog, StaffSignDialog
from wuyedesk.ui.signature_pad import SignaturePad

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ENGINEERS = frozenset({Role.engineer})
LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


def draw_wave(pad: SignaturePad, left: int = 40, top: int = 70) -> None:
    """Draw a signature-like wave across the pad with the mouse."""
    QTest.mousePress(pad, LEFT, NONE, QPoint(left, top))
    for i in range(1, 41):
        QTest.mouseMove(pad, QPoint(left + i * 6, int(top - 25 * math.sin(i / 4))))
    QTest.mouseRelease(pad, LEFT, NONE, QPoint(left + 246, top))


def dark_pixels(image: QImage) -> int:
    """Count the visible, dark pixels of an image."""
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            if colour.alpha() > 128 and colour.lightness() < 100:
                count += 1
    return count


def error_text(dialog: QWidget, field: str) -> str:
    """Return the visible message under a field, or '' when none is shown."""
    label = dialog.findChild(QLabel, f"{field}_error")
    return label.text() if label.isVisibleTo(dialog) else ""


@pytest.fixture
def pad(qtbot) -> SignaturePad:
    widget = SignaturePad()
    qtbot.addWidget(widget)
    widget.resize(420, 160)
    widget.show()
    return widget


def test_mouse_drawing_gives_a_cropped_png_with_ink(pad):
    changes: list[None] = []
    pad.changed.connect(lambda: changes.append(None))
    assert pad.is_empty() and not pad.has_enough()
    assert pad.to_png() == b""

    draw_wave(pad)

    assert not pad.is_empty() and pad.has_enough()
    assert changes, "the finished stroke is announced"
    data = pad.to_png()
    assert data.startswith(PNG_MAGIC)
    image = QImage.fromData(data, "PNG")
    assert not image.isNull()
    # Cropped to the ink (about 246 × 50) with a margin, not the whole 420 × 160 box.
    assert 246 <= image.width() < 300 and 50 <= image.height() < 90
    assert dark_pixels(image) > 200


def test_clear_empties_the_pad(pad):
    draw_wave(pad)
    pad.clear()
    assert pad.is_empty() and not pad.has_enough()
    assert pad.to_png() == b""


def test_a_click_or_a_tiny_scribble_is_not_a_signature(pad):
    QTest.mouseClick(pad, LEFT, NONE, QPoint(100, 80))
    assert not pad.is_empty()
    assert not pad.has_enough()
    pad.clear()
    # Lots of ink, but all within a few pixels.
    pad.add_stroke([QPointF(100 + (i % 2) * 6, 80 + (i % 3) * 3) for i in range(40)])
    assert not pad.has_enough()


def test_a_big_signature_is_scaled_down_to_fit_a_slip(pad):
    pad.resize(1400, 500)
    pad.add_stroke([QPointF(10 + i * 20, 250 + 200 * math.sin(i / 5)) for i in range(65)])
    image = QImage.fromData(pad.to_png(), "PNG")
    assert image.width() <= 600 and image.height() <= 200
    assert dark_pixels(image) > 100


def test_a_finger_draws_too(pad):
    screen = QTest.createTouchDevice()
    QTest.touchEvent(pad, screen).press(0, QPoint(40, 60))
    for i in range(1, 30):
        QTest.touchEvent(pad, screen).move(0, QPoint(40 + i * 8, 60 + (i % 5) * 10))
    QTest.touchEvent(pad, screen).release(0, QPoint(280, 60))
    assert len(pad.strokes) == 1
    assert pad.has_enough()


def test_a_pen_draws_too(pad):
    pen = QPointingDevice(
        "pen",
        1,
        QInputDevice.DeviceType.Stylus,
        QPointingDevice.PointerType.Pen,
        QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
        1,
        3,
    )

    def send(kind: QEvent.Type, x: float, y: float) -> None:
        held = LEFT if kind != QEvent.Type.TabletRelease else Qt.MouseButton.NoButton
        event = QTabletEvent(
            kind, pen, QPointF(x, y), QPointF(x, y), 0.5, 0, 0, 0, 0, 0, NONE, LEFT, held
        )
        QApplication.sendEvent(pad, event)

    send(QEvent.Type.TabletPress, 20, 50)
    for i in range(1, 20):
        send(QEvent.Type.TabletMove, 20 + i * 10, 50 + (i % 3) * 10)
    send(QEvent.Type.TabletRelease, 230, 50)
    assert len(pad.strokes) == 1
    assert pad.has_enough()


@pytest.fixture
def staff_office(office):
    """The office with two engineers and a finance clerk beside the director 王主任."""
    boss = Actor.command_line()
    add_staff(office, boss, "李工", "engineer", "2468")
    add_staff(office, boss, "赵工", "engineer", "3579")
    add_staff(office, boss, "钱会计", "finance", "4680")
    return office


@pytest.fixture
def staff_dialog(qtbot, staff_office):
    desk = Actor(1, "王主任", Role.director)
    dialog = StaffSignDialog(staff_office, desk, title="工程人员签名", roles=ENGINEERS)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose(dialog: StaffSignDialog, name: str) -> None:
    """Pick the person of this name in the signer list."""
    index = next(
        i for i in range(dialog.staff.count()) if dialog.staff.itemText(i).startswith(name)
    )
    dialog.staff.setCurrentIndex(index)


def test_only_the_asked_roles_are_offered(staff_dialog):
    names = [
        staff_dialog.staff.itemText(i).split("　")[0] for i in range(staff_dialog.staff.count())
    ]
    assert sorted(names) == sorted(["李工", "赵工"])
    assert staff_dialog.staff.currentIndex() == -1, "among several, each picks their own name"


def test_wrong_pin_is_told_at_the_field_and_keeps_the_drawing(staff_dialog):
    choose(staff_dialog, "李工")
    draw_wave(staff_dialog.pad)
    staff_dialog.pin.setText("1111")
    staff_dialog.confirm_button.click()

    assert staff_dialog.isVisible() and staff_dialog.signer is None
    assert "还可再试 2 次" in error_text(staff_dialog, "pin")
    assert staff_dialog.pin.text() == ""
    assert staff_dialog.pad.has_enough()


def test_three_wrong_pins_lock_the_signer(staff_dialog):
    choose(staff_dialog, "李工")
    draw_wave(staff_dialog.pad)
    for _ in range(3):
        staff_dialog.pin.setText("1111")
        staff_dialog.confirm_button.click()
    assert "已锁定" in error_text(staff_dialog, "pin")

    staff_dialog.pin.setText("2468")  # even the right PIN waits out the lock
    staff_dialog.confirm_button.click()
    assert "分钟后再试" in error_text(staff_dialog, "pin")
    assert staff_dialog.isVisible() and staff_dialog.signer is None


def test_right_pin_and_drawing_sign_as_that_person(staff_dialog):
    choose(staff_dialog, "李工")
    draw_wave(staff_dialog.pad)
    staff_dialog.pin.setText("2468")
    staff_dialog.confirm_button.click()

    assert staff_dialog.result() == StaffSignDialog.DialogCode.Accepted
    assert staff_dialog.signer.name == "李工" and staff_dialog.signer.role == Role.engineer
    assert staff_dialog.png.startswith(PNG_MAGIC)


def test_missing_choice_pin_or_drawing_is_refused_at_each_field(staff_dialog, message_boxes):
    staff_dialog.confirm_button.click()
    assert error_text(staff_dialog, "staff") == "请选择签名人"
    assert "PIN" in error_text(staff_dialog, "pin")
    assert error_text(staff_dialog, "signature") == "请在框内手写签名"

    choose(staff_dialog, "李工")
    staff_dialog.pin.setText("2468")
    QTest.mouseClick(staff_dialog.pad, LEFT, NONE, QPoint(100, 80))
    staff_dialog.confirm_button.click()
    assert "签名太短" in error_text(staff_dialog, "signature")
    assert staff_dialog.isVisible() and staff_dialog.signer is None
    assert not message_boxes, "messages are shown at the fields, not in a box"


def test_a_step_without_drawing_needs_only_the_pin(qtbot, staff_office):
    desk = Actor(1, "王主任", Role.director)
    dialog = StaffSignDialog(
        staff_office, desk, title="财务确认", roles=frozenset({Role.finance}), need_drawing=False
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.pad.isVisible()
    assert dialog.staff.currentText().startswith("钱会计"), "the only finance clerk is chosen"
    dialog.pin.setText("4680")
    dialog.confirm_button.click()
    assert dialog.signer.name == "钱会计" and dialog.png is None


@pytest.fixture
def household_dialog(qtbot):
    dialog = HouseholdSignDialog(title="业户签名确认", name="张三")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_household_empty_name_is_refused(household_dialog):
    household_dialog.name.setText("  ")
    draw_wave(household_dialog.pad)
    household_dialog.confirm_button.click()
    assert error_text(household_dialog, "signer_name") == "姓名不能为空"
    assert household_dialog.isVisible() and household_dialog.signer_name is None


def test_household_name_and_drawing_are_taken(household_dialog):
    assert household_dialog.name.text() == "张三"
    household_dialog.confirm_button.click()
    assert error_text(household_dialog, "signature") == "请在框内手写签名"

    draw_wave(household_dialog.pad)
    household_dialog.confirm_button.click()
    assert household_dialog.result() == HouseholdSignDialog.DialogCode.Accepted
    assert household_dialog.signer_name == "张三"
    assert household_dialog.png.startswith(PNG_MAGIC)
