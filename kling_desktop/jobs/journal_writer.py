"""Journal writes from the event loop, committed in groups.

Every state a job reaches is committed to the journal before anyone is told (and before the next request
leaves). Committed one by one, 200 jobs starting or finishing together meant 200 trips to a worker thread and
200 flushes to the disk in a row, each trip one more turn in the queue for the interpreter lock that the
window's thread also waits in. The writer sends every write that arrives while a commit is under way in the
next commit, together (group commit): one trip and one flush for the lot. Each caller still returns only once
its own write is on the disk; a write that fails fails alone.
"""

from __future__ import annotations

import asyncio

from kling_desktop.jobs.journal import Journal, Write
from kling_desktop.jobs.model import Job


class JournalWriter:
    """One commit in flight at a time; the writes that arrive meanwhile go together in the next one."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self._pending: list[tuple[Write, asyncio.Future[Job]]] = []
        self._writing: asyncio.AbstractEventLoop | None = None  # the loop a commit is under way on

    async def add(self, job: Job, message: str) -> Job:
        return await self._write(("add", job, message))

    async def save(self, job: Job, message: str = "") -> Job:
        return await self._write(("save", job, message))

    def _write(self, write: Write) -> asyncio.Future[Job]:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Job] = loop.create_future()
        self._pending.append((write, done))
        if self._writing is not loop:  # none under way (or on a loop that has since closed)
            self._writing = loop
            loop.call_soon(self._commit, loop)  # the writes made on this turn of the loop join this commit
        return done

    def _commit(self, loop: asyncio.AbstractEventLoop) -> None:
        # Called by the loop, which need not count as running then (qasync runs callbacks from Qt's loop).
        batch = [(w, done) for w, done in self._pending if done.get_loop() is loop]
        self._pending = []
        try:
            written = loop.run_in_executor(None, self.journal.write_many, [w for w, _ in batch])
        except RuntimeError as exc:  # the executor is shut down: the loop is closing
            failed: asyncio.Future[list[Job | Exception]] = loop.create_future()
            failed.set_exception(exc)
            self._committed(loop, batch, failed)
            return
        written.add_done_callback(lambda f: self._committed(loop, batch, f))

    def _committed(
        self,
        loop: asyncio.AbstractEventLoop,
        batch: list[tuple[Write, asyncio.Future[Job]]],
        written: asyncio.Future[list[Job | Exception]],
    ) -> None:
        if written.cancelled():  # the loop is closing: the writes may or may not be on the disk
            results: list[Job | BaseException] = [asyncio.CancelledError()] * len(batch)
        elif (error := written.exception()) is not None:
            results = [error] * len(batch)
        else:
            results = list(written.result())
        for (_, done), result in zip(batch, results, strict=True):
            if done.done():  # its caller stopped waiting; the write itself went ahead
                continue
            if isinstance(result, BaseException):
                done.set_exception(result)
            else:
                done.set_result(result)
        if self._pending:
            loop.call_soon(self._commit, loop)
        else:
            self._writing = None
