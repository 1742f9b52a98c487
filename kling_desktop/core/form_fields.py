"""Which inputs a model's form shows, derived from its ModelSpec alone (no Qt; the window and tests share it)."""

from __future__ import annotations

from kling_desktop.catalog.spec import DimensionMode, ModelSpec, Workflow
from kling_desktop.core.rules import Problem

SIZE_MODES = (DimensionMode.REQUIRED, DimensionMode.OPTIONAL, DimensionMode.OPTIONAL_OR_RESOLUTION)


def visible_fields(spec: ModelSpec) -> set[str]:
    fields: set[str] = set()
    checks = {
        "prompt": spec.prompt is not None,
        "negative_prompt": spec.negative_prompt is not None,
        "cfg_scale": spec.cfg is not None,
        "first_frame": any("first" in f for f in spec.frame_images.values()),
        "last_frame": spec.allows_frame("last"),
        "shots": bool(spec.multi_prompt_max),
        "duration": bool(spec.durations),
        "size": bool(spec.dimensions) and any(m in SIZE_MODES for m in spec.dimension_modes.values()),
        "resolution": bool(spec.resolutions),
        "reference_images": bool(spec.reference_images),
        "reference_videos": bool(spec.reference_videos),
        "reference_voices": bool(spec.reference_voices_max),
        "input_video": spec.input_video is not None,
        "input_audio": spec.input_audio is not None,
        "input_image": spec.input_image is not None,
        "number_results": spec.kind.value == "image",
    }
    fields.update(name for name, shown in checks.items() if shown)
    fields.update(f"settings.{s.name}" for s in spec.provider_settings if s.type != "shots")
    return fields


ALL_FIELDS = (
    "prompt",
    "negative_prompt",
    "cfg_scale",
    "first_frame",
    "last_frame",
    "shots",
    "duration",
    "size",
    "resolution",
    "reference_images",
    "reference_videos",
    "reference_voices",
    "input_video",
    "input_audio",
    "input_image",
    "number_results",
)


# ---- modes: one per workflow the model supports, each showing exactly its inputs -----------------------------
W = Workflow
MODE_TITLES = {
    W.TEXT_TO_VIDEO: "Text to video",
    W.IMAGE_TO_VIDEO: "First/last frame",
    W.REFERENCE_TO_VIDEO: "References",
    W.VIDEO_EDIT: "Edit video",
    W.VIDEO_TO_VIDEO: "Edit video",
    W.MOTION_CONTROL: "Motion control",
    W.LIP_SYNC: "Lip-sync",
    W.AVATAR: "Avatar",
    W.TEXT_TO_IMAGE: "Text to image",
    W.IMAGE_TO_IMAGE: "Image to image",
}
MODE_HELP = {
    W.TEXT_TO_VIDEO: "Makes a video from your prompt alone.",
    W.IMAGE_TO_VIDEO: "Animates your first frame; with a last frame, the video ends on it.",
    W.REFERENCE_TO_VIDEO: "Builds a new video around your reference images and videos.",
    W.VIDEO_EDIT: "Changes an existing video the way your prompt says.",
    W.VIDEO_TO_VIDEO: "Changes an existing video the way your prompt says.",
    W.MOTION_CONTROL: "Moves the character in your image the way the reference video moves.",
    W.LIP_SYNC: "Makes the face in a video speak or sing the input audio.",
    W.AVATAR: "Makes the portrait speak or sing the input audio.",
    W.TEXT_TO_IMAGE: "Makes an image from your prompt.",
    W.IMAGE_TO_IMAGE: "Makes an image from your prompt and reference images.",
}
_VOICE_MODES = (W.TEXT_TO_VIDEO, W.IMAGE_TO_VIDEO, W.REFERENCE_TO_VIDEO)


def mode_title(spec: ModelSpec, workflow: Workflow) -> str:
    if workflow is W.IMAGE_TO_VIDEO and "last" not in spec.frame_images.get(workflow, ()):
        return "First frame"
    return MODE_TITLES[workflow]


