"""A test keyring backend (selected with PYTHON_KEYRING_BACKEND) that keeps nothing and touches no keychain,
but loads every installed keyring backend first, exactly as keyring's own detection does: on Linux that runs
``ctypes.util.find_library``, which starts ``gcc``/``ld`` child processes (the path a key could leak by)."""

from __future__ import annotations

import keyring.backend
from keyring.backends import fail


class Keyring(fail.Keyring):
    def __init__(self) -> None:
        super().__init__()
        keyring.backend.get_all_keyring()  # imports every backend plugin; find_library spawns children
