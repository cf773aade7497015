"""The Chinese font the whole program uses, chosen from what this PC has."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

# In order of preference: Windows, macOS, then the common Linux CJK fonts.
CJK_FAMILIES = ("Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", "Noto Sans CJK SC")
MONOSPACE_FAMILIES = ("Consolas", "Menlo", "DejaVu Sans Mono", "Noto Sans Mono", "Liberation Mono")


def first_available(candidates: tuple[str, ...]) -> str | None:
    """Return the first of these font families installed on this PC, or None."""
    installed = set(QFontDatabase.families())
    return next((family for family in candidates if family in installed), None)


def apply_cjk_font(app: QApplication) -> str | None:
    """Set the application font to a CJK family so Chinese never shows as boxes."""
    family = first_available(CJK_FAMILIES)
    if family is not None:
        font = QFont(app.font())
        font.setFamily(family)
        app.setFont(font)
    return family


def monospace_font(point_size: int) -> QFont:
    """Return a fixed-pitch font of this size, for recovery keys and numbers."""
    family = first_available(MONOSPACE_FAMILIES)
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if family is not None:
        font.setFamily(family)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSize(point_size)
    return font
