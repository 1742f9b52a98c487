"""GenerationRequest: what the artist asked for, validated against the model's ModelSpec."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


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
    reference_voices: tuple[str, ...] = ()
    input_video: str | None = None
    input_audio: str | None = None
    input_image: str | None = None  # avatar portrait
    settings: dict[str, Any] = Field(default_factory=dict)  # other providerSettings.klingai keys
    number_results: int = 1
