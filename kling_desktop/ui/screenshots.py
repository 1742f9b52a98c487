"""Render the window offscreen in its main states to PNG files: ``python -m kling_desktop.tools.screenshots OUT``.

Uses its own temporary data folder, so it never touches your library.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


async def _pump(app: object, seconds: float) -> None:
    await asyncio.sleep(seconds)  # the qasync loop keeps Qt's events flowing meanwhile


async def _wait(app: object, predicate: object, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not predicate() and time.monotonic() < end:  # type: ignore[operator]
        await asyncio.sleep(0.05)


def main(out: Path) -> int:
    home = Path(tempfile.mkdtemp(prefix="kd-shots-"))
    os.environ["KLING_DESKTOP_HOME"] = str(home)
    import qasync
    from PySide6.QtWidgets import QApplication

    from kling_desktop.core.paths import AppPaths
    from kling_desktop.services import build_services
    from kling_desktop.ui.main_window import MainWindow
    from kling_desktop.ui.theme import STYLE

    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setStyleSheet(STYLE)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    services = build_services(AppPaths.default())
    window = MainWindow(services)
    window.resize(1500, 960)
    window.show()
    with loop:
        loop.run_until_complete(scenario(app, window, services, out, home))
        loop.run_until_complete(services.aclose())
    return 0


async def scenario(app: object, window: Any, services: Any, out: Path, home: Path) -> None:
    from PIL import Image, ImageDraw

    from kling_desktop.core.request import GenerationRequest, Shot

    form = window.form

    async def shot(name: str, settle: float = 0.4) -> None:
        await _pump(app, settle)
        window.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")

    await shot("01-empty")
    form.set_model("klingai:kling-image@o3")
    form.prompt.set_text("A lighthouse on a basalt cliff at dusk, long exposure sea, warm window light")
    await shot("02-image-model")
    frames = home / "frames"
    frames.mkdir()
    for name, colors in (("first", ((30, 50, 90), (240, 170, 80))), ("last", ((20, 20, 40), (90, 140, 220)))):
        im = Image.new("RGB", (1600, 900), colors[0])
        d = ImageDraw.Draw(im)
        d.ellipse((600, 200, 1000, 600), fill=colors[1])
        d.rectangle((0, 700, 1600, 900), fill=(15, 15, 20))
        im.save(frames / f"{name}.png")
    form.set_model("klingai:5@2")
    form.first.set_path(str(frames / "first.png"))
    form.last.set_path(str(frames / "last.png"))
    await _wait(app, lambda: not form.first.busy and not form.last.busy)
    await shot("03-i2v-first-last")
    form.set_model("klingai:kling-video@3-pro")
    form.first.set_path(None)
    form.last.set_path(None)
    form.prompt.set_text("")
    form.timeline.set_shots(
        [
            Shot(prompt="Wide shot of a quiet library, dust in the light", duration=3),
            Shot(prompt="Camera pushes in on a reader turning a page", duration=4),
            Shot(prompt="Close-up: the page, a pressed flower falls out", duration=3),
        ]
    )
    await _pump(app, 0.3)
    window.form_scroll.ensureWidgetVisible(form.timeline, 0, 400)
    await shot("04-three-shot-timeline")
    window.form_scroll.verticalScrollBar().setValue(0)
    req = GenerationRequest(
        model="klingai:kling-video@3-standard",
        prompt="A paper lantern sways in the wind",
        width=1280,
        height=720,
        duration=6,
        sound=True,
    )
    job = await services.runner.submit(req, "local")
    window.tabs.setCurrentWidget(window.jobs)
    await _wait(
        app,
        lambda: window.jobs.model.rowCount() > 0 and services.journal.get(job.id).state.value == "running",
        30,
    )
    await shot("05-job-running", 0.6)
    await services.runner.wait(job.id)
    window.tabs.setCurrentWidget(window.gallery)
    form.set_model("klingai:1@1")
    form.prompt.set_text("x")
    form.settings.cfg.setValue(1.0)
    form.generate()
    window.form_scroll.ensureWidgetVisible(form.problems)
    await shot("06-error-shown")
    for i, p in enumerate(
        (
            "A red kite over pale dunes",
            "Rain on a tin roof at night",
            "Fog rolling over a harbour",
            "A cyclist on a mountain road, golden hour",
        )
    ):
        r = GenerationRequest(
            model="klingai:kling-video@3-standard",
            prompt=p,
            width=1280,
            height=720,
            duration=3,
            sound=i % 2 == 0,
            first_frame=str(frames / ("first.png" if i % 2 else "last.png")),
        )
        r = r.model_copy(update={"width": None, "height": None})
        await services.runner.wait((await services.runner.submit(r, "local")).id)
    window.tabs.setCurrentWidget(window.gallery)
    window.gallery.refresh()
    await _wait(app, lambda: window.gallery.model.rowCount() >= 5)
    await _pump(app, 1.5)
    await shot("07-gallery-grid", 1.0)
    view = window.gallery.view
    view.setCurrentIndex(window.gallery.model.index(0))
    await _pump(app, 1.0)
    await shot("08-gallery-details")
    window.gallery.play(window.gallery.model.clips[0])
    await _wait(app, lambda: window.gallery.player.media.position() > 300, 20)
    await shot("09-player")
    window.gallery.player.stop()
    window.close()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))
