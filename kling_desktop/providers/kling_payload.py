"""Kling API request bodies from a GenerationRequest: pure functions (files are encoded by a callable)."""

from __future__ import annotations

from collections.abc import Callable
from math import gcd
from typing import Any

from kling_desktop.catalog.spec import ModelSpec, Workflow
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.validation import choose_workflow
from kling_desktop.providers.base import ProviderError
from kling_desktop.providers.kling_models import (
    VIDEO_BY_URL_ONLY,
    VOICES_NEED_IDS,
    kling_model_for,
    unsupported_reason,
)

Encode = Callable[[str], str]  # local path -> raw base64 (no data: prefix)
W = Workflow

PATHS = {"text2video": "/v1/videos/text2video", "image2video": "/v1/videos/image2video",
         "omni": "/v1/videos/omni-video", "avatar": "/v1/videos/avatar/image2video",
         "image": "/v1/images/generations", "omni-image": "/v1/images/omni-image"}


def aspect_of(width: int | None, height: int | None) -> str | None:
    if not width or not height:
        return None
    g = gcd(width, height)
    ratio = f"{width // g}:{height // g}"
    return {"16:9": "16:9", "9:16": "9:16", "1:1": "1:1"}.get(ratio, ratio)


def _shots(req: GenerationRequest) -> dict[str, Any]:
    if not req.shots:
        return {}
    return {"multi_shot": True, "shot_type": str(req.settings.get("shotType", "customize")), "prompt": "",
            "multi_prompt": [{"index": i, "prompt": s.prompt, "duration": f"{s.duration:g}"}
                             for i, s in enumerate(req.shots, 1)]}


def _common(req: GenerationRequest, external_task_id: str, model_name: str | None, mode: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"external_task_id": external_task_id}
    if model_name:
        body["model_name"] = model_name
    if mode:
        body["mode"] = mode
    if req.prompt.strip():
        body["prompt"] = req.prompt.strip()
    if req.negative_prompt.strip():
        body["negative_prompt"] = req.negative_prompt.strip()
    return body


def build_kling_request(req: GenerationRequest, spec: ModelSpec, external_task_id: str,
                        encode: Encode) -> tuple[str, dict[str, Any]]:
    """(path, body) for the endpoint of this request's workflow. Raises ProviderError where Kling cannot."""
    if reason := unsupported_reason(spec):
        raise ProviderError(reason, code="unsupported")
    km = kling_model_for(spec.air_id)
    assert km is not None
    wf = choose_workflow(req, spec)
    if req.reference_videos or req.input_video:
        raise ProviderError(VIDEO_BY_URL_ONLY, code="unsupported")
    if req.reference_voices:
        raise ProviderError(VOICES_NEED_IDS, code="unsupported")
    body = _common(req, external_task_id, km.model_name, km.mode)
    duration = None if req.duration is None else f"{req.duration:g}"
    if km.family == "avatar":
        assert req.input_image and req.input_audio
        body.update(image=encode(req.input_image), sound_file=encode(req.input_audio))
        return PATHS["avatar"], body
    if km.family in ("image", "omni-image"):
        body["n"] = req.number_results
        if req.width and req.height:
            body["aspect_ratio"] = aspect_of(req.width, req.height)
            dim = spec.find_dimension(req.width, req.height)
            body["resolution"] = (dim.tier or "1K").lower() if dim else "1k"
        elif req.resolution:
            body["resolution"] = req.resolution
        if km.family == "image":
            if req.reference_images:
                body["image"] = encode(req.reference_images[0])
            return PATHS["image"], body
        body["image_list"] = [{"image": encode(p)} for p in req.reference_images]
        return PATHS["omni-image"], body
    if req.cfg_scale is not None:
        body["cfg_scale"] = req.cfg_scale
    if duration is not None:
        body["duration"] = duration
    if req.sound is not None and spec.setting("sound") is not None:
        body["sound"] = "on" if req.sound else "off"
    body.update(_shots(req))
    if km.family == "omni":
        images = []
        if req.first_frame:
            images.append({"image_url": encode(req.first_frame), "type": "first_frame"})
        if req.last_frame:
            images.append({"image_url": encode(req.last_frame), "type": "end_frame"})
        images += [{"image_url": encode(p)} for p in req.reference_images]
        if images:
            body["image_list"] = images
        if aspect := aspect_of(req.width, req.height):
            body["aspect_ratio"] = aspect
        return PATHS["omni"], body
    if wf is W.MOTION_CONTROL:
        raise ProviderError(VIDEO_BY_URL_ONLY, code="unsupported")
    if req.first_frame:
        body["image"] = encode(req.first_frame)
        if req.last_frame:
            body["image_tail"] = encode(req.last_frame)
        return PATHS["image2video"], body
    if aspect := aspect_of(req.width, req.height):
        body["aspect_ratio"] = aspect
    return PATHS["text2video"], body
