"""The Kling model table and request bodies: pure functions, checked field by field against kling.md §4."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from media_factory import make_png, make_wav

from kling_desktop.catalog.models import all_models, get_model
from kling_desktop.core.request import GenerationRequest, Shot
from kling_desktop.providers import kling_models as km
from kling_desktop.providers.base import ProviderError
from kling_desktop.providers.kling_errors import kling_error
from kling_desktop.providers.kling_payload import (
    FaceChoice,
    aspect_of,
    build_identify_face,
    build_kling_request,
)

SEED = Path(__file__).resolve().parents[2] / "docs" / "model-specification.txt"
ENC = {"/in/a.png": "AAAA", "/in/b.png": "BBBB", "/in/c.png": "CCCC", "/in/v.wav": "WWWW"}.__getitem__


def build(req: GenerationRequest, ext: str = "ext-1", **kw: object) -> tuple[str, dict]:
    return build_kling_request(req, get_model(req.model), ext, ENC, **kw)  # type: ignore[arg-type]


def test_table_has_every_seed_model_exactly() -> None:
    seed_ids = set(re.findall(r"Model AIR ID: (\S+?)\.\n", SEED.read_text()))
    assert len(seed_ids) == 25
    assert set(km.KLING_MODELS) == seed_ids == {m.air_id for m in all_models()}
    for air in seed_ids:
        assert km.unsupported_reason(air) is None and km.kling_model_for(air) is not None
    assert km.unsupported_reason("klingai:99@9") == km.NO_EQUIVALENT and km.kling_model_for("x") is None


@pytest.mark.parametrize(
    ("air", "family", "name", "mode"),
    [
        ("klingai:1@1", "video", "kling-v1", "std"),
        ("klingai:5@2", "video", "kling-v2-1", "pro"),
        ("klingai:5@3", "video", "kling-v2-1-master", None),
        ("klingai:6@1", "video", "kling-v2-5-turbo", "pro"),
        ("klingai:kling-video@2.6-pro", "video", "kling-v2-6", "pro"),
        ("klingai:kling-video@3-pro", "video", "kling-v3", "pro"),
        ("klingai:kling@o1", "omni", "kling-video-o1", "pro"),
        ("klingai:kling-video@o3-standard", "omni", "kling-v3-omni", "std"),
        ("klingai:avatar@2.0-standard", "avatar", None, "std"),
        ("klingai:avatar@2.0-pro", "avatar", None, "pro"),
        ("klingai:7@1", "lipsync", None, None),
        ("klingai:kling-image@3", "image", "kling-v3", None),
        ("klingai:kling-image@o1", "omni-image", "kling-image-o1", None),
    ],
)
def test_mapping(air: str, family: str, name: str | None, mode: str | None) -> None:
    assert km.kling_model_for(air) == km.KlingModel(family, name, mode)
    assert km.air_id_for(family, name, mode) == air  # the emulator's reverse lookup agrees


def test_text_to_video() -> None:
    req = GenerationRequest(
        model="klingai:1@1",
        prompt=" A boat ",
        negative_prompt="blur",
        width=720,
        height=1280,
        duration=10,
        cfg_scale=0.7,
    )
    assert build(req) == (
        "/v1/videos/text2video",
        {
            "model_name": "kling-v1",
            "mode": "std",
            "prompt": "A boat",
            "negative_prompt": "blur",
            "cfg_scale": 0.7,
            "duration": "10",
            "aspect_ratio": "9:16",
            "external_task_id": "ext-1",
        },
    )
    master = GenerationRequest(model="klingai:5@3", prompt="Waves", width=1920, height=1080, cfg_scale=0.5)
    path, body = build(master)
    assert "mode" not in body and "cfg_scale" not in body and body["aspect_ratio"] == "16:9"  # v2.x: no cfg


def test_image_to_video_with_last_frame_sends_raw_base64(tmp_path: Path) -> None:
    a, b = make_png(tmp_path / "a.png", 320, 320), make_png(tmp_path / "b.png", 320, 320, (0, 0, 200))
    req = GenerationRequest(
        model="klingai:5@2", prompt="zoom out", first_frame=str(a), last_frame=str(b), duration=5
    )
    path, body = build_kling_request(req, get_model(req.model), "ext-2")
    assert path == "/v1/videos/image2video"
    assert body["image"] == base64.b64encode(a.read_bytes()).decode() and not body["image"].startswith(
        "data:"
    )
    assert body["image_tail"] == base64.b64encode(b.read_bytes()).decode()
    assert {k: v for k, v in body.items() if k not in ("image", "image_tail")} == {
        "model_name": "kling-v2-1",
        "mode": "pro",
        "prompt": "zoom out",
        "duration": "5",
        "external_task_id": "ext-2",
    }
    url = GenerationRequest(model="klingai:6@1", first_frame="https://cdn.example/a.png")
    assert build(url)[1]["image"] == "https://cdn.example/a.png"  # URLs go as they are


def test_multi_shot_text_to_video() -> None:
    req = GenerationRequest(
        model="klingai:kling-video@3-standard",
        width=720,
        height=1280,
        sound=True,
        shots=(Shot(prompt="door", duration=5), Shot(prompt="room", duration=5)),
    )
    assert build(req) == (
        "/v1/videos/text2video",
        {
            "model_name": "kling-v3",
            "mode": "std",
            "sound": "on",
            "multi_shot": True,
            "shot_type": "customize",
            "prompt": "",
            "multi_prompt": [
                {"index": 1, "prompt": "door", "duration": "5"},
                {"index": 2, "prompt": "room", "duration": "5"},
            ],
            "duration": "10",
            "aspect_ratio": "9:16",
            "external_task_id": "ext-1",
        },
    )


def test_omni_frames_references_shots_and_videos() -> None:
    o1 = GenerationRequest(
        model="klingai:kling@o1", prompt="dance", first_frame="/in/a.png", last_frame="/in/b.png"
    )
    assert build(o1) == (
        "/v1/videos/omni-video",
        {
            "model_name": "kling-video-o1",
            "mode": "pro",
            "prompt": "dance",
            "external_task_id": "ext-1",
            "image_list": [
                {"image_url": "AAAA", "type": "first_frame"},
                {"image_url": "BBBB", "type": "end_frame"},
            ],
        },
    )
    refs = GenerationRequest(
        model="klingai:kling@o1-standard",
        prompt="mix <<<image_1>>>",
        duration=7,
        reference_images=("/in/a.png", "/in/c.png"),
    )
    path, body = build(refs)
    assert body["image_list"] == [{"image_url": "AAAA"}, {"image_url": "CCCC"}]
    assert body["aspect_ratio"] == "16:9" and body["duration"] == "7" and body["mode"] == "std"
    o3 = GenerationRequest(
        model="klingai:kling-video@o3-pro",
        width=1920,
        height=1080,
        sound=True,
        shots=(Shot(prompt="lab", duration=4), Shot(prompt="scope", duration=6)),
    )
    path, body = build(o3)
    assert (path, body["model_name"], body["multi_shot"], body["duration"], body["sound"]) == (
        "/v1/videos/omni-video",
        "kling-v3-omni",
        True,
        "10",
        "on",
    )
    edit = GenerationRequest(
        model="klingai:kling@o1",
        prompt="night",
        input_video="/in/v.mp4",
        reference_images=("/in/a.png",),
        settings={"keepOriginalSound": True},
    )
    with pytest.raises(ProviderError, match="public URL"):
        build(edit)
    path, body = build(edit, video_url={"/in/v.mp4": "https://host/v.mp4"}.__getitem__)
    assert body["video_list"] == [
        {"video_url": "https://host/v.mp4", "refer_type": "base", "keep_original_sound": "yes"}
    ]
    assert "duration" not in body and "sound" not in body and "aspect_ratio" not in body
    feature = GenerationRequest(
        model="klingai:kling-video@o3-pro",
        prompt="same moves",
        width=1920,
        height=1080,
        duration=12,
        reference_videos=("https://host/r.mp4",),
    )
    assert build(feature)[1]["video_list"] == [
        {"video_url": "https://host/r.mp4", "refer_type": "feature", "keep_original_sound": "no"}
    ]


def test_lip_sync_two_steps() -> None:
    req = GenerationRequest(
        model="klingai:7@1",
        input_video="/in/v.mp4",
        input_audio="/in/v.wav",
        settings={"soundVolume": 0.8, "originalAudioVolume": 0.3},
    )
    assert build_identify_face("https://host/v.mp4") == (
        "/v1/videos/identify-face",
        {"video_url": "https://host/v.mp4"},
    )
    face = FaceChoice("850508686686064678", "0", audio_ms=3000, insert_ms=500)
    assert build(req, "ext-ls", video_url=str, face=face) == (
        "/v1/videos/advanced-lip-sync",
        {
            "session_id": "850508686686064678",
            "external_task_id": "ext-ls",
            "face_choose": [
                {
                    "face_id": "0",
                    "sound_file": "WWWW",
                    "sound_insert_time": 500,
                    "sound_start_time": 0,
                    "sound_end_time": 3000,
                    "sound_volume": 0.8,
                    "original_audio_volume": 0.3,
                }
            ],
        },
    )
    with pytest.raises(ValueError, match="FaceChoice"):
        build(req, video_url=str)


def test_avatar(tmp_path: Path) -> None:
    face, voice = make_png(tmp_path / "f.png", 400, 500), make_wav(tmp_path / "v.wav", 2.0)
    req = GenerationRequest(
        model="klingai:avatar@2.0-pro", prompt="smiles", input_image=str(face), input_audio=str(voice)
    )
    path, body = build_kling_request(req, get_model(req.model), "ext-av")
    assert path == "/v1/videos/avatar/image2video" and "model_name" not in body
    assert body == {
        "mode": "pro",
        "prompt": "smiles",
        "image": base64.b64encode(face.read_bytes()).decode(),
        "sound_file": base64.b64encode(voice.read_bytes()).decode(),
        "external_task_id": "ext-av",
    }


def test_motion_control() -> None:
    req = GenerationRequest(
        model="klingai:kling-video@2.6-pro",
        prompt="same dance",
        first_frame="/in/a.png",
        reference_videos=("https://host/dance.mp4",),
        settings={"characterOrientation": "video"},
    )
    assert build(req) == (
        "/v1/videos/motion-control",
        {
            "model_name": "kling-v2-6",
            "mode": "pro",
            "prompt": "same dance",
            "image_url": "AAAA",
            "video_url": "https://host/dance.mp4",
            "character_orientation": "video",
            "keep_original_sound": "no",  # the catalog default: off
            "external_task_id": "ext-1",
        },
    )
    with pytest.raises(ProviderError, match="character image"):
        build(req.model_copy(update={"first_frame": None}))


def test_image_models() -> None:
    img3 = GenerationRequest(
        model="klingai:kling-image@3",
        prompt="harbour",
        width=3104,
        height=1312,
        reference_images=("/in/a.png",),
    )
    assert build(img3) == (
        "/v1/images/generations",
        {
            "model_name": "kling-v3",
            "prompt": "harbour",
            "n": 1,
            "aspect_ratio": "21:9",
            "resolution": "2k",
            "image": "AAAA",
            "external_task_id": "ext-1",
        },
    )
    o3 = GenerationRequest(
        model="klingai:kling-image@o3",
        prompt="hero",
        width=5440,
        height=3072,
        reference_images=("/in/a.png", "/in/b.png"),
        number_results=2,
    )
    path, body = build(o3)
    assert path == "/v1/images/omni-image" and body["model_name"] == "kling-v3-omni"
    assert (body["aspect_ratio"], body["resolution"], body["n"]) == ("16:9", "4k", 2)
    assert body["image_list"] == [{"image": "AAAA"}, {"image": "BBBB"}]
    o1 = GenerationRequest(
        model="klingai:kling-image@o1", prompt="stylise", resolution="2k", reference_images=("/in/a.png",)
    )
    assert build(o1)[1] == {
        "model_name": "kling-image-o1",
        "prompt": "stylise",
        "n": 1,
        "resolution": "2k",
        "image_list": [{"image": "AAAA"}],
        "aspect_ratio": "auto",
        "external_task_id": "ext-1",
    }
    assert aspect_of(1360, 768) == "16:9" and aspect_of(1168, 880) == "4:3" and aspect_of(1552, 656) == "21:9"


def test_what_the_official_api_cannot_take() -> None:
    voices = GenerationRequest(
        model="klingai:kling-video@2.6-pro",
        prompt="<<<voice_1>>> hi",
        width=1920,
        height=1080,
        reference_voices=("/in/v.wav",),
    )
    with pytest.raises(ProviderError, match="custom voices") as info:
        build(voices)
    assert info.value.code == "unsupported"
    fast = GenerationRequest(
        model="klingai:kling@o1", prompt="x", input_video="https://h/v.mp4", settings={"fast": True}
    )
    with pytest.raises(ProviderError, match="fast mode"):
        build(fast)


def test_error_table_in_plain_words() -> None:
    for code in (1000, 1001, 1002, 1003, 1004):
        err = kling_error(code, "Authorization is invalid", 401)
        assert "Check the access key and secret key in Settings" in err.message and not err.retryable
    assert "no credits left" in kling_error(1102, "Account balance not enough", 429).message
    assert not kling_error(1102, "", 429).retryable and not kling_error(1101, "", 429).retryable
    busy = kling_error(1303, "parallel task over resource pack limit", 429)
    assert busy.retryable and busy.retry_after and "waits" in busy.message
    content = kling_error(1301, "prompt contains sensitive words", 400)
    assert (
        "content safety" in content.message and "sensitive words" in content.message and not content.retryable
    )
    assert kling_error(5000, "", 500).retryable and kling_error(5001, "", 503).retryable
    assert not kling_error(1203, "", 404).never_received  # a code alone is no proof: kling.py decides


def test_documented_unsupported_combinations_are_refused_before_sending() -> None:
    """Kling 2.6 first+last frame with sound; multi-shot with an end frame on 3.0 and O3 (per provider)."""
    from kling_desktop.providers.kling import KlingProvider
    from kling_desktop.providers.runware import RunwareProvider

    kling = KlingProvider("http://127.0.0.1:9", lambda: None, lambda: None, None)  # type: ignore[arg-type]
    runware = RunwareProvider("http://127.0.0.1:9", lambda: None, None, "/nonexistent")
    frames_sound = GenerationRequest(
        model="klingai:kling-video@2.6-pro", first_frame="/in/a.png", last_frame="/in/b.png", sound=True
    )
    shots = (Shot(prompt="Wide", duration=3), Shot(prompt="Close", duration=2))
    cases = [
        (frames_sound, "Kling 2.6 first-and-last-frame videos with sound"),
        *[
            (
                GenerationRequest(
                    model=air, first_frame="/in/a.png", last_frame="/in/b.png", shots=shots, duration=5
                ),
                "multi-shot with an end frame",
            )
            for air in (
                "klingai:kling-video@3-pro",
                "klingai:kling-video@3-standard",
                "klingai:kling-video@o3-pro",
                "klingai:kling-video@o3-standard",
            )
        ],
    ]
    for req, words in cases:
        with pytest.raises(ProviderError, match=words) as info:
            build(req)
        assert info.value.code == "unsupported"
        spec = get_model(req.model)
        assert words in (kling.request_problem(req, spec) or "")
        assert runware.request_problem(req, spec) is None  # Runware takes them
    # the neighbours stay allowed: 2.6 frames without sound; 3.0 shots with a first frame only
    build(frames_sound.model_copy(update={"sound": False}))
    build(
        GenerationRequest(model="klingai:kling-video@3-pro", first_frame="/in/a.png", shots=shots, duration=5)
    )


def test_o3_reference_video_refer_type_is_sent() -> None:
    req = GenerationRequest(
        model="klingai:kling-video@o3-pro",
        prompt="edit this",
        reference_videos=("https://host/r.mp4",),
        reference_video_types=("base",),
    )
    assert build(req)[1]["video_list"] == [
        {"video_url": "https://host/r.mp4", "refer_type": "base", "keep_original_sound": "no"}
    ]


def test_motion_control_keeps_sound_only_when_asked() -> None:
    req = GenerationRequest(
        model="klingai:kling-video@2.6-pro",
        first_frame="/in/a.png",
        reference_videos=("https://host/dance.mp4",),
    )
    assert build(req)[1]["keep_original_sound"] == "no"  # unset: the catalog default (off)
    asked = req.model_copy(update={"settings": {"keepOriginalSound": True}})
    assert build(asked)[1]["keep_original_sound"] == "yes"


def test_a_base_video_takes_no_frames_on_the_official_api() -> None:
    req = GenerationRequest(
        model="klingai:kling-video@o3-pro",
        prompt="edit this",
        first_frame="/in/a.png",
        reference_videos=("https://host/r.mp4",),
        reference_video_types=("base",),
    )
    with pytest.raises(ProviderError, match="takes no first or last frame") as info:
        build(req)
    assert info.value.code == "unsupported"
    build(req.model_copy(update={"reference_video_types": ("feature",)}))  # a reference may come with frames
