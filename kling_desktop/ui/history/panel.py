"""The history panel: every job, newest first, filters and full-text search; the selected job's own words
(the provider's error, the waiting notice, what Retry will do) and its actions. Retry, Abandon and Open go
out as signals; ids are shown only here, in the details line, and can be copied."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kling_desktop.jobs.lifecycle import retry_plan, status_line
from kling_desktop.jobs.model import Job
from kling_desktop.jobs.states import JobState
from kling_desktop.ui.history.model import (
    CREATED,
    FILTERS,
    JOB_ROLE,
    PROGRESS,
    PROMPT,
    PROVIDER,
    WIDTHS,
    HistoryFilter,
    HistoryModel,
)
from kling_desktop.ui.names import model_label
from kling_desktop.ui.workers import run_in_thread

ROW_HEIGHT = 36
THUMB_W = 54
PROMPT_MIN = 220
OPTIONAL = (CREATED, PROVIDER, PROGRESS)  # hidden in this order when the panel is narrow


class HistoryPanel(QWidget):
    retry_requested = Signal(str)
    cancel_requested = Signal(str)
    job_selected = Signal(object)  # Job | None

    def __init__(self, thumb_dir: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumb_dir = thumb_dir
        self._asked: set[str] = set()
        self.model = HistoryModel(self)
        self.proxy = HistoryFilter(self)
        self.proxy.setSourceModel(self.model)
        self.filter = QComboBox()
        for label, states in FILTERS:
            self.filter.addItem(label, states)
        self.search = QLineEdit(placeholderText="Search prompts, models, errors…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(120)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.view.setIconSize(QSize(THUMB_W, ROW_HEIGHT - 6))
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate(WIDTHS):
            header.resizeSection(col, width)
        header.setSectionResizeMode(PROMPT, QHeaderView.ResizeMode.Stretch)  # the prompt takes what is left
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        self.message = QLabel(objectName="hint", wordWrap=True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton("Retry")
        self.cancel_button = QPushButton("Abandon")
        self.copy_button = QPushButton("Copy ids")
        self.copy_button.setToolTip("Copy the job, task and model ids (for support)")
        bar = QHBoxLayout()
        bar.addWidget(self.filter)
        bar.addWidget(self.search, 1)
        buttons = QHBoxLayout()
        for b in (self.retry_button, self.cancel_button, self.copy_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.filter.currentIndexChanged.connect(lambda _: self.proxy.set_states(self.filter.currentData()))
        self.search.textChanged.connect(self.proxy.set_text)
        self.view.selectionModel().currentRowChanged.connect(self._current)
        self.model.dataChanged.connect(self._maybe_refresh_selected)
        self.retry_button.clicked.connect(lambda: self._emit(self.retry_requested))
        self.cancel_button.clicked.connect(lambda: self._emit(self.cancel_requested))
        self.copy_button.clicked.connect(self.copy_ids)
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self.model.tick)
        self._timer.start()
        # Thumbnails are decoded for the rows on screen only, once the view has settled: 200 jobs that
        # finish together ask for a screenful, not 200 decodes competing with the window for the processor.
        self._thumbs_due = QTimer(self, singleShot=True, interval=50)
        self._thumbs_due.timeout.connect(self._ask_visible)
        for signal in (self.proxy.rowsInserted, self.proxy.modelReset, self.proxy.layoutChanged):
            signal.connect(self._thumbs_due.start)
        self.proxy.dataChanged.connect(self._thumbs_due.start)
        self.view.verticalScrollBar().valueChanged.connect(self._thumbs_due.start)
        self._update()

    # ---- data ---------------------------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Narrow: the least needed columns step aside so the prompt stays readable (nothing scrolls sideways)."""
        super().resizeEvent(event)
        self._thumbs_due.start()
        header = self.view.horizontalHeader()
        room = event.size().width() - PROMPT_MIN - 40  # the view's frame and scroll bar
        for col in OPTIONAL:
            header.setSectionHidden(col, False)
        used = sum(WIDTHS[c] for c in range(len(WIDTHS)) if c != PROMPT)
        for col in OPTIONAL:
            if used <= room:
                break
            header.setSectionHidden(col, True)
            used -= WIDTHS[col]

    def set_jobs(self, jobs: list[Job]) -> None:
        """The journal's jobs (at start-up); later changes come through ``show_jobs``."""
        known = {j.id: j for j in self.model.jobs}  # events that arrived before the journal did win
        self.model.set_jobs(
            [known.get(j.id, j) for j in jobs]
            + [j for j in known.values() if j.id not in {x.id for x in jobs}]
        )
        self._update()

    def show_jobs(self, jobs: list[Job]) -> None:
        self.model.upsert_many(jobs)

    def _ask_visible(self) -> None:
        """Ask for the thumbnails of the rows in the viewport (and a few below it, for the next scroll)."""
        rows = self.proxy.rowCount()
        if not rows:
            return
        top = max(0, self.view.rowAt(0))
        bottom = self.view.rowAt(self.view.viewport().height() - 1)
        bottom = rows - 1 if bottom < 0 else bottom
        for row in range(top, min(rows, bottom + 1 + 5)):
            self._ask_thumb(self.proxy.index(row, 0).data(JOB_ROLE))

    def _ask_thumb(self, job: Job) -> None:
        """A finished clip's thumbnail, decoded and scaled off the GUI thread (at the screen's pixel ratio)."""
        if self.thumb_dir is None or job.state is not JobState.DONE or not job.files or job.id in self._asked:
            return
        self._asked.add(job.id)
        media, cache = Path(job.files[0]), self.thumb_dir
        ratio = self.devicePixelRatioF()
        size = QSize(THUMB_W, ROW_HEIGHT - 6) * ratio

        def load() -> QImage:
            from kling_desktop.library.thumbs import thumbnail

            image = QImage(str(thumbnail(media, cache)))
            if not image.isNull():  # an unreadable picture: the row keeps its text only
                image = image.scaled(
                    size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                )
                image.setDevicePixelRatio(ratio)
            return image

        def done(image: object, error: Exception | None) -> None:
            if error is None and isinstance(image, QImage) and not image.isNull():
                self.model.set_thumb(job.id, QPixmap.fromImage(image))
            # a missing or unreadable file keeps the row without a picture; the row says what it is

        run_in_thread(load, done, self)

    def select_job(self, job_id: str) -> None:
        row = self.model.row_of(job_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)

    def selected(self) -> Job | None:
        index = self.view.currentIndex()
        return index.data(JOB_ROLE) if index.isValid() else None

    # ---- reactions ----------------------------------------------------------------------------------------
    def _current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._update()
        self.job_selected.emit(current.data(JOB_ROLE) if current.isValid() else None)

    def _maybe_refresh_selected(self, top: QModelIndex, bottom: QModelIndex, *_: Any) -> None:
        job = self.selected()
        if job is not None and top.column() == 0:
            row = self.model.row_of(job.id)
            if row is not None and top.row() <= row <= bottom.row():
                self._update()

    def _emit(self, signal: Any) -> None:
        job = self.selected()
        if job is not None:
            signal.emit(job.id)

    def copy_ids(self) -> None:
        job = self.selected()
        if job is not None:
            QGuiApplication.clipboard().setText(
                f"job {job.id}\ntask {job.task_id}\nremote {job.remote_id or '—'}\nmodel {job.model}"
            )

    def _update(self) -> None:
        job = self.selected()
        self.retry_button.setEnabled(bool(job and job.state in (JobState.FAILED, JobState.CANCELLED)))
        self.cancel_button.setEnabled(bool(job and not job.state.finished))
        self.copy_button.setEnabled(job is not None)
        if job is None:
            self.message.setText(
                "Everything you make appears here, newest first — drafts, cloud jobs, failures included."
                if self.model.rowCount()
                else "Nothing made yet. Jobs you run appear here; drafts render on this computer for free."
            )
            return
        head = f"{job.state.label} · {model_label(job.model)}"
        if job.state is JobState.FAILED:
            plan = retry_plan(job)
            text = f"{head}\n{job.error or 'The job failed.'}\n{plan.message}"
        elif job.state is JobState.CANCELLED:
            text = f"{head}\n{job.error}\n{retry_plan(job).message}"
        elif job.state is JobState.DONE:
            text = f"{head}\nDone: it is in the viewer; the Library tab has its details."
        else:
            text = f"{head}\n{status_line(job, self.model.now)}\nThe job is saved; closing the app will not lose it."
        self.message.setText(text)
