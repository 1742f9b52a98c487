"""Delay between a result becoming ready on the emulator and the client noticing it (median, p90)."""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
from datetime import datetime

sys.path.insert(0, os.path.dirname(__file__))
from _common import emit  # noqa: E402


def main(jobs: int = 12) -> None:
    with tempfile.TemporaryDirectory() as home:
        os.environ["KLING_DESKTOP_HOME"] = home
        from kling_desktop.core.request import GenerationRequest
        from kling_desktop.core.settings import Settings
        from kling_desktop.services import build_services
        from kling_emulator.server import RUNWARE_TEST_KEY, EmulatorServer

        with EmulatorServer(delay=0.0, max_side=160) as emu:
            os.environ["KLING_DESKTOP_RUNWARE_URL"] = emu.base_url
            os.environ["RUNWARE_API_KEY"] = RUNWARE_TEST_KEY
            from kling_desktop.core.paths import AppPaths

            paths = AppPaths.default().ensure()
            Settings(concurrency={"runware": jobs}).save(paths.config / "settings.json")
            rng = random.Random(7)
            req = GenerationRequest(model="klingai:1@1", prompt="A boat", width=1280, height=720, duration=5)

            async def run() -> list[float]:
                s = build_services(paths)
                try:
                    submitted = [await s.runner.submit(req, "runware") for _ in range(jobs)]
                    for j in submitted:  # each task becomes ready at a random moment 1–8 s after it arrived
                        t = None
                        while t is None:
                            t = emu.state.find(j.task_id)
                            await asyncio.sleep(0.01)
                        t.ready_at = t.created + rng.uniform(1, 8)
                    done = [await s.runner.wait(j.id) for j in submitted]
                    delays = []
                    for j in done:
                        task = emu.state.find(j.task_id)
                        assert task is not None and task.future is not None
                        ready = max(task.ready_at, task.future.result()[0].stat().st_mtime)
                        noticed = next(
                            datetime.fromisoformat(at).timestamp()
                            for at, state, _ in s.journal.history(j.id)
                            if state == "downloading"
                        )
                        delays.append(noticed - ready)
                    return delays
                finally:
                    await s.aclose()

            delays = asyncio.run(run())
    emit(
        "ready_to_noticed",
        unit="seconds",
        jobs=jobs,
        median=round(statistics.median(delays), 2),
        p90=round(sorted(delays)[int(len(delays) * 0.9) - 1], 2),
        max=round(max(delays), 2),
    )


if __name__ == "__main__":
    main()
