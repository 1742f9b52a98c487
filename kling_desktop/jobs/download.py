"""Download a result into the library: ``.part`` file, HTTP Range resume, verified, fsynced, renamed."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlparse

import httpx
from PIL import Image

from kling_desktop.core.probe import MediaError, probe_media
from kling_desktop.jobs.pause import pause_for_tests, pause_requested
from kling_desktop.providers.backoff import parse_retry_after, retry_delay

MAX_BYTES = 4 * 1024**3  # refuse absurd bodies (a hostile server cannot fill the disk)
ATTEMPTS = 6
WRITE_BATCH = 1 << 20


class DownloadError(Exception):
    pass


def check_url(url: str) -> None:
    scheme = urlparse(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise DownloadError(
            f"The provider returned a result address this app will not fetch ({scheme or 'no'} "
            "scheme; only http and https are allowed)."
        )


def verify(path: Path, kind: str) -> None:
    """The file opens as what it claims to be, or DownloadError."""
    try:
        if kind == "image":
            with Image.open(path) as im:
                im.verify()
        else:
            info = probe_media(path)
            if not info.has_video or not info.duration:
                raise DownloadError(f"{path.name}: the downloaded video has no playable video stream.")
    except (MediaError, OSError, SyntaxError) as exc:
        raise DownloadError(f"The downloaded file is damaged ({exc}).") from None


async def download(client: httpx.AsyncClient, url: str, final: Path, kind: str = "video") -> Path:
    """Fetch ``url`` to ``final`` (via ``final.part``), resuming with Range after a cut; returns ``final``."""
    check_url(url)
    part = final.with_name(final.name + ".part")
    final.parent.mkdir(parents=True, exist_ok=True)
    last_error = ""
    for attempt in range(1, ATTEMPTS + 1):
        have = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        try:
            async with client.stream(
                "GET", url, headers=headers, timeout=httpx.Timeout(30.0, read=60.0)
            ) as resp:
                if resp.status_code in (404, 410, 403):
                    raise DownloadError(
                        f"The result is no longer available at the provider (HTTP {resp.status_code}"
                        "); its link may have expired."
                    )
                if resp.status_code == 416 and have:
                    break  # we already have every byte
                if resp.status_code in (429, 500, 502, 503, 504):
                    last_error = f"HTTP {resp.status_code}"
                    await asyncio.sleep(
                        parse_retry_after(resp.headers.get("retry-after")) or retry_delay(attempt)
                    )
                    continue
                resp.raise_for_status()
                if resp.status_code == 200 and have:
                    have = 0  # the server ignored Range: start again
                expected = _expected_total(resp, have)
                if expected and expected > MAX_BYTES:
                    raise DownloadError("The provider's result is larger than 4 GB; refusing to download it.")
                with part.open("ab" if have else "wb") as fh:
                    buffer = bytearray()
                    try:
                        async for (
                            chunk
                        ) in resp.aiter_bytes():  # no batching by httpx: keep every byte that arrived
                            buffer += chunk
                            if len(buffer) >= WRITE_BATCH or pause_requested("mid-download"):
                                await asyncio.to_thread(_write, fh, bytes(buffer))  # disk off the loop thread
                                buffer.clear()
                                pause_for_tests("mid-download")
                            if fh.tell() + len(buffer) > MAX_BYTES:
                                raise DownloadError("The provider sent more than 4 GB; stopped.")
                    finally:  # a cut connection keeps what arrived, so the next try resumes after it
                        await asyncio.to_thread(_write, fh, bytes(buffer), True)
                size = part.stat().st_size
                if expected is not None and size < expected:
                    last_error = f"the connection closed after {size} of {expected} bytes"
                    await asyncio.sleep(retry_delay(attempt, base=0.2))
                    continue
                break
        except (httpx.TransportError, httpx.RemoteProtocolError) as exc:
            last_error = type(exc).__name__
            await asyncio.sleep(retry_delay(attempt, base=0.2))
    else:
        raise DownloadError(
            f"The download kept failing ({last_error}). It will resume from where it stopped when you retry."
        )
    await asyncio.to_thread(verify, part, kind)
    os.replace(part, final)
    return final


def _write(fh: BinaryIO, data: bytes, sync: bool = False) -> None:
    fh.write(data)
    fh.flush()
    if sync:
        os.fsync(fh.fileno())


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
