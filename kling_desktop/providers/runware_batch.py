"""Status queries for many Runware tasks in one request.

Two hundred jobs polling every few seconds would send dozens of requests a second, each costing the event loop
a whole HTTP exchange. Runware takes an array of tasks in one request, so a query that comes due while
another is on the wire waits for it and then goes out with the others that came due meanwhile (up to
``BATCH`` in one request). A lone query goes out at once, exactly as it would alone. Every waiter gets the
whole reply and reads its own task's items and errors from it (``RunwareProvider.poll`` filters by
``taskUUID``); a transport failure reaches every waiter of that request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

BATCH = 50  # queries per request

Reply = tuple[dict[str, Any], int]
Post = Callable[[list[dict[str, Any]]], Awaitable[Reply]]


class StatusBatcher:
    def __init__(self, post: Post) -> None:
        self._post = post
        self._due: dict[str, list[asyncio.Future[Reply]]] = {}  # task UUID -> its waiters, oldest first
        self._sending: asyncio.Task[None] | None = None
        self.requests = 0  # requests sent (tests and benchmarks read it)

    async def ask(self, task_uuid: str) -> Reply:
        waiter: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._due.setdefault(task_uuid, []).append(waiter)
        if self._sending is None or self._sending.done():
            self._sending = asyncio.ensure_future(self._send_due())
        return await waiter

    async def _send_due(self) -> None:
        while self._due:
            batch = list(self._due)[:BATCH]
            waiters = [w for task in batch for w in self._due.pop(task)]
            if all(w.done() for w in waiters):  # every asker gave up (cancelled): nothing to ask
                continue
            self.requests += 1
            try:
                reply = await self._post([{"taskType": "getResponse", "taskUUID": t} for t in batch])
            except asyncio.CancelledError:
                for w in waiters:
                    w.cancel()
                raise
            except Exception as exc:
                await _hand_out(waiters, error=exc)
                continue
            await _hand_out(waiters, reply)

    async def aclose(self) -> None:
        if self._sending is not None and not self._sending.done():
            self._sending.cancel()
            await asyncio.gather(self._sending, return_exceptions=True)


async def _hand_out(
    waiters: list[asyncio.Future[Reply]], reply: Reply | None = None, error: Exception | None = None
) -> None:
    """One waiter per turn of the event loop: fifty jobs told at once would all resume in the same turn and
    hold the window for as long as all of them take."""
    for w in waiters:
        if w.done():
            continue
        if error is not None:
            w.set_exception(error)
        else:
            assert reply is not None  # given whenever no error is
            w.set_result(reply)
        await asyncio.sleep(0)
