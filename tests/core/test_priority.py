"""Worker threads run at background priority so the window's thread goes first on a busy machine."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from kling_desktop.core.priority import BACKGROUND_NICE, background_executor, background_priority
from kling_desktop.jobs import download

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_only_the_calling_thread_is_lowered() -> None:
    before = _nice()
    seen: list[int] = []

    def worker() -> None:
        background_priority()
        seen.append(_nice())

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [min(19, before + BACKGROUND_NICE)]
    assert _nice() == before  # the caller's thread (here, the test's; in the app, the window's) is not


def test_download_and_default_executor_threads_run_lowered() -> None:
    expected = min(19, _nice() + BACKGROUND_NICE)
    assert download._transfers().submit(_nice).result() == expected
    with background_executor() as pool:
        assert pool.submit(_nice).result() == expected
