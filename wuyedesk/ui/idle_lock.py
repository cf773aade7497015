"""The idle lock: no input for a while sends the desk back to login, later locks the file.

Also what keeps work and numbers safe around a lock: closing the open modal dialogs (their
nested event loops included) and keeping a form's typing as a draft as it is typed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDoubleSpinBox,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QWidget,
)

from wuyedesk.i18n import tr
from wuyedesk.lazy import lazy_module
from wuyedesk.services.context import Actor

if TYPE_CHECKING:
    from wuyedesk.services import drafts
    from wuyedesk.store.office_file import OfficeFile
else:  # loaded on first use (wuyedesk/lazy.py)
    drafts = lazy_module("wuyedesk.services.drafts")

log = logging.getLogger(__name__)

# A dialog closed by the desk (lock, switch user) carries this property: its typing is kept.
CLOSED_BY_DESK = "wuyedesk_closed_by_desk"
AUTOSAVE_MS = 3000  # a form's draft is kept this long after the last edit
_MAX_MODALS = 50  # guards the closing loop against a dialog that will not go

# Input that counts as someone being at the desk.
_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.InputMethod,
    }
)


def format_countdown(seconds: float) -> str:
    """Return 'm:ss' for the status bar's lock countdown."""
    seconds = max(0, int(seconds + 0.999))
    return f"{seconds // 60}:{seconds % 60:02d}"


