"""Render the pictures of the user manual (docs/manual.md) by walking a working day offscreen.

Run by hand, not collected as a test:

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/gui/manual_screens.py OUT_DIR

It creates a demo estate in a temporary office file through the set-up wizard, then
takes each role through its day in the real windows: the clerk at the front desk, the
assistant opening a paid-service slip, the engineer, the household and finance signing
on the shared PC, the storekeeper, and the supervisor's review and month-end export.
The pictures get stable numbered names (01_unlock.png, 10_repair_desk.png, ...).

Widgets are found by objectName, attribute or type, never by their text, so the script
works whatever language the program speaks (WUYEDESK_LANG=en gives the English pictures).
Modal message boxes are answered at once and dialogs run through their own methods: the
script never waits for a person.
"""

from __future__ import annotations

import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The pictures speak Chinese unless asked otherwise (WUYEDESK_LANG=en), whatever this PC's
# language or its saved 语言 / Language setting: the language is chosen at the first import.
os.environ.setdefault("WUYEDESK_LANG", "zh_CN")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from anywhere

from PySide6.QtCore import (
    QMessageLogContext,
    QPointF,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableWidgetItem,
    QWidget,
)

from wuyedesk import i18n
from wuyedesk.domain.roles import Role
from wuyedesk.domain.units import shown_unit_codes
from wuyedesk.domain.validators import make_id_number
from wuyedesk.services import repair_printing, residents
from wuyedesk.services.context import Actor
from wuyedesk.services.staff import list_staff
from wuyedesk.services.unit_card import unit_card
from wuyedesk.store.office_file import OfficeFile
from wuyedesk.ui.app import create_app
from wuyedesk.ui.binder import SHOWN_ZONE, fill_fields
from wuyedesk.ui.idle_lock import IdleLock
from wuyedesk.ui.login import STAFF_ID_ROLE, LoginDialog
from wuyedesk.ui.setup_wizard import SetupWizard
from wuyedesk.ui.sign_dialog import HouseholdSignDialog, StaffSignDialog
from wuyedesk.ui.start import UnlockDialog


def t(chinese: str, english: str) -> str:
    """Return the demo data's text in the language the program speaks (as the demo's names)."""
    return english if i18n.language() == i18n.ENGLISH else chinese


OFFICE_NAME = t("锦绣花园物业管理处", "Jinxiu Garden Property Management Office")
ESTATE = t("锦绣花园", "Jinxiu Garden")
PASSPHRASE = "锦绣花园 2026 管理处"
DIRECTOR, DIRECTOR_PIN = t("王建国", "Wang Jianguo"), "1357"
PIN = "1357"  # the demo gives every member of staff this PIN
HOUSEHOLDS = 240
FAST_N = 2**12  # a quick passphrase stretch: the pictures need no real protection
DAY_MINUTES = 240  # the walked day ends now and starts this long ago (never in the future)
MAIN_SIZE = (1200, 760)
WINDOW_SIZE = (1280, 800)
DESK_SIZE = (1400, 840)
SHOWN_PATH = r"C:\Users\office\AppData\Roaming\wuyedesk\office.wuye"  # Windows default
SHOWN_HOME = r"C:\Users\office"


# -- time ---------------------------------------------------------------------------------------
class Clock:
    """The office's time during the walk: it moves only when told, and never past now."""

    def __init__(self, span_minutes: int) -> None:
        real = datetime.now(SHOWN_ZONE).replace(second=0, microsecond=0)
        midnight = real.replace(hour=0, minute=0)
        self.at = max(real - timedelta(minutes=span_minutes), midnight + timedelta(minutes=1))

    def __call__(self) -> datetime:
        return min(self.at, datetime.now(SHOWN_ZONE))

    def advance(self, minutes: float) -> datetime:
        """Let some minutes pass; return the new time."""
        self.at += timedelta(minutes=minutes)
        return self()


# -- pictures -----------------------------------------------------------------------------------
class Camera:
    """Save what a window draws under a numbered name, and remember what was taken."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.taken: list[Path] = []

    def shot(self, widget: QWidget, name: str, size: tuple[int, int] | None = None) -> Path:
        """Show the widget (at this size), let it lay out, and save what it draws."""
        if size is not None:
            widget.resize(*size)
        widget.show()
        settle()
        for edit in widget.findChildren(QLineEdit):
            edit.deselect()  # a field's text as typed, not highlighted
        target = self.out / f"{name}.png"
        widget.grab().save(str(target))
        self.taken.append(target)
        print(target, flush=True)
        return target

    def pdf(
        self, pdf: Path, name: str, dpi: int = 80, crop: tuple[int, int, int, int] | None = None
    ) -> Path | None:
        """Render the first page of a PDF with pdftoppm (x, y, width, height: a part of it)."""
        if shutil.which("pdftoppm") is None:
            print(f"pdftoppm missing: {name}.png not made", file=sys.stderr)
            return None
        stem = self.out / name
        part: list[str] = []
        for flag, value in zip(("-x", "-y", "-W", "-H"), crop or (), strict=False):
            part += [flag, str(value)]
        command = ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile"]
        subprocess.run([*command, *part, str(pdf), str(stem)], check=True)
        target = stem.with_suffix(".png")
        self.taken.append(target)
        print(target, flush=True)
        return target


def quiet_qt() -> None:
    """Drop the offscreen platform's chatter (it cannot pass size hints to a window manager)."""

    def handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if not message.startswith("This plugin does not support"):
            sys.stderr.write(message + "\n")

    qInstallMessageHandler(handler)


