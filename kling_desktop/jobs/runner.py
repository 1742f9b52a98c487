"""Run jobs: persist first, then submit, poll, download, hand the files to the library. Resume after a crash."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx

from kling_desktop.catalog.models import get_model
from kling_desktop.core.request import GenerationRequest
from kling_desktop.jobs.download import DownloadError, adopt_local, download
from kling_desktop.jobs.journal import Journal
from kling_desktop.jobs.model import Job, now_iso
from kling_desktop.jobs.pause import pause_for_tests as _pause_for_tests
from kling_desktop.jobs.states import JobState
from kling_desktop.providers.backoff import poll_delays, retry_delay
from kling_desktop.providers.base import JobContext, PollResult, Provider, ProviderError, RemoteStatus

log = logging.getLogger(__name__)
S = JobState
CANCEL_MESSAGE = "Cancelled here. The provider may still finish and bill this task."
MAX_SUBMIT_ATTEMPTS = 8


@dataclass(frozen=True)
class JobEvent:
    job: Job
    message: str = ""


class ResultSink(Protocol):
    def add_job_result(self, job: Job) -> object: ...


class ProviderSource(Protocol):
    def get(self, name: str) -> Provider: ...


class JobRunner:
    def __init__(
        self,
        journal: Journal,
        providers: ProviderSource,
        media_dir: Path,
        work_dir: Path,
        client: httpx.AsyncClient,
        sink: ResultSink | None = None,
        concurrency: dict[str, int] | None = None,
    ) -> None:
        self.journal = journal
        self.providers = providers
        self.media_dir = media_dir
        self.work_dir = work_dir
        self.client = client
        self.sink = sink
        self._limits = concurrency or {}
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._tasks: dict[str, asyncio.Task[Job]] = {}
        self._listeners: list[Callable[[JobEvent], None]] = []

    # ---- observing -----------------------------------------------------------------------------------
    def subscribe(self, callback: Callable[[JobEvent], None]) -> Callable[[], None]:
        self._listeners.append(callback)

        def unsubscribe() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return unsubscribe

    def _emit(self, job: Job, message: str = "") -> None:
        for listener in list(self._listeners):
            try:
                listener(JobEvent(job, message))
            except Exception:  # a broken listener must not break a paid job
                log.exception("job listener failed")

    async def _save(self, job: Job, message: str = "") -> Job:
        """Commit to the journal off the event-loop thread (SQLite fsyncs), then tell the listeners."""
        await asyncio.to_thread(self.journal.save, job, message)
        self._emit(job, message)
        return job

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
            request_json=request.model_dump_json(),
            retry_of=retry_of,
            parent_id=parent_id,
        )
        await asyncio.to_thread(self.journal.add, job)
        self._emit(job, "queued")
        _pause_for_tests("after-journal")
        self._start(job)
        return job

    async def retry(self, job_id: str) -> Job:
        old = await asyncio.to_thread(self.journal.get, job_id)
        return await self.submit(old.request, old.provider, retry_of=old.id, parent_id=old.parent_id)

    async def cancel(self, job_id: str) -> Job:
        job = await asyncio.to_thread(self.journal.get, job_id)
        if job.state.finished:
            return job
        task = self._tasks.pop(job.id, None)
        if task is not None:
            task.cancel()
        provider = self.providers.get(job.provider)
        cancel_local = getattr(provider, "cancel", None)
        if cancel_local:
            cancel_local(job.task_id)
        job = await asyncio.to_thread(self.journal.get, job.id)
        return await self._save(job.moved(S.CANCELLED, error=CANCEL_MESSAGE), CANCEL_MESSAGE)

    async def resume_all(self) -> list[Job]:
        """Re-attach to every unfinished job by its stored task id."""
        jobs = await asyncio.to_thread(self.journal.unfinished)
        for job in jobs:
            if job.id not in self._tasks:
                self._start(job)
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

    async def wait_all(self) -> list[Job]:
        return [await self.wait(job_id) for job_id in list(self._tasks)]

    def running(self) -> list[str]:
        return list(self._tasks)

    async def aclose(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    # ---- driving one job ----------------------------------------------------------------------------
    def _start(self, job: Job) -> None:
        task = asyncio.ensure_future(self._drive(job))
        self._tasks[job.id] = task

        def forget(_task: asyncio.Task[Job], job_id: str = job.id) -> None:
            if self._tasks.get(job_id) is _task:
                del self._tasks[job_id]

        task.add_done_callback(forget)

    def _slot(self, provider: str) -> asyncio.Semaphore:
        if provider not in self._slots:
            limit = self._limits.get(provider) or int(
                getattr(self.providers.get(provider), "max_concurrency", 1)
            )
            self._slots[provider] = asyncio.Semaphore(max(1, limit))
        return self._slots[provider]

    async def _drive(self, job: Job) -> Job:
        try:
            provider = self.providers.get(job.provider)
            ctx = JobContext(job.id, job.task_id, job.request, get_model(job.model), self.work_dir / job.id)
            async with self._slot(job.provider):
                job = await self._submit_once(job, provider, ctx)
                job, outputs = await self._poll_until_done(job, provider, ctx)
                if job.state is not S.DOWNLOADING:
                    job = await self._save(
                        job.moved(S.DOWNLOADING, outputs_json=json.dumps(outputs), progress=None)
                    )
                _pause_for_tests("before-download")
                job = await self._fetch(job, outputs)
            if self.sink is not None:
                await asyncio.to_thread(self.sink.add_job_result, job)
            return await self._save(
                job.moved(S.DONE, progress=1.0), f"{len(job.files)} file(s) in the library"
            )
        except asyncio.CancelledError:
            raise
        except (ProviderError, DownloadError) as exc:
            return await self._fail(job, getattr(exc, "message", str(exc)))
        except Exception as exc:  # keep the request: one click retries it
            log.exception("job %s failed", job.id)
            return await self._fail(
                job, f"Something went wrong on this computer: {type(exc).__name__}: {exc}"
            )

    async def _fail(self, job: Job, message: str) -> Job:
        current = await asyncio.to_thread(self.journal.get, job.id)
        if current.state.finished:
            return current
        return await self._save(current.moved(S.FAILED, error=message), message)

    async def _submit_once(self, job: Job, provider: Provider, ctx: JobContext) -> Job:
        """Send the task unless the provider may already have it; never send twice what it received."""
        if job.state in (S.SUBMITTING, S.SUBMITTED, S.RUNNING, S.DOWNLOADING):
            try:  # re-attach: ask first
                await provider.poll(ctx, job.remote_id)
                return job
            except ProviderError as exc:
                if not exc.never_received:
                    raise
                job = await self._save(job.moved(S.QUEUED), "the provider never received it: sending again")
        job = await self._save(job.moved(S.SUBMITTING))
        for attempt in range(1, MAX_SUBMIT_ATTEMPTS + 1):
            try:
                sent = await provider.submit(ctx)
                break
            except ProviderError as exc:
                if not exc.retryable or attempt == MAX_SUBMIT_ATTEMPTS:
                    raise
                await asyncio.sleep(exc.retry_after or retry_delay(attempt))
        job = await self._save(
            job.moved(
                S.SUBMITTED, remote_id=sent.remote_id or job.remote_id, submitted_at=now_iso(), cost=sent.cost
            )
        )
        _pause_for_tests("after-submit")
        return job

    async def _poll_until_done(
        self, job: Job, provider: Provider, ctx: JobContext
    ) -> tuple[Job, list[dict[str, object]]]:
        if job.state is S.DOWNLOADING and job.outputs:
            return job, job.outputs
        delays = poll_delays()
        attempt = 0
        while True:
            try:
                result: PollResult = await provider.poll(ctx, job.remote_id)
                attempt = 0
            except ProviderError as exc:
                if exc.never_received:
                    job = await self._save(job.moved(S.QUEUED), "the provider lost the task: sending again")
                    job = await self._submit_once(job, provider, ctx)
                    continue
                attempt += 1
                if not exc.retryable or attempt > MAX_SUBMIT_ATTEMPTS:
                    raise
                await asyncio.sleep(exc.retry_after or retry_delay(attempt))
                continue
            if result.status is RemoteStatus.SUCCESS:
                cost = result.cost if result.cost is not None else job.cost
                return job.moved(job.state, cost=cost), [o.__dict__ for o in result.outputs]
            if result.status is RemoteStatus.FAILED:
                raise result.error or ProviderError("The provider reports that the task failed.")
            if result.status is RemoteStatus.PROCESSING and job.state is not S.RUNNING:
                job = await self._save(job.moved(S.RUNNING, progress=result.progress))
            elif result.progress is not None and result.progress != job.progress:
                job = await self._save(job.moved(job.state, progress=result.progress))
            _pause_for_tests("mid-poll")
            await asyncio.sleep(result.retry_after or next(delays))

    async def _fetch(self, job: Job, outputs: list[dict[str, object]]) -> Job:
        files = []
        for n, out in enumerate(outputs):
            ext = str(out.get("extension") or "mp4").lower()
            if not ext.isalnum() or len(ext) > 5:  # a server-supplied name never chooses the path
                ext = "bin"
            final = self.media_dir / f"{job.id}{'' if n == 0 else f'-{n}'}.{ext}"
            kind = str(out.get("kind") or "video")
            if out.get("path"):
                files.append(str(await asyncio.to_thread(adopt_local, Path(str(out["path"])), final, kind)))
            elif out.get("url"):
                files.append(str(await download(self.client, str(out["url"]), final, kind)))
        if not files:
            raise ProviderError("The provider finished but returned no file.")
        return job.moved(job.state, files=tuple(files))
