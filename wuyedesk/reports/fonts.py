"""The Chinese font of the printed slips: an embeddable TrueType font found on this machine.

reportlab embeds TrueType (glyf) outlines only; CFF-outline fonts such as the
Noto/Source Han CJK collections are skipped. When no usable font exists the
slips fall back to the CID font STSong-Light, which is not embedded and shows
blank on a PC without Chinese fonts, so that fallback is announced loudly.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from wuyedesk.i18n import tr

log = logging.getLogger(__name__)

FONT_ENV = "WUYEDESK_PDF_FONT"
FALLBACK = "STSong-Light"
FALLBACK_WARNING = tr("PDF 将使用未嵌入的 STSong-Light 字体，在没有中文字体的电脑上可能显示为空白")
_FONT_NAME = "WuyeCJK"

_WINDOWS = ("msyh.ttc", "msyh.ttf", "simsun.ttc", "simhei.ttf", "simkai.ttf", "simfang.ttf")
_LINUX = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallback.ttf",
    "/usr/share/fonts/google-droid/DroidSansFallback.ttf",
    "/usr/share/fonts/droid/DroidSansFallback.ttf",
)
_MACOS = (
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
)


@dataclass(frozen=True)
class FontChoice:
    """The font the slips use: its reportlab name, its file and whether it is embedded."""

    name: str
    path: Path | None
    embedded: bool


_chosen: dict[tuple[str, str], FontChoice] = {}
_loaded: dict[Path, TTFont] = {}
_registered: set[str] = set()


def candidate_files() -> list[Path]:
    """Return the usual places of a Chinese TrueType font on this operating system, in order."""
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", "")) / "Microsoft" / "Windows" / "Fonts"
        return [folder / name for name in _WINDOWS for folder in (windir / "Fonts", local)]
    if sys.platform == "darwin":
        return [Path(p) for p in _MACOS]
    return [Path(p) for p in _LINUX]


def _fontconfig_files() -> list[Path]:
    """Ask fontconfig for any other font that covers Chinese (TrueType or collection)."""
    if shutil.which("fc-list") is None:
        return []
    try:
        done = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return []
    files = {line.split(":")[0].strip() for line in done.stdout.splitlines() if line.strip()}
    return sorted(Path(f) for f in files if f.lower().endswith((".ttf", ".ttc")))


def _load(path: Path) -> TTFont | None:
    """Open a font file for embedding; None for CFF outlines or an unreadable file."""
    if path in _loaded:
        return _loaded[path]
    try:
        font = TTFont(f"{_FONT_NAME}{len(_loaded)}", str(path), subfontIndex=0)
    except (TTFError, OSError, ValueError) as exc:
        log.info("字体 %s 不能嵌入 PDF：%s", path, exc)
        return None
    _loaded[path] = font
    return font


def find_font_file(explicit: str | Path | None = None) -> Path | None:
    """Return the first embeddable Chinese font: the argument, WUYEDESK_PDF_FONT, then the OS's."""
    wanted = explicit or os.environ.get(FONT_ENV)
    if wanted:
        path = Path(wanted).expanduser()
        if path.is_file() and _load(path) is not None:
            return path
        log.warning("指定的字体 %s 不存在或不能嵌入（需 TrueType 轮廓），改为自动查找", path)
    for path in candidate_files():
        if path.is_file() and _load(path) is not None:
            return path
    if sys.platform not in ("win32", "darwin"):
        for path in _fontconfig_files():
            if _load(path) is not None:
                return path
    return None


def choose_font(explicit: str | Path | None = None) -> FontChoice:
    """Return the slips' font, registered with reportlab once per process and font file."""
    key = (str(explicit or ""), os.environ.get(FONT_ENV, ""))
    choice = _chosen.get(key)
    if choice is None:
        choice = _register(find_font_file(explicit))
        _chosen[key] = choice
    if not choice.embedded:
        log.warning(FALLBACK_WARNING)
        warnings.warn(FALLBACK_WARNING, RuntimeWarning, stacklevel=2)
    return choice


def _register(path: Path | None) -> FontChoice:
    if path is None:
        if FALLBACK not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
        return FontChoice(FALLBACK, None, embedded=False)
    font = _load(path)
    if font is None:  # vanished between discovery and registration
        return _register(None)
    if font.fontName not in _registered:
        pdfmetrics.registerFont(font)
        _registered.add(font.fontName)
        log.info("PDF 字体：%s", path)
    return FontChoice(font.fontName, path, embedded=True)


def forget_choice() -> None:
    """Forget the chosen font so the next slip looks again (after installing a font; tests)."""
    _chosen.clear()
