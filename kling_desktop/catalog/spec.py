"""Types that describe what one model accepts. Pure data: no Qt, no I/O.

Every figure here comes from the seed specification (``docs/model-specification.txt``);
``catalog/models.py`` holds the 25 instances.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal


class Kind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"


class Workflow(StrEnum):
    TEXT_TO_VIDEO = "text-to-video"
    IMAGE_TO_VIDEO = "image-to-video"
    REFERENCE_TO_VIDEO = "reference-to-video"
    VIDEO_EDIT = "video-edit"  # O1 names it "video-edit"
    VIDEO_TO_VIDEO = "video-to-video"  # O3 names the same thing "video-to-video"
    MOTION_CONTROL = "motion-control"
    LIP_SYNC = "lip-sync"  # "Video-to-video with audio synchronization"
    AVATAR = "avatar"  # "Image-to-video with audio"
    TEXT_TO_IMAGE = "text-to-image"
    IMAGE_TO_IMAGE = "image-to-image"

    @property
    def label(self) -> str:
        return _WORKFLOW_LABELS[self]

    @property
    def edits_video(self) -> bool:
        return self in (Workflow.VIDEO_EDIT, Workflow.VIDEO_TO_VIDEO)


_WORKFLOW_LABELS = {
    Workflow.TEXT_TO_VIDEO: "Text to video",
    Workflow.IMAGE_TO_VIDEO: "Image to video",
    Workflow.REFERENCE_TO_VIDEO: "Reference to video",
    Workflow.VIDEO_EDIT: "Video edit",
    Workflow.VIDEO_TO_VIDEO: "Video to video",
    Workflow.MOTION_CONTROL: "Motion control",
    Workflow.LIP_SYNC: "Lip-sync",
    Workflow.AVATAR: "Avatar (image + audio)",
    Workflow.TEXT_TO_IMAGE: "Text to image",
    Workflow.IMAGE_TO_IMAGE: "Image to image",
}

Frame = Literal["first", "last"]


class DimensionMode(StrEnum):
    """How a workflow decides its output size."""

    REQUIRED = "required"  # width/height must be one of the listed sizes
    OPTIONAL = "optional"  # may be given (from the list); the first listed size is the default
    INFERRED = "inferred"  # taken from the first frame / input image; must not be given
    MATCH_INPUT = "match-input"  # taken from the input video; must not be given
    OPTIONAL_OR_RESOLUTION = "optional-or-resolution"  # explicit size, or omit it and pick a resolution tier


@dataclass(frozen=True)
class TextLimit:
    min_chars: int
    max_chars: int


@dataclass(frozen=True)
class CfgRange:
    min: float
    max: float
    default: float


@dataclass(frozen=True)
class Dimension:
    width: int
    height: int
    aspect: str  # "16:9"
    tier: str = ""  # "1K", "2K", "4K" for image models, "" otherwise

    @property
    def label(self) -> str:
        tier = f"{self.tier} " if self.tier else ""
        return f"{tier}{self.width}×{self.height} ({self.aspect})"


@dataclass(frozen=True)
class Durations:
    """Either a fixed set of values or an integer range, in seconds."""

    default: float
    values: tuple[float, ...] = ()
    min: float | None = None
    max: float | None = None

    @property
    def is_range(self) -> bool:
        return not self.values

    def allows(self, seconds: float) -> bool:
        if self.values:
            return seconds in self.values
        assert self.min is not None and self.max is not None
        return self.min <= seconds <= self.max and float(seconds).is_integer()

    def describe(self) -> str:
        if self.values:
            return " or ".join(f"{v:g}" for v in self.values) + " seconds"
        return f"{self.min:g}–{self.max:g} seconds (whole seconds)"

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = (
            {"values": list(self.values)} if self.values else {"min": self.min, "max": self.max}
        )
        out["default"] = self.default
        return out


@dataclass(frozen=True)
class ImageRequirement:
    """Limits on an input image (frame image, portrait, reference)."""

    min_side: int | None = None  # both width and height at least this
    max_side: int | None = None  # both width and height at most this
    max_mb: float | None = None
    min_aspect: float | None = None  # width / height
    max_aspect: float | None = None
    formats: tuple[str, ...] = ("PNG", "JPEG", "WEBP")

    def describe(self) -> str:
        parts = []
        if self.min_side and self.max_side:
            parts.append(f"width and height {self.min_side}–{self.max_side} px")
        elif self.min_side:
            parts.append(f"at least {self.min_side}×{self.min_side} px")
        if self.max_mb:
            parts.append(f"at most {self.max_mb:g} MB")
        if self.min_aspect and self.max_aspect:
            parts.append("aspect ratio between 1:2.5 and 2.5:1")
        return ", ".join(parts) or "any size"


@dataclass(frozen=True)
class MediaRequirement:
    """Limits on an input video or audio file."""

    min_seconds: float | None = None
    max_seconds: float | None = None
    max_mb: float | None = None
    min_side: int | None = None  # video: width and height at least
    max_side: int | None = None  # video: width and height at most
    min_short_edge: int | None = None
    max_long_edge: int | None = None
    formats: tuple[str, ...] = ()
    fast_min_seconds: float | None = None  # O1 Pro "fast" mode allows a longer input
    fast_max_seconds: float | None = None
    note: str = ""

    def describe(self) -> str:
        parts = []
        if self.min_seconds is not None and self.max_seconds is not None:
            parts.append(f"{self.min_seconds:g}–{self.max_seconds:g} s long")
        if self.min_side and self.max_side:
            parts.append(f"width and height {self.min_side}–{self.max_side} px")
        if self.min_short_edge:
            parts.append(f"short edge at least {self.min_short_edge} px")
        if self.max_long_edge:
            parts.append(f"long edge at most {self.max_long_edge} px")
        if self.max_mb:
            parts.append(f"at most {self.max_mb:g} MB")
        if self.formats:
            parts.append("/".join(self.formats))
        return ", ".join(parts) or "any"


@dataclass(frozen=True)
class ReferenceLimit:
    min: int
    max: int
    max_with_reference_video: int | None = None  # O3: 7 images, or 4 with a reference video


@dataclass(frozen=True)
class ProviderSetting:
    """One ``providerSettings.klingai.<name>`` key."""

    name: str
    type: Literal["bool", "float", "choice", "shots"]
    label: str
    help: str = ""
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    default: object = None
    # Workflows the setting may be used in; empty means every workflow of the model.
    workflows: tuple[Workflow, ...] = ()
    # O3: sound/multiPrompt not with reference videos; keepOriginalSound only with them.
    requires_reference_video: bool = False
    forbids_reference_video: bool = False


@dataclass(frozen=True)
class Price:
    """Cost estimate in USD. ``estimate`` marks figures derived from the seeds rather than quoted."""

    per_second: float | None = None
    per_second_with_audio: float | None = None
    per_clip_5s: float | None = None
    per_image: float | None = None
    estimate: bool = True
    source: str = ""


@dataclass(frozen=True)
class ModelSpec:
    air_id: str
    name: str
    family: str  # "KlingAI 1.0", "Kling VIDEO 3.0", "Kling IMAGE", ...
    tier: str  # "Standard", "Pro", "Master", ...
    kind: Kind
    workflows: tuple[Workflow, ...]
    description: str = ""
    prompt: TextLimit | None = None  # None: the model takes no text prompt
    prompt_required: tuple[Workflow, ...] = ()  # workflows that need a prompt (unless shots carry them)
    negative_prompt: TextLimit | None = None
    cfg: CfgRange | None = None
    dimensions: tuple[Dimension, ...] = ()
    dimension_modes: dict[Workflow, DimensionMode] = field(default_factory=dict)
    resolutions: tuple[str, ...] = ()  # e.g. ("1k", "2k") for OPTIONAL_OR_RESOLUTION
    fps: dict[Workflow, int] = field(default_factory=dict)
    durations: dict[Workflow, Durations] = field(default_factory=dict)  # absent: follows the input media
    frame_images: dict[Workflow, tuple[Frame, ...]] = field(default_factory=dict)
    reference_images: dict[Workflow, ReferenceLimit] = field(default_factory=dict)
    reference_videos: dict[Workflow, ReferenceLimit] = field(default_factory=dict)
    reference_video_requirement: MediaRequirement | None = None
    reference_voices_max: int | None = None  # None: not supported
    reference_voice_requirement: MediaRequirement | None = None
    input_video: MediaRequirement | None = None  # inputs.video
    input_audio: MediaRequirement | None = None  # inputs.audio
    input_image: ImageRequirement | None = None  # inputs.image (avatar portrait)
    image_requirement: ImageRequirement | None = None  # frame / reference images
    input_max_mb: float | None = None  # a single limit for every input (O1: 32 MB)
    multi_prompt_max: int | None = None
    provider_settings: tuple[ProviderSetting, ...] = ()
    output_resolutions: tuple[str, ...] = ()  # lip-sync: "720p", "1080p"
    price: Price | None = None
    notes: tuple[str, ...] = ()  # contradictions in the seed, recorded

    # ---- derived facts the form and validation use -------------------------------------------
    @property
    def has_sound(self) -> bool:
        return self.setting("sound") is not None

    def setting(self, name: str) -> ProviderSetting | None:
        return next((s for s in self.provider_settings if s.name == name), None)

    def allows_frame(self, frame: Frame) -> bool:
        return any(frame in frames for frames in self.frame_images.values())

    def default_workflow(self) -> Workflow:
        return self.workflows[0]

    def durations_for(self, workflow: Workflow) -> Durations | None:
        return self.durations.get(workflow)

    def dimension_mode(self, workflow: Workflow) -> DimensionMode:
        return self.dimension_modes.get(workflow, DimensionMode.INFERRED)

    def find_dimension(self, width: int, height: int) -> Dimension | None:
        return next((d for d in self.dimensions if (d.width, d.height) == (width, height)), None)

    @property
    def max_reference_images(self) -> int:
        return max((r.max for r in self.reference_images.values()), default=0)

    @property
    def badges(self) -> tuple[str, ...]:
        w = set(self.workflows)
        out = []
        if Workflow.TEXT_TO_VIDEO in w:
            out.append("T2V")
        if Workflow.IMAGE_TO_VIDEO in w:
            out.append("I2V")
        if self.allows_frame("last"):
            out.append("last frame")
        if self.multi_prompt_max:
            out.append("multi-shot")
        if self.has_sound or Workflow.AVATAR in w or Workflow.LIP_SYNC in w:
            out.append("audio")
        if self.reference_images and self.kind is Kind.VIDEO or self.reference_videos:
            out.append("references")
        if w & {Workflow.VIDEO_EDIT, Workflow.VIDEO_TO_VIDEO}:
            out.append("edit")
        if Workflow.MOTION_CONTROL in w:
            out.append("motion control")
        if Workflow.LIP_SYNC in w:
            out.append("lip-sync")
        if Workflow.AVATAR in w:
            out.append("avatar")
        if self.kind is Kind.IMAGE:
            out.append("image")
        return tuple(out)
