"""Build Runware tasks from a GenerationRequest: pure functions, testable without a network."""

from __future__ import annotations

from typing import Any

from kling_desktop.catalog.spec import Kind, ModelSpec
from kling_desktop.core.request import REFER_TYPE_FAMILIES, GenerationRequest

Uploaded = dict[str, str]  # local path -> Runware imageUUID / mediaUUID


def media_inputs(req: GenerationRequest) -> list[tuple[str, str]]:
    """Every local file the task needs, with its kind ("image" → imageUpload, else mediaStorage)."""
    out = [(p, "image") for p in (req.first_frame, req.last_frame, req.input_image) if p]
    out += [(p, "image") for p in req.reference_images]
    out += [
        (p, "media")
        for p in (*req.reference_videos, *req.reference_voices, req.input_video, req.input_audio)
        if p
    ]
    return out


def build_task(req: GenerationRequest, spec: ModelSpec, task_uuid: str, uploaded: Uploaded) -> dict[str, Any]:
    """One task object: videoInference (async) or imageInference, with only the fields the request sets."""
    task: dict[str, Any] = {
        "taskType": "imageInference" if spec.kind is Kind.IMAGE else "videoInference",
        "taskUUID": task_uuid,
        "model": spec.air_id,
        "deliveryMethod": "async",
        "includeCost": True,
    }
    if req.prompt.strip():
        task["positivePrompt"] = req.prompt.strip()
    if req.negative_prompt.strip():
        task["negativePrompt"] = req.negative_prompt.strip()
    if req.width and req.height:
        task["width"], task["height"] = req.width, req.height
    if req.resolution:
        task["resolution"] = req.resolution
    if req.duration is not None and not req.shots:
        task["duration"] = int(req.duration) if float(req.duration).is_integer() else req.duration
    if req.cfg_scale is not None:
        task["CFGScale"] = req.cfg_scale
    if spec.kind is Kind.IMAGE:
        task["numberResults"] = req.number_results
    if inputs := _inputs(req, spec, uploaded):
        task["inputs"] = inputs
    if klingai := _klingai_settings(req, spec):
        task["providerSettings"] = {"klingai": klingai}
    return task


def _inputs(req: GenerationRequest, spec: ModelSpec, uploaded: Uploaded) -> dict[str, Any]:
    """``inputs``: frames, references and the media an edit, lip-sync or avatar works on (uploaded ids)."""
    inputs: dict[str, Any] = {}
    frames = [
        {"image": uploaded[p], "frame": f}
        for p, f in ((req.first_frame, "first"), (req.last_frame, "last"))
        if p
    ]
    if frames:
        inputs["frameImages"] = frames
    if req.reference_images:
        inputs["referenceImages"] = [uploaded[p] for p in req.reference_images]
    if req.reference_videos:
        if spec.family in REFER_TYPE_FAMILIES:  # O3: each reference says how it is used (the seed's form)
            inputs["referenceVideos"] = [
                {"video": uploaded[p], "referType": req.refer_type(i)}
                for i, p in enumerate(req.reference_videos)
            ]
        else:
            inputs["referenceVideos"] = [uploaded[p] for p in req.reference_videos]
    if req.reference_voices:
        inputs["referenceVoices"] = [uploaded[p] for p in req.reference_voices]
    for key, path in (("video", req.input_video), ("audio", req.input_audio), ("image", req.input_image)):
        if path:
            inputs[key] = uploaded[path]
    return inputs


def _klingai_settings(req: GenerationRequest, spec: ModelSpec) -> dict[str, Any]:
    """``providerSettings.klingai``: the model's settings, sound, and the shots of a multi-shot request."""
    klingai: dict[str, Any] = dict(req.settings)
    if req.sound is not None and spec.setting("sound") is not None:
        klingai["sound"] = req.sound
    if req.shots:
        klingai["multiPrompt"] = [{"prompt": s.prompt, "duration": f"{s.duration:g}"} for s in req.shots]
        if spec.setting("shotType") is not None:
            klingai.setdefault("shotType", "customize")
    return klingai
