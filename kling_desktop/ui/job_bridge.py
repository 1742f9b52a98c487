"""Runner events → Qt signals, always delivered on the GUI thread, at a pace the window can paint.

Two hundred polling jobs report several changes a second each; repainting the history for every one of them
kept the GUI thread busy. The bridge passes the first change at once, then gathers what arrives during a
short cool-down and delivers each job's latest state once when it ends, all of them in one signal: nothing is
lost (a job's newest state carries everything the older ones said), the window updates its lists once per
delivery, and it repaints a few times a second at most.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from kling_desktop.jobs.runner import JobEvent, JobRunner

COOL_DOWN_MS = 200


class JobBridge(QObject):
    jobs_changed = Signal(list)  # [JobEvent], oldest change first, one per job
    _incoming = Signal(object)

    def __init__(self, runner: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: dict[str, JobEvent] = {}  # job id → its latest event, oldest change first
        self._cool_down = QTimer(self, singleShot=True, interval=COOL_DOWN_MS)
        self._cool_down.timeout.connect(self._cooled)
        # Queued: the runner may call from a worker thread; the slot runs on this object's (GUI) thread.
        self._incoming.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = runner.subscribe(self._incoming.emit)

    def _deliver(self, event: JobEvent) -> None:
        self._pending.pop(event.job.id, None)
        self._pending[event.job.id] = event
        if not self._cool_down.isActive():  # quiet until now: at once
            self._flush()
            self._cool_down.start()

    def _cooled(self) -> None:
        if self._pending:
            self._flush()
            self._cool_down.start()

    def _flush(self) -> None:
        events, self._pending = list(self._pending.values()), {}
        self.jobs_changed.emit(events)

    def close(self) -> None:
        self._cool_down.stop()
        self._unsubscribe()
