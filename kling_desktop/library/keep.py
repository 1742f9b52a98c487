"""Keep a copy of an input file under its content hash, so that a file under its final name is always whole.

The copy goes to a temporary name in the same folder (hashing while it copies), is flushed to disk, read back
and checked against the hash, and only then renamed into place (an atomic rename on every supported system).
A kill mid-copy leaves at most a temporary file, never a truncated file under the final name; a file already
under the final name whose content does not match its name (left by an older release) is replaced.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

PARTIAL_PREFIX = ".partial-"
CHUNK = 1024 * 1024


class KeepError(OSError):
    """The copy did not match its source (the disk or the source changed while copying)."""


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def kept_name(src: Path, digest: str) -> str:
    ext = src.suffix.lower() if src.suffix[1:].isalnum() else ""
    return f"{digest}{ext}"


def keep_file(src: Path, folder: Path) -> tuple[Path, str]:
    """Copy ``src`` into ``folder/<sha256><ext>`` unless a whole copy is there; return (path, sha256)."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{PARTIAL_PREFIX}{uuid.uuid4().hex}"
    h = hashlib.sha256()
    try:
        with src.open("rb") as fin, tmp.open("xb") as fout:
            while chunk := fin.read(CHUNK):
                h.update(chunk)
                fout.write(chunk)
            fout.flush()
            os.fsync(fout.fileno())
        digest = h.hexdigest()
        target = folder / kept_name(src, digest)
        if target.is_file() and file_sha256(target) == digest:
            tmp.unlink()
            return target, digest
        if file_sha256(tmp) != digest:
            raise KeepError(f"{src.name}: the copy in {folder} did not match the original; nothing was kept.")
        os.replace(tmp, target)
        _fsync_dir(folder)
        return target, digest
    finally:
        tmp.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
