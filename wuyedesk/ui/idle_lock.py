"""The idle lock: no input for a while sends the desk back to login, later locks the file."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

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
        return QCoreApplication.translate("IdleLock", "{0} 后锁定").format(
            format_countdown(self.remaining())
        )

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
