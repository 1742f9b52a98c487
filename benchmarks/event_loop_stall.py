"""Worst and p99 GUI event-loop stall while 50 jobs poll the emulator and 5 large downloads stream."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from _common import emit, p99  # noqa: E402

JOBS, DOWNLOADS, DOWNLOAD_MB = 50, 5, 60


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = tempfile.mkdtemp(prefix="kd-stall-")
    os.environ["KLING_DESKTOP_HOME"] = home
    import httpx
    import qasync
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kling_desktop.core.paths import AppPaths
    from kling_desktop.core.request import GenerationRequest
    from kling_desktop.core.settings import Settings
    from kling_desktop.jobs import download as dl
    from kling_desktop.services import build_services
    from kling_desktop.ui.main_window import MainWindow
    from kling_emulator.server import RUNWARE_TEST_KEY, EmulatorServer

    dl.verify = lambda path, kind: None  # the big blobs are random bytes, not videos
    app = QApplication(sys.argv)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with EmulatorServer(delay=6.0, max_side=160) as emu:
        os.environ["KLING_DESKTOP_RUNWARE_URL"] = emu.base_url
        os.environ["RUNWARE_API_KEY"] = RUNWARE_TEST_KEY
        paths = AppPaths.default().ensure()
        Settings(concurrency={"runware": JOBS}).save(paths.config / "settings.json")
        services = build_services(paths)
        window = MainWindow(services)
        window.show()
        for i in range(DOWNLOADS):
            (emu.state.media_dir / f"blob{i}.mp4").write_bytes(os.urandom(DOWNLOAD_MB * 1024 * 1024))
        ticks: list[float] = []
        timer = QTimer(interval=10)
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))

        async def scenario() -> None:
            timer.start()
            req = GenerationRequest(model="klingai:1@1", prompt="A boat", width=1280, height=720, duration=5)
            jobs = [await services.runner.submit(req, "runware") for _ in range(JOBS)]
            async with httpx.AsyncClient() as client:
                downloads = [
                    dl.download(client, f"{emu.base_url}/media/blob{i}.mp4", paths.cache / f"b{i}.mp4")
                    for i in range(DOWNLOADS)
                ]
                await asyncio.gather(*downloads)
            for j in jobs:
                await services.runner.wait(j.id)
            timer.stop()
            await services.aclose()

        with loop:
            loop.run_until_complete(scenario())
    gaps = [(b - a) * 1000 for a, b in zip(ticks, ticks[1:], strict=False)]
    stalls = [max(0.0, g - 10) for g in gaps]
    emit(
        "event_loop_stall",
        unit="ms beyond a 10 ms timer",
        jobs=JOBS,
        downloads=DOWNLOADS,
        download_mb_each=DOWNLOAD_MB,
        samples=len(gaps),
        worst=round(max(stalls), 1),
        p99=round(p99(stalls), 1),
    )


if __name__ == "__main__":
    main()
