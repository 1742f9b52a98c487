"""The composition root of the window: the Qt application, the qasync event loop, the services, the window."""

from __future__ import annotations

import asyncio
import logging
import os
import sys

from kling_desktop import APP_ID, APP_NAME, __version__
from kling_desktop.core.paths import AppPaths

log = logging.getLogger(__name__)


def _setup_logging(paths: AppPaths) -> None:
    handler = logging.FileHandler(paths.logs / "kling-desktop.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler, logging.StreamHandler()])
    logging.getLogger("httpx").setLevel(
        logging.WARNING
    )  # request lines carry URLs, never keys; keep logs calm


def run_app(self_test: bool = False) -> int:
    if self_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from kling_desktop.services import build_services
    from kling_desktop.ui.main_window import MainWindow
    from kling_desktop.ui.theme import STYLE
    from kling_desktop.ui.wheel_guard import install_wheel_guard

    paths = AppPaths.default().ensure()
    _setup_logging(paths)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("kling-desktop")
    app.setDesktopFileName(APP_ID)
    icon = _icon_path()
    if icon:
        app.setWindowIcon(QIcon(icon))
    app.setStyleSheet(STYLE)
    install_wheel_guard(app)  # no dropdown, spin box or slider changes on the wheel unless focused
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    services = build_services(paths)
    window = MainWindow(services)
    window.show()
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)

    async def main() -> int:
        resumed = await services.runner.resume_all()
        if resumed:
            window.statusBar().showMessage(f"Re-attached to {len(resumed)} unfinished job(s).")
        if self_test:
            from kling_desktop.tools.self_test import run_self_test

            code = await run_self_test(window)
            window.close()
            return code
        await closed.wait()
        return 0

    with loop:
        try:
            code = loop.run_until_complete(main())
        finally:
            loop.run_until_complete(services.aclose())
    return code


def _icon_path() -> str | None:
    try:
        from kling_desktop.resources import icon_path

        return str(icon_path(256))
    except (ImportError, FileNotFoundError):
        return None
