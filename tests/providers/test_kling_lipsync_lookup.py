"""Lip-sync is found by its external_task_id through the list query, never ``advanced-lip-sync/<external id>``
(Kling documents that path by task_id only): before submitting (no second identify-face, no second task)
and when polling a task whose server id was never recorded."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from kling_helpers import context, provider, until_done
from media_factory import make_mp4, make_wav

from kling_desktop.core.request import GenerationRequest
from kling_desktop.providers.base import RemoteStatus
from kling_desktop.providers.kling_auth import make_token
from kling_emulator.server import KLING_TEST_ACCESS, KLING_TEST_SECRET, EmulatorServer

LIPSYNC = "/v1/videos/advanced-lip-sync"


def test_lipsync_external_id_is_looked_up_by_listing(tmp_path: Path) -> None:
    req = GenerationRequest(
        model="klingai:7@1",
        input_video=str(make_mp4(tmp_path / "talk.mp4", seconds=2.5, fps=12)),
        input_audio=str(make_wav(tmp_path / "v.wav", 2.5)),
    )
    seen: list[tuple[str, str, str]] = []

    async def main(emu: EmulatorServer):
        async with httpx.AsyncClient() as client:
            p = provider(emu, client, publish=True)
            ctx = context(req, "ext-lip-1", tmp_path)
            first = await p.submit(ctx)
            # a crash before the server id was recorded: a new client submits again, then polls by nothing
            again = provider(emu, client, publish=True)
            second = await again.submit(ctx)
            result = await until_done(again, ctx, None)
            return first, second, result

    with EmulatorServer(delay=0.1, max_side=160) as emu:
        serve = emu.route

        def spy(r):
            seen.append((r.method, r.path, r.query))
            return serve(r)

        emu.route = spy  # type: ignore[method-assign]
        first, second, result = asyncio.run(main(emu))
        assert emu.submissions["ext-lip-1"] == 1 and emu.state.received["ext-lip-1"] == 1
    assert first.remote_id and second.remote_id is None  # adopted, not sent twice
    assert result.status is RemoteStatus.SUCCESS, result.error
    assert ("GET", f"{LIPSYNC}/ext-lip-1", "") not in seen
    assert not [s for s in seen if s[0] == "GET" and s[1].startswith(LIPSYNC + "/")]
    assert [s for s in seen if s[1] == "/v1/videos/identify-face"] == [
        ("POST", "/v1/videos/identify-face", "")
    ]
    listings = [s for s in seen if s[:2] == ("GET", LIPSYNC)]
    assert listings and all("pageNum=" in q and "pageSize=" in q for _, _, q in listings)


def test_emulator_answers_lipsync_by_task_id_only(tmp_path: Path) -> None:
    req = GenerationRequest(
        model="klingai:7@1",
        input_video=str(make_mp4(tmp_path / "talk.mp4", seconds=2.5, fps=12)),
        input_audio=str(make_wav(tmp_path / "v.wav", 2.5)),
    )

    async def main(emu: EmulatorServer):
        async with httpx.AsyncClient() as client:
            return await provider(emu, client, publish=True).submit(context(req, "ext-lip-2", tmp_path))

    headers = {"Authorization": "Bearer " + make_token(KLING_TEST_ACCESS, KLING_TEST_SECRET)}
    with EmulatorServer(delay=0.1, max_side=160) as emu:
        sent = asyncio.run(main(emu))
        by_ext = httpx.get(f"{emu.base_url}{LIPSYNC}/ext-lip-2", headers=headers, timeout=20).json()
        by_id = httpx.get(f"{emu.base_url}{LIPSYNC}/{sent.remote_id}", headers=headers, timeout=20).json()
    assert by_ext["code"] == 1203 and by_id["code"] == 0
