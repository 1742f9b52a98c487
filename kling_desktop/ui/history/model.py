"""The history model: one row per job, newest first. A thin adapter over Job values: ``data()`` reads only
memory; the elapsed-time tick sends one change signal for the whole column, however many jobs there are."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QPixmap

from kling_desktop.jobs.lifecycle import status_line
from kling_desktop.jobs.model import Job
from kling_desktop.jobs.states import JobState
from kling_desktop.library.spend import estimate, money
from kling_desktop.ui.names import model_label, provider_name

COLUMNS = ("Status", "Prompt", "Model", "Provider", "Elapsed", "Progress", "Cost", "Created")
WIDTHS = (96, 200, 140, 86, 72, 80, 84, 108)
STATUS, PROMPT, MODEL, PROVIDER, ELAPSED, PROGRESS, COST, CREATED = range(len(COLUMNS))
JOB_ROLE = Qt.ItemDataRole.UserRole
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex

# Filters: label → states shown ("" = all).
FILTERS: tuple[tuple[str, frozenset[JobState] | None], ...] = (
    ("Everything", None),
    ("In progress", frozenset(s for s in JobState if not s.finished)),
    (
        "Needs attention",
        frozenset({JobState.FAILED, JobState.WAITING, JobState.STALLED}),
    ),
    ("Failed", frozenset({JobState.FAILED})),
    ("Done", frozenset({JobState.DONE})),
    ("Cancelled", frozenset({JobState.CANCELLED})),
)
COLOURS = {
    JobState.FAILED: "#e0604f",
    JobState.DONE: "#3f9a5a",
    JobState.CANCELLED: "#8a909a",
    JobState.WAITING: "#c98a1b",
    JobState.STALLED: "#c98a1b",
}


def prompt_of(job: Job) -> str:
    r = job.request
    text = r.prompt or " / ".join(s.prompt for s in r.shots)
    return " ".join(text.split()) or "(no prompt)"


def elapsed_text(job: Job, now: datetime) -> str:
    seconds = int(job.elapsed(now))
    minutes, s = divmod(seconds, 60)
    hours, m = divmod(minutes, 60)
    return f"{hours}:{m:02d}:{s:02d}" if hours else f"{m}:{s:02d}"


def clock(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%H:%M:%S")
    except ValueError:
        return iso


def _estimate(job: Job) -> float | None:
    return None if job.provider == "local" or job.cost is not None else estimate(job.request, job.provider)


def created_text(job: Job) -> str:
    try:
        return datetime.fromisoformat(job.created_at).astimezone().strftime("%d %b %H:%M")
    except ValueError:
        return job.created_at


class HistoryModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.jobs: list[Job] = []  # newest first
        self._rows: dict[str, int] = {}
        self.thumbs: dict[str, QPixmap] = {}
        self._estimates: dict[
            str, float | None
        ] = {}  # job id → cost estimate, worked out once per job  # job id → its clip's thumbnail (loaded off the GUI thread)
        self.now = datetime.now(UTC)

    # ---- Qt -----------------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.jobs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.jobs):
            return None
        job = self.jobs[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(job, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == PROMPT:
                return prompt_of(job)
            return status_line(job, self.now) if col == STATUS else None
        if role == Qt.ItemDataRole.DecorationRole and col == PROMPT:
            return self.thumbs.get(job.id)
        if role == Qt.ItemDataRole.ForegroundRole and col == STATUS and job.state in COLOURS:
            return QColor(COLOURS[job.state])
        if role == JOB_ROLE:
            return job
        if role == SEARCH_ROLE:
            return " ".join(
                (
                    prompt_of(job),
                    model_label(job.model),
                    provider_name(job.provider),
                    job.state.label,
                    job.error,
                )
            ).casefold()
        return None

    def _text(self, job: Job, col: int) -> str:
        if col == STATUS:
            if job.state in (JobState.WAITING, JobState.STALLED) and job.next_check_at:
                return f"{job.state.label} · next check {clock(job.next_check_at)}"
            return job.state.label + (" (retried)" if job.retry_of else "")
        if col == PROMPT:
            return prompt_of(job)
        if col == MODEL:
            return model_label(job.model)
        if col == PROVIDER:
            return provider_name(job.provider)
        if col == ELAPSED:
            return elapsed_text(job, self.now)
        if col == PROGRESS:
            if job.state is JobState.DONE:
                return "100%"
            return f"{job.progress:.0%}" if job.progress is not None else ""
        if col == COST:
            if job.cost is None and job.provider != "local":
                guess = self._estimates.get(job.id)
                return f"{money(guess, job.provider, estimated=True)}" if guess is not None else ""
            return money(job.cost, job.provider)
        return created_text(job)

    # ---- updates ------------------------------------------------------------------------------------------
    def set_jobs(self, jobs: Iterable[Job]) -> None:
        self.beginResetModel()
        self.jobs = sorted(jobs, key=lambda j: j.created_at, reverse=True)
        self._rows = {j.id: i for i, j in enumerate(self.jobs)}
        self._estimates = {j.id: _estimate(j) for j in self.jobs}
        self.endResetModel()

    def upsert(self, job: Job) -> None:
        self.upsert_many([job])

    def upsert_many(self, jobs: Iterable[Job]) -> None:
        """Known jobs change in place (one change signal over the rows they span); new ones go on top, newest
        first, in one insertion. Two hundred jobs that change together cost one update, not two hundred."""
        changed: list[int] = []
        new: dict[str, Job] = {}
        for job in jobs:
            if job.id not in self._estimates:
                self._estimates[job.id] = _estimate(job)
            row = self._rows.get(job.id)
            if row is None:
                new[job.id] = job
            else:
                self.jobs[row] = job
                changed.append(row)
        if changed:
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), len(COLUMNS) - 1))
        if new:
            fresh = sorted(new.values(), key=lambda j: j.created_at, reverse=True)
            self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
            self.jobs[:0] = fresh
            self._rows = {j.id: i for i, j in enumerate(self.jobs)}
            self.endInsertRows()

    def set_thumb(self, job_id: str, pixmap: QPixmap) -> None:
        self.thumbs[job_id] = pixmap
        row = self._rows.get(job_id)
        if row is not None:
            self.dataChanged.emit(
                self.index(row, PROMPT), self.index(row, PROMPT), [Qt.ItemDataRole.DecorationRole]
            )

    def row_of(self, job_id: str) -> int | None:
        return self._rows.get(job_id)

    def tick(self, now: datetime | None = None) -> None:
        """Elapsed time moves on: one change signal spanning the rows of unfinished jobs."""
        self.now = now or datetime.now(UTC)
        live = [i for i, j in enumerate(self.jobs) if not j.state.finished]
        if live:
            self.dataChanged.emit(
                self.index(live[0], ELAPSED),
                self.index(live[-1], ELAPSED),
                [Qt.ItemDataRole.DisplayRole],
            )


class HistoryFilter(QSortFilterProxyModel):
    """State filter and full-text search over prompt, model name, provider, status and error."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.states: frozenset[JobState] | None = None
        self.words: list[str] = []

    def set_states(self, states: frozenset[JobState] | None) -> None:
        self.beginFilterChange()
        self.states = states
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.words = text.casefold().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        index = model.index(source_row, 0, source_parent)
        job: Job = index.data(JOB_ROLE)
        if self.states is not None and job.state not in self.states:
            return False
        if self.words:
            haystack = index.data(SEARCH_ROLE)
            return all(w in haystack for w in self.words)
        return True
