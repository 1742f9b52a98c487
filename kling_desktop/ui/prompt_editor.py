"""Prompt editor: live character count against the model's limit, and the helpers an artist reaches for."""

from __future__ import annotations

import functools

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

from kling_desktop.catalog.spec import TextLimit

# From the seeds' guides (001: Scene · Characters · Action · Camera · Audio & Style).
STRUCTURE = "Scene: \nCharacters: \nAction: \nCamera: \nAudio & Style: "
CAMERA_MOVES = (
    "slow push-in",
    "pull back to reveal",
    "dolly left",
    "dolly right",
    "tracking shot",
    "orbit around",
    "crane up",
    "tilt down",
    "handheld",
    "static locked-off shot",
    "whip pan",
    "low-angle hero shot",
    "over-the-shoulder",
    "close-up",
    "wide establishing shot",
)


class PromptEditor(QWidget):
    changed = Signal()

    def __init__(self, placeholder: str, *, helpers: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QPlainTextEdit(placeholderText=placeholder)
        self.edit.setTabChangesFocus(True)
        self.count = QLabel(objectName="hint")
        self.helper_button = QToolButton(text="Insert ▾")
        self.helper_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self)
        self.helper_button.setMenu(self.menu)
        self.helper_button.setVisible(helpers)
        row = QHBoxLayout()
        row.addWidget(self.helper_button)
        row.addStretch(1)
        row.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addLayout(row)
        self.limit: TextLimit | None = None
        self._voices = 0
        self.edit.textChanged.connect(self._update)
        self._rebuild_menu()

    def set_limit(self, limit: TextLimit | None, voices: int = 0) -> None:
        self.limit = limit
        self._voices = voices
        self._rebuild_menu()
        self._update()

    def _rebuild_menu(self) -> None:
        self.menu.clear()
        self.menu.addAction(
            "Prompt structure (Scene · Characters · Action · Camera · Audio && Style)",  # && shows one &
            lambda: self._insert(STRUCTURE),
        )
        cam = self.menu.addMenu("Camera move")
        for move in CAMERA_MOVES:
            cam.addAction(move, functools.partial(self._insert, move))
        if self._voices:
            voices = self.menu.addMenu("Voice tag")
            for n in range(1, self._voices + 1):
                act = QAction(f"<<<voice_{n}>>>", voices)
                act.triggered.connect(lambda _=False, k=n: self._insert(f"<<<voice_{k}>>>"))
                voices.addAction(act)

    def _insert(self, text: str) -> None:
        self.edit.insertPlainText(text)
        self.edit.setFocus()

    def _update(self) -> None:
        n = len(self.text().strip())
        if self.limit is None:
            self.count.setText(f"{n} characters")
            self.count.setObjectName("hint")
        else:
            over = n > self.limit.max_chars or 0 < n < self.limit.min_chars
            self.count.setText(
                f"{n} / {self.limit.max_chars}" + (f" (min {self.limit.min_chars})" if over else "")
            )
            self.count.setObjectName("error" if over else "hint")
        self.count.style().unpolish(self.count)
        self.count.style().polish(self.count)
        self.changed.emit()

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(text)
