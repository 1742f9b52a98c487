"""Progress is shown at every poll but written to the journal only now and then: it is a hint, not a state."""

from __future__ import annotations

from pathlib import Path

from job_harness import run_job

from kling_desktop.jobs import drive
from kling_desktop.jobs.journal import Journal
from kling_desktop.jobs.states import JobState
from kling_emulator.server import EmulatorServer


def test_progress_reaches_the_window_every_poll_and_the_journal_now_and_then(
    tmp_path: Path, monkeypatch
) -> None:
    saved: list[float | None] = []
    real_write = Journal.write_many

    def counting_write(self, writes):
        saved.extend(job.progress for _, job, _ in writes if job.state is JobState.RUNNING)
        return real_write(self, writes)

    monkeypatch.setattr(Journal, "write_many", counting_write)
    monkeypatch.setattr(drive, "PROGRESS_SAVE_EVERY", 100.0)  # of the job's clock: 0.5 s at factor 0.005
    with EmulatorServer(delay=1.5, max_side=160) as emu:
        out = run_job(emu.base_url, tmp_path, factor=0.005)
    assert out.job.state is JobState.DONE
    shown = [e.job.progress for e in out.events if e.job.state is JobState.RUNNING]
    assert len(set(shown)) >= 10  # the emulator's progress moved at nearly every poll, and each was shown
    assert 1 <= len(saved) < len(shown) / 2  # far fewer commits than progress updates
    assert out.journal.get(out.job.id).state is JobState.DONE  # states are still written, every one
