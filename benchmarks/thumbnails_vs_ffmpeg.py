"""Cold thumbnail of the exact frame one third into a textured clip: the app vs ``ffmpeg -ss`` (exact seek).

Clips are 1280×720, 5 s, 24 fps, a keyframe every 2 s, with a camera drifting over a photo-like picture and
fresh grain each frame, so decoding forward from the keyframe costs what it does on real footage. Both sides
produce a 320×180 JPEG of the frame at duration/3. ffmpeg runs as one process per clip (``-ss`` before
``-i`` is an exact seek: it decodes from the keyframe and drops frames up to the time).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from _common import emit, figure, runs_arg  # noqa: E402
from _media import textured_mp4  # noqa: E402

from kling_desktop.library.thumbs import thumbnail  # noqa: E402

CLIPS, SECONDS = 4, 5.0  # 1/3 in is 1.67 s: 40 frames past the keyframe, none on it


def main() -> None:
    runs = runs_arg(5)
    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        raise SystemExit("thumbnails_vs_ffmpeg: ffmpeg is not on PATH")
    ours, theirs, ratios = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        clips = [textured_mp4(d / f"c{i}.mp4", 1280, 720, SECONDS, 24, seed=i) for i in range(CLIPS)]
        at = f"{SECONDS / 3:.3f}"
        for r in range(runs):  # A B A B: each pair shares the machine's mood
            start = time.perf_counter()
            for c in clips:
                thumbnail(c, d / f"thumbs{r}")  # a new cache folder each run: always cold
            ours.append((time.perf_counter() - start) / CLIPS)
            start = time.perf_counter()
            for i, c in enumerate(clips):
                subprocess.run(
                    [ffmpeg, "-v", "error", "-y", "-ss", at, "-i", str(c), "-frames:v", "1"]
                    + ["-vf", "scale=320:180", str(d / f"f{r}_{i}.jpg")],
                    check=True,
                )
            theirs.append((time.perf_counter() - start) / CLIPS)
            ratios.append(theirs[-1] / ours[-1])
    med = sorted(ratios)[len(ratios) // 2]
    emit(
        "thumbnails_vs_ffmpeg",
        [
            figure(
                "cold thumbnail at the exact 1/3 frame, textured 720p clip",
                "s per clip",
                ours,
                goal="≥ 2× faster than ffmpeg -ss (exact)",
                meets=med >= 2,
                anchor="ffmpeg -ss T -i clip -frames:v 1 (process per clip)",
                anchor_values=theirs,
                ratio="ffmpeg ÷ app (speed-up)",
                ratios=ratios,
            )
        ],
    )


if __name__ == "__main__":
    main()
