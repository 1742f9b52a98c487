"""The composition root of the window: the Qt application, the qasync event loop, the services, the window."""

from __future__ import annotations

import asyncio
import logging
import logging.handlers
import os
import sys
import traceback
from types import TracebackType

from kling_desktop import APP_ID, APP_NAME, __version__
from kling_desktop.core.paths import AppPaths

log = logging.getLogger(__name__)


LOG_BYTES = 2_000_000  # per file; five files are kept
LOG_FILES = 5


def log_handler(paths: AppPaths, max_bytes: int = LOG_BYTES) -> logging.Handler:
    """The log file, rotated at ``max_bytes`` (the oldest of ``LOG_FILES`` old files goes)."""
    handler = logging.handlers.RotatingFileHandler(
        paths.logs / "kling-desktop.log", maxBytes=max_bytes, backupCount=LOG_FILES, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    return handler


def _setup_logging(paths: AppPaths) -> None:
    handler = log_handler(paths)
    logging.basicConfig(level=logging.INFO, handlers=[handler, logging.StreamHandler()])
    logging.getLogger("httpx").setLevel(
        logging.WARNING
    )  # request lines carry URLs, never keys; keep logs calm


def install_excepthook(show: bool = True) -> None:
    """An unexpected error is written to the log with its traceback and shown in a dialog (never lost)."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        log.critical("Unexpected error", exc_info=(kind, error, tb))
        if not show:
            return
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            f"{APP_NAME}: unexpected error",
            f"Something went wrong: {error}\n\nYour jobs and clips are saved. The details are in the log "
            "file (Help → About shows where); please include them if you report this.",
        )
        box.setDetailedText("".join(traceback.format_exception(kind, error, tb)))
        box.exec()

    sys.excepthook = hook


def _loop_error(_loop: asyncio.AbstractEventLoop, context: dict[str, object]) -> None:
    """An asyncio failure nobody awaited: logged, and shown where the window shows failures."""
    error = context.get("exception")
    message = str(context.get("message") or "A background task failed")
    log.error("%s", message, exc_info=error if isinstance(error, BaseException) else None)
    from kling_desktop.ui.workers import report

    report(f"{message}: {error}" if error else message)


def run_app(self_test: bool = False) -> int:
    if self_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from kling_desktop.services import build_services
    from kling_desktop.ui.main_window import MainWindow
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
    install_wheel_guard(app)  # no dropdown, spin box or slider changes on the wheel unless focused
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_exception_handler(_loop_error)
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
