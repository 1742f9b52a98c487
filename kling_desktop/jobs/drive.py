"""Drive one job through its lifecycle: until the provider has the task, until its verdict, until the files
are in the library. ``JobRunner`` (runner.py) adds the commands (submit, retry, abandon, resume).

A job the provider accepted ends only on the provider's verdict (the task succeeded or failed) or the user's
word (Abandon). Everything else — HTTP 5xx, timeouts, refused connections, unreadable replies, a file host that
is down — puts it in the visible WAITING state, which asks again with capped exponential backoff for as long as
it takes (across restarts: the state is in the journal). A task without progress for far longer than its model
needs is STALLED: said in words, polled slowly, never dropped. A task is sent again only on the provider's
proof that it never received it (``ProviderError.never_received``; each provider writes down what counts as
proof), and always with the same task id.

Retries live in two places with two jobs: transport retries of one request in ``providers/retry.py``; here only
domain signals (waiting, proof of non-receipt, a stale result URL).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from kling_desktop.catalog.models import get_model
from kling_desktop.jobs.clock import Clock
from kling_desktop.jobs.download import (
    CONNECTION_DEADLINE,
    DownloadError,
    DownloadTrouble,
    ResultGone,
    adopt_local,
    download,
    part_path,
)
from kling_desktop.jobs.events import JobEvent, ProviderSource, ResultSink
from kling_desktop.jobs.journal import Journal
from kling_desktop.jobs.journal_writer import JournalWriter
from kling_desktop.jobs.lifecycle import (
    DOWNLOAD_DEADLINE,
    STALLED_POLL,
    provider_name,
    stall_after_for,
    stalled_notice,
    wait_delay,
    waiting_notice,
)
from kling_desktop.jobs.model import FailedBy, Job, WaitReason, now_iso
from kling_desktop.jobs.pause import pause_for_tests as _pause_for_tests
from kling_desktop.jobs.states import JobState
from kling_desktop.providers.backoff import poll_delays
from kling_desktop.providers.base import JobContext, Provider, ProviderError, RemoteOutput, RemoteStatus

log = logging.getLogger(__name__)
PROGRESS_SAVE_EVERY = 30.0  # seconds of the job's clock between journal writes of progress alone
S = JobState
CANCEL_MESSAGE = "Abandoned here. The provider may still finish and bill this task."
CANCEL_UNSENT = "Cancelled before the provider accepted it; nothing was billed."
HERE_CODES = frozenset({"missingApiKey", "missingKeys", "unsupported", "noKey"})


class _Ended(Exception):
    """The job ends here with ``message``; ``failed_by`` says whose word ended it."""

    def __init__(self, message: str, failed_by: FailedBy) -> None:
        super().__init__(message)
        self.message = message
        self.failed_by = failed_by


class JobDriver:
    """The lifecycle of one job; the state it shares with ``JobRunner`` is set up in ``__init__`` there."""

    journal: Journal
    writer: JournalWriter
    providers: ProviderSource
    media_dir: Path
    work_dir: Path
    client: httpx.AsyncClient
    files: httpx.Client
    sink: ResultSink | None
    clock: Clock
    stall_after: float | None
    _limits: dict[str, int]
    _slots: dict[str, asyncio.Semaphore]
    _progress_saved: dict[str, datetime]  # job id -> when its progress was last written to the journal
    _listeners: list[Callable[[JobEvent], None]]

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
        """Commit to the journal (journal_writer.py: off the loop's thread, in groups), then tell the listeners."""
        await self.writer.save(job, message)
        self._emit(job, message)
        return job

    def _now(self) -> str:
        return now_iso(self.clock.now())

    # ---- driving one job ----------------------------------------------------------------------------
    def _slot(self, provider: str) -> asyncio.Semaphore:
        if provider not in self._slots:
            limit = self._limits.get(provider) or int(
                getattr(self.providers.get(provider), "max_concurrency", 1)
            )
            self._slots[provider] = asyncio.Semaphore(max(1, limit))
        return self._slots[provider]

    def _ctx(self, job: Job) -> JobContext:
        return JobContext(
            job.id,
            job.task_id,
            job.request,
            get_model(job.model),
            self.work_dir / job.id,
            acknowledged=job.accepted,
        )

    async def _drive(self, job: Job) -> Job:
        try:
            provider = self.providers.get(job.provider)
            async with self._slot(job.provider):
                job = await self._until_accepted(job, provider)
                job = await self._until_result(job, provider)
                _pause_for_tests("before-download")
                job = await self._until_downloaded(job, provider)
            if self.sink is not None:
                await asyncio.to_thread(self.sink.add_job_result, job)
            return await self._save(
                job.moved(S.DONE, progress=1.0, notice=""), f"{len(job.files)} file(s) in the library"
            )
        except asyncio.CancelledError:
            raise
        except _Ended as end:
            return await self._fail(job, end.message, end.failed_by)
        except ProviderError as exc:
            return await self._fail(job, exc.message, "here" if exc.code in HERE_CODES else "refused")
        except DownloadError as exc:
            return await self._fail(job, str(exc), "here")
        except Exception as exc:  # keep the request: one click re-attaches (or retries) it
            log.exception("job %s failed", job.id)
            return await self._fail(
                job, f"Something went wrong on this computer: {type(exc).__name__}: {exc}", "here"
            )

    async def _fail(self, job: Job, message: str, failed_by: FailedBy) -> Job:
        current = await asyncio.to_thread(self.journal.get, job.id)
        if current.state.finished:
            return current
        if current.provider == "local":
            pass  # drafts are free: Retry renders again
        elif failed_by != "provider" and current.accepted:
            message += " Retry re-attaches to the same task; nothing is billed twice."
        elif failed_by == "provider":
            message += " Retry sends a new task, which is billed again."
        return await self._save(
            current.moved(S.FAILED, error=message, failed_by=failed_by, notice=""), message
        )

    # ---- waiting ---------------------------------------------------------------------------------------
    async def _wait_out(
        self,
        job: Job,
        why: str,
        attempt: int,
        reason: WaitReason,
        retry_after: float | None = None,
        *,
        answered: bool = False,
    ) -> Job:
        """Show the job as waiting (with the words), then sleep until the next check.

        ``answered``: the provider answers, but says nothing of the task (no verdict, no progress); after far
        longer than the model needs, that is a stalled task like one that stays 'processing'."""
        now = self.clock.now()
        since = job.waiting_since or job.last_contact_at or now_iso(now)
        stalled = reason == "file-host" and (
            now - datetime.fromisoformat(since) > timedelta(seconds=DOWNLOAD_DEADLINE)
        )
        quiet_since = job.last_progress_at or job.submitted_at
        if answered and job.accepted and quiet_since:
            stalled = (now - datetime.fromisoformat(quiet_since)).total_seconds() > self._stall_limit(job)
            if stalled and job.last_progress_at is None:
                job = replace(job, last_progress_at=quiet_since)  # the notice says since when
        delay = STALLED_POLL if stalled else max(retry_after or 0.0, wait_delay(attempt))
        state = S.STALLED if stalled else S.WAITING
        changed = job.state is not state or job.wait_reason != reason
        job = job.moved(
            state,
            wait_reason=reason,
            waiting_since=since,
            next_check_at=now_iso(now + timedelta(seconds=delay)),
        )
        notice = stalled_notice(job, now) if stalled else waiting_notice(job, now)
        job = replace(job, notice=notice)
        await self._save(job, f"{notice} ({why})" if changed else "")
        _pause_for_tests("waiting")
        await self.clock.sleep(delay)
        return job

    def _contact(self, job: Job) -> Job:
        """A usable answer arrived: no longer waiting (not saved here; the next save carries it)."""
        return replace(
            job, last_contact_at=self._now(), waiting_since=None, next_check_at=None, notice="", error=""
        )

    # ---- 1. until the provider has the task ------------------------------------------------------------
    async def _until_accepted(self, job: Job, provider: Provider) -> Job:
        if job.accepted:
            return job
        maybe_sent = job.state is not S.QUEUED  # a send may have reached the provider: ask before sending
        attempt = 0
        while True:
            try:
                if maybe_sent:
                    try:
                        result = await provider.poll(self._ctx(job), job.remote_id)
                    except ProviderError as exc:
                        if not exc.never_received:
                            raise
                        log.info("job %s: the provider proves it never received the task", job.id)
                    else:  # it has the task: adopt it
                        if result.status is RemoteStatus.FAILED:
                            job = await self._accepted(job, None, None)
                            raise _Ended(
                                (
                                    result.error or ProviderError("The provider reports that it failed.")
                                ).message,
                                "provider",
                            )
                        return await self._accepted(job, None, None)
                if job.state is S.QUEUED:  # a waiting job stays "waiting" (with its words) while it tries
                    job = await self._save(job.moved(S.SUBMITTING))
                    _pause_for_tests("before-send")  # "submitting" on record, nothing sent yet
                maybe_sent = True
                sent = await provider.submit(self._ctx(job))
                return await self._accepted(job, sent.remote_id, sent.cost)
            except ProviderError as exc:
                if not exc.retryable:
                    raise
                attempt += 1
                reason: WaitReason = "offline" if exc.code == "offline" else "no-answer"
                job = await self._wait_out(job, exc.message, attempt, reason, exc.retry_after)

    async def _accepted(self, job: Job, remote_id: str | None, cost: float | None) -> Job:
        now = self._now()
        job = await self._save(
            self._contact(job).moved(
                S.SUBMITTED,
                remote_id=remote_id or job.remote_id,
                submitted_at=now,
                cost=cost if cost is not None else job.cost,
                last_progress_at=now,
                wait_reason=None,
            ),
            f"{provider_name(job.provider)} accepted the task",
        )
        _pause_for_tests("after-submit")
        return job

    # ---- 2. until the provider's verdict ------------------------------------------------------------------
    def _stall_limit(self, job: Job) -> float:
        if self.stall_after is not None:
            return self.stall_after
        return stall_after_for(get_model(job.model).kind.value)

    async def _until_result(self, job: Job, provider: Provider) -> Job:
        if job.outputs:
            return job
        delays = poll_delays()
        attempt = 0
        while True:
            try:
                result = await provider.poll(self._ctx(job), job.remote_id)
            except ProviderError as exc:
                if exc.never_received:  # the provider's proof: send again, same task id
                    job = await self._save(
                        job.moved(S.QUEUED, submitted_at=None, wait_reason=None),
                        f"{provider_name(job.provider)} proves it never received the task: sending it again "
                        "(same task id)",
                    )
                    job = await self._until_accepted(job, provider)
                    delays = poll_delays()
                    continue
                attempt += 1  # anything else says nothing about the task: wait and ask again
                reason: WaitReason = (
                    "offline" if exc.code == "offline" else "no-answer" if exc.retryable else "refused"
                )
                if (
                    reason == "refused"
                ):  # the words say what to fix (a key, credit); the task is not in question
                    job = replace(job, error=exc.message)
                job = await self._wait_out(
                    job, exc.message, attempt, reason, exc.retry_after, answered=exc.answered
                )
                continue
            except (asyncio.CancelledError, _Ended):
                raise
            except Exception as exc:  # a reply this app cannot read is no verdict on the task either
                log.warning("job %s: unreadable status reply (%s)", job.id, type(exc).__name__)
                attempt += 1
                job = await self._wait_out(
                    job, f"an answer this app cannot read ({type(exc).__name__})", attempt, "no-answer"
                )
                continue
            attempt = 0
            job = self._contact(job)
            if result.status is RemoteStatus.SUCCESS:
                cost = result.cost if result.cost is not None else job.cost
                return await self._save(
                    job.moved(
                        S.DOWNLOADING,
                        outputs=tuple(result.outputs),
                        progress=None,
                        cost=cost,
                        wait_reason=None,
                    )
                )
            if result.status is RemoteStatus.FAILED:
                raise _Ended(
                    (result.error or ProviderError("The provider reports that the task failed.")).message,
                    "provider",
                )
            job, delay = await self._progress(job, result.status, result.progress)
            _pause_for_tests("mid-poll")
            await self.clock.sleep(result.retry_after or (delay if delay is not None else next(delays)))

    async def _progress(
        self, job: Job, status: RemoteStatus, progress: float | None
    ) -> tuple[Job, float | None]:
        """Record movement; mark the job STALLED when it has not moved for far too long. Returns the job and
        the next delay when it differs from the normal polling rhythm."""
        now = self.clock.now()
        target = S.RUNNING if status is RemoteStatus.PROCESSING or job.state is S.RUNNING else S.SUBMITTED
        if job.state in (S.WAITING, S.STALLED) and job.last_progress_at is None:
            job = replace(job, last_progress_at=now_iso(now))
        moved = (progress is not None and progress != job.progress) or (
            target is S.RUNNING and job.state is S.SUBMITTED
        )
        if moved or job.last_progress_at is None:
            job = replace(job, last_progress_at=now_iso(now))
        assert job.last_progress_at is not None
        idle = (now - datetime.fromisoformat(job.last_progress_at)).total_seconds()
        if idle > self._stall_limit(job):
            first = job.state is not S.STALLED
            job = job.moved(
                S.STALLED,
                progress=progress if progress is not None else job.progress,
                wait_reason="stalled",
                next_check_at=now_iso(now + timedelta(seconds=STALLED_POLL)),
            )
            job = replace(job, notice=stalled_notice(job, now))
            await self._save(job, job.notice if first else "")
            _pause_for_tests("stalled")
            return job, STALLED_POLL
        if job.state is not target or job.state in (S.WAITING, S.STALLED):
            job = await self._save(
                job.moved(
                    target, progress=progress if progress is not None else job.progress, wait_reason=None
                )
            )
        elif moved:
            job = await self._note_progress(
                job.moved(target, progress=progress if progress is not None else job.progress)
            )
        return job, None

    async def _note_progress(self, job: Job) -> Job:
        """Progress alone is shown at once and written to the journal at most every
        ``PROGRESS_SAVE_EVERY`` seconds: it is a hint, not a state (a crash forgets a few percent, never the
        task), and 200 polling jobs would otherwise commit to the disk dozens of times a second."""
        now = self.clock.now()
        last = self._progress_saved.get(job.id)
        if last is not None and (now - last).total_seconds() < PROGRESS_SAVE_EVERY:
            self._emit(job)
            return job
        self._progress_saved[job.id] = now
        return await self._save(job)

    # ---- 3. until the files are in the library --------------------------------------------------------------
    async def _until_downloaded(self, job: Job, provider: Provider) -> Job:
        attempt = 0
        refreshed = False
        while True:
            try:  # a waiting job stays "waiting" (with its words) while it tries
                files = await self._fetch(job)
                return self._contact(job).moved(S.DOWNLOADING, files=files, wait_reason=None)
            except ResultGone as exc:
                # The host says the result is not there. Ask the provider for a fresh link, once; if that is
                # gone too, the provider no longer has the result: its verdict (only a new task makes one).
                if refreshed or job.provider == "local":
                    raise _Ended(str(exc), "provider") from None
                try:
                    result = await provider.poll(self._ctx(job), job.remote_id)
                except ProviderError as perr:
                    if perr.never_received:
                        raise _Ended(str(exc), "provider") from None
                    attempt += 1
                    job = await self._wait_out(job, perr.message, attempt, "no-answer", perr.retry_after)
                    continue
                refreshed = True
                if result.status is not RemoteStatus.SUCCESS or not result.outputs:
                    raise _Ended(str(exc), "provider") from None
                job = await self._save(job.moved(S.DOWNLOADING, outputs=tuple(result.outputs)))
            except DownloadTrouble as exc:
                attempt += 1
                reason: WaitReason = "offline" if exc.offline else "file-host"
                job = await self._wait_out(job, str(exc), attempt, reason, exc.retry_after)

    async def _fetch(self, job: Job) -> tuple[str, ...]:
        files = []
        for n, out in enumerate(job.outputs):
            final = self.final_path(job, n, out)
            if final.exists() and not part_path(final).exists() and out.url:
                files.append(str(final))  # fetched before a restart
                continue
            if out.path:
                files.append(str(await asyncio.to_thread(adopt_local, Path(out.path), final, out.kind)))
            elif out.url:
                deadline = CONNECTION_DEADLINE * self.clock.factor
                files.append(
                    str(await download(self.files, out.url, final, out.kind, connection_deadline=deadline))
                )
        if not files:
            raise _Ended("The provider finished but returned no file.", "provider")
        return tuple(files)

    def final_path(self, job: Job, n: int, out: RemoteOutput) -> Path:
        ext = (out.extension or "mp4").lower()
        if not ext.isalnum() or len(ext) > 5:  # a server-supplied name never chooses the path
            ext = "bin"
        return self.media_dir / f"{job.id}{'' if n == 0 else f'-{n}'}.{ext}"
