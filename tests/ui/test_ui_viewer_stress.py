"""Many viewers opened, sought, stopped and closed quickly on real MP4s with sound must all finish.

QtMultimedia's FFmpeg threads (demuxer, decoders, audio renderer) are started and torn down on every open, stop
and close; a call from Python that took Qt's signal/slot mutex while holding the GIL could deadlock with one of
those threads asking for the GIL from ~QObject. pytest-timeout (thread method) turns a hang into a failure."""

from __future__ import annotations

from pathlib import Path

import pytest
from media_factory import make_mp4

from kling_desktop.ui.viewer.viewer import Viewer

FPS = 24
ROUNDS = 16


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> list[Path]:
    d = tmp_path_factory.mktemp("stress")
    return [make_mp4(d / f"clip{i}.mp4", 160, 90, seconds=1.0, fps=FPS, audio=True) for i in range(3)]


@pytest.mark.timeout(240)
# QtMultimedia logs a load it cut short (a new source, or the player let go, while a file is still opening).
@pytest.mark.qt_log_ignore("Could not open media. FFmpeg error description: Immediate exit requested")
def test_opening_seeking_stopping_and_closing_many_players_never_hangs(qtbot, tmp_path, clips) -> None:
    shown = 0
    for i in range(ROUNDS):
        v = Viewer(tmp_path / "frames")
        v.resize(320, 240)
        v.show()
        v.open(str(clips[i % 3]), FPS, autoplay=bool(i % 2))
        qtbot.waitUntil(lambda v=v: not v.canvas.image.isNull(), timeout=15000)
        shown += 1
        v.seek(FPS // 2)
        qtbot.wait(i % 4 * 5)
        v.stop()
        v.open(str(clips[(i + 1) % 3]), FPS, autoplay=True)  # a new source while the old threads wind down
        qtbot.wait(i % 3 * 7)
        v.seek(3)
        v.stop()
        v.release_media()
        v.close()
        v.deleteLater()
        qtbot.wait(1)
    assert shown == ROUNDS
