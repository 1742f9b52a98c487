"""KlingAI 1.5 and 2.1 Standard/Pro are image-to-video only and the seed lists no prompt limit for them; the
catalog accepts an optional motion prompt of 2–2500 characters, and both providers send it."""

from __future__ import annotations

import base64

import pytest
from PIL import Image

from kling_desktop.catalog.models import get_model
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.validation import problems_for
from kling_desktop.providers.kling_payload import build_kling_request
from kling_desktop.providers.runware_payload import build_task

MODELS = ("klingai:2@1", "klingai:2@2", "klingai:5@1", "klingai:5@2")
MOTION = "the leaves sway, the camera drifts left"


@pytest.fixture
def frame(tmp_path) -> str:
    path = tmp_path / "frame.png"
    Image.new("RGB", (320, 320), (40, 90, 160)).save(path)
    return str(path)


@pytest.mark.parametrize("air", MODELS)
def test_optional_motion_prompt_is_accepted_and_bounded(air: str, frame: str) -> None:
    spec = get_model(air)
    assert spec.prompt is not None and (spec.prompt.min_chars, spec.prompt.max_chars) == (2, 2500)
    assert spec.negative_prompt is None, "only a prompt is added, no negative prompt"
    assert any("motion prompt" in note for note in spec.notes), "the reasoning is recorded in the catalog"
    base = GenerationRequest(model=air, first_frame=frame)
    assert problems_for(base) == [], "the prompt stays optional"
    assert problems_for(base.model_copy(update={"prompt": MOTION})) == []
    for bad in ("x", "x" * 2501):
        problems = problems_for(base.model_copy(update={"prompt": bad}))
        assert [p.field for p in problems] == ["prompt"]
        assert "2–2500" in problems[0].message


@pytest.mark.parametrize("air", MODELS)
def test_both_providers_send_the_motion_prompt(air: str, frame: str) -> None:
    req = GenerationRequest(model=air, first_frame=frame, prompt=MOTION)
    task = build_task(req, get_model(air), "task-1", {frame: "image-uuid"})
    assert task["positivePrompt"] == MOTION
    path, body = build_kling_request(
        req, get_model(air), "ext-1", encode=lambda p: base64.b64encode(b"x").decode()
    )
    assert path.endswith("image2video")
    assert body["prompt"] == MOTION
