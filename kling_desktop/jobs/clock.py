"""The runner's sense of time, injectable: real time, or real time sped up for tests of long outages.

``Clock(factor=0.01)`` sleeps one hundredth of what is asked and reports a ``now()`` that runs a hundred
times faster, so a 30-minute outage with minutes of backoff plays out in seconds with the same decisions.
``KLING_DESKTOP_TIME_FACTOR`` sets the factor for a whole process (used by the crash tests' child processes).
"""

from __future__ import annotations

import asyncio
import os
import time
from datetime import UTC, datetime, timedelta

from kling_desktop.providers.retry import TIME_FACTOR_ENV

ENV = TIME_FACTOR_ENV  # the transport retries (providers/retry.py) follow the same factor


class Clock:
    def __init__(self, factor: float = 1.0) -> None:
        if factor <= 0:
            raise ValueError("the time factor must be positive")
        self.factor = factor
        self._wall = datetime.now(UTC)
        self._mono = time.monotonic()

    @classmethod
    def from_env(cls) -> Clock:
        raw = os.environ.get(ENV, "").strip()
        try:
            return cls(float(raw)) if raw else cls()
        except ValueError:
            return cls()

    def now(self) -> datetime:
        if self.factor == 1.0:
            return datetime.now(UTC)
        return self._wall + timedelta(seconds=(time.monotonic() - self._mono) / self.factor)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) * self.factor)
