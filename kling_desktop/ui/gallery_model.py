"""The gallery's list model: a thin adapter over the library store that scales to 100,000 clips.

- Rows arrive a page at a time through Qt's ``canFetchMore``/``fetchMore`` as the view scrolls; each page is a
  keyset query (the cursor of the previous page's last row), so the last page costs what the first does.
- Only a bounded window of pages stays loaded (least recently used pages are dropped and read again, from the
  cursor they started at, when they come back into view), so memory does not grow with the library.
- Queries and thumbnail decoding run on pool threads; ``data()`` reads memory only and asks for what is missing.
- A search is debounced while the artist types, and a query that a newer one replaces is cancelled.

Why PySide6 is pinned to 6.11.3: 6.12.0 on Python 3.11 drops one reference to ``None`` each time Python calls
a C++ method that returns void (``label.clear()``, ``setWordWrap(True)``, ``super().fetchMore(...)``): measured
-1 per call, ``True``/``False`` untouched, and the interpreter aborts in ``none_dealloc`` after about 5,200 such
calls. Overrides that C++ calls (``fetchMore`` or ``canFetchMore`` called by the view) lose nothing (2,000
``timerEvent`` calls from the event loop: no loss). Python 3.12 made ``None`` immortal, so 6.12.0 runs there.
Paging through ``canFetchMore``/``fetchMore`` is therefore sound on the pinned 6.11.3; the tests check the model
(``fetchMore`` included) with pytest-qt's model tester.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, overload

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QImage, QPixmap

from kling_desktop.library.lru import SizeCappedLRU
from kling_desktop.library.query import Cancel, QueryCancelled
from kling_desktop.library.records import Clip, ClipFilter, Cursor
from kling_desktop.library.store import LibraryStore
from kling_desktop.library.thumbs import THUMB_SIZE, scrub_strip, thumbnail
from kling_desktop.ui.workers import run_in_thread

PAGE = 120  # rows per query
MAX_PAGES = 8  # pages kept loaded at most (the window of rows in memory)
DEBOUNCE_MS = 250  # a search waits this long after the last key press
CLIP_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class GalleryModel(QAbstractListModel):
    loaded = Signal()  # a query (first page) arrived
    failed = Signal(str)  # a query could not be read: a sentence for the artist

    def __init__(
        self,
        store: LibraryStore,
        thumb_dir: Path,
        cache_bytes: int = 96 * 1024 * 1024,
        parent: Any = None,
        *,
        page_size: int = PAGE,
        max_pages: int = MAX_PAGES,
        debounce_ms: int = DEBOUNCE_MS,
        device_pixel_ratio: float | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.thumb_dir = store, thumb_dir
        # Thumbnails are made at the size tiles are drawn in device pixels, so they stay sharp at 200 %.
        if device_pixel_ratio is None:
            app = QGuiApplication.instance()
            device_pixel_ratio = app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0
        ratio = max(1.0, device_pixel_ratio)
        self.thumb_size = (round(THUMB_SIZE[0] * ratio), round(THUMB_SIZE[1] * ratio))
        self.page_size, self.max_pages = page_size, max(2, max_pages)
        self.total = 0
        self.filter, self.order = ClipFilter(), "newest"
        self.pixmaps: SizeCappedLRU[str, QPixmap] = SizeCappedLRU(
            cache_bytes, lambda p: p.width() * p.height() * 4
        )
        self.strips: SizeCappedLRU[str, QPixmap] = SizeCappedLRU(
            cache_bytes // 2, lambda p: p.width() * p.height() * 4
        )
        self._pending: set[str] = set()
        self.thumb_requests = 0
        self.queries_run = 0  # first-page queries started (a debounced search runs one)
        # paging state: page p starts after cursor _starts[p], holds _sizes[p] rows from row _offsets[p]
        self._rows = 0
        self._starts: list[Cursor | None] = []
        self._sizes: list[int] = []
        self._offsets: list[int] = []
        self._pages: OrderedDict[int, list[Clip]] = OrderedDict()
        self._row_of: dict[str, int] = {}
        self._reloading: set[int] = set()
        self._next_after: Cursor | None = None
        self._fetching = False
        self._query_id = 0
        self._cancel = Cancel()
        self._queued: tuple[ClipFilter, str] | None = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self._run_queued)

    # ---- Qt model API -----------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self._rows

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        clip = self.clip_at(index.row(), load=True)
        if clip is None:
            return None
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

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        """Drag clips out as files under readable names (a hard link in the library, no data copied)."""
        mime = QMimeData()
        clips = [c for i in indexes if i.isValid() and (c := self.clip_at(i.row())) is not None]
        urls = [QUrl.fromLocalFile(str(self.store.readable_link(c))) for c in clips]
        mime.setUrls(list(dict.fromkeys(urls)))
        return mime

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.CopyAction

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        return not parent.isValid() and self._rows < self.total and not self._fetching

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        """Read the next page after the last row shown (off the GUI thread); rows are appended when it lands."""
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        qid, f, sort, after, cancel = self._query_id, self.filter, self.order, self._next_after, self._cancel
        size = self.page_size
        run_in_thread(
            lambda: self.store.query(f, sort, after=after, limit=size, cancel=cancel),
            lambda r, e: self._appended(qid, after, r, e),
            self,
        )

    # the view of earlier releases pulled pages itself; these keep that call working
    def can_load_more(self) -> bool:
        return self.canFetchMore(QModelIndex())

    def load_more(self) -> None:
        self.fetchMore(QModelIndex())

    def _appended(self, qid: int, after: Cursor | None, clips: Any, error: Exception | None) -> None:
        if qid != self._query_id:
            return
        if error is not None or not clips:
            if not clips and error is None:  # the library shrank since the count: stop asking
                self.total = self._rows
            self._fetching = False
            return
        # still "fetching" until the rows are in: a view or tester may ask for more from inside the signals
        page, first = len(self._starts), self._rows
        self.beginInsertRows(QModelIndex(), first, first + len(clips) - 1)
        self._starts.append(after)
        self._sizes.append(len(clips))
        self._offsets.append(first)
        self._put_page(page, clips)
        self._rows += len(clips)
        self._next_after = self.store.cursor(clips[-1], self.order)
        self.endInsertRows()
        self._fetching = False

    # ---- the window of loaded pages ----------------------------------------------------------------------
    def clip_at(self, row: int, *, load: bool = False) -> Clip | None:
        """The clip shown at ``row`` if its page is in memory; with ``load``, start reading it if not."""
        if not 0 <= row < self._rows:
            return None
        page = bisect_right(self._offsets, row) - 1
        clips = self._pages.get(page)
        if clips is None:
            if load:
                self._reload(page)
            return None
        self._pages.move_to_end(page)
        i = row - self._offsets[page]
        return clips[i] if i < len(clips) else None

    @property
    def loaded_rows(self) -> int:
        return sum(len(c) for c in self._pages.values())

    @property
    def clips(self) -> _LoadedRows:
        """Row → clip for rows in memory (``None`` for the others)."""
        return _LoadedRows(self)

    def row_of(self, clip_id: str) -> int:
        return self._row_of.get(clip_id, -1)

    def _put_page(self, page: int, clips: list[Clip]) -> None:
        self._pages[page] = clips
        self._pages.move_to_end(page)
        first = self._offsets[page]
        self._row_of.update((c.id, first + i) for i, c in enumerate(clips))
        while len(self._pages) > self.max_pages:
            old, dropped = self._pages.popitem(last=False)
            for c in dropped:
                self._row_of.pop(c.id, None)

    def _reload(self, page: int) -> None:
        if page in self._reloading:
            return
        self._reloading.add(page)
        qid, f, sort, cancel = self._query_id, self.filter, self.order, self._cancel
        after, size = self._starts[page], self._sizes[page]
        run_in_thread(
            lambda: self.store.query(f, sort, after=after, limit=size, cancel=cancel),
            lambda r, e: self._reloaded(qid, page, r, e),
            self,
        )

    def _reloaded(self, qid: int, page: int, clips: Any, error: Exception | None) -> None:
        if qid != self._query_id:
            return
        self._reloading.discard(page)
        if error is not None or page >= len(self._sizes):
            return
        self._put_page(page, list(clips)[: self._sizes[page]])
        first = self._offsets[page]
        last = first + max(0, self._sizes[page] - 1)
        self.dataChanged.emit(self.index(first), self.index(last))

    # ---- queries ----------------------------------------------------------------------------------------
    def set_query(self, f: ClipFilter, sort: str = "newest") -> None:
        """Show the clips matching ``f``. A change of the search text alone waits ``debounce_ms`` for the
        next key press; whatever query is running is cancelled at once (its answer is stale)."""
        text_only = self.queries_run > 0 and sort == self.order and f != self.filter
        text_only = text_only and replace(self.filter, text=f.text) == f
        self._query_id += 1
        self._cancel.set()
        self._cancel = Cancel()
        self._queued = (f, sort)
        if text_only and self._debounce.interval() > 0:
            self._debounce.start()
        else:
            self._debounce.stop()
            self._run_queued()

    def refresh(self) -> None:
        self.set_query(self.filter, self.order)

    def _run_queued(self) -> None:
        if self._queued is None:
            return
        f, sort = self._queued
        self._queued = None
        self.filter, self.order = f, sort
        self.queries_run += 1
        qid, cancel, size = self._query_id, self._cancel, self.page_size
        run_in_thread(
            lambda: (
                self.store.count(f, cancel=cancel),
                self.store.query(f, sort, limit=size, cancel=cancel),
            ),
            lambda r, e: self._first(qid, r, e),
            self,
        )

    def _first(self, qid: int, result: Any, error: Exception | None) -> None:
        if qid != self._query_id or isinstance(error, QueryCancelled):
            return
        total, clips = result if error is None else (0, [])
        if error is not None:
            self.failed.emit(f"The library could not be read: {error}")
        self.beginResetModel()
        self.total, self._rows = total, len(clips)
        self._starts, self._sizes, self._offsets = [None], [len(clips)], [0]
        self._pages.clear()
        self._row_of.clear()
        self._reloading.clear()
        self._put_page(0, clips)
        self._next_after = self.store.cursor(clips[-1], self.order) if clips else None
        self._fetching = False
        self.endResetModel()
        self.loaded.emit()

    def replace_clip(self, clip: Clip) -> None:
        row = self.row_of(clip.id)
        if row < 0:
            return
        page = bisect_right(self._offsets, row) - 1
        self._pages[page][row - self._offsets[page]] = clip
        self.dataChanged.emit(self.index(row), self.index(row))

    def remove_ids(self, ids: list[str]) -> None:
        for clip_id in ids:
            row = self.row_of(clip_id)
            if row < 0:
                continue
            page = bisect_right(self._offsets, row) - 1
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._pages[page][row - self._offsets[page]]
            self._sizes[page] -= 1
            for p in range(page + 1, len(self._offsets)):
                self._offsets[p] -= 1
            del self._row_of[clip_id]
            for cid, r in self._row_of.items():
                if r > row:
                    self._row_of[cid] = r - 1
            self._rows -= 1
            self.total -= 1
            self.endRemoveRows()

    # ---- thumbnails (off the GUI thread, into a size-capped cache) ---------------------------------------
    def _request_thumb(self, clip: Clip) -> None:
        if clip.id in self._pending:
            return
        self._pending.add(clip.id)
        self.thumb_requests += 1
        path, cache, size = Path(clip.path), self.thumb_dir, self.thumb_size

        def load() -> QImage:
            return QImage(str(thumbnail(path, cache, size)))

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


class _LoadedRows(Sequence[Clip | None]):
    """A read-only view of the model's rows: the clip where its page is in memory, else ``None``."""

    def __init__(self, model: GalleryModel) -> None:
        self._model = model

    def __len__(self) -> int:
        return self._model.rowCount()

    @overload
    def __getitem__(self, row: int) -> Clip | None: ...
    @overload
    def __getitem__(self, row: slice) -> list[Clip | None]: ...
    def __getitem__(self, row: int | slice) -> Clip | None | list[Clip | None]:
        if isinstance(row, slice):
            return [self._model.clip_at(r) for r in range(*row.indices(len(self)))]
        if not -len(self) <= row < len(self):
            raise IndexError(row)
        return self._model.clip_at(row % len(self))

    def __iter__(self) -> Iterator[Clip | None]:
        return (self._model.clip_at(r) for r in range(len(self)))
