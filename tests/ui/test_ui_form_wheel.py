"""Nothing changes by accident: the mouse wheel over an unfocused dropdown, spin box or slider scrolls the page
and leaves the value alone, anywhere in the app; with focus, the wheel still changes the value."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QScrollArea,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)


def _wheel(widget: QWidget, steps: int = -1) -> None:
    """One notch down (as a mouse wheel sends it) over the middle of ``widget``."""
    pos = QPointF(widget.rect().center())
    event = QWheelEvent(
        pos,
        QPointF(widget.mapToGlobal(pos.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def _value(w: QWidget) -> object:
    return w.currentIndex() if isinstance(w, QComboBox) else w.value()


def test_unfocused_controls_ignore_the_wheel_and_the_page_scrolls(qtbot) -> None:
    area = QScrollArea()
    page = QWidget()
    col = QVBoxLayout(page)
    combo = QComboBox()
    combo.addItems(["5 s", "10 s"])
    spin, dspin, slider = (
        QSpinBox(maximum=20),
        QDoubleSpinBox(maximum=2.0),
        QSlider(Qt.Orientation.Horizontal),
    )
    spin.setValue(5)
    controls = (combo, spin, dspin, slider)
    for w in controls:
        col.addWidget(w)
        col.addSpacing(400)  # a page taller than the view, so there is something to scroll
    area.setWidget(page)
    area.resize(300, 300)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    bar = area.verticalScrollBar()
    assert bar.maximum() > 0
    for w in controls:
        before = _value(w)
        scrolled = bar.value()
        _wheel(w)
        _wheel(w.findChild(QWidget) or w)  # the spin box's inner line edit, where the pointer often is
        assert _value(w) == before, f"{type(w).__name__} changed on the wheel without focus"
        assert bar.value() > scrolled or bar.value() == bar.maximum(), "the wheel scrolls the page instead"
    bar.setValue(0)
    area.activateWindow()
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    _wheel(spin, steps=1)
    assert spin.value() == 6, "with focus the wheel still changes the value"


def test_the_form_settings_do_not_change_on_the_wheel(window, qtbot) -> None:
    form = window.form
    form.set_model("klingai:kling-video@3-pro")
    window.setFocus()
    controls = [
        w
        for w in form.findChildren(QWidget)
        if isinstance(w, QComboBox | QSpinBox | QDoubleSpinBox | QSlider) and w.isVisible()
    ]
    assert form.settings.duration_spin in controls
    before = {id(w): _value(w) for w in controls}
    for w in controls:
        for steps in (1, -1, -1):
            _wheel(w, steps)
    assert {id(w): _value(w) for w in controls} == before
