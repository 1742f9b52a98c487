"""Run slow work (disk, decode, probing) on Qt's thread pool and get the result back on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Relay(QObject):
    done = Signal(object, object)  # (result, error)
    fn: Callable[[], Any] | None = None


class _Task(QRunnable):
    """Holds no reference of its own to the work: the relay (a GUI-thread object) owns it, so whatever the
    closure keeps alive (widgets) is released on the GUI thread, never in the worker."""

    def __init__(self, relay: _Relay) -> None:
        super().__init__()
        self.relay = relay
        self.setAutoDelete(True)

    @Slot()
    def run(self) -> None:
        try:
            result, error = self.relay.fn(), None
        except Exception as exc:  # delivered to the caller, who explains it
            result, error = None, exc
        self.relay.done.emit(result, error)


_live: set[_Relay] = set()


def run_in_thread(
    fn: Callable[[], Any], on_done: Callable[[Any, Exception | None], None], owner: QObject | None = None
) -> None:
    """Call ``fn()`` on a pool thread; ``on_done(result, error)`` runs on the GUI thread (queued signal).

    With ``owner``, the callback is dropped if the owner is destroyed first.
    """
    relay = (
        _Relay()
    )  # unparented and kept alive until it delivers, so a worker never emits into a dead object
    relay.fn = fn
    _live.add(relay)

    def finish(result: Any, error: Exception | None) -> None:
        _live.discard(relay)
        relay.fn = None
        relay.deleteLater()
        if owner is not None and not shiboken6.isValid(owner):
            return  # the widget that asked is gone
        on_done(result, error)

    relay.done.connect(finish)
    QThreadPool.globalInstance().start(_Task(relay))
