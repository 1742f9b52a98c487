"""Download a result into the library: one ``.part`` name that survives restarts, HTTP Range resume across
outages, complete verification before the rename (every announced byte, media that decodes to its last frame).

``download`` makes a few connections in a row while bytes keep arriving, then raises ``DownloadTrouble``
(retryable): the job runner shows the job as waiting and calls it again later, resuming from the ``.part``.
``ResultGone`` (403/404/410) and ``DownloadError`` (a refused address, a body over the caps) are final answers.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

from kling_desktop.jobs.pause import pause_for_tests, pause_requested
from kling_desktop.jobs.verify import Incomplete, check_complete
from kling_desktop.providers.backoff import parse_retry_after
from kling_desktop.providers.retry import describe

MAX_BYTES = {
    "video": 4 * 1024**3,
    "image": 256 * 1024**2,
}  # received and decoded: a bomb cannot fill the disk
CONNECTIONS = 3  # connections per call while bytes keep arriving; after that the runner waits and calls again
CONNECTION_DEADLINE = 600.0  # seconds one connection may take (a host that drips a byte every 2 s is cut)
MIN_RATE = 64 * 1024  # bytes/s: larger files get CONNECTION_DEADLINE plus the time at this rate
WRITE_AT = 1 << 20  # hand what arrived to the disk once a mebibyte is pending (one writev, no copy)


class DownloadError(Exception):
    """A final answer: this result will not be fetched (refused address, over the size caps)."""

    retryable = False


class ResultGone(DownloadError):
    """The host says the result is not there (403/404/410): its link may have expired."""


class DownloadTrouble(DownloadError):
    """The file host is down, slow, cut the connection or sent a damaged file: try again later (Range)."""

    retryable = True

    def __init__(self, message: str, *, offline: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.offline = offline
        self.retry_after = retry_after


def check_url(url: str) -> None:
    scheme = urlparse(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise DownloadError(
            f"The provider returned a result address this app will not fetch ({scheme or 'no'} "
            "scheme; only http and https are allowed)."
        )


def part_path(final: Path) -> Path:
    return final.with_name(final.name + ".part")


def verify(path: Path, kind: str, expected: int | None = None) -> None:
    """The file is complete (``expected`` bytes when known) and decodes to its end, or DownloadError."""
    try:
        check_complete(path, kind, expected)
    except Incomplete as exc:
        raise DownloadError(f"The downloaded file is damaged: {exc}") from None


async def download(
    client: httpx.AsyncClient,
    url: str,
    final: Path,
    kind: str = "video",
    *,
    connections: int = CONNECTIONS,
    connection_deadline: float = CONNECTION_DEADLINE,
) -> Path:
    """Fetch ``url`` to ``final`` (via ``final.part``), resuming with Range after a cut; returns ``final``."""
    check_url(url)
    part = part_path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    cap = MAX_BYTES.get(kind, MAX_BYTES["video"])
    expected: int | None = None
    problem = ""
    for _ in range(connections):
        have = part.stat().st_size if part.exists() else 0
        try:
            expected, progressed = await _one_connection(client, url, part, have, cap, connection_deadline)
        except DownloadTrouble as exc:
            if part.exists() and part.stat().st_size > have:
                problem = str(exc)
                continue  # bytes arrived before the cut: resume at once
            raise
        if expected is None or part.stat().st_size >= expected:
            break
        problem = f"the connection closed after {part.stat().st_size:,} of {expected:,} bytes"
        if not progressed:
            break
    else:
        raise DownloadTrouble(f"The file host keeps cutting the download ({problem}).")
    try:
        await asyncio.to_thread(check_complete, part, kind, expected)
    except Incomplete as exc:
        part.unlink(missing_ok=True)  # these bytes are wrong: the next attempt starts from the first byte
        raise DownloadTrouble(f"The file host sent an incomplete file ({exc}); fetching it again.") from None
    os.replace(part, final)
    return final


async def _one_connection(
    client: httpx.AsyncClient, url: str, part: Path, have: int, cap: int, deadline: float
) -> tuple[int | None, bool]:
    """One GET appended to ``part``; returns (announced total or None, whether bytes arrived)."""
    headers = {"Accept-Encoding": "identity", **({"Range": f"bytes={have}-"} if have else {})}
    started = time.monotonic()
    try:
        async with client.stream("GET", url, headers=headers, timeout=httpx.Timeout(30.0, read=60.0)) as resp:
            if resp.status_code in (404, 410, 403):
                raise ResultGone(
                    f"The result is no longer available at the provider (HTTP {resp.status_code}); its link "
                    "may have expired."
                )
            if resp.status_code == 416 and have:
                total = resp.headers.get("content-range", "").rpartition("/")[2]
                return (int(total) if total.isdigit() else have), False  # every byte is here already
            if resp.status_code >= 300:
                raise DownloadTrouble(
                    f"The file host answered HTTP {resp.status_code}.",
                    retry_after=parse_retry_after(resp.headers.get("retry-after")),
                )
            encoded = resp.headers.get("content-encoding", "identity").lower() not in ("", "identity")
            if (resp.status_code == 200 and have) or encoded:
                have = 0  # the server ignored Range (or encoded the body): start again from the first byte
            expected = None if encoded else _expected_total(resp, have)
            if expected and expected > cap:
                raise DownloadError(
                    f"The provider's result is {expected:,} bytes, more than the {cap // 2**20:,} MB allowed "
                    f"for a {part.suffixes[0].lstrip('.') if part.suffixes else 'file'}; refusing it."
                )
            limit = deadline + (expected or 0) / MIN_RATE
            written = have
            fd = await asyncio.to_thread(_open, part, append=bool(have))
            pending: list[bytes] = []  # chunks as they arrived, handed to one writev (no copy into a buffer)
            pending_size = 0
            try:
                async for chunk in resp.aiter_bytes():
                    pending.append(chunk)
                    pending_size += len(chunk)
                    written += len(chunk)
                    if written > cap or resp.num_bytes_downloaded > cap:
                        raise DownloadError(
                            f"The provider sent more than the {cap // 2**20:,} MB allowed; stopped and deleted it."
                        )
                    if pending_size >= WRITE_AT or len(pending) >= 256 or pause_requested("mid-download"):
                        await asyncio.to_thread(_write_all, fd, pending)  # the disk, off the event loop
                        pending, pending_size = [], 0
                        if pause_requested("mid-download"):
                            await asyncio.to_thread(os.fsync, fd)
                            pause_for_tests("mid-download")
                    if time.monotonic() - started > limit:
                        raise DownloadTrouble(
                            f"The file host is too slow ({written - have:,} bytes in {limit:.0f} s); "
                            "continuing from there."
                        )
            finally:  # a cut connection keeps what arrived, so the next try resumes after it
                await asyncio.to_thread(_finish, fd, pending)
            return expected, written > have
    except DownloadError as exc:
        if not exc.retryable and not isinstance(exc, ResultGone):
            part.unlink(missing_ok=True)
        raise
    except httpx.RequestError as exc:
        raise DownloadTrouble(
            f"The file host could not be reached: {describe(exc)}.",
            offline=isinstance(exc, httpx.ConnectError),
        ) from None


def _open(path: Path, *, append: bool) -> int:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    return os.open(path, flags | getattr(os, "O_BINARY", 0), 0o644)


def _write_all(fd: int, chunks: list[bytes]) -> None:
    """Write every chunk, in order, with as few system calls as the OS allows (writev)."""
    views = [memoryview(c) for c in chunks if c]
    while views:
        done = os.writev(fd, views[:512]) if hasattr(os, "writev") else os.write(fd, views[0])
        while views and done >= len(views[0]):
            done -= len(views[0])
            views.pop(0)
        if views and done:
            views[0] = views[0][done:]


def _finish(fd: int, pending: list[bytes]) -> None:
    try:
        _write_all(fd, pending)
        os.fsync(fd)
    finally:
        os.close(fd)


def _expected_total(resp: httpx.Response, have: int) -> int | None:
    if resp.status_code == 206:
        crange = resp.headers.get("content-range", "")
        total = crange.rpartition("/")[2]
        if total.isdigit():
            return int(total)
    length = resp.headers.get("content-length")
    return have + int(length) if length and length.isdigit() else None


def adopt_local(src: Path, final: Path, kind: str) -> Path:
    """Move a file made on this computer (the draft provider) into the library, verified."""
    final.parent.mkdir(parents=True, exist_ok=True)
    verify(src, kind)
    if src.resolve() != final.resolve():
        shutil.move(str(src), final)
    return final
