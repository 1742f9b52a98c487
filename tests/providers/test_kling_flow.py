"""The Kling client: JWT, one endpoint per workflow, 1303 waits, errors in words, resume by external_task_id."""

from __future__ import annotations

import asyncio
import time

import httpx
import jwt
import pytest
from media_factory import make_png, make_wav

from kling_desktop.catalog.models import get_model
from kling_desktop.core.paths import AppPaths
from kling_desktop.core.request import GenerationRequest, Shot
from kling_desktop.core.secrets import Secret
from kling_desktop.emulator.server import KLING_TEST_ACCESS, KLING_TEST_SECRET, EmulatorServer
from kling_desktop.jobs.states import JobState
from kling_desktop.providers import kling_errors
from kling_desktop.providers.base import JobContext, ProviderError, RemoteStatus
from kling_desktop.providers.kling import KlingProvider
from kling_desktop.providers.kling_auth import make_token
from kling_desktop.providers.kling_models import KLING_MODELS, unsupported_reason
from kling_desktop.providers.kling_payload import build_kling_request
from kling_desktop.services import build_services


def test_jwt_is_hs256_with_iss_exp_nbf() -> None:
    now = time.time()
    token = make_token("AK123", "SK456-a-secret-key-of-32-bytes!!", now)
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(token, "SK456-a-secret-key-of-32-bytes!!", algorithms=["HS256"])
    assert claims["iss"] == "AK123" and claims["exp"] == int(now) + 1800 and claims["nbf"] == int(now) - 5
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "a-wrong-secret-key-that-is-32-bytes!", algorithms=["HS256"])


def test_every_model_is_mapped_or_says_why_not() -> None:
    from kling_desktop.catalog.models import all_models

    for spec in all_models():
        assert spec.air_id in KLING_MODELS or unsupported_reason(spec)
    assert "public URL" in unsupported_reason("klingai:7@1")


def test_payloads(tmp_path) -> None:
    enc = {str(tmp_path / "a.png"): "AAAA", str(tmp_path / "b.png"): "BBBB"}.__getitem__
    a, b = str(tmp_path / "a.png"), str(tmp_path / "b.png")
    path, body = build_kling_request(GenerationRequest(model="klingai:5@2", first_frame=a, last_frame=b, duration=10),
                                     get_model("klingai:5@2"), "ext-1", enc)
    assert path == "/v1/videos/image2video"
    assert body == {"external_task_id": "ext-1", "model_name": "kling-v2-1", "mode": "pro", "duration": "10",
                    "image": "AAAA", "image_tail": "BBBB"}
    req = GenerationRequest(model="klingai:kling-video@3-pro", width=1080, height=1920, sound=True,
                            shots=(Shot(prompt="one", duration=2), Shot(prompt="two", duration=3)))
    path, body = build_kling_request(req, get_model(req.model), "ext-2", enc)
    assert path == "/v1/videos/text2video" and body["aspect_ratio"] == "9:16" and body["sound"] == "on"
    assert body["multi_shot"] is True and body["shot_type"] == "customize"
    assert body["multi_prompt"] == [{"index": 1, "prompt": "one", "duration": "2"},
                                    {"index": 2, "prompt": "two", "duration": "3"}]
    o1 = GenerationRequest(model="klingai:kling@o1", prompt="mix them", reference_images=(a, b))
    path, body = build_kling_request(o1, get_model(o1.model), "ext-3", enc)
    assert path == "/v1/videos/omni-video" and body["image_list"] == [{"image_url": "AAAA"}, {"image_url": "BBBB"}]
    with pytest.raises(ProviderError, match="public URL"):
        edit = GenerationRequest(model="klingai:kling@o1", prompt="night", input_video="/v.mp4")
        build_kling_request(edit, get_model(edit.model), "ext-4", enc)


def _run(requests, monkeypatch, emu):
    monkeypatch.setenv("KLING_DESKTOP_KLING_URL", emu.base_url)
    monkeypatch.setenv("KLING_ACCESS_KEY", KLING_TEST_ACCESS)
    monkeypatch.setenv("KLING_SECRET_KEY", KLING_TEST_SECRET)

    async def main():
        s = build_services(AppPaths.default())
        try:
            jobs = [await s.runner.submit(r, "kling") for r in requests]
            return [await asyncio.wait_for(s.runner.wait(j.id), 60) for j in jobs]
        finally:
            await s.aclose()
    return asyncio.run(main())


