"""Per-model settings: duration, size, resolution, CFG, provider settings, provider choice and cost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QSpinBox, QWidget

from kling_desktop.catalog.pricing import estimate_cost
from kling_desktop.catalog.spec import DimensionMode, Durations, ModelSpec, ProviderSetting, Workflow
from kling_desktop.providers.registry import descriptors

_UNSET = object()
# Words for the provider's raw choice values (the request keeps the raw value).
CHOICE_LABELS = {
    "customize": "Custom (your shots as written)",
    "intelligence": "Automatic (the model plans the cuts)",
    "image": "As in the image",
    "video": "As in the reference video",
}
ProviderReason = Callable[[str, ModelSpec], "str | None"]


class SettingsPanel(QWidget):
    changed = Signal()
    default_provider = "local"  # the window sets Settings.default_provider here

    def __init__(self, provider_reason: ProviderReason, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.provider_reason = provider_reason
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.duration_combo = QComboBox()
        # Typed values stay as typed; an out-of-range one gets a message at the field (the request's check).
        self.duration_spin = QSpinBox(suffix=" s", minimum=1, maximum=99, keyboardTracking=False)
        self.duration_error = QLabel(objectName="error", wordWrap=True)
        self.duration_note = QLabel(objectName="hint")
        self.size_combo = QComboBox()
        self.size_note = QLabel(objectName="hint")
        self.resolution_combo = QComboBox()
        self.cfg = QDoubleSpinBox(decimals=2, singleStep=0.05)
        self.count = QSpinBox(minimum=1, maximum=4)
        self.provider = QComboBox()
        self.cost = QLabel(objectName="hint", wordWrap=True)
        for label, w in (
            ("Duration", self.duration_combo),
            ("Duration", self.duration_spin),
            ("", self.duration_note),
            ("", self.duration_error),
            ("Size", self.size_combo),
            ("Size", self.size_note),
            ("Resolution", self.resolution_combo),
            ("CFG scale", self.cfg),
            ("Images", self.count),
        ):
            self.form.addRow(label, w)
        self._setting_widgets: dict[str, QWidget] = {}
        self.form.addRow("Provider", self.provider)
        self.form.addRow("", self.cost)
        for sig in (
            self.duration_combo.currentIndexChanged,
            self.duration_spin.valueChanged,
            self.size_combo.currentIndexChanged,
            self.resolution_combo.currentIndexChanged,
            self.cfg.valueChanged,
            self.count.valueChanged,
            self.provider.currentIndexChanged,
        ):
            sig.connect(self.changed)
        self._durations: object = _UNSET
        self._chosen_duration: float | None = None
        self.duration_combo.activated.connect(lambda _i: self._remember_duration())
        self.duration_spin.valueChanged.connect(lambda _v: self._remember_duration())
        self.spec: ModelSpec | None = None

    def _remember_duration(self) -> None:
        self._chosen_duration = self.duration()

    def show_duration_error(self, message: str | None) -> None:
        self.duration_error.setText(message or "")
        self._show(self.duration_error, bool(message))

    def _show(self, widget: QWidget, shown: bool) -> None:
        widget.setVisible(shown)
        label = self.form.labelForField(widget)
        if label is not None:
            label.setVisible(shown)

    # ---- reshaping --------------------------------------------------------------------------------------
    def set_model(self, spec: ModelSpec, workflow: Workflow) -> None:
        self.spec = spec
        self.blockSignals(True)
        self._durations = _UNSET  # always reconfigure the duration controls for a new model
        self.set_workflow(workflow)
        self.resolution_combo.clear()
        self.resolution_combo.addItem("From the size above", None)
        for r in spec.resolutions:
            self.resolution_combo.addItem(r.upper(), r)
        self._show(self.resolution_combo, bool(spec.resolutions))
        self._show(self.cfg, spec.cfg is not None)
        if spec.cfg:
            self.cfg.setRange(spec.cfg.min, spec.cfg.max)
            self.cfg.setValue(spec.cfg.default)
        self._show(self.count, spec.kind.value == "image")
        self._build_settings(spec)
        current = self.provider.currentData() or self.default_provider
        self.provider.clear()
        for name, label in ((d.name, d.label) for d in descriptors()):
            reason = self.provider_reason(name, spec)
            self.provider.addItem(label if not reason else f"{label} — unavailable", name)
            model = self.provider.model()
            item = model.item(self.provider.count() - 1) if isinstance(model, QStandardItemModel) else None
            if item is not None:  # a combo box's own model is a QStandardItemModel
                item.setEnabled(reason is None)
                item.setToolTip(reason or "")
        index = self.provider.findData(current)
        self.provider.setCurrentIndex(
            index if index >= 0 and self.provider_reason(current, spec) is None else 0
        )
        self.blockSignals(False)

    def set_workflow(self, workflow: Workflow) -> None:
        """Duration and size follow the workflow the inputs select."""
        spec = self.spec
        if spec is None:
            return
        durations = spec.durations_for(workflow)
        if durations != self._durations:
            self._durations = durations
            self._configure_duration(durations, workflow)
        mode = spec.dimension_mode(workflow)
        explicit = mode in (
            DimensionMode.REQUIRED,
            DimensionMode.OPTIONAL,
            DimensionMode.OPTIONAL_OR_RESOLUTION,
        )
        previous = self.size_combo.currentData()
        self.size_combo.blockSignals(True)
        self.size_combo.clear()
        if mode is DimensionMode.OPTIONAL:
            self.size_combo.addItem("Automatic (nearest to the first frame)", None)
        if mode is DimensionMode.OPTIONAL_OR_RESOLUTION:
            self.size_combo.addItem("Match the first reference (pick a resolution)", None)
        for d in spec.dimensions:
            self.size_combo.addItem(d.label, (d.width, d.height))
        if previous is not None and (i := _find(self.size_combo, previous)) >= 0:
            self.size_combo.setCurrentIndex(i)
        self.size_combo.blockSignals(False)
        self._show(self.size_combo, explicit and bool(spec.dimensions))
        source = {
            DimensionMode.MATCH_INPUT: "the input video",
            DimensionMode.INFERRED: ("the portrait" if workflow is Workflow.AVATAR else "the first frame"),
        }.get(mode)
        self.size_note.setText(f"From {source}" if source else "")
        self._show(self.size_note, source is not None and spec.kind.value == "video")

    def set_shots_total(self, total: float | None) -> None:
        """With shots, their durations set the length: the duration control gives way to a note."""
        d = self._durations if isinstance(self._durations, Durations) else None
        if total is None:
            self._show(self.duration_combo, bool(d and d.values))
            self._show(self.duration_spin, bool(d and not d.values))
            if self.duration_note.text().startswith("Set by the shots"):
                self.duration_note.setText("")
                self._show(self.duration_note, False)
            return
        self._show(self.duration_combo, False)
        self._show(self.duration_spin, False)
        self.duration_note.setText(f"Set by the shots: {total:g} s")
        self._show(self.duration_note, True)

    def _configure_duration(self, d: Durations | None, workflow: Workflow) -> None:
        self._show(self.duration_combo, bool(d and d.values))
        self._show(self.duration_spin, bool(d and not d.values))
        note = ""
        if d is None and self.spec and self.spec.kind.value == "video":
            note = "Follows the input audio" if workflow is Workflow.AVATAR else "Follows the input video"
        self.duration_note.setText(note)
        self._show(self.duration_note, bool(note))
        if d and d.values:
            self.duration_combo.clear()
            for v in d.values:
                self.duration_combo.addItem(f"{v:g} s", v)
            self.duration_combo.setCurrentIndex(max(0, self.duration_combo.findData(d.default)))
            if (i := self.duration_combo.findData(self._chosen_duration)) >= 0:
                self.duration_combo.setCurrentIndex(i)  # the artist's choice survives a mode switch
        elif d:
            chosen = self._chosen_duration
            self.duration_spin.blockSignals(True)  # a programmatic value is not the artist's choice
            self.duration_spin.setValue(int(chosen if chosen is not None and d.allows(chosen) else d.default))
            self.duration_spin.blockSignals(False)

    def _build_settings(self, spec: ModelSpec) -> None:
        for w in self._setting_widgets.values():
            self.form.removeRow(w)
        self._setting_widgets.clear()
        for s in spec.provider_settings:
            if s.type == "shots":
                continue
            w = _setting_widget(s)
            w.setToolTip(s.help)
            self.form.insertRow(self.form.rowCount() - 2, s.label, w)
            w.show()  # the panel may already be visible: show now, not on the next event-loop turn
            self._setting_widgets[s.name] = w
            sig = {"bool": "toggled", "choice": "currentIndexChanged", "float": "valueChanged"}[s.type]
            getattr(w, sig).connect(self.changed)

    # ---- reading ----------------------------------------------------------------------------------------
    def duration(self) -> float | None:
        if self.duration_combo.isVisibleTo(self):
            return self.duration_combo.currentData()
        if self.duration_spin.isVisibleTo(self):
            return float(self.duration_spin.value())
        return None

    def chosen_size(self) -> tuple[int, int] | None:  # not size(): that is QWidget's own
        return self.size_combo.currentData() if self.size_combo.isVisibleTo(self) else None

    def resolution(self) -> str | None:
        return self.resolution_combo.currentData() if self.resolution_combo.isVisibleTo(self) else None

    def cfg_value(self) -> float | None:
        return self.cfg.value() if self.cfg.isVisibleTo(self) else None

    def settings(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, w in self._setting_widgets.items():
            if isinstance(w, QCheckBox):
                out[name] = w.isChecked()
            elif isinstance(w, QComboBox):
                out[name] = w.currentData()
            elif isinstance(w, QDoubleSpinBox):
                out[name] = w.value()
        return out

    def state(self) -> dict[str, Any]:
        """Every control's value, to put back with ``restore`` when the artist returns to this model."""
        return {
            "duration": self.duration(),
            "size": self.size_combo.currentData(),
            "resolution": self.resolution_combo.currentData(),
            "cfg": self.cfg.value(),
            "count": self.count.value(),
            "settings": self.settings(),
        }

    def restore(self, state: dict[str, Any]) -> None:
        self.blockSignals(True)
        duration = state.get("duration")
        if duration is not None:
            self._chosen_duration = duration
            if (i := self.duration_combo.findData(duration)) >= 0:
                self.duration_combo.setCurrentIndex(i)
            self.duration_spin.blockSignals(True)
            self.duration_spin.setValue(int(duration))
            self.duration_spin.blockSignals(False)
        size = state.get("size")
        if (i := _find(self.size_combo, tuple(size) if size else None)) >= 0:
            self.size_combo.setCurrentIndex(i)
        if (i := _find(self.resolution_combo, state.get("resolution"))) >= 0:
            self.resolution_combo.setCurrentIndex(i)
        if state.get("cfg") is not None:
            self.cfg.setValue(float(state["cfg"]))
        self.count.setValue(int(state.get("count") or 1))
        self._put_settings(state.get("settings") or {})
        self.blockSignals(False)

    def _put_settings(self, values: dict[str, Any]) -> None:
        for name, w in self._setting_widgets.items():
            if name not in values:
                continue
            if isinstance(w, QCheckBox):
                w.setChecked(bool(values[name]))
            elif isinstance(w, QComboBox):
                if (i := w.findData(values[name])) >= 0:
                    w.setCurrentIndex(i)
            elif isinstance(w, QDoubleSpinBox):
                w.setValue(float(values[name]))

    def load(self, req: Any) -> None:
        """Put a request's settings back into the controls (Remix)."""
        if req.duration is not None:
            if (i := self.duration_combo.findData(req.duration)) >= 0:
                self.duration_combo.setCurrentIndex(i)
            self.duration_spin.setValue(int(req.duration))
        if req.width and (i := _find(self.size_combo, (req.width, req.height))) >= 0:
            self.size_combo.setCurrentIndex(i)
        if req.resolution and (i := self.resolution_combo.findData(req.resolution)) >= 0:
            self.resolution_combo.setCurrentIndex(i)
        if req.cfg_scale is not None:
            self.cfg.setValue(req.cfg_scale)
        self.count.setValue(req.number_results)
        self._put_settings({**req.settings, "sound": bool(req.sound)})

    def show_fields(self, fields: set[str]) -> None:
        """Only the controls of the current mode are shown (the others keep their values)."""
        for name, w in self._setting_widgets.items():
            self._show(w, f"settings.{name}" in fields)
        self._show(self.resolution_combo, "resolution" in fields)
        self._show(self.cfg, "cfg_scale" in fields)
        self._show(self.count, "number_results" in fields)

    def setting_widget(self, name: str) -> QWidget | None:
        return self._setting_widgets.get(name)

    def provider_name(self) -> str:
        return self.provider.currentData() or "local"

    def show_cost(self, seconds: float | None, sound: bool, images: int) -> None:
        spec = self.spec
        if spec is None:
            return
        usd = estimate_cost(spec.price, seconds=seconds, sound=sound, images=images)
        cloud = "unknown until the input is read" if usd is None else f"≈ ${usd:.2f}"
        mark = " (estimate)" if spec.price and spec.price.estimate else ""
        if self.provider_name() == "local":
            self.cost.setText(f"Draft: free, on this computer. In the cloud: {cloud}{mark}.")
        else:
            self.cost.setText(f"Cost: {cloud}{mark}")


def _find(combo: QComboBox, value: object) -> int:
    """The index whose data equals ``value`` (QComboBox.findData cannot compare Python tuples or None)."""
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)


def _setting_widget(s: ProviderSetting) -> QWidget:
    if s.type == "bool":
        box = QCheckBox()
        box.setChecked(bool(s.default))
        return box
    if s.type == "choice":
        combo = QComboBox()
        for choice in s.choices:
            combo.addItem(CHOICE_LABELS.get(choice, choice.capitalize()), choice)
        if s.default in s.choices:
            combo.setCurrentIndex(combo.findData(s.default))
        return combo
    spin = QDoubleSpinBox(decimals=2, singleStep=0.1)
    spin.setRange(s.min if s.min is not None else 0.0, s.max if s.max is not None else 10.0)
    spin.setValue(float(s.default) if isinstance(s.default, int | float) else spin.minimum())
    return spin
