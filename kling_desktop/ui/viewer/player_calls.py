"""Calls into QtMultimedia that must not hold the GIL, and letting go of a player safely."""

from __future__ import annotations

from PySide6.QtCore import Q_ARG, QMetaObject, QObject, Qt, QUrl


def call_player(player: QObject, method: str, *args: object) -> None:
    """Call one of QMediaPlayer's slots (stop, play, pause, setPosition, setPlaybackRate) with the GIL released.

    QtMultimedia's FFmpeg backend destroys internal objects on its own threads; ~QObject there takes Qt's
    signal/slot mutex and may call a virtual of a Python-made player, sink or audio output, which asks for the
    GIL. A plain binding call such as ``player.stop()`` keeps the GIL while QMediaPlayer takes that same mutex
    (to disconnect its backend): each thread holds what the other waits for, and the app (or a test's
    teardown) hangs. ``QMetaObject.invokeMethod`` drops the GIL around the call, so the FFmpeg thread can finish
    its callback and free the mutex; a direct connection keeps the call synchronous, in order with the rest.
    (``setSource`` already releases the GIL in PySide6's bindings.)"""
    QMetaObject.invokeMethod(player, method, Qt.ConnectionType.DirectConnection, *args)


def seek_player(player: QObject, position_ms: int) -> None:
    """``setPosition`` through ``call_player``."""
    call_player(player, "setPosition", Q_ARG("qint64", position_ms))


def release_player(media: QObject | None, *others: QObject | None) -> None:
    """Stop a player with the GIL released (see ``call_player``) and destroy it and its audio output and sink by
    deleteLater, from the event loop's C++ dispatch, never by Python's garbage collector or a Python-side
    ``del`` while the GIL is held: destroying them stops and joins QtMultimedia's FFmpeg threads, which may be
    waiting for the GIL."""
    if media is not None:
        media.blockSignals(True)  # a load cut short says "Immediate exit requested": not for this viewer
        call_player(media, "stop")
        media.setSource(QUrl())  # type: ignore[attr-defined]  # releases the GIL in the bindings
    for obj in (media, *others):
        if obj is not None:
            obj.deleteLater()
