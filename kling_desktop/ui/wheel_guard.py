"""Nothing changes by accident: no dropdown, spin box or slider in the app takes the mouse wheel unless it has
keyboard focus. Over an unfocused one the wheel scrolls the page it sits in, as if the control were not there.

One event filter on the QApplication covers every window and dialog, present and future."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)

_GUARDED = (QComboBox, QAbstractSpinBox, QAbstractSlider)


def guarded_control(obj: QObject) -> QWidget | None:
    """The value control a wheel event over ``obj`` would change (the widget or its inner line edit), if any."""
    w = obj if isinstance(obj, QWidget) else None
    for candidate in (w, w.parentWidget() if w else None):
        if isinstance(candidate, _GUARDED) and not isinstance(candidate, QScrollBar):
            return candidate
    return None


class WheelGuard(QObject):
    """Swallows wheel events over unfocused value controls and passes them to the scroll area around them."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() != QEvent.Type.Wheel:
            return False
        control = guarded_control(obj)
        if control is None or control.hasFocus():
            return False
        area = _scroll_area_around(control)
        if area is not None:
            QCoreApplication.sendEvent(area.viewport(), event)
        return True


def _scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and not isinstance(parent, QComboBox):
            return parent
        parent = parent.parentWidget()
    return None


def install_wheel_guard(app: QApplication) -> WheelGuard:
    """Install the guard once on ``app`` (idempotent); returns it."""
    existing = app.findChild(WheelGuard)
    if existing is not None:
        return existing
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    return guard