def settle(rounds: int = 4) -> None:
    """Let the event loop run: layouts, deferred calls and repaints."""
    for _ in range(rounds):
        QApplication.processEvents()


def fit(dialog: QWidget, width: int | None = None) -> None:
    """Give a dialog the size its contents need (at least `width` wide)."""
    dialog.adjustSize()
    hint = dialog.sizeHint()
    dialog.resize(max(width or 0, hint.width(), dialog.width()), max(hint.height(), 10))


def quiet_message_boxes() -> list[str]:
    """Answer every modal message box at once (Yes/OK) and keep what it said."""
    said: list[str] = []

    def answer(kind: str) -> Callable[..., QMessageBox.StandardButton]:
        def box(_parent: Any, _title: str, text: str, *args: Any, **kwargs: Any) -> Any:
            said.append(text)
            print(f"  [{kind}] {text}", file=sys.stderr, flush=True)
            if kind == "question":
                return QMessageBox.StandardButton.Yes
            return QMessageBox.StandardButton.Ok

        return box

    for kind in ("information", "warning", "critical", "question"):
        setattr(QMessageBox, kind, staticmethod(answer(kind)))
    return said


@contextmanager
def answering(cls: type[QDialog], answer: Callable[[Any], None]) -> Iterator[None]:
    """While inside, a dialog of this class that would exec() is answered by `answer`."""
    original = cls.exec

    def run(dialog: QDialog) -> int:
        dialog.show()
        settle()
        answer(dialog)
        return int(dialog.result())

    cls.exec = run  # type: ignore[method-assign]
    try:
        yield
    finally:
        cls.exec = original  # type: ignore[method-assign]


def draw_signature(pad: Any, seed: int) -> None:
    """Write a hand-drawn-looking name on a signature pad: one looping line, one flourish."""
    rng = random.Random(seed)
    width, height = max(pad.width(), 300), max(pad.height(), 120)
    size = height * 0.28
    x0, base = width * 0.1, height * 0.55
    turns = rng.randint(4, 6)
    advance = width * 0.62 / (turns * 2 * math.pi)
    points = []
    for step in range(turns * 28 + 1):
        t = step / 28 * 2 * math.pi
        loop = size * (0.55 + 0.35 * math.sin(t / 2.3 + seed))
        points.append(
            QPointF(
                x0 + advance * t - loop * 0.6 * math.sin(t),
                base - loop * math.cos(t) * 0.8 + size * 0.4 * math.sin(t / 4.1),
            )
        )
    pad.add_stroke(points)
    pad.add_stroke(
        [QPointF(x0 + width * (0.05 + i * 0.06), base + size * 1.1 - i * 2.5) for i in range(12)]
    )
    pad.update()


# -- the office ---------------------------------------------------------------------------------
class Office:
    """The open office file, its staff by role, and the clock of the walked day."""

    def __init__(self, office: OfficeFile, clock: Clock) -> None:
        self.file = office
        self.clock = clock
        self.staff: dict[Role, list[Actor]] = {}
        for person in list_staff(office):
            self.staff.setdefault(person.role, []).append(
                Actor(person.id, person.name, person.role)
            )

    def one(self, role: Role, index: int = 0) -> Actor:
        """Return a member of staff of this role."""
        return self.staff[role][index]


def show_path(window: QWidget) -> None:
    """Show the office file where an office PC keeps it, not in the script's temporary folder."""
    for label in window.findChildren(QLabel, "office_path"):
        label.setText(SHOWN_PATH)


