"""Helpers for the Kling client tests: keys, a stand-in video host on the emulator, driving a provider."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from pathlib import Path

import httpx

from kling_desktop.catalog.models import get_model
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.secrets import Secret
from kling_desktop.providers.base import JobContext, PollResult, RemoteStatus
from kling_desktop.providers.kling import KlingProvider, Publish
from kling_emulator.server import KLING_TEST_ACCESS, KLING_TEST_SECRET, EmulatorServer


def publisher(emu: EmulatorServer) -> Publish:
    """A stand-in for a public video host: the file is copied to the emulator's /media/ and served there."""

    async def publish(path: Path) -> str:
        name = f"pub-{uuid.uuid4().hex}{path.suffix}"
        await asyncio.to_thread(shutil.copyfile, path, emu.state.media_dir / name)
        return emu.state.media_url(name)

    return publish


def provider(
    emu: EmulatorServer, client: httpx.AsyncClient, *, secret: str = KLING_TEST_SECRET, publish: bool = False
) -> KlingProvider:
    return KlingProvider(
        emu.base_url,
        lambda: Secret(KLING_TEST_ACCESS),
        lambda: Secret(secret),
        client,
        publish=publisher(emu) if publish else None,
    )


def context(req: GenerationRequest, task_id: str, workdir: Path) -> JobContext:
    return JobContext(f"job-{task_id}", task_id, req, get_model(req.model), workdir)


async def until_done(
    p: KlingProvider, ctx: JobContext, remote_id: str | None, tries: int = 300
) -> PollResult:
    for _ in range(tries):
        result = await p.poll(ctx, remote_id)
        if result.status in (RemoteStatus.SUCCESS, RemoteStatus.FAILED):
            return result
        await asyncio.sleep(0.05)
    raise AssertionError(f"task {ctx.task_id} never finished")
