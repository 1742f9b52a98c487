"""Worker threads that move bytes (downloads, verification) yield the processor to the window's thread.

On a two-core machine, five downloads and two hundred finishing jobs keep every core busy; the scheduler then
shares them evenly and the thread that paints waits its turn. A background thread runs at a higher nice value
(Linux schedules threads one by one, so this touches only the calling thread), which leaves its throughput
intact when the machine is idle and lets the window's thread go first when it is not.
"""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

BACKGROUND_NICE = 19  # the lowest: about 1/70 of a normal thread's share of a contended processor


def background_priority() -> None:
    """Lower the calling thread's scheduling priority (Linux) to BACKGROUND_NICE below the process's main
    thread; idempotent (a thread started by a lowered thread inherits its level). Elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    tid = threading.get_native_id()
    try:
        target = min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + BACKGROUND_NICE)
        if os.getpriority(os.PRIO_PROCESS, tid) < target:
            os.setpriority(os.PRIO_PROCESS, tid, target)
    except OSError:
        pass  # a sandbox that forbids it: the thread keeps the normal priority


def background_executor() -> ThreadPoolExecutor:
    """The event loop's default executor (journal writes, file checks): its threads run at background
    priority, as the download threads and Qt's pool do."""
    return ThreadPoolExecutor(thread_name_prefix="background", initializer=background_priority)
