"""Open the main screens and print the slips in one language; list every Chinese text shown.

Run in its own process, the language being chosen at start:
    WUYEDESK_LANG=en QT_QPA_PLATFORM=offscreen python tests/gui/english_check.py OUT_DIR
Prints one JSON object: {"screens": [...], "slips": [...], "chinese": [[where, text], ...]}.
Used by tests/gui/test_english.py (not a test itself).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTableView,
    QTabWidget,
    QTextEdit,
    QWidget,
)
from sqlalchemy import select

from wuyedesk import i18n
from wuyedesk.services.context import Actor

# Each language offers itself in its own words in the language menu (ui/language_menu.py).
OWN_NAMES = {"简体中文"}
ROWS = 40  # table rows read per view (what a first screen shows)
_TAG = re.compile(r"<[^>]+>")


def texts_of(widget: QWidget) -> Iterator[tuple[str, str]]:
    """Yield (where, text) for every visible text of a window and its children."""
    name = widget.objectName() or type(widget).__name__
    yield f"{name}:title", widget.windowTitle()
    for child in [widget, *widget.findChildren(QWidget)]:
        if not child.isVisibleTo(widget) and child is not widget:
            continue
        where = f"{name}/{child.objectName() or type(child).__name__}"
        yield f"{where}:tooltip", child.toolTip()
        if isinstance(child, QLabel):
            yield where, _TAG.sub("", child.text())
        elif isinstance(child, QAbstractButton):
            yield where, child.text()
        elif isinstance(child, QGroupBox):
            yield where, child.title()
        elif isinstance(child, QLineEdit):
            yield where, child.text()
            yield f"{where}:placeholder", child.placeholderText()
        elif isinstance(child, QPlainTextEdit):
            yield where, child.toPlainText()
            yield f"{where}:placeholder", child.placeholderText()
        elif isinstance(child, QTextEdit):
            yield where, child.toPlainText()
        elif isinstance(child, QComboBox):
            for row in range(child.count()):
                yield f"{where}[{row}]", child.itemText(row)
        elif isinstance(child, QTabWidget):
            for row in range(child.count()):
                yield f"{where}:tab{row}", child.tabText(row)
        elif isinstance(child, QMenu):
            yield where, child.title()
            for action in child.actions():
                yield f"{where}/{action.objectName()}", action.text()
                yield f"{where}/{action.objectName()}:tooltip", action.toolTip()
        elif isinstance(child, QHeaderView):
            continue  # a table's header: its model is the table's, read with the table
        elif isinstance(child, QAbstractItemView) and child.model() is not None:
            yield from _model_texts(where, child)


def _model_texts(where: str, view: QAbstractItemView) -> Iterator[tuple[str, str]]:
    model = view.model()

    def columns(parent: QModelIndex) -> int:
        try:
            return model.columnCount(parent)
        except TypeError:  # a list model keeps columnCount private: one column
            return 1

    for column in range(columns(QModelIndex())):
        yield f"{where}:header{column}", str(model.headerData(column, Qt.Orientation.Horizontal))

    def walk(parent: QModelIndex, depth: int) -> Iterator[tuple[str, str]]:
        for row in range(min(model.rowCount(parent), ROWS)):
            for column in range(columns(parent)):
                index = model.index(row, column, parent)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = model.data(index, role)
                    if isinstance(value, str):
                        yield f"{where}[{row},{column}]", value
                if column == 0 and depth < 4 and model.rowCount(index) > 0:
                    yield from walk(index, depth + 1)

    yield from walk(QModelIndex(), 0)


def settle(widget: QWidget) -> None:
    """Show the window, let it lay out and load, and pick each list's first record."""
    widget.show()
    for _ in range(3):
        QApplication.processEvents()
    for view in widget.findChildren(QTableView):  # the panels beside the lists fill in
        if view.isVisibleTo(widget) and view.model() is not None and view.model().rowCount():
            view.selectRow(0)
            QApplication.processEvents()


def build_office(folder: Path):  # type: ignore[no-untyped-def]
    """Create an office file with a demo estate in the chosen language."""
    from wuyedesk.services.demo import generate_demo
    from wuyedesk.services.office import init_office

    office, _ = init_office(
        folder / "office.wuye",
        "correct horse battery staple",
        office_name="Sunshine Garden Property Office",
        estate_name="Sunshine Garden",
        director_name="Wang Jianguo",
        director_pin="1357",
        passphrase_n=2**12,
    )
    generate_demo(office, Actor.command_line(), households=60, seed=3)
    return office


