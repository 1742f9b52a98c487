"""Result download throughput: the app's downloader vs curl, same URL, server in another process.

A plain static file server (Python's http.server, its own process) serves one file of random bytes. Each run
downloads it once with ``kling_desktop.jobs.download.download`` as the app does (awaited on an asyncio loop;
httpx reads the bytes on a worker thread and writes them to the file as they arrive, then fsyncs it; the
container check is left out: the bytes are not a video) and once with curl, in turn, so each pair shares
the machine's load. The figure is MB/s; the ratio app ÷ curl is taken pair by pair.
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


def main() -> None:
    runs = runs_arg(5)
    size_mb = 100 if "--quick" in sys.argv else SIZE_MB
    curl = shutil.which("curl")
    if not curl:
        raise SystemExit("download_throughput: curl is not on PATH")
    dl.check_complete = lambda path, kind, expected=None: None  # random bytes: measure the transfer only
    app, theirs, ratios, cached, cached_ratios = [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "srv").mkdir()
        with (d / "srv" / "big.mp4").open("wb") as f:
            for _ in range(size_mb):
                f.write(os.urandom(1024 * 1024))
        with static_server(d / "srv") as base:
            url = f"{base}/big.mp4"
            subprocess.run([curl, "-s", "-o", os.devnull, url], check=True)  # warm the page cache
            for i in range(runs):
                os.sync()  # each side starts with nothing of the other's waiting to be written back
                t = asyncio.run(ours(url, d / f"o{i}.mp4"))
                (d / f"o{i}.mp4").unlink()
                os.sync()
                u = asyncio.run(ours(url, d / f"u{i}.mp4", flush=False))
                (d / f"u{i}.mp4").unlink()
                os.sync()
                start = time.perf_counter()
                subprocess.run([curl, "-s", "-o", str(d / f"c{i}.mp4"), url], check=True)
                c = time.perf_counter() - start
                (d / f"c{i}.mp4").unlink()
                app.append(size_mb / t)
                theirs.append(size_mb / c)
                ratios.append(c / t)
                cached.append(size_mb / u)
                cached_ratios.append(c / u)
    med = sorted(ratios)[len(ratios) // 2]
    emit(
        "download_throughput",
        [
            figure(
                f"download {size_mb} MB to disk, app (httpx on a worker thread, file fsynced as the app does)",
                "MB/s",
                app,
                goal="≥ 0.8 × curl",
                meets=med >= 0.8,
                anchor="curl, same URL",
                anchor_values=theirs,
                ratio="app ÷ curl",
                ratios=ratios,
                note="static file server in another process; curl does not fsync",
            ),
            figure(
                f"download {size_mb} MB, same without the fsync (left in the page cache, as curl leaves it)",
                "MB/s",
                cached,
                goal="(shows what the flush to disk costs; not the app's behaviour)",
                meets=True,
                anchor="curl, same URL",
                anchor_values=theirs,
                ratio="app ÷ curl",
                ratios=cached_ratios,
            ),
        ],
    )


if __name__ == "__main__":
    main()
