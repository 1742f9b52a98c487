"""The emulator's reading of Kling request bodies: wire JSON → GenerationRequest (docs/protocols/kling.md §4)."""

from __future__ import annotations

import base64
import binascii
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from kling_desktop.catalog.models import get_model
from kling_desktop.catalog.spec import DimensionMode, ModelSpec
from kling_desktop.core.request import GenerationRequest, Shot
from kling_desktop.providers.kling_models import FRAMES_WITHOUT_SOUND, NO_END_FRAME_WITH_SHOTS, air_id_for
from kling_emulator.spec_check import workflow_of
from kling_emulator.state import EmulatorState

FAMILIES = {
    "/v1/videos/text2video": "video",
    "/v1/videos/image2video": "video",
    "/v1/videos/motion-control": "video",
    "/v1/videos/omni-video": "omni",
    "/v1/videos/avatar/image2video": "avatar",
    "/v1/videos/advanced-lip-sync": "lipsync",
    "/v1/images/generations": "image",
    "/v1/images/omni-image": "omni-image",
}
SIZED = (DimensionMode.REQUIRED, DimensionMode.OPTIONAL, DimensionMode.OPTIONAL_OR_RESOLUTION)


class KlingError(Exception):
    """An error envelope: ``code`` from the official table, ``message`` in its words."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _truthy(value: Any) -> bool:
    return value in (True, "true", "True", 1, "1", "yes", "on")  # the official examples send "true" too


class Media:
    """Images/audio as raw base64 or URL, videos as URL; stored as local uploads for the renderer."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    def _fetch(self, url: str) -> bytes:
        own = f"{self.state.base_url}/media/"
        if url.startswith(own):
            path = self.state.media_dir / url[len(own) :]
            if "/" in url[len(own) :] or not path.is_file():
                raise KlingError(1201, f"the file at {url} cannot be downloaded")
            return path.read_bytes()
        if urlparse(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise KlingError(1201, f"the emulator fetches loopback URLs only, not {url}")
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 (loopback only, checked above)
                return bytes(resp.read())
        except OSError:
            raise KlingError(1201, f"the file at {url} cannot be downloaded") from None

    def local(self, value: Any, suffix: str, field: str, *, url_only: bool = False) -> str | None:
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            raise KlingError(1201, f"{field} must be a string")
        if value.startswith(("http://", "https://")):
            data = self._fetch(value)
            suffix = Path(urlparse(value).path).suffix or suffix
        elif url_only:
            raise KlingError(1201, f"{field} must be a URL")
        else:
            if value.startswith("data:"):
                raise KlingError(1201, f"{field}: send raw base64 without a data: prefix")
            try:
                data = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise KlingError(1201, f"{field} is neither a URL nor valid base64") from None
        return str(self.state.uploads[self.state.store_upload(data, suffix)])


def _spec_for(family: str, body: dict[str, Any]) -> ModelSpec:
    air = air_id_for(family, body.get("model_name"), body.get("mode"))
    if air is None:
        raise KlingError(
            1203, f"model {body.get('model_name')!r} with mode {body.get('mode')!r} does not exist"
        )
    return get_model(air)


def _size(spec: ModelSpec, aspect: Any, resolution: Any = None) -> tuple[int | None, int | None]:
    if not aspect or aspect == "auto":
        return None, None
    for d in spec.dimensions:
        if d.aspect == aspect and (not resolution or not d.tier or d.tier.lower() == str(resolution).lower()):
            return d.width, d.height
    raise KlingError(1201, f"aspect_ratio {aspect!r} is not available for this model")


def _shots(body: dict[str, Any]) -> tuple[Shot, ...]:
    if not _truthy(body.get("multi_shot")) or body.get("shot_type") != "customize":
        return ()
    shots = body.get("multi_prompt") or []
    if not 1 <= len(shots) <= 6:
        raise KlingError(1201, "multi_prompt must hold 1 to 6 shots")
    out = tuple(Shot(prompt=str(s.get("prompt", "")), duration=float(s.get("duration") or 0)) for s in shots)
    if body.get("duration") and abs(sum(s.duration for s in out) - float(body["duration"])) > 1e-6:
        raise KlingError(1201, "the durations of multi_prompt must add up to duration")
    return out


def _with_size(
    req: GenerationRequest, spec: ModelSpec, aspect: Any, resolution: Any = None
) -> GenerationRequest:
    """Width/height from aspect_ratio only where the catalog lets the request choose a size."""
    if spec.dimension_mode(workflow_of(req, spec)) not in SIZED:
        return req
    width, height = _size(spec, aspect, resolution)
    if width is None:
        return req
    return req.model_copy(update={"width": width, "height": height, "resolution": None})


def _avatar(spec: ModelSpec, b: dict[str, Any], media: Media) -> GenerationRequest:
    if not b.get("image") or not (b.get("sound_file") or b.get("audio_id")):
        raise KlingError(1201, "image and one of sound_file / audio_id are required")
    if b.get("audio_id"):
        raise KlingError(1201, "audio_id is not known to the emulator; send sound_file")
    return GenerationRequest(
        model=spec.air_id,
        prompt=b.get("prompt", ""),
        input_image=media.local(b["image"], ".png", "image"),
        input_audio=media.local(b["sound_file"], ".wav", "sound_file"),
    )


def _image(spec: ModelSpec, b: dict[str, Any], media: Media) -> GenerationRequest:
    refs = [i.get("image") for i in b.get("image_list") or []] + ([b["image"]] if b.get("image") else [])
    req = GenerationRequest(
        model=spec.air_id,
        prompt=b.get("prompt", ""),
        negative_prompt=b.get("negative_prompt", ""),
        resolution=b.get("resolution"),
        reference_images=tuple(p for p in (media.local(r, ".png", "image") for r in refs) if p),
        number_results=int(b.get("n", 1)),
    )
    return _with_size(req, spec, b.get("aspect_ratio"), b.get("resolution"))


def _motion_control(spec: ModelSpec, b: dict[str, Any], media: Media) -> GenerationRequest:
    for key in ("image_url", "video_url", "character_orientation", "mode"):
        if not b.get(key):
            raise KlingError(1201, f"{key} is required")
    settings = {
        "characterOrientation": b["character_orientation"],
        "keepOriginalSound": b.get("keep_original_sound", "yes") == "yes",
    }
    return GenerationRequest(
        model=spec.air_id,
        workflow="motion-control",
        prompt=b.get("prompt", ""),
        first_frame=media.local(b["image_url"], ".png", "image_url"),
        reference_videos=(str(media.local(b["video_url"], ".mp4", "video_url", url_only=True)),),
        settings={k: v for k, v in settings.items() if spec.setting(k)},
    )


def to_request(
    family: str, path: str, b: dict[str, Any], media: Media, sessions: dict[str, tuple[str, int]]
) -> GenerationRequest:
    """Raises KlingError(1201/1203) where Kling would refuse the body."""
    if family == "lipsync":
        return _lipsync(b, media, sessions)
    spec = _spec_for(family, b)
    settings: dict[str, Any] = {}
    if family == "avatar":
        return _avatar(spec, b, media)
    if family in ("image", "omni-image"):
        return _image(spec, b, media)
    if path.endswith("/motion-control"):
        return _motion_control(spec, b, media)
    shots = _shots(b)
    images = b.get("image_list") or []
    if any(not i.get("image_url") for i in images):
        raise KlingError(1201, "image_list[].image_url must not be empty")
    first = next((i["image_url"] for i in images if i.get("type") == "first_frame"), b.get("image"))
    last = next((i["image_url"] for i in images if i.get("type") == "end_frame"), b.get("image_tail"))
    refs = [i["image_url"] for i in images if not i.get("type")]
    model_name = b.get("model_name")
    if model_name in FRAMES_WITHOUT_SOUND and first and last and b.get("sound") == "on":
        raise KlingError(1201, f"{model_name}: start and end frames are supported without sound only")
    if model_name in NO_END_FRAME_WITH_SHOTS and _truthy(b.get("multi_shot")) and last:
        raise KlingError(1201, f"{model_name}: multi_shot does not support an end frame")
    videos = b.get("video_list") or []
    if len(videos) > 1:
        raise KlingError(1201, "video_list takes at most 1 video")
    if videos and b.get("sound") == "on":
        raise KlingError(1201, "sound must be off when video_list is present")
    base = [v for v in videos if v.get("refer_type", "base") == "base"]
    if base and (first or last):
        raise KlingError(1201, "a base video (refer_type base) takes no first or end frame")
    feature = [v for v in videos if v.get("refer_type") == "feature"]
    if videos and spec.setting("keepOriginalSound"):
        settings["keepOriginalSound"] = videos[0].get("keep_original_sound", "yes") == "yes"
    if shots and b.get("shot_type") and spec.setting("shotType"):
        settings["shotType"] = b["shot_type"]
    req = GenerationRequest(
        model=spec.air_id,
        prompt="" if shots else b.get("prompt", ""),
        negative_prompt=b.get("negative_prompt", ""),
        first_frame=media.local(first, ".png", "image"),
        last_frame=media.local(last, ".png", "image_tail"),
        shots=shots,
        duration=None if shots or base or not b.get("duration") else float(b["duration"]),
        cfg_scale=b.get("cfg_scale"),
        sound=None if "sound" not in b else b["sound"] == "on",
        reference_images=tuple(p for p in (media.local(r, ".png", "image_url") for r in refs) if p),
        input_video=media.local(base[0].get("video_url"), ".mp4", "video_url", url_only=True)
        if base
        else None,
        reference_videos=tuple(
            str(media.local(v.get("video_url"), ".mp4", "video_url", url_only=True)) for v in feature
        ),
        settings=settings,
    )
    return _with_size(req, spec, b.get("aspect_ratio"))


def _lipsync(b: dict[str, Any], media: Media, sessions: dict[str, tuple[str, int]]) -> GenerationRequest:
    session = sessions.get(str(b.get("session_id") or ""))
    if session is None:
        raise KlingError(1201, "session_id is invalid or expired; call identify-face first")
    faces = b.get("face_choose") or []
    if len(faces) != 1:
        raise KlingError(1201, "face_choose takes exactly one face")
    face = faces[0]
    if str(face.get("face_id")) != "0":
        raise KlingError(1201, f"face_id {face.get('face_id')!r} is not in this session")
    if not face.get("sound_file") or face.get("audio_id"):
        raise KlingError(1201, "give sound_file (the emulator knows no audio_id)")
    for key in ("sound_start_time", "sound_end_time", "sound_insert_time"):
        if not isinstance(face.get(key), int | float):
            raise KlingError(1201, f"face_choose[0].{key} is required (ms)")
    if face["sound_end_time"] - face["sound_start_time"] < 2000:
        raise KlingError(1201, "the audio clip must be at least 2 s long")
    settings = {
        "soundVolume": float(face.get("sound_volume", 1.0)),
        "originalAudioVolume": float(face.get("original_audio_volume", 1.0)),
    }
    return GenerationRequest(
        model="klingai:7@1",
        input_video=session[0],
        input_audio=media.local(face["sound_file"], ".wav", "sound_file"),
        settings=settings,
    )
