"""Drive the real job runner against the emulator (or a stand-in server) with a sped-up clock."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.secrets import Secret
from kling_desktop.jobs.clock import TIME_FACTOR_ENV, Clock
from kling_desktop.jobs.journal import Journal
from kling_desktop.jobs.model import Job
from kling_desktop.jobs.runner import JobEvent, JobRunner
from kling_desktop.providers.base import Provider
from kling_desktop.providers.kling import KlingProvider
from kling_desktop.providers.runware import RunwareProvider
from kling_emulator.server import KLING_TEST_ACCESS, KLING_TEST_SECRET, RUNWARE_TEST_KEY

REQ = GenerationRequest(model="klingai:1@1", prompt="A boat on a lake", width=1280, height=720, duration=5)


class Providers:
    def __init__(self, base_url: str, client: httpx.AsyncClient, cache: Path) -> None:
        self.by_name: dict[str, Provider] = {
            "runware": RunwareProvider(base_url, lambda: Secret(RUNWARE_TEST_KEY), client, str(cache)),
            "kling": KlingProvider(
                base_url, lambda: Secret(KLING_TEST_ACCESS), lambda: Secret(KLING_TEST_SECRET), client
            ),
        }

    def get(self, name: str) -> Provider:
        return self.by_name[name]


@dataclass
class Outcome:
    job: Job
    journal: Journal
    events: list[JobEvent] = field(default_factory=list)

    @property
    def states(self) -> list[str]:
        return [e.job.state.value for e in self.events]

    def notices(self) -> list[str]:
        return [e.job.notice for e in self.events if e.job.notice]


def run_job(
    base_url: str,
    home: Path,
    *,
    provider: str = "runware",
    request: GenerationRequest = REQ,
    factor: float = 0.005,
    stall_after: float | None = None,
    timeout: float = 120.0,
    during: Callable[[JobRunner, Job], Awaitable[None]] | None = None,
) -> Outcome:
    """Submit one job and wait for its end (``during`` runs alongside, e.g. to end a fault)."""

    async def main() -> Outcome:
        os.environ[TIME_FACTOR_ENV] = str(factor)  # the transport retries follow the clock
        try:
            return await drive()
        finally:
            os.environ.pop(TIME_FACTOR_ENV, None)

    async def drive() -> Outcome:
        async with httpx.AsyncClient(
            follow_redirects=True, timeout=httpx.Timeout(10.0, connect=5.0)
        ) as client:
            journal = Journal(home / "jobs.sqlite")
            runner = JobRunner(
                journal,
                Providers(base_url, client, home / "uploads"),
                home / "media",
                home / "work",
                client,
                clock=Clock(factor),
                stall_after=stall_after,
            )
            events: list[JobEvent] = []
            runner.subscribe(events.append)
            job = await runner.submit(request, provider)
            side = asyncio.ensure_future(during(runner, job)) if during else None
            try:
                done = await asyncio.wait_for(runner.wait(job.id), timeout)
            finally:
                if side is not None:
                    side.cancel()
                    await asyncio.gather(side, return_exceptions=True)
                await runner.aclose()
            return Outcome(done, journal, events)

    return asyncio.run(main())
