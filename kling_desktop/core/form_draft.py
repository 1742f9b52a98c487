"""The form's draft: saved as the artist types, restored after a crash. Pure Python (no Qt).

``DraftWriter.submit`` returns at once: the newest state is written by one worker thread, atomically (a
temporary file renamed over the draft), so the GUI thread never waits on the disk and a crash mid-write leaves
the previous draft whole. Older states still waiting are skipped: only the latest matters.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

Draft = dict[str, Any]
VERSION = 1


def load_draft(path: Path) -> Draft | None:
    """The saved draft, or None when there is none or it cannot be read (a damaged draft is set aside)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        try:
            path.replace(path.with_suffix(".damaged.json"))
        except OSError:
            pass
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("form"), dict):
        return None
    return data["form"]


def write_draft(path: Path, form: Draft) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump({"version": VERSION, "form": form}, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class DraftWriter:
    """Writes the latest submitted draft on a background thread; ``flush`` waits until it is on disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Condition()
        self._pending: Draft | None = None
        self._busy = False
        self._closed = False
        self.last_error: OSError | None = None
        self._thread = threading.Thread(target=self._run, name="form-draft", daemon=True)
        self._thread.start()

    def submit(self, form: Draft) -> None:
        with self._lock:
            self._pending = form
            self._lock.notify_all()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait (off the GUI thread, or in tests) until every submitted draft is written."""
        with self._lock:
            return self._lock.wait_for(lambda: self._pending is None and not self._busy, timeout)

    def stop(self) -> None:
        """Let the thread write what is pending, then end (does not wait)."""
        with self._lock:
            self._closed = True
            self._lock.notify_all()

    def close(self) -> None:
        self.flush()
        self.stop()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: self._pending is not None or self._closed)
                if self._pending is None:
                    return
                form, self._pending, self._busy = self._pending, None, True
            try:
                write_draft(self.path, form)
                self.last_error = None
            except OSError as exc:  # a full or read-only disk: the form keeps working, the draft waits
                self.last_error = exc
            finally:
                with self._lock:
                    self._busy = False
                    self._lock.notify_all()
