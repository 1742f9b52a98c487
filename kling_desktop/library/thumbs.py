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


def thumbnail(media: Path, cache: Path, size: tuple[int, int] = THUMB_SIZE) -> Path:
    """A JPEG of a frame ~1/3 into the clip (or the image), padded to ``size``; cached by file identity."""
    target = cache / f"{_key(media, f'{size}')}.jpg"
    if target.exists():
        return target
    if media.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp"):
        with Image.open(media) as im:
            return _save(_fit(im, size), target)
    with av.open(str(media)) as c:
        stream = c.streams.video[0]
        stream.thread_type = "AUTO"
        tb = stream.time_base or Fraction(1, 1000)
        duration = float(stream.duration * tb) if stream.duration else 0.0
        if duration > 1:
            c.seek(int(duration / 3 / tb), stream=stream)
        frame = next(c.decode(stream))
        return _save(_fit(frame.to_image(), size), target)


def scrub_strip(media: Path, cache: Path, n: int = SCRUB_FRAMES, size: tuple[int, int] = THUMB_SIZE) -> Path:
    """``n`` frames evenly across the clip side by side in one JPEG (frame i at x = i * width)."""
    target = cache / f"{_key(media, f'scrub{n}{size}')}.jpg"
    if target.exists():
        return target
    strip = Image.new("RGB", (size[0] * n, size[1]), (18, 18, 22))
    with av.open(str(media)) as c:
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
