"""Every visible string goes through tr() and has a finished English translation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wuyedesk import i18n
from wuyedesk.i18n_catalog import ROOT, check, collect, placeholders, scan_python, stale_qm


def test_every_visible_string_has_an_english_translation() -> None:
    problems = check()
    assert problems == [], f"{len(problems)} problems, first: " + "\n".join(problems[:30])


def test_compiled_translation_matches_its_source() -> None:
    assert stale_qm() == [], "run: python -m wuyedesk.i18n_catalog release"


def test_catalog_finds_ui_forms_code_and_slip_layouts() -> None:
    messages, _ = collect()
    places = {m.where.split(":")[0].split("/")[0] for m in messages}
    assert {"wuyedesk", "forms", "reports"} <= places
    sources = {m.source for m in messages}
    assert "存根联" in sources  # a slip copy's name, from reports/repair_slip.json
    contexts = {m.context for m in messages if m.where.startswith("forms/")}
    assert "ResidentForm" in contexts or len(contexts) >= 5


def test_unwrapped_chinese_is_caught(tmp_path: Path) -> None:
    module = tmp_path / "screen.py"
    module.write_text(
        "from wuyedesk.i18n import tr\n"
        "A = tr('住户')\n"
        "B = '维修单'\n"
        "C = f'共 {n} 张'\n"
        "D = '栋'  # i18n: data\n"
        "def f():\n    '''文档。'''\n    log.info('日志')\n",
        encoding="utf-8",
    )
    messages, loose = scan_python(module, "screen.py")
    assert [m.source for m in messages] == ["住户"]
    assert len(loose) == 2 and "维修单" in loose[0] and "f-string" in loose[1]


def test_placeholders_are_compared_by_name() -> None:
    assert placeholders("共 {0} 张，{name:.2f} 元 {{x}}") == ["0", "name"]


def test_translated_layout_keeps_editors_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_catalog", {(i18n.CONTEXT, "存根联"): "Stub copy"})
    layout = {"about": "存根联", "copies": ["存根联"], "size": 8}
    assert i18n.translate_layout(layout) == {"about": "存根联", "copies": ["Stub copy"], "size": 8}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("zh_CN.UTF-8", "zh_CN"), ("en_GB.UTF-8", "en"), ("English_United States", "en"),
     ("de_DE", None), ("", None), ("C", None)],
)  # fmt: skip
def test_locale_names_map_to_languages(raw: str, expected: str | None) -> None:
    assert i18n.normalize(raw) == expected


def test_language_comes_from_env_then_setting_then_system(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv(i18n.ENV, raising=False)
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert i18n.saved_setting() == i18n.SYSTEM
    assert i18n.chosen_language() == "zh_CN"  # unknown system language: Chinese
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert i18n.chosen_language() == "en"
    i18n.save_setting("zh_CN")
    assert json.loads(i18n.settings_path().read_text(encoding="utf-8")) == {"language": "zh_CN"}
    assert i18n.chosen_language() == "zh_CN"
    monkeypatch.setenv(i18n.ENV, "en")
    assert i18n.chosen_language() == "en"
    with pytest.raises(ValueError):
        i18n.save_setting("fr")


def test_english_catalog_translates_and_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_catalog", {})
    i18n.set_language("en")
    try:
        assert i18n.language() == "en"
        assert i18n.tr("存根联") and not i18n.has_chinese(i18n.tr("存根联"))
        assert i18n.tr("不在目录里的字") == "不在目录里的字"
    finally:
        i18n.set_language("zh_CN")
    assert i18n.tr("存根联") == "存根联"


def test_root_is_the_checkout() -> None:
    assert (ROOT / "resources" / "i18n").is_dir()
