"""``generate --no-wait`` returns only after the provider acknowledged the task; ``jobs resume`` collects it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kling_desktop.jobs.journal import Journal
from kling_desktop.jobs.verify import check_video
from kling_emulator.server import RUNWARE_TEST_KEY, EmulatorServer


def test_no_wait_returns_after_the_provider_acknowledged(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with EmulatorServer(delay=3.0, max_side=160) as emu:
        env = {
            **os.environ,
            "KLING_DESKTOP_HOME": str(home),
            "KLING_DESKTOP_RUNWARE_URL": emu.base_url,
            "RUNWARE_API_KEY": RUNWARE_TEST_KEY,
        }
        env.pop("KLING_DESKTOP_TEST_PAUSE_AT", None)
        args = ["--provider", "runware", "--model", "klingai:1@1", "--prompt", "A boat", "--size", "1280x720"]
        sent = subprocess.run(
            [
                sys.executable,
                "-m",
                "kling_desktop",
                "generate",
                *args,
                "--duration",
                "5",
                "--no-wait",
                "--json",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert sent.returncode == 0, sent.stderr
        out = json.loads(sent.stdout)
        assert out["accepted"] is True and out["status"] in ("submitted", "running")
        (job,) = Journal(home / "data" / "jobs.sqlite").recent()
        assert emu.submissions[job.task_id] == 1  # it really was sent, and acknowledged, before returning
        assert job.accepted and not job.state.finished
        resumed = subprocess.run(
            [sys.executable, "-m", "kling_desktop", "jobs", "resume", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert resumed.returncode == 0, resumed.stderr
        (done,) = json.loads(resumed.stdout)
        assert done["status"] == "done" and emu.submissions[job.task_id] == 1
        check_video(Path(done["files"][0]))
