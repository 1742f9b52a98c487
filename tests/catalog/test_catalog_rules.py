"""Each model rejects each broken rule with a message naming the field, the rule and the allowed values."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from seed_examples import request_from_task, seed_tasks

from kling_desktop.catalog.models import all_models
from kling_desktop.catalog.spec import DimensionMode, ModelSpec
from kling_desktop.core.request import GenerationRequest, Shot
from kling_desktop.core.rules import RequestInvalid
from kling_desktop.core.validation import choose_workflow, problems_for, validate

Mutation = Callable[[GenerationRequest, ModelSpec], tuple[dict, str, str] | None]


def _valid_base(spec: ModelSpec) -> GenerationRequest:
    for task in seed_tasks():
        if task["model"] == spec.air_id:
            req = request_from_task(task)
            if not problems_for(req):
                return req
    raise AssertionError(f"no valid seed example for {spec.air_id}")


def long_prompt(req, spec):
    if spec.prompt is None:
        return {"prompt": "a walk in the park"}, "prompt", "takes no text prompt"
    return (
        {"prompt": "x" * (spec.prompt.max_chars + 1)},
        "prompt",
        f"{spec.prompt.min_chars}–{spec.prompt.max_chars}",
    )


def negative(req, spec):
    if spec.negative_prompt is None:
        return {"negative_prompt": "blurry"}, "negative_prompt", "does not accept a negative prompt"
    return {"negative_prompt": "x"}, "negative_prompt", "2–2500 characters"


def cfg(req, spec):
    if spec.cfg is None:
        return {"cfg_scale": 0.5}, "cfg_scale", "no CFG scale"
    return {"cfg_scale": 1.5}, "cfg_scale", "between 0 and 1"


def bad_size(req, spec):
    mode = spec.dimension_mode(choose_workflow(req, spec))
    if mode in (DimensionMode.INFERRED, DimensionMode.MATCH_INPUT):
        return {"width": 1280, "height": 720, "resolution": None}, "size", "do not set width/height"
    allowed = spec.dimensions[0]
    return (
        {"width": 1000, "height": 500, "resolution": None},
        "size",
        f"allowed: {allowed.width}×{allowed.height}",
    )


def bad_duration(req, spec):
    wf = choose_workflow(req, spec)
    d = spec.durations_for(wf)
    if d is None:
        return {"duration": 5, "shots": ()}, "duration", "not settable"
    return {"duration": 4 if d.values else 16, "shots": ()}, "duration", d.describe()


def last_frame(req, spec):
    if spec.allows_frame("last") or choose_workflow(req, spec).value != "image-to-video":
        return None
    return {"last_frame": "/x/last.png"}, "last_frame", "allowed frames: first"


def too_many_shots(req, spec):
    if not spec.multi_prompt_max:
        return (
            {"shots": (Shot(prompt="one shot", duration=5),), "duration": None},
            "shots",
            "does not take multi-shot",
        )
    shots = tuple(Shot(prompt=f"shot {i}", duration=2) for i in range(spec.multi_prompt_max + 1))
    return {"shots": shots, "duration": None}, "shots", f"at most {spec.multi_prompt_max} shots"


def unknown_setting(req, spec):
    return {"settings": {**req.settings, "warpDrive": True}}, "settings.warpDrive", "not a setting of"


def sound(req, spec):
    if spec.setting("sound") is None:
        return {"sound": True}, "sound", "makes no native audio"
    return None


MUTATIONS = [
    long_prompt,
    negative,
    cfg,
    bad_size,
    bad_duration,
    last_frame,
    too_many_shots,
    unknown_setting,
    sound,
]


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("spec", all_models(), ids=lambda m: m.air_id)
def test_broken_rule_is_refused(spec: ModelSpec, mutation: Mutation) -> None:
    base = _valid_base(spec)
    change = mutation(base, spec)
    if change is None:  # the rule does not apply to this model: assert the base stays valid instead
        assert problems_for(base) == []
        return
    fields, field, words = change
    broken = base.model_copy(update=fields)
    with pytest.raises(RequestInvalid) as info:
        validate(broken)
    matching = [p for p in info.value.problems if p.field == field]
    assert matching, f"expected a problem on {field}, got {info.value.problems}"
    assert any(words in p.message for p in matching), [p.message for p in matching]
    assert all(
        p.message.startswith(p.field.split("[")[0].split(".")[0]) or p.message.startswith("shot ")
        for p in info.value.problems
    )


def test_shot_durations_must_sum_into_range_and_equal_duration() -> None:
    ok = GenerationRequest(
        model="klingai:kling-video@3-pro",
        width=1920,
        height=1080,
        sound=True,
        shots=(
            Shot(prompt="wide shot", duration=3),
            Shot(prompt="push in", duration=4),
            Shot(prompt="close up", duration=3),
        ),
    )
    assert validate(ok).duration == 10
    short = ok.model_copy(update={"shots": (Shot(prompt="only", duration=2),)})
    assert "3–15 seconds" in str(pytest.raises(RequestInvalid, validate, short).value)
    mismatch = ok.model_copy(update={"duration": 12})
    assert "does not equal the sum" in str(pytest.raises(RequestInvalid, validate, mismatch).value)
    fractional = ok.model_copy(
        update={"shots": (Shot(prompt="a b", duration=2.5), Shot(prompt="c d", duration=2.5))}
    )
    assert "whole number of seconds" in str(pytest.raises(RequestInvalid, validate, fractional).value)


def test_o3_reference_rules() -> None:
    base = GenerationRequest(
        model="klingai:kling-video@o3-pro",
        prompt="keep the hero",
        reference_images=tuple(f"/r{i}.png" for i in range(7)),
    )
    assert validate(base).workflow.value == "reference-to-video"
    with_video = base.model_copy(update={"reference_videos": ("/ref.mp4",)})
    assert "at most 4" in str(pytest.raises(RequestInvalid, validate, with_video).value)
    keep = base.model_copy(update={"settings": {"keepOriginalSound": True}})
    assert "only with a reference or input video" in str(pytest.raises(RequestInvalid, validate, keep).value)


def test_reference_types_only_where_the_model_takes_them() -> None:
    """'feature' / 'base' are the O3 reference's two uses; any other model with a reference video is told so."""
    takes_videos = [m for m in all_models() if m.reference_videos]
    assert {m.family for m in takes_videos} - {"Kling VIDEO O3"}  # there are others to refuse
    for spec in takes_videos:
        wf = next(iter(spec.reference_videos))
        req = GenerationRequest(
            model=spec.air_id,
            prompt="the same moves",
            reference_videos=("/ref.mp4",),
            reference_video_types=("feature",),
            workflow=wf.value,
        )
        typed = [p for p in problems_for(req) if p.field == "reference_video_types"]
        if spec.family == "Kling VIDEO O3":
            assert typed == [], spec.air_id
        else:
            assert len(typed) == 1 and spec.name in typed[0].message and "O3" in typed[0].message, spec.air_id
            plain = req.model_copy(update={"reference_video_types": ()})
            assert not [p for p in problems_for(plain) if p.field == "reference_video_types"]


