"""Run jobs: persist first, then submit, poll, download, hand the files to the library. Resume after a crash.

The commands live here (submit, retry, abandon, resume, wait); the lifecycle of one job is ``drive.py``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import httpx

from kling_desktop.core.request import GenerationRequest
from kling_desktop.jobs.clock import Clock
from kling_desktop.jobs.download import file_client
from kling_desktop.jobs.drive import (
    CANCEL_MESSAGE,
    CANCEL_UNSENT,
    JobDriver,
    JobEvent,
    ProviderSource,
    ResultSink,
)
from kling_desktop.jobs.journal import Journal
from kling_desktop.jobs.journal_writer import JournalWriter
from kling_desktop.jobs.lifecycle import retry_plan
from kling_desktop.jobs.model import Job
from kling_desktop.jobs.pause import pause_for_tests as _pause_for_tests
from kling_desktop.jobs.states import JobState

S = JobState
__all__ = ["CANCEL_MESSAGE", "JobEvent", "JobRunner", "ProviderSource", "ResultSink"]


class JobRunner(JobDriver):
    def __init__(
        self,
        journal: Journal,
        providers: ProviderSource,
        media_dir: Path,
        work_dir: Path,
        client: httpx.AsyncClient,
        sink: ResultSink | None = None,
        concurrency: dict[str, int] | None = None,
        *,
        clock: Clock | None = None,
        stall_after: float | None = None,
    ) -> None:
        self.journal = journal
        self.writer = JournalWriter(journal)
        self.providers = providers
        self.media_dir = media_dir
        self.work_dir = work_dir
        self.client = client
        # Results are fetched on worker threads (the bytes never pass through the event loop), with a
        # blocking client that sends what the API client sends.
        self.files = file_client(client.headers.get("user-agent", ""), trust_env=client.trust_env)
        self.sink = sink
        self.clock = clock or Clock.from_env()
        self.stall_after = stall_after  # None: by kind (STALL_AFTER)
        self._limits = concurrency or {}
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._progress_saved: dict[str, datetime] = {}
        self._tasks: dict[str, asyncio.Task[Job]] = {}
        self._listeners: list[Callable[[JobEvent], None]] = []

    # ---- commands ------------------------------------------------------------------------------------
    async def submit(
        self,
        request: GenerationRequest,
        provider: str,
        *,
        retry_of: str | None = None,
        parent_id: str | None = None,
    ) -> Job:
        """Write the job to the journal (committed), then start it. Returns at once."""
        job = Job(
            id=uuid.uuid4().hex[:12],
            task_id=str(uuid.uuid4()),
            provider=provider,
            model=request.model,
            request=request,
            retry_of=retry_of,
            parent_id=parent_id,
        )
        return await self._add_and_start(job, "queued")

    async def _add_and_start(self, job: Job, message: str) -> Job:
        await self.writer.add(job, message)
        self._emit(job, message)
        _pause_for_tests("after-journal")
        self._start(job)
        return job

    async def retry(self, job_id: str) -> Job:
        """Per ``retry_plan``: re-attach to the same task (a failure on this side), or send a new task (after a
        provider-confirmed failure; billed again)."""
        old = await asyncio.to_thread(self.journal.get, job_id)
        plan = retry_plan(old)
        if plan.action == "none":
            return old
        if plan.action == "new-task":
            return await self.submit(old.request, old.provider, retry_of=old.id, parent_id=old.parent_id)
        state = (S.DOWNLOADING if old.outputs else S.SUBMITTED) if old.accepted else S.SUBMITTING
        job = Job(
            id=uuid.uuid4().hex[:12],
            task_id=old.task_id,  # the same task: the provider is asked, never paid twice
            provider=old.provider,
            model=old.model,
            request=old.request,
            state=state,
            remote_id=old.remote_id,
            cost=old.cost,
            submitted_at=old.submitted_at,
            retry_of=old.id,
            parent_id=old.parent_id,
            outputs=old.outputs,
            last_progress_at=self._now(),
        )
        return await self._add_and_start(job, plan.message)

    async def cancel(self, job_id: str) -> Job:
        """Abandon: the user's word ends the job; the provider may still bill an accepted task.

        The journal says so first (finished is final: a late write of the driving task changes nothing),
        then the driving task stops, then its partial files go."""
        job = await asyncio.to_thread(self.journal.get, job_id)
        if job.state.finished:
            return job
        message = CANCEL_MESSAGE if job.accepted or job.state is not S.QUEUED else CANCEL_UNSENT
        job = await self._save(job.moved(S.CANCELLED, error=message, notice=""), message)
        task = self._tasks.pop(job.id, None)
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        provider = self.providers.get(job.provider)
        cancel_local = getattr(provider, "cancel", None)
        if cancel_local:
            cancel_local(job.task_id)
        for part in self.media_dir.glob(f"{job.id}*.part"):  # no partial file left behind
            part.unlink(missing_ok=True)
        return job

    abandon = cancel

    async def resume_all(self) -> list[Job]:
        """Re-attach to every job without the provider's verdict, by its stored task id: every unfinished job
        (waiting and stalled ones included), and accepted tasks that an older release marked failed without a
        verdict (an outage; it promised they would resume) — each once, as a re-attaching retry."""
        jobs = await asyncio.to_thread(self.journal.unfinished)
        for job in jobs:
            if job.id not in self._tasks:
                self._start(job)
        for old in await asyncio.to_thread(self.journal.orphaned):
            jobs.append(await self.retry(old.id))
        return jobs

    async def wait(self, job_id: str) -> Job:
        task = self._tasks.get(job_id)
        if task is not None:
            try:
                return await asyncio.shield(task)
            except asyncio.CancelledError:
                if not task.cancelled():
                    raise
        return await asyncio.to_thread(self.journal.get, job_id)

    async def wait_accepted(self, job_id: str) -> Job:
        """Until the provider acknowledged the task, the job ended, or it waits before anything was accepted
        (offline, an outage): the caller may leave then; ``resume`` carries on from the journal."""
        done = asyncio.Event()

        def on_event(event: JobEvent) -> None:
            j = event.job
            if j.id == job_id and (j.accepted or j.state.finished or j.state in (S.WAITING, S.STALLED)):
                done.set()

        unsubscribe = self.subscribe(on_event)
        try:
            job = await asyncio.to_thread(self.journal.get, job_id)
            task = self._tasks.get(job_id)
            if not (job.accepted or job.state.finished) and task is not None:
                waiter = asyncio.ensure_future(done.wait())
                await asyncio.wait({waiter, task}, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
            return await asyncio.to_thread(self.journal.get, job_id)
        finally:
            unsubscribe()

    async def wait_all(self) -> list[Job]:
        return [await self.wait(job_id) for job_id in list(self._tasks)]

    def running(self) -> list[str]:
        return list(self._tasks)

    async def aclose(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        self.files.close()

    # ---- driving one job ----------------------------------------------------------------------------
    def _start(self, job: Job) -> None:
        task = asyncio.ensure_future(self._drive(job))
        self._tasks[job.id] = task

        def forget(_task: asyncio.Task[Job], job_id: str = job.id) -> None:
            if self._tasks.get(job_id) is _task:
                del self._tasks[job_id]

        task.add_done_callback(forget)
