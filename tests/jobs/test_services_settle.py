"""After start-up the app loads, on a worker thread, what the first request would load on the loop's thread,
and freezes the start-up heap out of the garbage collector's walk. Run in a child process: freezing the heap of
the test process would outlive the test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import asyncio, gc, http.server, json, sys, threading

from kling_desktop.core.paths import AppPaths
from kling_desktop.services import build_services

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
threading.Thread(target=server.serve_forever, daemon=True).start()


async def main():
    services = build_services(AppPaths.default())
    frozen = await services.settle_after_start()
    before = set(sys.modules)
    reply = await services.client.get(f"http://127.0.0.1:{server.server_port}/")
    loaded = sorted(set(sys.modules) - before)
    await services.aclose()
    print(json.dumps({"frozen": frozen, "count": gc.get_freeze_count(), "status": reply.status_code,
                      "loaded": loaded}))


asyncio.run(main())
"""


def test_the_first_request_loads_nothing_and_the_start_up_heap_is_frozen(
    kd_home: Path, tmp_path: Path
) -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=tmp_path,
        env={**os.environ, "KLING_DESKTOP_HOME": str(kd_home)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["status"] == 200
    assert result["loaded"] == [], "the first request loaded these on the event loop's thread"
    assert result["frozen"] > 10_000 and result["count"] > 10_000
