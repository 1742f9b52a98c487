"""Worker threads run at background priority so the window's thread goes first on a busy machine."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from kling_desktop.core.priority import (
    BACKGROUND_NICE,
    BACKGROUND_WORKERS,
    background_executor,
    background_priority,
)
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
    assert download._transfers().submit(_nice).result() == min(19, _nice() + download.TRANSFER_NICE)
    assert download.TRANSFER_NICE < BACKGROUND_NICE  # transfers keep a fair share of a contended core
    with background_executor() as pool:
        assert pool.submit(_nice).result() == expected


def test_default_executor_keeps_few_threads_busy() -> None:
    """Each busy worker is one more thread the window's thread queues behind for the interpreter lock."""
    lock = threading.Lock()
    running, most = 0, 0

    def work() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        threading.Event().wait(0.1)
        with lock:
            running -= 1

    with background_executor() as pool:
        for f in [pool.submit(work) for _ in range(8)]:
            f.result()
    assert most == BACKGROUND_WORKERS <= 2
    assert download.TRANSFER_THREADS <= 4
