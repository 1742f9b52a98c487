"""What the gallery keeps about a clip or image."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Clip:
    id: str
    path: str
    kind: str = "video"  # "video" | "image"
    source: str = "generated"  # "generated" | "imported"
    title: str = ""
    prompt: str = ""
    negative_prompt: str = ""
    model: str = ""  # AIR id
    model_name: str = ""
    provider: str = ""  # "local" | "runware" | "kling" | ""
    workflow: str = ""
    job_id: str = ""
    task_id: str = ""
    remote_id: str = ""
    cost: float | None = None
    created_at: str = ""
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    has_audio: bool = False
    size_bytes: int = 0
    favourite: bool = False
    tags: str = ""  # comma-separated
    parent_id: str = ""  # a master re-render points at its draft
    is_draft: bool = False
    request_json: str = "{}"
    inputs_json: str = "{}"  # request field → copied input path in the library
    timings_json: str = "{}"

    @property
    def request(self) -> dict[str, Any]:
        return dict(json.loads(self.request_json or "{}"))

    @property
    def inputs(self) -> dict[str, Any]:
        return dict(json.loads(self.inputs_json or "{}"))

    @property
    def timings(self) -> dict[str, Any]:
        return dict(json.loads(self.timings_json or "{}"))

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


@dataclass(frozen=True)
class ClipFilter:
    text: str = ""  # full-text search over prompts, titles, model names, tags
    model: str = ""
    provider: str = ""
    kind: str = ""
    favourites_only: bool = False
    since: str = ""  # ISO date/time, inclusive
    until: str = ""
    drafts: bool | None = None  # None: both


SORTS = {
    "newest": "created_at DESC",
    "oldest": "created_at ASC",
    "name": "title COLLATE NOCASE ASC",
    "duration": "duration DESC",
}


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
