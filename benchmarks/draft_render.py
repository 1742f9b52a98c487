"""Draft render time divided by clip duration (below 1 = faster than real time). Prints one JSON object."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from kling_desktop.render import DraftPlan, Segment, render_draft


def measure(plan: DraftPlan, out: Path) -> float:
    start = time.perf_counter()
    render_draft(plan, out)
    return (time.perf_counter() - start) / plan.duration


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        Image.new("RGB", (1600, 900), (200, 90, 40)).save(d / "a.png")
        Image.new("RGB", (1600, 900), (30, 60, 200)).save(d / "b.png")
        cases = {
            "t2v_title_720p_24fps_sound": DraftPlan(
                1280, 720, 24, (Segment(5, "A title card"),), "M", sound=True
            ),
            "i2v_pan_720p_30fps": DraftPlan(
                1280, 720, 30, (Segment(5, "pan", "pan", first_image=d / "a.png"),), "M"
            ),
            "first_last_720p_30fps": DraftPlan(
                1280,
                720,
                30,
                (Segment(5, "morph", "morph", first_image=d / "a.png", last_image=d / "b.png"),),
                "M",
            ),
            "three_shots_1080p_24fps_sound": DraftPlan(
                1920,
                1080,
                24,
                tuple(Segment(x, f"shot {i}") for i, x in enumerate((3, 4, 3))),
                "M",
                sound=True,
            ),
        }
        ratios = {name: round(measure(plan, d / f"{name}.mp4"), 3) for name, plan in cases.items()}
    print(
        json.dumps(
            {
                "benchmark": "draft_render",
                "unit": "render seconds per clip second",
                "cores": os.cpu_count(),
                "python": sys.version.split()[0],
                "ratios": ratios,
                "faster_than_real_time_at_720p": all(v < 1 for k, v in ratios.items() if "720p" in k),
            }
        )
    )


if __name__ == "__main__":
    main()
