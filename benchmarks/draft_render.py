"""Draft render time ÷ clip length, through the full request path, on photo-like inputs.

For each case a GenerationRequest (with photo-like first/last frames where the workflow takes them) goes
through ``plan_for`` and ``render_draft`` to a real H.264 MP4, as the app does. Each run is timed; the anchor
is the clip's own length (real time), so the ratio is render seconds per clip second.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from _common import emit, figure, runs_arg  # noqa: E402
from _media import save_photo  # noqa: E402

from kling_desktop.core.request import GenerationRequest, Shot  # noqa: E402
from kling_desktop.render import render_draft  # noqa: E402
from kling_desktop.render.from_request import plan_for  # noqa: E402

MODEL = "klingai:kling-video@3-pro"
CAPTION = "A lighthouse on a rocky coast at dusk, waves breaking below, the beam sweeping through sea mist"


def cases(d: Path) -> dict[str, tuple[GenerationRequest, float]]:
    a = str(save_photo(d / "first.jpg", 1920, 1080, 1))
    b = str(save_photo(d / "last.jpg", 1920, 1080, 2))
    out: dict[str, tuple[GenerationRequest, float]] = {}
    for label, (w, h), goal in (("720p", (1280, 720), 0.5), ("1080p", (1920, 1080), 1.0)):
        size = {"width": w, "height": h}
        out[f"{label} one frame (camera move), 5 s"] = (
            GenerationRequest(model=MODEL, prompt=CAPTION, first_frame=a, duration=5, **size),
            goal,
        )
        out[f"{label} first→last, 5 s"] = (
            GenerationRequest(model=MODEL, prompt=CAPTION, first_frame=a, last_frame=b, duration=5, **size),
            goal,
        )
        out[f"{label} three shots with sound, 10 s"] = (
            GenerationRequest(
                model=MODEL,
                first_frame=a,
                sound=True,
                shots=(
                    Shot(prompt="Wide shot of the coast", duration=3),
                    Shot(prompt="Push in on the lighthouse", duration=4),
                    Shot(prompt="Close on the lamp", duration=3),
                ),
                **size,
            ),
            goal,
        )
    return out


def main() -> None:
    runs = runs_arg(3)
    only = "720p" if "--quick" in sys.argv else ""
    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        for name, (req, goal) in cases(d).items():
            if only and only not in name:
                continue
            times, ratios, length = [], [], 0.0
            for i in range(runs):
                start = time.perf_counter()
                plan = plan_for(req)
                result = render_draft(plan, d / f"out{i}.mp4")
                seconds = time.perf_counter() - start
                length = result.duration
                times.append(seconds)
                ratios.append(seconds / result.duration)
            med = sorted(ratios)[len(ratios) // 2]
            figures.append(
                figure(
                    f"draft {name}: render time",
                    "s",
                    times,
                    goal=f"≤ {goal:g} × clip length",
                    meets=med <= goal,
                    anchor="clip length (real time)",
                    anchor_values=[length] * runs,
                    ratio="render ÷ clip length",
                    ratios=ratios,
                    note=f"{plan.width}×{plan.height} {plan.fps} fps",
                )
            )
    emit("draft_render", figures)


if __name__ == "__main__":
    main()
