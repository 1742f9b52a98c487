"""Full screen: the viewer's stage (picture and transport) moves into a frameless full-screen window and comes
back into the pane when it closes — by Esc, a double-click, the button, or the window manager (Alt+F4).
The transport hides while the picture plays untouched and returns on any mouse move."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QVBoxLayout, QWidget

HIDE_AFTER_MS = 2500


class FullScreen(QWidget):
    left = Signal()

    def __init__(
        self,
        stage: QWidget,
        controls: QWidget,
        keys: Sequence[tuple[Qt.Key, Callable[[], object]]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Viewer")
        self.stage, self.controls = stage, controls
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(stage)
        self.setMouseTracking(True)
        self._watch(stage)
        for key, fn in keys:
            if key != Qt.Key.Key_F:
                QShortcut(QKeySequence(key), self, fn)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        QShortcut(QKeySequence(Qt.Key.Key_F), self, self.close)
        self._hide = QTimer(self, singleShot=True, interval=HIDE_AFTER_MS)
        self._hide.timeout.connect(self._hide_controls)
        self._closed = False

    def _watch(self, widget: QWidget) -> None:
        widget.setMouseTracking(True)
        widget.installEventFilter(self)
        for child in widget.findChildren(QWidget):
            child.setMouseTracking(True)
            child.installEventFilter(self)

    def showFullScreen(self) -> None:  # noqa: N802
        super().showFullScreen()
        self.show_controls()

    def show_controls(self) -> None:
        self.controls.show()
        self.setCursor(Qt.CursorShape.ArrowCursor)
        self._hide.start()

    def _hide_controls(self) -> None:
        if self.controls.underMouse():
            self._hide.start()
            return
        self.controls.hide()
        self.setCursor(Qt.CursorShape.BlankCursor)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.MouseMove, QEvent.Type.HoverMove, QEvent.Type.MouseButtonPress):
            self.show_controls()
        return False

    def mouseMoveEvent(self, event: object) -> None:  # noqa: N802
        self.show_controls()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._hide.stop()
        for widget in (self.stage, *self.stage.findChildren(QWidget)):
            widget.removeEventFilter(self)
        self.controls.show()
        self.unsetCursor()
        if not self._closed:
            self._closed = True
            self.stage.setParent(None)  # handed back before this window goes
            self.left.emit()
        super().closeEvent(event)
