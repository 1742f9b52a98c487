"""Real media for tests: PNGs with Pillow, MP4s and WAVs encoded with PyAV. Small, so tests stay fast."""

from __future__ import annotations

import math
import wave
from array import array
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image


def make_png(path: Path, w: int = 640, h: int = 360, color: tuple[int, int, int] = (200, 90, 40)) -> Path:
    Image.new("RGB", (w, h), color).save(path)
    return path


def make_wav(path: Path, seconds: float = 2.0, rate: int = 16000, freq: float = 440.0) -> Path:
    samples = array(
        "h", (int(8000 * math.sin(2 * math.pi * freq * i / rate)) for i in range(int(seconds * rate)))
    )
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return path


def make_mp4(
    path: Path,
    w: int = 160,
    h: int = 90,
    seconds: float = 1.0,
    fps: int = 24,
    audio: bool = False,
    last_color: tuple[int, int, int] | None = None,
    container: str = "mp4",
) -> Path:
    """Frames step through hues; ``last_color`` paints the final frame one flat colour."""
    n = max(1, round(seconds * fps))
    with av.open(str(path), "w", format=container) as out:
        codec = "libvpx-vp9" if container == "webm" else "libx264"
        vs = out.add_stream(codec, rate=fps)
        vs.width, vs.height, vs.pix_fmt = w, h, "yuv420p"
        as_ = (
            out.add_stream(
                "libopus" if container == "webm" else "aac", rate=48000 if container == "webm" else 44100
            )
            if audio
            else None
        )
        for i in range(n):
            color = last_color if (last_color and i == n - 1) else ((i * 37) % 256, (i * 11) % 256, 120)
            frame = av.VideoFrame.from_image(Image.new("RGB", (w, h), color))
            frame.pts, frame.time_base = i, Fraction(1, fps)
            out.mux(vs.encode(frame))
        out.mux(vs.encode(None))
        if as_ is not None:
            rate = as_.codec_context.sample_rate
            total = int(seconds * rate)
            for start in range(0, total, 960):
                k = min(960, total - start)
                af = av.AudioFrame(format="s16", layout="mono", samples=k)
                af.planes[0].update(
                    array(
                        "h", (int(6000 * math.sin(2 * math.pi * 330 * (start + j) / rate)) for j in range(k))
                    ).tobytes()
                )
                af.sample_rate, af.pts, af.time_base = rate, start, Fraction(1, rate)
                out.mux(as_.encode(af))
            out.mux(as_.encode(None))
    return path
