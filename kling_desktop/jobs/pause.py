"""Crash tests make a process wait at a named stage so it can be killed there deterministically."""

from __future__ import annotations

import os
import time


def pause_for_tests(stage: str) -> None:
    """With ``KLING_DESKTOP_TEST_PAUSE_AT=<stage>`` set, announce the stage on stdout and wait to be killed."""
    if os.environ.get("KLING_DESKTOP_TEST_PAUSE_AT") == stage:
        print(f"paused-at:{stage}", flush=True)
        time.sleep(3600)


def pause_requested(stage: str) -> bool:
    return os.environ.get("KLING_DESKTOP_TEST_PAUSE_AT") == stage
