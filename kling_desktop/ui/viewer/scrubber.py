"""The scrubber: as wide as the viewer; a click seeks to the frame under the pointer, a drag scrubs; the
in/out range is drawn on the track."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

MARGIN = 8


class Scrubber(QWidget):
    seek_requested = Signal(int)  # frame
    scrub_started = Signal()
    scrub_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frames = 1
        self.frame = 0
        self.in_frame: int | None = None
        self.out_frame: int | None = None
        self.dragging = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(120)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click to go to a frame; drag to scrub")

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(400, 26)

    def set_frames(self, frames: int) -> None:
        self.frames = max(1, frames)
        self.update()

    def set_frame(self, frame: int) -> None:
        if frame != self.frame:
            self.frame = frame
            self.update()

    def set_range(self, in_frame: int | None, out_frame: int | None) -> None:
        self.in_frame, self.out_frame = in_frame, out_frame
        self.update()

    def x_of(self, frame: int) -> float:
        span = max(1, self.frames - 1)
        return MARGIN + (self.width() - 2 * MARGIN) * min(frame, span) / span

    def frame_of(self, x: float) -> int:
        usable = max(1, self.width() - 2 * MARGIN)
        fraction = min(1.0, max(0.0, (x - MARGIN) / usable))
        return round(fraction * max(0, self.frames - 1))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.dragging = True
            self.scrub_started.emit()
            self._seek(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self.dragging:
            self._seek(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self.dragging:
            self.dragging = False
            self._seek(event.position())
            self.scrub_finished.emit()

    def _seek(self, pos: QPointF) -> None:
        frame = self.frame_of(pos.x())
        self.set_frame(frame)
        self.seek_requested.emit(frame)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        mid = self.height() / 2
        track = QRectF(MARGIN, mid - 3, self.width() - 2 * MARGIN, 6)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(pal.color(QPalette.ColorRole.Mid))
        p.drawRoundedRect(track, 3, 3)
        accent = pal.color(QPalette.ColorRole.Highlight)
        if self.in_frame is not None or self.out_frame is not None:
            a = self.x_of(self.in_frame or 0)
            b = self.x_of(self.out_frame if self.out_frame is not None else self.frames - 1)
            range_colour = QColor(accent)
            range_colour.setAlpha(110)
            p.setBrush(range_colour)
            p.drawRect(QRectF(a, mid - 8, max(2.0, b - a), 16))
        x = self.x_of(self.frame)
        p.setBrush(accent)
        p.drawRoundedRect(QRectF(MARGIN, mid - 3, x - MARGIN, 6), 3, 3)
        p.setBrush(pal.color(QPalette.ColorRole.BrightText if self.dragging else QPalette.ColorRole.Text))
        p.drawEllipse(QPointF(x, mid), 7, 7)
