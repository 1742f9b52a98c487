"""The job bridge: a burst of runner events reaches the window as each job's latest state, not one repaint
per event, and the newest state of every job always arrives."""

from __future__ import annotations

import threading
from dataclasses import replace

from kling_desktop.core.request import GenerationRequest
from kling_desktop.jobs.drive import JobEvent
from kling_desktop.jobs.model import Job
from kling_desktop.jobs.states import JobState
from kling_desktop.ui.job_bridge import JobBridge


class _Runner:
    def __init__(self) -> None:
        self.listeners = []

    def subscribe(self, callback):
        self.listeners.append(callback)
        return lambda: self.listeners.remove(callback)

    def emit(self, event: JobEvent) -> None:
        for listener in list(self.listeners):
            listener(event)


def _job(n: int) -> Job:
    request = GenerationRequest(model="klingai:1@1", prompt=f"shot {n}", width=1280, height=720, duration=5)
    return Job(id=f"job{n}", task_id=f"task{n}", provider="runware", model=request.model, request=request)


def test_a_burst_arrives_as_each_jobs_latest_state(qtbot) -> None:
    runner = _Runner()
    bridge = JobBridge(runner)  # type: ignore[arg-type]
    seen: list[tuple[str, JobState, str]] = []
    deliveries: list[int] = []

    def delivered(events: list[JobEvent]) -> None:
        deliveries.append(len(events))
        seen.extend((e.job.id, e.job.state, e.message) for e in events)
        assert len({e.job.id for e in events}) == len(events)  # one event per job in a delivery

    bridge.jobs_changed.connect(delivered)
    jobs = [_job(n) for n in range(5)]

    def burst() -> None:  # from a worker thread, as the runner's to_thread saves may call
        for step in range(10):
            for job in jobs:
                state = JobState.DONE if step == 9 else JobState.SUBMITTED
                runner.emit(
                    JobEvent(replace(job, state=state, notice=f"step {step}"), f"{job.id} step {step}")
                )

    worker = threading.Thread(target=burst)
    worker.start()
    worker.join()
    qtbot.waitUntil(
        lambda: {(i, s) for i, s, _ in seen if s is JobState.DONE} == {(j.id, JobState.DONE) for j in jobs}
    )
    assert len(seen) < 50 / 2  # far fewer job updates than events
    assert len(deliveries) < 10 and max(deliveries) > 1  # and they come together
    for job in jobs:  # the last word on each job is its newest event
        last = [m for i, _, m in seen if i == job.id][-1]
        assert last == f"{job.id} step 9"
    bridge.close()
    runner.emit(JobEvent(jobs[0], "after close"))
    qtbot.wait(50)
    assert all(m != "after close" for _, _, m in seen)


def test_jobs_finishing_together_get_one_status_line(window) -> None:
    """Fifty jobs in one delivery: the history shows all of them, the status bar says so once."""
    lines: list[str] = []
    window.statusBar().messageChanged.connect(lambda text: lines.append(text) if text else None)
    done = [replace(_job(n), state=JobState.DONE) for n in range(50)]
    window.bridge.jobs_changed.emit([JobEvent(job, "done") for job in done])
    assert window.history.model.rowCount() >= 50
    assert lines == ["Done: “shot 49” (and 49 more)"]
