"""A list zone for reference images, videos, voices and input media: drop, browse, remove; each file is
probed off the GUI thread and checked against the model's stated limits before anything is uploaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kling_desktop.ui.workers import run_in_thread

FILTERS = {
    "image": "Images (*.png *.jpg *.jpeg *.webp)",
    "video": "Videos (*.mp4 *.mov *.webm *.mkv)",
    "audio": "Audio (*.mp3 *.wav *.flac *.m4a *.mp4 *.mov)",
}
Checker = Callable[[str], tuple[str, list[str]]]  # path -> (description, problems); runs off-thread


class MediaListZone(QFrame):
    changed = Signal()

    def __init__(self, title: str, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="dropzone")
        self.kind = kind
        self.max_count = 1
        self.checker: Checker | None = None
        self.setAcceptDrops(True)
        self.title_text = title
        self.title = QLabel(f"<b>{title}</b>")
        self.limits = QLabel(objectName="hint", wordWrap=True)
        self.list = QListWidget()
        self.list.setMaximumHeight(96)
        self.add_button = QPushButton("Add…")
        self.remove_button = QPushButton("Remove")
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.limits)
        layout.addWidget(self.list)
        layout.addLayout(row)
        self.add_button.clicked.connect(self.browse)
        self.remove_button.clicked.connect(self.remove_selected)
        self._problems: dict[str, list[str]] = {}
        self.pending = 0
        self._generation = 0

    def configure(self, max_count: int, limits_text: str, checker: Checker | None) -> None:
        self.max_count, self.checker = max_count, checker
        self.limits.setText(f"Up to {max_count} · {limits_text}" if max_count > 1 else limits_text)
        self._refresh()  # files beyond the new limit stay (nothing is lost); problems() names the excess

    def set_unused(self, note: str | None) -> None:
        """Greyed with a note while the model or mode does not use what it holds."""
        self.setEnabled(note is None)
        self.title.setText(f"<b>{self.title_text}</b>" + (f" — {note}" if note else ""))

    def paths(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def problems(self) -> list[str]:
        out = [p for path in self.paths() for p in self._problems.get(path, [])]
        if self.list.count() > self.max_count:
            out.append(
                f"{self.title_text}: at most {self.max_count} here; remove {self.list.count() - self.max_count}."
            )
        return out

    def set_paths(self, paths: list[str]) -> None:
        self._generation += 1  # checks still running are for items clear() deletes: their results are dropped
        self.list.clear()
        self._problems.clear()
        for p in paths:
            self._append(p)
        self._refresh()

    def add_path(self, path: str) -> None:
        if self.list.count() >= self.max_count:
            self.limits.setText(f"At most {self.max_count} — remove one first.")
            return
        self._append(path)

    def _append(self, path: str) -> None:
        item = QListWidgetItem(f"{Path(path).name} — checking…")
        item.setData(Qt.ItemDataRole.UserRole, path)
        self.list.addItem(item)
        if self.checker is not None:
            checker = self.checker
            self.pending += 1
            gen = self._generation
            run_in_thread(lambda: checker(path), lambda r, e: self._checked(gen, item, path, r, e), self)
        self._refresh()

    def _checked(
        self, generation: int, item: QListWidgetItem, path: str, result: object, error: Exception | None
    ) -> None:
        self.pending -= 1
        if generation != self._generation or self.list.row(item) < 0:
            return
        if error is not None:
            self._problems[path] = [str(error)]
            item.setText(f"✕ {Path(path).name}: {error}")
        else:
            desc, problems = cast("tuple[str, list[str]]", result)
            self._problems[path] = problems
            item.setText(
                f"{'✕' if problems else '✓'} {Path(path).name} — {desc}"
                + (f" — {' '.join(problems)}" if problems else "")
            )
        item.setToolTip(item.text())
        self.changed.emit()

    def remove_selected(self) -> None:
        for item in self.list.selectedItems() or (
            [self.list.item(self.list.count() - 1)] if self.list.count() else []
        ):
            self._problems.pop(item.data(Qt.ItemDataRole.UserRole), None)
            self.list.takeItem(self.list.row(item))
        self._refresh()

    def browse(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Add files", "", FILTERS.get(self.kind, ""))
        for p in paths:
            self.add_path(p)

    def _refresh(self) -> None:
        self.add_button.setEnabled(self.list.count() < self.max_count)
        self.changed.emit()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.add_path(url.toLocalFile())
        event.acceptProposedAction()
