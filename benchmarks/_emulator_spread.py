"""The emulator, run as its own process, with each task ready after a random delay in LOW..HIGH seconds.

    python benchmarks/_emulator_spread.py LOW HIGH MAX_SIDE [LOG]

With LOG, each accepted task appends ``task_id external_id ready_at`` (wall clock) to that file.
"""

from __future__ import annotations

import random
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kling_emulator.server import EmulatorServer  # noqa: E402
from kling_emulator.state import EmulatorState  # noqa: E402


class _SpreadDelay:
    """Read as ``state.delay`` once per new task: a fresh random delay each time."""

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high, self.rng = low, high, random.Random(15)

    def __get__(self, obj: object, owner: type | None = None) -> float:
        return self.rng.uniform(self.low, self.high)

    def __set__(self, obj: object, value: float) -> None:
        pass


def main() -> None:
    low, high = float(sys.argv[1]), float(sys.argv[2])
    max_side = int(sys.argv[3]) if len(sys.argv) > 3 else 160
    EmulatorState.delay = _SpreadDelay(low, high)  # type: ignore[assignment,method-assign]
    log = Path(sys.argv[4]) if len(sys.argv) > 4 else None
    if log is not None:
        add_task = EmulatorState.add_task

        def logged(self: EmulatorState, task, fail: bool):  # type: ignore[no-untyped-def]
            out = add_task(self, task, fail)
            with log.open("a") as f:
                f.write(f"{task.id} {task.external_id or '-'} {task.ready_at:.6f}\n")
            return out

        EmulatorState.add_task = logged  # type: ignore[method-assign]
    emu = EmulatorServer(port=0, delay=low, max_side=max_side).start()
    print(f"Emulator listening on {emu.base_url}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    emu.stop()


if __name__ == "__main__":
    main()
