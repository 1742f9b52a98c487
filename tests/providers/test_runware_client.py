"""RunwareProvider driven directly (no journal) against the emulator on a real loopback port."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx
import pytest
from media_factory import make_png

from kling_desktop.catalog.models import get_model
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.secrets import Secret
from kling_desktop.providers.base import JobContext, PollResult, ProviderError, RemoteStatus
from kling_desktop.providers.retry import TransportFailed, send_with_retry
from kling_desktop.providers.runware import RunwareProvider
from kling_desktop.providers.runware_uploads import file_digest
from kling_emulator.server import RUNWARE_TEST_KEY, EmulatorServer

T2V = GenerationRequest(model="klingai:1@1", prompt="A boat on a lake", width=1280, height=720, duration=5)


def ctx(request: GenerationRequest, tmp: Path, task_id: str | None = None) -> JobContext:
    return JobContext("job", task_id or str(uuid.uuid4()), request, get_model(request.model), tmp)


def provider(emu: EmulatorServer, tmp: Path, key: str = RUNWARE_TEST_KEY) -> RunwareProvider:
    return RunwareProvider(emu.base_url, lambda: Secret(key), None, str(tmp / "uploads"))


async def until_done(p: RunwareProvider, c: JobContext) -> tuple[PollResult, list[PollResult]]:
    seen = []
    for _ in range(400):
        result = await p.poll(c, None)
        seen.append(result)
        if result.status is not RemoteStatus.PROCESSING:
            return result, seen
        await asyncio.sleep(0.05)
    raise AssertionError("the emulator never finished")


def test_submit_poll_result_with_cost_and_progress(tmp_path) -> None:
    async def main():
        with EmulatorServer(delay=0.4, max_side=160) as emu:
            p, c = provider(emu, tmp_path), ctx(T2V, tmp_path)
            try:
                assert (await p.submit(c)).remote_id == c.task_id
                result, seen = await until_done(p, c)
                async with httpx.AsyncClient() as client:
                    video = await client.get(result.outputs[0].url)
            finally:
                await p.aclose()
            return emu.submissions[c.task_id], result, seen, video

    accepted, result, seen, video = asyncio.run(main())
    assert accepted == 1 and result.status is RemoteStatus.SUCCESS
    out = result.outputs[0]
    assert out.kind == "video" and out.extension == "mp4" and out.remote_id and out.cost and out.cost > 0
    assert result.cost == out.cost
    assert all(0 <= s.progress < 1 for s in seen[:-1] if s.progress is not None)
    assert (
        video.status_code == 200
        and video.headers["content-type"] == "video/mp4"
        and len(video.content) > 1000
    )


def test_a_resubmit_with_the_same_task_id_is_not_a_second_task(tmp_path) -> None:
    async def main():
        with EmulatorServer(delay=0.2, max_side=160) as emu:
            p, c = provider(emu, tmp_path), ctx(T2V, tmp_path)
            try:
                await p.submit(c)
                await p.submit(c)  # e.g. after a crash before the journal saw the ACK: conflictTaskUUID
                result, _ = await until_done(p, c)
            finally:
                await p.aclose()
            return emu.state.received[c.task_id], emu.submissions[c.task_id], result

    received, accepted, result = asyncio.run(main())
    assert (received, accepted) == (2, 1) and result.status is RemoteStatus.SUCCESS


def test_a_lost_reply_is_retried_with_the_same_task_id(tmp_path) -> None:
    async def main():
        with EmulatorServer(faults="drop_reply=1", delay=0.2, max_side=160) as emu:
            p, c = provider(emu, tmp_path), ctx(T2V, tmp_path)
            try:
                await p.submit(c)
            finally:
                await p.aclose()
            return emu.state.received[c.task_id], emu.submissions[c.task_id], emu.faults.hits

    received, accepted, hits = asyncio.run(main())
    assert hits == {"drop_reply": 1} and received == 2 and accepted == 1


def test_unknown_task_is_never_received(tmp_path) -> None:
    async def main():
        with EmulatorServer(delay=0.2) as emu:
            p = provider(emu, tmp_path)
            try:
                await p.poll(ctx(T2V, tmp_path), None)
            finally:
                await p.aclose()

    with pytest.raises(ProviderError) as info:
        asyncio.run(main())
    assert info.value.never_received and info.value.code == "taskFailedOrNotFound"


@pytest.mark.parametrize("spec", ["fail=1", "fail=1,item_errors"])
def test_a_failed_task_is_reported_in_either_error_form(spec, tmp_path) -> None:
    async def main():
        with EmulatorServer(faults=spec, delay=0.1, max_side=160) as emu:
            p, c = provider(emu, tmp_path), ctx(T2V, tmp_path)
            try:
                await p.submit(c)
                return (await until_done(p, c))[0]
            finally:
                await p.aclose()

    result = asyncio.run(main())
    assert result.status is RemoteStatus.FAILED and result.error is not None
    assert "did not respond within the timeout window" in result.error.message
    assert "press Retry" in result.error.message and result.error.code == "timeoutProvider"


def test_bad_key_while_polling_is_an_account_problem_not_a_task_failure(tmp_path) -> None:
    secret = "sk-canary-" + uuid.uuid4().hex

    async def main():
        with EmulatorServer(delay=0.2) as emu:
            p = provider(emu, tmp_path, key=secret)
            try:
                await p.poll(ctx(T2V, tmp_path), None)
            finally:
                await p.aclose()

    with pytest.raises(ProviderError) as info:
        asyncio.run(main())
    assert info.value.message.startswith("Runware rejected the API key. Open Settings → Providers")
    assert secret not in str(info.value) and secret not in repr(info.value.__dict__)
    assert not info.value.never_received


def test_a_stale_cached_upload_is_uploaded_again(tmp_path) -> None:
    img = make_png(tmp_path / "f.png", 640, 360)
    req = GenerationRequest(model="klingai:5@1", first_frame=str(img), duration=5)

    async def main():
        with EmulatorServer(delay=0.1, max_side=160) as emu:
            p, c = provider(emu, tmp_path), ctx(req, tmp_path)
            p.uploads.put(file_digest(img), "deleted-long-ago")  # the service no longer has it
            try:
                await p.submit(c)
                await p.submit(ctx(req, tmp_path))  # a second job: the fresh id is cached now
            finally:
                await p.aclose()
            return emu.state.upload_count, emu.submissions[c.task_id], p.uploads.get(file_digest(img))

    uploads, accepted, cached = asyncio.run(main())
    assert uploads == 1 and accepted == 1 and cached != "deleted-long-ago"


def test_send_with_retry_honours_429_and_resets_then_gives_up(tmp_path) -> None:
    ping = [{"taskType": "ping", "ping": True}]
    headers = {"Authorization": f"Bearer {RUNWARE_TEST_KEY}"}

    async def main():
        async with httpx.AsyncClient() as client:
            with EmulatorServer(faults="429=1,retry_after=0.05,reset=1") as emu:
                ok = await send_with_retry(client, "POST", emu.base_url + "/v1", headers=headers, json=ping)
                hits = dict(emu.faults.hits)
            with EmulatorServer(faults="5xx=10") as emu:
                try:
                    await send_with_retry(
                        client, "POST", emu.base_url + "/v1", headers=headers, json=ping, attempts=2
                    )
                except TransportFailed as exc:
                    return ok, hits, exc

    ok, hits, exc = asyncio.run(main())
    assert ok.status_code == 200 and ok.json() == {"data": [{"taskType": "ping", "pong": True}]}
    assert hits == {"429": 1, "reset": 1}
    assert exc.status == 503 and "after 2 tries" in str(exc)


def test_emulator_refuses_what_the_service_refuses(tmp_path) -> None:
    headers = {"Authorization": f"Bearer {RUNWARE_TEST_KEY}"}
    base = {
        "taskType": "videoInference",
        "model": "klingai:1@1",
        "positivePrompt": "A boat",
        "duration": 5,
        "width": 1280,
        "height": 720,
        "deliveryMethod": "async",
    }
    with EmulatorServer(delay=0.1) as emu, httpx.Client(base_url=emu.base_url, headers=headers) as http:
        seed = http.post("/v1", json=[{**base, "taskUUID": "t1", "seed": 3}]).json()["errors"][0]
        size = http.post("/v1", json=[{**base, "taskUUID": "t2", "width": 1920, "height": 1080}]).json()[
            "errors"
        ][0]
        other = http.post("/v1", json=[{**base, "taskUUID": "t3", "providerSettings": {"openai": {}}}])
        anon = http.post("/v1", json=[{**base, "taskUUID": "t4"}], headers={"Authorization": "Bearer nope"})
        ok = http.post("/v1", json=[{**base, "taskUUID": "t5"}]).json()
    assert seed["code"] == "unsupportedParameter" and seed["parameter"] == "seed" and seed["taskUUID"] == "t1"
    assert size["code"] == "invalidValue" and "1280×720" in size["message"]
    assert (
        other.status_code == 400 and other.json()["errors"][0]["code"] == "mismatchProviderSettingsProvider"
    )
    assert anon.status_code == 401 and anon.json() == {
        "errors": [
            {
                "code": "invalidApiKey",
                "message": "Invalid API key.",
                "parameter": "apiKey",
                "taskType": "authentication",
            }
        ]
    }
    assert ok == {"data": [{"taskType": "videoInference", "taskUUID": "t5"}]}
    assert emu.submissions == {"t5": 1}


def test_emulator_media_ranges_uploads_cost_flag_and_expiry(tmp_path) -> None:
    headers = {"Authorization": f"Bearer {RUNWARE_TEST_KEY}"}
    task = {
        "taskType": "imageInference",
        "taskUUID": "img",
        "model": "klingai:kling-image@3",
        "positivePrompt": "A harbour",
        "width": 1024,
        "height": 1024,
    }  # no includeCost
    for spec, expired in (("expired=3600", False), ("expired", True)):
        with (
            EmulatorServer(faults=spec, delay=0.0, max_side=96) as emu,
            httpx.Client(base_url=emu.base_url, headers=headers) as http,
        ):
            up = http.post(
                "/v1",
                json=[
                    {
                        "taskType": "imageUpload",
                        "taskUUID": "u",
                        "image": "data:image/png;base64,iVBORw0KGgo=",
                    }
                ],
            ).json()["data"][0]
            assert http.get(up["imageURL"]).content == b"\x89PNG\r\n\x1a\n"
            http.post("/v1", json=[task])
            for _ in range(200):
                item = http.post("/v1", json=[{"taskType": "getResponse", "taskUUID": "img"}]).json()["data"][
                    0
                ]
                if item["status"] == "success":
                    break
                emu.state.find("img").future.result(timeout=30)
            assert "cost" not in item and item["imageUUID"] and isinstance(item["seed"], int)
            full = http.get(item["imageURL"])
            if expired:
                assert full.status_code == 410
                continue
            part = http.get(item["imageURL"], headers={"Range": "bytes=8-15"})
            tail = http.get(item["imageURL"], headers={"Range": "bytes=-4"})
            past = http.get(item["imageURL"], headers={"Range": f"bytes={len(full.content)}-"})
            assert full.status_code == 200 and full.headers["content-type"] == "image/png"
            assert part.status_code == 206 and part.content == full.content[8:16]
            assert part.headers["content-range"] == f"bytes 8-15/{len(full.content)}"
            assert tail.content == full.content[-4:] and past.status_code == 416
