"""Opening the window: no sub-command is imported, and a window is painted before the heavy modules load."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import os, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and isinstance(obj.window(), QMainWindow):
            heavy = [m for m in ("kling_desktop.services", "kling_desktop.ui.main_window", "av", "httpx",
                                 "keyring", "jwt", "kling_desktop.cli.generate") if m in sys.modules]
            print("painted-with", ",".join(heavy) or "-", flush=True)
            os._exit(0)
        return False

app = QApplication(sys.argv)
watcher = FirstPaint()
app.installEventFilter(watcher)
from kling_desktop.cli import main
sys.exit(main([]))
"""


def test_first_paint_comes_before_services_window_and_subcommands(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KLING_DESKTOP_HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("painted-with")]
    assert lines, out.stderr[-2000:]
    assert lines[0] == "painted-with -"
