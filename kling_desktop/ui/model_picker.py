"""Model picker: every catalog model grouped by family, searchable, with badges for what it does."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from kling_desktop.catalog.models import all_models, families, models_in
from kling_desktop.catalog.spec import ModelSpec

AIR_ROLE = Qt.ItemDataRole.UserRole + 1


class ModelPicker(QWidget):
    model_changed = Signal(str)  # AIR id

    def __init__(self, unsupported: dict[str, str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(placeholderText="Search models, e.g. “multi-shot” or “2.1 pro”")
        self.search.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(2)
        self.tree.setRootIsDecorated(True)
        self.tree.setMinimumHeight(170)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.summary = QLabel(objectName="hint", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        layout.addWidget(self.summary)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._unsupported = unsupported or {}
        self._build()
        self.search.textChanged.connect(self._filter)
        self.tree.currentItemChanged.connect(self._picked)

    def _build(self) -> None:
        for family in families():
            group = QTreeWidgetItem([family, ""])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(group)
            for spec in models_in(family):
                item = QTreeWidgetItem([spec.tier or spec.name, " · ".join(spec.badges)])
                item.setData(0, AIR_ROLE, spec.air_id)
                item.setToolTip(0, f"{spec.name}\n{spec.air_id}\n{spec.description}")
                item.setToolTip(1, item.toolTip(0))
                group.addChild(item)
                self._items[spec.air_id] = item
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)

    def _search_text(self, spec: ModelSpec) -> str:
        return " ".join(
            [spec.name, spec.air_id, spec.family, spec.tier, *spec.badges, *(w.label for w in spec.workflows)]
        ).lower()

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        by_id = {m.air_id: m for m in all_models()}
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            if group is None:
                continue
            visible = 0
            for j in range(group.childCount()):
                item = group.child(j)
                if item is None:
                    continue
                hay = self._search_text(by_id[item.data(0, AIR_ROLE)])
                hide = not all(w in hay for w in words)
                item.setHidden(hide)
                visible += not hide
            group.setHidden(visible == 0)

    def _picked(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        air = current.data(0, AIR_ROLE) if current else None
        if air:
            self.model_changed.emit(air)

    def select(self, air_id: str) -> None:
        item = self._items.get(air_id)
        if item is not None:
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)

    def current(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, AIR_ROLE) if item else None

    def describe(self, spec: ModelSpec) -> None:
        self.summary.setText(f"<b>{spec.name}</b> — {spec.description}")
