"""Project-wide test set-up: isolated data root, offscreen Qt, an in-memory keyring, no network."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def pytest_configure(config: pytest.Config) -> None:
    """The environment every test runs in, set once before collection (so before any Qt or keyring import)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_MEDIA_BACKEND", "ffmpeg")
    # Never let a test talk to a real keychain: the fail backend unless a test installs a fake one.
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    for var in (
        "RUNWARE_API_KEY",
        "KLING_ACCESS_KEY",
        "KLING_SECRET_KEY",
        "KLING_DESKTOP_RUNWARE_URL",
        "KLING_DESKTOP_KLING_URL",
    ):
        os.environ.pop(var, None)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("kd-home")
    monkeypatch.setenv("KLING_DESKTOP_HOME", str(home))
    from kling_desktop.core.env_keys import forget_taken

    forget_taken()  # keys a test put in the environment were taken into memory; the next test starts clean
    return home


@pytest.fixture
def kd_home() -> Path:
    return Path(os.environ["KLING_DESKTOP_HOME"])
