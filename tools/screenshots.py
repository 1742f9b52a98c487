"""The window in its main states, as PNGs: ``python tools/screenshots.py [OUTDIR] [--size WxH] [--theme
light|dark] [--scale N] [--all]``.

A tool of the repository, not part of the app. It uses its own temporary data folder, so it never touches
your library. Run it under a real X server (``Xvfb :99 -screen 0 2560x1440x24`` and ``DISPLAY=:99``) to see
what an artist sees; without ``DISPLAY`` it renders offscreen. ``--all`` runs every size, theme and scale
of the documented set (one process each: the scale factor is fixed when Qt starts). Nothing here sets an
environment variable at import; ``main()`` does, before Qt starts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# size, theme, scale, full set of states (else the three that show the layout)
MATRIX: tuple[tuple[str, str, int, bool], ...] = (
    ("1920x1080", "dark", 1, True),
    ("1920x1080", "light", 1, True),
    ("1280x720", "dark", 1, False),
    ("1280x720", "light", 1, False),
    ("2560x1440", "dark", 1, False),
    ("2560x1440", "light", 1, False),
    ("1280x720", "dark", 2, False),  # 2560×1440 pixels at 200 %
    ("1280x720", "light", 2, False),
)


async def _pump(seconds: float) -> None:
    await asyncio.sleep(seconds)  # the qasync loop keeps Qt's events flowing meanwhile


async def _wait(predicate: Callable[[], bool], timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not predicate() and time.monotonic() < end:
        await asyncio.sleep(0.05)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "screenshots"), type=Path)
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--theme", default="dark", choices=("light", "dark"))
    parser.add_argument("--scale", default=1, type=int)
    parser.add_argument("--full", action="store_true", help="every state, not only the layout set")
    parser.add_argument("--all", action="store_true", help="the documented set: every size, theme, scale")
    args = parser.parse_args(argv)
    if args.all:
        for size, theme, scale, full in MATRIX:
            command = [sys.executable, __file__, str(args.out), "--size", size, "--theme", theme]
            command += ["--scale", str(scale)] + (["--full"] if full else [])
            subprocess.run(command, check=True)
        return 0
    home = Path(tempfile.mkdtemp(prefix="kd-shots-"))
    os.environ["KLING_DESKTOP_HOME"] = str(home)
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.scale != 1:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    sys.path.insert(0, str(ROOT))
    width, height = (int(x) for x in args.size.split("x"))
    prefix = f"{args.size}{'-x' + str(args.scale) if args.scale != 1 else ''}-{args.theme}"
    return _run(Path(args.out), prefix, width, height, args.theme, args.full, home)


def _run(out: Path, prefix: str, width: int, height: int, theme: str, full: bool, home: Path) -> int:
    import qasync
    from PySide6.QtWidgets import QApplication

    from kling_desktop.core.paths import AppPaths
    from kling_desktop.services import build_services
    from kling_desktop.ui.main_window import MainWindow

    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    services = build_services(AppPaths.default())
    window = MainWindow(services)
    window.set_theme(theme)
    window.move(0, 0)
    window.resize(width, height)
    window.show()
    with loop:
        loop.run_until_complete(_pump(0.5))
        window.fit_panes(window.width(), window.height())
        loop.run_until_complete(scenario(window, services, out, prefix, home, full))
        loop.run_until_complete(services.aclose())
    return 0


def _frames(home: Path) -> Path:
    from PIL import Image, ImageDraw

    frames = home / "frames"
    frames.mkdir(exist_ok=True)
    for name, colors in (("first", ((30, 50, 90), (240, 170, 80))), ("last", ((20, 20, 40), (90, 140, 220)))):
        im = Image.new("RGB", (1600, 900), colors[0])
        d = ImageDraw.Draw(im)
        d.ellipse((600, 200, 1000, 600), fill=colors[1])
        d.rectangle((0, 700, 1600, 900), fill=(15, 15, 20))
        im.save(frames / f"{name}.png")
    return frames


async def scenario(window: Any, services: Any, out: Path, prefix: str, home: Path, full: bool) -> None:
    from kling_desktop.core.request import GenerationRequest, Shot
    from kling_desktop.jobs.model import Job
    from kling_desktop.jobs.states import JobState

    form = window.form

    async def shot(name: str, settle: float = 0.5) -> None:
        await _pump(settle)
        path = out / f"{prefix}-{name}.png"
        window.grab().save(str(path))
        print(path)

    frames = _frames(home)
    await shot("01-start")
    if full:
        form.set_model("klingai:5@2")
        form.first.set_path(str(frames / "first.png"))
        form.last.set_path(str(frames / "last.png"))
        await _wait(lambda: not form.first.busy and not form.last.busy)
        await shot("02-first-last-frames")
        form.set_model("klingai:kling-video@3-pro")
        form.first.set_path(None)
        form.last.set_path(None)
        form.timeline.set_shots(
            [
                Shot(prompt="Wide shot of a quiet library, dust in the light", duration=3),
                Shot(prompt="Camera pushes in on a reader turning a page", duration=4),
                Shot(prompt="Close-up: the page, a pressed flower falls out", duration=3),
            ]
        )
        await _pump(0.3)
        window.form_scroll.ensureWidgetVisible(form.timeline, 0, 200)
        await shot("03-three-shot-timeline")
        window.form_scroll.verticalScrollBar().setValue(0)
    # A failed cloud job from an earlier session, and drafts made here: the history shows them all.
    services.journal.add(
        Job(
            id="cloudfailed1",
            task_id="4f1c2e0a-demo",
            provider="runware",
            model="klingai:5@2",
            request=GenerationRequest(
                model="klingai:5@2", prompt="Neon rain over a night market", duration=5
            ),
            state=JobState.FAILED,
            error="Runware: the content checker refused the first frame (it found a logo).",
            failed_by="provider",
        )
    )
    prompts = ("A red kite over pale dunes", "Rain on a tin roof at night", "Fog rolling over a harbour")
    for i, p in enumerate(prompts):
        r = GenerationRequest(
            model="klingai:kling-video@3-standard",
            prompt=p,
            duration=3,
            sound=i % 2 == 0,
            first_frame=str(frames / ("first.png" if i % 2 else "last.png")),
        )
        await services.runner.wait((await services.runner.submit(r, "local")).id)
    window.load_history()
    running = await services.runner.submit(
        GenerationRequest(model="klingai:kling-video@3-standard", prompt="A paper lantern sways", duration=6),
        "local",
    )
    window.tabs.setCurrentWidget(window.history)
    await _wait(lambda: window.history.model.rowCount() >= 5, 30)
    window.history.select_job("cloudfailed1")
    await shot("04-history-failed-job", 0.8)
    await services.runner.wait(running.id)
    window.tabs.setCurrentWidget(window.gallery)
    window.gallery.refresh()
    await _wait(lambda: window.gallery.model.rowCount() >= 4)
    window.gallery.view.setCurrentIndex(window.gallery.model.index(1))
    await _wait(lambda: not window.viewer.canvas.image.isNull(), 20)
    window.viewer.seek(30)
    await shot("05-viewer-clip-selected", 1.5)
    if full:
        window.viewer.bar.compare_button.setChecked(True)
        await _pump(1.0)
        await shot("06-compare-with-first-frame")
        window.viewer.compare.mode.setCurrentIndex(1)
        await shot("07-compare-wipe")
        window.viewer.bar.compare_button.setChecked(False)
        form.set_model("klingai:1@1")
        form.prompt.set_text("x")
        form.settings.cfg.setValue(1.0)
        form.generate()
        await shot("08-form-error")
    window.viewer.stop()
    window.close()


if __name__ == "__main__":
    sys.exit(main())
