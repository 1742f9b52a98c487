"""The shot timeline for multi-prompt models: add, remove, reorder (drag a block, or ▲▼), edit prompts,
resize durations by dragging a block's right edge or typing. The total is shown against the model's range."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kling_desktop.catalog.spec import Durations
from kling_desktop.core.request import Shot

COLORS = ("#5b7db1", "#b1785b", "#6aa17a", "#9a6ab1", "#b1a35b", "#5ba6b1")
EDGE = 6.0


@dataclass
class _Shot:
    prompt: str
    seconds: int
    color: str = COLORS[0]  # the shot's own colour: it moves with the shot


class TimelineBar(QWidget):
    """Blocks whose widths are their durations. Drag a right edge to resize, a block body to reorder."""

    resized = Signal(int, int)  # index, new seconds
    moved = Signal(int, int)  # from, to

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(46)
        self.setMouseTracking(True)
        self.shots: list[_Shot] = []
        self.scale_max = 15
        self._drag: tuple[str, int] | None = None

    def _rects(self) -> list[QRectF]:
        unit = (self.width() - 2) / max(1, self.scale_max)
        x, out = 1.0, []
        for s in self.shots:
            out.append(QRectF(x, 4, max(8.0, s.seconds * unit), self.height() - 8))
            x += s.seconds * unit
        return out

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#22252b"))
        for i, r in enumerate(self._rects()):
            p.setBrush(QColor(self.shots[i].color))
            p.setPen(QPen(QColor("#1d1f24"), 2))
            p.drawRoundedRect(r.adjusted(1, 0, -1, 0), 5, 5)
            p.setPen(QColor("#ffffff"))
            p.drawText(
                r.adjusted(6, 0, -EDGE, 0),
                Qt.AlignmentFlag.AlignVCenter,
                f"{i + 1} · {self.shots[i].seconds}s",
            )
            p.fillRect(QRectF(r.right() - 3, r.top() + 8, 2, r.height() - 16), QColor(255, 255, 255, 120))
        p.end()

    def _hit(self, pos: QPointF) -> tuple[str, int] | None:
        for i, r in enumerate(self._rects()):
            if abs(pos.x() - r.right()) <= EDGE:
                return ("edge", i)
            if r.contains(pos):
                return ("body", i)
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._drag = self._hit(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        hit = self._drag or self._hit(event.position())
        self.setCursor(
            Qt.CursorShape.SizeHorCursor if hit and hit[0] == "edge" else Qt.CursorShape.ArrowCursor
        )
        if not self._drag:
            return
        kind, i = self._drag
        rects = self._rects()
        if kind == "edge":
            unit = (self.width() - 2) / max(1, self.scale_max)
            seconds = max(1, round((event.position().x() - rects[i].left()) / unit))
            if seconds != self.shots[i].seconds:
                self.resized.emit(i, seconds)
        else:
            target = next(
                (j for j, r in enumerate(rects) if r.left() <= event.position().x() <= r.right()), i
            )
            if target != i:
                self.moved.emit(i, target)
                self._drag = ("body", target)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._drag = None


class ShotTimeline(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_shots = 6
        self.durations: Durations | None = None
        self._shots: list[_Shot] = []
        self._spins: list[QSpinBox] = []
        self._notes: list[QLabel] = []
        self.bar = TimelineBar()
        self.rows = QGridLayout()
        self.total = QLabel(objectName="hint")
        self.add_button = QPushButton("+ Add shot")
        head = QHBoxLayout()
        head.addWidget(self.add_button)
        head.addStretch(1)
        head.addWidget(self.total)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addLayout(self.rows)
        layout.addLayout(head)
        self.add_button.clicked.connect(lambda: self.add_shot("", 3))
        self.bar.resized.connect(self.set_seconds)
        self.bar.moved.connect(self.move_shot)

    # ---- model ------------------------------------------------------------------------------------------
    def configure(self, max_shots: int, durations: Durations | None) -> None:
        self.max_shots, self.durations = max_shots, durations
        self.bar.scale_max = int(durations.max) if durations and durations.max else 15
        self._rebuild()  # shots beyond the new maximum stay, marked, until the artist removes them

    def shots(self) -> tuple[Shot, ...]:
        return tuple(Shot(prompt=s.prompt, duration=s.seconds) for s in self._shots)

    def set_shots(self, shots: tuple[Shot, ...] | list[Shot]) -> None:
        self._shots = []
        for s in shots:
            self._shots.append(_Shot(s.prompt, int(s.duration), self._free_color()))
        self._rebuild()

    def _free_color(self) -> str:
        used = [s.color for s in self._shots]
        return min(COLORS, key=lambda c: (used.count(c), COLORS.index(c)))

    def add_shot(self, prompt: str = "", seconds: int = 3) -> None:
        if len(self._shots) >= self.max_shots:
            return
        self._shots.append(_Shot(prompt, seconds, self._free_color()))
        self._rebuild()

    def remove_shot(self, index: int) -> None:
        del self._shots[index]
        self._rebuild()

    def move_shot(self, src: int, dst: int) -> None:
        if 0 <= dst < len(self._shots) and src != dst:
            self._shots.insert(dst, self._shots.pop(src))
            self._rebuild()

    def set_seconds(self, index: int, seconds: int) -> None:
        """From a drag or from typing: updates in place (the row being typed in is never rebuilt)."""
        self._shots[index].seconds = max(1, seconds)
        spin = self._spins[index] if index < len(self._spins) else None
        if spin is not None and spin.value() != self._shots[index].seconds:
            spin.blockSignals(True)
            spin.setValue(self._shots[index].seconds)
            spin.blockSignals(False)
        self._mark_range(index)
        self.bar.update()
        self._update_total()
        self.changed.emit()

    def _mark_range(self, index: int) -> None:
        """An out-of-range duration gets a message at its own field, never a silent change."""
        seconds, top = self._shots[index].seconds, self.bar.scale_max
        note = self._notes[index] if index < len(self._notes) else None
        if note is None:
            return
        bad = seconds > top
        note.setText(
            f"Shot {index + 1}: {seconds} s is longer than {top} s, the most this model makes." if bad else ""
        )
        note.setVisible(bad)

    def problems(self) -> list[str]:
        out = [
            f"Shot {i + 1}: {s.seconds} s is longer than {self.bar.scale_max} s, the most this model makes."
            for i, s in enumerate(self._shots)
            if s.seconds > self.bar.scale_max
        ]
        if len(self._shots) > self.max_shots:
            out.append(
                f"This model takes at most {self.max_shots} shots; remove {len(self._shots) - self.max_shots}."
            )
        return out

    def total_seconds(self) -> int:
        return sum(s.seconds for s in self._shots)

    # ---- view -------------------------------------------------------------------------------------------
    def _rebuild(self) -> None:
        while self.rows.count():
            taken = self.rows.takeAt(0)
            w = taken.widget() if taken is not None else None
            if w is not None:
                w.deleteLater()
        self._spins = []
        self._notes = []
        for i, shot in enumerate(self._shots):
            label = QLabel(f"{i + 1}")
            label.setStyleSheet(
                f"background: {shot.color}; color: white; border-radius: 3px; padding: 0 4px;"
            )
            prompt = QLineEdit(shot.prompt, placeholderText=f"Shot {i + 1}: what happens, and the camera")
            prompt.textChanged.connect(lambda text, k=i: self._set_prompt(k, text))
            # A line edit scrolls to its cursor, which setText leaves at the end: a long prompt would show its
            # tail. Show its start (the cursor at 0, again when editing ends) and the whole prompt as a tooltip.
            prompt.setCursorPosition(0)
            prompt.setToolTip(shot.prompt)
            prompt.editingFinished.connect(lambda w=prompt: (w.setCursorPosition(0), w.setToolTip(w.text())))
            # Typed values are taken as typed (1 to 99, "12" is twelve): a value over the model's maximum gets a
            # message under the row instead of a silent clamp.
            secs = QSpinBox(minimum=1, maximum=99, suffix=" s", value=shot.seconds)
            secs.setKeyboardTracking(False)
            secs.valueChanged.connect(lambda v, k=i: self.set_seconds(k, v))
            self._spins.append(secs)
            note = QLabel(objectName="error", wordWrap=True)
            note.setVisible(False)
            self._notes.append(note)
            up, down, rm = QToolButton(), QToolButton(), QToolButton(text="✕")
            up.setArrowType(Qt.ArrowType.UpArrow)
            down.setArrowType(Qt.ArrowType.DownArrow)
            for b, tip in ((up, "Move earlier"), (down, "Move later"), (rm, "Remove this shot")):
                b.setFixedWidth(30)
                b.setToolTip(tip)
            up.setEnabled(i > 0)
            down.setEnabled(i < len(self._shots) - 1)
            up.clicked.connect(lambda _=False, k=i: self.move_shot(k, k - 1))
            down.clicked.connect(lambda _=False, k=i: self.move_shot(k, k + 1))
            rm.clicked.connect(lambda _=False, k=i: self.remove_shot(k))
            for col, w in enumerate((label, prompt, secs, up, down, rm)):
                self.rows.addWidget(w, 2 * i, col)
            self.rows.addWidget(note, 2 * i + 1, 1, 1, 5)
            self._mark_range(i)
        self.bar.shots = self._shots
        self.bar.update()
        full = len(self._shots) >= self.max_shots
        self.add_button.setEnabled(not full)
        self.add_button.setToolTip(f"This model takes at most {self.max_shots} shots." if full else "")
        self._update_total()
        self.changed.emit()

    def _set_prompt(self, index: int, text: str) -> None:
        self._shots[index].prompt = text
        self.changed.emit()

    def _update_total(self) -> None:
        total = self.total_seconds()
        d = self.durations
        rng = f" of {d.describe().replace(' (whole seconds)', '')}" if d else ""
        ok = d is None or not self._shots or d.allows(total)
        self.total.setText(f"{len(self._shots)}/{self.max_shots} shots · {total} s{rng}")
        self.total.setObjectName("hint" if ok else "error")
        self.total.style().polish(self.total)
