"""The catalog as plain JSON-able dicts (CLI ``models --json``, the emulator, docs)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from kling_desktop.catalog.spec import ModelSpec


def _frames(spec: ModelSpec) -> list[str]:
    return [f for f in ("first", "last") if spec.allows_frame(f)]  # type: ignore[arg-type]


def model_to_json(spec: ModelSpec) -> dict[str, Any]:
    primary = next((spec.durations[w] for w in spec.workflows if w in spec.durations), None)
    return {
        "air_id": spec.air_id,
        "name": spec.name,
        "family": spec.family,
        "tier": spec.tier,
        "kind": spec.kind.value,
        "workflows": [w.value for w in spec.workflows],
        "prompt": {"min": spec.prompt.min_chars, "max": spec.prompt.max_chars} if spec.prompt else None,
        "negative_prompt": spec.negative_prompt is not None,
        "negative_prompt_limits": (
            {"min": spec.negative_prompt.min_chars, "max": spec.negative_prompt.max_chars}
            if spec.negative_prompt
            else None
        ),
        "cfg_scale": asdict(spec.cfg) if spec.cfg else None,
        "dimensions": [[d.width, d.height] for d in spec.dimensions],
        "dimension_modes": {w.value: m.value for w, m in spec.dimension_modes.items()},
        "resolutions": list(spec.resolutions),
        "fps": {w.value: f for w, f in spec.fps.items()},
        "durations": primary.to_json() if primary else None,
        "durations_by_workflow": {w.value: d.to_json() for w, d in spec.durations.items()},
        "frame_images": _frames(spec),
        "frame_images_by_workflow": {w.value: list(f) for w, f in spec.frame_images.items()},
        "reference_images_max": spec.max_reference_images,
        "reference_images": {w.value: asdict(r) for w, r in spec.reference_images.items()},
        "reference_videos": {w.value: asdict(r) for w, r in spec.reference_videos.items()},
        "reference_voices_max": spec.reference_voices_max,
        "input_video": asdict(spec.input_video) if spec.input_video else None,
        "input_audio": asdict(spec.input_audio) if spec.input_audio else None,
        "input_image": asdict(spec.input_image) if spec.input_image else None,
        "image_requirement": asdict(spec.image_requirement) if spec.image_requirement else None,
        "multi_prompt_max": spec.multi_prompt_max,
        "provider_settings": [s.name for s in spec.provider_settings],
        "badges": list(spec.badges),
        "price": asdict(spec.price) if spec.price else None,
        "notes": list(spec.notes),
    }
