"""Time from starting the program to the unlock window on screen (median of several runs).

Each run is a fresh Python process, as when the clerk double-clicks the icon:
interpreter start, imports, Qt start-up, the unlock dialog shown and painted.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import sys
from pathlib import Path
from wuyedesk.ui.app import Desk, create_app
app = create_app([])
desk = Desk(Path(sys.argv[1]))
desk.start()
app.processEvents()
assert desk.unlock is not None and desk.unlock.isVisible()
desk.unlock.grab()  # painted, not only created
"""


def measure(runs: int = 7) -> tuple[float, list[float]]:
    """Return the median and all runs, in seconds."""
    from wuyedesk.services.office import init_office

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "office.wuye"
        office, _ = init_office(
            path,
            "bench passphrase 1",
            office_name="管理处",
            estate_name="小区",
            director_name="王主任",
            director_pin="1357",
        )
        office.close()
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", CHILD, str(path)], check=True, env=env)
            times.append(time.perf_counter() - started)
    return statistics.median(times), times


if __name__ == "__main__":
    median, times = measure()
    print(
        f"start to unlock window: median {median:.2f} s  ({', '.join(f'{t:.2f}' for t in times)})"
    )
