"""The draft's audio: a synthesized bed (one chord per segment, swelling in and out) or an input file."""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av

RATE = 44100
CHUNK = 1024
CHORDS = (
    (220.0, 277.2, 329.6),
    (196.0, 246.9, 293.7),
    (174.6, 220.0, 261.6),
    (246.9, 311.1, 370.0),
    (164.8, 207.7, 246.9),
    (261.6, 329.6, 392.0),
)


def synth_bed(durations: list[float]) -> bytes:
    """16-bit mono PCM, exactly ``sum(durations)`` seconds, one soft chord per segment."""
    out = array("h")
    for index, seconds in enumerate(durations):
        n = round(seconds * RATE)
        freqs = [2 * math.pi * f / RATE for f in CHORDS[index % len(CHORDS)]]
        fade = max(1, min(n // 4, RATE // 5))
        for i in range(n):
            env = min(1.0, i / fade, (n - i) / fade)
            s = math.sin(freqs[0] * i) + 0.6 * math.sin(freqs[1] * i) + 0.45 * math.sin(freqs[2] * i)
            out.append(int(5200 * env * s))
    return out.tobytes()


def pcm_frames(pcm: bytes) -> Iterator[av.AudioFrame]:
    samples = len(pcm) // 2
    for start in range(0, samples, CHUNK):
        n = min(CHUNK, samples - start)
        frame = av.AudioFrame(format="s16", layout="mono", samples=n)
        frame.planes[0].update(pcm[start * 2 : (start + n) * 2])
        frame.sample_rate = RATE
        frame.pts = start
        frame.time_base = Fraction(1, RATE)
        yield frame


def decode_audio(path: Path, seconds: float) -> bytes:
    """The file's audio as 16-bit mono PCM at RATE, cut or padded with silence to ``seconds``."""
    resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
    want = round(seconds * RATE) * 2
    buf = bytearray()
    with av.open(str(path)) as c:
        for frame in c.decode(audio=0):
            for out in resampler.resample(frame):
                buf += bytes(out.planes[0])[: out.samples * 2]
            if len(buf) >= want:
                break
    for out in resampler.resample(None):
        buf += bytes(out.planes[0])[: out.samples * 2]
    return bytes(buf[:want]).ljust(want, b"\0")