def test_workflows_through_the_emulator(monkeypatch, tmp_path) -> None:
    a, b = str(make_png(tmp_path / "a.png", 640, 360)), str(make_png(tmp_path / "b.png", 640, 360, (0, 0, 200)))
    face, voice = str(make_png(tmp_path / "face.png", 400, 500)), str(make_wav(tmp_path / "v.wav", 3.0))
    reqs = [
        GenerationRequest(model="klingai:1@1", prompt="A boat on a lake", width=1280, height=720, duration=5),
        GenerationRequest(model="klingai:5@2", first_frame=a, last_frame=b, duration=5),
        GenerationRequest(model="klingai:kling-video@3-pro", width=1920, height=1080, sound=True,
                          shots=(Shot(prompt="Wide", duration=3), Shot(prompt="Close", duration=3))),
        GenerationRequest(model="klingai:kling-video@o3-pro", prompt="Keep the hero", reference_images=(a,)),
        GenerationRequest(model="klingai:avatar@2.0-pro", input_image=face, input_audio=voice),
        GenerationRequest(model="klingai:kling-image@o1", prompt="A harbour", width=1360, height=768),
    ]
    with EmulatorServer(delay=0.2, max_side=160) as emu:
        jobs = _run(reqs, monkeypatch, emu)
        for job in jobs:
            assert job.state is JobState.DONE, job.error
            assert emu.submissions[job.task_id] == 1
            assert emu.state.find(job.task_id).external_id == job.task_id


def test_concurrency_limit_1303_waits_then_succeeds(monkeypatch) -> None:
    monkeypatch.setattr(kling_errors, "CONCURRENCY_WAIT", 0.2)
    req = GenerationRequest(model="klingai:1@1", prompt="A boat on a lake", width=1280, height=720, duration=5)
    with EmulatorServer(faults="1303=2", delay=0.2, max_side=160) as emu:
        [job] = _run([req], monkeypatch, emu)
        assert job.state is JobState.DONE, job.error
        assert emu.faults.hits["1303"] == 2 and emu.submissions[job.task_id] == 1


def test_bad_key_is_explained_without_the_key(monkeypatch) -> None:
    req = GenerationRequest(model="klingai:1@1", prompt="A boat on a lake", width=1280, height=720, duration=5)
    with EmulatorServer(delay=0.2) as emu:
        monkeypatch.setenv("KLING_DESKTOP_KLING_URL", emu.base_url)
        monkeypatch.setenv("KLING_ACCESS_KEY", KLING_TEST_ACCESS)
        monkeypatch.setenv("KLING_SECRET_KEY", "not-the-secret-canary-0123456789abcdef")

        async def main():
            s = build_services(AppPaths.default())
            try:
                return await s.runner.wait((await s.runner.submit(req, "kling")).id)
            finally:
                await s.aclose()
        job = asyncio.run(main())
    assert job.state is JobState.FAILED and "Check the access key and secret key" in job.error
    assert "canary" not in job.error and KLING_TEST_ACCESS not in job.error


def test_resume_by_external_task_id_without_resubmitting() -> None:
    req = GenerationRequest(model="klingai:1@1", prompt="A boat on a lake", width=1280, height=720, duration=5)
    spec = get_model(req.model)

    async def main(emu):
        async with httpx.AsyncClient() as client:
            keys = (lambda: Secret(KLING_TEST_ACCESS), lambda: Secret(KLING_TEST_SECRET))
            first = KlingProvider(emu.base_url, *keys, client)
            ctx = JobContext("job1", "ext-resume-1", req, spec, emu.state.root)
            await first.submit(ctx)  # then the app "crashes": the server task id is lost
            again = KlingProvider(emu.base_url, *keys, client)
            for _ in range(100):
                result = await again.poll(ctx, None)  # by external_task_id
                if result.status is RemoteStatus.SUCCESS:
                    return result
                await asyncio.sleep(0.1)
            raise AssertionError("never finished")

    with EmulatorServer(delay=0.2, max_side=160) as emu:
        result = asyncio.run(main(emu))
        assert result.outputs and result.outputs[0].url.startswith(emu.base_url)
        assert emu.submissions["ext-resume-1"] == 1
