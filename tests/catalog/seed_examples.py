"""The example requests printed in the seed specification, turned into GenerationRequests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kling_desktop.core.request import GenerationRequest, Shot

# The model specification: the contract the catalog follows, model by model and field by field.
SEED = Path(__file__).resolve().parents[2] / "docs" / "model-specification.txt"


def seed_tasks() -> list[dict[str, Any]]:
    """Every top-level JSON object in the seed (brace matching; the seed holds nothing else in braces)."""
    text = SEED.read_text(encoding="utf-8")
    tasks, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                tasks.append(json.loads(text[start : i + 1]))
    return tasks


def _media(value: Any, ext: str) -> str:
    uuid = value if isinstance(value, str) else value.get("video") or value.get("image")
    return f"/seed-media/{uuid}.{ext}"


def request_from_task(task: dict[str, Any]) -> GenerationRequest:
    inputs = task.get("inputs", {})
    frames = {
        f["frame"]: f.get("image") or f.get("inputImage")
        for f in inputs.get("frameImages", []) + task.get("frameImages", [])
    }
    klingai = dict(task.get("providerSettings", {}).get("klingai", {}))
    shots = tuple(
        Shot(prompt=s["prompt"], duration=float(s["duration"])) for s in klingai.pop("multiPrompt", [])
    )
    sound = klingai.pop("sound", None)
    return GenerationRequest(
        model=task["model"],
        prompt=task.get("positivePrompt", ""),
        negative_prompt=task.get("negativePrompt", ""),
        first_frame=_media(frames["first"], "png") if "first" in frames else None,
        last_frame=_media(frames["last"], "png") if "last" in frames else None,
        shots=shots,
        duration=task.get("duration"),
        width=task.get("width"),
        height=task.get("height"),
        resolution=task.get("resolution"),
        cfg_scale=task.get("CFGScale"),
        sound=sound,
        reference_images=tuple(_media(v, "png") for v in inputs.get("referenceImages", [])),
        reference_videos=tuple(_media(v, "mp4") for v in inputs.get("referenceVideos", [])),
        reference_voices=tuple(_media(v, "wav") for v in inputs.get("referenceVoices", [])),
        input_video=_media(inputs["video"], "mp4") if "video" in inputs else None,
        input_audio=_media(inputs["audio"], "wav") if "audio" in inputs else None,
        input_image=_media(inputs["image"], "png") if "image" in inputs else None,
        settings=klingai,
    )
