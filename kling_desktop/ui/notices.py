"""The one place failures are shown: a bar that stays until the artist dismisses it (errors never vanish),
with the newest message first and how many came before it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


class NoticeBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(objectName="notice", wordWrap=True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dismiss = QPushButton("Dismiss")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.dismiss, 0, Qt.AlignmentFlag.AlignTop)
        self.messages: list[str] = []
        self.dismiss.clicked.connect(self.clear)
        self.hide()

    def show_message(self, message: str) -> None:
        self.messages.append(message)
        more = len(self.messages) - 1
        self.label.setText(message + (f"  ({more} earlier message{'s' if more > 1 else ''})" if more else ""))
        self.show()

    def clear(self) -> None:
        self.messages.clear()
        self.label.clear()
        self.hide()
