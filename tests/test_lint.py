"""ruff over the whole package and mypy over the core (everything but the widgets) stay clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ["catalog", "core", "providers", "jobs", "library", "render", "cli"]


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


def test_mypy_clean_on_core() -> None:
    paths = [f"kling_desktop/{p}" for p in CORE if (ROOT / "kling_desktop" / p).exists()]
    result = _run("mypy", *paths)
    assert result.returncode == 0, result.stdout + result.stderr
