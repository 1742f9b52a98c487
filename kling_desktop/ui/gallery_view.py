"""The gallery grid: a QListView in icon mode with hover-scrub and drag-out."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QSize
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from kling_desktop.ui.gallery_delegate import TILE, GalleryDelegate
from kling_desktop.ui.gallery_model import CLIP_ROLE, GalleryModel


class GalleryView(QListView):
    def __init__(self, model: GalleryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gallery = model
        self.setModel(model)
        self.delegate = GalleryDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setGridSize(TILE + QSize(4, 4))
        self.setSpacing(2)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setMouseTracking(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(200)
        self.verticalScrollBar().valueChanged.connect(self._near_end)
        model.loaded.connect(self._near_end)
        model.rowsInserted.connect(self._near_end)

    def _near_end(self, *_: object) -> None:
        """Load the next page when the last screenful comes into view (or the first page does not fill it)."""
        bar = self.verticalScrollBar()
        if bar.maximum() - bar.value() <= self.viewport().height() * 2:
            self.gallery.load_more()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseMoveEvent(event)
        index = self.indexAt(event.position().toPoint())
        self._hover(index, event.position().x())

    def _hover(self, index: QModelIndex, x: float) -> None:
        d = self.delegate
        if not index.isValid():
            if d.hover_row != -1:
                d.hover_row, d.hover_strip = -1, None
                self.viewport().update()
            return
        rect = self.visualRect(index)
        d.hover_fraction = min(0.999, max(0.0, (x - rect.left()) / max(1, rect.width())))
        if d.hover_row != index.row():
            row = index.row()
            d.hover_row = row
            d.hover_strip = self.gallery.scrub(index.data(CLIP_ROLE), lambda: self._strip_ready(row))
        self.viewport().update(rect)

    def _strip_ready(self, row: int) -> None:
        clip = self.gallery.clip_at(row)
        if self.delegate.hover_row == row and clip is not None:
            self.delegate.hover_strip = self.gallery.strips.get(clip.id)
            self.viewport().update()

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802
        super().leaveEvent(event)
        self._hover(QModelIndex(), 0)
