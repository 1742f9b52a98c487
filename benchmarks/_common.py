"""Shared bits for the benchmarks (each script prints one JSON object)."""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
from pathlib import Path
from typing import Any

# The emulator (kling_emulator/) lives at the repository root, beside the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(name: str, **fields: Any) -> None:
    print(
        json.dumps({"benchmark": name, "cores": os.cpu_count(), "python": sys.version.split()[0], **fields})
    )


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else (values[0] if values else 0.0)
