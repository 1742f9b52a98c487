"""The hard gates: ruff (check and format, pinned) over the repository, mypy over the package, the emulator
and the tools, and a lock file that matches pyproject.toml."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff_clean() -> None:
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_clean() -> None:
    result = _run("ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_clean() -> None:
    """The whole package (widgets with a pending list in pyproject.toml), the emulator and the tools."""
    result = _run("mypy", "kling_desktop", "kling_emulator", "tools")
    assert result.returncode == 0, result.stdout + result.stderr


def _locked() -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) from requirements.lock."""
    text = LOCK.read_text(encoding="utf-8")
    out = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        if m := re.match(r"([A-Za-z0-9._-]+)==([^\s;\\]+)", block):
            out[canonicalize_name(m[1])] = (m[2], block.count("--hash=sha256:"))
    return out


def test_the_lock_file_pins_every_dependency_with_hashes() -> None:
    """./dev installs from requirements.lock: every dependency of pyproject.toml (and its test extra) must be
    locked at a version its specifier allows, with hashes. After changing a dependency: ./dev lock."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]
    locked = _locked()
    assert len(locked) >= len(wanted)
    problems = []
    for req in wanted:
        version, hashes = locked.get(canonicalize_name(req.name), ("", 0))
        if not version:
            problems.append(f"{req.name} is not in requirements.lock")
        elif not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req.name}: locked {version}, pyproject.toml asks {req.specifier}")
    unhashed = [name for name, (_v, hashes) in locked.items() if hashes == 0]
    assert problems == [] and unhashed == [], (problems, unhashed, "run ./dev lock")
