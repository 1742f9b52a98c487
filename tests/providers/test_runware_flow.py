"""The Runware client against the emulator on a real loopback port."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from media_factory import make_mp4, make_png, make_wav

from kling_desktop.catalog.models import all_models
from kling_desktop.catalog.spec import Workflow
from kling_desktop.core.paths import AppPaths
from kling_desktop.core.probe import probe_media
from kling_desktop.core.request import GenerationRequest, Shot
from kling_desktop.jobs.states import JobState
from kling_desktop.services import build_services


def run_jobs(requests: list[GenerationRequest], provider: str = "runware"):
    async def main():
        s = build_services(AppPaths.default())
        try:
            jobs = [await s.runner.submit(r, provider) for r in requests]
            return [await s.runner.wait(j.id) for j in jobs], s
        finally:
            await s.aclose()

    return asyncio.run(main())


def test_t2v_i2v_multishot_and_image(emulator, tmp_path) -> None:
    a, b = make_png(tmp_path / "a.png", 640, 360), make_png(tmp_path / "b.png", 640, 360, (10, 20, 200))
    reqs = [
        GenerationRequest(model="klingai:1@1", prompt="A boat on a lake", width=1280, height=720, duration=5),
        GenerationRequest(model="klingai:5@2", first_frame=str(a), last_frame=str(b), duration=5),
        GenerationRequest(
            model="klingai:kling-video@3-pro",
            width=1920,
            height=1080,
            sound=True,
            shots=(Shot(prompt="Wide shot", duration=3), Shot(prompt="Close up", duration=4)),
        ),
        GenerationRequest(model="klingai:kling-image@3", prompt="A harbour at dawn", width=1024, height=1024),
    ]
    jobs, services = run_jobs(reqs)
    for job in jobs:
        assert job.state is JobState.DONE, job.error
        assert job.cost is not None and job.cost > 0
        assert all(emulator.submissions[job.task_id] == 1 for job in jobs)
    assert probe_media(jobs[2].files[0]).duration == pytest.approx(7.0, abs=0.1)
    assert probe_media(jobs[2].files[0]).has_audio
    assert jobs[3].files[0].endswith(".png")
    clip = services.library.get(jobs[1].id)
    assert clip.provider == "runware" and not clip.is_draft and clip.cost == jobs[1].cost


def test_an_input_is_uploaded_once(emulator, tmp_path) -> None:
    img = make_png(tmp_path / "same.png", 640, 360)
    reqs = [GenerationRequest(model="klingai:5@1", first_frame=str(img), duration=5) for _ in range(2)]
    jobs, _ = run_jobs(reqs)
    assert [j.state for j in jobs] == [JobState.DONE, JobState.DONE]
    assert emulator.state.upload_count == 1


def _media_for(spec, wf, tmp_path: Path) -> dict:
    img, vid, wav = tmp_path / "img.png", tmp_path / "in.mp4", tmp_path / "voice.wav"
    if not img.exists():  # made once per folder: every case shares them
        make_png(img, 640, 480)
        make_mp4(vid, 960, 720, 4.0, audio=True)
        make_wav(wav, 6.0)
    img, vid, wav = str(img), str(vid), str(wav)
    W = Workflow
    return {
        W.TEXT_TO_VIDEO: {},
        W.IMAGE_TO_VIDEO: {"first_frame": img},
        W.REFERENCE_TO_VIDEO: {"reference_images": (img,)},
        W.VIDEO_EDIT: {"input_video": vid},
        W.VIDEO_TO_VIDEO: {"input_video": vid},
        W.MOTION_CONTROL: {"reference_videos": (vid,)},
        W.LIP_SYNC: {"input_video": vid, "input_audio": wav},
        W.AVATAR: {"input_image": img, "input_audio": wav},
        W.TEXT_TO_IMAGE: {},
        W.IMAGE_TO_IMAGE: {"reference_images": (img,)},
    }[wf]


def _request(spec, wf, tmp_path) -> GenerationRequest:
    from kling_desktop.catalog.spec import DimensionMode

    fields = dict(model=spec.air_id, workflow=wf.value, **_media_for(spec, wf, tmp_path))
    if spec.prompt is not None:
        fields["prompt"] = "A calm test scene"
    if spec.dimension_mode(wf) in (DimensionMode.REQUIRED,):
        fields["width"], fields["height"] = spec.dimensions[0].width, spec.dimensions[0].height
    return GenerationRequest(**fields)


CASES = [(m, w) for m in all_models() for w in m.workflows]


@pytest.fixture(scope="module")
def all_workflows(tmp_path_factory):
    """Every workflow of every model, run once, concurrently, through the Runware client and the emulator."""
    from kling_emulator.server import RUNWARE_TEST_KEY, EmulatorServer

    tmp = tmp_path_factory.mktemp("workflows")
    with pytest.MonkeyPatch.context() as mp, EmulatorServer(delay=0.2, max_side=160) as emu:
        mp.setenv("KLING_DESKTOP_HOME", str(tmp / "home"))
        mp.setenv("KLING_DESKTOP_RUNWARE_URL", emu.base_url)
        mp.setenv("RUNWARE_API_KEY", RUNWARE_TEST_KEY)
        from kling_desktop.core.settings import Settings

        Settings(concurrency={"runware": 16}).save(tmp / "home" / "config" / "settings.json")
        jobs, _ = run_jobs([_request(spec, wf, tmp) for spec, wf in CASES])
        yield emu, dict(zip([(m.air_id, w) for m, w in CASES], jobs, strict=True))


@pytest.mark.parametrize(("spec", "wf"), CASES, ids=[f"{m.air_id}-{w.value}" for m, w in CASES])
def test_every_workflow_of_every_model_reaches_the_emulator(all_workflows, spec, wf) -> None:
    emulator, jobs = all_workflows
    job = jobs[(spec.air_id, wf)]
    assert job.state is JobState.DONE, job.error
    assert emulator.submissions[job.task_id] == 1
    task = emulator.state.find(job.task_id)
    assert task is not None and task.request.model == spec.air_id
    assert task.request.workflow == wf.value or task.request.workflow is None
    from kling_desktop.core.validation import choose_workflow

    assert (
        choose_workflow(task.request, spec) is wf
    )  # the fields the spec names arrived and select the workflow
