"""Status queries of many jobs share Runware requests; each job still reads its own answer."""

from __future__ import annotations

import asyncio

import pytest

from kling_desktop.core.paths import AppPaths
from kling_desktop.core.request import GenerationRequest
from kling_desktop.jobs.states import JobState
from kling_desktop.providers.runware_batch import StatusBatcher
from kling_desktop.services import build_services


def test_queries_that_come_due_while_one_is_out_go_together() -> None:
    sent: list[list[str]] = []
    gate = asyncio.Event()

    async def post(tasks):
        sent.append([t["taskUUID"] for t in tasks])
        await gate.wait()
        return {"data": [{"taskUUID": t["taskUUID"]} for t in tasks]}, 200

    async def main():
        batcher = StatusBatcher(post)
        first = asyncio.ensure_future(batcher.ask("a"))
        await asyncio.sleep(0)  # "a" is on the wire alone, at once
        rest = [asyncio.ensure_future(batcher.ask(t)) for t in ("b", "c", "d", "b")]
        await asyncio.sleep(0)
        gate.set()
        replies = await asyncio.gather(first, *rest)
        return batcher, replies

    batcher, replies = asyncio.run(main())
    assert sent == [["a"], ["b", "c", "d"]]  # "b" asked twice: one query, two answers
    assert batcher.requests == 2
    assert [r[0]["data"][0]["taskUUID"] for r in replies] == ["a", "b", "b", "b", "b"]


def test_a_failed_request_reaches_each_of_its_waiters_and_a_cancelled_one_is_skipped() -> None:
    async def post(tasks):
        await asyncio.sleep(0)
        raise ConnectionError("down")

    async def main():
        batcher = StatusBatcher(post)
        a = asyncio.ensure_future(batcher.ask("a"))
        b = asyncio.ensure_future(batcher.ask("b"))
        c = asyncio.ensure_future(batcher.ask("c"))
        await asyncio.sleep(0)
        c.cancel()
        results = await asyncio.gather(a, b, c, return_exceptions=True)
        await batcher.aclose()
        return results

    a, b, c = asyncio.run(main())
    assert isinstance(a, ConnectionError) and isinstance(b, ConnectionError)
    assert isinstance(c, asyncio.CancelledError)


@pytest.mark.usefixtures("emulator")
def test_many_jobs_poll_through_fewer_requests_and_each_gets_its_own_file() -> None:
    async def main():
        s = build_services(AppPaths.default())
        runware = s.providers.get("runware")
        asked = 0
        real_ask = runware.status_queries.ask

        async def counting_ask(task_uuid):
            nonlocal asked
            asked += 1
            return await real_ask(task_uuid)

        runware.status_queries.ask = counting_ask
        try:
            requests = [
                GenerationRequest(model="klingai:1@1", prompt=f"Boat {n}", width=1280, height=720, duration=5)
                for n in range(12)
            ]
            jobs = [await s.runner.submit(r, "runware") for r in requests]
            done = [await s.runner.wait(j.id) for j in jobs]
            return done, asked, runware.status_queries.requests
        finally:
            await s.aclose()

    done, asked, sent = asyncio.run(main())
    assert all(j.state is JobState.DONE for j in done), [j.error for j in done]
    assert len({j.files[0] for j in done}) == 12  # each job its own result
    assert sent < asked  # polls shared requests
