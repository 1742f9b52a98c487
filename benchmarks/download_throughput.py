"""Result download throughput: the app's downloader vs curl, same URL, server in another process.

A plain static file server (Python's http.server, its own process) serves one file of random bytes. Each run
downloads it once with ``kling_desktop.jobs.download.download`` as the app does (awaited on an asyncio loop;
httpx reads the bytes on a worker thread and writes them to the file as they arrive, then fsyncs it; the
container check is left out: the bytes are not a video) and with curl, in turn, so each pair shares the
machine's load. Like is compared with like: the app's transfer left in the page cache against curl, which
leaves it there; the app as it runs (the file fsynced before the job may say it is done) against curl
followed by the same fsync. A third row sets the durable download against plain curl: what the flush costs
on this disk. The figure is MB/s; each ratio is taken pair by pair.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
from _common import emit, figure, runs_arg, static_server  # noqa: E402

from kling_desktop.jobs import download as dl  # noqa: E402

SIZE_MB = 200


def unflushed(fd: int) -> None:
    """The downloader's last step without its fsync: the file in the page cache, as curl leaves it."""
    os.close(fd)


async def ours(url: str, target: Path, flush: bool = True) -> float:
    real_finish, real_every = dl._finish, dl.FLUSH_EVERY
    if not flush:
        dl._finish, dl.FLUSH_EVERY = unflushed, 1 << 62
    try:
        return await _timed(url, target)
    finally:
        dl._finish, dl.FLUSH_EVERY = real_finish, real_every


async def _timed(url: str, target: Path) -> float:
    with dl.file_client() as client:  # the runner's file client: the transfer runs on a worker thread
        start = time.perf_counter()
        await dl.download(client, url, target)
        return time.perf_counter() - start


def curl(binary: str, url: str, target: Path, flush: bool) -> float:
    """curl into ``target``; with ``flush``, then the same fsync the app makes, timed together."""
    start = time.perf_counter()
    subprocess.run([binary, "-s", "-o", str(target), url], check=True)
    if flush:
        fd = os.open(target, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    return time.perf_counter() - start


def main() -> None:
    runs = runs_arg(5)
    size_mb = 100 if "--quick" in sys.argv else SIZE_MB
    binary = shutil.which("curl")
    if not binary:
        raise SystemExit("download_throughput: curl is not on PATH")
    dl.check_complete = lambda path, kind, expected=None: None  # random bytes: measure the transfer only
    # seconds per run: app and curl into the page cache; app and curl each followed by an fsync
    cached, curl_cached, durable, curl_durable = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "srv").mkdir()
        with (d / "srv" / "big.mp4").open("wb") as f:
            for _ in range(size_mb):
                f.write(os.urandom(1024 * 1024))
        with static_server(d / "srv") as base:
            url = f"{base}/big.mp4"
            subprocess.run([binary, "-s", "-o", os.devnull, url], check=True)  # warm the page cache
            for i in range(runs):
                for times, timed in (
                    (durable, lambda t: asyncio.run(ours(url, t))),
                    (curl_durable, lambda t: curl(binary, url, t, flush=True)),
                    (cached, lambda t: asyncio.run(ours(url, t, flush=False))),
                    (curl_cached, lambda t: curl(binary, url, t, flush=False)),
                ):
                    os.sync()  # each starts with nothing of the others' waiting to be written back
                    target = d / f"run{i}.mp4"
                    times.append(timed(target))
                    target.unlink()

    def paired(
        name: str,
        app: list[float],
        theirs: list[float],
        anchor: str,
        ratio: str,
        goal: str | None,
        note: str = "",
    ) -> dict[str, Any]:
        """One row: MB/s of ``app`` against ``theirs`` (seconds, run by run); ``goal`` None: shown, not judged."""
        per_run = [c / t for c, t in zip(theirs, app, strict=True)]
        return figure(
            f"download {size_mb} MB {name}",
            "MB/s",
            [size_mb / t for t in app],
            goal=goal or "(what durability costs on this disk; curl does not fsync)",
            meets=goal is None or sorted(per_run)[len(per_run) // 2] >= 0.8,
            anchor=anchor,
            anchor_values=[size_mb / t for t in theirs],
            ratio=ratio,
            ratios=per_run,
            note=note,
        )

    emit(
        "download_throughput",
        [
            paired(
                "into the file, left in the page cache (app: httpx on a worker thread)",
                cached,
                curl_cached,
                "curl, same URL, same disk",
                "app ÷ curl",
                "≥ 0.8 × curl",
                note="static file server in another process; the app's transfer without its final fsync",
            ),
            paired(
                "made durable (the app as it runs: fsynced before the job is done)",
                durable,
                curl_durable,
                "curl, then fsync of its file",
                "app ÷ (curl + fsync)",
                "≥ 0.8 × curl + fsync",
            ),
            paired(
                "made durable, against curl left in the page cache",
                durable,
                curl_cached,
                "curl, same URL, no fsync",
                "app ÷ curl",
                None,
            ),
        ],
    )


if __name__ == "__main__":
    main()
