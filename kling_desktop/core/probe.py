"""Read what a media file holds (PyAV): duration, size, fps, streams; extract a frame at full resolution.

``probe_media`` reads the header only; ``check_whole`` (what the input checks use) also demuxes every packet
and decodes every frame, because a damaged file (faststart MP4 with a truncated or overwritten ``mdat``) has
a perfect header and fails only later, at render or after an upload.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kling_desktop.core.input_file import InputFileError, check_input_file

if TYPE_CHECKING:
    import av
    from PIL import Image

VIDEO_EXTENSIONS = {".mp4", ".mov", ".webm", ".mkv", ".m4v", ".avi"}
AUDIO_EXTENSIONS = {".mp3", ".wav", ".flac", ".m4a", ".aac", ".ogg", ".opus"}


class MediaError(ValueError):
    """The file cannot be read as media; the message says why in plain words."""


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    container: str
    size_bytes: int
    duration: float | None  # seconds
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    video_codec: str | None = None
    frames: int | None = None
    has_audio: bool = False
    audio_codec: str | None = None
    audio_duration: float | None = None
    sample_rate: int | None = None
    metadata: dict[str, str] | None = None

    @property
    def has_video(self) -> bool:
        return self.width is not None


def is_video_file(path: str | Path) -> bool:
    return Path(path).suffix.lower() in VIDEO_EXTENSIONS


def is_audio_file(path: str | Path) -> bool:
    return Path(path).suffix.lower() in AUDIO_EXTENSIONS


def _seconds(value: int | None, base: Fraction | None) -> float | None:
    return float(value * base) if value is not None and base is not None else None


def _open(path: Path) -> av.container.InputContainer:
    import av  # FFmpeg's libraries load with the first file looked at, not at start-up

    try:
        size = check_input_file(path)  # a FIFO, a device, a folder or a symlink loop is never opened
    except InputFileError as exc:
        raise MediaError(f"{exc.path.name}: {exc.reason}.") from None
    if size == 0:
        raise MediaError(f"{path.name}: the file is empty (0 bytes).")
    try:
        return av.open(str(path), mode="r")
    except PermissionError:
        raise MediaError(f"{path.name}: the file cannot be read (permission denied).") from None
    except (av.error.FFmpegError, OSError, UnicodeDecodeError, ValueError) as exc:
        raise MediaError(
            f"{path.name}: is not a video or audio file this app can read ({type(exc).__name__})."
        ) from None


def probe_media(path: str | Path) -> MediaInfo:
    import av

    p = Path(path)
    with _open(p) as c:
        v = c.streams.video[0] if c.streams.video else None
        a = c.streams.audio[0] if c.streams.audio else None
        if v is None and a is None:
            raise MediaError(f"{p.name}: holds no video or audio stream.")
        duration = c.duration / av.time_base if c.duration else None
        vdur = _seconds(v.duration, v.time_base) if v else None
        adur = _seconds(a.duration, a.time_base) if a else None
        duration = vdur or duration or adur
        fps = float(v.average_rate) if v is not None and v.average_rate else None
        frames = v.frames or (round(duration * fps) if duration and fps else None) if v else None
        return MediaInfo(
            path=p,
            container=c.format.name,
            size_bytes=p.stat().st_size,
            duration=duration,
            width=v.codec_context.width if v else None,
            height=v.codec_context.height if v else None,
            fps=fps,
            video_codec=v.codec_context.name if v else None,
            frames=frames,
            has_audio=a is not None,
            audio_codec=a.codec_context.name if a else None,
            audio_duration=adur or (duration if a else None),
            sample_rate=a.codec_context.sample_rate if a else None,
            metadata=dict(c.metadata),
        )


def check_whole(path: str | Path) -> MediaInfo:
    """``probe_media``, then proof that the whole file decodes: every packet of its video and audio streams
    is demuxed and decoded, and the video must reach the frame count and end its header declares."""
    import av

    info = probe_media(path)
    p = Path(path)
    frames, last_time = 0, None
    try:
        with _open(p) as c:
            streams = [*c.streams.video[:1], *c.streams.audio[:1]]
            video = c.streams.video[0] if c.streams.video else None
            if video is not None:
                video.thread_type = "AUTO"
            for packet in c.demux(streams):
                for frame in packet.decode():
                    if isinstance(frame, av.VideoFrame):
                        frames += 1
                        last_time = frame.time if frame.time is not None else last_time
    except MediaError:
        raise
    except (av.error.FFmpegError, OSError, ValueError, EOFError, MemoryError) as exc:
        raise MediaError(_damaged(p, f"{type(exc).__name__} while decoding")) from None
    if video is not None:
        declared = info.frames or 0
        if frames == 0:
            raise MediaError(_damaged(p, "no video frame could be decoded"))
        # Tolerances: edit lists and variable frame rates make counts and ends differ a little in whole files;
        # a damaged one loses far more (and usually fails to decode outright, above).
        if declared and frames < declared * 0.9 - 1:
            raise MediaError(_damaged(p, f"only {frames} of its {declared} frames could be decoded"))
        step = 1 / info.fps if info.fps else 0.0
        if info.duration and last_time is not None and last_time < info.duration * 0.9 - 2 * step - 0.05:
            raise MediaError(_damaged(p, f"its pictures stop at {last_time:.1f} s of {info.duration:.1f} s"))
    return info


def _damaged(p: Path, what: str) -> str:
    return f"{p.name}: the file is damaged ({what}); it would fail later, so it is refused now."


def extract_frame(path: str | Path, at: Literal["first", "last"] | float = "last") -> Image.Image:
    """A frame at full resolution. ``last`` decodes to the end: the true last frame, not a seek guess."""
    from PIL import Image

    p = Path(path)
    try:
        check_input_file(p)  # never open a FIFO, a device or a loop, not even to try it as an image
    except InputFileError as exc:
        raise MediaError(f"{exc.path.name}: {exc.reason}.") from None
    if not is_video_file(p):
        try:
            with Image.open(p) as im:
                return im.convert("RGB")
        except OSError:
            pass
    with _open(p) as c:
        if not c.streams.video:
            raise MediaError(f"{p.name}: has no video stream.")
        stream = c.streams.video[0]
        stream.thread_type = "AUTO"
        chosen = None
        for frame in c.decode(stream):
            if at == "first":
                return frame.to_image()
            if at != "last" and frame.time is not None and frame.time > float(at):
                break
            chosen = frame
        if chosen is None:
            raise MediaError(f"{p.name}: no frame could be decoded.")
        return chosen.to_image()
