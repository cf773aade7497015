"""The program's language: Simplified Chinese source strings, translated on the way out.

Every string a person sees is written in Chinese in the source and passed through
`tr()`. The translations live in Qt's translation format (`resources/i18n/wuyedesk_<lang>.ts`,
editable in Qt Linguist; the screens also load the compiled `.qm` into Qt's translator for the
`.ui` forms). This module reads the same `.ts` without Qt, so the layers below `ui` (domain,
services, reports) translate too, and it is imported before any of them builds its labels.

The language is chosen once per process, before the first module's labels are built:
`WUYEDESK_LANG` if set, else the setting saved on this PC (`settings.json` in the user data
folder), else the system's language; anything but English falls back to Simplified Chinese.
A changed setting takes effect at the next start.
"""

from __future__ import annotations

import json
import locale
import logging
import os
import re
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CHINESE = "zh_CN"
ENGLISH = "en"
LANGUAGES = (CHINESE, ENGLISH)
SYSTEM = "system"  # the setting's value for "follow the system"
ENV = "WUYEDESK_LANG"
CONTEXT = "wuyedesk"  # the translation context of every string in the Python code

_catalog: dict[tuple[str, str], str] = {}
_language = CHINESE


def normalize(value: str | None) -> str | None:
    """Map a locale name (zh_CN.UTF-8, en-GB, English_United States) to a language, or None."""
    if not value:
        return None
    text = value.strip().lower().replace("-", "_")
    if text.startswith(("zh", "chinese")):
        return CHINESE
    if text.startswith(("en", "english")):
        return ENGLISH
    return None


def system_language() -> str:
    """Return the language of the PC's user interface, Simplified Chinese when unknown."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        try:
            import ctypes

            lang_id = ctypes.windll.kernel32.GetUserDefaultUILanguage()
            found = normalize(locale.windows_locale.get(lang_id))
            if found:
                return found
        except (AttributeError, OSError):
            log.info("could not read the Windows UI language", exc_info=True)
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        raw = os.environ.get(name)
        if raw:
            # LANGUAGE may list several (en_GB:en); the first one decides.
            found = normalize(raw.split(":")[0])
            return found or CHINESE
    return CHINESE


def settings_path() -> Path:
    """Return this PC's settings file (per user, beside the default office file)."""
    from wuyedesk.paths import user_data_dir

    return user_data_dir() / "settings.json"


def saved_setting() -> str:
    """Return the language setting saved on this PC: `system`, `zh_CN` or `en`."""
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return SYSTEM
    value = data.get("language") if isinstance(data, dict) else None
    return value if value in (SYSTEM, *LANGUAGES) else SYSTEM


def save_setting(value: str) -> None:
    """Save the language setting on this PC (takes effect at the next start)."""
    if value not in (SYSTEM, *LANGUAGES):
        raise ValueError(f"unknown language setting {value!r}")
    path = settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data["language"] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(temp, path)


def chosen_language() -> str:
    """Return the language this process should speak (environment, setting, system)."""
    forced = normalize(os.environ.get(ENV))
    if forced:
        return forced
    setting = saved_setting()
    if setting in LANGUAGES:
        return setting
    return system_language()


def translation_file(language: str, suffix: str = ".ts") -> Path:
    """Return the translation file of a language (`.ts` source or `.qm` compiled)."""
    from wuyedesk.paths import data_dir

    return data_dir("resources") / "i18n" / f"wuyedesk_{language}{suffix}"


def read_catalog(path: Path) -> dict[tuple[str, str], str]:
    """Return (context, source) → translation for the finished messages of a `.ts` file."""
    from defusedxml import ElementTree

    catalog: dict[tuple[str, str], str] = {}
    root = ElementTree.parse(str(path)).getroot()
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source")
            node = message.find("translation")
            if source is None or node is None or not node.text:
                continue
            if node.get("type") in ("unfinished", "vanished", "obsolete"):
                continue
            catalog[(name, source)] = node.text
    return catalog


def set_language(language: str) -> None:
    """Speak `language` from now on (labels built before keep the language they were built in)."""
    global _language, _catalog
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    catalog: dict[tuple[str, str], str] = {}
    if language != CHINESE:
        path = translation_file(language)
        try:
            catalog = read_catalog(path)
        except (OSError, SyntaxError) as exc:  # a broken install: speak Chinese, say why
            log.error("translation %s unreadable (%s); falling back to Chinese", path, exc)
            language = CHINESE
    _language, _catalog = language, catalog


def language() -> str:
    """Return the language this process speaks."""
    return _language


def tr(text: str, context: str = CONTEXT) -> str:
    """Return `text` in the chosen language (the Chinese source when untranslated)."""
    if not _catalog:
        return text
    return _catalog.get((context, text), text)


def translate_layout(value: Any, key: str | None = None) -> Any:
    """Return a slip or workbook layout (parsed JSON) with its Chinese strings translated.

    The layouts' `about` entries are notes for whoever edits them, and are left alone.
    """
    if _catalog and key != "about":
        if isinstance(value, dict):
            return {k: translate_layout(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [translate_layout(v, key) for v in value]
        if isinstance(value, str):
            return tr(value)
    return value


def N_(text: str) -> str:
    """Mark `text` for translation but keep it as is: data stored or compared in Chinese
    (a gender, a column name of an import) that is shown through `tr(value)` later."""
    return text


_CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def has_chinese(text: str) -> bool:
    """Return True when `text` holds a Chinese character or full-width punctuation."""
    return bool(_CJK.search(text))


set_language(chosen_language())
