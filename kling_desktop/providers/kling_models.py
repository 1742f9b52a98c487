"""How the official Kling API names each catalog model (docs/protocols/kling.md §4.12), and what it cannot take.

Families and their create endpoints (queries are ``GET <endpoint>/{task_id or external_task_id}``):

    video       /v1/videos/text2video, /v1/videos/image2video (first frame + ``image_tail``),
                /v1/videos/motion-control (2.6 Pro with a reference video)
    omni        /v1/videos/omni-video (O1 = kling-video-o1, O3 = kling-v3-omni)
    avatar      /v1/videos/avatar/image2video (no model_name; mode std/pro)
    lipsync     /v1/videos/identify-face (synchronous) then /v1/videos/advanced-lip-sync
    image       /v1/images/generations
    omni-image  /v1/images/omni-image
"""

from __future__ import annotations

from dataclasses import dataclass

from kling_desktop.catalog.spec import ModelSpec

T2V_PATH = "/v1/videos/text2video"
I2V_PATH = "/v1/videos/image2video"
MOTION_PATH = "/v1/videos/motion-control"
OMNI_PATH = "/v1/videos/omni-video"
AVATAR_PATH = "/v1/videos/avatar/image2video"
IDENTIFY_FACE_PATH = "/v1/videos/identify-face"
LIPSYNC_PATH = "/v1/videos/advanced-lip-sync"
IMAGE_PATH = "/v1/images/generations"
OMNI_IMAGE_PATH = "/v1/images/omni-image"

ENDPOINTS: dict[str, tuple[str, ...]] = {
    "video": (T2V_PATH, I2V_PATH, MOTION_PATH),
    "omni": (OMNI_PATH,),
    "avatar": (AVATAR_PATH,),
    "lipsync": (LIPSYNC_PATH,),
    "image": (IMAGE_PATH,),
    "omni-image": (OMNI_IMAGE_PATH,),
}


@dataclass(frozen=True)
class KlingModel:
    family: str  # a key of ENDPOINTS
    model_name: str | None  # None: the endpoint has no model_name field (avatar, lip-sync)
    mode: str | None  # "std" / "pro"; None where the model has no mode choice

    @property
    def endpoints(self) -> tuple[str, ...]:
        return ENDPOINTS[self.family]


KLING_MODELS: dict[str, KlingModel] = {
    "klingai:kling-image@o1": KlingModel("omni-image", "kling-image-o1", None),
    "klingai:kling-image@3": KlingModel("image", "kling-v3", None),
    "klingai:kling-image@o3": KlingModel("omni-image", "kling-v3-omni", None),
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
    "klingai:7@1": KlingModel("lipsync", None, None),
    "klingai:kling@o1-standard": KlingModel("omni", "kling-video-o1", "std"),
    "klingai:kling@o1": KlingModel("omni", "kling-video-o1", "pro"),
    "klingai:kling-video@o3-standard": KlingModel("omni", "kling-v3-omni", "std"),
    "klingai:kling-video@o3-pro": KlingModel("omni", "kling-v3-omni", "pro"),
    "klingai:avatar@2.0-standard": KlingModel("avatar", None, "std"),
    "klingai:avatar@2.0-pro": KlingModel("avatar", None, "pro"),
}

# Whole models the official API lacks, with the sentence the picker shows. Every model of the seed has an
# official counterpart today; what remains unsupported is per request (below), not per model.
UNSUPPORTED: dict[str, str] = {}
NO_EQUIVALENT = "The official Kling API has no equivalent of this model; run it on Runware."

# Per-request limits of the official API (the payload builder raises ProviderError with these).
VIDEO_BY_URL_ONLY = (
    "The official Kling API takes input and reference videos only by public URL, and no "
    "video host is set up for this app. Run this request on Runware."
)
VOICES_NEED_IDS = (
    "The official Kling API needs reference voices registered as custom voices first. Run "
    "requests with reference voices on Runware."
)
NO_FAST_MODE = "The official Kling API has no fast mode for O1 video edit. Turn fast mode off or use Runware."
MOTION_NEEDS_IMAGE = (
    "The official Kling API needs a character image for motion control: add a first frame, "
    "or run this request on Runware."
)

# Combinations Kling documents as unsupported (docs/protocols/kling.md §4.1, §4.12), by model_name. The
# official API is asked for none of them: the request is refused before anything is sent.
FRAMES_WITHOUT_SOUND = frozenset({"kling-v2-6"})  # "start/end frame pro without audio"
NO_END_FRAME_WITH_SHOTS = frozenset({"kling-v3", "kling-v3-omni"})  # multi-shot: no start/end frames
FIRST_LAST_WITH_SOUND = (
    "The official Kling API cannot make Kling 2.6 first-and-last-frame videos with sound (Kling documents "
    "start/end frames without audio only). Turn sound off, drop the last frame, or run this request on "
    "Runware."
)
BASE_VIDEO_WITH_FRAMES = (
    "The official Kling API edits a 'base' video as it is: it takes no first or last frame with it (Kling "
    "documents no start/end frames when a video is edited). Drop the frames, use the video as a 'feature' "
    "reference, or run this request on Runware."
)
SHOTS_WITH_END_FRAME = (
    "The official Kling API cannot combine multi-shot with an end frame on Kling 3.0 and O3 (Kling "
    "documents no start/end frames for multi-shot). Drop the last frame or the shots, or run this request "
    "on Runware."
)


def kling_model_for(air_id: str) -> KlingModel | None:
    return KLING_MODELS.get(air_id)


def unsupported_reason(air_id: ModelSpec | str) -> str | None:
    """None when the official API has this model, else the reason the picker shows."""
    air = air_id if isinstance(air_id, str) else air_id.air_id
    if air in UNSUPPORTED:
        return UNSUPPORTED[air]
    return None if air in KLING_MODELS else NO_EQUIVALENT


def needs_video_url(air_id: str) -> bool:
    """Models whose only workflow takes a video (so they need a video host on the official API)."""
    km = KLING_MODELS.get(air_id)
    return km is not None and km.family == "lipsync"


def air_id_for(family: str, model_name: str | None, mode: str | None) -> str | None:
    """The reverse lookup the emulator uses (the endpoint's family, model_name and mode of a request)."""
    wanted = mode or ("pro" if family == "omni" else "std")  # the documented defaults
    for air, m in KLING_MODELS.items():
        if m.family != family or (m.model_name is not None and m.model_name != model_name):
            continue
        if m.mode is None or m.mode == wanted:
            return air
    return None
