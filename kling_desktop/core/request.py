"""GenerationRequest: what the artist asked for, validated against the model's ModelSpec."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# How a reference video is used (Runware ``inputs.referenceVideos[].referType``, Kling ``video_list[].refer_type``):
# "feature" — a reference for subject, motion and style; "base" — the video to be edited.
REFER_TYPES = ("feature", "base")
REFER_TYPE_FAMILIES = frozenset({"Kling VIDEO O3"})  # catalog families whose reference videos take one


class Shot(BaseModel):
    """One segment of a multi-shot (multi-prompt) request."""

    model_config = ConfigDict(frozen=True)
    prompt: str
    duration: float


class GenerationRequest(BaseModel):
    """Every input is a local file path (absolute) or empty. Providers upload what they need."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str  # AIR id, e.g. "klingai:5@2"
    workflow: str | None = None  # Workflow value; None = chosen from the inputs
    prompt: str = ""
    negative_prompt: str = ""
    first_frame: str | None = None
    last_frame: str | None = None
    shots: tuple[Shot, ...] = ()
    duration: float | None = None  # None = the model's default (or follows the input media)
    width: int | None = None
    height: int | None = None
    resolution: str | None = None  # image O1: "1k" / "2k"
    cfg_scale: float | None = None
    sound: bool | None = None
    reference_images: tuple[str, ...] = ()
    reference_videos: tuple[str, ...] = ()
    # One of REFER_TYPES per reference video, in the same order; () = not stated (the model's default).
    reference_video_types: tuple[str, ...] = ()
    reference_voices: tuple[str, ...] = ()
    input_video: str | None = None
    input_audio: str | None = None
    input_image: str | None = None  # avatar portrait
    # How a frame whose shape differs from the output is made to fit it ("crop", "fit" or "pad", see
    # core/framing.py); None: sent as it is (the service decides).
    framing: Literal["crop", "fit", "pad"] | None = None
    settings: dict[str, Any] = Field(default_factory=dict)  # other providerSettings.klingai keys
    # input path → the file name the artist chose, where the path is a prepared copy (provenance; never sent)
    input_names: dict[str, str] = Field(default_factory=dict)
    number_results: int = 1

    @model_validator(mode="after")
    def _refer_types_match_videos(self) -> GenerationRequest:
        if self.reference_video_types:
            if len(self.reference_video_types) != len(self.reference_videos):
                raise ValueError(
                    f"reference_video_types: {len(self.reference_video_types)} types for "
                    f"{len(self.reference_videos)} reference videos; give one per video."
                )
            if bad := [t for t in self.reference_video_types if t not in REFER_TYPES]:
                raise ValueError(
                    f"reference_video_types: {bad[0]!r} is not a reference type; use 'feature' or 'base'."
                )
        return self

    def refer_type(self, index: int) -> str:
        """The reference type of ``reference_videos[index]`` (0-based): stated, else "feature"."""
        return self.reference_video_types[index] if self.reference_video_types else REFER_TYPES[0]