def main_screens(office) -> Iterator[tuple[str, QWidget]]:  # type: ignore[no-untyped-def]
    """Yield each main screen, opened as its user would."""
    from wuyedesk.domain.roles import Role
    from wuyedesk.services.staff import list_staff
    from wuyedesk.ui.daily_report import DailyReportWindow
    from wuyedesk.ui.help_log import HelpLogWindow
    from wuyedesk.ui.login import LoginDialog
    from wuyedesk.ui.main_window import MainWindow
    from wuyedesk.ui.monthly_export import MonthlyExportDialog
    from wuyedesk.ui.reconciliation_sheet import ReconciliationWindow
    from wuyedesk.ui.register import RegisterWindow
    from wuyedesk.ui.repair_desk import RepairDeskWindow
    from wuyedesk.ui.resident_form import ResidentDialog
    from wuyedesk.ui.staff_admin import StaffAdminWindow
    from wuyedesk.ui.start import UnlockDialog
    from wuyedesk.ui.supervisor_desk import SupervisorDeskWindow
    from wuyedesk.ui.visit_desk import VisitDeskWindow

    staff = {s.role: Actor(s.id, s.name, s.role) for s in reversed(list_staff(office))}
    boss = staff[Role.supervisor]
    yield "unlock", UnlockDialog(office.location)
    yield "login", LoginDialog(office)
    window = MainWindow(office, staff[Role.director])
    window.resize(1200, 760)
    codes = sorted(_unit_codes(office))
    window.open_unit(codes[len(codes) // 2])
    yield "main_window", window
    yield "register", RegisterWindow(office, staff[Role.clerk])
    yield "help_log", HelpLogWindow(office, staff[Role.clerk])
    yield "repair_desk", RepairDeskWindow(office, staff[Role.eng_supervisor])
    yield "visit_desk", VisitDeskWindow(office, boss)
    yield "daily_report", DailyReportWindow(office, boss)
    yield "supervisor_desk", SupervisorDeskWindow(office, boss)
    yield "monthly_export", MonthlyExportDialog(office, boss)
    yield "reconciliation", ReconciliationWindow(office, staff[Role.eng_supervisor])
    yield "resident_form", ResidentDialog(office, staff[Role.clerk], codes[0], None)
    yield "staff_admin", StaffAdminWindow(office, staff[Role.director])


def _unit_codes(office) -> list[str]:  # type: ignore[no-untyped-def]
    from wuyedesk.store.models import Resident, Unit

    with office.transaction() as session:
        return list(session.scalars(select(Unit.code).join(Resident, Resident.unit_id == Unit.id)))


def print_slips(office, out: Path) -> Iterator[tuple[str, Path]]:  # type: ignore[no-untyped-def]
    """Print one of each slip the office prints; yield (what, pdf)."""
    from wuyedesk.services.printing import print_record, print_register
    from wuyedesk.services.repair_printing import print_repair
    from wuyedesk.services.report_printing import print_daily_report
    from wuyedesk.services.visit_printing import print_door_note
    from wuyedesk.store.models import DailyReport, HelpRequest, RepairOrder, ReturnVisit

    actor = Actor.command_line()
    with office.transaction() as session:
        paid = session.scalar(select(RepairOrder.number).where(RepairOrder.kind == "paid"))
        free = session.scalar(select(RepairOrder.number).where(RepairOrder.kind == "free"))
        visit = session.scalars(
            select(ReturnVisit).where(ReturnVisit.state != "void").order_by(ReturnVisit.id.desc())
        ).first()
        visit_number, visit_id = (visit.number, visit.id) if visit else (None, None)
        help_number = session.scalar(select(HelpRequest.number))
        report_id = session.scalar(select(DailyReport.id))
    for number, paper in ((free, "a5"), (paid, "a5"), (paid, "continuous")):
        if number:
            yield (
                f"{number}-{paper}",
                print_repair(office, actor, number, out / f"{number}-{paper}.pdf", paper=paper),
            )
    for number in (visit_number, help_number):
        if number:
            yield number, print_record(office, actor, number, out / f"{number}.pdf")
    if visit_id is not None:
        yield "door_note", print_door_note(office, actor, visit_id, out / "door.pdf")
    if report_id is not None:
        yield "daily_report", print_daily_report(office, actor, report_id, out / "daily.pdf")
    day = date.today() - timedelta(days=3)
    print_register(office, actor, day - timedelta(days=7), day, out / "register.pdf")
    yield "register", out / "register.pdf"


def pdf_text(path: Path) -> str:
    """Return a PDF's text as poppler's pdftotext reads it."""
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def main(out: Path) -> int:
    """Open every main screen and print every slip; report the Chinese left."""
    from wuyedesk.ui.app import create_app

    out.mkdir(parents=True, exist_ok=True)
    create_app(["wuyedesk-english-check"])
    office = build_office(out)
    chinese: list[tuple[str, str]] = []
    screens, slips = [], []
    for name, widget in main_screens(office):
        settle(widget)
        widget.grab().save(str(out / f"{name}.png"))
        screens.append(name)
        for where, text in texts_of(widget):
            if text and i18n.has_chinese(text) and text not in OWN_NAMES:
                chinese.append((f"{name}: {where}", text))
        widget.close()
    for what, pdf in print_slips(office, out):
        slips.append(what)
        for line in pdf_text(pdf).splitlines():
            if i18n.has_chinese(line):
                chinese.append((f"slip {what}", line.strip()))
    office.close()
    print(json.dumps({"screens": screens, "slips": slips, "chinese": chinese}, ensure_ascii=False))
    sys.stdout.flush()
    os._exit(0)  # PySide6 teardown of many windows is slow and may crash after the result


if __name__ == "__main__":
    main(Path(sys.argv[1]))
