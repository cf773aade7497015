"""A paper-like box to sign in with the mouse, a pen or a finger; gives the ink as a PNG."""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from wuyedesk.i18n import tr

PAPER = QColor("#ffffff")
FRAME = QColor("#b0bec5")
FRAME_ERROR = QColor("#c62828")  # as binder.ERROR_COLOR
BASELINE = QColor("#cfd8dc")
HINT = QColor("#b0bec5")
INK = QColor("#1a237e")  # dark blue-black, like a ballpoint
INK_WIDTH = 2.6
# A real signature is longer than this many (logical) pixels of ink and spans at
# least MIN_SPAN in one direction; a dot or a nervous scribble is neither.
MIN_INK_LENGTH = 80.0
MIN_SPAN = 24.0
PNG_MAX = QSize(600, 200)
PNG_MARGIN = 8.0

Stroke = list[QPointF]


def _length(stroke: Sequence[QPointF]) -> float:
    return sum(math.hypot(b.x() - a.x(), b.y() - a.y()) for a, b in pairwise(stroke))


def _path(stroke: Sequence[QPointF]) -> QPainterPath:
    path = QPainterPath(stroke[0])
    for point in stroke[1:]:
        path.lineTo(point)
    return path


def _draw_strokes(painter: QPainter, strokes: Sequence[Stroke], width: float) -> None:
    pen = QPen(INK, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for stroke in strokes:
        if len(stroke) == 1:
            painter.drawPoint(stroke[0])  # a round cap makes the dot visible
        elif stroke:
            painter.drawPath(_path(stroke))


class SignaturePad(QWidget):
    """A box to sign in; `changed` is emitted when a stroke ends or the box is cleared."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.strokes: list[Stroke] = []
        self._touch: dict[int, Stroke] = {}  # touch point id → its stroke, while down
        self._drawing: Stroke | None = None  # the mouse or pen stroke under way
        self._error = False
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # so a refused pad can take the focus
        self.setAccessibleName(tr("签名板"))

    def minimumSizeHint(self) -> QSize:
        """Leave room for a Chinese name written by hand."""
        return QSize(360, 140)

    def sizeHint(self) -> QSize:
        """Prefer a slip-sized box."""
        return QSize(480, 170)

    # -- the ink ---------------------------------------------------------------

    def clear(self) -> None:
        """Wipe the box clean."""
        self.strokes.clear()
        self._touch.clear()
        self._drawing = None
        self.update()
        self.changed.emit()

    def is_empty(self) -> bool:
        """Tell whether nothing has been drawn."""
        return not any(self.strokes)

    def add_stroke(self, points: Sequence[QPointF]) -> None:
        """Add one finished stroke (widget coordinates), as if it had been drawn."""
        if points:
            self.strokes.append([QPointF(p) for p in points])
            self.update()
            self.changed.emit()

    def ink_length(self) -> float:
        """Return the total length of the ink in logical pixels."""
        return sum(_length(stroke) for stroke in self.strokes)

    def has_enough(self) -> bool:
        """Tell whether the ink looks like a signature, not a dot or a tiny scribble."""
        box = self._ink_rect()
        if box is None:
            return False
        return self.ink_length() >= MIN_INK_LENGTH and max(box.width(), box.height()) >= MIN_SPAN

    def to_png(self) -> bytes:
        """Return the ink on a transparent ground, cropped and scaled down; b'' when empty."""
        box = self._ink_rect()
        if box is None:
            return b""
        box = box.adjusted(-PNG_MARGIN, -PNG_MARGIN, PNG_MARGIN, PNG_MARGIN)
        scale = min(1.0, PNG_MAX.width() / box.width(), PNG_MAX.height() / box.height())
        width = max(1, math.ceil(box.width() * scale))
        height = max(1, math.ceil(box.height() * scale))
        image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # Points are moved, not the painter scaled, so the ink keeps its weight when shrunk.
        shown = [
            [QPointF((p.x() - box.left()) * scale, (p.y() - box.top()) * scale) for p in stroke]
            for stroke in self.strokes
            if stroke
        ]
        _draw_strokes(painter, shown, max(1.6, INK_WIDTH * min(1.0, scale * 1.5)))
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())

    def mark_error(self, on: bool) -> None:
        """Draw the frame red while the pad has a message beside it."""
        if self._error != on:
            self._error = on
            self.update()

    def _ink_rect(self) -> QRectF | None:
        points = [p for stroke in self.strokes for p in stroke]
        if not points:
            return None
        xs, ys = [p.x() for p in points], [p.y() for p in points]
        return QRectF(QPointF(min(xs), min(ys)), QPointF(max(xs), max(ys)))

    # -- drawing by mouse, pen and finger ---------------------------------------

    def _begin(self, point: QPointF) -> Stroke:
        stroke = [QPointF(point)]
        self.strokes.append(stroke)
        self.update()
        return stroke

    def _extend(self, stroke: Stroke | None, point: QPointF) -> None:
        if stroke is not None and stroke[-1] != point:
            stroke.append(QPointF(point))
            self.update()

    def _end(self) -> None:
        self.update()
        self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Start a stroke under the left button."""
        if event.button() == Qt.MouseButton.LeftButton:
            self._drawing = self._begin(event.position())
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Extend the stroke under way."""
        if self._drawing is not None:
            self._extend(self._drawing, event.position())
            event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """Finish the stroke under way."""
        if self._drawing is not None and event.button() == Qt.MouseButton.LeftButton:
            self._extend(self._drawing, event.position())
            self._drawing = None
            self._end()
            event.accept()

    def tabletEvent(self, event: QTabletEvent) -> None:
        """Draw with a pen; accepting the event stops Qt from also sending a mouse event."""
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._drawing = self._begin(event.position())
        elif kind == QEvent.Type.TabletMove:
            self._extend(self._drawing, event.position())
        elif kind == QEvent.Type.TabletRelease and self._drawing is not None:
            self._extend(self._drawing, event.position())
            self._drawing = None
            self._end()
        event.accept()

    def event(self, event: QEvent) -> bool:
        """Draw with one or more fingers; each touch point is its own stroke."""
        kind = event.type()
        if kind not in (
            QEvent.Type.TouchBegin,
            QEvent.Type.TouchUpdate,
            QEvent.Type.TouchEnd,
            QEvent.Type.TouchCancel,
        ):
            return super().event(event)
        assert isinstance(event, QTouchEvent)
        finished = False
        for point in event.points():
            state = point.state()
            if state == point.State.Pressed:
                self._touch[point.id()] = self._begin(point.position())
            elif state == point.State.Released:
                stroke = self._touch.pop(point.id(), None)
                self._extend(stroke, point.position())
                finished = finished or stroke is not None
            else:
                self._extend(self._touch.get(point.id()), point.position())
        if kind in (QEvent.Type.TouchEnd, QEvent.Type.TouchCancel):
            finished = finished or bool(self._touch)
            self._touch.clear()
        if finished:
            self._end()
        event.accept()
        return True

    # -- the paper ---------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        """Paint the paper, its baseline, the hint when empty, and the ink."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paper = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        frame = QPen(FRAME_ERROR if self._error else FRAME, 2.0 if self._error else 1.0)
        painter.setPen(frame)
        painter.setBrush(PAPER)
        painter.drawRoundedRect(paper, 4, 4)
        base_y = paper.top() + paper.height() * 0.74
        painter.setPen(QPen(BASELINE, 1.0))
        painter.drawLine(QPointF(paper.left() + 24, base_y), QPointF(paper.right() - 24, base_y))
        # The little cross a paper form puts where the pen should start.
        painter.setPen(QPen(HINT, 1.4))
        cx, cy = paper.left() + 16, base_y - 9
        painter.drawLine(QPointF(cx - 4, cy - 4), QPointF(cx + 4, cy + 4))
        painter.drawLine(QPointF(cx - 4, cy + 4), QPointF(cx + 4, cy - 4))
        if self.is_empty():
            painter.setPen(HINT)
            font = painter.font()
            font.setPointSizeF(font.pointSizeF() * 1.25)
            painter.setFont(font)
            hint = QRectF(paper.left(), paper.top(), paper.width(), base_y - paper.top())
            painter.drawText(hint, Qt.AlignmentFlag.AlignCenter, tr("请在此处签名"))
        _draw_strokes(painter, self.strokes, INK_WIDTH)
        painter.end()
