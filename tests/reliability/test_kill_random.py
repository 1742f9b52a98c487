"""kill -9 at random points across 50 jobs, restart, resume: 0 lost jobs, 0 duplicate submissions,
0 corrupt files, and SQLite's integrity check passes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from kling_desktop.core.probe import probe_media
from kling_desktop.core.settings import Settings
from kling_desktop.jobs.journal import Journal
from kling_desktop.library.store import LibraryStore
from kling_emulator.server import RUNWARE_TEST_KEY, EmulatorServer

TOTAL = 50
DRIVER = f"""
import asyncio
from kling_desktop.core.request import GenerationRequest
from kling_desktop.services import build_services

async def main():
    s = build_services()
    await s.runner.resume_all()
    req = GenerationRequest(model="klingai:1@1", prompt="A boat on a lake", width=1280, height=720, duration=5)
    while len(s.journal.recent({TOTAL * 2})) < {TOTAL}:
        await s.runner.submit(req, "runware")
    await s.runner.wait_all()
    await s.aclose()

asyncio.run(main())
"""


def test_kill_minus_nine_at_random_points(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    Settings(concurrency={"runware": 10}).save(home / "config" / "settings.json")
    rng = random.Random(20261122)
    with EmulatorServer(delay=0.3, max_side=96) as emu:
        env = {
            **os.environ,
            "KLING_DESKTOP_HOME": str(home),
            "KLING_DESKTOP_RUNWARE_URL": emu.base_url,
            "RUNWARE_API_KEY": RUNWARE_TEST_KEY,
        }
        kills = 0
        for _ in range(8):  # kill -9 at a random moment, then start again
            proc = subprocess.Popen(
                [sys.executable, "-c", DRIVER], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            time.sleep(rng.uniform(0.6, 2.5))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait(timeout=30)
        final = subprocess.run(
            [sys.executable, "-c", DRIVER], env=env, capture_output=True, text=True, timeout=300
        )
        assert final.returncode == 0, final.stderr[-3000:]
        journal = Journal(home / "data" / "jobs.sqlite")
        jobs = journal.recent(1000)
        assert kills >= 3
        assert len(jobs) == TOTAL  # 0 lost: every journaled job is there
        assert all(j.state.value == "done" for j in jobs), [(j.id, j.state.value, j.error) for j in jobs]
        assert all(emu.submissions[j.task_id] == 1 for j in jobs)  # 0 duplicate submissions
        assert sum(emu.submissions.values()) == TOTAL
        for j in jobs:  # 0 corrupt files
            info = probe_media(j.files[0])
            assert info.duration == 5.0 and info.has_video
        assert not list((home / "library" / "media").glob("*.part"))
        assert journal.integrity_check() == "ok"
        library = LibraryStore(home / "data" / "library.sqlite", home / "library")
        assert library.integrity_check() == "ok" and library.count() == TOTAL
