"""Start-up to the first painted window: the real app vs a bare PySide6 QMainWindow, each in a fresh process.

    .venv/bin/python benchmarks/startup.py [--runs N]   # prints one JSON object

Every sample is a new Python process (offscreen Qt) running this file as a probe:
- ``--probe bare``: QApplication + an empty QMainWindow of the app's size, shown;
- ``--probe app``: ``kling_desktop.app.run_app()`` itself, the same code path as ``kling-desktop``.
In both, an application-wide event filter waits for the first paint event of a widget inside a QMainWindow,
prints the wall-clock time and ends the process at once. The time counted is from just before the parent
starts the process to that paint: interpreter start, imports, services, window construction, first paint.
The app is measured twice: on a data folder that already exists (an ordinary start) and on an empty one
(the first start, which creates the databases and the library).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from _common import emit, figure, runs_arg  # noqa: E402

RUNS = 7
PAINTED = "first-paint "  # any window of the app painted (the frame shown before the rest is built)
FULL = "full-paint "  # the complete main window painted


def probe(kind: str) -> int:
    """Runs inside the measured process; never returns normally."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

    class FirstPaint(QObject):
        first = False

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
            if (
                event.type() == QEvent.Type.Paint
                and isinstance(obj, QWidget)
                and isinstance(obj.window(), QMainWindow)
            ):
                if not self.first:
                    self.first = True
                    print(f"{PAINTED}{time.time():.6f}", flush=True)
                if kind == "bare" or type(obj.window()).__name__ == "MainWindow":
                    print(f"{FULL}{time.time():.6f}", flush=True)
                    os._exit(0)  # the measurement is taken; skip the teardown
            return False

    app = QApplication(sys.argv)
    watcher = FirstPaint()
    app.installEventFilter(watcher)
    if kind == "bare":
        window = QMainWindow()
        window.resize(1400, 900)
        window.show()
        return app.exec()
    from kling_desktop.app import run_app  # reuses the QApplication made above

    return run_app()


def sample(kind: str, home: str) -> tuple[float, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KLING_DESKTOP_HOME": home}
    start = time.time()
    out = subprocess.run(
        [sys.executable, __file__, "--probe", kind], env=env, capture_output=True, text=True, timeout=120
    )
    first = [line for line in out.stdout.splitlines() if line.startswith(PAINTED)]
    full = [line for line in out.stdout.splitlines() if line.startswith(FULL)]
    if not first or not full:
        raise RuntimeError(f"{kind}: no paint (exit {out.returncode}): {out.stderr[-1500:]}")
    return float(first[0].removeprefix(PAINTED)) - start, float(full[0].removeprefix(FULL)) - start


def main() -> None:
    runs = runs_arg(RUNS)
    bare, app, first, full = [], [], [], []
    with tempfile.TemporaryDirectory() as root:
        home = str(Path(root) / "home")
        sample("bare", home), sample("app", home)  # warm the page cache; creates `home` for ordinary starts
        for i in range(runs):  # interleaved, so a noisy neighbour hurts both sides alike
            bare.append(sample("bare", home)[0])
            shown, built = sample("app", home)
            app.append(shown)
            full.append(built)
            first.append(sample("app", str(Path(root) / f"fresh-{i}"))[0])
    ratios = [a / b for a, b in zip(app, bare, strict=True)]
    full_ratios = [a / b for a, b in zip(full, bare, strict=True)]
    first_ratios = [a / b for a, b in zip(first, bare, strict=True)]
    emit(
        "startup",
        [
            figure(
                "start → first painted window (the frame, before the rest is built)",
                "s",
                app,
                goal="≤ 1.5 × bare window",
                meets=statistics.median(ratios) <= 1.5,
                anchor="bare PySide6 QMainWindow",
                anchor_values=bare,
                ratio="app ÷ bare",
                ratios=ratios,
                note="existing data folder; offscreen Qt; each run a fresh process",
            ),
            figure(
                "start → complete main window painted (form, history, viewer)",
                "s",
                full,
                goal="(no goal; the frame above is what the person sees first)",
                meets=True,
                anchor="bare PySide6 QMainWindow",
                anchor_values=bare,
                ratio="app ÷ bare",
                ratios=full_ratios,
            ),
            figure(
                "first start ever (empty data folder) → first painted window",
                "s",
                first,
                goal="≤ 1.5 × bare window",
                meets=statistics.median(first_ratios) <= 1.5,
                anchor="bare PySide6 QMainWindow",
                anchor_values=bare,
                ratio="app ÷ bare",
                ratios=first_ratios,
            ),
        ],
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--probe":
        sys.exit(probe(sys.argv[2]))
    main()
