"""The composition root of the window: the Qt application, the qasync event loop, the services, the window."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from types import TracebackType
from typing import TYPE_CHECKING

from kling_desktop import APP_ID, APP_NAME, __version__
from kling_desktop.core.paths import AppPaths

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)


LOG_BYTES = 2_000_000  # per file; five files are kept
LOG_FILES = 5


def log_handler(paths: AppPaths, max_bytes: int = LOG_BYTES) -> logging.Handler:
    """The log file, rotated at ``max_bytes`` (the oldest of ``LOG_FILES`` old files goes)."""
    import logging.handlers  # socket, pickle and more: not on the way to the first paint

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


def _frame_window(paths: AppPaths) -> object:
    """An empty window where the main window will be (its saved geometry, its title), shown at once, so the
    desktop has a painted window while the rest of the app is imported and built (about a second)."""
    from PySide6.QtCore import QSettings, Qt, QTimer
    from PySide6.QtWidgets import QLabel, QMainWindow

    frame = QMainWindow()
    frame.setWindowTitle(f"{APP_NAME} {__version__}")
    geometry = QSettings(str(paths.config / "window.ini"), QSettings.Format.IniFormat).value("geometry")
    if geometry is None or not frame.restoreGeometry(geometry):
        screen = frame.screen().availableGeometry() if frame.screen() else None
        width, height = (screen.width(), screen.height()) if screen else (1440, 900)
        frame.resize(max(800, int(width * 0.9)), max(560, int(height * 0.9)))
    frame.show()

    def say_opening() -> (
        None
    ):  # after the first paint: text means loading fonts, which the frame need not wait for
        label = QLabel(f"Opening {APP_NAME}…")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setEnabled(False)
        frame.setCentralWidget(label)

    QTimer.singleShot(0, frame, say_opening)
    return frame


def run_app(self_test: bool = False) -> int:
    """Paint first: a frame window appears before anything heavy is imported; the services and the main
    window are built on the next turns of the event loop and take the frame's place."""
    if self_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    paths = AppPaths.default().ensure()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("kling-desktop")
    app.setDesktopFileName(APP_ID)
    frame = _frame_window(paths)
    app.processEvents()  # paint it now: asyncio, qasync and the rest are imported after this
    import asyncio

    import qasync

    from kling_desktop.core.priority import background_executor

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_exception_handler(_loop_error)
    loop.set_default_executor(background_executor())  # worker threads give way to the window's thread
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    built: list[object] = []  # the services, once built (closed on the way out)

    async def main() -> int:
        for _ in range(2):  # let Qt paint the frame before the imports below hold the thread
            await asyncio.sleep(0)
        from PySide6.QtGui import QIcon

        from kling_desktop.services import build_services
        from kling_desktop.ui.main_window import MainWindow
        from kling_desktop.ui.wheel_guard import install_wheel_guard

        _setup_logging(paths)
        icon = _icon_path()
        if icon:
            app.setWindowIcon(QIcon(icon))
        install_wheel_guard(app)  # no dropdown, spin box or slider changes on the wheel unless focused
        services = build_services(paths)
        built.append(services)
        window = MainWindow(services)
        window.show()
        frame.close()  # type: ignore[attr-defined]
        for _ in range(2):  # painted first
            await asyncio.sleep(0)
        frozen = await services.settle_after_start()
        resumed = await services.runner.resume_all()
        if resumed:
            window.statusBar().showMessage(f"Re-attached to {len(resumed)} unfinished job(s).")
        if self_test:
            from kling_desktop.tools.self_test import run_self_test

            code = await run_self_test(window, frozen)
            window.close()
            return code
        await closed.wait()
        return 0

    with loop:
        try:
            code = loop.run_until_complete(main())
        finally:
            for services in built:
                loop.run_until_complete(services.aclose())  # type: ignore[attr-defined]
    return code


def _icon_path() -> str | None:
    try:
        from kling_desktop.resources import icon_path

        return str(icon_path(256))
    except (ImportError, FileNotFoundError):
        return None
