"""A canary key never leaks; a hostile provider cannot write outside the library."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from kling_desktop.core.paths import AppPaths
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.secrets import Credentials, Secret
from kling_desktop.jobs.states import JobState
from kling_desktop.providers.registry import credential_env_names
from kling_desktop.services import build_services
from kling_emulator.server import EmulatorServer

CANARY = "canary-KEY-7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c1e"
REQ = GenerationRequest(model="klingai:1@1", prompt="A boat on a lake", width=1280, height=720, duration=5)


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in this process only: tests never touch a real keychain."""

    priority = 10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def _files_containing(root: Path, needle: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_canary_key_never_reaches_disk_or_logs(kd_home, memory_keyring, monkeypatch, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    creds = Credentials(credential_env_names())
    assert creds.set("runware", CANARY) == "keyring" and creds.source("runware") == "keyring"
    assert "keyring" in creds.status().sentence
    with EmulatorServer(delay=0.2, max_side=160) as emu:
        emu.runware_key = CANARY
        monkeypatch.setenv("KLING_DESKTOP_RUNWARE_URL", emu.base_url)

        async def main():
            s = build_services(AppPaths.default(), credentials=creds)
            s.settings.save(s.settings_file)
            try:
                ok = await s.runner.wait((await s.runner.submit(REQ, "runware")).id)
                emu.runware_key = "rotated"  # now the same key is refused: the error must not echo it
                bad = await s.runner.wait((await s.runner.submit(REQ, "runware")).id)
                return ok, bad
            finally:
                await s.aclose()

        ok, bad = asyncio.run(main())
    assert ok.state is JobState.DONE and bad.state is JobState.FAILED
    assert CANARY not in bad.error and CANARY not in repr(creds.get("runware"))
    assert _files_containing(kd_home, CANARY.encode()) == []  # journal, library, sidecars, settings, caches
    assert CANARY not in caplog.text
    assert str(Secret(CANARY)) == "Secret('***')"


def test_no_keyring_is_said_and_falls_back_to_the_session(kd_home) -> None:
    creds = Credentials(credential_env_names())  # tests/conftest.py sets the 'fail' backend: no keyring here
    status = creds.status()
    assert (
        not status.has_keyring
        and "No system keyring" in status.sentence
        and "RUNWARE_API_KEY" in status.sentence
    )
    assert creds.set("runware", CANARY) == "this session"
    assert creds.get("runware").reveal() == CANARY and _files_containing(kd_home, CANARY.encode()) == []


def test_key_is_not_in_a_process_command_line(kd_home, tmp_path) -> None:
    with EmulatorServer(delay=0.2, max_side=160) as emu:
        emu.runware_key = CANARY
        # Hold the client's first call to the API until its command line has been read: the process is
        # then alive, holding the key, in the middle of its work.
        arrived, inspected = threading.Event(), threading.Event()
        serve = emu.route

        def held(req):
            if req.method == "POST" and not arrived.is_set():
                arrived.set()
                inspected.wait(60)
            return serve(req)

        emu.route = held  # type: ignore[method-assign]
        env = {
            **os.environ,
            "KLING_DESKTOP_HOME": str(kd_home),
            "KLING_DESKTOP_RUNWARE_URL": emu.base_url,
            "RUNWARE_API_KEY": CANARY,
        }
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kling_desktop",
                "generate",
                "--provider",
                "runware",
                "--model",
                "klingai:1@1",
                "--prompt",
                "A boat",
                "--size",
                "1280x720",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            while not arrived.wait(0.1):
                assert proc.poll() is None, proc.communicate()[1].decode()
            alive = proc.poll() is None
            cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
        finally:
            inspected.set()
        out, err = proc.communicate(timeout=120)
    assert alive and b"generate" in cmdline and b"--provider" in cmdline  # the live process's real argv
    assert proc.returncode == 0, err.decode()
    assert CANARY.encode() not in cmdline and CANARY.encode() not in out + err
    assert _files_containing(kd_home, CANARY.encode()) == []


# ---- a hostile provider ----------------------------------------------------------------------------------


def _run_against(emu: EmulatorServer, monkeypatch):
    from kling_emulator.server import RUNWARE_TEST_KEY

    monkeypatch.setenv("KLING_DESKTOP_RUNWARE_URL", emu.base_url)
    monkeypatch.setenv("RUNWARE_API_KEY", RUNWARE_TEST_KEY)

    async def main():
        s = build_services(AppPaths.default())
        try:
            return await s.runner.wait((await s.runner.submit(REQ, "runware")).id), s.paths
        finally:
            await s.aclose()

    return asyncio.run(main())


@pytest.mark.parametrize(
    "hostile",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/video.mp4",
        "{base}/media/../../../../tmp/evil.mp4",
        "{base}/media/..%2F..%2Fevil.mp4",
    ],
)
def test_hostile_result_urls_cannot_write_outside_the_library(
    hostile, kd_home, monkeypatch, tmp_path
) -> None:
    outside = set(Path("/tmp").glob("evil*"))
    with EmulatorServer(delay=0.2, max_side=160) as emu:
        emu.state.media_url = lambda name: hostile.format(base=emu.base_url)  # type: ignore[method-assign]
        job, paths = _run_against(emu, monkeypatch)
    assert job.state is JobState.FAILED and job.error
    assert set(Path("/tmp").glob("evil*")) == outside
    written = [p for p in kd_home.rglob("*") if p.is_file() and "evil" in p.name]
    assert written == []


def test_oversize_body_is_refused(kd_home, monkeypatch) -> None:
    from kling_desktop.jobs import download
    from kling_emulator.server import Response

    tiny = dict.fromkeys(download.MAX_BYTES, 50_000)  # tiny caps stand in for the real ones (per kind)
    monkeypatch.setattr(download, "MAX_BYTES", tiny)
    with EmulatorServer(delay=0.2, max_side=160) as emu:
        emu.add_route(
            "GET", "/media/huge", lambda req: Response(200, b"\0" * 200_000, {"Content-Type": "video/mp4"})
        )
        emu.state.media_url = lambda name: f"{emu.base_url}/media/huge"  # type: ignore[method-assign]
        job, _ = _run_against(emu, monkeypatch)
    assert job.state is JobState.FAILED and "200,000 bytes, more than the" in job.error
    assert not [p for p in (kd_home / "library" / "media").glob("*") if p.stat().st_size > 50_000]
