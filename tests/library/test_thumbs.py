"""Thumbnails show the exact frame one third into the clip, at thumbnail size."""

from __future__ import annotations

from pathlib import Path

from media_factory import make_mp4
from PIL import Image, ImageStat

from kling_desktop.library.thumbs import THUMB_SIZE, frame_at, thumbnail


def test_thumbnail_is_the_frame_at_one_third_not_the_keyframe_before_it(tmp_path: Path) -> None:
    # 72 frames, one keyframe at frame 0; frame i is ((i * 37) % 256, (i * 11) % 256, 120)
    clip = make_mp4(tmp_path / "c.mp4", 320, 180, 3.0, fps=24)
    with Image.open(thumbnail(clip, tmp_path / "cache")) as im:
        assert im.size == THUMB_SIZE
        r, g, b = ImageStat.Stat(im.crop((100, 60, 220, 120))).mean
    assert abs(r - (24 * 37) % 256) < 12 and abs(g - (24 * 11) % 256) < 12 and abs(b - 120) < 12


def test_frame_at_decodes_to_the_requested_size(tmp_path: Path) -> None:
    clip = make_mp4(tmp_path / "w.mp4", 320, 180, 1.0, fps=24)
    im = frame_at(clip, 0.5, (160, 160))
    assert im is not None and im.size == (160, 90)
    r, g, _ = ImageStat.Stat(im).mean
    assert abs(r - (12 * 37) % 256) < 12 and abs(g - (12 * 11) % 256) < 12
