"""The 语言 / Language menu: follow the system, Simplified Chinese or English, from next start."""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from wuyedesk import i18n
from wuyedesk.i18n import tr

# Each language is offered in its own words, so whoever cannot read the current one finds
# theirs; the menu's title says "Language" in both.
CHOICES = (  # i18n: data
    (i18n.SYSTEM, None),
    (i18n.CHINESE, "简体中文"),
    (i18n.ENGLISH, "English"),
)


def add_language_menu(menu: QMenu, parent: QWidget) -> QMenu:
    """Add the language submenu to `menu`; a choice is saved on this PC for the next start."""
    sub = menu.addMenu(tr("语言 / Language"))
    sub.setObjectName("language_menu")
    group = QActionGroup(sub)
    group.setExclusive(True)
    current = i18n.saved_setting()
    for value, name in CHOICES:
        action = QAction(name or tr("跟随系统"), sub)
        action.setObjectName(f"language_{value}")
        action.setCheckable(True)
        action.setChecked(value == current)
        action.triggered.connect(lambda _checked=False, v=value: choose_language(parent, v))
        group.addAction(action)
        sub.addAction(action)
    return sub


def choose_language(parent: QWidget | None, value: str) -> str:
    """Save the language setting and say that it takes effect at the next start."""
    i18n.save_setting(value)
    QMessageBox.information(
        parent,
        tr("语言 / Language"),
        tr(
            "语言设置已保存，重新启动 wuyedesk 后生效。\n"
            "The language changes when wuyedesk starts again."
        ),
    )
    return value
