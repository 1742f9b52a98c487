"""Is a downloaded result complete? Every byte the host announced, and media that decodes to its end."""

from __future__ import annotations

from pathlib import Path


class Incomplete(ValueError):
    """The file is short or damaged; the message says what is missing in plain words."""


def check_length(path: Path, expected: int | None) -> int:
    """The file's size; Incomplete when the host announced another total."""
    size = path.stat().st_size
    if expected is not None and size != expected:
        raise Incomplete(f"{path.name}: {size:,} of the {expected:,} bytes announced arrived.")
    return size


def check_image(path: Path) -> None:
    from PIL import Image  # the decoders load when a result is first checked, not at start-up

    try:
        with Image.open(path) as im:
            im.load()  # decodes every pixel: a cut file fails here, not just at the header
    except (OSError, SyntaxError, ValueError) as exc:
        raise Incomplete(f"{path.name}: the image cannot be decoded ({exc}).") from None


def check_video(path: Path) -> int:
    """Decode every frame of the first video stream; the count and the last frame's time must agree with what
    the container declares. Returns the number of frames decoded."""
    import av  # FFmpeg's libraries load when a result is first checked, not at start-up

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise Incomplete(f"{path.name}: the file holds no video stream.")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            declared = stream.frames or 0
            duration = (
                float(stream.duration * stream.time_base)
                if stream.duration and stream.time_base
                else (container.duration / av.time_base if container.duration else 0.0)
            )
            fps = float(stream.average_rate) if stream.average_rate else 0.0
            count, last = 0, 0.0
            for frame in container.decode(stream):
                count += 1
                if frame.time is not None:
                    last = max(last, float(frame.time))
    except av.error.FFmpegError as exc:
        raise Incomplete(f"{path.name}: the video cannot be decoded to its end ({exc}).") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise Incomplete(f"{path.name}: the video cannot be read ({type(exc).__name__}).") from None
    if count == 0:
        raise Incomplete(f"{path.name}: no frame of the video could be decoded.")
    if declared and count < declared:
        raise Incomplete(f"{path.name}: only {count} of the {declared} frames the file declares decode.")
    frame_time = 1.0 / fps if fps else 0.1
    if duration and last + 2 * frame_time < duration:
        raise Incomplete(f"{path.name}: the video stops at {last:.2f} s of the {duration:.2f} s it declares.")
    return count


def check_complete(path: Path, kind: str, expected: int | None) -> None:
    check_length(path, expected)
    if kind == "image":
        check_image(path)
    else:
        check_video(path)
