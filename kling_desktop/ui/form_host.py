"""The form's pane: scrolls vertically only, and is never narrower than the form needs (so nothing is cut
off at the side); it follows the form when its minimum width changes (another model, another mode)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QScrollArea, QWidget


class FormHost(QScrollArea):
    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setWidget(content)
        content.installEventFilter(self)

    def _needed_width(self) -> int:
        content = self.widget()
        inner = content.minimumSizeHint().width() if content is not None else 0
        return inner + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(self._needed_width(), 200)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(max(self._needed_width(), 460), 600)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.setMinimumWidth(self._needed_width())
            self.updateGeometry()
        return False
