"""Runner events → Qt signals, always delivered on the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from kling_desktop.jobs.runner import JobEvent, JobRunner


class JobBridge(QObject):
    job_changed = Signal(object, str)  # Job, message
    _incoming = Signal(object)

    def __init__(self, runner: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Queued: the runner may call from a worker thread; the slot runs on this object's (GUI) thread.
        self._incoming.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = runner.subscribe(self._incoming.emit)

    def _deliver(self, event: JobEvent) -> None:
        self.job_changed.emit(event.job, event.message)

    def close(self) -> None:
        self._unsubscribe()
