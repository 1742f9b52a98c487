"""A real outage of a few minutes, on the real clock (no speed-up): marked slow, and run in CI."""

from __future__ import annotations

from pathlib import Path

import pytest
from job_harness import run_job

from kling_desktop.jobs.states import JobState
from kling_desktop.jobs.verify import check_video
from kling_emulator.server import EmulatorServer


@pytest.mark.slow
@pytest.mark.timeout(420)
def test_a_real_two_and_a_half_minute_outage_then_a_file_host_outage(tmp_path: Path) -> None:
    # The outage that used to end a paid job after 54 polls: status queries answer HTTP 500 for 150 s,
    # then the file host answers 503 for 20 s.
    with EmulatorServer(faults="query_outage=150,host_outage=20", delay=0.5, max_side=160) as emu:
        out = run_job(emu.base_url, tmp_path, factor=1.0, timeout=400)
        job = out.job
        assert job.state is JobState.DONE, (job.error, out.states)
        assert emu.submissions[job.task_id] == 1 and sum(emu.submissions.values()) == 1
        assert emu.faults.hits["query_outage"] >= 3 and emu.faults.hits["host_outage"] >= 1
    check_video(Path(job.files[0]))
    waiting = [e.job for e in out.events if e.job.state is JobState.WAITING]
    assert {w.wait_reason for w in waiting} == {"no-answer", "file-host"}
    assert all("your task is safe" in w.notice or "your result is safe" in w.notice for w in waiting)
