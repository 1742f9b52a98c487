"""What a draft shows: a size, a frame rate and segments. Built from a request by ``render/from_request.py``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

SegmentKind = Literal["title", "pan", "morph", "video", "portrait"]
DRAFT_COMMENT = "Kling Desktop draft animatic (rendered on this computer, not AI output)"


@dataclass(frozen=True)
class Segment:
    duration: float  # seconds
    caption: str
    kind: SegmentKind = "title"
    first_image: Path | None = None  # pan / morph / portrait
    last_image: Path | None = None  # morph
    source_video: Path | None = None  # video (edit, lip-sync, motion reference)
    heading: str = ""  # e.g. "Shot 2 of 3"


@dataclass(frozen=True)
class DraftPlan:
    width: int
    height: int
    fps: int
    segments: tuple[Segment, ...]
    model_name: str
    sound: bool = False
    audio_source: Path | None = None  # avatar / lip-sync: this audio is muxed instead of a synthesized bed
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def duration(self) -> float:
        return sum(s.duration for s in self.segments)

    @property
    def frame_count(self) -> int:
        return sum(round(s.duration * self.fps) for s in self.segments)


@dataclass(frozen=True)
class RenderResult:
    path: Path
    width: int
    height: int
    fps: int
    frames: int
    duration: float
    has_audio: bool
    metadata: dict[str, str]
