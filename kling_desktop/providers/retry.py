"""HTTP sending with retries: 408/429/5xx and transport errors, honouring Retry-After. Never logs headers.

The policy is pure functions (``should_retry``, ``is_retryable_exception``, ``wait_before_retry``) so the
Runware and Kling clients share it and tests check it without a network; ``send_with_retry`` applies it.
The same request object (same body, so the same task ids) is sent on every attempt.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from typing import Any

import httpx

from kling_desktop.providers.backoff import parse_retry_after, retry_delay

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
ATTEMPTS = 6
BASE = 0.3  # seconds before the second attempt (then ×2, with jitter)
CAP = 8.0  # longest wait between two attempts when the server gives no Retry-After


def should_retry(status: int, retry_statuses: frozenset[int] = RETRY_STATUSES) -> bool:
    return status in retry_statuses


def is_retryable_exception(exc: BaseException) -> bool:
    """Transport failures (connect, read, write, timeouts, protocol errors such as a reset) are retried."""
    return isinstance(exc, httpx.TransportError)


def wait_before_retry(
    attempt: int, retry_after: str | None = None, *, rng: random.Random | None = None
) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1, 2, ...): the server's Retry-After when it gave
    one (delta-seconds or an HTTP date, capped), else exponential backoff with jitter."""
    wait = parse_retry_after(retry_after)
    return wait if wait is not None else retry_delay(attempt, base=BASE, cap=CAP, rng=rng)


class TransportFailed(Exception):
    """Every attempt failed at the transport level or with a retryable status. Never holds a header value."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after  # the server's last Retry-After, in seconds


async def send_with_retry(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str],
    json: Any = None,
    attempts: int = ATTEMPTS,
    timeout: float = 60.0,
    retry_statuses: frozenset[int] = RETRY_STATUSES,
) -> httpx.Response:
    """The same request (same body, so the same task ids) until it gets a non-retryable answer.

    ``retry_statuses``: the HTTP statuses retried here (Kling answers its account errors with 429 too,
    so its client retries 429 by the envelope code instead).
    """
    last = ""
    status: int | None = None
    retry_after: float | None = None
    for attempt in range(1, attempts + 1):
        try:
            resp = await client.request(method, url, headers=dict(headers), json=json, timeout=timeout)
        except Exception as exc:
            if not is_retryable_exception(exc):
                raise
            last, status, retry_after = f"the connection failed ({type(exc).__name__})", None, None
            if attempt < attempts:
                await asyncio.sleep(wait_before_retry(attempt))
            continue
        if not should_retry(resp.status_code, retry_statuses):
            return resp
        last, status = f"the service answered HTTP {resp.status_code}", resp.status_code
        header = resp.headers.get("retry-after")
        retry_after = parse_retry_after(header)
        if attempt < attempts:
            await asyncio.sleep(wait_before_retry(attempt, header))
    raise TransportFailed(f"After {attempts} tries {last}.", status, retry_after)
