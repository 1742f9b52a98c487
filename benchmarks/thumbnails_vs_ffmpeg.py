"""Cold thumbnails per clip: the app's PyAV thumbnailer vs an ``ffmpeg -frames:v 1`` subprocess per clip."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
from _common import emit  # noqa: E402
from media_factory import make_mp4  # noqa: E402

from kling_desktop.library.thumbs import thumbnail  # noqa: E402

CLIPS = 20


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        clips = [make_mp4(d / f"c{i}.mp4", 1280, 720, 3.0, fps=24) for i in range(CLIPS)]
        start = time.perf_counter()
        for c in clips:
            thumbnail(c, d / "thumbs")
        ours = (time.perf_counter() - start) / CLIPS
        ffmpeg = shutil.which("ffmpeg")
        theirs = None
        if ffmpeg:
            start = time.perf_counter()
            for i, c in enumerate(clips):
                subprocess.run(
                    [
                        ffmpeg,
                        "-v",
                        "error",
                        "-y",
                        "-ss",
                        "1",
                        "-i",
                        str(c),
                        "-frames:v",
                        "1",
                        "-vf",
                        "scale=320:-2",
                        str(d / f"f{i}.jpg"),
                    ],
                    check=True,
                )
            theirs = (time.perf_counter() - start) / CLIPS
    emit(
        "thumbnails_vs_ffmpeg",
        unit="seconds per clip (cold, 1280x720, 3 s)",
        clips=CLIPS,
        app=round(ours, 4),
        ffmpeg_subprocess=round(theirs, 4) if theirs else None,
        ratio_ffmpeg_to_app=round(theirs / ours, 2) if theirs else None,
    )


if __name__ == "__main__":
    main()
