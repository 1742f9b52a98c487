"""The jobs panel: each job's status, elapsed time, progress, cost; cancel, retry, open the result."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from kling_desktop.jobs.model import Job
from kling_desktop.jobs.states import JobState
from kling_desktop.providers.registry import provider_label

COLUMNS = ("Job", "Status", "Model", "Provider", "Elapsed", "Progress", "Cost")
Index = QModelIndex | QPersistentModelIndex


class JobsModel(QAbstractTableModel):
    """Thin adapter over Job values the bridge delivers; data() reads only memory."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.jobs: list[Job] = []
        self._rows: dict[str, int] = {}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.jobs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        job = self.jobs[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                job.id,
                job.state.label,
                job.model.split(":", 1)[-1],
                provider_label(job.provider),
                _elapsed(job),
                f"{job.progress:.0%}" if job.progress is not None else "",
                "free" if job.provider == "local" else (f"${job.cost:.2f}" if job.cost is not None else ""),
            )[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return job.error or job.state.label
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return QColor(
                {"failed": "#ff8a7a", "done": "#8fd19e", "cancelled": "#9aa0aa"}.get(
                    job.state.value, "#f0b14a"
                )
            )
        if role == Qt.ItemDataRole.UserRole:
            return job
        return None

    def upsert(self, job: Job) -> None:
        row = self._rows.get(job.id)
        if row is None:
            self.beginInsertRows(QModelIndex(), 0, 0)
            self.jobs.insert(0, job)
            self._rows = {j.id: i for i, j in enumerate(self.jobs)}
            self.endInsertRows()
        else:
            self.jobs[row] = job
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def tick(self) -> None:
        """Elapsed time moves on for running jobs."""
        for row, job in enumerate(self.jobs):
            if not job.state.finished:
                self.dataChanged.emit(self.index(row, 4), self.index(row, 4))


def _elapsed(job: Job) -> str:
    seconds = int(job.elapsed(datetime.now(UTC)))
    return f"{seconds // 60}:{seconds % 60:02d}"


class JobsPanel(QWidget):
    cancel_requested = Signal(str)
    retry_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = JobsModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.message = QLabel(objectName="hint", wordWrap=True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cancel_button, self.retry_button = QPushButton("Cancel"), QPushButton("Retry")
        self.open_button = QPushButton("Open result")
        row = QHBoxLayout()
        for b in (self.cancel_button, self.retry_button, self.open_button):
            row.addWidget(b)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.dataChanged.connect(self._update_buttons)
        self.cancel_button.clicked.connect(lambda: self._emit(self.cancel_requested))
        self.retry_button.clicked.connect(lambda: self._emit(self.retry_requested))
        self.open_button.clicked.connect(self.open_result)
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self.model.tick)
        self._timer.start()
        self._update_buttons()

    def selected(self) -> Job | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.jobs[rows[0].row()] if rows else None

    def show_job(self, job: Job, message: str = "") -> None:
        self.model.upsert(job)
        if self.selected() is None or self.selected() and self.selected().id == job.id:  # type: ignore[union-attr]
            self.view.selectRow(self.model._rows[job.id])
        self._update_buttons()

    def _emit(self, signal: Any) -> None:
        job = self.selected()
        if job:
            signal.emit(job.id)

    def _update_buttons(self, *_: object) -> None:
        job = self.selected()
        self.cancel_button.setEnabled(bool(job and not job.state.finished))
        self.retry_button.setEnabled(bool(job and job.state in (JobState.FAILED, JobState.CANCELLED)))
        self.open_button.setEnabled(bool(job and job.files))
        if job is None:
            self.message.setText("Jobs you run appear here. Drafts render on this computer for free.")
        elif job.state is JobState.FAILED:
            self.message.setText(f"{job.error}\nYour request is kept: press Retry to run it again.")
        elif job.state is JobState.CANCELLED:
            self.message.setText(job.error)
        elif job.state is JobState.DONE:
            self.message.setText(f"Done: {job.files[0] if job.files else ''}")
        else:
            self.message.setText(f"{job.state.label}… the job is saved; closing the app will not lose it.")

    def open_result(self) -> None:
        job = self.selected()
        if job and job.files:
            QDesktopServices.openUrl(QUrl.fromLocalFile(job.files[0]))
