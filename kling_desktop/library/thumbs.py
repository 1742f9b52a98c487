"""Thumbnails and hover-scrub strips, made with PyAV and cached on disk. Call off the GUI thread."""

from __future__ import annotations

import hashlib
import os
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageOps

THUMB_SIZE = (320, 180)
SCRUB_FRAMES = 8


def _key(path: Path, extra: str) -> str:
    st = path.stat()
    return hashlib.sha1(f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{extra}".encode()).hexdigest()[:20]


def _fit(im: Image.Image, size: tuple[int, int]) -> Image.Image:
    return ImageOps.pad(im.convert("RGB"), size, Image.Resampling.BILINEAR, color=(18, 18, 22))


def _save(im: Image.Image, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    im.save(tmp, "JPEG", quality=82)
    os.replace(tmp, target)
    return target


def _scaled_size(src: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """The largest even size with ``src``'s shape that fits in ``box``."""
    scale = min(box[0] / max(1, src[0]), box[1] / max(1, src[1]), 1.0)
    return max(2, round(src[0] * scale) // 2 * 2), max(2, round(src[1] * scale) // 2 * 2)


def frame_at(media: Path, at: float, size: tuple[int, int]) -> Image.Image | None:
    """The frame shown at ``at`` seconds, decoded and scaled straight to fit ``size`` (no full-size image).

    Seeks to the keyframe before ``at``, then decodes forward to the exact frame.
    """
    with _open(media) as c:
        return _frame_at(c, at, size)


_HEADER_DESCRIBES_STREAMS = (".mp4", ".mov", ".m4v")


def _open(media: Path) -> av.container.InputContainer:
    """Open a clip for a frame or two. An MP4's header already says what its streams are; FFmpeg still decodes
    the first pictures to confirm it (``avformat_find_stream_info``), which on real footage costs as much as
    the frame we want. ``skip_frame=all`` for that probe skips those decodes (the stream's own decoder, made
    afterwards, does not inherit it)."""
    if media.suffix.lower() in _HEADER_DESCRIBES_STREAMS:
        try:
            # PyAV's stub types stream_options as list[str]; the code reads one dict of options per stream.
            return av.open(str(media), stream_options=[{"skip_frame": "all"}])  # type: ignore[list-item]
        except ValueError:  # streams not in the header after all: probe the ordinary way
            pass
    return av.open(str(media))


def _duration(c: av.container.InputContainer) -> float:
    stream = c.streams.video[0]
    if stream.duration:
        return float(stream.duration * (stream.time_base or Fraction(1, 1000)))
    return c.duration / av.time_base if c.duration else 0.0


def _frame_at(c: av.container.InputContainer, at: float, size: tuple[int, int]) -> Image.Image | None:
    stream = c.streams.video[0]
    stream.thread_type = "AUTO"
    tb = stream.time_base or Fraction(1, 1000)
    rate = float(stream.average_rate or 25)
    if at > 0:
        c.seek(int(at / tb), stream=stream, backward=True)
    ctx = stream.codec_context
    # Frames nothing refers to, well before the target, need not be decoded at all; from a few frames
    # before it (B-frames arrive out of order) every frame is decoded, so the chosen one is exact.
    near = at - 4 / rate
    ctx.skip_frame = "NONREF" if near > 0 else "DEFAULT"
    chosen = None
    found = False
    for packet in c.demux(stream):
        if ctx.skip_frame != "DEFAULT" and (packet.pts is None or packet.pts * tb >= near):
            ctx.skip_frame = "DEFAULT"
        for frame in packet.decode():
            chosen = frame
            if frame.time is None or frame.time >= at - 0.5 / rate:
                found = True
                break
        if found:
            break
    else:  # the end of the file: frames still inside the decoder come out now
        for frame in ctx.decode(None):
            chosen = frame
            if frame.time is None or frame.time >= at - 0.5 / rate:
                break
    if chosen is None:
        return None
    w, h = _scaled_size((chosen.width, chosen.height), size)
    return chosen.to_image(width=w, height=h, interpolation="BILINEAR")


def thumbnail(media: Path, cache: Path, size: tuple[int, int] = THUMB_SIZE) -> Path:
    """A JPEG of the frame 1/3 into the clip (or the image), padded to ``size``; cached by file identity."""
    target = cache / f"{_key(media, f'{size}@third')}.jpg"
    if target.exists():
        return target
    if media.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp"):
        with Image.open(media) as im:
            im.draft("RGB", size)  # JPEG: decode at a reduced scale when that is enough
            return _save(_fit(im, size), target)
    with _open(media) as c:
        image = _frame_at(c, _duration(c) / 3, size)
    if image is None:
        raise ValueError(f"{media.name}: no video frame could be decoded.")
    return _save(_fit(image, size), target)


def scrub_strip(media: Path, cache: Path, n: int = SCRUB_FRAMES, size: tuple[int, int] = THUMB_SIZE) -> Path:
    """``n`` frames evenly across the clip side by side in one JPEG (frame i at x = i * width)."""
    target = cache / f"{_key(media, f'scrub{n}{size}')}.jpg"
    if target.exists():
        return target
    strip = Image.new("RGB", (size[0] * n, size[1]), (18, 18, 22))
    with _open(media) as c:
        stream = c.streams.video[0]
        tb = stream.time_base or Fraction(1, 1000)
        duration = float(stream.duration * tb) if stream.duration else 0.0
        for i in range(n):
            at = duration * (i + 0.5) / n
            c.seek(int(at / tb), stream=stream, backward=True)
            frame = next((f for f in c.decode(stream) if f.time is None or f.time >= at - 0.05), None)
            if frame is not None:
                strip.paste(_fit(frame.to_image(), size), (i * size[0], 0))
    return _save(strip, target)
