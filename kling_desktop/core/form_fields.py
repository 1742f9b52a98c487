"""Which inputs a model's form shows, derived from its ModelSpec alone (no Qt; the window and tests share it)."""

from __future__ import annotations

from kling_desktop.catalog.spec import DimensionMode, ModelSpec

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
