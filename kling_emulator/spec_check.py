"""The emulator's own reading of the model specification (docs/model-specification.txt).

It refuses what the real service would refuse, reading the limits from the catalog's data (``ModelSpec``)
with rules written here, independently of the app's validator (``kling_desktop/core/validation.py``). The
two are meant to agree; because they are separate, a bug in the app's validator shows up in the tests as a
request the emulator refuses, instead of being mirrored by the stand-in service.
"""

from __future__ import annotations

from dataclasses import dataclass

from kling_desktop.catalog.models import UnknownModel, get_model
from kling_desktop.catalog.spec import DimensionMode, Durations, Kind, ModelSpec, ProviderSetting, Workflow
from kling_desktop.core.request import GenerationRequest

W = Workflow
NEEDS_VIDEO = (W.VIDEO_EDIT, W.VIDEO_TO_VIDEO, W.LIP_SYNC)
NEEDS_AUDIO = (W.LIP_SYNC, W.AVATAR)
OWN_FIELDS = {"sound", "multiPrompt"}  # travel as their own request fields, not as settings


@dataclass(frozen=True)
class Refusal:
    field: str
    message: str

    def __str__(self) -> str:
        return self.message


def workflow_of(req: GenerationRequest, spec: ModelSpec) -> Workflow:
    """The workflow the service runs: the one named, else the one the inputs imply."""
    if req.workflow:
        return W(req.workflow)
    offered = spec.workflows
    if spec.kind is Kind.IMAGE:
        return W.IMAGE_TO_IMAGE if req.reference_images and W.IMAGE_TO_IMAGE in offered else offered[0]
    implied = [
        (W.LIP_SYNC, True),
        (W.AVATAR, True),
        (W.VIDEO_EDIT, bool(req.input_video)),
        (W.VIDEO_TO_VIDEO, bool(req.input_video)),
        (W.MOTION_CONTROL, bool(req.reference_videos)),
        (W.REFERENCE_TO_VIDEO, bool(req.reference_images or req.reference_videos)),
        (W.IMAGE_TO_VIDEO, bool(req.first_frame or req.last_frame)),
        (W.TEXT_TO_VIDEO, True),
    ]
    return next((w for w, applies in implied if applies and w in offered), offered[0])


def seconds_of(req: GenerationRequest) -> float | None:
    """The length the service bills: the shots' sum, the duration asked, the default, or None (follows input)."""
    if req.shots:
        return float(sum(s.duration for s in req.shots))
    spec = get_model(req.model)
    allowed = spec.durations.get(workflow_of(req, spec))
    if allowed is None:
        return None
    return float(req.duration) if req.duration is not None else float(allowed.default)


def refusals(req: GenerationRequest) -> list[Refusal]:
    """Everything the service objects to in ``req``; empty when it would accept it."""
    try:
        spec = get_model(req.model)
    except UnknownModel:
        return [Refusal("model", f"model: {req.model!r} is not a model of this service.")]
    if req.workflow and req.workflow not in spec.workflows:
        return [Refusal("workflow", f"workflow: {spec.name} has no {req.workflow!r} workflow.")]
    wf = workflow_of(req, spec)
    out: list[Refusal] = []
    for check in (_text, _length, _size, _frames, _references, _inputs, _numbers, _settings):
        out += check(req, spec, wf)
    return out


def _text(req: GenerationRequest, spec: ModelSpec, wf: Workflow) -> list[Refusal]:
    out = []
    for name, text, limit, needed in (
        ("prompt", req.prompt, spec.prompt, wf in spec.prompt_required and not req.shots),
        ("negative_prompt", req.negative_prompt, spec.negative_prompt, False),
    ):
        n = len(text.strip())
        if limit is None:
            if n:
                out.append(Refusal(name, f"{name}: {spec.name} does not take this parameter."))
        elif n == 0 and needed:
            out.append(Refusal(name, f"{name}: required for {spec.name} {wf.value}."))
        elif n and not limit.min_chars <= n <= limit.max_chars:
            out.append(
                Refusal(
                    name, f"{name}: length {n} is outside {limit.min_chars}..{limit.max_chars} characters."
                )
            )
    return out


def _lengths(d: Durations) -> str:
    if d.values:
        return " or ".join(f"{v:g}" for v in d.values) + " seconds"
    return f"{d.min:g} to {d.max:g} whole seconds"


