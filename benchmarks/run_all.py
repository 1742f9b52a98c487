"""Run every benchmark and print the README's performance table.

    .venv/bin/python benchmarks/run_all.py            # the full set (about 12–15 minutes on 2 cores)
    .venv/bin/python benchmarks/run_all.py --quick    # fewer runs, 720p drafts only, ready within 60 s

Each script runs in its own process and prints one JSON object of figures (see ``_common.py``); this
prints, for each figure, min / median / max of the runs, the anchor measured in the same run, the ratio
(median of the per-run ratios) and whether the goal is met, with the date, machine and command. ``--json
FILE`` also keeps every run's raw numbers.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# (script, runs in the full set, runs with --quick)
SCRIPTS = (
    ("startup.py", 7, 3),
    ("draft_render.py", 3, 2),
    ("thumbnails_vs_ffmpeg.py", 5, 3),
    ("download_throughput.py", 5, 3),
    ("event_loop_stall.py", 5, 1),
    ("gallery_100k.py", 3, 1),
    ("ready_to_noticed.py", 12, 6),
)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = f", load average {os.getloadavg()[0]:.1f} at start" if hasattr(os, "getloadavg") else ""
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores{mem}{load}; "
        f"Python {platform.python_version()}"
    )


def _num(v: float) -> str:
    return f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"


def row(f: dict[str, Any]) -> str:
    v = f["value"]
    ours = f"{_num(v['min'])} / **{_num(v['median'])}** / {_num(v['max'])} {f['unit']}"
    anchor = ""
    if "anchor" in f:
        a = f["anchor"]
        anchor = f"{a['name']}: {_num(a['min'])} / {_num(a['median'])} / {_num(a['max'])}"
    ratio = ""
    if "ratio" in f:
        r = f["ratio"]
        ratio = f"{r['name']}: {r['min']:.2f} / **{r['median']:.2f}** / {r['max']:.2f}"
    note = f" ({f['note']})" if f.get("note") else ""
    verdict = "yes" if f["meets"] else "**no**"
    return f"| {f['name']}{note} | {ours} | {anchor} | {ratio} | {f['goal']} | {verdict} |"


def main() -> int:
    quick = "--quick" in sys.argv
    keep = Path(sys.argv[sys.argv.index("--json") + 1]) if "--json" in sys.argv else None
    only = [a for a in sys.argv[1:] if a.endswith(".py")]
    started = datetime.now(UTC)
    header = machine()
    results: list[dict[str, Any]] = []
    failures: list[str] = []
    t0 = time.perf_counter()
    for script, full, fewer in SCRIPTS:
        if only and script not in only:
            continue
        args = [sys.executable, str(HERE / script), "--runs", str(fewer if quick else full)]
        if quick:
            args.append("--quick")
        t = time.perf_counter()
        print(f"running {script} …", file=sys.stderr, flush=True)
        out = subprocess.run(args, capture_output=True, text=True, timeout=1800, cwd=HERE.parent)
        lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
        if out.returncode or not lines:
            failures.append(f"{script}: exit {out.returncode}: {out.stderr.strip()[-600:]}")
            continue
        data = json.loads(lines[-1])
        data["seconds"] = round(time.perf_counter() - t, 1)
        results.append(data)
    total = time.perf_counter() - t0
    cmd = "benchmarks/run_all.py" + (" --quick" if quick else "")
    print(f"Measured {started:%Y-%m-%d %H:%M} UTC with `.venv/bin/python {cmd}` ({total / 60:.1f} min)  ")
    print(f"Machine: {header}  ")
    print("Values are min / **median** / max over the runs; the anchor ran in the same run, alternating with")
    print("ours where it can; the ratio is the median of the per-run ratios.")
    print()
    print("| Figure | Ours (min / median / max) | Anchor, same run | Ratio | Goal | Met |")
    print("|---|---|---|---|---|---|")
    for data in results:
        for f in data["figures"]:
            print(row(f))
    for failure in failures:
        print(f"\nFAILED {failure}")
    if keep:
        keep.write_text(json.dumps({"started": started.isoformat(), "machine": header, "results": results}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
