"""Is this path a file the app may open? Asked before any media file is opened, everywhere media is accepted.

Opening a FIFO blocks until something writes to it, a device can stream forever, a folder or a symbolic-link
loop cannot be read at all: ``check_input_file`` looks at what the path is without blocking (the file is
opened non-blocking and ``fstat``-ed, never read) and says in plain words why it cannot be used.

``InputFileError.reason`` is the sentence without the file's name, so a caller that knows how the user
typed the path (the CLI) can name it that way and add the folder it was looked for in (``shown_path``).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


class InputFileError(ValueError):
    """The path is not a readable regular file; ``reason`` says why, ``str()`` names the file as well."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a file; save the media to a file first"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file"
    return "is not a regular file"


def _oserror_reason(exc: OSError) -> str:
    return {
        errno.ENOENT: "the file does not exist",
        errno.EACCES: "the file cannot be read (permission denied)",
        errno.EPERM: "the file cannot be read (permission denied)",
        errno.ELOOP: "is a symbolic link that loops back on itself (a symlink loop); it leads to no file",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.ENAMETOOLONG: "the path is too long",
        errno.EISDIR: "is a folder, not a file",
    }.get(exc.errno or 0, f"the file cannot be opened ({exc.strerror or type(exc).__name__})")


def check_input_file(path: str | Path) -> int:
    """The file's size in bytes when ``path`` is a readable regular file; else ``InputFileError``.

    Never blocks: the path is opened with ``O_NONBLOCK`` (a FIFO with no writer opens at once) and only
    ``fstat``-ed, so a FIFO, a device or a folder is named as such without a byte being read.
    """
    p = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        st = os.stat(p)  # follows links: a loop answers ELOOP, a dangling link ENOENT
        kind = _kind(st.st_mode)
        if kind:  # say what it is before trying to open it (opening a device can have side effects)
            raise InputFileError(p, kind)
        fd = os.open(p, flags)
    except InputFileError:
        raise
    except OSError as exc:
        if exc.errno == errno.ENOENT and p.is_symlink():
            raise InputFileError(p, "is a symbolic link to a file that does not exist") from None
        raise InputFileError(p, _oserror_reason(exc)) from None
    try:
        st = os.fstat(fd)  # the file actually opened (it may have been swapped since the stat above)
    finally:
        os.close(fd)
    if kind := _kind(st.st_mode):
        raise InputFileError(p, kind)
    return st.st_size


def shown_path(typed: str, base: str | Path | None = None) -> str:
    """How to name a path the user typed: as typed, plus the folder it was looked for in when relative."""
    expanded = os.path.expanduser(typed)
    if os.path.isabs(expanded):
        return typed
    folder = os.path.abspath(os.path.dirname(os.path.join(str(base or os.getcwd()), expanded)))
    return f"{typed} (looked for in {folder})"