def test_o1_workflow_follows_inputs() -> None:
    o1 = "klingai:kling@o1"
    assert (
        validate(GenerationRequest(model=o1, prompt="a calm lake", width=1920, height=1080)).workflow.value
        == "text-to-video"
    )
    assert (
        validate(GenerationRequest(model=o1, prompt="zoom in", first_frame="/a.png")).workflow.value
        == "image-to-video"
    )
    assert (
        validate(GenerationRequest(model=o1, prompt="mix", reference_images=("/a.png",))).workflow.value
        == "reference-to-video"
    )
    edit = GenerationRequest(model=o1, prompt="make it night", input_video="/v.mp4", settings={"fast": True})
    assert validate(edit).workflow.value == "video-edit"
    assert validate(edit).duration is None  # follows the input video


def test_unknown_model_and_workflow() -> None:
    with pytest.raises(RequestInvalid, match="Unknown model 'klingai:99@9'"):
        validate(GenerationRequest(model="klingai:99@9", prompt="hi"))
    with pytest.raises(RequestInvalid, match="does not do 'text-to-video'; it does image-to-video"):
        validate(GenerationRequest(model="klingai:5@2", workflow="text-to-video", prompt="hi"))


def test_voice_tags_need_voices() -> None:
    req = GenerationRequest(
        model="klingai:kling-video@2.6-pro",
        width=1920,
        height=1080,
        prompt="The host, in <<<voice_1>>>, says hello",
    )
    assert "<<<voice_1>>>" in str(pytest.raises(RequestInvalid, validate, req).value)
    assert validate(req.model_copy(update={"reference_voices": ("/v.wav",)}))
