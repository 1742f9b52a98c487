"""Kling API request bodies from a GenerationRequest: pure functions (docs/protocols/kling.md §4).

Images and audio go as raw base64 (no ``data:`` prefix) through ``encode``, or as-is when they are already
``http(s)://`` URLs. Videos go only by URL: ``video_url`` maps a local path to the public URL it was
published at (the provider publishes first, asynchronously, then calls this pure builder).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kling_desktop.catalog.spec import Kind, ModelSpec, Workflow
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.validation import choose_workflow
from kling_desktop.providers import kling_models as km_
from kling_desktop.providers.base import ProviderError
from kling_desktop.providers.inputs import readable_input
from kling_desktop.providers.kling_models import KlingModel, kling_model_for, unsupported_reason

Encode = Callable[[str], str]  # local path -> raw base64 (no data: prefix)
VideoUrl = Callable[[str], str]  # local path -> public URL
W = Workflow
VIDEO_ASPECTS = ("16:9", "9:16", "1:1")
IMAGE_ASPECTS = ("16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3", "21:9")


def file_base64(path: str) -> str:
    return base64.b64encode(readable_input(path).read_bytes()).decode("ascii")


def _no_video_url(path: str) -> str:
    raise ProviderError(km_.VIDEO_BY_URL_ONLY, code="unsupported")


@dataclass(frozen=True)
class FaceChoice:
    """What the synchronous identify-face call returned, plus the audio length, for the lip-sync body."""

    session_id: str
    face_id: str
    audio_ms: int  # length of the new audio to use (ms), at most the face's time window
    insert_ms: int = 0  # where in the video the audio starts: the face's first appearance


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def aspect_of(width: int | None, height: int | None, allowed: tuple[str, ...] = IMAGE_ASPECTS) -> str | None:
    """The allowed Kling aspect ratio nearest to width:height (1360×768 → 16:9, 1552×656 → 21:9)."""
    if not width or not height:
        return None
    target = width / height

    def distance(aspect: str) -> float:
        a, b = aspect.split(":")
        return abs(int(a) / int(b) - target)

    return min(allowed, key=distance)


def _spec_aspect(
    spec: ModelSpec, width: int | None, height: int | None, allowed: tuple[str, ...]
) -> str | None:
    dim = spec.find_dimension(width, height) if width and height else None
    if dim is not None and dim.aspect in allowed:
        return dim.aspect
    return aspect_of(width, height, allowed)


def _duration(value: float | None) -> str | None:
    return None if value is None else f"{value:g}"


def _shots(req: GenerationRequest) -> dict[str, Any]:
    shot_type = str(req.settings.get("shotType") or "customize")
    if not req.shots:
        return {"multi_shot": True, "shot_type": "intelligence"} if shot_type == "intelligence" else {}
    body: dict[str, Any] = {
        "multi_shot": True,
        "shot_type": shot_type,
        "multi_prompt": [
            {"index": i, "prompt": s.prompt, "duration": _duration(s.duration)}
            for i, s in enumerate(req.shots, 1)
        ],
        "duration": _duration(sum(s.duration for s in req.shots)),
    }  # the shots add up to the task (§4.1)
    if shot_type == "customize":
        body["prompt"] = ""  # ignored with customized shots; the official examples send ""
    return body


def _sound(req: GenerationRequest, spec: ModelSpec) -> dict[str, Any]:
    if req.sound is None or spec.setting("sound") is None:
        return {}
    return {"sound": "on" if req.sound else "off"}


def _yes_no(value: object, default: bool) -> str:
    return "yes" if (default if value is None else bool(value)) else "no"


def endpoint_for(req: GenerationRequest, spec: ModelSpec) -> str:
    """The create endpoint (and so the query endpoint) of this request: no file is read."""
    km = kling_model_for(spec.air_id)
    if km is None:
        raise ProviderError(unsupported_reason(spec.air_id) or km_.NO_EQUIVALENT, code="unsupported")
    if km.family != "video":
        return km.endpoints[0]
    wf = choose_workflow(req, spec)
    if wf is W.MOTION_CONTROL:
        return km_.MOTION_PATH
    return km_.I2V_PATH if (req.first_frame or req.last_frame) else km_.T2V_PATH


def check_supported(req: GenerationRequest, spec: ModelSpec, *, can_publish_video: bool) -> None:
    """Raise ProviderError (code ``unsupported``) with a sentence when the official API cannot run this."""
    if reason := unsupported_reason(spec.air_id):
        raise ProviderError(reason, code="unsupported")
    if req.reference_voices:
        raise ProviderError(km_.VOICES_NEED_IDS, code="unsupported")
    if (req.reference_videos or req.input_video) and not can_publish_video:
        local = [v for v in (*req.reference_videos, req.input_video) if v and not is_url(v)]
        if local:
            raise ProviderError(km_.VIDEO_BY_URL_ONLY, code="unsupported")
    if req.settings.get("fast"):
        raise ProviderError(km_.NO_FAST_MODE, code="unsupported")
    if choose_workflow(req, spec) is W.MOTION_CONTROL and not req.first_frame:
        raise ProviderError(km_.MOTION_NEEDS_IMAGE, code="unsupported")
    km = kling_model_for(spec.air_id)
    name = km.model_name if km else None
    if name in km_.FRAMES_WITHOUT_SOUND and req.first_frame and req.last_frame and req.sound:
        raise ProviderError(km_.FIRST_LAST_WITH_SOUND, code="unsupported")
    if name in km_.NO_END_FRAME_WITH_SHOTS and req.shots and req.last_frame:
        raise ProviderError(km_.SHOTS_WITH_END_FRAME, code="unsupported")
    if "base" in req.reference_video_types and (req.first_frame or req.last_frame):
        raise ProviderError(km_.BASE_VIDEO_WITH_FRAMES, code="unsupported")


def build_identify_face(video: str) -> tuple[str, dict[str, Any]]:
    """Step 1 of lip-sync: the synchronous face search on the input video (a public URL)."""
    return km_.IDENTIFY_FACE_PATH, {"video_url": video}


def build_kling_request(
    req: GenerationRequest,
    spec: ModelSpec,
    external_task_id: str,
    encode: Encode = file_base64,
    video_url: VideoUrl | None = None,
    face: FaceChoice | None = None,
) -> tuple[str, dict[str, Any]]:
    """(path, body) for the endpoint of this request's workflow. Raises ProviderError where Kling cannot.

    ``face`` is required for lip-sync (the result of ``build_identify_face``'s call).
    """
    check_supported(req, spec, can_publish_video=video_url is not None)
    km = kling_model_for(spec.air_id)
    assert km is not None

    def media(value: str) -> str:
        return value if is_url(value) else encode(value)

    def video(value: str) -> str:
        return value if is_url(value) else (video_url or _no_video_url)(value)

    path = endpoint_for(req, spec)
    body: dict[str, Any] = {}
    if km.model_name:
        body["model_name"] = km.model_name
    if km.mode:
        body["mode"] = km.mode
    if req.prompt.strip():
        body["prompt"] = req.prompt.strip()
    if km.family == "lipsync":
        if face is None:
            raise ValueError("lip-sync needs the FaceChoice from the identify-face call")
        assert req.input_audio
        body = {
            "session_id": face.session_id,
            "face_choose": [
                {
                    "face_id": face.face_id,
                    "sound_file": media(req.input_audio),
                    "sound_insert_time": face.insert_ms,
                    "sound_start_time": 0,
                    "sound_end_time": face.audio_ms,
                    "sound_volume": float(req.settings.get("soundVolume", 1.0)),
                    "original_audio_volume": float(req.settings.get("originalAudioVolume", 1.0)),
                }
            ],
        }
    elif km.family == "avatar":
        assert req.input_image and req.input_audio
        body.update(image=media(req.input_image), sound_file=media(req.input_audio))
    elif km.family in ("image", "omni-image"):
        body.update(_image_body(req, spec, km, media))
    elif km.family == "omni":
        body.update(_omni_body(req, spec, media, video))
    elif path == km_.MOTION_PATH:
        assert req.first_frame and req.reference_videos
        body.update(
            image_url=media(req.first_frame),
            video_url=video(req.reference_videos[0]),
            character_orientation=str(req.settings.get("characterOrientation") or "image"),
            keep_original_sound=_yes_no(req.settings.get("keepOriginalSound"), default=False),
        )
    else:
        body.update(_video_body(req, spec, km, media))
    body["external_task_id"] = external_task_id
    return path, body


def _video_body(req: GenerationRequest, spec: ModelSpec, km: KlingModel, media: Encode) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if req.negative_prompt.strip():
        body["negative_prompt"] = req.negative_prompt.strip()
    if req.cfg_scale is not None and (km.model_name or "").startswith("kling-v1"):
        body["cfg_scale"] = req.cfg_scale  # "kling-v2.x models do not support this parameter" (§4.1)
    if (duration := _duration(req.duration)) is not None:
        body["duration"] = duration
    body.update(_sound(req, spec))
    body.update(_shots(req))
    if req.first_frame or req.last_frame:
        if req.first_frame:
            body["image"] = media(req.first_frame)
        if req.last_frame:
            body["image_tail"] = media(req.last_frame)
    elif aspect := _spec_aspect(spec, req.width, req.height, VIDEO_ASPECTS):
        body["aspect_ratio"] = aspect
    return body


def _omni_body(req: GenerationRequest, spec: ModelSpec, media: Encode, video: VideoUrl) -> dict[str, Any]:
    body: dict[str, Any] = {}
    images: list[dict[str, str]] = []
    if req.first_frame:
        images.append({"image_url": media(req.first_frame), "type": "first_frame"})
    if req.last_frame:
        images.append({"image_url": media(req.last_frame), "type": "end_frame"})
    images += [{"image_url": media(p)} for p in req.reference_images]
    if images:
        body["image_list"] = images
    keep = _yes_no(req.settings.get("keepOriginalSound"), default=False)
    videos = (
        [{"video_url": video(req.input_video), "refer_type": "base", "keep_original_sound": keep}]
        if req.input_video
        else []
    )
    videos += [
        {"video_url": video(v), "refer_type": req.refer_type(i), "keep_original_sound": keep}
        for i, v in enumerate(req.reference_videos)
    ]
    if videos:
        body["video_list"] = videos  # sound must be off (omitted) with a video (§4.7)
    else:
        body.update(_sound(req, spec))
    body.update(_shots(req))
    if not req.shots and not req.input_video and (duration := _duration(req.duration)) is not None:
        body["duration"] = duration
    aspect = _spec_aspect(spec, req.width, req.height, VIDEO_ASPECTS)
    if aspect is None and not req.first_frame and not req.input_video:
        aspect = "16:9"  # required unless first-frame or video edit; the catalog's default orientation
    if aspect:
        body["aspect_ratio"] = aspect
    return body


def _image_body(req: GenerationRequest, spec: ModelSpec, km: KlingModel, media: Encode) -> dict[str, Any]:
    body: dict[str, Any] = {"n": req.number_results}
    if req.negative_prompt.strip() and km.family == "image" and not req.reference_images:
        body["negative_prompt"] = req.negative_prompt.strip()
    dim = spec.find_dimension(req.width, req.height) if req.width and req.height else None
    if req.width and req.height:
        body["aspect_ratio"] = _spec_aspect(spec, req.width, req.height, IMAGE_ASPECTS)
        body["resolution"] = (dim.tier if dim and dim.tier else "1K").lower()
    elif req.resolution:
        body["resolution"] = req.resolution.lower()
    if km.family == "image":
        if req.reference_images:
            body["image"] = media(req.reference_images[0])
    else:
        if req.reference_images:
            body["image_list"] = [{"image": media(p)} for p in req.reference_images]
        if "aspect_ratio" not in body:
            body["aspect_ratio"] = "auto"  # follow the first reference image
    return body


def result_kind(spec: ModelSpec) -> str:
    return "image" if spec.kind is Kind.IMAGE else "video"
