"""The mode bar: one tab per workflow the selected model supports (from the catalog), and one line that says
what the chosen mode does. The chosen mode is part of the request; the catalog's rules still decide validity."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QTabBar, QVBoxLayout, QWidget

from kling_desktop.catalog.spec import ModelSpec, Workflow
from kling_desktop.core.form_fields import mode_help, mode_title


class ModeBar(QWidget):
    mode_changed = Signal(object)  # Workflow

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs = QTabBar(expanding=False, drawBase=False, usesScrollButtons=False)
        self.tabs.setElideMode(self.tabs.elideMode().ElideNone)
        self.help = QLabel(objectName="hint", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        layout.addWidget(self.help)
        self._modes: tuple[Workflow, ...] = ()
        self._spec: ModelSpec | None = None
        self.tabs.currentChanged.connect(self._picked)

    def set_modes(self, spec: ModelSpec, current: Workflow) -> None:
        self._spec, self._modes = spec, spec.workflows
        self.tabs.blockSignals(True)
        while self.tabs.count():
            self.tabs.removeTab(0)
        for wf in spec.workflows:
            i = self.tabs.addTab(mode_title(spec, wf))
            self.tabs.setTabToolTip(i, mode_help(spec, wf))
        self.tabs.setCurrentIndex(self._modes.index(current))
        self.tabs.blockSignals(False)
        self.tabs.setVisible(len(self._modes) > 1)
        self.help.setText(self._describe(current))

    def _describe(self, wf: Workflow) -> str:
        assert self._spec is not None
        title = mode_title(self._spec, wf)
        return f"{title}: {mode_help(self._spec, wf)}" if len(self._modes) == 1 else mode_help(self._spec, wf)

    def current(self) -> Workflow | None:
        i = self.tabs.currentIndex()
        return self._modes[i] if 0 <= i < len(self._modes) else None

    def select(self, wf: Workflow) -> None:
        if wf in self._modes and self.current() != wf:
            self.tabs.setCurrentIndex(self._modes.index(wf))

    def titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def _picked(self, index: int) -> None:
        if 0 <= index < len(self._modes):
            self.help.setText(self._describe(self._modes[index]))
            self.mode_changed.emit(self._modes[index])