def first_start(camera: Camera, path: Path) -> OfficeFile:
    """The set-up wizard: office and estate, passphrase, director, recovery key, demo estate."""
    wizard = SetupWizard(path, passphrase_n=FAST_N)
    wizard.resize(720, 500)
    show_path(wizard)
    wizard.show()
    fill_fields(wizard, {"office_name": OFFICE_NAME, "estate_name": ESTATE})
    wizard.next()
    fill_fields(wizard, {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE})
    wizard.next()
    fill_fields(wizard, {"director_name": DIRECTOR, "director_pin": DIRECTOR_PIN})
    fill_fields(wizard, {"director_pin_again": DIRECTOR_PIN})
    wizard.next()  # creates the office file
    assert wizard.office is not None, "the wizard did not create the office file"
    camera.shot(wizard, "00_wizard_recovery")
    wizard.recovery_page.saved_box.setChecked(True)
    wizard.next()
    wizard.start_page.buttons["demo"].setChecked(True)
    wizard.start_page.households.setValue(HOUSEHOLDS)
    camera.shot(wizard, "00_wizard_start")
    started = time.perf_counter()
    wizard.accept()  # builds the demo estate and logs the director in
    print(f"  demo estate built in {time.perf_counter() - started:.1f} s", flush=True)
    office = wizard.office
    wizard.hide()
    wizard.deleteLater()
    return office


def unlock_again(camera: Camera, path: Path, office: OfficeFile) -> OfficeFile:
    """Close the file and open it again the way every morning starts: the passphrase."""
    office.close()
    unlock = UnlockDialog(path)
    show_path(unlock)
    fill_fields(unlock.form, {"passphrase": PASSPHRASE})
    camera.shot(unlock, "01_unlock")
    unlock.unlock()
    assert unlock.office is not None, "the passphrase did not open the office file"
    opened = unlock.office
    unlock.hide()
    unlock.deleteLater()
    return opened


def log_in(camera: Camera, office: Office, actor: Actor) -> Actor:
    """The staff login: pick the name, type the PIN."""
    login = LoginDialog(office.file)
    for row in range(login.staff_list.count()):
        item = login.staff_list.item(row)
        if item.data(STAFF_ID_ROLE) == actor.staff_id:
            login.staff_list.setCurrentItem(item)
    login.pin.setText(PIN)
    fit(login, 460)
    camera.shot(login, "02_login")
    got: list[Actor] = []
    login.logged_in.connect(got.append)
    login.login()
    login.hide()
    login.deleteLater()
    assert got, "the login was refused"
    return got[0]


def household_unit(office: Office, actor: Actor) -> str:
    """Return a unit with a family and a history: former residents, calls, repairs, visits."""
    from wuyedesk.services.residents import list_residents

    best, best_score = "", (False, -1)
    for code in sorted({p.unit_code for p in list_residents(office.file, actor)}):
        card = unit_card(office.file, actor, code)
        full = bool(card.history) and len(card.people) >= 2
        records = min(len(card.contacts), 3) + min(len(card.repairs), 3) + min(len(card.visits), 2)
        if (full, records) > best_score:
            best, best_score = code, (full, records)
    return best


def countdown(minutes: int, seconds_idle: float) -> str:
    """Return the status bar's lock countdown as the desk shows it."""
    lock = IdleLock(minutes, 30, clock=lambda: 1000.0)
    lock.last_input = 1000.0 - seconds_idle
    return lock.countdown_text()


def scroll_to(panel: Any, box: str) -> None:
    """Scroll a slip on the repair panel so that one of its boxes is at the top."""
    settle()
    bar = panel.scroll.verticalScrollBar()
    bar.setValue(max(0, panel.sheet.boxes[box].y() - 6))
    settle()


# -- the clerk ----------------------------------------------------------------------------------
CALLS: tuple[tuple[dict[str, object], str, str], ...] = (
    (
        {"method": "visit", "kind": "enquiry",
         "content": t("来访咨询：地下车库月租车位如何办理，需要带什么资料。",
                      "Asked how to rent a monthly space in the underground car park "
                      "and what papers to bring.")},
        t("胡女士", "Ms Hu"),
        t("已告知需带行驶证、身份证和购房合同到管理处办理。",
          "Told her to bring the vehicle licence, ID card and purchase contract."),
    ),
    (
        {"method": "call", "kind": "praise",
         "content": t("来电表扬：夜班保安巡逻时把走失的老人送回了家。",
                      "Phoned to thank the night guard who brought a lost old neighbour home.")},
        t("陈先生", "Mr Chen"),
        t("已转告保安部，在周会上表扬。", "Passed on to Security; praised at the weekly meeting."),
    ),
)  # fmt: skip
COMPLAINT = t(
    "卫生间天花板渗水，三天前报修，至今没有人上门查看；楼上邻居也联系不上，要求尽快处理并给个答复。",
    "Water leaks through the bathroom ceiling. Reported three days ago, nobody has come to look, "
    "and the neighbours upstairs cannot be reached. Wants it dealt with and an answer.",
)


