"""The transport bar under the picture: scrubber, frame buttons, frame number and timecode, loop, in/out,
speed, volume, compare, use-this-frame and full screen. Widgets only; the viewer drives them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kling_desktop.ui.viewer.scrubber import Scrubber
from kling_desktop.ui.viewer.timecode import timecode

SPEEDS = (0.25, 0.5, 1.0, 1.5, 2.0, 4.0)
LOOPS = (("No loop", "off"), ("Loop clip", "clip"), ("Loop in–out", "range"))


def _button(text: str, tip: str, icon: QStyle.StandardPixmap | None = None) -> QToolButton:
    b = QToolButton()
    if icon is not None:
        b.setIcon(b.style().standardIcon(icon))
    else:
        b.setText(text)
    b.setToolTip(tip)
    b.setAutoRaise(False)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the viewer, not to a button
    return b


class TransportBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        sp = QStyle.StandardPixmap
        self.scrubber = Scrubber()
        self.start_button = _button("⏮", "First frame (Home)", sp.SP_MediaSkipBackward)
        self.back_button = _button("◀|", "Previous frame (←)")
        self.play_button = _button("▶", "Play / pause (Space; J K L shuttle)", sp.SP_MediaPlay)
        self.step_button = _button("|▶", "Next frame (→)")
        self.end_button = _button("⏭", "Last frame (End)", sp.SP_MediaSkipForward)
        self.position = QLabel("—", objectName="timecode")
        self.position.setToolTip(
            "Frame number and timecode (minutes:seconds:frames) at the clip's frame rate"
        )
        self.position.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.position.setMinimumWidth(90)
        self.mute_button = _button("Mute", "Mute", sp.SP_MediaVolume)
        self.mute_button.setCheckable(True)
        self.mute_button.toggled.connect(
            lambda on: self.mute_button.setIcon(
                self.style().standardIcon(sp.SP_MediaVolumeMuted if on else sp.SP_MediaVolume)
            )
        )
        self.volume = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=100, value=80)
        self.volume.setFixedWidth(80)
        self.volume.setToolTip("Volume")
        self.volume.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.full_button = _button("Full screen", "Full screen (F; Esc or double-click to leave)")
        self.loop = QComboBox()
        for label, value in LOOPS:
            self.loop.addItem(label, value)
        self.loop.setToolTip("Loop the whole clip or the range between In (I) and Out (O)")
        self.in_button = _button("In", "Mark In at this frame (I)")
        self.out_button = _button("Out", "Mark Out at this frame (O)")
        self.clear_range_button = _button("✕", "Clear In and Out")
        self.speed = QComboBox()
        for s in SPEEDS:
            self.speed.addItem(f"{s:g}×", s)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.setToolTip("Playback speed")
        for box in (self.loop, self.speed):
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.compare_button = _button("A|B", "Compare with the frames it was made from, or with another clip")
        self.compare_button.setCheckable(True)
        self.use_button = _button("Use frame", "Send the frame shown to the form")
        self.use_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.use_menu = QMenu(self.use_button)
        self.use_first = self.use_menu.addAction("Use this frame as first frame")
        self.use_last = self.use_menu.addAction("Use this frame as last frame")
        self.use_button.setMenu(self.use_menu)
        row1 = QHBoxLayout()
        for w in (self.start_button, self.back_button, self.play_button, self.step_button, self.end_button):
            row1.addWidget(w)
        row1.addWidget(self.position, 1)
        row1.addWidget(self.mute_button)
        row1.addWidget(self.volume)
        row1.addWidget(self.full_button)
        row2 = QHBoxLayout()
        for item in (self.loop, self.in_button, self.out_button, self.clear_range_button, self.speed):
            row2.addWidget(item)
        row2.addStretch(1)
        row2.addWidget(self.compare_button)
        row2.addWidget(self.use_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.scrubber)
        layout.addLayout(row1)
        layout.addLayout(row2)

    def show_position(self, frame: int, frames: int, fps: float) -> None:
        self.scrubber.set_frame(frame)
        self.position.setText(f"Frame {frame + 1} / {frames}  {timecode(frame, fps)}")
        self.position.setToolTip(
            f"Frame {frame + 1} of {frames}, timecode {timecode(frame, fps)} of {timecode(frames - 1, fps)} "
            f"(hours:minutes:seconds:frames) at {fps:g} fps"
        )

    def set_playing(self, playing: bool) -> None:
        sp = QStyle.StandardPixmap
        self.play_button.setIcon(self.style().standardIcon(sp.SP_MediaPause if playing else sp.SP_MediaPlay))

    def set_video_controls(self, enabled: bool) -> None:
        for w in (
            self.scrubber,
            self.start_button,
            self.back_button,
            self.play_button,
            self.step_button,
            self.end_button,
            self.loop,
            self.in_button,
            self.out_button,
            self.clear_range_button,
            self.speed,
        ):
            w.setEnabled(enabled)