def mode_help(spec: ModelSpec, workflow: Workflow) -> str:
    text = MODE_HELP[workflow]
    if workflow is W.IMAGE_TO_VIDEO and "last" not in spec.frame_images.get(workflow, ()):
        text = "Animates your first frame."
    if spec.prompt is None:
        text += f" {spec.name} takes no text prompt."
    elif workflow not in spec.prompt_required and workflow is W.IMAGE_TO_VIDEO:
        text += " The prompt is optional: describe only what moves."
    return text


def mode_fields(spec: ModelSpec, workflow: Workflow) -> set[str]:
    """The inputs the form shows in one mode (workflow) of one model. The request carries only these."""
    frames = spec.frame_images.get(workflow, ())
    mode = spec.dimension_mode(workflow)
    checks = {
        "prompt": spec.prompt is not None,
        "negative_prompt": spec.negative_prompt is not None,
        "cfg_scale": spec.cfg is not None,
        "first_frame": "first" in frames,
        "last_frame": "last" in frames,
        "shots": bool(spec.multi_prompt_max) and _setting_in(spec, "multiPrompt", workflow),
        "duration": spec.durations_for(workflow) is not None,
        "size": bool(spec.dimensions) and mode in SIZE_MODES,
        "resolution": bool(spec.resolutions) and mode is DimensionMode.OPTIONAL_OR_RESOLUTION,
        "reference_images": workflow in spec.reference_images,
        "reference_videos": workflow in spec.reference_videos,
        "reference_voices": bool(spec.reference_voices_max) and workflow in _VOICE_MODES,
        "input_video": spec.input_video is not None
        and workflow in (W.VIDEO_EDIT, W.VIDEO_TO_VIDEO, W.LIP_SYNC),
        "input_audio": spec.input_audio is not None and workflow in (W.LIP_SYNC, W.AVATAR),
        "input_image": spec.input_image is not None and workflow is W.AVATAR,
        "number_results": spec.kind.value == "image",
    }
    out = {name for name, shown in checks.items() if shown}
    out |= {
        f"settings.{s.name}"
        for s in spec.provider_settings
        if s.type != "shots"
        and (not s.workflows or workflow in s.workflows)
        and not (s.requires_reference_video and not {"reference_videos", "input_video"} & out)
    }
    return out


def _setting_in(spec: ModelSpec, name: str, workflow: Workflow) -> bool:
    setting = spec.setting(name)
    return setting is None or not setting.workflows or workflow in setting.workflows


# ---- words for fields and messages (no keys like "input_video:" in front of a person) ----------------------
FIELD_WORDS = {
    "model": "Model",
    "workflow": "Mode",
    "prompt": "Prompt",
    "negative_prompt": "Negative prompt",
    "first_frame": "First frame",
    "last_frame": "Last frame",
    "shots": "Shots",
    "duration": "Duration",
    "size": "Size",
    "resolution": "Resolution",
    "cfg_scale": "CFG scale",
    "sound": "Native audio",
    "reference_images": "Reference images",
    "reference_videos": "Reference video",
    "reference_video_types": "Reference video",
    "reference_voices": "Reference voices",
    "input_video": "Input video",
    "input_audio": "Input audio",
    "input_image": "Portrait",
    "number_results": "Images",
    "provider": "Provider",
}
# Which group box shows the message of a rule broken by a field.
FIELD_GROUP = {
    "prompt": "prompt",
    "negative_prompt": "negative_prompt",
    "first_frame": "frames",
    "last_frame": "frames",
    "shots": "shots",
    **{n: "zones" for n in ("reference_images", "reference_videos", "reference_voices")},
    **{n: "zones" for n in ("input_video", "input_audio", "input_image", "reference_video_types")},
}


def words(problem: Problem) -> str:
    """The message with its leading key ("input_video: …") replaced by the field's label."""
    text = problem.message
    prefix = f"{problem.field}: "
    if text.startswith(prefix):
        text = text[len(prefix) :]
    field = problem.field.split(".", 1)[-1] if problem.field.startswith("settings.") else problem.field
    label = FIELD_WORDS.get(problem.field, field.replace("_", " ").capitalize())
    return f"{label}: {text}"
