from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: a real multi-minute outage (runs in CI; deselect with -m 'not slow')"
    )
