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
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import httpx

from kling_desktop.core.priority import background_priority
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
# Downloads at once (the runner's file client keeps as many connections). Four streams fill a link; each
# more one that is moving bytes is one more thread the window's thread queues behind for the interpreter lock
# (16, with six default workers, made the loop wait up to 90 ms when 200 results arrived together).
TRANSFER_THREADS = 4
# Transfer threads yield to the window's thread, but less than other background work: at the lowest level
# (19) a transfer got about 1/70 of a contended core and fell to as little as half of curl's rate.
TRANSFER_NICE = 5
FLUSH_EVERY = 8 << 20  # bytes: start writing them to the disk while the rest arrives
READ_BYTES = (
    512 << 10
)  # bytes asked of the socket per read (httpcore's 64 KiB costs a Python round per 64 KiB)


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


def file_client(user_agent: str = "", *, trust_env: bool = True) -> httpx.Client:
    """The blocking client results are fetched with, on worker threads: large reads, one connection per
    transfer thread, redirects followed (file hosts hand out signed redirects)."""
    _large_reads()
    return httpx.Client(
        follow_redirects=True,
        headers={"User-Agent": user_agent} if user_agent else {},
        trust_env=trust_env,
        limits=httpx.Limits(max_connections=TRANSFER_THREADS),
    )


def _large_reads() -> None:
    """httpcore reads a socket 64 KiB at a time, a fixed class attribute of its blocking HTTP/1.1 connection
    (the asyncio one, which API calls use, is a different class and keeps its size). Larger reads take a
    200 MB download from about 0.6 to about 0.8 of curl's speed; on TLS each read still ends at a record."""
    from httpcore._sync import http11  # only the blocking file client reads this way

    if getattr(http11.HTTP11Connection, "READ_NUM_BYTES", READ_BYTES) < READ_BYTES:
        http11.HTTP11Connection.READ_NUM_BYTES = READ_BYTES


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
    client: httpx.Client,
    url: str,
    final: Path,
    kind: str = "video",
    *,
    connections: int = CONNECTIONS,
    connection_deadline: float = CONNECTION_DEADLINE,
) -> Path:
    """Fetch ``url`` to ``final`` (via ``final.part``), resuming with Range after a cut; returns ``final``.

    Everything that touches the network or the disk, the verification too, runs on a transfer thread: the
    event loop only waits. Cancelling it stops the transfer within a chunk and keeps the bytes that arrived."""
    check_url(url)
    fetch = _Fetch(client, url, final, kind, connections, connection_deadline)
    future = asyncio.get_running_loop().run_in_executor(_transfers(), fetch.run)
    future.add_done_callback(_retrieved)  # a stopped fetch's last word is read even when nobody awaits it
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        if fetch.stop():  # reading: the thread closes the file, keeping what arrived, and returns at once
            await asyncio.wait({future})
        raise  # otherwise the thread sees the stop before its next connection and before the rename


def _retrieved(future: asyncio.Future[Path]) -> None:
    if not future.cancelled():
        future.exception()


class _Fetch:
    """One call's connections in a row, the verification and the rename, on a transfer thread."""

    def __init__(
        self, client: httpx.Client, url: str, final: Path, kind: str, connections: int, deadline: float
    ) -> None:
        self.client, self.url, self.final, self.kind = client, url, final, kind
        self.connections, self.deadline = connections, deadline
        self.part = part_path(final)
        self.cap = MAX_BYTES.get(kind, MAX_BYTES["video"])
        self._lock = threading.Lock()
        self._stopped = False
        self._transfer: _Transfer | None = None

    def stop(self) -> bool:
        """From the event loop: no new connection, no rename; returns whether a body was being read."""
        with self._lock:
            self._stopped = True
            transfer = self._transfer
        return transfer.stop() if transfer is not None else False

    def _connect(self, have: int) -> tuple[int | None, bool]:
        with self._lock:
            if self._stopped:
                raise DownloadTrouble("The download was stopped.")
            self._transfer = _Transfer(self.client, self.url, self.part, have, self.cap, self.deadline)
        try:
            return self._transfer.run()
        finally:
            with self._lock:
                self._transfer = None

    def run(self) -> Path:
        part = self.part
        self.final.parent.mkdir(parents=True, exist_ok=True)
        expected: int | None = None
        problem = ""
        for _ in range(self.connections):
            have = part.stat().st_size if part.exists() else 0
            try:
                expected, progressed = self._connect(have)
            except DownloadTrouble as exc:
                if not self._stopped and part.exists() and part.stat().st_size > have:
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
            check_complete(part, self.kind, expected)
        except Incomplete as exc:
            part.unlink(missing_ok=True)  # these bytes are wrong: the next attempt starts from the first byte
            raise DownloadTrouble(
                f"The file host sent an incomplete file ({exc}); fetching it again."
            ) from None
        with self._lock:
            if self._stopped:
                raise DownloadTrouble("The download was stopped.")
            os.replace(part, self.final)
        return self.final


_pool: ThreadPoolExecutor | None = None


