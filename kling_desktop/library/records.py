"""What the gallery keeps about a clip or image: typed records, parsed once where they enter or leave."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from kling_desktop.core.request import GenerationRequest

INPUT_FIELDS = ("first_frame", "last_frame", "input_video", "input_audio", "input_image")
INPUT_LISTS = ("reference_images", "reference_videos", "reference_voices")


class KeptInput(BaseModel):
    """One input the clip was made from, as kept in the library's ``inputs/`` folder."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    path: str  # relative to the library root when it lives there, else absolute
    name: str = ""  # the file name the artist chose (not the hashed copy's)
    sha256: str = ""

    @property
    def display_name(self) -> str:
        return self.name or PurePath(self.path).name


def _kept(value: Any) -> Any:
    """Release 0.1.0 stored bare paths; read them as inputs whose original name is unknown."""
    if isinstance(value, str):
        return {"path": value}
    if isinstance(value, list | tuple):
        return [{"path": v} if isinstance(v, str) else v for v in value]
    return value


class ClipInputs(BaseModel):
    """The request's input fields → the copies the library keeps (provenance outlives the originals)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    first_frame: KeptInput | None = None
    last_frame: KeptInput | None = None
    input_video: KeptInput | None = None
    input_audio: KeptInput | None = None
    input_image: KeptInput | None = None
    reference_images: tuple[KeptInput, ...] = ()
    reference_videos: tuple[KeptInput, ...] = ()
    reference_voices: tuple[KeptInput, ...] = ()

    _to_kept = field_validator(*INPUT_FIELDS, *INPUT_LISTS, mode="before")(_kept)

    def items(self) -> Iterator[tuple[str, tuple[KeptInput, ...]]]:
        """Each field that has inputs, with its inputs (one for a single field)."""
        for name in (*INPUT_FIELDS, *INPUT_LISTS):
            value = getattr(self, name)
            kept = (value,) if isinstance(value, KeptInput) else tuple(value or ())
            if kept:
                yield name, kept

    def all(self) -> list[KeptInput]:
        return [k for _, kept in self.items() for k in kept]

    def to_json(self) -> str:
        return self.model_dump_json(exclude_defaults=True)


class ClipTimings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    created: str | None = None
    submitted: str | None = None  # the provider acknowledged the task
    finished: str | None = None

    def to_json(self) -> str:
        return self.model_dump_json()


def parse_request(text: str | None) -> GenerationRequest | None:
    """The stored request, or None for a clip made elsewhere. Keys an older or newer release wrote that this
    release does not know are dropped rather than losing the whole request."""
    data = json.loads(text or "{}")
    if not isinstance(data, dict) or not data.get("model"):
        return None
    try:
        return GenerationRequest.model_validate(data)
    except ValidationError:
        known = {k: v for k, v in data.items() if k in GenerationRequest.model_fields}
        try:
            return GenerationRequest.model_validate(known)
        except ValidationError:
            return None


def request_json(request: GenerationRequest | None) -> str:
    return request.model_dump_json() if request is not None else "{}"


@dataclass(frozen=True, slots=True)
class Clip:
    id: str
    path: str  # absolute (the store resolves paths kept relative to the library root)
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
    request: GenerationRequest | None = None  # None: imported (made elsewhere)
    inputs: ClipInputs = field(default_factory=ClipInputs)
    timings: ClipTimings = field(default_factory=ClipTimings)

    def remix_request(self) -> GenerationRequest | None:
        """The request with every input pointing at the library's kept copy (the originals and the prepared
        copies may be gone; the kept copies are what was sent), the artist's file names carried along."""
        if self.request is None:
            return None
        update: dict[str, Any] = {}
        names = dict(self.request.input_names)
        for name, kept in self.inputs.items():
            paths = tuple(k.path for k in kept)
            for k in kept:
                names[k.path] = k.display_name
            update[name] = paths[0] if name in INPUT_FIELDS else paths
        update["input_names"] = names
        return self.request.model_copy(update=update)

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


class FinishedJob(Protocol):
    """What the library needs from a finished job (the job journal's ``Job`` has all of it)."""

    @property
    def id(self) -> str: ...
    @property
    def task_id(self) -> str: ...
    @property
    def provider(self) -> str: ...
    @property
    def request(self) -> GenerationRequest: ...
    @property
    def remote_id(self) -> str | None: ...
    @property
    def cost(self) -> float | None: ...
    @property
    def files(self) -> tuple[str, ...]: ...
    @property
    def created_at(self) -> str: ...
    @property
    def submitted_at(self) -> str | None: ...
    @property
    def finished_at(self) -> str | None: ...
    @property
    def parent_id(self) -> str | None: ...


@dataclass(frozen=True)
class JobResult:
    """A finished job's files and provenance, for callers that have no journal ``Job`` (tools, benchmarks)."""

    id: str
    request: GenerationRequest
    files: tuple[str, ...]
    provider: str = "local"
    task_id: str = ""
    remote_id: str | None = None
    cost: float | None = None
    created_at: str = ""
    submitted_at: str | None = None
    finished_at: str | None = None
    parent_id: str | None = None


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


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class SortKey:
    """One gallery order: an indexed column, then ``id`` to break ties, both in one direction.

    The columns are plain or generated columns (schema step 3), so a ``(key, id) < (?, ?)`` comparison seeks
    the ``(key, id)`` index: the last page costs what the first does, however many rows share a key.
    """

    column: str
    direction: Literal["ASC", "DESC"]

    def value(self, clip: Clip) -> Any:
        """The key as SQLite computes it for ``clip`` (the cursor after it)."""
        if self.column == "sort_title":
            return (clip.title or "").translate(_ASCII_LOWER)  # SQLite's lower(): ASCII letters only
        if self.column == "sort_duration":
            return clip.duration if clip.duration is not None else -1.0
        return clip.created_at or ""


SORTS: dict[str, SortKey] = {
    "newest": SortKey("created_at", "DESC"),
    "oldest": SortKey("created_at", "ASC"),
    "name": SortKey("sort_title", "ASC"),  # case-blind for ASCII, as NOCASE
    "duration": SortKey("sort_duration", "DESC"),  # images (no duration) last
}

Cursor = tuple[Any, str]  # (sort key value, id) of the last row of the previous page


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
