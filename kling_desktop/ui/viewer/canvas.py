"""Paints the frame the viewer shows (video frame, poster, or image) scaled to fit, at the screen's pixel
ratio. The image it paints is the one "use this frame" takes."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


def fit(image_size: QSize, area: QRectF) -> QRectF:
    """The largest rectangle of the image's aspect ratio centred in ``area``."""
    if image_size.isEmpty():
        return area
    scale = min(area.width() / image_size.width(), area.height() / image_size.height())
    w, h = image_size.width() * scale, image_size.height() * scale
    return QRectF(area.x() + (area.width() - w) / 2, area.y() + (area.height() - h) / 2, w, h)


class VideoCanvas(QWidget):
    double_clicked = Signal()
    mouse_moved = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = QImage()
        self.text = "Select a clip to see it here."
        self.setMinimumSize(160, 90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def set_image(self, image: QImage) -> None:
        self.image = image
        self.update()

    def set_text(self, text: str) -> None:
        self.image = QImage()
        self.text = text
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#0b0c0e"))
        if self.image.isNull():
            p.setPen(QColor("#9aa0aa"))
            p.drawText(
                self.rect().adjusted(12, 12, -12, -12),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.text,
            )
            return
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.drawImage(fit(self.image.size(), QRectF(self.rect())), self.image)

    def mouseDoubleClickEvent(self, _event: QMouseEvent) -> None:  # noqa: N802
        self.double_clicked.emit()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.mouse_moved.emit()
        super().mouseMoveEvent(event)
