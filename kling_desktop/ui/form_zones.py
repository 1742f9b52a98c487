"""The form's input zones beyond the frames: reference images/videos/voices, input video/audio, portrait.
Each is shown only where the ModelSpec has it, and checks its files against the stated limits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QBoxLayout, QComboBox, QGridLayout, QWidget

from kling_desktop.catalog.spec import ImageRequirement, MediaRequirement, ModelSpec, Workflow
from kling_desktop.core.images import check_image, inspect_image
from kling_desktop.core.media_check import check_media_file
from kling_desktop.core.probe import probe_media
from kling_desktop.core.request import REFER_TYPE_FAMILIES, REFER_TYPES, GenerationRequest
from kling_desktop.core.units import format_size
from kling_desktop.ui.frame_zone import ImageDropZone
from kling_desktop.ui.media_zone import Checker, MediaListZone

W = Workflow
Note = Callable[[str], str]  # field name -> "not used by …"


def _not_used(_field: str) -> str:
    return "not used here"


def _media_checker(field: str, limit: MediaRequirement | None, kind: str, max_mb: float | None) -> Checker:
    def check(path: str) -> tuple[str, list[str]]:
        info = probe_media(path)
        desc = f"{info.duration or 0:.1f} s" + (f", {info.width}×{info.height}" if info.width else "")
        desc += f", {format_size(info.size_bytes)}"
        problems = [
            p.message.split(": ", 1)[-1] for p in check_media_file(field, path, limit, kind, max_mb=max_mb)
        ]
        return desc, problems

    return check


def _image_checker(limit: ImageRequirement | None) -> Checker:
    def check(path: str) -> tuple[str, list[str]]:
        info = inspect_image(path)
        return info.describe(), [p.message.split(": ", 1)[-1] for p in check_image(info, limit)]

    return check


class InputZones(QWidget):
    changed = Signal()

    def __init__(self, cache_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lists = {
            "reference_images": MediaListZone("Reference images", "image"),
            "reference_videos": MediaListZone("Reference video", "video"),
            "reference_voices": MediaListZone("Reference voices", "audio"),
            "input_video": MediaListZone("Input video", "video"),
            "input_audio": MediaListZone("Input audio", "audio"),
        }
        self.portrait = ImageDropZone("Portrait", cache_dir)
        # How the reference video is used (models that take a reference type): a reference, or the video to edit.
        self.refer_type = QComboBox()
        self.refer_type.addItem("As a reference (subject, motion, style)", REFER_TYPES[0])
        self.refer_type.addItem("As the video to edit", REFER_TYPES[1])
        self.refer_type.setToolTip("How the model uses the reference video")
        videos_layout = self.lists["reference_videos"].layout()
        assert isinstance(videos_layout, QBoxLayout)  # MediaListZone lays itself out in a QVBoxLayout
        videos_layout.insertWidget(2, self.refer_type)
        self.refer_type.currentIndexChanged.connect(self.changed)
        self.refer_type.hide()
        self.zones: dict[str, MediaListZone | ImageDropZone] = {"input_image": self.portrait, **self.lists}
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        for zone in self.zones.values():
            zone.changed.connect(self.changed)
        self._shown: set[str] = set()
        self._laid_out: list[str] = []

    def configure(self, spec: ModelSpec, shown: set[str], unused_note: Note = _not_used) -> None:
        """Show the zones of this mode; a zone the mode does not use stays, greyed, while it holds files."""
        self._shown = {n for n in self.zones if n in shown}
        refs = spec.reference_images
        max_refs = spec.max_reference_images
        where = ", ".join(f"{w.label.lower()}: {r.min}–{r.max}" for w, r in refs.items())
        with_video = next(
            (r.max_with_reference_video for r in refs.values() if r.max_with_reference_video), None
        )
        if with_video:
            where += f" ({with_video} with a reference video)"
        self.lists["reference_images"].configure(max_refs, where, _image_checker(spec.image_requirement))
        rv = spec.reference_video_requirement
        self.lists["reference_videos"].configure(
            max((r.max for r in spec.reference_videos.values()), default=1),
            ", ".join(w.label.lower() for w in spec.reference_videos) + (f" · {rv.describe()}" if rv else ""),
            _media_checker("reference_videos", rv, "video", spec.input_max_mb),
        )
        voice = spec.reference_voice_requirement
        self.lists["reference_voices"].configure(
            spec.reference_voices_max or 1,
            (voice.describe() + (f" · {voice.note}" if voice.note else "")) if voice else "",
            _media_checker("reference_voices", voice, "audio", None),
        )
        iv = spec.input_video
        note = (
            f" ({iv.fast_min_seconds:g}–{iv.fast_max_seconds:g} s in fast mode)"
            if iv and iv.fast_min_seconds
            else ""
        )
        self.lists["input_video"].configure(
            1,
            (iv.describe() + note) if iv else "",
            _media_checker("input_video", iv, "video", spec.input_max_mb),
        )
        ia = spec.input_audio
        self.lists["input_audio"].configure(
            1, ia.describe() if ia else "", _media_checker("input_audio", ia, "audio", None)
        )
        self.portrait.set_requirement(spec.input_image)
        self.refer_type.setVisible(spec.family in REFER_TYPE_FAMILIES)
        self.relayout(unused_note)

    def _holds(self, name: str) -> bool:
        zone = self.zones[name]
        return bool(zone.paths()) if isinstance(zone, MediaListZone) else zone.path() is not None

    def relayout(self, unused_note: Note = _not_used) -> None:
        """Visible zones fill a two-column grid in reading order: no holes, no diagonals."""
        order = [n for n in self.zones if n in self._shown or self._holds(n)]
        for name, zone in self.zones.items():
            zone.set_unused(None if name in self._shown else unused_note(name))
            zone.setVisible(name in order)
        if order == self._laid_out:
            return
        for zone in self.zones.values():
            self.grid.removeWidget(zone)
        for i, name in enumerate(order):
            span = 2 if i == len(order) - 1 and i % 2 == 0 else 1
            self.grid.addWidget(self.zones[name], i // 2, i % 2, 1, span)
        self._laid_out = order

    def any_visible(self) -> bool:
        return bool(self._laid_out)

    def visible_names(self) -> set[str]:
        return set(self._shown)

    def paths(self, name: str) -> list[str]:
        return self.lists[name].paths() if name in self._shown else []

    def problems(self) -> list[str]:
        out = [p for name, z in self.lists.items() if name in self._shown for p in z.problems()]
        if "input_image" in self._shown and self.portrait.problem():
            out.append(str(self.portrait.problem()))
        return out

    def refer_types(self) -> tuple[str, ...]:
        """One reference type per reference video, where the model takes one; () otherwise."""
        videos = self.paths("reference_videos")
        if not videos or not self.refer_type.isVisibleTo(self):
            return ()
        return (str(self.refer_type.currentData()),) * len(videos)

    def busy(self) -> bool:
        return self.portrait.busy or any(z.pending for z in self.lists.values())

    def load(self, req: GenerationRequest) -> None:
        values = {
            "reference_images": list(req.reference_images),
            "reference_videos": list(req.reference_videos),
            "reference_voices": list(req.reference_voices),
            "input_video": [req.input_video] if req.input_video else [],
            "input_audio": [req.input_audio] if req.input_audio else [],
        }
        for name, paths in values.items():
            self.lists[name].set_paths(paths)
        self.portrait.set_path(req.input_image)
        if req.reference_video_types:
            self.refer_type.setCurrentIndex(max(0, self.refer_type.findData(req.reference_video_types[0])))
