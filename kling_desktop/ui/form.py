"""The generation form: a mode (workflow) per model from the catalog, each showing exactly its inputs. It builds
a GenerationRequest, explains every problem at the field it concerns, and loses nothing: inputs a model or mode
does not use stay (greyed) and come back, replacing is undoable, and the form is saved as the artist types."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kling_desktop.catalog.models import get_model
from kling_desktop.catalog.spec import ModelSpec, Workflow
from kling_desktop.core.form_draft import DraftWriter
from kling_desktop.core.form_fields import (
    FIELD_GROUP,
    FIELD_WORDS,
    mode_fields,
    mode_title,
    visible_fields,
    words,
)
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.validation import problems_for, resolve
from kling_desktop.ui.form_modes import ModeBar
from kling_desktop.ui.form_state import FormStateMixin
from kling_desktop.ui.form_zones import InputZones
from kling_desktop.ui.frame_zone import ImageDropZone
from kling_desktop.ui.framing_preview import FramingPreview
from kling_desktop.ui.model_picker import ModelPicker
from kling_desktop.ui.prompt_editor import PromptEditor
from kling_desktop.ui.settings_panel import ProviderReason, SettingsPanel
from kling_desktop.ui.timeline import ShotTimeline

W = Workflow


class GenerationForm(FormStateMixin, QWidget):
    generate_requested = Signal(object, str)  # GenerationRequest, provider name

    def __init__(
        self,
        cache_dir: Path,
        provider_reason: ProviderReason,
        request_problem: Callable[[str, GenerationRequest], str | None] | None = None,
        parent: QWidget | None = None,
        draft_path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._request_problem = request_problem
        self.spec: ModelSpec | None = None
        self.mode: Workflow | None = None
        self._shown: set[str] = set()
        self._memory: dict[str, dict[str, Any]] = {}  # per model: its last mode and settings
        self._undo: list[dict[str, Any]] = []
        self._loading = False
        self.picker = ModelPicker()
        self.modes = ModeBar()
        self.prompt = PromptEditor("Describe the shot: scene, characters, action, camera, audio & style")
        self.negative = PromptEditor("What to avoid, e.g. blurry, distorted hands", helpers=False)
        self.negative.edit.setMaximumHeight(60)
        self.first = ImageDropZone("First frame", cache_dir)
        self.last = ImageDropZone("Last frame", cache_dir)
        self.first.clip_frame = "last"  # a clip dropped on the first frame continues from its last frame
        self.last.clip_frame = "first"  # … and on the last frame, leads into its first frame
        self.swap_button, self.loop_button = QPushButton("⇄ Swap"), QPushButton("↻ Loop")
        self.swap_button.setToolTip("Swap the first and last frames")
        self.loop_button.setToolTip("Use the first frame as the last frame too: a seamless loop")
        self.framing = FramingPreview(cache_dir)
        self.timeline = ShotTimeline()
        self.zones = InputZones(cache_dir)
        self.settings = SettingsPanel(provider_reason)
        self.undo_note = QLabel(wordWrap=True)
        self.undo_button = QPushButton("Undo  (Ctrl+Z)")
        self.undo_bar = QWidget(objectName="undoBar")
        ub = QHBoxLayout(self.undo_bar)
        ub.setContentsMargins(0, 0, 0, 0)
        ub.addWidget(self.undo_note, 1)
        ub.addWidget(self.undo_button)
        self.undo_bar.hide()
        self.problems = QLabel(objectName="error", wordWrap=True)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.generate_button = QPushButton("Generate  (Ctrl+Enter)", objectName="primary")

        self.groups: dict[str, QGroupBox] = {}
        self.field_errors: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self._group("Model", self.picker))
        layout.addWidget(self.modes)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self._group("Prompt", self.prompt, key="prompt"))
        layout.addWidget(self._group("Negative prompt", self.negative, key="negative_prompt"))
        frames = QWidget()
        fcol = QVBoxLayout(frames)
        fcol.setContentsMargins(0, 0, 0, 0)
        fl = QHBoxLayout()
        fl.addWidget(self.first)
        fl.addWidget(self.last)
        fcol.addLayout(fl)
        tools = QHBoxLayout()  # under the frames, so two frames fit a narrow pane side by side
        tools.addWidget(self.swap_button)
        tools.addWidget(self.loop_button)
        tools.addStretch(1)
        fcol.addLayout(tools)
        layout.addWidget(self._group("Frames", frames, key="frames"))
        frames_box = self.groups["frames"].layout()
        assert isinstance(frames_box, QVBoxLayout)
        frames_box.insertWidget(1, self.framing)
        layout.addWidget(self._group("Shots", self.timeline, key="shots"))
        layout.addWidget(self._group("Inputs and references", self.zones, key="zones"))
        layout.addWidget(self._group("Settings", self.settings, key="settings"))
        layout.addWidget(self.problems)
        layout.addWidget(self.generate_button)
        layout.addStretch(1)
        self._titles = {key: box.title() for key, box in self.groups.items()}

        self._revalidate = QTimer(self, singleShot=True, interval=150)
        self._revalidate.timeout.connect(self.refresh)
        self.picker.model_changed.connect(self.set_model)
        self.modes.mode_changed.connect(self.set_mode)
        for sig in (
            self.prompt.changed,
            self.negative.changed,
            self.first.changed,
            self.last.changed,
            self.timeline.changed,
            self.zones.changed,
            self.settings.changed,
            self.framing.changed,
            self.framing.ready,
        ):
            sig.connect(self._revalidate.start)
        self.swap_button.clicked.connect(self.swap_frames)
        self.loop_button.clicked.connect(lambda: self._replace_frame(self.last, self.first.path(), "Loop"))
        self.generate_button.clicked.connect(self.generate)
        self.undo_button.clicked.connect(self.undo)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.generate, context=Qt.ShortcutContext.WindowShortcut)
        QShortcut(
            QKeySequence.StandardKey.Undo,
            self,
            self.undo,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )

        # Saved as you type (off the GUI thread), restored after a crash.
        self.draft = DraftWriter(draft_path or cache_dir / "form-draft.json")
        self._draft_timer = QTimer(self, singleShot=True, interval=400)
        self._draft_timer.timeout.connect(self.save_draft)
        self.destroyed.connect(lambda *_a, d=self.draft: d.stop())
        QTimer.singleShot(0, self.restore_draft)

    def _group(self, title: str, widget: QWidget, key: str | None = None) -> QGroupBox:
        box = QGroupBox(title)
        col = QVBoxLayout(box)
        col.addWidget(widget)
        if key:
            self.groups[key] = box
            error = QLabel(objectName="error", wordWrap=True)
            error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            error.hide()
            col.addWidget(error)
            self.field_errors[key] = error
        return box

    # ---- model and mode ---------------------------------------------------------------------------------
    def set_model(self, air_id: str) -> None:
        spec = get_model(air_id)
        if self.spec is not None and self.spec.air_id != air_id:
            self._remember()
        self.spec = spec
        if self.picker.current() != air_id:
            self.picker.select(air_id)
        self.picker.describe(spec)
        self.prompt.set_limit(spec.prompt, spec.reference_voices_max or 0)
        self.negative.set_limit(spec.negative_prompt)
        self.first.set_requirement(spec.image_requirement, spec.input_max_mb)
        self.last.set_requirement(spec.image_requirement, spec.input_max_mb)
        if spec.multi_prompt_max:
            self.timeline.configure(spec.multi_prompt_max, next(iter(spec.durations.values()), None))
        memory = self._memory.get(air_id, {})
        remembered = memory.get("mode")
        if remembered in {w.value for w in spec.workflows}:
            mode = W(remembered)
        elif self.mode in spec.workflows:
            mode = self.mode
        else:
            mode = spec.default_workflow()
        assert mode is not None
        self.settings.set_model(spec, mode)
        if memory.get("settings"):
            self.settings.restore(memory["settings"])
        self.modes.set_modes(spec, mode)
        self.set_mode(mode)

    def _remember(self) -> None:
        if self.spec is not None and self.mode is not None:
            self._memory[self.spec.air_id] = {"mode": self.mode.value, "settings": self.settings.state()}

    def set_mode(self, mode: Workflow) -> None:
        spec = self.spec
        if spec is None or mode not in spec.workflows:
            return
        self.mode = mode
        self.modes.select(mode)
        self._shown = mode_fields(spec, mode)
        self.settings.set_workflow(mode)
        self.settings.show_fields(self._shown)
        self.zones.configure(spec, self._shown, self._unused_note)
        self._reshape()
        self.refresh()

    def _unused_note(self, field: str) -> str:
        spec, mode = self.spec, self.mode
        assert spec is not None and mode is not None
        used_elsewhere = field in visible_fields(spec)
        return f"not used in {mode_title(spec, mode)}" if used_elsewhere else f"not used by {spec.name}"

    def _reshape(self) -> None:
        """Show what the mode uses; keep what it does not use but holds, greyed, with a note."""
        shown = self._shown
        for key, holds in (
            ("prompt", bool(self.prompt.text().strip())),
            ("negative_prompt", bool(self.negative.text().strip())),
            ("shots", bool(self.timeline.shots())),
        ):
            box, used = self.groups[key], key in shown
            box.setVisible(used or holds)
            box.setEnabled(used)
            box.setTitle(self._titles[key] + ("" if used else f" — {self._unused_note(key)}"))
        any_frame = False
        for zone, key in ((self.first, "first_frame"), (self.last, "last_frame")):
            used = key in shown
            zone.setVisible(used or zone.path() is not None)
            any_frame = any_frame or used or zone.path() is not None
            zone.set_unused(None if used else self._unused_note(key))
        both = "first_frame" in shown and "last_frame" in shown
        self.swap_button.setVisible(both)
        self.loop_button.setVisible(both)
        self.groups["frames"].setVisible(any_frame)
        self.zones.relayout(self._unused_note)
        self.groups["zones"].setVisible(self.zones.any_visible())

    def visible_field_names(self) -> set[str]:
        """What the artist can see and use now, by request field name (tests compare it with the catalog)."""

        def usable(w: QWidget) -> bool:
            return w.isVisibleTo(self) and w.isEnabledTo(self)

        checks: dict[str, QWidget] = {
            "prompt": self.groups["prompt"],
            "negative_prompt": self.groups["negative_prompt"],
            "first_frame": self.first,
            "last_frame": self.last,
            "shots": self.groups["shots"],
            "cfg_scale": self.settings.cfg,
            "resolution": self.settings.resolution_combo,
            "number_results": self.settings.count,
            "size": self.settings.size_combo,
        }
        out = {name for name, w in checks.items() if usable(w)}
        if usable(self.settings.duration_combo) or usable(self.settings.duration_spin):
            out.add("duration")
        out |= {n for n, z in self.zones.zones.items() if usable(z)}
        if self.spec:
            out |= {
                f"settings.{s.name}"
                for s in self.spec.provider_settings
                if (w := self.settings.setting_widget(s.name)) is not None and usable(w)
            }
        return out

    # ---- building the request ---------------------------------------------------------------------------
    def current_request(self) -> GenerationRequest:
        spec, mode = self.spec, self.mode
        if spec is None or mode is None:
            return GenerationRequest(model="")
        shown = self._shown
        size = self.settings.chosen_size() if "size" in shown else None
        shots = self.timeline.shots() if "shots" in shown else ()
        z = self.zones
        req = GenerationRequest(
            model=spec.air_id,
            workflow=mode.value,
            prompt=self.prompt.text() if "prompt" in shown else "",
            negative_prompt=self.negative.text() if "negative_prompt" in shown else "",
            first_frame=self.first.path() if "first_frame" in shown else None,
            last_frame=self.last.path() if "last_frame" in shown else None,
            shots=shots,
            width=size[0] if size else None,
            height=size[1] if size else None,
            resolution=self.settings.resolution() if "resolution" in shown else None,
            cfg_scale=self.settings.cfg_value() if "cfg_scale" in shown else None,
            reference_images=tuple(z.paths("reference_images")),
            reference_videos=tuple(z.paths("reference_videos")),
            reference_video_types=z.refer_types(),
            reference_voices=tuple(z.paths("reference_voices")),
            input_video=next(iter(z.paths("input_video")), None),
            input_audio=next(iter(z.paths("input_audio")), None),
            input_image=z.portrait.path() if "input_image" in shown else None,
            number_results=self.settings.count.value() if "number_results" in shown else 1,
        )
        if req.first_frame or req.last_frame:  # how a frame of another shape is made to fit the output
            req = req.model_copy(update={"framing": self.framing.mode().value})
        settings = {k: v for k, v in self.settings.settings().items() if f"settings.{k}" in shown}
        sound = settings.pop("sound", None)
        duration = None if shots or "duration" not in shown else self.settings.duration()
        settings = {k: v for k, v in settings.items() if _applies(spec, k, req, mode)}
        sound = bool(sound) if sound and _applies(spec, "sound", req, mode) else None
        return req.model_copy(update={"duration": duration, "sound": sound, "settings": settings})

    def refresh(self) -> None:
        spec = self.spec
        if spec is None:
            return
        self._reshape()
        shots = self.timeline.shots() if "shots" in self._shown else ()
        self.settings.set_shots_total(sum(s.duration for s in shots) if shots else None)
        req = self.current_request()
        problems = problems_for(req)
        at_field: dict[str, list[str]] = {}
        duration_error = None
        for p in problems:
            text = words(p)
            if p.field == "duration":
                duration_error = text.split(": ", 1)[1]
            at_field.setdefault(FIELD_GROUP.get(p.field, "settings"), []).append(text)
        messages = [words(p) for p in problems]
        for zone, key in ((self.first, "first_frame"), (self.last, "last_frame")):
            if key in self._shown and zone.problem():
                messages.append(f"{FIELD_WORDS[key]}: {zone.problem()}")
        messages += self.zones.problems()
        if "shots" in self._shown:
            for text in self.timeline.problems():
                messages.append(text)
                at_field.setdefault("shots", []).append(text)
        if not messages and self._request_problem is not None:
            if problem := self._request_problem(self.settings.provider_name(), req):
                messages.append(f"Provider: {problem}")
                at_field.setdefault("settings", []).append(f"Provider: {problem}")
        for key, label in self.field_errors.items():
            texts = [
                t for t in dict.fromkeys(at_field.get(key, [])) if key != "settings" or t != duration_error
            ]
            label.setText("\n".join(texts))
            label.setVisible(bool(texts))
        self.settings.show_duration_error(duration_error)
        self.problems.setText("\n".join(f"• {m}" for m in dict.fromkeys(messages)))
        self.framing.update_for(req, [p for p in (req.first_frame, req.last_frame) if p])
        busy = self.first.busy or self.last.busy or self.zones.busy() or self.framing.busy
        self._set_generate(messages, busy)
        seconds = resolve(req).duration if not problems else req.duration
        self.settings.show_cost(seconds, bool(req.sound), req.number_results)
        self._draft_timer.start()

    def _set_generate(self, messages: list[str], busy: bool) -> None:
        if messages:
            reason = f"Fix first: {messages[0]}" + (
                f" (and {len(messages) - 1} more)" if len(messages) > 1 else ""
            )
        elif busy:
            reason = "Still checking the inputs…"
        else:
            reason = ""
        self.generate_button.setEnabled(not reason)
        self.generate_button.setToolTip(reason or "Send this request (Ctrl+Enter)")
        if not reason:
            text = "Generate  (Ctrl+Enter)"
        elif busy and not messages:
            text = "Generate — checking the inputs…"
        else:
            text = f"Generate — {len(messages)} thing{'s' if len(messages) > 1 else ''} to fix (see above)"
        self.generate_button.setText(text)
        self.generate_reason = reason

    def problem_messages(self) -> list[str]:
        return [m[2:] for m in self.problems.text().split("\n") if m]

    def generate(self) -> None:
        self.refresh()
        busy = self.first.busy or self.last.busy or self.zones.busy() or self.framing.busy
        if self.problem_messages() or busy or self.spec is None:
            if busy:
                self.problems.setText("• Still checking the inputs; try again in a moment.")
            return
        self.generate_requested.emit(self.current_request(), self.settings.provider_name())

    # ---- the whole form as data: undo, the draft, model memory -------------------------------------------
    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.save_draft()
        super().closeEvent(event)


def _applies(spec: ModelSpec, name: str, req: GenerationRequest, workflow: Workflow) -> bool:
    """Send a setting only where the model takes it for these inputs (the form shows it as not applicable)."""
    setting = spec.setting(name)
    if setting is None:
        return False
    if setting.workflows and workflow not in setting.workflows:
        return False
    has_ref = bool(req.reference_videos or req.input_video)
    if setting.requires_reference_video and not has_ref:
        return False
    return not (setting.forbids_reference_video and has_ref)
