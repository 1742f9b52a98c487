"""Thumbnails show the exact frame one third into the clip, at thumbnail size."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from media_factory import make_mp4
from PIL import Image, ImageChops, ImageStat

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


def test_every_container_gives_the_same_exact_frame(tmp_path: Path) -> None:
    """MP4s are opened without FFmpeg's probe decode; other containers the ordinary way. Both must show the
    frame at one third, pixel for pixel the one a plain decode gives."""
    import av

    mp4 = make_mp4(tmp_path / "c.mp4", 320, 180, 3.0, fps=24)
    mkv = tmp_path / "c.mkv"
    with av.open(str(mp4)) as src, av.open(str(mkv), "w") as dst:
        out = dst.add_stream_from_template(src.streams.video[0])
        for packet in src.demux(src.streams.video[0]):
            if packet.dts is not None:
                packet.stream = out
                dst.mux(packet)
    with av.open(str(mp4)) as plain:
        truth = next(f for f in plain.decode(video=0) if f.time is not None and f.time >= 1.0 - 1 / 48)
        expected = truth.to_image(width=160, height=90, interpolation="BILINEAR").tobytes()
    for clip in (mp4, mkv):
        im = frame_at(clip, 1.0, (160, 90))
        assert im is not None and im.tobytes() == expected, clip.name


def _moving_clip(path: Path, seconds: float = 2.0, fps: int = 24) -> Path:
    """A drifting pattern with one keyframe at the start (no scene cuts) and B-frames, as real footage is
    encoded: the frame at one third is reached only by decoding forward from that keyframe."""
    import av

    n = round(seconds * fps)
    with av.open(str(path), "w", format="mp4") as out:
        vs = out.add_stream("libx264", rate=fps)
        vs.width, vs.height, vs.pix_fmt = 320, 180, "yuv420p"
        vs.options = {"x264-params": f"keyint={n}:min-keyint={n}:scenecut=0:bframes=3"}
        for i in range(n):
            im = Image.new("RGB", (320, 180), (30, 30, 60))
            for k in range(12):
                x = (k * 29 + i * 7) % 320
                im.paste(
                    ((k * 53) % 256, (i * 9) % 256, (k * 17 + i * 5) % 256),
                    (x, 20 + k * 12, x + 24, 32 + k * 12),
                )
            frame = av.VideoFrame.from_image(im)
            frame.pts, frame.time_base = i, Fraction(1, fps)
            out.mux(vs.encode(frame))
        out.mux(vs.encode(None))
    return path


def test_frame_at_one_third_is_the_true_frame_decoded_forward_from_the_keyframe(tmp_path: Path) -> None:
    import av

    clip = _moving_clip(tmp_path / "m.mp4")
    with av.open(str(clip)) as plain:
        stream = plain.streams.video[0]
        at = float(stream.duration * stream.time_base) / 3
        frames = list(plain.decode(stream))
    truth = next(f for f in frames if f.time is not None and f.time >= at - 1 / 48)
    keyframe = frames[0]
    assert keyframe.key_frame and not truth.key_frame and truth.pts != keyframe.pts
    expected = truth.to_image(width=160, height=90, interpolation="BILINEAR")
    im = frame_at(clip, at, (160, 90))
    assert im is not None and im.tobytes() == expected.tobytes()
    # The cached JPEG is that frame too (JPEG-close to it, far from the keyframe before it).
    with Image.open(thumbnail(clip, tmp_path / "cache")) as thumb:
        got = thumb.convert("RGB")
    want = truth.to_image(width=320, height=180, interpolation="BILINEAR")
    wrong = keyframe.to_image(width=320, height=180, interpolation="BILINEAR")

    def distance(a: Image.Image, b: Image.Image) -> float:
        return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3

    assert distance(got, want) < 4 < distance(got, wrong)
