"""``python -m kling_emulator`` as a person runs it: prints its URL, serves until Ctrl+C, exits cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from kling_emulator.server import RUNWARE_TEST_KEY


def test_emulator_command_serves_until_ctrl_c() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kling_emulator",
            "--port",
            "0",
            "--delay",
            "0.1",
            "--faults",
            "429=1,retry_after=0",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("Emulator listening on http://127.0.0.1:")
        base = first.rsplit(" ", 1)[-1].strip()
        ping = [{"taskType": "ping", "ping": True}]
        headers = {"Authorization": f"Bearer {RUNWARE_TEST_KEY}"}
        busy = httpx.post(base + "/v1", json=ping, headers=headers)
        ok = httpx.post(base + "/v1", json=ping, headers=headers)
        assert busy.status_code == 429 and busy.headers["retry-after"] == "0"
        assert ok.json() == {"data": [{"taskType": "ping", "pong": True}]}
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
