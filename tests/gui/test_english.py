"""The English build: no Chinese on the main screens or the printed slips.

Each language is chosen when a process starts, so the screens are opened and the slips
printed in a fresh process speaking English (tests/gui/english_check.py); a second run in
Chinese shows that the check does see Chinese where there is some.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("english_check.py")
SCREENS = {"unlock", "login", "main_window", "register", "help_log", "repair_desk",
           "visit_desk", "daily_report", "supervisor_desk", "monthly_export",
           "reconciliation", "resident_form", "staff_admin"}  # fmt: skip

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def run_check(language: str, out: Path) -> dict:
    env = dict(os.environ, WUYEDESK_LANG=language, QT_QPA_PLATFORM="offscreen")
    env["XDG_DATA_HOME"] = str(out / "data")  # this PC's settings stay out of it
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(out)],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_english_build_shows_no_chinese_on_screens_or_slips(tmp_path: Path) -> None:
    found = run_check("en", tmp_path)
    assert set(found["screens"]) == SCREENS
    kinds = {what.split("-")[0] for what in found["slips"]}
    assert {"WX", "YC", "HF", "QZ", "door_note", "daily_report", "register"} <= kinds
    shown = "\n".join(f"{where}: {text}" for where, text in found["chinese"][:60])
    assert found["chinese"] == [], f"{len(found['chinese'])} Chinese texts:\n{shown}"


def test_the_check_sees_chinese_in_the_chinese_build(tmp_path: Path) -> None:
    found = run_check("zh_CN", tmp_path)
    places = {where.split(":")[0] for where, _ in found["chinese"]}
    assert places >= SCREENS
    assert any(where.startswith("slip WX") for where, _ in found["chinese"])
