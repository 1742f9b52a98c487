"""Result download throughput of the app's downloader vs curl, on the same loopback URL (ratio)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, os.path.dirname(__file__))
from _common import emit  # noqa: E402

from kling_desktop.jobs import download as dl  # noqa: E402
from kling_emulator.server import EmulatorServer  # noqa: E402

SIZE_MB = 200


async def ours(url: str, target: Path) -> float:
    async with httpx.AsyncClient() as client:
        start = time.perf_counter()
        await dl.download(client, url, target)
        return time.perf_counter() - start


def main() -> None:
    dl.verify = lambda path, kind: None  # measure the transfer, not the container check
    with tempfile.TemporaryDirectory() as tmp, EmulatorServer() as emu:
        blob = emu.state.media_dir / "big.mp4"
        blob.write_bytes(os.urandom(SIZE_MB * 1024 * 1024))
        url = f"{emu.base_url}/media/big.mp4"
        t_ours = min(asyncio.run(ours(url, Path(tmp) / f"o{i}.mp4")) for i in range(3))
        curl = shutil.which("curl")
        t_curl = None
        if curl:
            runs = []
            for i in range(3):
                start = time.perf_counter()
                subprocess.run([curl, "-s", "-o", str(Path(tmp) / f"c{i}.mp4"), url], check=True)
                runs.append(time.perf_counter() - start)
            t_curl = min(runs)
    emit(
        "download_throughput",
        size_mb=SIZE_MB,
        app_mb_s=round(SIZE_MB / t_ours, 1),
        curl_mb_s=round(SIZE_MB / t_curl, 1) if t_curl else None,
        ratio_app_to_curl=round(t_curl / t_ours, 2) if t_curl else None,
    )


if __name__ == "__main__":
    main()
