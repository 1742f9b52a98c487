"""The draft renderer's output opened with PyAV: duration, size, fps, streams, content."""

from __future__ import annotations

from pathlib import Path

import pytest
from media_factory import make_mp4, make_png, make_wav

from kling_desktop.core.probe import MediaError, extract_frame, probe_media
from kling_desktop.core.request import GenerationRequest, Shot
from kling_desktop.render import DraftPlan, Segment, render_draft, render_still
from kling_desktop.render.from_request import plan_for, still_plan_for
from kling_desktop.render.plan import DRAFT_COMMENT
from kling_desktop.render.renderer import RenderCancelled


def _mean(im) -> tuple[float, float, float]:
    from PIL import ImageStat

    return tuple(ImageStat.Stat(im.convert("RGB")).mean)  # type: ignore[return-value]


def test_title_card_with_sound(tmp_path: Path) -> None:
    plan = DraftPlan(
        320, 180, 24, (Segment(2, "A fox runs through snow"),), "Kling VIDEO 3.0 Pro", sound=True
    )
    result = render_draft(plan, tmp_path / "t.mp4.part")
    info = probe_media(result.path)
    assert (info.width, info.height, info.fps, info.video_codec) == (320, 180, 24.0, "h264")
    assert info.duration == pytest.approx(2.0, abs=1 / 24)
    assert info.frames == 48
    assert info.has_audio and info.audio_codec == "aac"
    assert info.audio_duration == pytest.approx(2.0, abs=0.05)
    assert info.metadata and info.metadata["comment"] == DRAFT_COMMENT


def test_no_audio_stream_without_sound(tmp_path: Path) -> None:
    result = render_draft(DraftPlan(320, 180, 30, (Segment(1, "quiet"),), "M"), tmp_path / "q.mp4")
    info = probe_media(result.path)
    assert not info.has_audio and info.fps == 30.0 and info.frames == 30


def test_first_last_dissolve_goes_from_first_to_last(tmp_path: Path) -> None:
    red = make_png(tmp_path / "red.png", 640, 360, (230, 20, 20))
    blue = make_png(tmp_path / "blue.png", 640, 360, (20, 20, 230))
    plan = DraftPlan(320, 180, 24, (Segment(2, "", "morph", first_image=red, last_image=blue),), "M")
    out = render_draft(plan, tmp_path / "m.mp4").path
    first, last = _mean(extract_frame(out, "first")), _mean(extract_frame(out, "last"))
    assert first[0] > 150 and first[2] < 90
    assert last[2] > 150 and last[0] < 90


def test_multi_shot_request_renders_each_shot(tmp_path: Path) -> None:
    req = GenerationRequest(
        model="klingai:kling-video@3-pro",
        width=1920,
        height=1080,
        sound=True,
        shots=(
            Shot(prompt="Wide shot", duration=3),
            Shot(prompt="Push in", duration=4),
            Shot(prompt="Close up", duration=3),
        ),
    )
    plan = plan_for(req)
    assert [s.duration for s in plan.segments] == [3, 4, 3]
    assert plan.segments[1].heading.startswith("Shot 2 of 3")
    small = DraftPlan(320, 180, plan.fps, plan.segments, plan.model_name, sound=True)
    info = probe_media(render_draft(small, tmp_path / "s.mp4").path)
    assert info.duration == pytest.approx(10.0, abs=1 / 24) and info.has_audio


def test_size_follows_first_frame_where_inferred(tmp_path: Path) -> None:
    img = make_png(tmp_path / "portrait.png", 600, 900)
    plan = plan_for(GenerationRequest(model="klingai:kling-video@3-pro", prompt="turn", first_frame=str(img)))
    assert plan.height > plan.width and plan.height == 1920 and plan.width % 2 == 0
    plan = plan_for(GenerationRequest(model="klingai:5@2", first_frame=str(img)))
    assert (plan.width, plan.height) == (1080, 1920)  # nearest listed aspect


def test_edit_and_avatar_drafts_use_their_inputs(tmp_path: Path) -> None:
    video = make_mp4(tmp_path / "in.mp4", 320, 180, seconds=3.0)
    plan = plan_for(
        GenerationRequest(model="klingai:kling@o1", prompt="make it night", input_video=str(video))
    )
    assert plan.segments[0].kind == "video" and plan.duration == pytest.approx(3.0, abs=0.05)
    out = render_draft(DraftPlan(320, 180, 24, plan.segments, "O1"), tmp_path / "e.mp4").path
    assert probe_media(out).duration == pytest.approx(3.0, abs=0.05)
    face = make_png(tmp_path / "face.png", 400, 500)
    voice = make_wav(tmp_path / "v.wav", 2.5)
    plan = plan_for(
        GenerationRequest(model="klingai:avatar@2.0-pro", input_image=str(face), input_audio=str(voice))
    )
    assert plan.duration == pytest.approx(2.5, abs=0.05) and plan.audio_source == voice
    info = probe_media(
        render_draft(DraftPlan(320, 400, 24, plan.segments, "A", audio_source=voice), tmp_path / "a.mp4").path
    )
    assert info.has_audio and info.duration == pytest.approx(2.5, abs=0.05)


def test_image_model_still(tmp_path: Path) -> None:
    req = GenerationRequest(model="klingai:kling-image@3", prompt="A lighthouse", width=1360, height=768)
    out = render_still(still_plan_for(req), tmp_path / "i.png")
    from PIL import Image

    with Image.open(out) as im:
        assert im.size == (1360, 768)
        assert "draft" in im.info["Comment"].lower()


def test_cancel_removes_partial_file(tmp_path: Path) -> None:
    import threading

    cancel = threading.Event()
    cancel.set()
    target = tmp_path / "c.mp4.part"
    with pytest.raises(RenderCancelled):
        render_draft(DraftPlan(320, 180, 24, (Segment(2, "x"),), "M"), target, cancel=cancel)
    assert not target.exists()


def test_probe_refuses_bad_files(tmp_path: Path) -> None:
    (tmp_path / "zero.mp4").write_bytes(b"")
    (tmp_path / "junk.mp4").write_bytes(b"not a video at all" * 10)
    with pytest.raises(MediaError, match="empty"):
        probe_media(tmp_path / "zero.mp4")
    with pytest.raises(MediaError, match="not a video or audio file"):
        probe_media(tmp_path / "junk.mp4")
    with pytest.raises(MediaError, match="does not exist"):
        probe_media(tmp_path / "missing.mp4")


def test_extract_true_last_frame(tmp_path: Path) -> None:
    clip = make_mp4(tmp_path / "c.mp4", 160, 90, seconds=1.0, last_color=(10, 250, 10))
    r, g, b = _mean(extract_frame(clip, "last"))
    assert g > 200 and r < 60
    assert extract_frame(clip, "last").size == (160, 90)