def clerk_day(camera: Camera, office: Office, clerk: Actor, path: Path) -> dict[str, Any]:
    """Main window, the register (a complaint relayed), a new tenant, a call for help."""
    from wuyedesk.ui.main_window import MainWindow
    from wuyedesk.ui.register import RegisterWindow

    code = household_unit(office, clerk)
    window = MainWindow(office.file, clerk)
    window.path_label.setText(window.path_label.text().replace(str(path), SHOWN_PATH))
    window.open_unit(code)
    window.search.setText(t("张", "Zhang"))  # a common surname: the list under the box
    window.run_search()
    window.set_lock_text(countdown(5, 2))
    camera.shot(window, "03_main_window", MAIN_SIZE)
    window.clear_search()

    # The morning's calls and visits, then a complaint typed while the household speaks.
    register = RegisterWindow(office.file, clerk, window, clock=office.clock)
    register.resize(*WINDOW_SIZE)
    register.show()
    callers = register.caller
    assert isinstance(callers, QComboBox)
    for data, caller, result in CALLS:
        office.clock.advance(9)
        register.clear_form()
        fill_fields(register.form, data)
        callers.setEditText(caller)
        saved = register.save()
        if saved is not None and result:
            office.clock.advance(3)
            register.refresh(select_id=saved.id)
            register.panel.result.setText(result)
            register.panel.record_result()
    office.clock.advance(6)
    register.clear_form()
    unit = register.fields["unit"]
    assert isinstance(unit, QLineEdit)
    unit.setText(shown_unit_codes(code))  # as a clerk of this language types it
    register.offer_callers()
    callers.hidePopup()
    if callers.count():
        callers.setCurrentIndex(0)  # the first person on file for the unit
    fill_fields(
        register.form,
        {
            "method": "call",
            "kind": "complaint",
            "complained_department": "engineering",
            "content": COMPLAINT,
        },
    )
    camera.shot(register, "04_register")
    complaint = register.save()
    assert complaint is not None, "the complaint was not registered"
    # Relayed to engineering at once (篇2: immediately).
    office.clock.advance(2)
    register.refresh(select_id=complaint.id)
    panel = register.panel
    panel.relay_department.setCurrentIndex(panel.relay_department.findData("engineering"))
    panel.relay_person.setText(office.one(Role.eng_supervisor).name)
    panel.relay()
    register.refresh(select_id=complaint.id)
    camera.shot(register, "05_contact_detail")
    register.hide()

    # A new tenant moves in: the resident form from the unit card.
    office.clock.advance(6)
    window.open_unit(code)
    form = window.card.add_resident()
    assert form is not None, "the resident form did not open"
    fill_fields(
        form.form,
        {
            "name": t("孙晓雯", "Sun Xiaowen"),
            "role": "tenant",
            "gender": residents.GENDERS[1],
            "phone": "13957112468",
            "id_type": residents.ID_CARD,
            "id_number": make_id_number("330106", date(1991, 6, 18), "024"),
            "employer": t("杭州某科技有限公司", "A software company in Hangzhou"),
            "emergency_name": t("孙建平", "Sun Jianping"),
            "emergency_phone": "13805710088",
            "moved_in": office.clock().date().isoformat(),
            "plate": "浙A8K261",
            "habits": t(
                "工作日白天不在家，晚上 7 点后可联系；养一只猫。",
                "Out on weekdays, reachable after 7 pm; keeps a cat.",
            ),
        },
    )
    fit(form, 720)
    camera.shot(form, "06_resident_form")
    form.save()
    if form.isVisible():
        print("  the resident form was not saved", file=sys.stderr)
        form.hide()
    return {"window": window, "code": code, "complaint": complaint}


def help_call(camera: Camera, office: Office, clerk: Actor, context: dict[str, Any]) -> None:
    """A call for help: water pouring from the pipe well, each step stamped by one click.

    The step log stamps the real time, so this runs on the real clock (the day's last call).
    """
    from wuyedesk.ui.help_log import HelpLogWindow

    help_log = HelpLogWindow(office.file, clerk, context["window"])
    help_log.resize(WINDOW_SIZE[0], 860)
    help_log.show()
    fill_fields(
        help_log.form,
        {
            "help_type": "flood_fire",
            "requester_name": t("周先生", "Mr Zhou"),
            "unit": context["code"],
            "phone": "13605718899",
            "content": t(
                "楼道管道井往外冒水，已经流进电梯厅。",
                "Water pouring out of the pipe shaft, already running into the lift lobby.",
            ),
        },
    )
    help_log.type_changed()
    request = help_log.save()
    if request is not None:
        panel = help_log.panel
        panel.step_note.setText(
            t("维修工{0}、保安{1}", "Engineer {0}, guard {1}").format(
                office.one(Role.engineer).name, office.one(Role.security).name
            )
        )
        panel.log_step("sent")
        panel.log_step("arrived")
        panel.step_note.setText(
            t("给水管接头爆裂，已关楼层总阀", "Supply pipe joint burst; floor valve shut")
        )
        panel.log_step("confirmed")
        panel.log_step("security_told")
        help_log.refresh(select_id=request.id)
    camera.shot(help_log, "07_help_log")
    help_log.hide()


