"""API keys: the OS keyring first; where none exists, environment variables or this session only.

A key never reaches a log, the database, a settings file, a sidecar, an exception message or argv.
``Secret`` hides its value from ``repr``/``str`` so an accidental log line prints ``***``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType

from kling_desktop.core.env_keys import env_key, take_from_environment
from kling_desktop.core.redact import remember

SERVICE = "kling-desktop"
log = logging.getLogger(__name__)


def _keyring() -> ModuleType:
    """keyring, imported when a key is first looked for (its backends load D-Bus and more: not at start-up,
    and never on the GUI thread — the window asks on a worker thread)."""
    import keyring
    import keyring.errors

    return keyring


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True)
class KeyStatus:
    has_keyring: bool
    sentence: str


class Credentials:
    """Where keys live and how to get them.

    ``env_names`` maps each key's name (its keyring entry, e.g. ``runware``) to the environment variable read
    when the keyring has none; the providers' descriptors supply it (``registry.credential_env_names()``).
    """

    def __init__(self, env_names: Mapping[str, str]) -> None:
        self._session: dict[str, str] = {}
        self.env_names = dict(env_names)
        take_from_environment(self.env_names.values())  # before any child process can inherit them

    @staticmethod
    def keyring_available() -> bool:
        try:
            backend = _keyring().get_keyring()
        except Exception:  # a broken backend configuration counts as none
            return False
        from keyring.backends import fail

        return not isinstance(backend, fail.Keyring) and getattr(backend, "priority", 1) > 0

    def status(self) -> KeyStatus:
        if self.keyring_available():
            name = type(_keyring().get_keyring()).__name__
            return KeyStatus(True, f"Keys are stored in your system keyring ({name}).")
        variables = ", ".join(self.env_names.values())
        return KeyStatus(
            False,
            "No system keyring is available on this computer. Keys you enter are kept for this "
            f"session only; to keep them, set them in the environment ({variables}).",
        )

    def get(self, name: str) -> Secret | None:
        if name in self._session:
            return Secret(self._session[name])
        if self.keyring_available():
            keyring = _keyring()
            try:
                value = keyring.get_password(SERVICE, name)
            except keyring.errors.KeyringError:
                log.warning("The keyring could not be read; falling back to the environment.")
                value = None
            if value:
                remember(value)  # scrubbed from every server text from now on
                return Secret(value)
        env = env_key(self.env_names.get(name, ""))
        return Secret(env) if env else None

    def source(self, name: str) -> str:
        if name in self._session:
            return "this session"
        if self.keyring_available():
            keyring = _keyring()
            try:
                if keyring.get_password(SERVICE, name):
                    return "keyring"
            except keyring.errors.KeyringError:
                pass
        return "environment" if env_key(self.env_names.get(name, "")) else "not set"

    def set(self, name: str, value: str) -> str:
        """Store a key; returns where it went ("keyring" or "this session")."""
        remember(value)
        if self.keyring_available():
            keyring = _keyring()
            try:
                keyring.set_password(SERVICE, name, value)
                self._session.pop(name, None)
                return "keyring"
            except keyring.errors.KeyringError:
                log.warning("The keyring refused the key; keeping it for this session only.")
        self._session[name] = value
        return "this session"

    def delete(self, name: str) -> None:
        self._session.pop(name, None)
        if self.keyring_available():
            keyring = _keyring()
            try:
                keyring.delete_password(SERVICE, name)
            except keyring.errors.KeyringError:
                pass
