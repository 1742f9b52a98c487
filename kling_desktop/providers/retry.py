"""Transport retries for the provider clients — the one place they live. Never logs headers.

One logical request (a submit, a status query) is sent at most ``ATTEMPTS`` times here, honouring
``Retry-After``; after that the error goes up as ``TransportFailed`` and the job runner puts the job in its
visible *waiting* state, which backs off for as long as the outage lasts. The runner itself retries only on
domain signals, so retries never multiply across layers.

Transport faults: connection refused / name not resolved (*offline*: not retried here, said at once),
timeouts, resets, protocol errors, corrupt content encodings (a broken gzip body), redirect loops, redirects
where an answer was expected, replies larger than the cap, and the statuses in ``RETRY_STATUSES``.
The retry loop is tenacity's (a well-kept library: stop/wait/retry policies as plain functions, an injectable
sleep, no hand-written loop). The same request object (same body, so the same task ids) is sent every time.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import os
import random
import weakref
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from kling_desktop.providers.backoff import parse_retry_after, retry_delay

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
ATTEMPTS = 3  # sends of one logical request; longer trouble is the runner's waiting state
BASE = 0.3  # seconds before the second attempt (then ×2, with jitter)
CAP = 8.0  # longest wait between two attempts when the server gives no Retry-After
MAX_REPLY_BYTES = 8 * 1024 * 1024  # an API reply (JSON) larger than this is refused while it streams
READ_CHUNK = 64 * 1024

Sleep = Callable[[float], Awaitable[None]]
TIME_FACTOR_ENV = "KLING_DESKTOP_TIME_FACTOR"  # tests: the same speed-up as the job runner's clock


async def scaled_sleep(seconds: float) -> None:
    """``asyncio.sleep``, sped up by ``KLING_DESKTOP_TIME_FACTOR`` when a test sets it."""
    try:
        factor = float(os.environ.get(TIME_FACTOR_ENV) or 1.0)
    except ValueError:
        factor = 1.0
    await asyncio.sleep(seconds * (factor if factor > 0 else 1.0))


@dataclass(frozen=True)
class Reply:
    """A complete, size-capped reply: status, headers and the (decoded) body."""

    status_code: int
    headers: httpx.Headers
    content: bytes

    def json(self) -> Any:
        return jsonlib.loads(self.content)


class TransportFailed(Exception):
    """Every attempt failed at the transport level or with a retryable status. Never holds a header value."""

    def __init__(
        self,
        message: str,
        status: int | None = None,
        retry_after: float | None = None,
        *,
        offline: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after  # the server's last Retry-After, in seconds
        self.offline = offline  # the host refused the connection or its name does not resolve


class _RetryableStatus(Exception):
    def __init__(self, status: int, retry_after: str | None) -> None:
        super().__init__(f"the service answered HTTP {status}")
        self.status = status
        self.retry_after = retry_after


class ReplyUnreadable(Exception):
    """The reply cannot be used: too large, or a redirect where an answer was expected."""


def should_retry(status: int, retry_statuses: frozenset[int] = RETRY_STATUSES) -> bool:
    return status in retry_statuses


def is_offline(exc: BaseException | None) -> bool:
    """No connection at all: refused, unreachable, or the host name does not resolve."""
    return isinstance(exc, httpx.ConnectError)


def is_retryable_exception(exc: BaseException) -> bool:
    """Transport failures and unreadable replies: connect, read, write, timeouts, resets, protocol errors,
    corrupt encodings (``DecodingError``), redirect loops (``TooManyRedirects``), oversize replies."""
    return isinstance(exc, httpx.RequestError | ReplyUnreadable | _RetryableStatus)


def wait_before_retry(
    attempt: int, retry_after: str | None = None, *, rng: random.Random | None = None
) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1, 2, ...): the server's Retry-After when it gave
    one (delta-seconds or an HTTP date, capped), else exponential backoff with jitter."""
    wait = parse_retry_after(retry_after)
    return wait if wait is not None else retry_delay(attempt, base=BASE, cap=CAP, rng=rng)