def own_report(camera: Camera, office: Office, clerk: Actor) -> None:
    """The clerk's daily work report: counted from the day's records, own lines, 呈报."""
    from wuyedesk.ui.daily_report import DailyReportWindow

    reports = DailyReportWindow(office.file, clerk, clock=office.clock)
    reports.resize(1100, 760)
    reports.show()
    texts = {
        "done_text": t(
            "接听来电、接待来访 3 起（其中投诉 1 起已转工程部）；"
            "为新租户办理入住登记；整理本周维修单存根。",
            "Took 3 calls and visits (1 complaint, relayed to engineering); "
            "registered a new tenant; filed this week's repair-slip stubs.",
        ),
        "undone_text": t(
            "投诉回访待主管安排（24 小时内）。",
            "The complaint's return visit waits for the supervisor (within 24 h).",
        ),
        "coordination_text": t(
            "请工程部今天联系投诉住户，说明处理时间。",
            "Engineering to call the complaining household today and say when it is fixed.",
        ),
    }
    for name, text in texts.items():
        reports.sheet.texts[name].setPlainText(text)
    reports.submit()
    camera.shot(reports, "08_my_daily_report")
    reports.close()


# -- the repair slip ----------------------------------------------------------------------------
Signer = Actor | Callable[[StaffSignDialog], Actor]


def staff_signs(who: Signer, seed: int, shot: Callable[[Any], object] | None = None) -> Any:
    """Answer a StaffSignDialog as a colleague: name, PIN, and a drawing if asked."""

    def answer(dialog: StaffSignDialog) -> None:
        person = who(dialog) if callable(who) else who
        dialog.staff.setCurrentIndex(dialog.staff.findData(person.staff_id))
        dialog.pin.setText(PIN)
        if dialog.need_drawing:
            draw_signature(dialog.pad, seed + (person.staff_id or 0))
        fit(dialog, 560)
        if shot is not None:
            shot(dialog)
        dialog.confirm()

    return answering(StaffSignDialog, answer)


def household_signs(seed: int, shot: Callable[[Any], object] | None = None) -> Any:
    """Answer a HouseholdSignDialog: the name is proposed, the household draws."""

    def answer(dialog: HouseholdSignDialog) -> None:
        draw_signature(dialog.pad, seed)
        fit(dialog, 560)
        if shot is not None:
            shot(dialog)
        dialog.confirm()

    return answering(HouseholdSignDialog, answer)


def step_dialog(
    cls: type[QDialog], fill: Callable[[Any], None], shot: Callable[[Any], object] | None = None
) -> Any:
    """Answer a step's dialog: fill it, perhaps take its picture, press 确定."""

    def answer(dialog: Any) -> None:
        fill(dialog)
        fit(dialog, 560)
        if shot is not None:
            shot(dialog)
        dialog.ok()

    return answering(cls, answer)


def press(panel: Any, action: str) -> None:
    """Press a step's button on a slip panel (found by the step's name, never its text)."""
    button = panel.step_buttons.get(action)
    if button is None:
        raise RuntimeError(
            f"no step {action!r} on the slip (offered: {sorted(panel.step_buttons)})"
        )
    button.click()
    settle()


QUOTE = [
    {
        "kind": "labour",
        "item": t("拆装人工", "Labour: remove and fit"),
        "quantity": "1",
        "unit_price": "60",
    },
    {
        "kind": "material",
        "item": t("角阀（铜，4 分）", "Angle valve, brass, 1/2 in"),
        "quantity": "2",
        "unit_price": "28.50",
    },
    {
        "kind": "material",
        "item": t("不锈钢编织软管 60cm", "Braided steel hose 60 cm"),
        "quantity": "2",
        "unit_price": "16",
    },
    {"kind": "material", "item": t("生料带", "PTFE tape"), "quantity": "1", "unit_price": "2"},
]


