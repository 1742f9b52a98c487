"""The journal's schema is a list of steps; a journal written by release 0.1.0 opens with this release."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import httpx
import pytest
from media_factory import make_png

from kling_desktop.core.migrations import NewerDatabase, schema_version
from kling_desktop.jobs.clock import Clock
from kling_desktop.jobs.journal import COLUMNS, STEPS, Journal
from kling_desktop.jobs.lifecycle import retry_plan
from kling_desktop.jobs.runner import JobRunner
from kling_desktop.jobs.states import JobState
from kling_desktop.jobs.verify import check_video
from kling_emulator.server import EmulatorServer

OLD = Path(__file__).resolve().parents[1] / "data" / "release_0_1_0" / "jobs.sqlite"
RUNWARE_JOB = "23b29087f166"


def _copy(tmp_path: Path) -> Path:
    path = tmp_path / "jobs.sqlite"
    shutil.copyfile(OLD, path)
    return path


def test_step_one_is_what_release_0_1_0_wrote(tmp_path: Path) -> None:
    fresh = sqlite3.connect(tmp_path / "fresh.sqlite")
    assert isinstance(STEPS[0], str)
    fresh.executescript(STEPS[0])
    old = sqlite3.connect(OLD)

    def shape(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
        tables = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        indexes = conn.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL ORDER BY name"
        ).fetchall()
        return {
            **{t: [tuple(c) for c in conn.execute(f"PRAGMA table_info({t})")] for t in tables},
            "indexes": indexes,
        }

    assert shape(fresh) == shape(old)
    assert schema_version(old) == 1


def test_a_release_0_1_0_journal_opens_with_every_job_listed(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    journal = Journal(path)
    conn = sqlite3.connect(path)
    assert schema_version(conn) == len(STEPS)
    assert [r[1] for r in conn.execute("PRAGMA table_info(jobs)")] == list(COLUMNS)
    jobs = {j.id: j for j in journal.recent()}
    assert len(jobs) == 4 and {j.state for j in jobs.values()} == {JobState.DONE, JobState.FAILED}
    for job in jobs.values():
        assert job.request.model == job.model  # the request is typed, parsed once
        assert journal.history(job.id)
    done = [j for j in jobs.values() if j.state is JobState.DONE]
    assert all(j.files for j in done)
    failed = jobs[RUNWARE_JOB]
    assert failed.provider == "runware" and "No Runware API key is set" in failed.error
    assert failed.failed_by is None and not failed.accepted and failed.wait_reason is None
    assert journal.unfinished() == []
    assert Journal(path).recent()  # opening it again changes nothing
    assert journal.integrity_check() == "ok"


def test_the_failed_runware_job_retries_with_the_same_task_id(tmp_path: Path) -> None:
    """It failed on this side (no key) and was never accepted: Retry sends it once, with the same taskUUID."""
    path = _copy(tmp_path)
    frame = make_png(tmp_path / "a.png", 640, 360)
    with sqlite3.connect(path) as conn:  # the input the user picked then, at the path it has now
        conn.execute(
            "UPDATE jobs SET request_json = replace(request_json, '/tmp/prev/a.png', ?)", (str(frame),)
        )
    journal = Journal(path)
    old = journal.get(RUNWARE_JOB)
    plan = retry_plan(old)
    assert plan.action == "reattach" and not plan.bills_again and "same task id" in plan.message

    from job_harness import Providers

    async def main(emu: EmulatorServer):
        async with httpx.AsyncClient() as client:
            runner = JobRunner(
                journal,
                Providers(emu.base_url, client, tmp_path / "uploads"),
                tmp_path / "media",
                tmp_path / "work",
                client,
                clock=Clock(0.01),
            )
            job = await runner.retry(RUNWARE_JOB)
            return await asyncio.wait_for(runner.wait(job.id), 60)

    with EmulatorServer(delay=0.2, max_side=160) as emu:
        done = asyncio.run(main(emu))
        assert done.state is JobState.DONE, done.error
        assert done.task_id == old.task_id and done.retry_of == old.id
        assert emu.submissions[old.task_id] == 1 and sum(emu.submissions.values()) == 1
    check_video(Path(done.files[0]))
    assert journal.get(RUNWARE_JOB).state is JobState.FAILED  # the old record stays as it was


def test_a_journal_from_a_newer_release_is_refused_unchanged(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {len(STEPS) + 1}")
    before = path.read_bytes()
    with pytest.raises(NewerDatabase, match="newer release"):
        Journal(path)
    assert path.read_bytes() == before
