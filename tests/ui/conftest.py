"""UI test set-up: a qasync loop for the async core, services on a temp data root."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread() -> Iterator[None]:
    """Collect the test's widgets here, on the GUI thread: left to the cyclic GC, a later collection could run
    in a worker thread and destroy a QObject (and its timers) there. Qt warnings fail the test through
    pytest-qt (``qt_log_level_fail`` in pyproject.toml)."""
    yield
    gc.collect()


@pytest.fixture(scope="session", autouse=True)
def _wheel_guard(qapp) -> None:
    """As in the app: no value control takes the wheel unless it has focus."""
    from kling_desktop.ui.wheel_guard import install_wheel_guard

    install_wheel_guard(qapp)


@pytest.fixture(scope="session")
def _session_loop(qapp) -> Iterator[asyncio.AbstractEventLoop]:
    """One qasync loop for the whole session: as in the app, the loop outlives every window."""
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=False)
    yield loop
    loop.close()


@pytest.fixture
def aloop(_session_loop) -> Iterator[asyncio.AbstractEventLoop]:
    asyncio.set_event_loop(_session_loop)
    yield _session_loop
    _session_loop.run_until_complete(asyncio.sleep(0))
    asyncio.set_event_loop(None)


@pytest.fixture
def services(kd_home, aloop):
    from kling_desktop.core.paths import AppPaths
    from kling_desktop.services import build_services

    s = build_services(AppPaths.default())
    yield s
    aloop.run_until_complete(s.aclose())


@pytest.fixture
def window(qtbot, services):
    from kling_desktop.ui.main_window import MainWindow

    w = MainWindow(services)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.gallery.player.stop()
    w.bridge.close()
