"""A CLI process killed with SIGKILL at each stage, then ``jobs resume``: the job finishes, with exactly one
submission counted by the emulator and an intact file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kling_desktop.core.probe import probe_media
from kling_desktop.jobs.clock import ENV as TIME_FACTOR
from kling_desktop.jobs.journal import Journal
from kling_desktop.jobs.lifecycle import STALL_AFTER_ENV as STALL_AFTER
from kling_desktop.jobs.verify import check_video
from kling_emulator.server import KLING_TEST_ACCESS, KLING_TEST_SECRET, RUNWARE_TEST_KEY, EmulatorServer


def _env(home: Path, emu: EmulatorServer, pause: str | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "KLING_DESKTOP_HOME": str(home),
        "KLING_DESKTOP_RUNWARE_URL": emu.base_url,
        "RUNWARE_API_KEY": RUNWARE_TEST_KEY,
        "KLING_DESKTOP_KLING_URL": emu.base_url,
        "KLING_ACCESS_KEY": KLING_TEST_ACCESS,
        "KLING_SECRET_KEY": KLING_TEST_SECRET,
        TIME_FACTOR: "0.05",  # waits of the waiting state, 20 times faster
        STALL_AFTER: "20",  # seconds of the job's clock without progress (1 s here)
    }
    env.pop("KLING_DESKTOP_TEST_PAUSE_AT", None)
    if pause:
        env["KLING_DESKTOP_TEST_PAUSE_AT"] = pause
    return env


@pytest.mark.parametrize(
    ("stage", "faults"),
    [
        ("after-journal", ""),
        ("before-send", ""),  # resume asks Runware, which proves it never got it: sent once, same id
        ("after-submit", ""),
        ("mid-poll", ""),
        ("before-download", ""),
        ("mid-download", ""),
        # the waiting state: before Runware acknowledged the task, while polling, while downloading
        ("waiting", "5xx=3"),
        ("waiting", "query_outage=2"),
        ("waiting", "host_outage=2"),
        ("stalled", "never_finish"),  # no progress for far too long: said stalled, then killed
    ],
)
def test_killed_at_each_stage_then_resumed(stage: str, faults: str, tmp_path: Path) -> None:
    _kill_then_resume(stage, faults, "runware", tmp_path)


@pytest.mark.parametrize(
    ("stage", "faults"),
    [("before-send", ""), ("after-submit", ""), ("waiting", "5xx=3"), ("waiting", "query_outage=2")],
)
def test_kling_killed_then_resumed(stage: str, faults: str, tmp_path: Path) -> None:
    """Kling: the lookup by external_task_id decides; a create is sent again only when it finds nothing."""
    _kill_then_resume(stage, faults, "kling", tmp_path)


def _kill_then_resume(stage: str, faults: str, provider: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    with EmulatorServer(faults=faults, delay=0.5, max_side=160) as emu:
        cmd = [
            sys.executable,
            "-m",
            "kling_desktop",
            "generate",
            "--provider",
            provider,
            "--model",
            "klingai:1@1",
            "--prompt",
            "A boat on a quiet lake",
            "--size",
            "1280x720",
            "--duration",
            "5",
            "--json",
        ]
        proc = subprocess.Popen(
            cmd, env=_env(home, emu, stage), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the process announces the stage it is paused at
        assert line.strip() == f"paused-at:{stage}", proc.stderr.read() if proc.stderr else ""
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        jobs = Journal(home / "data" / "jobs.sqlite").recent()
        if stage == "mid-download":  # killed with part of the file on disk: the resume continues it
            assert list((home / "library" / "media").glob("*.part"))
        assert len(jobs) == 1 and not jobs[0].state.finished
        if stage == "waiting":  # killed while waiting, with the words and the next check on record
            assert jobs[0].state.value == "waiting" and jobs[0].notice and jobs[0].next_check_at
            assert jobs[0].accepted == (faults != "5xx=3")
        if stage == "stalled":
            assert jobs[0].state.value == "stalled" and "no progress" in jobs[0].notice
            emu.faults.never_finish = False  # the task moves again while the app is down
        resumed = subprocess.run(
            [sys.executable, "-m", "kling_desktop", "jobs", "resume", "--json"],
            env=_env(home, emu),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert resumed.returncode == 0, resumed.stderr
        done = json.loads(resumed.stdout)
        assert [j["status"] for j in done] == ["done"]
        task_id = jobs[0].task_id
        assert emu.submissions[task_id] == 1  # paid once, whatever the stage
        if stage == "before-send":
            assert jobs[0].state.value == "submitting" and emu.state.received[task_id] == 1
        info = probe_media(done[0]["files"][0])
        assert info.duration == pytest.approx(5.0, abs=0.05)
        assert check_video(Path(done[0]["files"][0])) == info.frames  # complete: decodes to its last frame
        assert not list((home / "library" / "media").glob("*.part"))
        assert Journal(home / "data" / "jobs.sqlite").integrity_check() == "ok"