def repair_day(camera: Camera, office: Office, context: dict[str, Any]) -> Any:
    """The assistant opens a paid slip; engineer, household, finance and store take it on."""
    from wuyedesk.ui.repair_desk import RepairDeskWindow
    from wuyedesk.ui.repair_dialogs import (
        AcceptDialog,
        CompleteDialog,
        DispatchDialog,
        StampDialog,
    )
    from wuyedesk.ui.repair_lines_dialog import LinesDialog

    assistant = office.one(Role.assistant)
    engineer = office.one(Role.engineer)
    desk = RepairDeskWindow(office.file, assistant, context["window"], clock=office.clock)
    desk.resize(*DESK_SIZE)
    desk.show()
    panel = desk.panel

    office.clock.advance(7)
    entry = desk.open_entry("paid")
    unit = entry.fields["unit"]
    assert isinstance(unit, QLineEdit)
    unit.setText(shown_unit_codes(context["code"]))
    entry.offer_reporters()
    reporters = entry.reporter
    assert isinstance(reporters, QComboBox)
    if reporters.count():
        reporters.setCurrentIndex(0)
    fill_fields(
        entry.form,
        {
            "channel": "visit",
            "category": "plumbing_electrical",
            "phone": "13867120315",
            "content": t(
                "厨房水槽下角阀漏水，软管老化，要求更换两只角阀和软管（有偿）。",
                "Angle valve under the kitchen sink leaks and the hoses are worn; "
                "wants both valves and hoses replaced (paid).",
            ),
        },
    )
    fit(entry, 820)
    camera.shot(entry, "09_repair_entry")
    view = entry.save()
    assert view is not None, "the slip was not opened"
    settle()
    desk.refresh(select_id=view.id)
    camera.shot(desk, "10_repair_desk")

    # Engineering receives the slip on the shared PC: name, PIN, signature.
    office.clock.advance(3)
    with staff_signs(engineer, 1, lambda d: camera.shot(d, "12_sign_dialog")):
        press(panel, "receive")
    # The engineer looks at the job and quotes labour and materials.
    office.clock.advance(10)
    with (
        staff_signs(engineer, 1),
        step_dialog(
            LinesDialog, lambda d: d.set_lines(QUOTE), lambda d: camera.shot(d, "13_quote")
        ),
    ):
        press(panel, "quote")
    # The household agrees to the price and signs on the pad.
    office.clock.advance(4)
    with household_signs(7, lambda d: camera.shot(d, "13_quote_approval")):
        press(panel, "approve")
    # Nobody may dispatch before the finance stamp: the panel says why.
    press(panel, "dispatch")
    scroll_to(panel, "quote")
    camera.shot(desk, "13_waiting_for_stamp")

    # Finance takes the fee and stamps the slip.
    office.clock.advance(8)
    fee = step_dialog(StampDialog, lambda d: d.receipt_no.setText("SJ2026-01187"),
                      lambda d: camera.shot(d, "14_finance_stamp"))  # fmt: skip
    with staff_signs(office.one(Role.finance), 3), fee:
        press(panel, "pay")

    # Dispatch (the 5-minute clock starts), materials from the store, arrival, work done.
    office.clock.advance(3)

    def choose(dialog: Any) -> None:
        dialog.engineer.setCurrentIndex(dialog.engineer.findData(engineer.staff_id))

    with staff_signs(office.one(Role.eng_supervisor), 4), step_dialog(DispatchDialog, choose):
        press(panel, "dispatch")
    office.clock.advance(2)
    with staff_signs(office.one(Role.storekeeper), 5), step_dialog(LinesDialog, lambda d: None):
        press(panel, "issue_materials")
    office.clock.advance(2)
    with staff_signs(engineer, 1):
        press(panel, "arrive")
    office.clock.advance(22)

    def describe(dialog: Any) -> None:
        dialog.description.setPlainText(
            t(
                "更换厨房角阀 2 只、编织软管 2 根，试水 10 分钟无渗漏，台面已清理。",
                "Replaced 2 angle valves and 2 hoses; ran the water 10 minutes, no leak; "
                "worktop cleaned.",
            )
        )

    with staff_signs(engineer, 1), step_dialog(CompleteDialog, describe):
        press(panel, "complete")
    office.clock.advance(3)

    def accept(dialog: Any) -> None:
        dialog.radios["satisfied"].setChecked(True)
        dialog.remarks.setPlainText(t("师傅很细心，干活干净。", "Careful, tidy work."))

    with household_signs(7), step_dialog(AcceptDialog, accept):
        press(panel, "accept")
    desk.refresh(select_id=view.id)
    scroll_to(panel, "work")
    camera.shot(desk, "15_repair_accepted")

    pdf = Path(tempfile.mkdtemp(prefix="wuyedesk-manual-slip-")) / f"{view.number}.pdf"
    repair_printing.print_repair(office.file, assistant, view.number, pdf, paper="a5")
    camera.pdf(pdf, "11_repair_slip_pdf")
    shutil.rmtree(pdf.parent, ignore_errors=True)
    desk.close()
    return view


# -- the complaint handled ----------------------------------------------------------------------
def complaint_handled(office: Office, context: dict[str, Any]) -> None:
    """Engineering contacts the household and fixes the leak; the desk records the result."""
    from wuyedesk.ui.register import RegisterWindow

    complaint = context["complaint"]
    boss = office.one(Role.eng_supervisor)
    register = RegisterWindow(office.file, boss, clock=office.clock)
    register.refresh(select_id=complaint.id)
    panel = register.panel
    office.clock.advance(5)
    panel.dept_contact_at.setDateTime(panel.dept_contact_at.dateTime().addSecs(-60))
    panel.contacted()
    register.refresh(select_id=complaint.id)
    panel.remedy.setText(
        t(
            "当天派维修工上门，查明楼上防水层破损，已联系楼上住户约定明早维修",
            "Engineer sent today: the waterproofing upstairs is broken; repair agreed for tomorrow",
        )
    )
    panel.solvable.setCurrentIndex(panel.solvable.findData(True))
    panel.answer.setText(
        t(
            "向住户致歉，说明明早 9 点前修好楼上防水",
            "Apologised; fixed upstairs before 9 am tomorrow",
        )
    )
    panel.save_complaint()
    register.refresh(select_id=complaint.id)
    panel.handle()
    register.close()
    office.clock.advance(4)
    register = RegisterWindow(office.file, office.one(Role.clerk), clock=office.clock)
    register.refresh(select_id=complaint.id)
    register.panel.result.setText(
        t(
            "已查明渗水原因，楼上防水明早修复，住户同意",
            "Cause found; upstairs waterproofing fixed tomorrow morning; household agrees",
        )
    )
    register.panel.record_result()
    register.close()


