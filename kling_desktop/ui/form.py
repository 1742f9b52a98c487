"""The generation form: reshaped by the selected ModelSpec, it builds a GenerationRequest and explains every
problem next to the field it concerns. Nothing here is specific to one model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kling_desktop.catalog.models import get_model
from kling_desktop.catalog.spec import ModelSpec, Workflow
from kling_desktop.core.form_fields import visible_fields
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.validation import choose_workflow, problems_for
from kling_desktop.ui.form_zones import InputZones
from kling_desktop.ui.frame_zone import ImageDropZone
from kling_desktop.ui.model_picker import ModelPicker
from kling_desktop.ui.prompt_editor import PromptEditor
from kling_desktop.ui.settings_panel import ProviderReason, SettingsPanel
from kling_desktop.ui.timeline import ShotTimeline


class GenerationForm(QWidget):
    generate_requested = Signal(object, str)  # GenerationRequest, provider name

    def __init__(
        self,
        cache_dir: Path,
        provider_reason: ProviderReason,
        request_problem: Callable[[str, GenerationRequest], str | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._request_problem = request_problem
        self.spec: ModelSpec | None = None
        self.picker = ModelPicker()
        self.workflow_label = QLabel(objectName="badge")
        self.prompt = PromptEditor("Describe the shot: scene, characters, action, camera, audio & style")
        self.negative = PromptEditor("What to avoid, e.g. blurry, distorted hands", helpers=False)
        self.negative.edit.setMaximumHeight(60)
        self.first = ImageDropZone("First frame", cache_dir)
        self.last = ImageDropZone("Last frame", cache_dir)
        self.swap_button, self.loop_button = QPushButton("⇄ Swap"), QPushButton("↻ Loop")
        self.swap_button.setToolTip("Swap the first and last frames")
        self.loop_button.setToolTip("Use the first frame as the last frame too: a seamless loop")
        self.timeline = ShotTimeline()
        self.zones = InputZones(cache_dir)
        self.settings = SettingsPanel(provider_reason)
        self.problems = QLabel(objectName="error", wordWrap=True)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.generate_button = QPushButton("Generate  (Ctrl+Enter)", objectName="primary")

        self.groups: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self._group("Model", self.picker))
        wf = QHBoxLayout()
        wf.addWidget(QLabel("Workflow:"))
        wf.addWidget(self.workflow_label)
        wf.addStretch(1)
        layout.addLayout(wf)
        layout.addWidget(self._group("Prompt", self.prompt, key="prompt"))
        layout.addWidget(self._group("Negative prompt", self.negative, key="negative_prompt"))
        frames = QWidget()
        fl = QHBoxLayout(frames)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.addWidget(self.first)
        mid = QVBoxLayout()
        mid.addStretch(1)
        mid.addWidget(self.swap_button)
        mid.addWidget(self.loop_button)
        mid.addStretch(1)
        fl.addLayout(mid)
        fl.addWidget(self.last)
        layout.addWidget(self._group("Frames", frames, key="frames"))
        layout.addWidget(self._group("Shots", self.timeline, key="shots"))
        layout.addWidget(self._group("Inputs and references", self.zones, key="zones"))
        layout.addWidget(self._group("Settings", self.settings))
        layout.addWidget(self.problems)
        layout.addWidget(self.generate_button)
        layout.addStretch(1)

        self._revalidate = QTimer(self, singleShot=True, interval=150)
        self._revalidate.timeout.connect(self.refresh)
        self.picker.model_changed.connect(self.set_model)
        for sig in (
            self.prompt.changed,
            self.negative.changed,
            self.first.changed,
            self.last.changed,
            self.timeline.changed,
            self.zones.changed,
            self.settings.changed,
        ):
            sig.connect(self._revalidate.start)
        self.swap_button.clicked.connect(self.swap_frames)
        self.loop_button.clicked.connect(lambda: self.last.set_path(self.first.path()))
        self.generate_button.clicked.connect(self.generate)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.generate, context=Qt.ShortcutContext.WindowShortcut)

    def _group(self, title: str, widget: QWidget, key: str | None = None) -> QGroupBox:
        box = QGroupBox(title)
        QVBoxLayout(box).addWidget(widget)
        if key:
            self.groups[key] = box
        return box

    # ---- reshaping --------------------------------------------------------------------------------------
    def set_model(self, air_id: str) -> None:
        spec = get_model(air_id)
        self.spec = spec
        if self.picker.current() != air_id:
            self.picker.select(air_id)
        self.picker.describe(spec)
        shown = visible_fields(spec)
        self.groups["prompt"].setVisible("prompt" in shown)
        self.groups["negative_prompt"].setVisible("negative_prompt" in shown)
        self.prompt.set_limit(spec.prompt, spec.reference_voices_max or 0)
        self.negative.set_limit(spec.negative_prompt)
        self.groups["frames"].setVisible("first_frame" in shown)
        self.last.setVisible("last_frame" in shown)
        self.swap_button.setVisible("last_frame" in shown)
        self.loop_button.setVisible("last_frame" in shown)
        if "last_frame" not in shown:
            self.last.set_path(None)
        self.first.set_requirement(spec.image_requirement, spec.input_max_mb)
        self.last.set_requirement(spec.image_requirement, spec.input_max_mb)
        self.groups["shots"].setVisible("shots" in shown)
        if spec.multi_prompt_max:
            self.timeline.configure(spec.multi_prompt_max, next(iter(spec.durations.values()), None))
        self.zones.configure(spec, shown)
        self.groups["zones"].setVisible(self.zones.any_visible())
        self.settings.set_model(spec, choose_workflow(self.current_request(), spec))
        self.refresh()

    def visible_field_names(self) -> set[str]:
        """What the artist can see now, by request field name (tests compare it with the ModelSpec)."""
        out = set()
        checks = {
            "prompt": self.groups["prompt"],
            "negative_prompt": self.groups["negative_prompt"],
            "first_frame": self.groups["frames"],
            "last_frame": self.last,
            "shots": self.groups["shots"],
            "cfg_scale": self.settings.cfg,
            "resolution": self.settings.resolution_combo,
            "number_results": self.settings.count,
            "duration": self.settings.duration_combo
            if self.settings.duration_combo.isVisibleTo(self)
            else self.settings.duration_spin,
            "size": self.settings.size_combo,
        }
        out |= {name for name, w in checks.items() if w.isVisibleTo(self)}
        out |= self.zones.visible_names()
        spec = self.spec
        if spec:
            out |= {
                f"settings.{s.name}"
                for s in spec.provider_settings
                if (w := self.settings.setting_widget(s.name)) is not None and w.isVisibleTo(self)
            }
        return out

    # ---- building the request ---------------------------------------------------------------------------
    def current_request(self) -> GenerationRequest:
        spec = self.spec
        if spec is None:
            return GenerationRequest(model="")
        shown = visible_fields(spec)
        size = self.settings.size()
        shots = self.timeline.shots() if "shots" in shown else ()
        z = self.zones
        req = GenerationRequest(
            model=spec.air_id,
            prompt=self.prompt.text() if "prompt" in shown else "",
            negative_prompt=self.negative.text() if "negative_prompt" in shown else "",
            first_frame=self.first.path() if "first_frame" in shown else None,
            last_frame=self.last.path() if "last_frame" in shown else None,
            shots=shots,
            width=size[0] if size else None,
            height=size[1] if size else None,
            resolution=self.settings.resolution(),
            cfg_scale=self.settings.cfg_value(),
            reference_images=tuple(z.paths("reference_images")),
            reference_videos=tuple(z.paths("reference_videos")),
            reference_voices=tuple(z.paths("reference_voices")),
            input_video=next(iter(z.paths("input_video")), None),
            input_audio=next(iter(z.paths("input_audio")), None),
            input_image=z.portrait.path() if "input_image" in shown else None,
            number_results=self.settings.count.value() if "number_results" in shown else 1,
        )
        settings = self.settings.settings()
        sound = settings.pop("sound", None)
        workflow = choose_workflow(req, spec)
        duration = None if shots else self.settings.duration()
        settings = {k: v for k, v in settings.items() if _applies(spec, k, req, workflow)}
        sound = bool(sound) if sound and _applies(spec, "sound", req, workflow) else None
        return req.model_copy(update={"duration": duration, "sound": sound, "settings": settings})

    def refresh(self) -> None:
        spec = self.spec
        if spec is None:
            return
        req = self.current_request()
        workflow = choose_workflow(req, spec)
        self.workflow_label.setText(workflow.label)
        self.settings.set_workflow(workflow)
        shots = self.timeline.shots() if self.groups["shots"].isVisibleTo(self) else ()
        self.settings.set_shots_total(sum(s.duration for s in shots) if shots else None)
        req = self.current_request()
        messages = [p.message for p in problems_for(req)]
        messages += [
            m
            for m in (self.first.problem(), self.last.problem())
            if m and (self.first.isVisible() or self.last.isVisible())
        ]
        messages += self.zones.problems()
        if not messages and self._request_problem is not None:
            if problem := self._request_problem(self.settings.provider_name(), req):
                messages.append(f"provider: {problem}")
        self.problems.setText("\n".join(f"• {m}" for m in dict.fromkeys(messages)))
        from kling_desktop.core.validation import resolve

        seconds = resolve(req).duration if not problems_for(req) else req.duration
        self.settings.show_cost(seconds, bool(req.sound), req.number_results)

    def problem_messages(self) -> list[str]:
        return [m[2:] for m in self.problems.text().split("\n") if m]

    def generate(self) -> None:
        self.refresh()
        busy = self.first.busy or self.last.busy or self.zones.busy()
        if self.problem_messages() or busy or self.spec is None:
            if busy:
                self.problems.setText("• Still checking the inputs; try again in a moment.")
            return
        self.generate_requested.emit(self.current_request(), self.settings.provider_name())

    # ---- loading (Remix, Continue from last frame, Animate this) ----------------------------------------
    def load_request(self, req: GenerationRequest) -> None:
        self.set_model(req.model)
        self.prompt.set_text(req.prompt)
        self.negative.set_text(req.negative_prompt)
        self.first.set_path(req.first_frame)
        self.last.set_path(req.last_frame)
        if req.shots:
            self.timeline.set_shots(req.shots)
        self.zones.load(req)
        self.settings.load(req)
        self.refresh()

    def set_first_frame(self, path: str) -> None:
        if self.spec is None or "first_frame" not in visible_fields(self.spec):
            self.set_model("klingai:kling-video@3-pro")
        self.first.set_path(path)

    def swap_frames(self) -> None:
        first, last = self.first.path(), self.last.path()
        self.first.set_path(last)
        self.last.set_path(first)


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
