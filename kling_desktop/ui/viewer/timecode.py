"""Frame arithmetic for the transport: positions in milliseconds ↔ frame numbers ↔ timecode. Pure."""

from __future__ import annotations

import math


def frame_count(duration_ms: int, fps: float) -> int:
    """Frames in a clip of ``duration_ms`` at ``fps`` (at least one)."""
    return max(1, round(duration_ms * fps / 1000))


def frame_at(position_ms: float, fps: float) -> int:
    """The frame whose display interval holds ``position_ms``."""
    return max(0, math.floor(position_ms * fps / 1000 + 1e-6))


def frame_of_start(start_us: int, fps: float) -> int:
    """The frame number of a decoded frame from its start time (µs)."""
    return max(0, round(start_us * fps / 1_000_000))


def position_of(frame: int, fps: float) -> int:
    """A position (ms) inside ``frame``'s display interval: its middle, so a seek lands on that frame and not
    on the one before it when the millisecond rounds down."""
    return max(0, math.floor((frame + 0.5) * 1000 / fps))


def timecode(frame: int, fps: float) -> str:
    """SMPTE-style ``HH:MM:SS:FF`` at the clip's frame rate (frames counted within the second)."""
    per_second = max(1, round(fps))
    seconds, ff = divmod(max(0, frame), per_second)
    minutes, ss = divmod(seconds, 60)
    hours, mm = divmod(minutes, 60)
    return f"{hours:02d}:{mm:02d}:{ss:02d}:{ff:02d}"
