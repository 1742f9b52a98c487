"""The viewer on real MP4s (PyAV) played by QtMultimedia: keys and clicks on the scrubber move to exact
frames, and the frame painted is checked by its colour (frame i has green 11·i)."""

from __future__ import annotations

from pathlib import Path

import pytest
from media_factory import make_mp4, make_png
from PIL import Image
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtWidgets import QApplication

from kling_desktop.ui.viewer.viewer import Viewer

FPS = 24
FRAMES = 24
pytestmark = pytest.mark.qt_log_ignore("pipewire")  # QtMultimedia probes for an optional PipeWire backend


def frame_in(image: QImage) -> int:
    """Which frame of the test clip ``image`` shows (green = 11 × frame number, give or take the codec)."""
    return round(image.pixelColor(image.width() // 2, image.height() // 2).green() / 11)


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return make_mp4(tmp_path_factory.mktemp("viewer") / "steps.mp4", 160, 90, seconds=1.0, fps=FPS)


@pytest.fixture
def viewer(qtbot, tmp_path, clip):
    v = Viewer(tmp_path / "frames")
    qtbot.addWidget(v)
    v.resize(800, 560)
    v.show()
    v.open(str(clip), FPS, autoplay=False)
    qtbot.waitUntil(lambda: not v.canvas.image.isNull() and v.frames == FRAMES, timeout=15000)
    v.setFocus()
    yield v
    v.leave_full_screen()
    v.stop()


def shows(qtbot, v: Viewer, frame: int) -> None:
    """Wait until the viewer paints ``frame`` (by its pixels) and says so."""
    qtbot.waitUntil(lambda: frame_in(v.canvas.image) == frame and v.frame == frame, timeout=10000)
    assert f"Frame {frame + 1} / {FRAMES}" in v.bar.position.text()


def test_a_poster_frame_appears_when_a_clip_is_opened(viewer, qtbot) -> None:
    shows(qtbot, viewer, 0)
    assert not viewer.playing()
    assert viewer.bar.position.text().endswith("00:00:00:00")
    tip = viewer.bar.position.toolTip()
    assert "00:00:00:00 of 00:00:00:23" in tip and "24 fps" in tip


def test_arrow_keys_step_one_frame_and_home_end_jump(viewer, qtbot) -> None:
    for _ in range(3):
        qtbot.keyClick(viewer, Qt.Key.Key_Right)
    shows(qtbot, viewer, 3)
    qtbot.keyClick(viewer, Qt.Key.Key_Left)
    shows(qtbot, viewer, 2)
    qtbot.keyClick(viewer, Qt.Key.Key_End)
    shows(qtbot, viewer, FRAMES - 1)
    assert viewer.bar.position.text().endswith("00:00:00:23")
    qtbot.keyClick(viewer, Qt.Key.Key_Right)  # past the end: still the last frame, not black
    assert f"Frame {FRAMES} / {FRAMES}" in viewer.bar.position.text()
    shows(qtbot, viewer, FRAMES - 1)
    qtbot.keyClick(viewer, Qt.Key.Key_Home)
    shows(qtbot, viewer, 0)


def test_clicking_the_scrubber_seeks_and_dragging_scrubs(viewer, qtbot) -> None:
    s = viewer.bar.scrubber
    assert s.width() > viewer.width() * 0.9  # as wide as the viewer
    y = s.height() // 2
    qtbot.mouseClick(s, Qt.MouseButton.LeftButton, pos=QPoint(round(s.x_of(12)), y))
    shows(qtbot, viewer, 12)
    qtbot.mousePress(s, Qt.MouseButton.LeftButton, pos=QPoint(round(s.x_of(5)), y))
    shows(qtbot, viewer, 5)  # the press alone seeks
    qtbot.mouseMove(s, QPoint(round(s.x_of(9)), y))
    qtbot.mouseRelease(s, Qt.MouseButton.LeftButton, pos=QPoint(round(s.x_of(18)), y))
    shows(qtbot, viewer, 18)
    qtbot.mouseClick(s, Qt.MouseButton.LeftButton, pos=QPoint(s.width() - 1, y))
    shows(qtbot, viewer, FRAMES - 1)


def test_space_plays_and_k_pauses(viewer, qtbot) -> None:
    qtbot.keyClick(viewer, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: viewer.frame >= 4, timeout=10000)
    qtbot.keyClick(viewer, Qt.Key.Key_K)
    qtbot.waitUntil(lambda: not viewer.playing(), timeout=5000)
    # L plays forward, again faster
    qtbot.keyClick(viewer, Qt.Key.Key_L)
    qtbot.waitUntil(viewer.playing, timeout=5000)
    qtbot.keyClick(viewer, Qt.Key.Key_L)
    assert viewer.media.playbackRate() == 2.0
    qtbot.keyClick(viewer, Qt.Key.Key_K)
    qtbot.waitUntil(lambda: not viewer.playing(), timeout=5000)


def test_j_plays_backwards_frame_by_frame(viewer, qtbot) -> None:
    qtbot.keyClick(viewer, Qt.Key.Key_End)
    shows(qtbot, viewer, FRAMES - 1)
    qtbot.keyClick(viewer, Qt.Key.Key_J)
    qtbot.waitUntil(
        lambda: viewer.frame <= FRAMES - 5 and frame_in(viewer.canvas.image) == viewer.frame, timeout=10000
    )
    qtbot.keyClick(viewer, Qt.Key.Key_K)
    stopped = viewer.frame
    qtbot.wait(300)
    assert viewer.frame == stopped


def test_loop_of_an_in_out_range_stays_inside_it(viewer, qtbot) -> None:
    viewer.seek(6)
    shows(qtbot, viewer, 6)
    qtbot.keyClick(viewer, Qt.Key.Key_I)
    viewer.seek(12)
    shows(qtbot, viewer, 12)
    qtbot.keyClick(viewer, Qt.Key.Key_O)
    assert (viewer.in_frame, viewer.out_frame) == (6, 12)
    viewer.bar.loop.setCurrentIndex(viewer.bar.loop.findData("range"))
    seen: list[int] = []
    viewer.frame_shown.connect(seen.append)
    viewer.seek(6)
    qtbot.keyClick(viewer, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: 12 in seen and seen.index(12) < len(seen) - 2, timeout=15000)
    viewer.pause()
    after = seen[seen.index(12) + 1 :]
    assert after and after[0] == 6 and all(6 <= f <= 12 for f in seen), seen  # back to In, never past Out


def test_loop_ticked_mid_clip_loops_the_first_time(viewer, qtbot) -> None:
    seen: list[int] = []
    viewer.frame_shown.connect(seen.append)
    qtbot.keyClick(viewer, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: viewer.frame >= 5, timeout=10000)
    viewer.bar.loop.setCurrentIndex(viewer.bar.loop.findData("clip"))
    qtbot.waitUntil(lambda: FRAMES - 1 in seen and seen[-1] < 5, timeout=15000)
    assert viewer.playing()
    viewer.pause()


def test_full_screen_leaves_with_escape_and_the_picture_comes_back(viewer, qtbot) -> None:
    viewer.enter_full_screen()
    fs = viewer.fullscreen
    assert fs is not None and viewer.stage.window() is fs
    qtbot.waitExposed(fs)
    qtbot.keyClick(fs, Qt.Key.Key_Right)  # keys still drive the transport
    shows(qtbot, viewer, 1)
    qtbot.keyClick(fs, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: viewer.fullscreen is None, timeout=5000)
    assert viewer.stage.parent() is viewer and viewer.stage.isVisible() and viewer.bar.isVisible()
    viewer.seek(7)  # the pane's picture is alive again
    shows(qtbot, viewer, 7)


def test_full_screen_leaves_on_double_click_and_on_close(viewer, qtbot) -> None:
    viewer.enter_full_screen()
    qtbot.mouseDClick(viewer.canvas, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: viewer.fullscreen is None, timeout=5000)
    viewer.enter_full_screen()
    viewer.fullscreen.close()  # as the window manager does on Alt+F4
    qtbot.waitUntil(lambda: viewer.fullscreen is None, timeout=5000)
    assert viewer.stage.parent() is viewer
    viewer.seek(3)
    shows(qtbot, viewer, 3)


def test_use_this_frame_sends_the_exact_frame_shown(viewer, qtbot) -> None:
    viewer.seek(9)
    shows(qtbot, viewer, 9)
    with qtbot.waitSignal(viewer.frame_to_form, timeout=10000) as blocker:
        viewer.bar.use_last.trigger()
    which, path = blocker.args
    assert which == "last"
    with Image.open(path) as saved:
        assert saved.size == (160, 90)
        assert round(saved.convert("RGB").getpixel((80, 45))[1] / 11) == 9
    assert QImage(path) == viewer.canvas.image.convertToFormat(QImage(path).format())


def test_compare_against_the_first_frame_it_was_made_from(viewer, qtbot, tmp_path) -> None:
    first = make_png(tmp_path / "first.png", 160, 90, (250, 10, 10))
    viewer.set_inputs({"first_frame": str(first)})
    viewer.bar.compare_button.click()
    assert viewer.pictures.currentWidget() is viewer.compare
    picture = viewer.compare.picture
    qtbot.waitUntil(lambda: not picture.b.isNull(), timeout=10000)
    assert picture.b.pixelColor(5, 5).red() == 250 and frame_in(picture.a) == 0
    assert "First frame" in viewer.compare.source.currentText()
    viewer.compare.mode.setCurrentIndex(1)
    assert picture.mode == "wipe"
    shot = picture.grab().toImage()
    left = shot.pixelColor(shot.width() // 4, shot.height() // 2)
    right = shot.pixelColor(shot.width() * 3 // 4, shot.height() // 2)
    assert right.red() > 200 and left.red() < 100  # A on the left of the wipe, B on the right


def test_compare_two_clips_at_the_same_frame(viewer, qtbot, tmp_path) -> None:
    other = make_mp4(tmp_path / "other.mp4", 160, 90, seconds=1.0, fps=FPS, last_color=(0, 0, 255))
    viewer.seek(FRAMES - 1)
    shows(qtbot, viewer, FRAMES - 1)
    viewer.compare_with_clip(str(other), "other")
    picture = viewer.compare.picture
    qtbot.waitUntil(lambda: not picture.b.isNull(), timeout=10000)
    assert picture.b.pixelColor(80, 45).blue() > 200  # the other clip's last frame


def test_an_image_is_shown_without_a_transport(qtbot, tmp_path) -> None:
    v = Viewer(tmp_path)
    qtbot.addWidget(v)
    v.open(str(make_png(tmp_path / "still.png", 64, 36, (10, 200, 10))), autoplay=False)
    qtbot.waitUntil(lambda: not v.canvas.image.isNull(), timeout=10000)
    assert v.canvas.image.pixelColor(3, 3).green() == 200
    assert not v.bar.scrubber.isEnabled()


def test_full_screen_controls_hide_and_come_back_on_mouse_move(viewer, qtbot) -> None:
    viewer.enter_full_screen()
    fs = viewer.fullscreen
    qtbot.waitExposed(fs)
    fs._hide.timeout.emit()  # the idle timer ran out
    assert not viewer.bar.isVisible()
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(60, 50),
        QPointF(viewer.canvas.mapToGlobal(QPoint(60, 50))),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewer.canvas, move)  # the pointer moves over the picture
    assert viewer.bar.isVisible()
    viewer.leave_full_screen()
    qtbot.waitUntil(lambda: viewer.fullscreen is None, timeout=5000)
    assert viewer.bar.isVisible()


def test_use_this_frame_lands_in_the_form_of_the_window(window, qtbot, clip) -> None:
    window.viewer.open(str(clip), FPS, autoplay=False)
    qtbot.waitUntil(
        lambda: window.viewer.frames == FRAMES and not window.viewer.canvas.image.isNull(), timeout=15000
    )
    window.viewer.seek(14)
    shows(qtbot, window.viewer, 14)
    window.viewer.bar.use_first.trigger()
    qtbot.waitUntil(lambda: bool(window.form.first.path()), timeout=10000)
    with Image.open(window.form.first.path()) as received:
        assert round(received.convert("RGB").getpixel((80, 45))[1] / 11) == 14
    assert "frame 15" in window.statusBar().currentMessage().lower()


def test_the_player_is_made_on_first_use_not_at_start_up(window, qtbot, clip) -> None:
    assert window.viewer._media is None  # QtMultimedia stays out of opening the window
    window.viewer.open(str(clip), FPS, autoplay=False)
    assert window.viewer._media is not None
    qtbot.waitUntil(lambda: not window.viewer.canvas.image.isNull(), timeout=15000)
