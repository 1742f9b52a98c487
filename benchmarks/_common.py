"""Shared bits for the benchmarks.

Every script prints one JSON object: ``{"benchmark": name, "figures": [...], ...}``. A figure holds the
measured runs (min, median, max and each run), the anchor it is compared with, measured in the same run,
and the goal. ``run_all.py`` turns the figures into the README's table. Servers always run in a separate
process (``server_process``), so the measuring process never serves its own bytes.
"""

from __future__ import annotations

import json
import os
import re
import resource
import statistics
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The emulator (kling_emulator/) lives at the repository root, beside the package.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def spread(values: Sequence[float], digits: int = 3) -> dict[str, Any]:
    return {
        "min": round(min(values), digits),
        "median": round(statistics.median(values), digits),
        "max": round(max(values), digits),
        "runs": [round(v, digits) for v in values],
    }


def figure(
    name: str,
    unit: str,
    values: Sequence[float],
    *,
    goal: str,
    meets: bool,
    anchor: str = "",
    anchor_values: Sequence[float] = (),
    ratio: str = "",
    ratios: Sequence[float] = (),
    note: str = "",
) -> dict[str, Any]:
    """One row of the table. ``ratios`` are per pair (run i of ours with run i of the anchor)."""
    out: dict[str, Any] = {"name": name, "unit": unit, "value": spread(values), "goal": goal, "meets": meets}
    if anchor:
        out["anchor"] = {"name": anchor, **spread(anchor_values)}
    if ratio:
        out["ratio"] = {"name": ratio, **spread(ratios, 2)}
    if note:
        out["note"] = note
    return out


def emit(name: str, figures: list[dict[str, Any]], **fields: Any) -> None:
    print(
        json.dumps(
            {
                "benchmark": name,
                "cores": os.cpu_count(),
                "python": sys.version.split()[0],
                "figures": figures,
                **fields,
            }
        ),
        flush=True,
    )


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else (values[0] if values else 0.0)


def runs_arg(default: int) -> int:
    """``--runs N`` on the command line (run_all.py passes fewer with --quick)."""
    if "--runs" in sys.argv:
        return max(1, int(sys.argv[sys.argv.index("--runs") + 1]))
    return default


@contextmanager
def server_process(args: Sequence[str], pattern: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Start ``python ARGS`` as a separate process; yield the base URL it prints (``pattern`` group 1)."""
    proc = subprocess.Popen(
        [sys.executable, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            m = re.search(pattern, line)
            if m:
                break
        else:
            raise RuntimeError(f"server {' '.join(args)} ended before it listened")
        yield m.group(1)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def static_server(directory: Path) -> Iterator[str]:
    """A plain static file server (Python's http.server) in another process."""
    with server_process(
        ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(directory)],
        r"port (\d+)",
    ) as port:
        yield f"http://127.0.0.1:{port}"


@contextmanager
def emulator(
    delay: float = 2.0, max_side: int = 160, spread_to: float | None = None, log: Path | None = None
) -> Iterator[str]:
    """The emulator in another process. With ``spread_to``, each task is ready after a random delay in
    ``delay``..``spread_to`` seconds (``_emulator_spread.py``); otherwise ``python -m kling_emulator``."""
    if spread_to is None:
        args = [
            "-u",
            "-m",
            "kling_emulator",
            "--port",
            "0",
            "--delay",
            str(delay),
            "--max-side",
            str(max_side),
        ]
    else:
        script = str(ROOT / "benchmarks" / "_emulator_spread.py")
        args = ["-u", script, str(delay), str(spread_to), str(max_side), *([str(log)] if log else [])]
    with server_process(args, r"listening on (http://\S+)") as url:
        yield url
