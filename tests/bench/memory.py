"""Peak memory of the program at work on the estate: a fresh process, its VmHWM at the end.

The child starts the desk offscreen, unlocks the office file, logs the supervisor in (the
monthly workbook is theirs), searches residents, opens the paper screens from the menus
(register, help, repair slips, visits, daily reports: each opens on its list) and exports
last month's workbook, then prints its peak resident set size (VmHWM, KiB; not the
parent's wait4 figure, which would start from the parent's own peak).
Run alone: .venv/bin/python tests/bench/memory.py OFFICE_FILE NAME [--plain]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from plain import CHILD_PRELUDE, PLAIN_FLAG

PASSPHRASE = "bench passphrase 1"
ROOT = Path(__file__).resolve().parents[2]
SCREENS = ("来访/来电登记", "求助", "维修单", "回访", "日工作呈报")

WORK = (
    CHILD_PRELUDE
    + f"""
from datetime import date
from pathlib import Path
from PySide6.QtWidgets import QLineEdit
from wuyedesk.services import monthly_export
from wuyedesk.ui.app import Desk, create_app
path, passphrase, name, pin, queries, out = sys.argv[1:7]
def status(key):
    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith(key))
app = create_app([])
desk = Desk(Path(path))
desk.start()
app.processEvents()
desk.unlock.form.findChild(QLineEdit, "passphrase").setText(passphrase)
desk.unlock.unlock()
assert desk.login.select_staff(name), name
desk.login.pin.setText(pin)
desk.login.pin.returnPressed.emit()
app.processEvents()
window = desk.window
window.grab()
for query in queries.split("|"):
    window.search.setText(query)
    window.run_search()
    app.processEvents()
opened = 0
for menu_action in window.menuBar().actions():
    menu = menu_action.menu()
    for action in (menu.actions() if menu is not None else []):
        if action.text() in {SCREENS!r} and action.isEnabled():
            action.trigger()
            app.processEvents()
            opened += 1
for widget in app.topLevelWidgets():
    if widget.isVisible():
        widget.grab()
assert opened == {len(SCREENS)}, opened
month = monthly_export.default_month(date.today())
monthly_export.export_monthly(desk.office, desk.actor, month, out)
app.processEvents()
print(status("VmRSS"), status("VmHWM"))
desk.shutdown()
"""
)


def measure(path: Path, name: str, pin: str, queries: list[str], *, plain: bool = False) -> float:
    """Return the peak RSS (MB) of one fresh program doing the day's work on the file."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "monthly.xlsx"
        args = [str(path), PASSPHRASE, name, pin, "|".join(queries), str(out)]
        done = subprocess.run(
            [sys.executable, "-c", WORK, *args, *([PLAIN_FLAG] if plain else [])],
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    if done.returncode:
        raise SystemExit(f"memory child failed ({done.returncode}):\n{done.stderr}")
    _, peak = done.stdout.strip().splitlines()[-1].split()
    return int(peak) / 1024


if __name__ == "__main__":
    from wuyedesk.services.demo import DEMO_PIN

    plain = PLAIN_FLAG in sys.argv
    office, who = (a for a in sys.argv[1:3])
    print(f"peak RSS {measure(Path(office), who, DEMO_PIN, ['王', '1502'], plain=plain):.0f} MB")
