"""What the library reads from a finished file, and the title it gives a clip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kling_desktop.core.probe import MediaError, probe_media
from kling_desktop.core.request import GenerationRequest


def clip_title(request: GenerationRequest) -> str:
    text = request.prompt or (request.shots[0].prompt if request.shots else "")
    return (text[:60] + "…") if len(text) > 60 else text or "Untitled"


def media_facts(path: Path) -> dict[str, Any]:
    if path.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp"):
        from PIL import Image

        with Image.open(path) as im:
            return {
                "kind": "image",
                "width": im.width,
                "height": im.height,
                "size_bytes": path.stat().st_size,
            }
    try:
        info = probe_media(path)
    except MediaError:
        return {"kind": "video", "size_bytes": path.stat().st_size}
    return {
        "kind": "video",
        "duration": info.duration,
        "width": info.width,
        "height": info.height,
        "fps": info.fps,
        "has_audio": info.has_audio,
        "size_bytes": info.size_bytes,
    }
