"""How the official Kling API names each catalog model (protocols/kling.md §4.12), and what it cannot take."""

from __future__ import annotations

from dataclasses import dataclass

from kling_desktop.catalog.spec import ModelSpec


@dataclass(frozen=True)
class KlingModel:
    family: str  # "video" (text2video / image2video), "omni", "avatar", "lipsync", "image", "omni-image"
    model_name: str | None
    mode: str | None  # "std" / "pro"; None where the model has no mode choice


KLING_MODELS: dict[str, KlingModel] = {
    "klingai:1@1": KlingModel("video", "kling-v1", "std"),
    "klingai:1@2": KlingModel("video", "kling-v1", "pro"),
    "klingai:2@1": KlingModel("video", "kling-v1-5", "std"),
    "klingai:2@2": KlingModel("video", "kling-v1-5", "pro"),
    "klingai:3@1": KlingModel("video", "kling-v1-6", "std"),
    "klingai:3@2": KlingModel("video", "kling-v1-6", "pro"),
    "klingai:4@3": KlingModel("video", "kling-v2-master", None),
    "klingai:5@1": KlingModel("video", "kling-v2-1", "std"),
    "klingai:5@2": KlingModel("video", "kling-v2-1", "pro"),
    "klingai:5@3": KlingModel("video", "kling-v2-1-master", None),
    "klingai:6@0": KlingModel("video", "kling-v2-5-turbo", "std"),
    "klingai:6@1": KlingModel("video", "kling-v2-5-turbo", "pro"),
    "klingai:kling-video@2.6-pro": KlingModel("video", "kling-v2-6", "pro"),
    "klingai:kling-video@3-standard": KlingModel("video", "kling-v3", "std"),
    "klingai:kling-video@3-pro": KlingModel("video", "kling-v3", "pro"),
    "klingai:kling@o1-standard": KlingModel("omni", "kling-video-o1", "std"),
    "klingai:kling@o1": KlingModel("omni", "kling-video-o1", "pro"),
    "klingai:kling-video@o3-standard": KlingModel("omni", "kling-v3-omni", "std"),
    "klingai:kling-video@o3-pro": KlingModel("omni", "kling-v3-omni", "pro"),
    "klingai:avatar@2.0-standard": KlingModel("avatar", None, "std"),
    "klingai:avatar@2.0-pro": KlingModel("avatar", None, "pro"),
    "klingai:kling-image@o1": KlingModel("omni-image", "kling-image-o1", None),
    "klingai:kling-image@3": KlingModel("image", "kling-v3", None),
    "klingai:kling-image@o3": KlingModel("omni-image", "kling-v3-omni", None),
}

# Models the official API cannot run from this app, with the reason the picker shows.
UNSUPPORTED: dict[str, str] = {
    "klingai:7@1": "The official Kling API takes lip-sync videos only by public URL; run Lip-Sync on Runware.",
}
VIDEO_BY_URL_ONLY = ("The official Kling API takes input and reference videos only by public URL, and this app "
                     "keeps your files on this computer. Run this workflow on Runware.")
VOICES_NEED_IDS = ("The official Kling API needs reference voices registered as custom voices first. Run requests "
                   "with reference voices on Runware.")


def kling_model_for(air_id: str) -> KlingModel | None:
    return KLING_MODELS.get(air_id)


def unsupported_reason(spec: ModelSpec | str) -> str | None:
    air_id = spec if isinstance(spec, str) else spec.air_id
    if air_id in UNSUPPORTED:
        return UNSUPPORTED[air_id]
    return None if air_id in KLING_MODELS else "The official Kling API has no equivalent of this model."


def air_id_for(family: str, model_name: str | None, mode: str | None) -> str | None:
    """The reverse lookup the emulator uses."""
    for air, m in KLING_MODELS.items():
        if m.family == family and m.model_name == model_name and (m.mode == mode or m.mode is None):
            return air
    return None
