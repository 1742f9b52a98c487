"""Upload bookkeeping for Runware: content hash → remote UUID, so an input file is uploaded once.

The cache is a small JSON file per base URL and account under ``AppPaths.cache``
(``uploads/runware-<url hash>-<account hash>.json``):
``{sha256: {"id": <imageUUID | mediaUUID>, "at": <unix time of upload>}}``. Runware deletes uploads 30 days
after their last use, so an entry older than ``MAX_AGE`` is treated as gone and the file is uploaded again.
Every method does file I/O: call them from a worker thread (the provider does).
"""

from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
import os
import time
from collections.abc import Callable
from pathlib import Path

from kling_desktop.providers.inputs import readable_input

MAX_AGE = 20 * 24 * 3600.0  # seconds; well inside Runware's 30 days after last use
CHUNK = 1 << 20


def file_digest(path: str | Path) -> str:
    """sha256 of a file's content, read in chunks."""
    h = hashlib.sha256()
    with open(readable_input(path), "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def data_uri(path: str | Path) -> str:
    """``data:<mime>;base64,...`` for a local file (the form the official SDKs send)."""
    mime = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(readable_input(path).read_bytes()).decode()}"


def account_id(key: str) -> str:
    """A one-way, salted hash of an API key: names the account's cache file, never reveals the key."""
    return hashlib.sha256(b"kling-desktop upload cache\0" + key.encode()).hexdigest()[:16]


class UploadCache:
    """Content hash → Runware UUID, in a small JSON file: an input is uploaded once per base URL and account.

    Uploads belong to the account that made them, so the file is chosen per account (``account`` returns the
    current key; only ``account_id``, its one-way hash, is used): after switching keys, account B never
    reuses account A's image ids. The key is asked for each time, as it can change while the app runs.
    """

    def __init__(
        self,
        folder: Path,
        base_url: str,
        max_age: float = MAX_AGE,
        account: Callable[[], str | None] | None = None,
    ) -> None:
        self.folder = folder
        self._url_id = hashlib.sha1(base_url.encode()).hexdigest()[:10]
        self._account = account
        self.max_age = max_age
        self._entries: dict[str, dict[str, object]] | None = None  # read lazily, for ``_loaded_for``
        self._loaded_for: Path | None = None

    @property
    def path(self) -> Path:
        key = self._account() if self._account else None
        suffix = f"-{account_id(key)}" if key else ""
        return self.folder / f"runware-{self._url_id}{suffix}.json"

    def _load(self) -> dict[str, dict[str, object]]:
        if self._loaded_for != self.path:  # another account since the last read
            self._entries, self._loaded_for = None, self.path
        if self._entries is None:
            try:
                raw = json.loads(self.path.read_text())
            except (OSError, ValueError):
                raw = {}
            entries: dict[str, dict[str, object]] = {}
            for digest, value in raw.items() if isinstance(raw, dict) else ():
                if isinstance(value, str):  # the first format: a bare id, age unknown
                    entries[digest] = {"id": value, "at": 0.0}
                elif isinstance(value, dict) and isinstance(value.get("id"), str):
                    entries[digest] = value
            self._entries = entries
        return self._entries

    def get(self, digest: str, now: float | None = None) -> str | None:
        entry = self._load().get(digest)
        if entry is None:
            return None
        at = entry.get("at")
        age = (now if now is not None else time.time()) - (float(at) if isinstance(at, int | float) else 0.0)
        return str(entry["id"]) if age < self.max_age else None

    def put(self, digest: str, remote: str, now: float | None = None) -> None:
        entries = self._load()
        entries[digest] = {"id": remote, "at": now if now is not None else time.time()}
        self._write(entries)

    def forget(self, remote_ids: set[str]) -> int:
        """Drop entries pointing at these remote ids (the service no longer knows them); returns how many."""
        entries = self._load()
        gone = [d for d, e in entries.items() if e.get("id") in remote_ids]
        for d in gone:
            del entries[d]
        if gone:
            self._write(entries)
        return len(gone)

    def _write(self, entries: dict[str, dict[str, object]]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._loaded_for or self.path  # the file these entries were read from
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(entries))
        os.replace(tmp, path)
