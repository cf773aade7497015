"""The 语言 / Language menu saves this PC's choice for the next start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from wuyedesk import i18n
from wuyedesk.ui.language_menu import add_language_menu


def test_choosing_english_saves_the_setting_and_says_when(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))
    parent = QWidget()
    qtbot.addWidget(parent)
    menu = QMenu(parent)
    sub = add_language_menu(menu, parent)
    actions = {a.objectName(): a for a in sub.actions()}
    assert set(actions) == {"language_system", "language_zh_CN", "language_en"}
    assert actions["language_system"].isChecked()  # nothing saved yet: follow the system
    assert (
        actions["language_zh_CN"].text() == "简体中文"
        and actions["language_en"].text() == "English"
    )
    actions["language_en"].trigger()
    assert json.loads(i18n.settings_path().read_text(encoding="utf-8"))["language"] == "en"
    assert told and "重新启动" in told[0]
    assert i18n.language() == "zh_CN"  # this process keeps its language until restarted
    again = add_language_menu(QMenu(parent), parent)
    assert {a.objectName(): a for a in again.actions()}["language_en"].isChecked()