def describe(exc: BaseException) -> str:
    """A transport fault in plain words (never a header, never a URL with a query)."""
    if isinstance(exc, _RetryableStatus):
        return f"the service answered HTTP {exc.status}"
    if isinstance(exc, ReplyUnreadable):
        return str(exc)
    if isinstance(exc, httpx.ConnectError):
        return "no connection (the host refused it, or its name does not resolve)"
    if isinstance(exc, httpx.TimeoutException):
        return "the service did not answer in time"
    if isinstance(exc, httpx.DecodingError):
        return "the reply's compressed body is corrupt"
    if isinstance(exc, httpx.TooManyRedirects):
        return "the service kept redirecting (a redirect loop)"
    return f"the connection failed ({type(exc).__name__})"


async def read_capped(resp: httpx.Response, limit: int) -> bytes:
    """The decoded body, read in chunks; ReplyUnreadable as soon as it passes ``limit`` bytes."""
    length = resp.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit and "content-encoding" not in resp.headers:
        raise ReplyUnreadable(
            f"the reply was {int(length):,} bytes, more than the {limit // 2**20} MB allowed"
        )
    buf = bytearray()
    async for chunk in resp.aiter_bytes(READ_CHUNK):
        buf += chunk
        if len(buf) > limit:
            raise ReplyUnreadable(
                f"the reply was larger than the {limit // 2**20} MB allowed (stopped reading)"
            )
    return bytes(buf)


IN_FLIGHT = 6  # requests on the wire per client at once (the app's pool keeps 8 connections)
_gates: weakref.WeakKeyDictionary[httpx.AsyncClient, dict[asyncio.AbstractEventLoop, asyncio.Semaphore]]
_gates = weakref.WeakKeyDictionary()


def _gate(client: httpx.AsyncClient) -> asyncio.Semaphore:
    """Requests beyond ``IN_FLIGHT`` wait here, not in httpcore's pool: its queue is scanned against every
    connection each time a request starts or ends, which with 200 polling jobs held the event loop for
    ~100 ms at a time."""
    per_loop = _gates.setdefault(client, {})
    loop = asyncio.get_running_loop()
    if loop not in per_loop:
        per_loop[loop] = asyncio.Semaphore(IN_FLIGHT)
    return per_loop[loop]


async def _send_once(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    headers: Mapping[str, str],
    json: Any,
    timeout: float,
    retry_statuses: frozenset[int],
    max_bytes: int,
) -> Reply:
    request = client.build_request(method, url, headers=dict(headers), json=json, timeout=timeout)
    resp = await client.send(request, stream=True)
    try:
        if should_retry(resp.status_code, retry_statuses):
            raise _RetryableStatus(resp.status_code, resp.headers.get("retry-after"))
        if 300 <= resp.status_code < 400:
            raise ReplyUnreadable(f"the service answered with a redirect (HTTP {resp.status_code})")
        body = await read_capped(resp, max_bytes)
        return Reply(resp.status_code, resp.headers, body)
    finally:
        await resp.aclose()


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
    max_bytes: int = MAX_REPLY_BYTES,
    sleep: Sleep = scaled_sleep,
) -> Reply:
    """The same request until it gets a usable, non-retryable answer, or ``TransportFailed``.

    ``retry_statuses``: the HTTP statuses retried here (Kling answers its account errors with 429 too,
    so its client retries 429 by the envelope code instead).
    """

    async def once() -> Reply:
        async with _gate(client):
            return await _send_once(client, method, url, headers, json, timeout, retry_statuses, max_bytes)

    def stop(state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        return state.attempt_number >= attempts or is_offline(exc)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        header = exc.retry_after if isinstance(exc, _RetryableStatus) else None
        return wait_before_retry(state.attempt_number, header)

    retrying = AsyncRetrying(
        stop=stop, wait=wait, retry=retry_if_exception(is_retryable_exception), sleep=sleep, reraise=True
    )
    try:
        async for attempt in retrying:
            with attempt:
                return await once()
    except Exception as exc:
        if not is_retryable_exception(exc):
            raise
        status = exc.status if isinstance(exc, _RetryableStatus) else None
        retry_after = parse_retry_after(exc.retry_after) if isinstance(exc, _RetryableStatus) else None
        tries = retrying.statistics.get("attempt_number", attempts)
        raise TransportFailed(
            f"after {tries} {'try' if tries == 1 else 'tries'} {describe(exc)}.",
            status,
            retry_after,
            offline=is_offline(exc),
        ) from None
    raise AssertionError("unreachable")
