"""A JSON sidecar next to every generated file: its provenance, so the library can be rebuilt from files."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kling_desktop.library.records import Clip

SIDECAR_SUFFIX = ".json"
FORMAT = "kling-desktop/clip@1"
_LOCAL_ONLY = {"path", "favourite", "tags"}  # facts of this library, not of the clip's making


def sidecar_path(media: Path) -> Path:
    return media.with_name(media.name + SIDECAR_SUFFIX)


def write_sidecar(clip: Clip) -> Path:
    media = Path(clip.path)
    data: dict[str, Any] = {"format": FORMAT, "file": media.name}
    data.update({k: v for k, v in asdict(clip).items() if k not in _LOCAL_ONLY})
    data["request"] = clip.request
    data["inputs"] = clip.inputs
    data["timings"] = clip.timings
    for k in ("request_json", "inputs_json", "timings_json"):
        data.pop(k)
    target = sidecar_path(media)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".sidecar-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return target


def read_sidecar(path: Path) -> Clip | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    media = path.with_name(str(data.get("file", "")))
    if not data.get("file") or "/" in str(data["file"]) or not media.exists():
        return None
    fields = {k: v for k, v in data.items() if k in Clip.__dataclass_fields__}
    fields.update(
        path=str(media),
        request_json=json.dumps(data.get("request", {})),
        inputs_json=json.dumps(data.get("inputs", {})),
        timings_json=json.dumps(data.get("timings", {})),
    )
    return Clip(**fields)
