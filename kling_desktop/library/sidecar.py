"""A JSON sidecar next to every generated file: its provenance, so the library can be rebuilt from files."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kling_desktop.library.records import INPUT_FIELDS, Clip, ClipInputs, ClipTimings, parse_request
from kling_desktop.library.schema import relative_to_root

SIDECAR_SUFFIX = ".json"
FORMAT = "kling-desktop/clip@1"
_LOCAL_ONLY = {"path", "favourite", "tags"}  # facts of this library, not of the clip's making
_TYPED = {"request", "inputs", "timings"}
_FACTS = [f.name for f in fields(Clip) if f.name not in _LOCAL_ONLY | _TYPED]


def sidecar_path(media: Path) -> Path:
    return media.with_name(media.name + SIDECAR_SUFFIX)


def write_sidecar(clip: Clip) -> Path:
    """Write the clip's provenance next to its file (atomically). Inputs kept in the library are written
    relative to the library root (the media folder's parent), so the folder can move."""
    media = Path(clip.path)
    root = media.parent.parent
    data: dict[str, Any] = {"format": FORMAT, "file": media.name}
    data.update({k: getattr(clip, k) for k in _FACTS})
    data["request"] = clip.request.model_dump(mode="json") if clip.request is not None else {}
    data["inputs"] = _inputs_relative(clip.inputs, root).model_dump(mode="json", exclude_defaults=True)
    data["timings"] = clip.timings.model_dump(mode="json")
    target = sidecar_path(media)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".sidecar-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return target


def _inputs_relative(inputs: ClipInputs, root: Path) -> ClipInputs:
    return _map_paths(inputs, lambda p: relative_to_root(p, root))


def _map_paths(inputs: ClipInputs, fn: Callable[[str], str]) -> ClipInputs:
    changes: dict[str, Any] = {}
    for name, kept in inputs.items():
        fixed = tuple(k.model_copy(update={"path": fn(k.path)}) for k in kept)
        changes[name] = fixed[0] if name in INPUT_FIELDS else fixed
    return inputs.model_copy(update=changes) if changes else inputs


def read_sidecar(path: Path) -> Clip | None:
    """The clip a sidecar describes, or None if it is not one of ours or its file is gone."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    media = path.with_name(str(data.get("file", "")))
    if not data.get("file") or "/" in str(data["file"]) or not media.exists():
        return None
    root = media.parent.parent
    try:
        inputs = ClipInputs.model_validate(data.get("inputs") or {})
        timings = ClipTimings.model_validate(data.get("timings") or {})
    except ValidationError:
        return None
    fields = {k: v for k, v in data.items() if k in _FACTS}
    request = data.get("request") or {}
    return Clip(
        **fields,
        path=str(media),
        request=parse_request(json.dumps(request)),
        inputs=_map_paths(inputs, lambda p: p if os.path.isabs(p) else str(root / p)),
        timings=timings,
    )
