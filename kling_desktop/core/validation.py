"""Check a GenerationRequest against its ModelSpec. Pure logic: no files are opened here.

Every problem names the field, the rule and the allowed values. ``core/media_check.py`` adds the checks that
need to open the input files (pixels, megabytes, seconds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kling_desktop.catalog.models import UnknownModel, get_model
from kling_desktop.catalog.spec import DimensionMode, Kind, ModelSpec, Workflow
from kling_desktop.core.request import REFER_TYPE_FAMILIES, GenerationRequest
from kling_desktop.core.rules import Problem, RequestInvalid, check_settings, check_shots, check_text

W = Workflow
VOICE_TAG = re.compile(r"<<<voice_(\d+)>>>")
DEFAULT_FPS = 24


@dataclass(frozen=True)
class ResolvedRequest:
    spec: ModelSpec
    workflow: Workflow
    duration: float | None  # None: follows the input media
    width: int | None  # None: inferred from the first frame / input
    height: int | None
    fps: int
    sound: bool


def choose_workflow(req: GenerationRequest, spec: ModelSpec) -> Workflow:
    """The workflow the request asks for, or the one its inputs select (as O1 does on the server)."""
    if req.workflow:
        return W(req.workflow)
    has = set(spec.workflows)
    if spec.kind is Kind.IMAGE:
        return W.IMAGE_TO_IMAGE if req.reference_images else W.TEXT_TO_IMAGE
    for single in (W.LIP_SYNC, W.AVATAR):
        if single in has:
            return single
    if req.input_video:
        for w in (W.VIDEO_EDIT, W.VIDEO_TO_VIDEO):
            if w in has:
                return w
    if req.reference_videos and W.MOTION_CONTROL in has:
        return W.MOTION_CONTROL
    if (req.reference_images or req.reference_videos) and W.REFERENCE_TO_VIDEO in has:
        return W.REFERENCE_TO_VIDEO
    if (req.first_frame or req.last_frame) and W.IMAGE_TO_VIDEO in has:
        return W.IMAGE_TO_VIDEO
    return W.TEXT_TO_VIDEO if W.TEXT_TO_VIDEO in has else spec.workflows[0]


def problems_for(req: GenerationRequest) -> list[Problem]:
    try:
        spec = get_model(req.model)
    except UnknownModel as exc:
        return [Problem("model", "known model", exc.message)]
    if req.workflow and req.workflow not in {w.value for w in spec.workflows}:
        allowed = ", ".join(w.value for w in spec.workflows)
        return [
            Problem(
                "workflow",
                "supported workflow",
                f"workflow: {spec.name} does not do {req.workflow!r}; it does {allowed}.",
            )
        ]
    wf = choose_workflow(req, spec)
    out: list[Problem] = []
    out += _check_prompts(req, spec, wf)
    out += _check_frames(req, spec, wf)
    out += _check_size(req, spec, wf)
    out += _check_duration(req, spec, wf)
    out += _check_references(req, spec, wf)
    out += _check_inputs(req, spec, wf)
    out += check_settings(req, spec, wf)
    if spec.cfg is None and req.cfg_scale is not None:
        out.append(Problem("cfg_scale", "supported", f"cfg_scale: {spec.name} has no CFG scale setting."))
    elif spec.cfg and req.cfg_scale is not None and not spec.cfg.min <= req.cfg_scale <= spec.cfg.max:
        out.append(
            Problem(
                "cfg_scale",
                "range",
                f"cfg_scale: must be between {spec.cfg.min:g} and {spec.cfg.max:g} "
                f"(default {spec.cfg.default:g}); got {req.cfg_scale:g}.",
            )
        )
    if not 1 <= req.number_results <= (4 if spec.kind is Kind.IMAGE else 1):
        out.append(
            Problem(
                "number_results",
                "range",
                f"number_results: {spec.name} makes 1{'–4 images' if spec.kind is Kind.IMAGE else ' video'} "
                f"per job; got {req.number_results}.",
            )
        )
    return out


def validate(req: GenerationRequest) -> ResolvedRequest:
    problems = problems_for(req)
    if problems:
        raise RequestInvalid(problems)
    return resolve(req)


def resolve(req: GenerationRequest, source_size: tuple[int, int] | None = None) -> ResolvedRequest:
    """Effective workflow, duration, size and fps (defaults filled in). Assumes the request is valid.

    ``source_size`` is the first frame's (or input image's / video's) size when known; it picks the listed
    size nearest its aspect where the size is optional, and gives the size where the size is inferred.
    """
    spec = get_model(req.model)
    wf = choose_workflow(req, spec)
    durations = spec.durations_for(wf)
    if req.shots:
        duration: float | None = float(sum(s.duration for s in req.shots))
    elif durations is None:
        duration = None
    else:
        duration = float(req.duration if req.duration is not None else durations.default)
    width, height = req.width, req.height
    if width is None or height is None:
        width, height = _default_size(spec, spec.dimension_mode(wf), source_size)
    return ResolvedRequest(spec, wf, duration, width, height, spec.fps.get(wf, DEFAULT_FPS), bool(req.sound))


def _default_size(
    spec: ModelSpec, mode: DimensionMode, source: tuple[int, int] | None
) -> tuple[int | None, int | None]:
    if mode is DimensionMode.MATCH_INPUT:
        return source if source else (None, None)
    if mode is DimensionMode.INFERRED or not spec.dimensions:
        if source is None:
            return None, None
        long_edge = max((max(d.width, d.height) for d in spec.dimensions), default=1280)
        return size_keeping_aspect(source, long_edge)
    if source is None:
        return spec.dimensions[0].width, spec.dimensions[0].height
    aspect = source[0] / source[1]
    best = min(spec.dimensions, key=lambda d: abs(d.width / d.height - aspect))
    return best.width, best.height


def size_keeping_aspect(source: tuple[int, int], long_edge: int) -> tuple[int, int]:
    """Scale ``source`` so its long edge is ``long_edge``; both sides even (H.264 needs that)."""
    w, h = source
    scale = long_edge / max(w, h)
    return max(2, round(w * scale / 2) * 2), max(2, round(h * scale / 2) * 2)


# ---- the rule groups ---------------------------------------------------------------------------------------


def _check_prompts(req: GenerationRequest, spec: ModelSpec, wf: Workflow) -> list[Problem]:
    out: list[Problem] = []
    if spec.prompt is None:
        if req.prompt.strip():
            out.append(
                Problem("prompt", "supported", f"prompt: {spec.name} takes no text prompt; leave it empty.")
            )
    else:
        required = wf in spec.prompt_required and not req.shots
        out += check_text("prompt", req.prompt, spec.prompt, required=required, model=spec.name)
    if spec.negative_prompt is None:
        if req.negative_prompt.strip():
            out.append(
                Problem(
                    "negative_prompt",
                    "supported",
                    f"negative_prompt: {spec.name} does not accept a negative prompt.",
                )
            )
    else:
        out += check_text(
            "negative_prompt", req.negative_prompt, spec.negative_prompt, required=False, model=spec.name
        )
    tags = {int(n) for n in VOICE_TAG.findall(req.prompt + " ".join(s.prompt for s in req.shots))}
    if tags and max(tags) > len(req.reference_voices):
        out.append(
            Problem(
                "prompt",
                "voice tags",
                f"prompt: uses <<<voice_{max(tags)}>>> but only {len(req.reference_voices)} reference "
                f"voice(s) are attached; <<<voice_N>>> needs N reference voices.",
            )
        )
    return out


def _check_frames(req: GenerationRequest, spec: ModelSpec, wf: Workflow) -> list[Problem]:
    allowed = spec.frame_images.get(wf, ())
    out: list[Problem] = []
    if wf is W.IMAGE_TO_VIDEO and not req.first_frame:
        out.append(
            Problem(
                "first_frame", "required", f"first_frame: {spec.name} image-to-video needs a first frame."
            )
        )
    if req.first_frame and "first" not in allowed:
        where = ", ".join(w.label.lower() for w in spec.frame_images) or "no workflow"
        out.append(
            Problem(
                "first_frame",
                "supported",
                f"first_frame: {spec.name} takes frame images only in {where}, not in {wf.label.lower()}.",
            )
        )
    if req.last_frame:
        if "last" not in allowed:
            out.append(
                Problem(
                    "last_frame",
                    "supported",
                    f"last_frame: {spec.name} supports a first frame only; allowed frames: "
                    f"{', '.join(allowed) or 'none'}.",
                )
            )
        elif not req.first_frame:
            out.append(
                Problem(
                    "last_frame", "needs first frame", "last_frame: a last frame needs a first frame too."
                )
            )
    return out


def _check_size(req: GenerationRequest, spec: ModelSpec, wf: Workflow) -> list[Problem]:
    mode = spec.dimension_mode(wf)
    given = req.width is not None or req.height is not None
    sizes = ", ".join(f"{d.width}×{d.height}" for d in spec.dimensions)
    if given and (req.width is None or req.height is None):
        return [Problem("size", "width and height together", "size: give both width and height.")]
    if mode in (DimensionMode.INFERRED, DimensionMode.MATCH_INPUT):
        source = "the input video" if mode is DimensionMode.MATCH_INPUT else "the first frame / input image"
        out = []
        if given:
            out.append(
                Problem(
                    "size",
                    "not settable",
                    f"size: {spec.name} {wf.label.lower()} takes its size from {source}; "
                    f"do not set width/height.",
                )
            )
        if req.resolution:
            out.append(
                Problem("resolution", "supported", f"resolution: {spec.name} takes no resolution setting.")
            )
        return out
    out = []
    if given and spec.find_dimension(req.width or 0, req.height or 0) is None:
        out.append(
            Problem(
                "size",
                "listed sizes",
                f"size: {req.width}×{req.height} is not a size {spec.name} makes; allowed: {sizes}.",
            )
        )
    if req.resolution and mode is not DimensionMode.OPTIONAL_OR_RESOLUTION:
        out.append(
            Problem(
                "resolution", "supported", f"resolution: {spec.name} takes width/height, not a resolution."
            )
        )
    elif req.resolution and req.resolution not in spec.resolutions:
        out.append(
            Problem(
                "resolution",
                "allowed values",
                f"resolution: must be one of {', '.join(spec.resolutions)}; got {req.resolution!r}.",
            )
        )
    elif req.resolution and given:
        out.append(
            Problem(
                "resolution",
                "either size or resolution",
                "resolution: give either width/height or a resolution, not both.",
            )
        )
    if mode is DimensionMode.REQUIRED and not given:
        out.append(
            Problem(
                "size",
                "required",
                f"size: {spec.name} {wf.label.lower()} needs an explicit size; allowed: {sizes}.",
            )
        )
    if mode is DimensionMode.OPTIONAL_OR_RESOLUTION and not given and not req.resolution:
        if wf is W.TEXT_TO_IMAGE:
            out.append(
                Problem("size", "required", f"size: text-to-image needs an explicit size; allowed: {sizes}.")
            )
    return out


def _check_duration(req: GenerationRequest, spec: ModelSpec, wf: Workflow) -> list[Problem]:
    durations = spec.durations_for(wf)
    if req.shots:
        return check_shots(req, spec, wf, durations)
    if req.duration is None:
        return []
    if durations is None:
        follows = "input audio" if wf is W.AVATAR else "input video"
        what = (
            "an image model"
            if spec.kind is Kind.IMAGE
            else f"{wf.label.lower()}: the length follows the {follows}"
        )
        return [Problem("duration", "not settable", f"duration: not settable for {spec.name} ({what}).")]
    if not durations.allows(req.duration):
        return [
            Problem(
                "duration",
                "allowed durations",
                f"duration: {spec.name} {wf.label.lower()} makes {durations.describe()}; got {req.duration:g}.",
            )
        ]
    return []


def _check_references(req: GenerationRequest, spec: ModelSpec, wf: Workflow) -> list[Problem]:
    out: list[Problem] = []
    img_limit = spec.reference_images.get(wf)
    vid_limit = spec.reference_videos.get(wf)
    n_img, n_vid = len(req.reference_images), len(req.reference_videos)
    if img_limit is None and n_img:
        out.append(
            Problem(
                "reference_images",
                "supported",
                f"reference_images: {spec.name} {wf.label.lower()} takes no reference images.",
            )
        )
    elif img_limit:
        cap = img_limit.max
        if img_limit.max_with_reference_video is not None and (n_vid or req.input_video):
            cap = img_limit.max_with_reference_video
        if n_img > cap:
            out.append(
                Problem(
                    "reference_images",
                    "maximum",
                    f"reference_images: at most {cap} for {spec.name} {wf.label.lower()}"
                    f"{' with a reference video' if cap != img_limit.max else ''}; got {n_img}.",
                )
            )
        if n_img < img_limit.min:
            out.append(
                Problem(
                    "reference_images",
                    "minimum",
                    f"reference_images: {spec.name} {wf.label.lower()} needs at least {img_limit.min}.",
                )
            )
    if vid_limit is None and n_vid:
        out.append(
            Problem(
                "reference_videos",
                "supported",
                f"reference_videos: {spec.name} {wf.label.lower()} takes no reference video.",
            )
        )
    elif vid_limit and not vid_limit.min <= n_vid <= vid_limit.max:
        out.append(
            Problem(
                "reference_videos",
                "count",
                f"reference_videos: {spec.name} {wf.label.lower()} takes {vid_limit.min}–{vid_limit.max}; "
                f"got {n_vid}.",
            )
        )
    if req.reference_video_types and spec.family not in REFER_TYPE_FAMILIES:
        out.append(
            Problem(
                "reference_video_types",
                "supported",
                f"reference_video_types: {spec.name} uses a reference video one way only; reference types "
                f"('feature', 'base') are for {', '.join(sorted(REFER_TYPE_FAMILIES))}. Leave them out.",
            )
        )
    if wf is W.REFERENCE_TO_VIDEO and not n_img and not n_vid:
        out.append(
            Problem(
                "reference_images",
                "required",
                "reference_images: reference-to-video needs at least one reference image or video.",
            )
        )
    if req.reference_voices:
        if not spec.reference_voices_max:
            out.append(
                Problem(
                    "reference_voices",
                    "supported",
                    f"reference_voices: {spec.name} takes no reference voices.",
                )
            )
        elif len(req.reference_voices) > spec.reference_voices_max:
            out.append(
                Problem(
                    "reference_voices",
                    "maximum",
                    f"reference_voices: at most {spec.reference_voices_max}; got {len(req.reference_voices)}.",
                )
            )
    return out


def _check_inputs(req: GenerationRequest, spec: ModelSpec, wf: Workflow) -> list[Problem]:
    out: list[Problem] = []
    needs_video = wf in (W.VIDEO_EDIT, W.VIDEO_TO_VIDEO, W.LIP_SYNC)
    needs_audio = wf in (W.LIP_SYNC, W.AVATAR)
    for field, value, needed, what in (
        ("input_video", req.input_video, needs_video, "an input video"),
        ("input_audio", req.input_audio, needs_audio, "an input audio file"),
        ("input_image", req.input_image, wf is W.AVATAR, "a portrait image"),
    ):
        if needed and not value:
            out.append(Problem(field, "required", f"{field}: {spec.name} {wf.label.lower()} needs {what}."))
        elif value and not needed:
            out.append(
                Problem(field, "supported", f"{field}: {spec.name} {wf.label.lower()} takes no {what[3:]}.")
            )
    return out
