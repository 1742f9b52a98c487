"""The Kling client end to end through the emulator: every workflow, 1303 waits, errors in words, resume."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from kling_helpers import context, provider, until_done
from media_factory import make_mp4, make_png, make_wav

from kling_desktop.catalog.models import get_model
from kling_desktop.core.paths import AppPaths
from kling_desktop.core.request import GenerationRequest, Shot
from kling_desktop.jobs.states import JobState
from kling_desktop.providers import kling_errors
from kling_desktop.providers.base import RemoteStatus
from kling_desktop.providers.kling_models import VIDEO_BY_URL_ONLY
from kling_desktop.services import build_services
from kling_emulator.server import KLING_TEST_ACCESS, KLING_TEST_SECRET, EmulatorServer, Response

BOAT = GenerationRequest(model="klingai:1@1", prompt="A boat on a lake", width=1280, height=720, duration=5)


def _run(requests, monkeypatch, emu, *, secret: str = KLING_TEST_SECRET):
    monkeypatch.setenv("KLING_DESKTOP_KLING_URL", emu.base_url)
    monkeypatch.setenv("KLING_ACCESS_KEY", KLING_TEST_ACCESS)
    monkeypatch.setenv("KLING_SECRET_KEY", secret)

    async def main():
        s = build_services(AppPaths.default())
        try:
            jobs = [await s.runner.submit(r, "kling") for r in requests]
            return [await asyncio.wait_for(s.runner.wait(j.id), 60) for j in jobs], s.providers.get("kling")
        finally:
            await s.aclose()

    return asyncio.run(main())


def test_workflows_through_the_job_runner(monkeypatch, tmp_path) -> None:
    a, b = (
        str(make_png(tmp_path / "a.png", 640, 360)),
        str(make_png(tmp_path / "b.png", 640, 360, (0, 0, 200))),
    )
    face, voice = str(make_png(tmp_path / "face.png", 400, 500)), str(make_wav(tmp_path / "v.wav", 3.0))
    reqs = [
        BOAT,
        GenerationRequest(model="klingai:5@2", first_frame=a, last_frame=b, duration=5),
        GenerationRequest(
            model="klingai:kling-video@3-pro",
            width=1920,
            height=1080,
            sound=True,
            shots=(Shot(prompt="Wide", duration=3), Shot(prompt="Close", duration=3)),
        ),
        GenerationRequest(model="klingai:kling-video@o3-pro", prompt="Keep the hero", reference_images=(a,)),
        GenerationRequest(model="klingai:kling@o1", prompt="The person dances", first_frame=a, last_frame=b),
        GenerationRequest(model="klingai:avatar@2.0-pro", input_image=face, input_audio=voice),
        GenerationRequest(model="klingai:kling-image@o1", prompt="A harbour", width=1360, height=768),
    ]
    with EmulatorServer(delay=0.2, max_side=160) as emu:
        jobs, _ = _run(reqs, monkeypatch, emu)
        for job in jobs:
            assert job.state is JobState.DONE, job.error
            assert emu.submissions[job.task_id] == 1
            task = emu.state.find(job.task_id)
            assert task.external_id == job.task_id and task.request.model == job.model
        assert emu.state.find(jobs[2].task_id).request.shots == reqs[2].shots
        assert emu.state.find(jobs[6].task_id).request.width == 1360


def test_video_workflows_with_a_video_host(tmp_path) -> None:
    """Lip-sync (identify-face + advanced-lip-sync), motion control and O1 video edit send videos by URL."""
    clip, dance = (
        make_mp4(tmp_path / "talk.mp4", seconds=2.5, fps=12),
        make_mp4(tmp_path / "d.mp4", seconds=3, fps=12),
    )
    voice, hero = make_wav(tmp_path / "v.wav", 2.5), make_png(tmp_path / "hero.png", 400, 400)
    reqs = {
        "ext-lip": GenerationRequest(
            model="klingai:7@1",
            input_video=str(clip),
            input_audio=str(voice),
            settings={"soundVolume": 0.8, "originalAudioVolume": 0.3},
        ),
        "ext-motion": GenerationRequest(
            model="klingai:kling-video@2.6-pro",
            prompt="Same moves",
            first_frame=str(hero),
            reference_videos=(str(dance),),
            settings={"characterOrientation": "image"},
        ),
        "ext-edit": GenerationRequest(
            model="klingai:kling@o1", prompt="Make it night", input_video=str(dance)
        ),
    }

    async def main(emu):
        async with httpx.AsyncClient() as client:
            hosted, plain = provider(emu, client, publish=True), provider(emu, client)
            assert plain.unsupported_reason(get_model("klingai:7@1")) == VIDEO_BY_URL_ONLY
            assert hosted.unsupported_reason(get_model("klingai:7@1")) is None
            results = {}
            for ext, req in reqs.items():
                ctx = context(req, ext, tmp_path)
                sent = await hosted.submit(ctx)
                results[ext] = await until_done(hosted, ctx, sent.remote_id)
            return results

    with EmulatorServer(delay=0.1, max_side=160) as emu:
        results = asyncio.run(main(emu))
        for ext, result in results.items():
            assert result.status is RemoteStatus.SUCCESS, (ext, result.error)
            assert result.outputs[0].url.startswith(emu.base_url) and emu.submissions[ext] == 1
        lip = emu.state.find("ext-lip")
        assert lip.endpoint == "/v1/videos/advanced-lip-sync"
        assert lip.request.settings == {"soundVolume": 0.8, "originalAudioVolume": 0.3}
        assert emu.state.find("ext-motion").endpoint == "/v1/videos/motion-control"
        assert emu.state.find("ext-edit").request.input_video


def test_concurrency_limit_1303_waits_then_succeeds(monkeypatch) -> None:
    monkeypatch.setattr(kling_errors, "CONCURRENCY_WAIT", 0.05)
    with EmulatorServer(faults="1303=3", delay=0.2, max_side=160) as emu:
        [job], kling = _run([BOAT], monkeypatch, emu)
        assert job.state is JobState.DONE, job.error
        assert emu.faults.hits["1303"] == 3 and kling.concurrency_waits == 3
        assert emu.submissions[job.task_id] == 1 and emu.state.received[job.task_id] == 4


def test_bad_key_is_explained_without_the_key(monkeypatch) -> None:
    canary = "not-the-secret-canary-0123456789abcdef"
    with EmulatorServer(delay=0.2) as emu:
        [job], _ = _run([BOAT], monkeypatch, emu, secret=canary)
    assert job.state is JobState.FAILED and "Check the access key and secret key in Settings" in job.error
    assert canary not in job.error and KLING_TEST_ACCESS not in job.error and "canary" not in job.error


def test_no_credits_is_said_once_without_a_retry_storm(monkeypatch) -> None:
    with EmulatorServer(delay=0.2) as emu:
        hits = []
        real = emu.route

        def broke(req):
            if req.method == "POST":
                hits.append(req.path)
                return Response(
                    429, {"code": 1102, "message": "Account balance not enough", "request_id": "r1"}
                )
            return real(req)

        emu.route = broke  # every create: the resource pack is used up (HTTP 429, code 1102)
        [job], _ = _run([BOAT], monkeypatch, emu)
    assert (
        job.state is JobState.FAILED and "no credits left" in job.error and hits == ["/v1/videos/text2video"]
    )


def test_resume_by_external_task_id_after_a_crash(tmp_path) -> None:
    async def main(emu):
        async with httpx.AsyncClient() as client:
            ctx = context(BOAT, "ext-resume-1", tmp_path)
            await provider(emu, client).submit(ctx)  # then the app "crashes": the server task id is lost
            again = provider(emu, client)  # a new process: nothing in memory
            result = await until_done(again, ctx, None)  # by external_task_id
            resent = await again.submit(
                ctx
            )  # even a second submit finds the first task instead of paying again
            assert resent.remote_id is None
            return result

    with EmulatorServer(delay=0.2, max_side=160) as emu:
        result = asyncio.run(main(emu))
        assert result.status is RemoteStatus.SUCCESS and result.outputs[0].url.startswith(emu.base_url)
        assert emu.submissions["ext-resume-1"] == 1 and emu.state.received["ext-resume-1"] == 2


def test_lost_reply_is_not_a_second_task(tmp_path) -> None:
    async def main(emu):
        async with httpx.AsyncClient() as client:
            p = provider(emu, client)
            ctx = context(BOAT, "ext-drop", tmp_path)
            sent = await p.submit(ctx)  # accepted, answer lost → sent again → 1201 duplicate → adopted
            return sent, await until_done(p, ctx, sent.remote_id)

    with EmulatorServer(faults="drop_reply=1", delay=0.1, max_side=160) as emu:
        sent, result = asyncio.run(main(emu))
        assert sent.remote_id is None and result.status is RemoteStatus.SUCCESS
        assert emu.submissions["ext-drop"] == 1 and emu.faults.hits["drop_reply"] == 1


def test_failed_task_is_told_in_words(tmp_path) -> None:
    async def main(emu):
        async with httpx.AsyncClient() as client:
            p = provider(emu, client)
            ctx = context(BOAT, "ext-fail", tmp_path)
            return await until_done(p, ctx, (await p.submit(ctx)).remote_id)

    with EmulatorServer(faults="fail=1", delay=0.1, max_side=160) as emu:
        result = asyncio.run(main(emu))
    assert result.status is RemoteStatus.FAILED and "Kling could not make this video" in result.error.message


@pytest.mark.parametrize("air", ["klingai:7@1"])
def test_video_inputs_without_a_host_are_refused_before_sending(air: str, tmp_path: Path) -> None:
    req = GenerationRequest(
        model=air, input_video=str(tmp_path / "v.mp4"), input_audio=str(tmp_path / "a.wav")
    )

    async def main(emu):
        async with httpx.AsyncClient() as client:
            with pytest.raises(Exception, match="public URL") as info:
                await provider(emu, client).submit(context(req, "ext-nohost", tmp_path))
            return info.value

    with EmulatorServer() as emu:
        err = asyncio.run(main(emu))
        assert err.code == "unsupported" and emu.state.received["ext-nohost"] == 0


def test_what_proves_kling_never_received_a_task(tmp_path) -> None:
    """An unknown external_task_id proves it only while no create was acknowledged; a query refused with
    1303 is never proof. Both said by the client, which knows which request it sent."""
    from dataclasses import replace

    from kling_desktop.providers.base import ProviderError

    async def main(emu):
        async with httpx.AsyncClient() as client:
            p = provider(emu, client)
            unsent = context(BOAT, "ext-never-sent", tmp_path)
            with pytest.raises(ProviderError) as before:
                await p.poll(unsent, None)
            with pytest.raises(ProviderError) as after:
                await p.poll(replace(unsent, acknowledged=True), None)
            sent = context(BOAT, "ext-sent", tmp_path)
            await p.submit(sent)
            emu.faults.counts["query1303"] = 1
            with pytest.raises(ProviderError) as refused:
                await p.poll(replace(sent, acknowledged=True), None)
            return before.value, after.value, refused.value

    with EmulatorServer(delay=0.2, max_side=160) as emu:
        before, after, refused = asyncio.run(main(emu))
    assert before.never_received and before.code == "1203"
    assert not after.never_received and after.retryable  # acknowledged: a lagging lookup, not proof
    assert not refused.never_received and refused.retryable and refused.code == "1303"
