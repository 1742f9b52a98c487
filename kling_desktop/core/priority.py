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
# Threads of the default executor. Every worker busy with Python code queues for the interpreter lock with the
# window's thread, which then waits for each of them in turn (up to the 5 ms switch interval each): with six
# workers (Python's default on two cores) and 16 download threads, 200 jobs finishing made the loop wait
# 38-90 ms; with two and four, 29-40 ms (benchmarks/event_loop_stall.py, four runs each). Long work (a draft render) has its own threads, so nothing short queues
# behind it.
BACKGROUND_WORKERS = 2


def background_priority(nice: int | None = None) -> None:
    """Lower the calling thread's scheduling priority (Linux) to ``nice`` (default BACKGROUND_NICE) below the
    process's main thread; idempotent (a thread started by a lowered thread inherits its level). Elsewhere a
    no-op."""
    if not sys.platform.startswith("linux"):
        return
    tid = threading.get_native_id()
    try:
        target = min(
            19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + (BACKGROUND_NICE if nice is None else nice)
        )
        if os.getpriority(os.PRIO_PROCESS, tid) < target:
            os.setpriority(os.PRIO_PROCESS, tid, target)
    except OSError:
        pass  # a sandbox that forbids it: the thread keeps the normal priority


def background_executor(workers: int = BACKGROUND_WORKERS, name: str = "background") -> ThreadPoolExecutor:
    """The event loop's default executor (journal writes, file checks; ``BACKGROUND_WORKERS`` threads), or
    another pool of ``workers`` threads: they run at background priority, as the download threads and Qt's
    pool do."""
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name, initializer=background_priority)