def _allowed(d: Durations, seconds: float) -> bool:
    if d.values:
        return seconds in d.values
    return d.min is not None and d.max is not None and d.min <= seconds <= d.max and seconds == int(seconds)


def _length(req: GenerationRequest, spec: ModelSpec, wf: Workflow) -> list[Refusal]:
    durations = spec.durations.get(wf)
    if req.shots:
        return _shots(req, spec, wf, durations)
    if req.duration is None:
        return []
    if durations is None:
        return [Refusal("duration", f"duration: {spec.name} {wf.value} takes no duration.")]
    if not _allowed(durations, req.duration):
        return [
            Refusal(
                "duration",
                f"duration: {req.duration:g} is not allowed for {spec.name} {wf.value}; "
                f"allowed: {_lengths(durations)}.",
            )
        ]
    return []


def _shots(req: GenerationRequest, spec: ModelSpec, wf: Workflow, d: Durations | None) -> list[Refusal]:
    multi = spec.setting("multiPrompt")
    if multi is None or not spec.multi_prompt_max or (multi.workflows and wf not in multi.workflows):
        return [Refusal("shots", f"multiPrompt: {spec.name} {wf.value} does not take multiple prompts.")]
    if multi.forbids_reference_video and (req.reference_videos or req.input_video):
        return [Refusal("shots", "multiPrompt: not allowed together with a reference video.")]
    out = []
    if len(req.shots) > spec.multi_prompt_max:
        out.append(Refusal("shots", f"multiPrompt: at most {spec.multi_prompt_max} prompts."))
    for i, shot in enumerate(req.shots, 1):
        if not shot.prompt.strip():
            out.append(Refusal(f"shots[{i}].prompt", f"multiPrompt[{i}].prompt: required."))
        if shot.duration < 1 or shot.duration != int(shot.duration):
            out.append(
                Refusal(f"shots[{i}].duration", f"multiPrompt[{i}].duration: whole seconds, at least 1.")
            )
    total = sum(s.duration for s in req.shots)
    if d is not None and not _allowed(d, total):
        out.append(
            Refusal("shots", f"multiPrompt: the durations add up to {total:g}; allowed: {_lengths(d)}.")
        )
    if req.duration is not None and req.duration != total:
        out.append(
            Refusal("duration", f"duration: {req.duration:g} differs from the prompts' sum {total:g}.")
        )
    return out


def _size(req: GenerationRequest, spec: ModelSpec, wf: Workflow) -> list[Refusal]:
    mode = spec.dimension_modes.get(wf, DimensionMode.INFERRED)
    given = (req.width, req.height) != (None, None)
    listed = {(d.width, d.height) for d in spec.dimensions}
    out = []
    if given and (req.width, req.height) not in listed:
        sizes = ", ".join(f"{w}×{h}" for w, h in sorted(listed)) or "none"
        out.append(
            Refusal(
                "size",
                f"width/height: {req.width}×{req.height} is not a size of {spec.name}; allowed: {sizes}.",
            )
        )
    if given and mode in (DimensionMode.INFERRED, DimensionMode.MATCH_INPUT):
        out.append(Refusal("size", f"width/height: {spec.name} {wf.value} takes its size from its input."))
    if req.resolution is not None:
        if mode is not DimensionMode.OPTIONAL_OR_RESOLUTION or req.resolution not in spec.resolutions:
            out.append(Refusal("resolution", f"resolution: {req.resolution!r} is not accepted here."))
        elif given:
            out.append(Refusal("resolution", "resolution: send a resolution or width/height, not both."))
    needs_size = mode is DimensionMode.REQUIRED or (
        mode is DimensionMode.OPTIONAL_OR_RESOLUTION and wf is W.TEXT_TO_IMAGE and req.resolution is None
    )
    if needs_size and not given:
        out.append(Refusal("size", f"width/height: required for {spec.name} {wf.value}."))
    return out


def _frames(req: GenerationRequest, spec: ModelSpec, wf: Workflow) -> list[Refusal]:
    allowed = spec.frame_images.get(wf, ())
    out = []
    if req.first_frame and "first" not in allowed:
        out.append(Refusal("first_frame", f"frameImages: {spec.name} {wf.value} takes no first frame."))
    if req.last_frame and "last" not in allowed:
        out.append(Refusal("last_frame", f"frameImages: {spec.name} {wf.value} takes no last frame."))
    if req.last_frame and not req.first_frame:
        out.append(Refusal("last_frame", "frameImages: a last frame needs a first frame."))
    if wf is W.IMAGE_TO_VIDEO and not req.first_frame:
        out.append(Refusal("first_frame", "frameImages: image-to-video needs a first frame."))
    return out


