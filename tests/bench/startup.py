"""The desk from a cold start, each run a fresh Python process, as when the clerk starts it.

- start to unlock window: interpreter start, imports, Qt start-up, the unlock dialog shown
  and painted (the child stamps the wall clock once painted; the parent started it);
- unlock + login to main window: in a started program with the unlock window up, from
  pressing 确定 with the passphrase typed — after the database layer has loaded on its
  background thread, as it does while a clerk types — (scrypt, opening the file, the daily backup if
  it is the day's first start, the login window) through picking a name and typing the PIN
  to the main window shown and painted. The first run of a day also makes the day's
  backup: `measure_login` reports that run apart (`backup_seconds`) and takes the median
  over the runs after it.
Run alone: .venv/bin/python tests/bench/startup.py [OFFICE_FILE] (an empty office if none).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from plain import CHILD_PRELUDE, PLAIN_FLAG

PASSPHRASE = "bench passphrase 1"
ROOT = Path(__file__).resolve().parents[2]

START = (
    CHILD_PRELUDE
    + """
import time
from pathlib import Path
from wuyedesk.ui.app import Desk, create_app
app = create_app([])
desk = Desk(Path(sys.argv[1]))
desk.start()
app.processEvents()
assert desk.unlock is not None and desk.unlock.isVisible()
desk.unlock.grab()  # painted, not only created
print(time.time())
"""
)

LOGIN = (
    CHILD_PRELUDE
    + """
import time
from pathlib import Path
from PySide6.QtWidgets import QLineEdit
from wuyedesk.ui.app import Desk, create_app
path, passphrase, name, pin = sys.argv[1:5]
app = create_app([])
desk = Desk(Path(path))
desk.start()
app.processEvents()
desk.unlock.grab()
app.processEvents()  # the window's own start-up calls (keyring, warm-up)
import threading
for thread in threading.enumerate():  # the database layer loads while the clerk types
    if thread.name == "wuyedesk-warm-up":
        thread.join()
desk.unlock.form.findChild(QLineEdit, "passphrase").setText(passphrase)
started = time.perf_counter()
desk.unlock.unlock()  # 确定: the key, the file, the daily backup, the login window
app.processEvents()
unlocked = time.perf_counter()
assert desk.login is not None and desk.login.isVisible(), "no login window"
assert desk.login.select_staff(name), name
desk.login.pin.setText(pin)
desk.login.pin.returnPressed.emit()
app.processEvents()
assert desk.window is not None and desk.window.isVisible(), "no main window"
desk.window.grab()
print(time.perf_counter() - started, unlocked - started)
desk.shutdown()
"""
)


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}


def _run(code: str, *args: str, plain: bool) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args, *([PLAIN_FLAG] if plain else [])],
        env=_env(),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode:
        raise SystemExit(f"desk child failed ({done.returncode}):\n{done.stderr}")
    return done.stdout.strip().splitlines()[-1]


def measure_start(path: Path, runs: int, *, plain: bool = False) -> list[float]:
    """Return the seconds from starting a process to its painted unlock window, per run."""
    times = []
    for _ in range(runs):
        started = time.time()
        painted = float(_run(START, str(path), plain=plain))
        times.append(painted - started)
    return times


def measure_login(
    path: Path, name: str, pin: str, runs: int, *, plain: bool = False
) -> dict[str, list[float]]:
    """Time unlock + login to the main window per run; the first run (day's backup) apart."""
    from wuyedesk.store.backup import daily_backup_path, daily_folder

    first_of_day = not daily_backup_path(daily_folder(path), path, date.today()).exists()
    results: dict[str, list[float]] = {"login": [], "unlock": [], "backup": []}
    for run in range(runs + (1 if first_of_day else 0)):
        total, unlocked = (float(v) for v in _run(LOGIN, str(path), PASSPHRASE, name, pin,
                                                  plain=plain).split())  # fmt: skip
        if first_of_day and run == 0:
            results["backup"].append(total)
            continue
        results["login"].append(total)
        results["unlock"].append(unlocked)
    return results


def main() -> None:
    """Print both figures for an office file (or a new empty one)."""
    from wuyedesk.services.demo import DEMO_DIRECTOR, DEMO_PIN
    from wuyedesk.services.office import init_office

    with tempfile.TemporaryDirectory() as tmp:
        if len(sys.argv) > 1:
            path = Path(sys.argv[1])
        else:
            path = Path(tmp) / "office.wuye"
            office, _ = init_office(
                path,
                PASSPHRASE,
                office_name="管理处",
                estate_name="小区",
                director_name=DEMO_DIRECTOR,
                director_pin=DEMO_PIN,
            )
            office.close()
        times = measure_start(path, 7)
        print(f"start to unlock window: median {statistics.median(times):.2f} s  "
              f"({', '.join(f'{t:.2f}' for t in times)})")  # fmt: skip
        login = measure_login(path, DEMO_DIRECTOR, DEMO_PIN, 5)
        print(f"unlock + login to main window: median {statistics.median(login['login']):.2f} s  "
              f"({', '.join(f'{t:.2f}' for t in login['login'])})")  # fmt: skip


if __name__ == "__main__":
    main()
