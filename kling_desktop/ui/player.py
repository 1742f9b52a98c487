"""The player (QtMultimedia): play/pause, scrub, loop, frame step, speed, volume/mute, full screen.
Images are shown as images; a file the platform cannot play gets a sentence, not a blank box."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QStackedLayout,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from kling_desktop.ui.workers import run_in_thread

SPEEDS = (0.25, 0.5, 1.0, 1.5, 2.0)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


class Player(QWidget):
    error_shown = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.media = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.media.setAudioOutput(self.audio)
        self.video = QVideoWidget()
        self.video.setMinimumHeight(180)
        self.media.setVideoOutput(self.video)
        self.image = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel(
            "Select a clip to play it.",
            alignment=Qt.AlignmentFlag.AlignCenter,
            wordWrap=True,
            objectName="hint",
        )
        self.stack = QStackedLayout()
        for w in (self.message, self.video, self.image):
            self.stack.addWidget(w)
        style = self.style()
        self._icons = {
            k: style.standardIcon(v)
            for k, v in (
                ("play", QStyle.StandardPixmap.SP_MediaPlay),
                ("pause", QStyle.StandardPixmap.SP_MediaPause),
                ("back", QStyle.StandardPixmap.SP_MediaSeekBackward),
                ("step", QStyle.StandardPixmap.SP_MediaSeekForward),
                ("full", QStyle.StandardPixmap.SP_TitleBarMaxButton),
            )
        }
        self.play_button = QPushButton(self._icons["play"], "")
        self.back_button, self.step_button = (
            QPushButton(self._icons["back"], ""),
            QPushButton(self._icons["step"], ""),
        )
        self.back_button.setToolTip("Previous frame")
        self.step_button.setToolTip("Next frame")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.time = QLabel("0:00.0 / 0:00.0", objectName="hint")
        self.loop = QCheckBox("Loop")
        self.speed = QComboBox()
        for s in SPEEDS:
            self.speed.addItem(f"{s:g}×", s)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.mute = QCheckBox("Mute")
        self.volume = QSlider(Qt.Orientation.Horizontal, maximum=100, value=80)
        self.volume.setMaximumWidth(90)
        self.full_button = QPushButton(self._icons["full"], "")
        self.full_button.setToolTip("Full screen (Esc to leave)")
        transport = QHBoxLayout()
        for w in (self.back_button, self.play_button, self.step_button, self.slider, self.time):
            transport.addWidget(w)
        transport.setStretchFactor(self.slider, 1)
        extras = QHBoxLayout()
        for w in (self.loop, self.speed, self.mute, self.volume):
            extras.addWidget(w)
        extras.addStretch(1)
        extras.addWidget(self.full_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.stack, 1)
        layout.addLayout(transport)
        layout.addLayout(extras)
        self.fps = 24.0
        self.path: str | None = None
        self.play_button.clicked.connect(self.toggle)
        self.back_button.clicked.connect(lambda: self.step(-1))
        self.step_button.clicked.connect(lambda: self.step(1))
        self.slider.sliderMoved.connect(self.media.setPosition)
        self.media.positionChanged.connect(self._position)
        self.media.durationChanged.connect(lambda d: self.slider.setRange(0, d))
        self.media.playbackStateChanged.connect(self._state)
        self.media.errorOccurred.connect(self._error)
        self.loop.toggled.connect(lambda on: self.media.setLoops(QMediaPlayer.Loops.Infinite if on else 1))
        self.speed.currentIndexChanged.connect(lambda _: self.media.setPlaybackRate(self.speed.currentData()))
        self.mute.toggled.connect(self.audio.setMuted)
        self.volume.valueChanged.connect(lambda v: self.audio.setVolume(v / 100))
        self.audio.setVolume(0.8)
        self.full_button.clicked.connect(self.toggle_full_screen)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.video, self.leave_full_screen)
        QShortcut(
            QKeySequence(Qt.Key.Key_Space),
            self,
            self.toggle,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )

    def open(self, path: str, fps: float | None = None, autoplay: bool = True) -> None:
        self.path, self.fps = path, fps or 24.0
        if Path(path).suffix.lower() in IMAGE_SUFFIXES:
            self.media.stop()
            self.media.setSource(QUrl())
            size = self.image.size()

            def load() -> QImage:  # decoded off the GUI thread
                return QImage(path).scaled(
                    size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                )

            run_in_thread(
                load, lambda img, e: self.image.setPixmap(QPixmap.fromImage(img)) if e is None else None, self
            )
            self.stack.setCurrentWidget(self.image)
            return
        self.stack.setCurrentWidget(self.video)
        self.media.setSource(QUrl.fromLocalFile(path))
        if autoplay:
            self.media.play()

    def toggle(self) -> None:
        if self.media.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.media.pause()
        else:
            self.media.play()

    def step(self, frames: int) -> None:
        self.media.pause()
        self.media.setPosition(max(0, self.media.position() + round(frames * 1000 / self.fps)))

    def toggle_full_screen(self) -> None:
        if self.video.isFullScreen():
            self.leave_full_screen()
        else:
            self.video.setFullScreen(True)

    def leave_full_screen(self) -> None:
        self.video.setFullScreen(False)

    def _position(self, ms: int) -> None:
        if not self.slider.isSliderDown():
            self.slider.setValue(ms)
        self.time.setText(f"{_fmt(ms)} / {_fmt(self.media.duration())}")

    def _state(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setIcon(self._icons["pause" if playing else "play"])

    def _error(self, error: QMediaPlayer.Error, text: str) -> None:
        if error == QMediaPlayer.Error.NoError:
            return
        name = Path(self.path).name if self.path else "This file"
        message = (
            f"{name} cannot be played on this computer ({text or error.name}). "
            "Try “Reveal in file manager” and open it in another player."
        )
        self.message.setText(message)
        self.stack.setCurrentWidget(self.message)
        self.error_shown.emit(message)

    def stop(self) -> None:
        self.media.stop()


def _fmt(ms: int) -> str:
    s = max(0, ms) / 1000
    return f"{int(s // 60)}:{s % 60:04.1f}"
