"""Start-up to the first painted window: the app vs a bare PySide6 window, each in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from _common import emit  # noqa: E402

BARE = """
import sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow
class F(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint:
            print("painted", flush=True); sys.exit(0)
        return False
app = QApplication(sys.argv); w = QMainWindow(); w.resize(1400, 900); f = F(); w.installEventFilter(f); w.show(); app.exec()
"""
APP = """
import asyncio, sys
import qasync
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
from kling_desktop.services import build_services
from kling_desktop.ui.main_window import MainWindow
from kling_desktop.ui.theme import STYLE
class F(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint:
            print("painted", flush=True); import os; os._exit(0)
        return False
app = QApplication(sys.argv); app.setStyleSheet(STYLE)
loop = qasync.QEventLoop(app); asyncio.set_event_loop(loop)
w = MainWindow(build_services()); f = F(); w.installEventFilter(f); w.show()
with loop: loop.run_forever()
"""


def measure(code: str, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KLING_DESKTOP_HOME": home}
            start = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
            assert "painted" in out.stdout, out.stderr[-1000:]
            times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


if __name__ == "__main__":
    bare, app = measure(BARE), measure(APP)
    emit("startup", unit="seconds to first paint (median of 5, fresh process, offscreen)",
         bare_pyside6=round(bare, 3), app=round(app, 3), ratio=round(app / bare, 2))