# -- the supervisor -----------------------------------------------------------------------------
def visit_desk(camera: Camera, office: Office, boss: Actor, context: dict[str, Any]) -> None:
    """Return visits: today's complaint is planned and visited within its 24 hours."""
    from wuyedesk.ui.visit_desk import VisitDeskWindow
    from wuyedesk.ui.visit_dialogs import RecordVisitDialog

    visits = VisitDeskWindow(office.file, boss, clock=office.clock)
    visits.resize(*DESK_SIZE)
    visits.show()
    number = context["complaint"].number
    rows = visits.waiting.records.rows
    row = next((i for i, w in enumerate(rows) if w.related_number == number), None)
    if row is not None:
        visits.waiting.selectRow(row)
        visits.plan_waiting()
        settle()
    camera.shot(visits, "21_visit_desk")
    office.clock.advance(6)
    head = office.one(Role.eng_supervisor).name

    def record(dialog: Any) -> None:
        dialog.method.setCurrentIndex(dialog.method.findData("talk"))
        dialog.radios["fairly"].setChecked(True)
        dialog.opinions.setPlainText(
            t(
                "处理还算及时，希望楼上防水明天一定修好。",
                "Quick enough; hopes the waterproofing upstairs really is fixed tomorrow.",
            )
        )
        dialog.visitors.setText(head)

    if not visits.panel.buttons["record"].isHidden():
        with step_dialog(RecordVisitDialog, record):
            visits.panel.buttons["record"].click()
            settle()
    visits.tabs.setCurrentIndex(1)
    coverage = visits.coverage
    short = [r for r in coverage.coverage.records.rows if r.overdue and r.line.building_id]
    if short:
        coverage.coverage.select_id(short[0].id)
    if coverage.suggestions.records.rows:
        coverage.suggestions.selectRow(0)
    coverage.coverage.scrollToTop()
    camera.shot(visits, "26_visit_coverage", (1200, 760))
    visits.close()


def review_reports(camera: Camera, office: Office, boss: Actor) -> None:
    """The supervisor reads the clerk's report, signs it and sets tomorrow's tasks."""
    from wuyedesk.ui.daily_report import DailyReportWindow

    office.clock.advance(5)
    reports = DailyReportWindow(office.file, boss, clock=office.clock)
    reports.resize(1200, 800)
    reports.show()
    clerk = office.one(Role.clerk).name
    names = [r if isinstance(r, str) else r.staff_name for r in reports.rows]
    if clerk in names:
        reports.table.selectRow(names.index(clerk))
    reports.comment.setPlainText(
        t("投诉已按时转达，记录清楚。", "Complaint relayed in time; clear records.")
    )
    reports.tasks.setPlainText(
        t(
            "明早 9 点后回访投诉住户，确认楼上防水已修好；整理本月登记表。",
            "After 9 am tomorrow, visit the complaining household again to check the "
            "waterproofing upstairs is fixed; tidy this month's register.",
        )
    )
    camera.shot(reports, "22_daily_report")
    reports.review()
    reports.close()


def reconcile(camera: Camera, office: Office) -> None:
    """The day's check: the engineering supervisor and the storekeeper, slips against the book."""
    from wuyedesk.ui.reconciliation_sheet import ITEM_COUNT, ReconciliationWindow

    office.clock.advance(10)
    boss, keeper = office.one(Role.eng_supervisor), office.one(Role.storekeeper)
    sheet = ReconciliationWindow(office.file, boss, clock=office.clock)
    sheet.resize(*DESK_SIZE)
    sheet.show()
    items = sheet.items

    def cell(row: int, column: int) -> QTableWidgetItem:
        found = items.item(row, column)
        assert found is not None
        return found

    for row in range(items.rowCount()):
        issued = cell(row, 2).text()  # the quantity on the slips
        book = issued
        if row == 0:  # the book has one more out than the slips: a difference to explain
            book = str(int(float(issued)) + 1)
        cell(row, ITEM_COUNT).setText(book)
    if sheet.shown_differences():
        first = cell(0, 0).text() if items.rowCount() else ""
        sheet.note.setPlainText(
            t(
                "{0}多出库 1 个：维修工多领备用，已退回仓库。",
                "{0}: one more issued than on the slips; a spare, returned to the store.",
            ).format(first)
        )
    settle()
    camera.shot(sheet, "23_reconciliation")

    def by_role(dialog: StaffSignDialog) -> Actor:
        return boss if Role.eng_supervisor in dialog.roles else keeper

    with staff_signs(by_role, 11):
        sheet.sign()
    if sheet.sheet is None or sheet.sheet.signed_at is None:
        print("  the day's check was not signed", file=sys.stderr)
    sheet.close()