class IdleLock(QObject):
    """Watches the whole application's input; emits when the idle and file-lock times run out."""

    idle = Signal()  # back to the staff login, unsaved work kept as drafts
    file_lock = Signal()  # close the office file: the data key leaves memory
    tick = Signal(str)  # the status bar's countdown text, e.g. "5:00 后锁定"

    def __init__(
        self,
        idle_minutes: float,
        file_minutes: float = 0,
        *,
        clock: Callable[[], float] = time.monotonic,
        interval_ms: int = 1000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.idle_seconds = idle_minutes * 60
        self.file_seconds = file_minutes * 60
        self.clock = clock
        self.last_input = clock()
        self.idle_fired = False
        self.file_fired = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        """Begin watching input (counting from now)."""
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.reset()
        self.timer.start()

    def stop(self) -> None:
        """Stop watching; nothing is emitted any more."""
        self.timer.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def reset(self) -> None:
        """Someone is at the desk: count from now again."""
        self.last_input = self.clock()
        self.idle_fired = False
        self.file_fired = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Reset on any mouse or keyboard input; never swallow the event."""
        if event.type() in _ACTIVITY:
            self.last_input = self.clock()
            self.idle_fired = False
            self.file_fired = False
        return False

    def idle_for(self) -> float:
        """Return how many seconds nobody has touched the desk."""
        return self.clock() - self.last_input

    def remaining(self) -> float:
        """Return the seconds left before the idle lock."""
        return max(0.0, self.idle_seconds - self.idle_for())

    def countdown_text(self) -> str:
        """Return the status bar's text, e.g. '4:59 后锁定'."""
        return tr("{0} 后锁定").format(format_countdown(self.remaining()))

    def check(self) -> None:
        """Emit the countdown and whichever lock is due (each once per idle spell)."""
        idle = self.idle_for()
        if not self.idle_fired and idle >= self.idle_seconds:
            self.idle_fired = True
            self.idle.emit()
        if self.file_seconds > 0 and not self.file_fired and idle >= self.file_seconds:
            self.file_fired = True
            self.file_lock.emit()
        self.tick.emit(self.countdown_text())

    def trigger_idle(self) -> None:
        """Act as if the idle time had run out now."""
        self.idle_fired = True
        self.idle.emit()

    def trigger_file_lock(self) -> None:
        """Act as if the file-lock time had run out now."""
        self.file_fired = True
        self.file_lock.emit()


def _is_modal(widget: QWidget) -> bool:
    return widget.isModal() or widget.windowModality() != Qt.WindowModality.NonModal


def loop_level() -> int:
    """Return how deep the running event loops are nested (0 outside any loop)."""
    return QThread.currentThread().loopLevel()


def may_run_exec(widget: QWidget) -> bool:
    """Tell whether this widget may be running its own event loop: a menu, or a dialog with
    WA_ShowModal (exec() sets it; so do setModal and QMessageBox, which keep it after)."""
    if isinstance(widget, QMenu):
        return True
    return isinstance(widget, QDialog) and widget.testAttribute(Qt.WidgetAttribute.WA_ShowModal)


def _kept(widget: QWidget, kept: list[QWidget]) -> bool:
    """Tell whether the widget is one of `kept` or a dialog opened over one of them."""
    current: QWidget | None = widget
    while current is not None:
        if any(current is k for k in kept):
            return True
        current = current.parentWidget()
    return False


def _close_one(widget: QWidget) -> None:
    widget.setProperty(CLOSED_BY_DESK, True)
    if isinstance(widget, QDialog):
        widget.reject()  # ends its exec() loop, if it runs one
    else:
        widget.close()
    if widget.isVisible():
        widget.hide()  # a dialog that refuses to be rejected (an export running) still goes


def close_modal_widgets(keep: Iterable[QWidget | None] = ()) -> list[QWidget]:
    """Close open menus and reject every visible modal dialog, innermost first.

    Each closed dialog's exec() returns only once control is back in its own loop: the
    windows behind it must not be deleted before (see `ClosedDialogs`). Dialogs in `keep`
    (the login, the unlock) and the dialogs opened over them stay. Return the widgets
    closed, menus first.
    """
    kept = [w for w in keep if w is not None]
    closed: list[QWidget] = []
    for _ in range(_MAX_MODALS):
        popup = QApplication.activePopupWidget()
        if popup is None or any(popup is w for w in closed) or _kept(popup, kept):
            break
        popup.close()
        closed.append(popup)
    for _ in range(_MAX_MODALS):
        modal = QApplication.activeModalWidget()
        if modal is None or any(modal is w for w in closed) or _kept(modal, kept):
            break
        _close_one(modal)
        closed.append(modal)
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and _is_modal(widget) and not _kept(widget, kept):
            _close_one(widget)
            closed.append(widget)
    return closed


@dataclass
class _Closing:
    """One round of closing: the loop level it ran at and the widgets that may run a loop."""

    level: int
    since: float
    count: int  # how many loops at most were running above the closing code's own
    widgets: dict[int, QWidget] = field(default_factory=dict)


class ClosedDialogs(QObject):
    """Closes the modal dialogs and menus, then tells when the nested loops they ran are over.

    A dialog's exec() (or a menu's) runs its own event loop inside the code that opened it;
    after the reject that code goes on, usually in a window's method. Tearing that window
    down before then would return into a deleted widget. A round of closing is over when
    each widget that may have run a loop is gone (dialogs of static functions die with
    their exec()), has had WA_ShowModal reset by its returning exec(), or when the event
    loop is back below the level of all of them. A widget that only looked as if it ran a
    loop (a menu shown with popup(), a setModal dialog shown with show()) is let go after
    `patience_s`.
    """

    def __init__(self, parent: QObject | None = None, *, patience_s: float = 5.0) -> None:
        super().__init__(parent)
        self.patience_s = patience_s
        self.rounds: list[_Closing] = []

    def close(self, keep: Iterable[QWidget | None] = ()) -> int:
        """Close every modal dialog and menu but those in `keep`; return how many."""
        closed = close_modal_widgets(keep)
        looping = [w for w in closed if may_run_exec(w)]
        if looping:
            closing = _Closing(loop_level(), time.monotonic(), len(looping))
            for widget in looping:
                key = id(widget)
                closing.widgets[key] = widget
                # A dialog made by a static function (QMessageBox.question) dies with its
                # exec(); it is never touched after that.
                widget.destroyed.connect(lambda *_args, c=closing, k=key: c.widgets.pop(k, None))
            self.rounds.append(closing)
        return len(closed)

    def _over(self, closing: _Closing, level: int, now: float) -> bool:
        if level <= closing.level - closing.count or now - closing.since >= self.patience_s:
            return True
        for key, widget in list(closing.widgets.items()):
            if isinstance(widget, QDialog) and not widget.testAttribute(
                Qt.WidgetAttribute.WA_ShowModal
            ):
                del closing.widgets[key]  # its exec() has returned
        return not closing.widgets

    def settled(self) -> bool:
        """Tell whether no exec() of a closed dialog or menu is still to return."""
        level, now = loop_level(), time.monotonic()
        self.rounds = [c for c in self.rounds if not self._over(c, level, now)]
        return not self.rounds


def watch_edits(widgets: Iterable[QWidget], slot: Callable[[], None]) -> None:
    """Call `slot` whenever one of these input widgets changes, by typing or by program."""
    for widget in widgets:
        signal: Any = None
        if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
            signal = widget.textChanged
        elif isinstance(widget, QComboBox):
            signal = widget.currentIndexChanged
        elif isinstance(widget, QAbstractButton):
            signal = widget.toggled
        elif isinstance(widget, QDateTimeEdit):
            signal = widget.dateTimeChanged
        elif isinstance(widget, QSpinBox | QDoubleSpinBox):
            signal = widget.valueChanged
        elif isinstance(widget, QAbstractSpinBox):
            signal = widget.editingFinished
        if signal is not None:
            signal.connect(lambda *_args: slot())


class DraftAutosave(QObject):
    """Keeps a form's typing as a draft a few seconds after the last edit.

    A form killed mid-typing (power cut, crash) is then offered back at the next login.
    The form calls `changed()` on each edit (or uses `watch`), `discard()` when saved or
    cancelled by the user, and `stop()` when it goes without dropping its draft.
    """

    saved = Signal()  # a draft was written (or an unchanged form's draft dropped)

    def __init__(
        self,
        office: OfficeFile,
        actor: Actor,
        form_name: str,
        record_key: Callable[[], str],
        data: Callable[[], dict[str, Any]],
        dirty: Callable[[], bool],
        *,
        delay_ms: int = AUTOSAVE_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.office, self.actor, self.form_name = office, actor, form_name
        self.record_key, self.data, self.dirty = record_key, data, dirty
        self.kept = False  # whether this form's draft is in the file now
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self.save_now)

    def watch(self, widgets: Iterable[QWidget]) -> None:
        """Restart the countdown whenever one of these widgets changes."""
        watch_edits(widgets, self.changed)

    def changed(self) -> None:
        """An edit: keep the draft once the typing pauses."""
        self.timer.start()

    def save_now(self) -> None:
        """Keep the form's contents as a draft now (or drop it when nothing is unsaved)."""
        self.timer.stop()
        try:
            if self.dirty():
                drafts.save_draft(
                    self.office, self.actor, self.form_name, self.record_key(), self.data()
                )
                self.kept = True
            elif self.kept:
                drafts.discard_draft(self.office, self.actor, self.form_name, self.record_key())
                self.kept = False
        except Exception:  # a busy or closed file must not break the typing
            log.exception("the draft of %s could not be kept", self.form_name)
            return
        self.saved.emit()

    def discard(self) -> None:
        """The form was saved or cancelled: stop and forget its draft."""
        self.timer.stop()
        try:
            drafts.discard_draft(self.office, self.actor, self.form_name, self.record_key())
        except Exception:
            log.exception("the draft of %s could not be dropped", self.form_name)
        self.kept = False

    def stop(self) -> None:
        """The form goes but its draft stays (closed by the lock)."""
        self.timer.stop()
