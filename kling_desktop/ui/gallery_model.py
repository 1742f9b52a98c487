"""The gallery's list model: a thin, lazily paged adapter over the library store.

Queries and thumbnail decoding run on pool threads; ``data()`` reads memory only and asks for what is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QImage, QPixmap

from kling_desktop.library.lru import SizeCappedLRU
from kling_desktop.library.records import Clip, ClipFilter
from kling_desktop.library.store import LibraryStore
from kling_desktop.library.thumbs import scrub_strip, thumbnail
from kling_desktop.ui.workers import run_in_thread

PAGE = 120
CLIP_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class GalleryModel(QAbstractListModel):
    loaded = Signal()  # a query (first page) arrived

    def __init__(
        self, store: LibraryStore, thumb_dir: Path, cache_bytes: int = 96 * 1024 * 1024, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.store, self.thumb_dir = store, thumb_dir
        self.clips: list[Clip] = []
        self.total = 0
        self.filter, self.sort = ClipFilter(), "newest"
        self.pixmaps: SizeCappedLRU[str, QPixmap] = SizeCappedLRU(
            cache_bytes, lambda p: p.width() * p.height() * 4
        )
        self.strips: SizeCappedLRU[str, QPixmap] = SizeCappedLRU(
            cache_bytes // 2, lambda p: p.width() * p.height() * 4
        )
        self._pending: set[str] = set()
        self._query_id = 0
        self._fetching = False
        self.thumb_requests = 0

    # ---- Qt model API -----------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.clips)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.clips):
            return None
        clip = self.clips[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return clip.title or Path(clip.path).name
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{clip.title}\n{clip.model_name or clip.source}\n{clip.path}"
        if role == Qt.ItemDataRole.DecorationRole:
            pix = self.pixmaps.get(clip.id)
            if pix is None:
                self._request_thumb(clip)
            return pix
        if role == CLIP_ROLE:
            return clip
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return ["text/uri-list"]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # noqa: N802
        """Drag a clip out as a file: to a file manager or an editor."""
        mime = QMimeData()
        urls = [QUrl.fromLocalFile(self.clips[i.row()].path) for i in indexes if i.isValid()]
        mime.setUrls(list(dict.fromkeys(urls)))
        return mime

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.CopyAction

    # Paging is driven by the view's scroll position (GalleryView), not by Qt's canFetchMore/fetchMore
    # virtuals: PySide6 6.12 mis-counts references to the bools a Python override of canFetchMore returns,
    # which crashes the interpreter at exit after many calls.
    def can_load_more(self) -> bool:
        return len(self.clips) < self.total and not self._fetching

    def load_more(self) -> None:
        if not self.can_load_more():
            return
        self._fetching = True
        qid, offset, f, sort = self._query_id, len(self.clips), self.filter, self.sort
        run_in_thread(
            lambda: self.store.query(f, sort, offset, PAGE), lambda r, e: self._more(qid, r, e), self
        )

    def _more(self, qid: int, clips: Any, error: Exception | None) -> None:
        self._fetching = False
        if qid != self._query_id or error is not None or not clips:
            return
        first = len(self.clips)
        self.beginInsertRows(QModelIndex(), first, first + len(clips) - 1)
        self.clips.extend(clips)
        self.endInsertRows()

    # ---- queries ----------------------------------------------------------------------------------------
    def set_query(self, f: ClipFilter, sort: str = "newest") -> None:
        self._query_id += 1
        self.filter, self.sort = f, sort
        qid = self._query_id
        run_in_thread(
            lambda: (self.store.count(f), self.store.query(f, sort, 0, PAGE)),
            lambda r, e: self._first(qid, r, e),
            self,
        )

    def refresh(self) -> None:
        self.set_query(self.filter, self.sort)

    def _first(self, qid: int, result: Any, error: Exception | None) -> None:
        if qid != self._query_id:
            return
        self.beginResetModel()
        self.total, self.clips = result if error is None else (0, [])
        self._fetching = False
        self.endResetModel()
        self.loaded.emit()

    def row_of(self, clip_id: str) -> int:
        return next((i for i, c in enumerate(self.clips) if c.id == clip_id), -1)

    def replace_clip(self, clip: Clip) -> None:
        row = self.row_of(clip.id)
        if row >= 0:
            self.clips[row] = clip
            self.dataChanged.emit(self.index(row), self.index(row))

    def remove_ids(self, ids: list[str]) -> None:
        for clip_id in ids:
            row = self.row_of(clip_id)
            if row >= 0:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.clips[row]
                self.total -= 1
                self.endRemoveRows()

    # ---- thumbnails (off the GUI thread, into a size-capped cache) ---------------------------------------
    def _request_thumb(self, clip: Clip) -> None:
        if clip.id in self._pending:
            return
        self._pending.add(clip.id)
        self.thumb_requests += 1
        path, cache = Path(clip.path), self.thumb_dir

        def load() -> QImage:
            return QImage(str(thumbnail(path, cache)))

        run_in_thread(load, lambda img, e: self._thumb_ready(clip.id, img, e), self)

    def _thumb_ready(self, clip_id: str, image: Any, error: Exception | None) -> None:
        self._pending.discard(clip_id)
        pix = (
            QPixmap.fromImage(image)
            if error is None and isinstance(image, QImage) and not image.isNull()
            else QPixmap()
        )
        if pix.isNull():
            pix = QPixmap(1, 1)
            pix.fill(Qt.GlobalColor.darkGray)
        self.pixmaps.put(clip_id, pix)
        row = self.row_of(clip_id)
        if row >= 0:
            self.dataChanged.emit(self.index(row), self.index(row), [Qt.ItemDataRole.DecorationRole])

    def scrub(self, clip: Clip, on_ready: Any) -> QPixmap | None:
        """The hover-scrub strip if cached; otherwise start loading it and call ``on_ready`` later."""
        pix = self.strips.get(clip.id)
        if pix is not None or clip.kind != "video" or f"s:{clip.id}" in self._pending:
            return pix
        self._pending.add(f"s:{clip.id}")
        path, cache = Path(clip.path), self.thumb_dir

        def done(img: Any, error: Exception | None) -> None:
            self._pending.discard(f"s:{clip.id}")
            if error is None and isinstance(img, QImage) and not img.isNull():
                self.strips.put(clip.id, QPixmap.fromImage(img))
                on_ready()

        run_in_thread(lambda: QImage(str(scrub_strip(path, cache))), done, self)
        return None
