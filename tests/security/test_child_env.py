"""No child process carries a key: keys given in the environment are taken into memory at start-up.

Children are inspected while they are alive: each reads its own ``/proc/<pid>/environ`` (a stand-in ``gcc``,
``cc`` and ``ld`` put first on PATH, which keyring's backend import starts through ``find_library``; and a
child the test starts itself, read from outside while it waits on its stdin).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kling_desktop.core.secrets import Credentials
from kling_desktop.providers.registry import credential_env_names
from kling_emulator.server import EmulatorServer

CANARIES = {
    "RUNWARE_API_KEY": "canary-child-RUNWARE-9a8b7c6d5e4f",
    "KLING_ACCESS_KEY": "canary-child-ACCESS-1a2b3c4d5e6f",
    "KLING_SECRET_KEY": "canary-child-SECRET-0f1e2d3c4b5a",
}
HERE = Path(__file__).resolve().parent

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc (Linux)")


def _environ_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.decode(errors="replace").partition("=")[::2] for item in raw.split(b"\0") if item)


def test_environment_keys_are_taken_and_children_do_not_inherit_them(monkeypatch) -> None:
    for name, value in CANARIES.items():
        monkeypatch.setenv(name, value)
    creds = Credentials(credential_env_names())
    assert creds.get("runware").reveal() == CANARIES["RUNWARE_API_KEY"]  # still usable, from memory
    assert creds.get("kling_secret").reveal() == CANARIES["KLING_SECRET_KEY"]
    assert creds.source("kling_access") == "environment"
    assert not any(name in os.environ for name in CANARIES)
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; print('ready', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        env = _environ_of(child.pid)  # read while the child is alive, waiting on its stdin
    finally:
        child.kill()
        child.communicate()
    assert env, "the child's environment could not be read"
    assert not set(CANARIES) & set(env)
    assert not any(v in "\0".join(env.values()) for v in CANARIES.values())


def _spy_tools(folder: Path, dumps: Path) -> None:
    """``gcc``, ``cc`` and ``ld`` that record their own environment (from /proc, while running) and fail."""
    folder.mkdir()
    for tool in ("gcc", "cc", "ld"):
        script = folder / tool
        script.write_text(f'#!/bin/sh\ncat /proc/$$/environ > "{dumps}/{tool}.$$.env"\nexit 1\n')
        script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_cli_children_started_by_keyring_backends_carry_no_key(tmp_path: Path, kd_home: Path) -> None:
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    _spy_tools(tmp_path / "bin", dumps)
    with EmulatorServer(delay=0.2, max_side=160) as emu:
        emu.runware_key = CANARIES["RUNWARE_API_KEY"]
        env = {
            **os.environ,
            **CANARIES,
            "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": os.pathsep.join(p for p in (str(HERE), os.environ.get("PYTHONPATH")) if p),
            "PYTHON_KEYRING_BACKEND": "canary_keyring.Keyring",
            "KLING_DESKTOP_HOME": str(kd_home),
            "KLING_DESKTOP_RUNWARE_URL": emu.base_url,
        }
        result = subprocess.run(
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
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert result.returncode == 0, result.stderr  # the key, taken from the environment, still worked
    recorded = sorted(dumps.iterdir())
    assert recorded, "no child process was started: the keyring backends were not loaded"
    for dump in recorded:
        child_env = dump.read_bytes().decode(errors="replace")
        assert "KLING_DESKTOP_HOME" in child_env  # a real environment was recorded
        for name, value in CANARIES.items():
            assert name not in child_env and value not in child_env, f"{dump.name} carried {name}"
