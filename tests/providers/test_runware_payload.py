"""The Runware payload builder (a pure function) against every example request printed in the seed."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from catalog.seed_examples import request_from_task, seed_tasks

from kling_desktop.catalog.models import get_model
from kling_desktop.core.request import GenerationRequest, Shot
from kling_desktop.providers.runware_payload import build_task, media_inputs

TASKS = seed_tasks()


def _wire_form(task: dict[str, Any]) -> dict[str, Any]:
    """The seed example as the client sends it: ``inputs.frameImages[{image}]`` (the catalog records why),
    reference videos as the seed prints them (O3: ``{"video", "referType"}``), plus the two fields every
    client task carries."""
    out = copy.deepcopy(task)
    legacy = out.pop("frameImages", None)
    if legacy:
        out.setdefault("inputs", {})["frameImages"] = [
            {"image": f["inputImage"], "frame": f["frame"]} for f in legacy
        ]
    out["deliveryMethod"], out["includeCost"] = "async", True
    if out["taskType"] == "imageInference":
        out["numberResults"] = 1
    return out


@pytest.mark.parametrize("task", TASKS, ids=[f"{t['model']}-{i}" for i, t in enumerate(TASKS)])
def test_build_task_reproduces_the_seed_example(task: dict[str, Any]) -> None:
    request = request_from_task(task)
    uploaded = {
        path: Path(path).stem for path, _ in media_inputs(request)
    }  # /seed-media/<uuid>.png -> <uuid>
    built = build_task(request, get_model(task["model"]), task["taskUUID"], uploaded)
    assert built == _wire_form(task)


def test_every_seed_example_was_checked() -> None:
    assert len(TASKS) >= 60
    assert {t["taskType"] for t in TASKS} == {"videoInference", "imageInference"}


def test_uploads_go_to_the_right_task_type() -> None:
    req = GenerationRequest(model="klingai:7@1", input_video="/m/v.mp4", input_audio="/m/a.wav")
    assert media_inputs(req) == [("/m/v.mp4", "media"), ("/m/a.wav", "media")]
    req = GenerationRequest(
        model="klingai:kling-video@2.6-pro",
        first_frame="/m/f.png",
        last_frame="/m/l.png",
        reference_voices=("/m/v1.wav",),
    )
    assert media_inputs(req) == [("/m/f.png", "image"), ("/m/l.png", "image"), ("/m/v1.wav", "media")]


def test_only_the_fields_the_request_sets_are_sent() -> None:
    spec = get_model("klingai:kling-video@3-pro")
    task = build_task(
        GenerationRequest(model=spec.air_id, prompt="  A lighthouse  ", first_frame="/f.png"),
        spec,
        "tid",
        {"/f.png": "img-1"},
    )
    assert task == {
        "taskType": "videoInference",
        "taskUUID": "tid",
        "model": spec.air_id,
        "deliveryMethod": "async",
        "includeCost": True,
        "positivePrompt": "A lighthouse",
        "inputs": {"frameImages": [{"image": "img-1", "frame": "first"}]},
    }


def test_multi_shot_with_sound_and_settings() -> None:
    spec = get_model("klingai:kling-video@3-standard")
    req = GenerationRequest(
        model=spec.air_id,
        width=1280,
        height=720,
        sound=True,
        duration=7,
        shots=(Shot(prompt="Wide", duration=3), Shot(prompt="Close", duration=4)),
    )
    task = build_task(req, spec, "tid", {})
    assert "duration" not in task  # the shots carry the durations
    assert task["providerSettings"] == {
        "klingai": {
            "sound": True,
            "shotType": "customize",
            "multiPrompt": [{"prompt": "Wide", "duration": "3"}, {"prompt": "Close", "duration": "4"}],
        }
    }


def test_lip_sync_volumes_and_image_resolution() -> None:
    lip = get_model("klingai:7@1")
    task = build_task(
        GenerationRequest(
            model=lip.air_id,
            input_video="/v.mp4",
            input_audio="/a.wav",
            settings={"soundVolume": 0.8, "originalAudioVolume": 0.3},
        ),
        lip,
        "t1",
        {"/v.mp4": "vid", "/a.wav": "aud"},
    )
    assert task["inputs"] == {"video": "vid", "audio": "aud"}
    assert task["providerSettings"] == {"klingai": {"soundVolume": 0.8, "originalAudioVolume": 0.3}}
    o1 = get_model("klingai:kling-image@o1")
    task = build_task(
        GenerationRequest(
            model=o1.air_id,
            prompt="A portrait",
            reference_images=("/r.png",),
            resolution="2k",
            number_results=3,
        ),
        o1,
        "t2",
        {"/r.png": "ref"},
    )
    assert task["taskType"] == "imageInference" and task["numberResults"] == 3 and task["resolution"] == "2k"
    assert task["inputs"] == {"referenceImages": ["ref"]} and "width" not in task


def test_o3_reference_videos_carry_their_refer_type() -> None:
    spec = get_model("klingai:kling-video@o3-pro")
    req = GenerationRequest(
        model=spec.air_id,
        prompt="Same character, new scene",
        reference_videos=("/ref.mp4",),
        reference_video_types=("base",),
    )
    task = build_task(req, spec, "tid", {"/ref.mp4": "vid-1"})
    assert task["inputs"]["referenceVideos"] == [{"video": "vid-1", "referType": "base"}]
    unstated = req.model_copy(update={"reference_video_types": ()})
    assert build_task(unstated, spec, "tid", {"/ref.mp4": "vid-1"})["inputs"]["referenceVideos"] == [
        {"video": "vid-1", "referType": "feature"}
    ]


def test_the_emulator_reads_the_refer_type_back() -> None:
    """The emulator's reading of the wire task keeps each reference's use, so its checks see what was sent."""
    from types import SimpleNamespace

    from kling_emulator.runware_api import to_request

    spec = get_model("klingai:kling-video@o3-pro")
    req = GenerationRequest(
        model=spec.air_id, prompt="Edit it", reference_videos=("/ref.mp4",), reference_video_types=("base",)
    )
    task = build_task(req, spec, "tid", {"/ref.mp4": "vid-1"})
    back = to_request(SimpleNamespace(uploads={"vid-1": "/srv/ref.mp4"}), task)
    assert back.reference_videos == ("/srv/ref.mp4",) and back.reference_video_types == ("base",)


def test_other_models_send_reference_videos_by_id() -> None:
    spec = get_model("klingai:kling@o1")
    req = GenerationRequest(
        model=spec.air_id, prompt="A reference", reference_images=("/r.png",), reference_videos=("/ref.mp4",)
    )
    task = build_task(req, spec, "tid", {"/ref.mp4": "vid-1", "/r.png": "img"})
    assert task["inputs"]["referenceVideos"] == ["vid-1"]


def test_refer_types_must_match_the_videos() -> None:
    with pytest.raises(ValueError, match="one per video"):
        GenerationRequest(model="m", reference_videos=("/a.mp4",), reference_video_types=("base", "feature"))
    with pytest.raises(ValueError, match="'edit' is not a reference type"):
        GenerationRequest(model="m", reference_videos=("/a.mp4",), reference_video_types=("edit",))
