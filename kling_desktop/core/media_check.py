"""Check and prepare the files a request names, against the model's limits. Opens files: run off the GUI thread.

``check_request_media`` explains every file that breaks a limit (pixels, megabytes, aspect, seconds) or cannot
be used at all (not a regular file, damaged, too many pixels);
``prepare_request`` returns the same request with its images normalised (EXIF, colour mode, downscaled).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kling_desktop.catalog.models import get_model
from kling_desktop.catalog.spec import ImageRequirement, MediaRequirement, ModelSpec
from kling_desktop.core.framing import request_frame_plan
from kling_desktop.core.images import ImageError, check_image, inspect_image, normalise_image
from kling_desktop.core.probe import MediaError, check_whole
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.rules import Problem

MB = 1024 * 1024


def _image_fields(req: GenerationRequest, spec: ModelSpec) -> list[tuple[str, str, ImageRequirement | None]]:
    frame_req = spec.image_requirement
    out = [
        (f, p, frame_req) for f, p in (("first_frame", req.first_frame), ("last_frame", req.last_frame)) if p
    ]
    out += [(f"reference_images[{i}]", p, frame_req) for i, p in enumerate(req.reference_images, 1)]
    if req.input_image:
        out.append(("input_image", req.input_image, spec.input_image))
    return out


def _media_fields(
    req: GenerationRequest, spec: ModelSpec
) -> list[tuple[str, str, MediaRequirement | None, str]]:
    out: list[tuple[str, str, MediaRequirement | None, str]] = []
    if req.input_video:
        out.append(("input_video", req.input_video, spec.input_video, "video"))
    if req.input_audio:
        out.append(("input_audio", req.input_audio, spec.input_audio, "audio"))
    out += [
        (f"reference_videos[{i}]", p, spec.reference_video_requirement, "video")
        for i, p in enumerate(req.reference_videos, 1)
    ]
    out += [
        (f"reference_voices[{i}]", p, spec.reference_voice_requirement, "audio")
        for i, p in enumerate(req.reference_voices, 1)
    ]
    return out


def check_media_file(
    field: str,
    path: str,
    limit: MediaRequirement | None,
    kind: str,
    *,
    fast: bool = False,
    max_mb: float | None = None,
) -> list[Problem]:
    name = Path(path).name
    try:
        info = check_whole(path)  # decodes every frame: a damaged file is refused here, not after upload
    except MediaError as exc:
        return [Problem(field, "readable media", f"{field}: {exc}")]
    if kind == "video" and not info.width:
        return [Problem(field, "video", f"{field}: {name} has no video stream.")]
    if kind == "audio" and not info.has_audio:
        return [Problem(field, "audio", f"{field}: {name} has no audio.")]
    if limit is None:
        return []
    out: list[Problem] = []
    lo, hi = limit.min_seconds, limit.max_seconds
    if fast and limit.fast_min_seconds is not None:
        lo, hi = limit.fast_min_seconds, limit.fast_max_seconds
    seconds = info.duration or 0.0
    if lo is not None and hi is not None and not lo - 0.05 <= seconds <= hi + 0.05:
        mode = " in fast mode" if fast else ""
        out.append(
            Problem(
                field,
                "duration",
                f"{field}: {name} is {seconds:.1f} s long; this model takes {lo:g}–{hi:g} s{mode}.",
            )
        )
    cap_mb = min(x for x in (limit.max_mb, max_mb, 1e12) if x is not None)
    if info.size_bytes > cap_mb * MB:
        out.append(
            Problem(
                field,
                "file size",
                f"{field}: {name} is {info.size_bytes / MB:.1f} MB; the limit is {cap_mb:g} MB.",
            )
        )
    w, h = info.width or 0, info.height or 0
    if kind == "video" and w and h:
        if limit.min_side and min(w, h) < limit.min_side or limit.max_side and max(w, h) > limit.max_side:
            out.append(
                Problem(
                    field,
                    "pixels",
                    f"{field}: {name} is {w}×{h}; width and height must be "
                    f"{limit.min_side}–{limit.max_side} px.",
                )
            )
        if limit.min_short_edge and min(w, h) < limit.min_short_edge:
            out.append(
                Problem(
                    field,
                    "short edge",
                    f"{field}: {name} is {w}×{h}; the short edge must be at least {limit.min_short_edge} px.",
                )
            )
        if limit.max_long_edge and max(w, h) > limit.max_long_edge:
            out.append(
                Problem(
                    field,
                    "long edge",
                    f"{field}: {name} is {w}×{h}; the long edge must be at most {limit.max_long_edge} px.",
                )
            )
    return out


def check_request_media(req: GenerationRequest) -> list[Problem]:
    spec = get_model(req.model)
    out: list[Problem] = []
    for field, path, image_limit in _image_fields(req, spec):
        try:
            info = inspect_image(path)
        except ImageError as exc:
            out.append(Problem(field, "readable image", f"{field}: {exc}"))
            continue
        out += check_image(info, image_limit, field_name=field)
        if spec.input_max_mb and info.megabytes > spec.input_max_mb:
            out.append(
                Problem(
                    field,
                    "file size",
                    f"{field}: {info.path.name} is {info.megabytes:.1f} MB; "
                    f"{spec.name} takes files up to {spec.input_max_mb:g} MB.",
                )
            )
    fast = bool(req.settings.get("fast"))
    for field, path, limit, kind in _media_fields(req, spec):
        out += check_media_file(
            field, path, limit, kind, fast=fast and field == "input_video", max_mb=spec.input_max_mb
        )
    return out


def prepare_request(req: GenerationRequest, cache_dir: Path) -> GenerationRequest:
    """The request with every image normalised into ``cache_dir`` (content-addressed). Raises ImageError."""
    spec = get_model(req.model)
    out_dir = cache_dir / "normalised"
    head = inspect_image(req.first_frame) if req.framing and req.first_frame else None
    first = (head.width, head.height) if head else None  # with size Automatic, the output follows it

    def fix(path: str | None, limit: ImageRequirement | None, frame: bool = False) -> str | None:
        if not path:
            return path
        info = inspect_image(path) if frame and req.framing else None
        framing = request_frame_plan(req, (info.width, info.height), first) if info else None
        return str(normalise_image(path, limit, out_dir, max_mb=spec.input_max_mb, framing=framing).path)

    frame_req = spec.image_requirement
    update: dict[str, Any] = {
        "first_frame": fix(req.first_frame, frame_req, frame=True),
        "last_frame": fix(req.last_frame, frame_req, frame=True),
        "reference_images": tuple(fix(p, frame_req) or p for p in req.reference_images),
        "input_image": fix(req.input_image, spec.input_image),
    }
    names = dict(req.input_names)  # the copies keep the names the artist chose (provenance)
    for field in ("first_frame", "last_frame", "input_image"):
        before, after = getattr(req, field), update[field]
        if before and after and after != before:
            names[after] = req.input_names.get(before, Path(before).name)
    for before, after in zip(req.reference_images, update["reference_images"], strict=True):
        if after != before:
            names[after] = req.input_names.get(before, Path(before).name)
    return req.model_copy(update={**update, "input_names": names})