def _references(req: GenerationRequest, spec: ModelSpec, wf: Workflow) -> list[Refusal]:
    out = []
    images, videos = len(req.reference_images), len(req.reference_videos)
    img = spec.reference_images.get(wf)
    vid = spec.reference_videos.get(wf)
    cap = 0 if img is None else img.max
    if img is not None and img.max_with_reference_video is not None and (videos or req.input_video):
        cap = img.max_with_reference_video
    if images > cap or (img is not None and images < img.min):
        out.append(
            Refusal("reference_images", f"referenceImages: {images} is not allowed here (at most {cap}).")
        )
    if (vid is None and videos) or (vid is not None and not vid.min <= videos <= vid.max):
        out.append(Refusal("reference_videos", f"referenceVideos: {videos} is not allowed here."))
    if wf is W.REFERENCE_TO_VIDEO and not images and not videos:
        out.append(Refusal("reference_images", "references: reference-to-video needs an image or a video."))
    voices = len(req.reference_voices)
    if voices > (spec.reference_voices_max or 0):
        out.append(Refusal("reference_voices", f"referenceVoices: {voices} is more than {spec.name} takes."))
    return out


def _inputs(req: GenerationRequest, spec: ModelSpec, wf: Workflow) -> list[Refusal]:
    out = []
    for name, present, needed in (
        ("input_video", bool(req.input_video), wf in NEEDS_VIDEO),
        ("input_audio", bool(req.input_audio), wf in NEEDS_AUDIO),
        ("input_image", bool(req.input_image), wf is W.AVATAR),
    ):
        if present != needed:
            verb = "needs" if needed else "takes no"
            out.append(Refusal(name, f"inputs.{name[6:]}: {spec.name} {wf.value} {verb} this input."))
    return out


def _numbers(req: GenerationRequest, spec: ModelSpec, wf: Workflow) -> list[Refusal]:
    out = []
    if req.cfg_scale is not None and (spec.cfg is None or not spec.cfg.min <= req.cfg_scale <= spec.cfg.max):
        out.append(Refusal("cfg_scale", f"CFGScale: {req.cfg_scale:g} is not accepted by {spec.name}."))
    most = 4 if spec.kind is Kind.IMAGE else 1
    if not 1 <= req.number_results <= most:
        out.append(Refusal("number_results", f"numberResults: must be 1..{most}."))
    return out


def _usable(s: ProviderSetting, req: GenerationRequest, wf: Workflow) -> bool:
    with_video = bool(req.reference_videos or req.input_video)
    return (
        (not s.workflows or wf in s.workflows)
        and not (s.forbids_reference_video and with_video)
        and not (s.requires_reference_video and not with_video)
    )


def _value_ok(s: ProviderSetting, value: object) -> bool:
    if s.type == "bool":
        return isinstance(value, bool)
    if s.type == "choice":
        return value in s.choices
    if s.type == "float":
        number = isinstance(value, int | float) and not isinstance(value, bool)
        low = s.min if s.min is not None else float("-inf")
        high = s.max if s.max is not None else float("inf")
        return number and low <= value <= high  # type: ignore[operator]
    return True


def _settings(req: GenerationRequest, spec: ModelSpec, wf: Workflow) -> list[Refusal]:
    out = []
    sound = spec.setting("sound")
    if req.sound and (sound is None or not _usable(sound, req, wf)):
        out.append(Refusal("sound", f"providerSettings.sound: not available for {spec.name} {wf.value}."))
    for name, value in req.settings.items():
        s = spec.setting(name)
        where = f"settings.{name}"
        if s is None or name in OWN_FIELDS:
            out.append(Refusal(where, f"providerSettings.{name}: not a parameter of {spec.name}."))
        elif not _value_ok(s, value):
            out.append(Refusal(where, f"providerSettings.{name}: {value!r} is not an accepted value."))
        elif value not in (False, None) and not _usable(s, req, wf):
            out.append(Refusal(where, f"providerSettings.{name}: not available for {spec.name} {wf.value}."))
    return out
