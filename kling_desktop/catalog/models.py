"""The 25 Kling models of the seed specification (``docs/model-specification.txt``), field for field.

Where the seed's example requests contradict its bullet lists, the bullets win and the contradiction is
recorded in the model's ``notes``. How the official Kling API names each model is wire knowledge, kept with its
client in ``providers/kling_models.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from kling_desktop.catalog import pricing
from kling_desktop.catalog.spec import (
    CfgRange,
    Dimension,
    DimensionMode,
    Durations,
    ImageRequirement,
    Kind,
    MediaRequirement,
    ModelSpec,
    ProviderSetting,
    ReferenceLimit,
    TextLimit,
    Workflow,
)

W = Workflow
T2V, I2V, R2V = W.TEXT_TO_VIDEO, W.IMAGE_TO_VIDEO, W.REFERENCE_TO_VIDEO
EDIT, V2V, MOTION = W.VIDEO_EDIT, W.VIDEO_TO_VIDEO, W.MOTION_CONTROL
T2I, I2I = W.TEXT_TO_IMAGE, W.IMAGE_TO_IMAGE

PROMPT_2_2500 = TextLimit(2, 2500)
CFG = CfgRange(0.0, 1.0, 0.5)
FIVE_OR_TEN = Durations(default=5, values=(5, 10))
THREE_TO_FIFTEEN = Durations(default=5, min=3, max=15)
THREE_TO_TEN = Durations(default=5, min=3, max=10)


def _dims(tier: str, *sizes: tuple[int, int, str]) -> tuple[Dimension, ...]:
    return tuple(Dimension(w, h, a, tier) for w, h, a in sizes)


D720 = _dims("", (1280, 720, "16:9"), (720, 720, "1:1"), (720, 1280, "9:16"))
D1080 = _dims("", (1920, 1080, "16:9"), (1080, 1080, "1:1"), (1080, 1920, "9:16"))
D_NEW_STD = _dims("", (1280, 720, "16:9"), (960, 960, "1:1"), (720, 1280, "9:16"))
D_NEW_PRO = _dims("", (1920, 1080, "16:9"), (1440, 1440, "1:1"), (1080, 1920, "9:16"))
_ASPECTS = ("1:1", "3:2", "2:3", "4:3", "3:4", "9:16", "16:9", "21:9")
IMG_1K = _dims(
    "1K",
    *zip(
        (1024, 1248, 832, 1168, 880, 768, 1360, 1552),
        (1024, 832, 1248, 880, 1168, 1360, 768, 656),
        _ASPECTS,
        strict=True,
    ),
)
IMG_2K = _dims(
    "2K",
    *zip(
        (2048, 2496, 1664, 2336, 1760, 1536, 2720, 3104),
        (2048, 1664, 2496, 1760, 2336, 2720, 1536, 1312),
        _ASPECTS,
        strict=True,
    ),
)
IMG_4K = _dims(
    "4K",
    *zip(
        (4096, 4992, 3328, 4736, 3520, 3072, 5440, 6272),
        (4096, 3328, 4992, 3520, 4736, 5440, 3072, 2688),
        _ASPECTS,
        strict=True,
    ),
)

LEGACY_IMAGE = ImageRequirement(min_side=300, max_side=2048, max_mb=20)
NEW_IMAGE = ImageRequirement(min_side=300, max_mb=10, min_aspect=1 / 2.5, max_aspect=2.5)

# ---- provider settings (providerSettings.klingai.*) ------------------------------------------------
SOUND = ProviderSetting(
    "sound", "bool", "Native audio", "Generate dialogue, effects and ambience with the video.", default=False
)
SHOT_TYPE = ProviderSetting(
    "shotType",
    "choice",
    "Shot type",
    "customize: your shots as written; intelligence: the model plans the cuts.",
    choices=("customize", "intelligence"),
    default="customize",
    workflows=(T2V, I2V),
)
MULTI_PROMPT_3 = ProviderSetting(
    "multiPrompt", "shots", "Shots", "Up to 6 sequential prompt segments.", workflows=(T2V, I2V)
)
KEEP_SOUND = ProviderSetting(
    "keepOriginalSound",
    "bool",
    "Keep original sound",
    "Keep the audio of the input or reference video.",
    default=False,
)
FAST = ProviderSetting(
    "fast",
    "bool",
    "Fast mode",
    "Video edit in fast mode accepts 6–20 s input videos.",
    default=False,
    workflows=(EDIT,),
)
ORIENTATION = ProviderSetting(
    "characterOrientation",
    "choice",
    "Character orientation",
    "image: the character faces as in the image (reference video up to 10 s); "
    "video: as in the reference video (up to 30 s).",
    choices=("image", "video"),
    default="image",
    workflows=(MOTION,),
)
# The seed names these without a range; 0–2 is the range of Runware's ComfyUI nodes (docs/protocols/runware.md §2.5).
SOUND_VOLUME = ProviderSetting(
    "soundVolume", "float", "New audio volume", "Mix level of the new audio.", min=0.0, max=2.0, default=1.0
)
ORIGINAL_VOLUME = ProviderSetting(
    "originalAudioVolume",
    "float",
    "Original audio volume",
    "Mix level of the video's own audio.",
    min=0.0,
    max=2.0,
    default=1.0,
)


def _legacy(
    air: str,
    name: str,
    family: str,
    tier: str,
    workflows: tuple[Workflow, ...],
    dims: tuple[Dimension, ...],
    fps: int | dict[Workflow, int],
    *,
    motion_prompt_only: bool = False,
    last: bool = False,
    description: str = "",
    notes: tuple[str, ...] = (),
    inferred: bool = False,
) -> ModelSpec:
    """KlingAI 1.0–2.5: CFG 0–1, 5 or 10 s, first (and on some, last) frame, legacy image limits."""
    fps_map = fps if isinstance(fps, dict) else {w: fps for w in workflows}
    mode = DimensionMode.INFERRED if inferred else DimensionMode.OPTIONAL
    return ModelSpec(
        air_id=air,
        name=name,
        family=family,
        tier=tier,
        kind=Kind.VIDEO,
        workflows=workflows,
        description=description,
        prompt=PROMPT_2_2500,  # image-to-video-only models: an optional motion prompt (_MOTION_PROMPT_NOTE)
        prompt_required=(T2V,) if T2V in workflows else (),
        negative_prompt=None if motion_prompt_only else PROMPT_2_2500,
        cfg=CFG,
        dimensions=dims,
        dimension_modes={w: mode for w in workflows},
        fps=fps_map,
        durations={w: FIVE_OR_TEN for w in workflows},
        frame_images={I2V: ("first", "last") if last else ("first",)},
        image_requirement=LEGACY_IMAGE,
        notes=notes,
        price=pricing.price_for(air),
    )


_LEGACY_FRAME_NOTE = (
    "The seed's examples for this model send the legacy top-level frameImages[{inputImage}] form; "
    "the client sends inputs.frameImages[{image}] as docs/protocols/runware.md recommends."
)
_MOTION_PROMPT_NOTE = (
    "The seed lists no prompt limits for this image-to-video-only model. Its usage notes ask for a short "
    "motion prompt on image-to-video (describe only what moves), and both Runware (positivePrompt) and the "
    "official Kling API (prompt on image2video) take a prompt for every model: an optional prompt of "
    "2–2500 characters, the limit of the other legacy models, is accepted and sent. No negative prompt."
)

LEGACY_MODELS = (
    _legacy(
        "klingai:1@1",
        "KlingAI 1.0 Standard",
        "KlingAI 1.0",
        "Standard",
        (T2V, I2V),
        D720,
        30,
        description="Cost-effective generation with cinematic motion for simple scenes.",
        notes=(_LEGACY_FRAME_NOTE,),
    ),
    _legacy(
        "klingai:1@2",
        "KlingAI 1.0 Pro",
        "KlingAI 1.0",
        "Pro",
        (T2V, I2V),
        D720,
        30,
        description="Higher fidelity and prompt adherence than 1.0 Standard.",
        notes=(_LEGACY_FRAME_NOTE,),
    ),
    _legacy(
        "klingai:2@1",
        "KlingAI 1.5 Standard",
        "KlingAI 1.5",
        "Standard",
        (I2V,),
        D720,
        30,
        motion_prompt_only=True,
        description="Crisper output and fewer artifacts than 1.0. Image-to-video only.",
        notes=(_MOTION_PROMPT_NOTE, _LEGACY_FRAME_NOTE),
    ),
    _legacy(
        "klingai:2@2",
        "KlingAI 1.5 Pro",
        "KlingAI 1.5",
        "Pro",
        (I2V,),
        D1080,
        30,
        motion_prompt_only=True,
        description="Up to 1080p with enhanced motion controls. Image-to-video only.",
        notes=(_MOTION_PROMPT_NOTE, _LEGACY_FRAME_NOTE),
    ),
    _legacy(
        "klingai:3@1",
        "KlingAI 1.6 Standard",
        "KlingAI 1.6",
        "Standard",
        (T2V, I2V),
        D720,
        {T2V: 30, I2V: 24},
        description="Smoother motion and better prompt handling than 1.5.",
        notes=(_LEGACY_FRAME_NOTE,),
    ),
    _legacy(
        "klingai:3@2",
        "KlingAI 1.6 Pro",
        "KlingAI 1.6",
        "Pro",
        (T2V, I2V),
        D1080,
        24,
        description="Full HD 1080p with refined motion smoothness.",
        notes=(
            "docs/protocols/runware.md lists 1.6 Pro as image-to-video only; the seed lists text-to-video "
            "and image-to-video, and the seed wins.",
            _LEGACY_FRAME_NOTE,
        ),
    ),
    _legacy(
        "klingai:4@3",
        "KlingAI 2.0 Master",
        "KlingAI 2.0",
        "Master",
        (T2V, I2V),
        D720,
        24,
        description="Cinematic realism with high-end motion fidelity.",
        notes=(_LEGACY_FRAME_NOTE,),
    ),
    _legacy(
        "klingai:5@1",
        "KlingAI 2.1 Standard",
        "KlingAI 2.1",
        "Standard",
        (I2V,),
        D720,
        24,
        motion_prompt_only=True,
        description="Smoother animation at low cost. Image-to-video only.",
        notes=(_MOTION_PROMPT_NOTE, _LEGACY_FRAME_NOTE),
    ),
    _legacy(
        "klingai:5@2",
        "KlingAI 2.1 Pro",
        "KlingAI 2.1",
        "Pro",
        (I2V,),
        D1080,
        24,
        motion_prompt_only=True,
        last=True,
        description="Full HD image-to-video with first and last frames.",
        notes=(_MOTION_PROMPT_NOTE, _LEGACY_FRAME_NOTE),
    ),
    _legacy(
        "klingai:5@3",
        "KlingAI 2.1 Master",
        "KlingAI 2.1",
        "Master",
        (T2V, I2V),
        D1080,
        24,
        description="Peak of the 2.x stack: Full HD, ultra-fluid motion, precise prompts.",
        notes=(
            "The seed's text-to-video example omits width/height: sizes are optional, default 1920×1080.",
            _LEGACY_FRAME_NOTE,
        ),
    ),
    _legacy(
        "klingai:6@0",
        "KlingAI 2.5 Turbo Standard",
        "KlingAI 2.5 Turbo",
        "Standard",
        (I2V,),
        (),
        30,
        inferred=True,
        description="Efficient cinematic image-to-video; the size comes from the first frame.",
        notes=(_LEGACY_FRAME_NOTE,),
    ),
    _legacy(
        "klingai:6@1",
        "KlingAI 2.5 Turbo Pro",
        "KlingAI 2.5 Turbo",
        "Pro",
        (T2V, I2V),
        D720 + D1080,
        30,
        last=True,
        description="Turbocharged motion and cinematic visuals, first and last frames.",
        notes=(_LEGACY_FRAME_NOTE,),
    ),
)

# ---- Kling VIDEO 2.6 / 3.0 ----------------------------------------------------------------------------
MOTION_VIDEO = MediaRequirement(
    min_seconds=3,
    max_seconds=30,
    max_mb=100,
    min_short_edge=340,
    max_long_edge=3850,
    note="Character orientation 'image' takes a reference video up to 10 s (docs/protocols/runware.md §2.5).",
)
VOICE = MediaRequirement(
    min_seconds=5, max_seconds=30, formats=("MP3", "WAV", "MP4", "MOV"), note="Clean, single-speaker audio."
)

KLING_26_PRO = ModelSpec(
    air_id="klingai:kling-video@2.6-pro",
    name="Kling VIDEO 2.6 Pro",
    family="Kling VIDEO 2.6",
    tier="Pro",
    kind=Kind.VIDEO,
    workflows=(T2V, I2V, MOTION),
    description="Cinematic video with native synchronized audio, voice cloning and motion control.",
    prompt=PROMPT_2_2500,
    prompt_required=(T2V,),
    negative_prompt=PROMPT_2_2500,
    cfg=CFG,
    dimensions=D_NEW_PRO,
    dimension_modes={
        T2V: DimensionMode.REQUIRED,
        I2V: DimensionMode.INFERRED,
        MOTION: DimensionMode.INFERRED,
    },
    durations={T2V: FIVE_OR_TEN, I2V: FIVE_OR_TEN, MOTION: FIVE_OR_TEN},
    frame_images={I2V: ("first", "last"), MOTION: ("first",)},
    reference_videos={MOTION: ReferenceLimit(1, 1)},
    reference_video_requirement=MOTION_VIDEO,
    # "Supports multiple audio files": the seed gives no maximum; the official API takes up to 2 voices.
    reference_voices_max=2,
    reference_voice_requirement=VOICE,
    image_requirement=LEGACY_IMAGE,
    provider_settings=(
        SOUND,
        ProviderSetting(
            KEEP_SOUND.name,
            "bool",
            KEEP_SOUND.label,
            "Keep the reference video's audio.",
            default=False,
            workflows=(MOTION,),
        ),
        ORIENTATION,
    ),
    price=pricing.price_for("klingai:kling-video@2.6-pro"),
    notes=(
        "The seed's motion-control example sends a reference video and no image; the first frame is "
        "optional for motion control here.",
        "The seed says 'multiple' reference voices without a maximum; 2 is the official API's limit.",
    ),
)


def _kling3(
    air: str, name: str, tier: str, dims: tuple[Dimension, ...], notes: tuple[str, ...] = ()
) -> ModelSpec:
    return ModelSpec(
        air_id=air,
        name=name,
        family="Kling VIDEO 3.0",
        tier=tier,
        kind=Kind.VIDEO,
        workflows=(T2V, I2V),
        description="Synchronized video and audio from text and images, with multi-shot control.",
        prompt=PROMPT_2_2500,
        prompt_required=(T2V,),
        negative_prompt=PROMPT_2_2500,
        dimensions=dims,
        dimension_modes={T2V: DimensionMode.REQUIRED, I2V: DimensionMode.INFERRED},
        durations={T2V: THREE_TO_FIFTEEN, I2V: THREE_TO_FIFTEEN},
        frame_images={I2V: ("first", "last")},
        image_requirement=NEW_IMAGE,
        multi_prompt_max=6,
        provider_settings=(SOUND, MULTI_PROMPT_3, SHOT_TYPE),
        price=pricing.price_for(air),
        notes=notes,
    )


KLING_3_STANDARD = _kling3(
    "klingai:kling-video@3-standard",
    "Kling VIDEO 3.0 Standard",
    "Standard",
    D_NEW_STD,
    notes=(
        "The seed's text-to-video example asks 1920×1080 and its multi-prompt example 1080×1920, which "
        "are not among 3.0 Standard's listed sizes (1280×720, 960×960, 720×1280); the list wins.",
    ),
)
KLING_3_PRO = _kling3("klingai:kling-video@3-pro", "Kling VIDEO 3.0 Pro", "Pro", D_NEW_PRO)

# ---- Lip-sync and avatars -------------------------------------------------------------------------------
LIP_SYNC = ModelSpec(
    air_id="klingai:7@1",
    name="KlingAI Lip-Sync",
    family="KlingAI Lip-Sync",
    tier="",
    kind=Kind.VIDEO,
    workflows=(W.LIP_SYNC,),
    description="Matches lip movements to new dialogue: dubbing, voice-over replacement, multilingual content.",
    dimension_modes={W.LIP_SYNC: DimensionMode.MATCH_INPUT},
    input_video=MediaRequirement(min_seconds=2, max_seconds=60, min_side=512, max_side=2160, max_mb=20),
    input_audio=MediaRequirement(min_seconds=2, max_seconds=60),
    output_resolutions=("720p", "1080p"),
    provider_settings=(SOUND_VOLUME, ORIGINAL_VOLUME),
    price=pricing.price_for("klingai:7@1"),
    notes=(
        "The seed names soundVolume and originalAudioVolume without a range; 0–2 follows Runware's own "
        "nodes (docs/protocols/runware.md §2.5).",
    ),
)


def _avatar(air: str, name: str, tier: str) -> ModelSpec:
    return ModelSpec(
        air_id=air,
        name=name,
        family="KlingAI Avatar 2.0",
        tier=tier,
        kind=Kind.VIDEO,
        workflows=(W.AVATAR,),
        description="A talking avatar from one portrait and an audio file, up to five minutes.",
        prompt=TextLimit(1, 2500),
        dimension_modes={W.AVATAR: DimensionMode.INFERRED},
        input_image=NEW_IMAGE,
        input_audio=MediaRequirement(min_seconds=2, max_seconds=300, max_mb=5),
        price=pricing.price_for(air),
    )


AVATAR_STANDARD = _avatar("klingai:avatar@2.0-standard", "KlingAI Avatar 2.0 Standard", "Standard")
AVATAR_PRO = _avatar("klingai:avatar@2.0-pro", "KlingAI Avatar 2.0 Pro", "Pro")

# ---- Omni: O1 and O3 -------------------------------------------------------------------------------------
O1_VIDEO = MediaRequirement(min_seconds=3, max_seconds=10, max_mb=32, fast_min_seconds=6, fast_max_seconds=20)
_O1_NOTES = (
    "The seed's O1 image-to-video example sends width/height, but its bullets allow sizes for text-to-video "
    "only; the size of an image-to-video clip follows the first frame.",
    "O1 picks its workflow from its inputs: reference images or videos → reference-to-video, frame images → "
    "image-to-video, an input video → video edit, none → text-to-video.",
)


def _o1(air: str, name: str, tier: str, dims: tuple[Dimension, ...], pro: bool) -> ModelSpec:
    settings = (KEEP_SOUND, FAST) if pro else (KEEP_SOUND,)
    return ModelSpec(
        air_id=air,
        name=name,
        family="Kling VIDEO O1",
        tier=tier,
        kind=Kind.VIDEO,
        workflows=(T2V, I2V, R2V, EDIT),
        description="Unified multimodal model for controllable generation and instruction-based editing.",
        prompt=PROMPT_2_2500,
        prompt_required=(T2V, I2V, R2V, EDIT),
        dimensions=dims,
        dimension_modes={
            T2V: DimensionMode.REQUIRED,
            I2V: DimensionMode.INFERRED,
            R2V: DimensionMode.INFERRED,
            EDIT: DimensionMode.MATCH_INPUT,
        },
        durations={T2V: FIVE_OR_TEN, I2V: FIVE_OR_TEN, R2V: THREE_TO_TEN},
        frame_images={I2V: ("first", "last")},
        reference_images={R2V: ReferenceLimit(1, 7), EDIT: ReferenceLimit(0, 4)},
        reference_videos={R2V: ReferenceLimit(0, 1)},
        reference_video_requirement=O1_VIDEO,
        input_video=O1_VIDEO if pro else MediaRequirement(min_seconds=3, max_seconds=10, max_mb=32),
        input_max_mb=32,
        provider_settings=settings,
        price=pricing.price_for(air),
        notes=_O1_NOTES
        + (
            ()
            if pro
            else (
                "The seed gives O1 Standard's video edit a 6–20 s fast-mode range but lists only keepOriginalSound "
                "among its settings, so fast mode is offered on O1 Pro only.",
            )
        ),
    )


O1_STANDARD = _o1("klingai:kling@o1-standard", "Kling VIDEO O1 Standard", "Standard", D_NEW_STD, pro=False)
O1_PRO = _o1("klingai:kling@o1", "Kling VIDEO O1 Pro", "Pro", D_NEW_PRO, pro=True)

O3_VIDEO = MediaRequirement(min_seconds=3, max_seconds=10, min_side=720, max_side=2160)


def _o3(air: str, name: str, tier: str, dims: tuple[Dimension, ...]) -> ModelSpec:
    return ModelSpec(
        air_id=air,
        name=name,
        family="Kling VIDEO O3",
        tier=tier,
        kind=Kind.VIDEO,
        workflows=(T2V, I2V, R2V, V2V),
        description="Omni model: text, images, references and prompt-based video edits with native audio.",
        prompt=PROMPT_2_2500,
        prompt_required=(T2V, R2V, V2V),
        dimensions=dims,
        dimension_modes={
            T2V: DimensionMode.REQUIRED,
            I2V: DimensionMode.INFERRED,
            R2V: DimensionMode.OPTIONAL,
            V2V: DimensionMode.MATCH_INPUT,
        },
        durations={T2V: THREE_TO_FIFTEEN, I2V: THREE_TO_FIFTEEN, R2V: THREE_TO_FIFTEEN},
        frame_images={I2V: ("first", "last")},
        reference_images={R2V: ReferenceLimit(0, 7, max_with_reference_video=4), V2V: ReferenceLimit(0, 4)},
        reference_videos={R2V: ReferenceLimit(0, 1)},
        reference_video_requirement=O3_VIDEO,
        input_video=O3_VIDEO,
        image_requirement=NEW_IMAGE,
        multi_prompt_max=6,
        provider_settings=(
            ProviderSetting(
                "sound",
                "bool",
                "Native audio",
                "Not with reference videos.",
                default=False,
                forbids_reference_video=True,
            ),
            ProviderSetting(
                "multiPrompt",
                "shots",
                "Shots",
                "Up to 6 segments; not with reference videos.",
                workflows=(T2V, I2V, R2V),
                forbids_reference_video=True,
            ),
            ProviderSetting(
                "keepOriginalSound",
                "bool",
                "Keep original sound",
                "Only with a reference or input video.",
                default=False,
                workflows=(R2V, V2V),
                requires_reference_video=True,
            ),
        ),
        price=pricing.price_for(air),
        notes=(
            "Reference-to-video has no stated size rule; the seed's example sends 1920×1080 with a "
            "reference video, so a listed size is optional there.",
        ),
    )


O3_STANDARD = _o3("klingai:kling-video@o3-standard", "Kling VIDEO O3 Standard", "Standard", D_NEW_STD)
O3_PRO = _o3("klingai:kling-video@o3-pro", "Kling VIDEO O3 Pro", "Pro", D_NEW_PRO)

# ---- Image models ---------------------------------------------------------------------------------------


def _image(
    air: str,
    name: str,
    tier: str,
    prompt_min: int,
    refs: int,
    dims: tuple[Dimension, ...],
    i2i_mode: DimensionMode,
    description: str,
    resolutions: tuple[str, ...] = (),
) -> ModelSpec:
    return ModelSpec(
        air_id=air,
        name=name,
        family="Kling IMAGE",
        tier=tier,
        kind=Kind.IMAGE,
        workflows=(T2I, I2I),
        description=description,
        prompt=TextLimit(prompt_min, 2500),
        prompt_required=(T2I, I2I),
        dimensions=dims,
        dimension_modes={T2I: DimensionMode.REQUIRED, I2I: i2i_mode},
        resolutions=resolutions,
        reference_images={I2I: ReferenceLimit(1, refs)},
        price=pricing.price_for(air),
    )


IMAGE_O1 = _image(
    "klingai:kling-image@o1",
    "Kling IMAGE O1",
    "O1",
    3,
    10,
    IMG_1K + IMG_2K,
    DimensionMode.OPTIONAL_OR_RESOLUTION,
    "Consistent characters, precise edits and strong stylization.",
    resolutions=("1k", "2k"),
)
IMAGE_3 = _image(
    "klingai:kling-image@3",
    "Kling IMAGE 3.0",
    "3.0",
    1,
    1,
    IMG_1K + IMG_2K,
    DimensionMode.REQUIRED,
    "Professional-grade realism at native 2K, with image-to-image refinement.",
)
IMAGE_O3 = _image(
    "klingai:kling-image@o3",
    "Kling IMAGE O3",
    "O3",
    1,
    10,
    IMG_1K + IMG_2K + IMG_4K,
    DimensionMode.REQUIRED,
    "Up to 4K with strong multi-reference consistency.",
)

ALL_MODELS: tuple[ModelSpec, ...] = (
    IMAGE_O1,
    IMAGE_3,
    IMAGE_O3,
    *LEGACY_MODELS,
    KLING_26_PRO,
    KLING_3_STANDARD,
    KLING_3_PRO,
    LIP_SYNC,
    O1_STANDARD,
    O1_PRO,
    O3_STANDARD,
    O3_PRO,
    AVATAR_STANDARD,
    AVATAR_PRO,
)
_BY_ID = {m.air_id: m for m in ALL_MODELS}


class UnknownModel(KeyError):
    def __init__(self, air_id: str) -> None:
        super().__init__(air_id)
        self.message = (
            f"Unknown model {air_id!r}. Run 'kling-desktop models' to see the {len(ALL_MODELS)} models."
        )

    def __str__(self) -> str:
        return self.message


def all_models() -> tuple[ModelSpec, ...]:
    return ALL_MODELS


def get_model(air_id: str) -> ModelSpec:
    try:
        return _BY_ID[air_id]
    except KeyError:
        raise UnknownModel(air_id) from None


@cache
def families() -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.family for m in ALL_MODELS))


def models_in(family: str) -> Iterable[ModelSpec]:
    return (m for m in ALL_MODELS if m.family == family)
