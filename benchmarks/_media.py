"""Realistic benchmark inputs: photo-like stills (gradients, shapes, grain, soft focus) and textured video.

Flat colours compress to nothing and resample for free; these frames cost an encoder and a scaler what a
photograph does.
"""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageDraw, ImageFilter


def photo_like(width: int, height: int, seed: int = 0) -> Image.Image:
    """A synthetic 'photograph': a sky-to-ground gradient, overlapping soft shapes, fine grain and detail."""
    rng = random.Random(seed)
    top = tuple(rng.randrange(40, 200) for _ in range(3))
    bottom = tuple(rng.randrange(20, 160) for _ in range(3))
    mask = Image.linear_gradient("L").resize((width, height))
    im = Image.composite(
        Image.new("RGB", (width, height), bottom), Image.new("RGB", (width, height), top), mask
    )
    d = ImageDraw.Draw(im)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(max(4, width // 80), max(8, width // 6))
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            d.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        else:
            d.polygon([(x + rng.randrange(-r, r), y + rng.randrange(-r, r)) for _ in range(5)], fill=colour)
    im = im.filter(ImageFilter.GaussianBlur(max(1, width // 400)))
    for _ in range(400):  # fine detail: thin lines like branches and edges
        x, y = rng.randrange(width), rng.randrange(height)
        d = ImageDraw.Draw(im)
        d.line(
            (x, y, x + rng.randrange(-40, 40), y + rng.randrange(-40, 40)),
            fill=tuple(rng.randrange(256) for _ in range(3)),
            width=1,
        )
    grain = Image.effect_noise((width, height), 28).convert("RGB")
    return Image.blend(im, grain, 0.18)


def save_photo(path: Path, width: int, height: int, seed: int = 0) -> Path:
    photo_like(width, height, seed).save(path, quality=90)
    return path


def textured_mp4(path: Path, width: int, height: int, seconds: float, fps: int = 24, seed: int = 0) -> Path:
    """A camera drifting over a photo-like picture with fresh grain each frame (keyframe every 2 s)."""
    base = photo_like(round(width * 1.3), round(height * 1.3), seed)
    n = max(1, round(seconds * fps))
    grains = [Image.effect_noise((width, height), 24).convert("RGB") for _ in range(4)]
    with av.open(str(path), "w", format="mp4") as out:
        vs = out.add_stream("libx264", rate=fps)
        vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p"
        vs.options = {"preset": "veryfast", "crf": "20", "g": str(2 * fps)}
        # One slice per picture, as cameras and the providers' encoders write it: PyAV's default slice
        # threading would cut each picture in as many slices as there are cores, which decoders then split
        # between threads, a speed real footage does not offer.
        vs.codec_context.thread_type = "FRAME"
        for i in range(n):
            t = i / max(1, n - 1)
            x = round((base.width - width) * t)
            y = round((base.height - height) * (1 - t) / 2)
            frame = Image.blend(base.crop((x, y, x + width, y + height)), grains[i % len(grains)], 0.08)
            vf = av.VideoFrame.from_image(frame)
            vf.pts, vf.time_base = i, Fraction(1, fps)
            out.mux(vs.encode(vf))
        out.mux(vs.encode(None))
    return path
