"""One way to run background work from the UI, in the spirit of Anki's ``CollectionOp``: blocking work (disk,
decode, probing) on Qt's thread pool with ``run_in_thread`` / ``run_op``, coroutines (the job runner) on the
asyncio loop with ``spawn``. Results come back on the GUI thread; a failure nobody handles is never dropped:
it goes to ``report``, which the window shows to the artist (and the log keeps)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from kling_desktop.core.priority import background_priority


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
        background_priority()  # decoding and probing yield the processor to the window's thread
        fn = self.relay.fn
        try:
            if fn is None:
                raise RuntimeError("this work was handed over twice")
            result, error = fn(), None
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


log = logging.getLogger(__name__)
_reporters: list[Callable[[str], None]] = []


def set_reporter(show: Callable[[str], None]) -> Callable[[], None]:
    """Where failures are shown (the window's message area). Returns a function that removes it again."""
    _reporters.append(show)
    return lambda: _reporters.remove(show) if show in _reporters else None


def report(message: str, error: BaseException | None = None) -> None:
    """Show a failure to the artist (the newest window that asked to show them) and write it to the log."""
    if error is not None:
        log.error("%s", message, exc_info=(type(error), error, error.__traceback__))
    else:
        log.warning("%s", message)
    if _reporters:
        _reporters[-1](message)


def run_op(
    fn: Callable[[], Any],
    on_success: Callable[[Any], None] | None,
    what: str,
    owner: QObject | None = None,
    on_failure: Callable[[Exception], None] | None = None,
) -> None:
    """``run_in_thread`` with the failure routed: to ``on_failure``, else to ``report("<what> failed: …")``."""

    def done(result: Any, error: Exception | None) -> None:
        if error is None:
            if on_success is not None:
                on_success(result)
        elif on_failure is not None:
            on_failure(error)
        else:
            report(f"{what} failed: {error}", error)

    run_in_thread(fn, done, owner)


_tasks: set[asyncio.Future[Any]] = set()


def spawn(
    coro: Coroutine[Any, Any, Any] | Awaitable[Any],
    what: str,
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
) -> asyncio.Future[Any]:
    """Run a coroutine on the event loop; keep it alive until it ends; route its failure (never dropped)."""
    task = asyncio.ensure_future(coro)
    _tasks.add(task)

    def finished(t: asyncio.Future[Any]) -> None:
        _tasks.discard(t)
        if t.cancelled():
            return
        error = t.exception()
        if error is None:
            if on_success is not None:
                on_success(t.result())
        elif on_failure is not None:
            on_failure(error)
        else:
            report(f"{what} failed: {error}", error)

    task.add_done_callback(finished)
    return task
