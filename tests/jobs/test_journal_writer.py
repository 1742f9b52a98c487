"""Journal writes from the event loop go to the disk in groups; each caller returns once its own is there."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from kling_desktop.core.request import GenerationRequest
from kling_desktop.jobs.journal import Journal
from kling_desktop.jobs.journal_writer import JournalWriter
from kling_desktop.jobs.model import Job
from kling_desktop.jobs.states import JobState

REQUEST = GenerationRequest(model="klingai:1@1", prompt="A lantern", width=1280, height=720, duration=5)


def _job(n: int) -> Job:
    return Job(
        id=f"job{n:03d}", task_id=f"task-{n}", provider="runware", model=REQUEST.model, request=REQUEST
    )


def test_writes_made_together_share_a_commit_and_each_is_on_disk_when_its_await_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = Journal(tmp_path / "jobs.sqlite")
    commits: list[int] = []
    real = Journal.write_many
    monkeypatch.setattr(Journal, "write_many", lambda self, w: (commits.append(len(w)), real(self, w))[1])
    writer = JournalWriter(journal)
    reader = Journal(tmp_path / "jobs.sqlite")

    async def one(n: int) -> None:
        job = await writer.add(_job(n), "queued")
        assert await asyncio.to_thread(reader.get, job.id) == job  # committed before the await returned
        moved = await writer.save(job.moved(JobState.SUBMITTING))
        assert (await asyncio.to_thread(reader.get, job.id)).state is JobState.SUBMITTING == moved.state

    async def main() -> None:
        await asyncio.gather(*(one(n) for n in range(100)))

    asyncio.run(main())
    assert sum(commits) == 200  # every write, once
    assert len(commits) <= 10, commits  # in a few commits, not 200
    assert [h[1] for h in reader.history("job042")] == ["queued", "submitting"]


def test_a_write_that_fails_fails_alone(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "jobs.sqlite")
    writer = JournalWriter(journal)

    async def main() -> list[Job | BaseException]:
        return await asyncio.gather(
            writer.add(_job(1), "queued"),
            writer.add(_job(1), "queued"),  # the same id again: refused by the database
            writer.add(_job(2), "queued"),
            return_exceptions=True,
        )

    first, again, second = asyncio.run(main())
    assert isinstance(again, sqlite3.IntegrityError)
    assert first == journal.get("job001") and second == journal.get("job002")
    assert journal.history("job001") == [(journal.history("job001")[0][0], "queued", "queued")]


def test_a_finished_job_stays_finished_in_a_group(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "jobs.sqlite")
    writer = JournalWriter(journal)
    job = journal.add(_job(7))

    async def main() -> None:
        await asyncio.gather(
            writer.save(job.moved(JobState.CANCELLED, error="Abandoned here.")),
            writer.save(job.moved(JobState.SUBMITTING)),  # a late write of the stopped task
        )

    asyncio.run(main())
    assert journal.get("job007").state is JobState.CANCELLED