def _transfers() -> ThreadPoolExecutor:
    """Threads of their own: long transfers never hold the default pool the journal's writes go through."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(
            max_workers=TRANSFER_THREADS,
            thread_name_prefix="download",
            initializer=background_priority,
            initargs=(TRANSFER_NICE,),
        )
    return _pool


class _Transfer:
    """One connection's GET, run on a worker thread: each chunk goes straight to the file as it arrives."""

    def __init__(
        self, client: httpx.Client, url: str, part: Path, have: int, cap: int, deadline: float
    ) -> None:
        self.client, self.url, self.part = client, url, part
        self.have, self.cap, self.deadline = have, cap, deadline
        self._stopped = threading.Event()
        self._response: httpx.Response | None = None

    def stop(self) -> bool:
        """From another thread: end the transfer now, even while it waits for bytes that do not come.
        Returns whether the body was being read (the file may be open until the thread returns)."""
        self._stopped.set()  # before looking at the response: the thread sets it before looking at this
        response = self._response
        if response is None:
            return False
        stream = response.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked read; close() alone would not
            except OSError:
                pass
        return True

    def run(self) -> tuple[int | None, bool]:
        try:
            return self._get()
        except DownloadError as exc:
            if not exc.retryable and not isinstance(exc, ResultGone):
                self.part.unlink(missing_ok=True)
            raise
        except httpx.RequestError as exc:
            raise DownloadTrouble(
                f"The file host could not be reached: {describe(exc)}.",
                offline=isinstance(exc, httpx.ConnectError),
            ) from None

    def _get(self) -> tuple[int | None, bool]:
        have = self.have
        headers = {"Accept-Encoding": "identity", **({"Range": f"bytes={have}-"} if have else {})}
        started = time.monotonic()
        with self.client.stream(
            "GET", self.url, headers=headers, timeout=httpx.Timeout(30.0, read=60.0)
        ) as resp:
            self._response = resp
            if self._stopped.is_set():
                return None, False
            verdict = _status_verdict(resp, have)
            if verdict is not None:
                return verdict
            encoded = resp.headers.get("content-encoding", "identity").lower() not in ("", "identity")
            if (resp.status_code == 200 and have) or encoded:
                have = 0  # the server ignored Range (or encoded the body): start again from the first byte
            expected = None if encoded else _expected_total(resp, have)
            if expected and expected > self.cap:
                raise DownloadError(
                    f"The provider's result is {expected:,} bytes, more than the {self.cap // 2**20:,} MB "
                    f"allowed for a {_kind_word(self.part)}; refusing it."
                )
            limit = self.deadline + (expected or 0) / MIN_RATE
            chunks = resp.iter_bytes() if encoded else resp.iter_raw()
            written = self._write(resp, chunks, have, started, limit)
            return expected, written > have

    def _write(
        self, resp: httpx.Response, chunks: Iterator[bytes], have: int, started: float, limit: float
    ) -> int:
        written = flushed = have
        fd = _open(self.part, append=bool(have))
        flusher = _Flusher(fd)
        try:  # a cut connection keeps what arrived, so the next try resumes after it
            for chunk in chunks:
                if self._stopped.is_set():
                    break
                _write_all(fd, chunk)
                written += len(chunk)
                if written - flushed >= FLUSH_EVERY and not flusher.busy():
                    flusher.kick()
                    flushed = written
                if written > self.cap or resp.num_bytes_downloaded > self.cap:
                    raise DownloadError(
                        f"The provider sent more than the {self.cap // 2**20:,} MB allowed; stopped and deleted it."
                    )
                if pause_requested("mid-download"):
                    os.fsync(fd)
                    pause_for_tests("mid-download")
                if time.monotonic() - started > limit:
                    raise DownloadTrouble(
                        f"The file host is too slow ({written - have:,} bytes in {limit:.0f} s); continuing from there."
                    )
        except httpx.RequestError:
            if self._stopped.is_set():
                return written  # stopped on purpose: the shut socket is not the host's fault
            raise
        finally:
            flusher.join()
            _finish(fd)
        return written


def _status_verdict(resp: httpx.Response, have: int) -> tuple[int | None, bool] | None:
    """What the status alone says: an error raised, every byte already here, or None to read the body."""
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
    return None


def _kind_word(part: Path) -> str:
    return part.suffixes[0].lstrip(".") if part.suffixes else "file"


def _open(path: Path, *, append: bool) -> int:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    return os.open(path, flags | getattr(os, "O_BINARY", 0), 0o644)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class _Flusher:
    """Writes what arrived to the disk on a thread of its own while the rest arrives, so the fsync at the end
    has little left to do and the reading thread never waits for the disk."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._thread: threading.Thread | None = None

    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def kick(self) -> None:
        self._thread = threading.Thread(target=self._flush, daemon=True)
        self._thread.start()

    def _flush(self) -> None:
        try:
            getattr(os, "fdatasync", os.fsync)(self.fd)
        except OSError:
            pass  # only an early start: the fsync at the end is the one that counts

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join()


def _finish(fd: int) -> None:
    try:
        os.fsync(fd)  # on the disk before the job may say it is done
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
