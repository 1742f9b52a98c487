"""Polling and retry delays: pure functions."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

FIRST_POLL = 1.0  # seconds after submit
GROWTH = 1.5
POLL_CAP = 3.0  # a finished video is noticed within ~3 s


def poll_delays(first: float = FIRST_POLL, growth: float = GROWTH, cap: float = POLL_CAP) -> Iterator[float]:
    """1, 1.5, 2.25, 3, 3, 3, ... seconds: soon at first, then steady and low."""
    delay = first
    while True:
        yield min(delay, cap)
        delay *= growth


def retry_delay(
    attempt: int,
    *,
    base: float = 0.5,
    cap: float = 20.0,
    jitter: float = 0.2,
    rng: random.Random | None = None,
) -> float:
    """Exponential backoff for attempt 1, 2, ... with ±jitter, capped."""
    delay = min(cap, base * (2 ** (attempt - 1)))
    spread = delay * jitter
    return max(0.0, delay + (rng or random).uniform(-spread, spread))


def parse_retry_after(value: str | None, *, now: datetime | None = None, cap: float = 120.0) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), capped; None when absent/garbled."""
    if not value:
        return None
    value = value.strip()
    try:
        return min(cap, max(0.0, float(value)))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(cap, max(0.0, (when - (now or datetime.now(UTC))).total_seconds()))
