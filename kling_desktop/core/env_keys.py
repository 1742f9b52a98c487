"""API keys given in the environment are taken into memory at start-up and removed from it.

Every child process inherits the environment: the ones this app starts itself and the ones its libraries
start behind its back (importing keyring's backends on Linux runs ``ldconfig``, ``gcc`` and ``ld`` through
``ctypes.util.find_library``; Qt may start a file manager or a browser). A key left in ``os.environ`` would
ride along into each of them. ``take_from_environment`` moves the named variables into this module (and
unsets them in the C environment, which is what ``exec`` passes on), so no child can carry one; ``env_key``
reads them back for the credentials. ``Credentials`` calls it when it is made, before the keyring is touched.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable

from kling_desktop.core.redact import remember

_lock = threading.Lock()
_taken: dict[str, str] = {}


def take_from_environment(names: Iterable[str]) -> list[str]:
    """Move these variables out of the environment into memory; returns the names that were set."""
    moved: list[str] = []
    with _lock:
        for name in names:
            if not name:
                continue
            value = os.environ.pop(name, None)  # os.environ.pop also unsets it for exec'd children
            if value:
                _taken[name] = value
                remember(value)
                moved.append(name)
    return moved


def env_key(name: str) -> str:
    """A key given in the environment: taken at start-up, or (set later, e.g. by a test) still there."""
    if not name:
        return ""
    with _lock:
        if name in _taken:
            return _taken[name]
    return os.environ.get(name, "")


def forget_taken() -> None:
    """Tests only: drop what was taken."""
    with _lock:
        _taken.clear()
