from __future__ import annotations

from collections.abc import Iterator

import pytest

from kling_emulator.server import (
    KLING_TEST_ACCESS,
    KLING_TEST_SECRET,
    RUNWARE_TEST_KEY,
    EmulatorServer,
)


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorServer]:
    with EmulatorServer(delay=0.3, max_side=160) as emu:
        monkeypatch.setenv("KLING_DESKTOP_RUNWARE_URL", emu.base_url)
        monkeypatch.setenv("KLING_DESKTOP_KLING_URL", emu.base_url)
        monkeypatch.setenv("RUNWARE_API_KEY", RUNWARE_TEST_KEY)
        monkeypatch.setenv("KLING_ACCESS_KEY", KLING_TEST_ACCESS)
        monkeypatch.setenv("KLING_SECRET_KEY", KLING_TEST_SECRET)
        yield emu
