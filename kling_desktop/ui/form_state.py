"""The form as data, and the ways it is replaced without losing anything: snapshot and restore (undo, the
draft saved as you type, per-model memory), Remix (``load_request``) and "use this frame" with Undo."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kling_desktop.catalog.models import UnknownModel, get_model
from kling_desktop.catalog.spec import ModelSpec, Workflow
from kling_desktop.core.form_draft import DraftWriter, load_draft
from kling_desktop.core.framing import Framing
from kling_desktop.core.request import GenerationRequest, Shot
from kling_desktop.ui.form_zones import InputZones
from kling_desktop.ui.frame_zone import ImageDropZone
from kling_desktop.ui.framing_preview import FramingPreview
from kling_desktop.ui.prompt_editor import PromptEditor
from kling_desktop.ui.settings_panel import SettingsPanel
from kling_desktop.ui.timeline import ShotTimeline

W = Workflow
DEFAULT_FRAME_MODEL = "klingai:kling-video@3-pro"


class FormStateMixin:
    """Mixed into GenerationForm, which provides these widgets and the model and mode methods."""

    spec: ModelSpec | None
    mode: Workflow | None
    _shown: set[str]
    _memory: dict[str, dict[str, Any]]
    _undo: list[dict[str, Any]]
    _loading: bool
    prompt: PromptEditor
    negative: PromptEditor
    first: ImageDropZone
    last: ImageDropZone
    timeline: ShotTimeline
    zones: InputZones
    settings: SettingsPanel
    framing: FramingPreview
    undo_bar: QWidget
    undo_note: QLabel
    undo_button: QPushButton
    draft: DraftWriter

    def set_model(self, air_id: str) -> None:
        raise NotImplementedError

    def set_mode(self, mode: Workflow) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        raise NotImplementedError

    def _remember(self) -> None:
        raise NotImplementedError

    def snapshot(self) -> dict[str, Any]:
        self._remember()
        return {
            "model": self.spec.air_id if self.spec else None,
            "mode": self.mode.value if self.mode else None,
            "prompt": self.prompt.text(),
            "negative_prompt": self.negative.text(),
            "first_frame": self.first.path(),
            "last_frame": self.last.path(),
            "shots": [[s.prompt, s.duration] for s in self.timeline.shots()],
            "zones": {name: zone.paths() for name, zone in self.zones.lists.items()},
            "input_image": self.zones.portrait.path(),
            "refer_type": self.zones.refer_type.currentData(),
            "framing": self.framing.mode().value,
            "memory": {k: dict(v) for k, v in self._memory.items()},
        }

    def restore(self, snap: dict[str, Any]) -> None:
        self._loading = True
        try:
            self._memory = {str(k): dict(v) for k, v in (snap.get("memory") or {}).items()}
            self.prompt.set_text(str(snap.get("prompt") or ""))
            self.negative.set_text(str(snap.get("negative_prompt") or ""))
            _set_if_changed(self.first, snap.get("first_frame"))
            _set_if_changed(self.last, snap.get("last_frame"))
            self.timeline.set_shots([Shot(prompt=p, duration=d) for p, d in snap.get("shots") or []])
            for name, zone in self.zones.lists.items():
                paths = list((snap.get("zones") or {}).get(name) or [])
                if paths != zone.paths():
                    zone.set_paths(paths)
            _set_if_changed(self.zones.portrait, snap.get("input_image"))
            if (i := self.zones.refer_type.findData(snap.get("refer_type"))) >= 0:
                self.zones.refer_type.setCurrentIndex(i)
            if snap.get("framing") in {m.value for m in Framing}:
                self.framing.set_mode(str(snap["framing"]))
            model = snap.get("model")
            if model:
                try:
                    get_model(str(model))
                except UnknownModel:
                    model = None
            if model:
                self.spec = None  # do not overwrite the restored memory with the current controls
                self.mode = W(snap["mode"]) if snap.get("mode") in {w.value for w in W} else None
                self.set_model(str(model))
        finally:
            self._loading = False
        self.refresh()

    def _holds_something(self) -> bool:
        snap = self.snapshot()
        return bool(
            snap["prompt"].strip()
            or snap["negative_prompt"].strip()
            or snap["first_frame"]
            or snap["last_frame"]
            or snap["shots"]
            or any(snap["zones"].values())
            or snap["input_image"]
        )

    def _offer_undo(self, what: str) -> None:
        self._undo.append(self.snapshot())
        del self._undo[:-20]
        self.undo_note.setText(f"{what}. Changed your mind?")
        self.undo_bar.show()

    def undo(self) -> None:
        """Put back what the last Remix or frame replacement changed."""
        if not self._undo:
            return
        self.restore(self._undo.pop())
        if not self._undo:
            self.undo_bar.hide()
        else:
            self.undo_note.setText("Restored. An earlier replacement can be undone too.")

    def save_draft(self) -> None:
        if self.spec is not None and not self._loading:
            self.draft.submit(self.snapshot())

    def restore_draft(self) -> bool:
        """After a crash (or any restart), put back the form as it was last typed."""
        snap = load_draft(self.draft.path)
        if not snap or not snap.get("model"):
            return False
        self.restore(snap)
        return True

    # ---- loading (Remix, Continue from last frame, Animate this, use this frame) -------------------------
    def load_request(self, req: GenerationRequest) -> None:
        """Remix: the request replaces the form; what was there can be had back with Undo."""
        if self._holds_something():
            self._offer_undo("The form was replaced by a remix")
        self._loading = True
        try:
            self.set_model(req.model)
            if req.workflow and req.workflow in {w.value for w in self.spec.workflows}:  # type: ignore[union-attr]
                self.set_mode(W(req.workflow))
            else:
                self.set_mode(_mode_of(req, self.spec))  # type: ignore[arg-type]
            self.prompt.set_text(req.prompt)
            self.negative.set_text(req.negative_prompt)
            self.first.set_path(req.first_frame)
            self.last.set_path(req.last_frame)
            self.timeline.set_shots(req.shots)
            self.zones.load(req)
            self.settings.load(req)
            if req.framing:
                self.framing.set_mode(req.framing)
        finally:
            self._loading = False
        self.refresh()

    def use_frame(self, slot: str, image_path: str, source_label: str = "the viewer") -> None:
        """'Use this frame as first/last frame': replaces the slot's image, with Undo when it held one."""
        spec = self.spec
        key = "first_frame" if slot == "first" else "last_frame"
        zone = self.first if slot == "first" else self.last
        if zone.path():
            self._offer_undo(f"The {slot} frame was replaced by a frame from {source_label}")
        if spec is None or not spec.allows_frame(slot):  # type: ignore[arg-type]
            self.set_model(DEFAULT_FRAME_MODEL)
            spec = self.spec
        assert spec is not None
        if key not in self._shown:
            mode = next(w for w, frames in spec.frame_images.items() if slot in frames)
            self.set_mode(mode)
        zone.set_path(image_path)
        zone.note_source(f"From {source_label}")

    set_frame = use_frame

    def set_first_frame(self, path: str) -> None:
        self.use_frame("first", path, "the gallery")

    def _replace_frame(self, zone: ImageDropZone, path: str | None, what: str) -> None:
        if zone.path() and zone.path() != path:
            self._offer_undo(f"{what} replaced the {'first' if zone is self.first else 'last'} frame")
        zone.set_path(path)

    def swap_frames(self) -> None:
        first, last = self.first.path(), self.last.path()
        self.first.set_path(last)
        self.last.set_path(first)


def _set_if_changed(zone: ImageDropZone, path: object) -> None:
    value = str(path) if path else None
    if value != zone.path():
        zone.set_path(value)


def _mode_of(req: GenerationRequest, spec: ModelSpec) -> Workflow:
    from kling_desktop.core.validation import choose_workflow

    return choose_workflow(req, spec)
