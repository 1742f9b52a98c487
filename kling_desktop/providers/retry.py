"""HTTP sending with retries: 408/429/5xx and transport errors, honouring Retry-After. Never logs headers."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import httpx

from kling_desktop.providers.backoff import parse_retry_after, retry_delay

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
ATTEMPTS = 6


def should_retry(status: int) -> bool:
    return status in RETRY_STATUSES


class TransportFailed(Exception):
    """Every attempt failed at the transport level or with a retryable status."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


async def send_with_retry(client: httpx.AsyncClient, method: str, url: str, *, headers: Mapping[str, str],
                          json: Any = None, attempts: int = ATTEMPTS, timeout: float = 60.0,
                          retry_statuses: frozenset[int] = RETRY_STATUSES) -> httpx.Response:
    """The same request (same body, so the same task ids) until it gets a non-retryable answer.

    ``retry_statuses``: the HTTP statuses retried here (Kling answers its account errors with 429 too,
    so its client retries 429 by the envelope code instead).
    """
    last = ""
    status: int | None = None
    for attempt in range(1, attempts + 1):
        try:
            resp = await client.request(method, url, headers=dict(headers), json=json, timeout=timeout)
        except httpx.TransportError as exc:
            last, status = f"the connection failed ({type(exc).__name__})", None
            await asyncio.sleep(retry_delay(attempt, base=0.3, cap=8))
            continue
        if resp.status_code not in retry_statuses:
            return resp
        last, status = f"the service answered HTTP {resp.status_code}", resp.status_code
        wait = parse_retry_after(resp.headers.get("retry-after"))
        await asyncio.sleep(wait if wait is not None else retry_delay(attempt, base=0.3, cap=8))
    raise TransportFailed(f"After {attempts} tries {last}.", status)
