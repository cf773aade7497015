"""Render the desk's screens offscreen into docs/screenshots/ (run by hand, not a test).

QT_QPA_PLATFORM=offscreen PYTHONPATH=. python tests/gui/screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import math
import os
import random
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from wuyedesk.services import repairs
from wuyedesk.services.context import Actor
from wuyedesk.services.places import add_building
from wuyedesk.services.residents import add_resident, list_residents, mark_to_update
from wuyedesk.services.staff import add_staff, list_staff
from wuyedesk.ui.app import create_app
from wuyedesk.ui.binder import SHOWN_ZONE
from wuyedesk.ui.login import LoginDialog
from wuyedesk.ui.main_window import MainWindow
from wuyedesk.ui.repair_desk import RepairDeskWindow
from wuyedesk.ui.repair_lines_dialog import LinesDialog
from wuyedesk.ui.setup_wizard import SetupWizard, demo_available
from wuyedesk.ui.signature_pad import SignaturePad
from wuyedesk.ui.start import UnlockDialog

PASSPHRASE = "阳光花园 2026 管理处"
FAST_N = 2**12
BUILDINGS = [("1", 2, 18, 2), ("2", 2, 18, 2), ("3", 1, 11, 4), ("5", 0, 6, 2), ("10", 3, 26, 2)]
STAFF = [
    ("李秀英", "clerk", "2468"),
    ("陈志强", "assistant", "3579"),
    ("刘建华", "engineer", "4680"),
]
REPAIR_STAFF = {"clerk": "李秀英", "engineer": "刘建华", "eng_supervisor": "黄卫东",
                "finance": "钱丽", "storekeeper": "孙建国"}  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛"]


def save(widget: QWidget, out: Path, name: str) -> None:
    """Show the widget, let it lay out, and save what it draws."""
    widget.show()
    for _ in range(3):
        QApplication.processEvents()
    target = out / f"{name}.png"
    widget.grab().save(str(target))
    print(target)


def type_into(root: QWidget, values: dict[str, str]) -> None:
    """Fill line edits by name."""
    for name, text in values.items():
        root.findChild(QLineEdit, name).setText(text)


def main(out: Path) -> int:
    """Render the wizard, unlock, login and the main window on a small estate."""
    out.mkdir(parents=True, exist_ok=True)
    create_app(["wuyedesk-screenshots"])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "office.wuye"
        wizard = SetupWizard(path, passphrase_n=FAST_N)
        wizard.resize(760, 520)
        type_into(wizard, {"office_name": "阳光花园物业管理处", "estate_name": "阳光花园"})
        save(wizard, out, "wizard")
        wizard.next()
        type_into(wizard, {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE})
        save(wizard, out, "wizard_passphrase")
        wizard.next()
        type_into(wizard, {"director_name": "王建国", "director_pin": "1357"})
        type_into(wizard, {"director_pin_again": "1357"})
        wizard.next()
        save(wizard, out, "wizard_recovery")
        wizard.recovery_page.saved_box.setChecked(True)
        wizard.next()
        if demo_available():
            wizard.start_page.buttons["demo"].setChecked(True)
        save(wizard, out, "wizard_start")
        if not demo_available():
            wizard.start_page.buttons["empty"].setChecked(True)
        wizard.accept()
        office, director = wizard.office, wizard.actor
        assert office is not None and director is not None
        if not demo_available():
            _fill_estate(office)
        for name, role, pin in STAFF:
            add_staff(office, Actor.command_line(), name, role, pin)

        unlock = UnlockDialog(path)
        save(unlock, out, "unlock")
        type_into(unlock.form, {"passphrase": "wrong passphrase"})
        unlock.unlock()
        save(unlock, out, "unlock_error")
        unlock.toggle_recovery()
        save(unlock, out, "unlock_recovery")
        unlock.reject()

        login = LoginDialog(office)
        login.select_staff("李秀英")
        login.pin.setText("1111")
        login.login()
        save(login, out, "login")
        login.hide()

        # A household with family on the demo estate (or the hand-built one).
        people = list_residents(office, director)
        families = {p.unit_code for p in people if p.role == "family"}
        code = "3栋1单元502" if not families else sorted(families)[len(families) // 3]
        window = MainWindow(office, director)
        window.resize(1100, 680)
        window.set_lock_text("4:58 后锁定")
        window.open_unit(code)
        window.search.setText("张")
        window.run_search()
        window.statusBar().showMessage(f"单号 WX-2026-000123 对应 {code}")
        save(window, out, "main_window")
        window.discard()
        _repair_desk(office, director, code, out)
        _supervisor_screens(office, out)
        office.close()
    return 0


def _signature() -> bytes:
    """Return a drawn-looking signature."""
    pad = SignaturePad()
    pad.resize(420, 160)
    pad.add_stroke([QPointF(20 + i * 7, 70 + 30 * math.sin(i / 3)) for i in range(50)])
    pad.add_stroke([QPointF(60 + i * 4, 40 + i * 2) for i in range(20)])
    return pad.to_png()


def _repair_desk(office, director, code: str, out: Path) -> None:
    """Render the repair desk on a paid slip stamped by finance, and the quote dialog."""
    for role, name in REPAIR_STAFF.items():
        if not any(s.role == role for s in list_staff(office)):
            add_staff(office, Actor.command_line(), name, role, "2468")
    who = {s.role.value: Actor(s.id, s.name, s.role) for s in reversed(list_staff(office))}
    start = datetime.now(SHOWN_ZONE).replace(microsecond=0) - timedelta(minutes=40)
    data = {
        "kind": "paid", "reported_at": start, "channel": "visit", "unit": code,
        "reporter_name": "刘先生", "phone": "13800138000", "category": "plumbing_electrical",
        "content": "卫生间水龙头漏水，关不紧，要求更换新龙头",
    }  # fmt: skip
    lines = [
        {"kind": "labour", "item": "拆装人工", "quantity": "1", "unit_price": "50"},
        {"kind": "material", "item": "水龙头（铜）", "quantity": "1", "unit_price": "70.50"},
        {"kind": "material", "item": "生料带", "quantity": "2", "unit_price": "1.5"},
    ]
    v = repairs.open_repair(office, who["clerk"], data, now=start)
    steps = (
        (who["engineer"], repairs.receive_repair, {"signature_png": _signature()}),
        (who["engineer"], repairs.quote_repair, {"lines": lines}),
        (who["clerk"], repairs.approve_quote, {"signer_name": "刘先生",
                                               "signature_png": _signature()}),
        (who["finance"], repairs.stamp_payment, {"receipt_no": "SJ0001", "amount": "123.50"}),
    )  # fmt: skip
    for minutes, (actor, step, kwargs) in enumerate(steps, start=1):
        at = start + timedelta(minutes=5 * minutes)
        v = step(office, actor, v.id, version=v.version, now=at, **kwargs)
    desk = RepairDeskWindow(office, who["clerk"])
    desk.resize(1400, 860)
    desk.refresh(select_id=v.id)
    save(desk, out, "repair_desk")
    signer = f"签名人：{who['engineer'].name}（工程人员）"
    quote = LinesDialog(
        f"报价 — {v.number}", signer, lambda _v: None, quote=True, lines=lines, parent=desk
    )
    save(quote, out, "repair_quote")
    quote.close()
    desk.close()


def _supervisor_screens(office, out: Path) -> None:  # type: ignore[no-untyped-def]
    """The supervisor's day on the estate: visits to make, coverage, reports, the figures."""
    from wuyedesk.domain.roles import Role
    from wuyedesk.services.staff import list_staff
    from wuyedesk.ui.daily_report import DailyReportWindow
    from wuyedesk.ui.supervisor_desk import SupervisorDeskWindow
    from wuyedesk.ui.visit_desk import VisitDeskWindow

    info = next(s for s in list_staff(office) if s.role == Role.supervisor)
    boss = Actor(info.id, info.name, info.role)
    visits = VisitDeskWindow(office, boss)
    visits.resize(1320, 820)
    if visits.table.model().rowCount():
        visits.table.selectRow(0)
    save(visits, out, "visit_desk")
    visits.tabs.setCurrentIndex(1)
    save(visits, out, "visit_plan")
    reports = DailyReportWindow(office, boss)
    reports.resize(1100, 760)
    day = reports.day.date().addDays(-2)
    while day.dayOfWeek() > 5:  # the demo's desk staff report on working days
        day = day.addDays(-1)
    reports.day.setDate(day)
    table = getattr(reports, "table", None)
    if table is not None and table.model().rowCount():
        table.selectRow(0)
    save(reports, out, "daily_report")
    board = SupervisorDeskWindow(office, boss)
    board.resize(1320, 860)
    board.period.setCurrentIndex(1)
    save(board, out, "supervisor_desk")
    for window in (visits, reports, board):  # close before the office file does
        window.close()
        window.deleteLater()
    QApplication.processEvents()


def _fill_estate(office) -> None:
    """Build a few buildings and one resident in most lower-floor units."""
    actor = Actor.command_line()
    rng = random.Random(1)
    for label, entrances, floors, per_floor in BUILDINGS:
        add_building(
            office, actor, label, entrances=entrances, floors=floors, units_per_floor=per_floor
        )
    codes = [f"3栋1单元{floor}{room:02d}" for floor in range(1, 12) for room in range(1, 5)]
    codes += [
        f"1栋{e}单元{floor}0{room}" for e in (1, 2) for floor in range(1, 7) for room in (1, 2)
    ]
    for code in codes:
        for role in ("owner", "family")[: rng.randint(1, 2)]:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN])
            phone = f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
            add_resident(office, actor, code, {"name": name, "role": role, "phone": phone})
    for resident in list_residents(office, actor)[::9]:
        mark_to_update(office, actor, resident.id, "电话已停机")


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")))
