"""The viewer: QtMultimedia playback into a video sink, painted by our canvas, with a frame-accurate
transport. A poster frame appears as soon as a clip is opened; seeks land on whole frames and never past the
last one; the frame painted is the frame "use this frame" sends. Images are shown as images; a file the
platform cannot play gets a sentence, not a blank box."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Q_ARG, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QStackedLayout, QVBoxLayout, QWidget

from kling_desktop.ui.viewer.canvas import VideoCanvas
from kling_desktop.ui.viewer.compare import CompareView
from kling_desktop.ui.viewer.fullscreen import FullScreen
from kling_desktop.ui.viewer.player_calls import call_player, release_player, seek_player
from kling_desktop.ui.viewer.timecode import frame_at, frame_count, frame_of_start, position_of
from kling_desktop.ui.viewer.transport import TransportBar
from kling_desktop.ui.workers import report, run_in_thread

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoFrame, QVideoSink
SHUTTLE = (1.0, 2.0, 4.0)


class Viewer(QWidget):
    error_shown = Signal(str)
    frame_shown = Signal(int)  # the frame number now painted
    frame_to_form = Signal(str, str)  # "first" | "last", PNG path of the exact frame shown

    def __init__(self, frames_dir: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frames_dir = frames_dir
        self._media: QMediaPlayer | None = None  # made on first use: QtMultimedia stays out of start-up
        self.audio: QAudioOutput | None = None
        self.sink: QVideoSink | None = None
        self.canvas = VideoCanvas()
        self.compare = CompareView()
        self.bar = TransportBar()
        self.message = QLabel(objectName="notice", wordWrap=True)  # why a file cannot be shown
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.stage = QWidget()  # picture + transport: the part that goes full screen
        self.pictures = QStackedLayout()
        self.pictures.addWidget(self.canvas)
        self.pictures.addWidget(self.compare)
        stage_layout = QVBoxLayout(self.stage)
        stage_layout.setContentsMargins(0, 0, 0, 0)
        stage_layout.setSpacing(0)
        stage_layout.addLayout(self.pictures, 1)
        stage_layout.addWidget(self.message)
        stage_layout.addWidget(self.bar)
        self.home = QVBoxLayout(self)  # where the stage lives when not full screen
        self.home.setContentsMargins(0, 0, 0, 0)
        self.home.addWidget(self.stage)
        self.fullscreen: FullScreen | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.canvas.setFocusProxy(self)
        self.path: str | None = None
        self.kind = "none"  # "video" | "image" | "none"
        self.fps = 24.0
        self.frames = 1
        self.frame = 0
        self.in_frame: int | None = None
        self.out_frame: int | None = None
        self.inputs: dict[str, str] = {}  # "first_frame"/"last_frame" → path of the input it was made from
        self._want_play = False
        self._scrubbing = False
        self._resume_after_scrub = False
        self._reverse = QTimer(self)
        self._reverse.timeout.connect(lambda: self.step(-1, keep_reverse=True))
        self._reverse_speed = 0
        self._wire()
        self.bar.set_video_controls(False)

    # ---- wiring -----------------------------------------------------------------------------------------
    def _wire(self) -> None:
        b = self.bar
        b.play_button.clicked.connect(self.toggle)
        b.back_button.clicked.connect(lambda: self.step(-1))
        b.step_button.clicked.connect(lambda: self.step(1))
        b.start_button.clicked.connect(lambda: self.seek(0))
        b.end_button.clicked.connect(lambda: self.seek(self.frames - 1))
        b.scrubber.seek_requested.connect(self._scrub_to)
        b.scrubber.scrub_started.connect(self._scrub_start)
        b.scrubber.scrub_finished.connect(self._scrub_end)
        b.in_button.clicked.connect(self.mark_in)
        b.out_button.clicked.connect(self.mark_out)
        b.clear_range_button.clicked.connect(self.clear_range)
        b.speed.currentIndexChanged.connect(
            lambda _: call_player(self.media, "setPlaybackRate", Q_ARG(float, b.speed.currentData()))
        )
        b.mute_button.toggled.connect(lambda on: self.audio.setMuted(on) if self.audio else None)
        b.volume.valueChanged.connect(lambda v: self.audio.setVolume(v / 100) if self.audio else None)
        b.full_button.clicked.connect(self.toggle_full_screen)
        b.compare_button.toggled.connect(self.set_comparing)
        b.use_first.triggered.connect(lambda: self.use_frame("first"))
        b.use_last.triggered.connect(lambda: self.use_frame("last"))
        self.canvas.double_clicked.connect(self.toggle_full_screen)
        self.compare.double_clicked.connect(self.toggle_full_screen)
        self.keys = (
            (Qt.Key.Key_Space, self.toggle),
            (Qt.Key.Key_K, self.pause),
            (Qt.Key.Key_L, self.shuttle_forward),
            (Qt.Key.Key_J, self.shuttle_back),
            (Qt.Key.Key_Left, lambda: self.step(-1)),
            (Qt.Key.Key_Right, lambda: self.step(1)),
            (Qt.Key.Key_Home, lambda: self.seek(0)),
            (Qt.Key.Key_End, lambda: self.seek(self.frames - 1)),
            (Qt.Key.Key_I, self.mark_in),
            (Qt.Key.Key_O, self.mark_out),
            (Qt.Key.Key_F, self.toggle_full_screen),
        )
        for keys, fn in self.keys:
            QShortcut(QKeySequence(keys), self, fn, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    @property
    def media(self) -> QMediaPlayer:
        """The QtMultimedia player, made the first time a clip is opened."""
        if self._media is None:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoSink

            self._media = media = QMediaPlayer(self)
            self.audio = QAudioOutput(self)
            self.audio.setVolume(self.bar.volume.value() / 100)
            self.audio.setMuted(self.bar.mute_button.isChecked())
            media.setAudioOutput(self.audio)
            self.sink = QVideoSink(self)
            media.setVideoSink(self.sink)
            self.sink.videoFrameChanged.connect(self._frame)
            media.mediaStatusChanged.connect(self._status)
            media.durationChanged.connect(self._duration)
            media.playbackStateChanged.connect(lambda _s: self.bar.set_playing(self.playing()))
            media.positionChanged.connect(self._position)
            media.errorOccurred.connect(self._error)
        return self._media

    # ---- opening ----------------------------------------------------------------------------------------
    def open(self, path: str, fps: float | None = None, autoplay: bool = True) -> None:
        """Show ``path``: a video opens paused on its first frame (the poster), or plays with ``autoplay``."""
        self._stop_reverse()
        self.path = path
        self.fps = fps or 24.0
        self.in_frame = self.out_frame = None
        self.bar.scrubber.set_range(None, None)
        self.frame = 0
        self.message.hide()
        self.message.clear()
        if Path(path).suffix.lower() in IMAGE_SUFFIXES:
            self.kind = "image"
            self._unload()
            self.bar.set_video_controls(False)
            self.bar.position.setText(Path(path).name)
            run_in_thread(lambda: QImage(path), self._image_loaded, self)
            return
        self.kind = "video"
        self.bar.set_video_controls(True)
        self._want_play = autoplay
        self.media.setSource(QUrl.fromLocalFile(path))
        if autoplay:
            call_player(self.media, "play")
        else:
            call_player(self.media, "pause")  # decodes the first frame: the poster appears at once

    def set_inputs(self, inputs: dict[str, str]) -> None:
        """The frames the clip was made from, for A/B compare."""
        self.inputs = inputs
        self.compare.set_sources(inputs)

    def show_message(self, text: str) -> None:
        """No clip to show (a job still running, or nothing selected): say what is going on."""
        self._stop_reverse()
        self._unload()
        self.kind = "none"
        self.path = None
        self.bar.set_video_controls(False)
        self.bar.position.setText("—")
        self.canvas.set_text(text)

    def _unload(self) -> None:
        if self._media is not None:
            call_player(self._media, "stop")
            self._media.setSource(QUrl())

    def _image_loaded(self, image: object, error: Exception | None) -> None:
        if error is not None or not isinstance(image, QImage) or image.isNull():
            self._say(f"{Path(self.path or '').name} could not be read as an image.")
            return
        self.canvas.set_image(image)
        self.compare.set_a(image)

    # ---- media events -----------------------------------------------------------------------------------
    def _frame(self, frame: QVideoFrame) -> None:
        if not frame.isValid():
            return  # a stop or an end sends an empty frame: keep the last picture, never a black box
        image = frame.toImage()
        if image.isNull():
            return
        number = min(self.frames - 1, frame_of_start(frame.startTime(), self.fps))
        if self._outside_loop(number):  # playing an in-out loop: back to In before painting a frame past Out
            seek_player(self.media, position_of(self.in_frame or 0, self.fps))
            return
        self.frame = number
        self.canvas.set_image(image)
        if self.pictures.currentWidget() is self.compare:
            self.compare.set_a(image)
        self.bar.show_position(self.frame, self.frames, self.fps)
        self.frame_shown.emit(self.frame)

    def _duration(self, ms: int) -> None:
        from PySide6.QtMultimedia import QMediaMetaData

        rate = self.media.metaData().value(QMediaMetaData.Key.VideoFrameRate)
        if isinstance(rate, (int, float)) and rate > 0:
            self.fps = float(rate)
        self.frames = frame_count(ms, self.fps)
        self.bar.scrubber.set_frames(self.frames)
        self.bar.show_position(min(self.frame, self.frames - 1), self.frames, self.fps)

    def _status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status.name == "EndOfMedia":
            if self.bar.loop.currentData() == "clip" or (
                self.bar.loop.currentData() == "range" and self.out_frame is None
            ):
                seek_player(self.media, position_of(self.in_frame or 0, self.fps))
                call_player(self.media, "play")
            else:  # rest on the last frame, ready to step or scrub back
                call_player(self.media, "pause")
                seek_player(self.media, position_of(self.frames - 1, self.fps))

    def _outside_loop(self, frame: int) -> bool:
        if not self.playing() or self.bar.loop.currentData() != "range":
            return False
        start = self.in_frame or 0
        end = self.out_frame if self.out_frame is not None else self.frames - 1
        return frame > end or frame < start

    def _position(self, ms: int) -> None:
        if self._outside_loop(frame_at(ms, self.fps)):
            seek_player(self.media, position_of(self.in_frame or 0, self.fps))

    def _error(self, error: QMediaPlayer.Error, text: str) -> None:
        if error.name == "NoError":
            return
        name = Path(self.path).name if self.path else "This file"
        self._say(
            f"{name} cannot be played on this computer ({text or error.name}). "
            "Try “Reveal in file manager” and open it in another player."
        )

    def _say(self, message: str) -> None:
        self.canvas.set_text(message)
        self.message.setText(message)
        self.message.show()
        self.error_shown.emit(message)

    # ---- transport --------------------------------------------------------------------------------------
    def playing(self) -> bool:
        return self._media is not None and self._media.playbackState().name == "PlayingState"

    def toggle(self) -> None:
        if self.kind != "video":
            return
        self._stop_reverse()
        if self.playing():
            call_player(self.media, "pause")
            return
        if self.frame >= self.frames - 1:  # at the end: play from the start (or the In point)
            seek_player(self.media, position_of(self.in_frame or 0, self.fps))
        call_player(self.media, "setPlaybackRate", Q_ARG(float, self.bar.speed.currentData()))
        call_player(self.media, "play")

    def pause(self) -> None:
        self._stop_reverse()
        if self.kind == "video":
            call_player(self.media, "pause")

    def seek(self, frame: int) -> None:
        """Show ``frame`` (clamped to the clip: past the end shows the last frame)."""
        if self.kind != "video":
            return
        frame = max(0, min(self.frames - 1, frame))
        self.frame = frame
        self.bar.show_position(frame, self.frames, self.fps)
        if self.media.playbackState().name == "StoppedState":
            call_player(self.media, "pause")
        seek_player(self.media, position_of(frame, self.fps))

    def step(self, frames: int, keep_reverse: bool = False) -> None:
        if not keep_reverse:
            self._stop_reverse()
        if self.kind != "video":
            return
        call_player(self.media, "pause")
        target = self.frame + frames
        if keep_reverse and target < 0:
            self._stop_reverse()
        self.seek(target)

    def shuttle_forward(self) -> None:
        """L: play; again: faster (1×, 2×, 4×). J while playing forward slows down."""
        if self.kind != "video":
            return
        if self._reverse.isActive():
            self._stop_reverse()
            return
        rate = self.media.playbackRate() if self.playing() else 0.0
        faster = next((s for s in SHUTTLE if s > rate), SHUTTLE[-1])
        call_player(self.media, "setPlaybackRate", Q_ARG(float, faster))
        call_player(self.media, "play")

    def shuttle_back(self) -> None:
        """J: play backwards frame by frame; again: faster. While playing forward, J slows down first."""
        if self.kind != "video":
            return
        if self.playing():
            rate = self.media.playbackRate()
            slower = max((s for s in SHUTTLE if s < rate), default=0.0)
            if slower:
                call_player(self.media, "setPlaybackRate", Q_ARG(float, slower))
                return
            call_player(self.media, "pause")
        self._reverse_speed = min(len(SHUTTLE), self._reverse_speed + 1)
        self._reverse.setInterval(max(10, round(1000 / (self.fps * SHUTTLE[self._reverse_speed - 1]))))
        self._reverse.start()

    def _stop_reverse(self) -> None:
        self._reverse.stop()
        self._reverse_speed = 0

    def _scrub_to(self, frame: int) -> None:
        self.seek(frame)

    def _scrub_start(self) -> None:
        self._stop_reverse()
        self._resume_after_scrub = self.playing()
        if self._resume_after_scrub:
            call_player(self.media, "pause")

    def _scrub_end(self) -> None:
        if self._resume_after_scrub:
            call_player(self.media, "play")

    def mark_in(self) -> None:
        if self.kind == "video":
            self.in_frame = self.frame
            if self.out_frame is not None and self.out_frame < self.frame:
                self.out_frame = None
            self.bar.scrubber.set_range(self.in_frame, self.out_frame)

    def mark_out(self) -> None:
        if self.kind == "video":
            self.out_frame = self.frame
            if self.in_frame is not None and self.in_frame > self.frame:
                self.in_frame = None
            self.bar.scrubber.set_range(self.in_frame, self.out_frame)

    def clear_range(self) -> None:
        self.in_frame = self.out_frame = None
        self.bar.scrubber.set_range(None, None)

    def stop(self) -> None:
        self._stop_reverse()
        if self._media is not None:
            call_player(self._media, "stop")

    def release_media(self) -> None:
        """Let go of the player, its audio output and its sink (the window is closing): ``release_player``."""
        self._stop_reverse()
        media, audio, sink = self._media, self.audio, self.sink
        self._media = self.audio = self.sink = None
        release_player(media, audio, sink)

    # ---- compare, frames to the form --------------------------------------------------------------------
    def set_comparing(self, on: bool) -> None:
        if on:
            self.compare.set_a(self.canvas.image)
            self.pictures.setCurrentWidget(self.compare)
        else:
            self.pictures.setCurrentWidget(self.canvas)
        if self.bar.compare_button.isChecked() != on:
            self.bar.compare_button.setChecked(on)

    def compare_with_clip(self, path: str, title: str) -> None:
        """A/B against another clip, at the frame shown."""
        self.compare.set_clip(path, title, self.frame, self.fps)
        self.set_comparing(True)

    def current_image(self) -> QImage:
        return self.canvas.image

    def use_frame(self, which: str) -> None:
        """Save the exact frame painted now to a PNG and send its path to the form (as first or last frame)."""
        image = self.canvas.image
        if image.isNull() or self.frames_dir is None:
            report("There is no frame on screen to use yet. Select a clip first.")
            return
        folder = self.frames_dir
        stem = Path(self.path or "frame").stem
        target = folder / f"{stem}-frame{self.frame + 1}-{uuid.uuid4().hex[:6]}.png"
        copy = image.copy()

        def save() -> str:
            folder.mkdir(parents=True, exist_ok=True)
            if not copy.save(str(target), "PNG"):
                raise OSError(f"The frame could not be written to {target}.")
            return str(target)

        run_in_thread(
            save,
            lambda path, e: (
                self.frame_to_form.emit(which, path) if e is None else report(f"Using the frame failed: {e}")
            ),
            self,
        )

    # ---- full screen ------------------------------------------------------------------------------------
    def toggle_full_screen(self) -> None:
        if self.fullscreen is not None:
            self.leave_full_screen()
        else:
            self.enter_full_screen()

    def enter_full_screen(self) -> None:
        self.fullscreen = FullScreen(self.stage, self.bar, self.keys)
        self.fullscreen.left.connect(self._back_from_full_screen)
        self.fullscreen.showFullScreen()
        self.fullscreen.activateWindow()
        self.fullscreen.setFocus()

    def leave_full_screen(self) -> None:
        if self.fullscreen is not None:
            self.fullscreen.close()

    def _back_from_full_screen(self) -> None:
        """The stage comes home into the pane, picture and all, however full screen was left."""
        self.home.addWidget(self.stage)
        self.stage.show()
        self.bar.show()
        if self.fullscreen is not None:
            self.fullscreen.deleteLater()
        self.fullscreen = None
        self.setFocus()
