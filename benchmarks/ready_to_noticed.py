"""From a result becoming ready on the emulator (another process) to the client noticing it.

Each task is ready at a random moment 10 s to 5 min after submit (``--quick``: 10 s to 60 s), so the
client's polling schedule is measured where it is sparsest, not in its dense first seconds. Every job's
delay (noticed − ready) is one sample; the figure gives min / median / max over them.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from _common import emit, emulator, figure, runs_arg  # noqa: E402

GOAL_MEDIAN = 2.0


def main() -> None:
    jobs = runs_arg(12)
    high = 60.0 if "--quick" in sys.argv else 300.0
    with tempfile.TemporaryDirectory() as home:
        os.environ["KLING_DESKTOP_HOME"] = home
        log = Path(home) / "ready.log"
        from kling_desktop.core.paths import AppPaths
        from kling_desktop.core.request import GenerationRequest
        from kling_desktop.core.settings import Settings
        from kling_desktop.services import build_services
        from kling_emulator.server import RUNWARE_TEST_KEY

        with emulator(10.0, 160, spread_to=high, log=log) as url:
            os.environ["KLING_DESKTOP_RUNWARE_URL"] = url
            os.environ["RUNWARE_API_KEY"] = RUNWARE_TEST_KEY
            paths = AppPaths.default().ensure()
            Settings(concurrency={"runware": jobs}).save(paths.config / "settings.json")
            req = GenerationRequest(model="klingai:1@1", prompt="A boat", width=1280, height=720, duration=5)

            async def run() -> list[float]:
                s = build_services(paths)
                try:
                    submitted = [await s.runner.submit(req, "runware") for _ in range(jobs)]
                    done = [await s.runner.wait(j.id) for j in submitted]
                    ready: dict[str, float] = {}
                    for line in log.read_text().splitlines():
                        task_id, external, at = line.split()
                        ready[task_id] = ready[external] = float(at)
                    delays = []
                    for j in done:
                        noticed = next(
                            datetime.fromisoformat(at).timestamp()
                            for at, state, _ in s.journal.history(j.id)
                            if state == "downloading"
                        )
                        delays.append(noticed - ready[j.task_id])
                    return delays
                finally:
                    await s.aclose()

            delays = asyncio.run(run())
    med = sorted(delays)[len(delays) // 2]
    emit(
        "ready_to_noticed",
        [
            figure(
                f"result ready (10 s–{high:.0f} s after submit) → noticed",
                "s",
                delays,
                goal=f"median ≤ {GOAL_MEDIAN:g} s",
                meets=med <= GOAL_MEDIAN,
                note=f"{jobs} jobs, one sample each; emulator in another process",
            )
        ],
    )


if __name__ == "__main__":
    main()
