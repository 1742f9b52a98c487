"""GUI event-loop stall while 200 jobs poll the emulator and 5 downloads stream, servers in other processes.

Each run is a fresh process (``--one``) showing the real MainWindow on qasync's loop (offscreen Qt). It
submits 200 jobs to the emulator (its own process; each task processes for 20 s, so every job keeps polling),
and streams 5 × 60 MB from a static file server (its own process) with the app's downloader on the same
loop. A precise 10 ms QTimer ticks throughout; a stall is how late a tick came (gap − 10 ms). Per run: the
worst stall and the p99; the figures give min / median / max over runs. The anchor is the same timer in a
bare PySide6 window on qasync's loop with nothing else to do, measured in the same run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from _common import emit, emulator, figure, p99, runs_arg, static_server  # noqa: E402

JOBS, DOWNLOADS, DOWNLOAD_MB, TASK_SECONDS = 200, 5, 60, 20.0


def one(kind: str, emu_url: str, files_url: str) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = tempfile.mkdtemp(prefix="kd-stall-")
    os.environ["KLING_DESKTOP_HOME"] = home
    import asyncio

    import qasync
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    if kind == "app":
        from kling_desktop.core.priority import background_executor

        loop.set_default_executor(background_executor())  # as run_app sets it up
    ticks: list[float] = []
    timer = QTimer(interval=10)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))

    if kind == "bare":
        window = QMainWindow()
        window.resize(1400, 900)
        window.show()

        async def scenario() -> None:
            timer.start()
            await asyncio.sleep(5.0)
            timer.stop()

    else:
        from kling_desktop.core.paths import AppPaths
        from kling_desktop.core.request import GenerationRequest
        from kling_desktop.core.settings import Settings
        from kling_desktop.jobs import download as dl
        from kling_desktop.services import build_services
        from kling_desktop.ui.main_window import MainWindow
        from kling_emulator.server import RUNWARE_TEST_KEY

        dl.check_complete = lambda path, kind, expected=None: None  # random bytes, not videos
        os.environ["KLING_DESKTOP_RUNWARE_URL"] = emu_url
        os.environ["RUNWARE_API_KEY"] = RUNWARE_TEST_KEY
        paths = AppPaths.default().ensure()
        Settings(concurrency={"runware": JOBS}).save(paths.config / "settings.json")
        services = build_services(paths)
        window = MainWindow(services)
        window.resize(1400, 900)
        window.show()

        async def scenario() -> None:
            await services.settle_after_start()  # as run_app does once the window is painted
            timer.start()
            req = GenerationRequest(model="klingai:1@1", prompt="A boat", width=1280, height=720, duration=5)
            jobs = [await services.runner.submit(req, "runware") for _ in range(JOBS)]
            await asyncio.gather(  # through the runner's file client, as the app fetches results
                *(
                    dl.download(services.runner.files, f"{files_url}/blob{i}.mp4", paths.cache / f"b{i}.mp4")
                    for i in range(DOWNLOADS)
                )
            )
            for j in jobs:
                await services.runner.wait(j.id)
            timer.stop()
            await services.aclose()

    with loop:
        loop.run_until_complete(scenario())
    stalls = [max(0.0, (b - a) * 1000 - 10) for a, b in zip(ticks, ticks[1:], strict=False)]
    print(json.dumps({"worst": max(stalls), "p99": p99(stalls), "samples": len(stalls)}), flush=True)
    os._exit(0)


def sample(kind: str, emu_url: str, files_url: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--one", kind, emu_url, files_url],
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"{kind}: no result (exit {out.returncode}): {out.stderr[-2000:]}")
    return json.loads(lines[-1])


def main() -> None:
    runs = runs_arg(3)
    app, bare = [], []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        for i in range(DOWNLOADS):
            with (d / f"blob{i}.mp4").open("wb") as f:
                for _ in range(DOWNLOAD_MB):
                    f.write(os.urandom(1024 * 1024))
        with static_server(d) as files, emulator(TASK_SECONDS, 160) as emu:
            for _ in range(runs):
                bare.append(sample("bare", emu, files))
                app.append(sample("app", emu, files))
    worst = [r["worst"] for r in app]
    p = [r["p99"] for r in app]
    med = sorted
    emit(
        "event_loop_stall",
        [
            figure(
                f"event-loop stall, worst ({JOBS} jobs polling + {DOWNLOADS} × {DOWNLOAD_MB} MB downloads)",
                "ms",
                worst,
                goal="≤ 50 ms",
                meets=med(worst)[len(worst) // 2] <= 50,
                anchor="bare window, same timer, idle",
                anchor_values=[r["worst"] for r in bare],
                note="servers in other processes",
            ),
            figure(
                "event-loop stall, p99 (same runs)",
                "ms",
                p,
                goal="≤ 16 ms",
                meets=med(p)[len(p) // 2] <= 16,
                anchor="bare window, same timer, idle",
                anchor_values=[r["p99"] for r in bare],
            ),
        ],
    )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--one":
        one(sys.argv[2], sys.argv[3], sys.argv[4])
    main()