def late_lists(camera: Camera, office: Office, boss: Actor) -> None:
    """The repair slips whose engineer arrived late (到场超时), as the supervisor checks them."""
    from wuyedesk.ui.repair_desk import RepairDeskWindow

    desk = RepairDeskWindow(office.file, boss, clock=office.clock, view="late")
    desk.resize(*DESK_SIZE)
    desk.show()
    if desk.table.records.rows:
        desk.table.selectRow(0)
    camera.shot(desk, "25_late_arrivals")
    desk.close()


def supervisor_desk(camera: Camera, office: Office, boss: Actor) -> None:
    """The supervisor's desk: this month's figures, the late arrivals listed beside them."""
    from wuyedesk.ui.supervisor_desk import SupervisorDeskWindow

    board = SupervisorDeskWindow(office.file, boss, clock=office.clock)
    board.resize(*DESK_SIZE)
    board.period.setCurrentIndex(board.period.findData("half"))
    board.show_figure("arrival_5min")
    camera.shot(board, "20_supervisor_desk")
    board.close()


def month_end(camera: Camera, office: Office, boss: Actor, folder: Path) -> None:
    """报表 → 月度报表: last month's workbook, and a picture of its summary sheet."""
    from wuyedesk.ui.monthly_export import MonthlyExportDialog

    dialog = MonthlyExportDialog(office.file, boss, clock=office.clock)
    target = folder / Path(dialog.path_edit.text()).name
    dialog.path_edit.setText(SHOWN_HOME + "\\" + target.name)
    fit(dialog, 620)
    camera.shot(dialog, "24_monthly_export")
    dialog.path_edit.setText(str(target))
    if not dialog.start_export():
        print("  the monthly export did not start", file=sys.stderr)
        return
    deadline = time.monotonic() + 300
    while dialog.running() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)
    settle()
    dialog.close()
    if dialog.exported is None or not target.is_file():
        print("  the monthly workbook was not written", file=sys.stderr)
        return
    office_suite = shutil.which("soffice") or shutil.which("libreoffice")
    if office_suite is None:
        print("LibreOffice missing: 27_monthly_workbook.png not made", file=sys.stderr)
        return
    profile = folder / "lo-profile"
    convert = ["--headless", "--convert-to", "pdf", "--outdir", str(folder), str(target)]
    subprocess.run(
        [office_suite, f"-env:UserInstallation=file://{profile}", *convert],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # The summary's top half: this month beside last month, coverage, the charts.
    camera.pdf(target.with_suffix(".pdf"), "27_monthly_workbook", dpi=130, crop=(70, 60, 1340, 490))


def walk(camera: Camera, office: Office, path: Path) -> None:
    """Each role's day, in the order the office works."""
    clerk = log_in(camera, office, office.one(Role.clerk))
    context = clerk_day(camera, office, clerk, path)
    repair_day(camera, office, context)
    complaint_handled(office, context)
    own_report(camera, office, clerk)
    boss = office.one(Role.supervisor)
    visit_desk(camera, office, boss, context)
    review_reports(camera, office, boss)
    reconcile(camera, office)
    late_lists(camera, office, boss)
    supervisor_desk(camera, office, boss)
    help_call(camera, office, clerk, context)  # on the real clock: see help_call
    month_end(camera, office, boss, path.parent)


def main(out: Path) -> int:
    """Walk the day and save the pictures into `out`."""
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    create_app(["wuyedesk-manual"])
    quiet_qt()
    quiet_message_boxes()
    camera = Camera(out)
    with tempfile.TemporaryDirectory(prefix="wuyedesk-manual-") as tmp:
        path = Path(tmp) / "office.wuye"
        opened: list[OfficeFile] = []
        try:
            opened.append(first_start(camera, path))
            opened.append(unlock_again(camera, path, opened.pop()))
            walk(camera, Office(opened[0], Clock(DAY_MINUTES)), path)
        finally:  # also after a failure: windows go before the office file closes
            for widget in QApplication.topLevelWidgets():
                widget.close()
                widget.deleteLater()
            settle()
            for office in opened:
                office.close()
    print(f"{len(camera.taken)} pictures in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots/manual")))
