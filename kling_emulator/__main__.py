"""``python -m kling_emulator``: the local stand-in for the Runware and Kling APIs, until Ctrl+C.

A tool for tests, benchmarks and demos; it is not part of the app and not shipped in the bundle.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m kling_emulator",
        description="run a local emulator of the Runware and Kling APIs (for tests and demos)",
    )
    p.add_argument("--port", type=int, default=8787, help="port on 127.0.0.1 (0: any free port)")
    p.add_argument(
        "--faults",
        default="",
        help="e.g. 'latency=0.2,429=2,5xx=1,reset=1,truncate=1,malformed=1,"
        "fail=1,drop_reply=1,badkey,expired=30,item_errors,1303=2' "
        "(see kling_emulator/faults.py)",
    )
    p.add_argument("--delay", type=float, default=2.0, help="seconds a task stays 'processing'")
    p.add_argument("--max-side", type=int, default=640, help="long edge of the emulator's quick renders")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from kling_emulator.server import EmulatorServer

    emu = EmulatorServer(port=args.port, faults=args.faults, delay=args.delay, max_side=args.max_side).start()
    print(f"Emulator listening on {emu.base_url}", flush=True)
    print(f"  export KLING_DESKTOP_RUNWARE_URL={emu.base_url} KLING_DESKTOP_KLING_URL={emu.base_url}")
    print(
        f"  emulator keys (not secrets): RUNWARE_API_KEY={emu.runware_key} "
        f"KLING_ACCESS_KEY={emu.kling_access} KLING_SECRET_KEY={emu.kling_secret}",
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
