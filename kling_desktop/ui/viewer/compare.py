"""A/B compare: the frame shown (A) against the frames the clip was made from, or against another clip at
the same moment (B) — side by side, or a wipe the pointer drags across the picture."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kling_desktop.ui.viewer.canvas import fit
from kling_desktop.ui.workers import report, run_in_thread

SOURCE_NAMES = {"first_frame": "First frame it was made from", "last_frame": "Last frame it was made from"}


def _load_image(path: str, seconds: float | None) -> QImage:
    """Off the GUI thread: an image file, or a clip's frame at ``seconds``."""
    if seconds is None:
        image = QImage(path)
        if image.isNull():
            raise OSError(f"{Path(path).name} could not be read as an image.")
        return image
    from kling_desktop.core.probe import extract_frame

    frame = extract_frame(path, seconds).convert("RGBA")
    return QImage(frame.tobytes(), frame.width, frame.height, QImage.Format.Format_RGBA8888).copy()


def _label(p: QPainter, area: QRectF, text: str, align: Qt.AlignmentFlag) -> None:
    """A caption on a dark pill, readable over any picture."""
    metrics = p.fontMetrics()
    w, h = metrics.horizontalAdvance(text) + 12, metrics.height() + 4
    if align == Qt.AlignmentFlag.AlignLeft:
        x = area.left() + 6
    elif align == Qt.AlignmentFlag.AlignRight:
        x = area.right() - 6 - w
    else:
        x = area.center().x() - w / 2
    pill = QRectF(x, area.top() + 6 if area.height() > 30 else area.top(), w, h)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(0, 0, 0, 170))
    p.drawRoundedRect(pill, 4, 4)
    p.setPen(QColor("#ffffff"))
    p.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)


class ComparePicture(QWidget):
    double_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.a, self.b = QImage(), QImage()
        self.a_label, self.b_label = "A: this clip", "B"
        self.mode = "side"  # "side" | "wipe"
        self.split = 0.5
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 90)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#0b0c0e"))
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        area = QRectF(self.rect())
        if self.mode == "side":
            half = area.width() / 2
            for image, label, box in (
                (self.a, self.a_label, QRectF(area.x(), area.y(), half - 2, area.height())),
                (self.b, self.b_label, QRectF(area.x() + half + 2, area.y(), half - 2, area.height())),
            ):
                self._draw(p, image, label, box)
            return
        base = self.a if not self.a.isNull() else self.b
        target = fit(base.size(), area)
        x = target.x() + target.width() * self.split
        if not self.b.isNull():
            p.drawImage(target, self.b)
        if not self.a.isNull():
            p.save()
            p.setClipRect(QRectF(target.x(), target.y(), x - target.x(), target.height()))
            p.drawImage(target, self.a)
            p.restore()
        p.setPen(QPen(QColor("#f0b14a"), 2))
        p.drawLine(QPointF(x, target.top()), QPointF(x, target.bottom()))
        _label(p, target, self.a_label, Qt.AlignmentFlag.AlignLeft)
        _label(p, target, self.b_label, Qt.AlignmentFlag.AlignRight)

    def _draw(self, p: QPainter, image: QImage, label: str, box: QRectF) -> None:
        if image.isNull():
            p.setPen(QColor("#9aa0aa"))
            p.drawText(
                box, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, f"{label}\n(nothing to show)"
            )
            return
        target = fit(image.size(), box.adjusted(0, 22, 0, 0))
        p.drawImage(target, image)
        _label(p, QRectF(box.x(), box.y(), box.width(), 22), label, Qt.AlignmentFlag.AlignHCenter)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self.mode == "wipe" and self.width() > 0:
            base = self.a if not self.a.isNull() else self.b
            target = fit(base.size(), QRectF(self.rect()))
            if target.width() > 0:
                self.split = min(1.0, max(0.0, (event.position().x() - target.x()) / target.width()))
                self.update()

    def mouseDoubleClickEvent(self, _event: QMouseEvent) -> None:  # noqa: N802
        self.double_clicked.emit()


class CompareView(QWidget):
    double_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picture = ComparePicture()
        self.picture.double_clicked.connect(self.double_clicked)
        self.source = QComboBox()
        self.source.setToolTip("What the frame shown is compared with")
        self.mode = QComboBox()
        self.mode.addItem("Side by side", "side")
        self.mode.addItem("Wipe", "wipe")
        self.mode.setToolTip("Side by side, or a wipe: move the pointer across the picture")
        for combo in (self.source, self.mode):
            combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.source.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.source.setMinimumContentsLength(10)
        bar = QHBoxLayout()
        bar.addWidget(self.source, 1)
        bar.addWidget(self.mode)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.picture, 1)
        self.sources: dict[str, tuple[str, float | None]] = {}
        self.mode.currentIndexChanged.connect(self._mode)
        self.source.currentIndexChanged.connect(self._source)
        self.set_sources({})

    def set_a(self, image: QImage) -> None:
        self.picture.a = image
        self.picture.update()

    def set_sources(self, inputs: dict[str, str]) -> None:
        """The input frames of the clip shown (``first_frame`` / ``last_frame`` → path)."""
        self.sources = {SOURCE_NAMES.get(k, k): (v, None) for k, v in inputs.items()}
        self._fill()

    def set_clip(self, path: str, title: str, frame: int, fps: float) -> None:
        """Compare with another clip, at the same frame."""
        self.sources[f"Clip: {title}"] = (path, (frame + 0.5) / fps)
        self._fill(select=f"Clip: {title}")

    def _fill(self, select: str | None = None) -> None:
        self.source.blockSignals(True)
        self.source.clear()
        for name in self.sources:
            self.source.addItem(name)
        if not self.sources:
            self.source.addItem(
                "This clip was not made from frames — pick “Compare with the viewer” on another clip"
            )
        self.source.blockSignals(False)
        if select is not None:
            self.source.setCurrentText(select)
        self._source()

    def _mode(self) -> None:
        self.picture.mode = self.mode.currentData()
        self.picture.update()

    def _source(self) -> None:
        name = self.source.currentText()
        if name not in self.sources:
            self.picture.b, self.picture.b_label = QImage(), "B"
            self.picture.update()
            return
        path, seconds = self.sources[name]

        def done(image: object, error: Exception | None) -> None:
            if error is not None or not isinstance(image, QImage):
                report(f"The comparison frame could not be read: {error}")
                return
            self.picture.b, self.picture.b_label = image, f"B: {name}"
            self.picture.update()

        run_in_thread(lambda: _load_image(path, seconds), done, self)
