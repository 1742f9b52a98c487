from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from kling_desktop.core.paths import AppPaths
from kling_desktop.services import Services, build_services


@pytest.fixture
def services(kd_home: Path) -> Services:
    return build_services(AppPaths.default())


def run(coro):  # small helper: tests here drive the async core with asyncio.run
    return asyncio.run(coro)
