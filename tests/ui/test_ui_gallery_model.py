"""The gallery model at scale: fetchMore paging under Qt's model tester, a bounded window of loaded rows,
rows that match the library's order, a debounced search that cancels stale queries, and no I/O in data()."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from kling_desktop.library.records import Clip, ClipFilter
from kling_desktop.library.store import LibraryStore
from kling_desktop.ui.gallery_model import CLIP_ROLE, GalleryModel

ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.DecorationRole,
    CLIP_ROLE,
)


def _library(tmp_path: Path, n: int) -> LibraryStore:
    store = LibraryStore(tmp_path / "library.sqlite", tmp_path / "lib")
    store.add_many(
        Clip(
            id=f"c{i:05}",
            path=str(tmp_path / "elsewhere" / f"c{i}.mp4"),
            title=f"clip {i}" + (" harbour" if i % 10 == 0 else ""),
            prompt="harbour at dusk" if i % 10 == 0 else "a kite",
            created_at=f"2026-01-{1 + i % 28:02}T00:00:00",  # many ties on the sort key
        )
        for i in range(n)
    )
    return store


@pytest.fixture
def no_thumbnails(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    threads: list[str] = []

    def fake(path: Path, cache: Path, *a: object, **k: object) -> Path:
        threads.append(threading.current_thread().name)
        return cache / "missing.png"

    monkeypatch.setattr("kling_desktop.ui.gallery_model.thumbnail", fake)
    return threads


def _ids(model: GalleryModel) -> list[str | None]:
    return [(c.id if c is not None else None) for c in model.clips]


def _scroll_to_end(qtbot, model: GalleryModel, watch: list[int]) -> None:
    root = QModelIndex()
    while model.rowCount() < model.total:
        rows = model.rowCount()
        model.fetchMore(root)  # does nothing while a fetch (the model tester's, say) is under way
        qtbot.waitUntil(lambda: model.rowCount() > rows, timeout=10000)  # noqa: B023
        for r in range(rows, model.rowCount()):  # the view paints the new rows
            model.index(r).data(CLIP_ROLE)
        watch.append(model.loaded_rows)


def test_the_model_passes_qts_model_tester_while_fetching_more(
    qtbot, qtmodeltester, tmp_path: Path, no_thumbnails: list[str]
) -> None:
    store = _library(tmp_path, 300)
    model = GalleryModel(store, tmp_path / "thumbs", page_size=50, max_pages=3)
    with qtbot.waitSignal(model.loaded, timeout=10000):
        model.set_query(ClipFilter())
    assert (model.rowCount(), model.total) == (50, 300) and model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)  # it calls canFetchMore/fetchMore itself (and again on every insertion)
    qtbot.waitUntil(lambda: model.rowCount() > 50, timeout=10000)
    _scroll_to_end(qtbot, model, [])
    qtmodeltester.check(model)
    full = [c.id for c in store.query_all(ClipFilter(), "newest")]
    assert model.rowCount() == model.total == 300 and not model.canFetchMore(QModelIndex())
    assert [i for i in _ids(model) if i is not None] == [
        i for i, c in zip(full, model.clips, strict=True) if c is not None
    ]
    assert not model.canFetchMore(model.index(0))  # a list: no children to fetch


def test_rows_follow_the_library_order_and_only_a_window_stays_loaded(
    qtbot, tmp_path: Path, no_thumbnails: list[str]
) -> None:
    store = _library(tmp_path, 2000)
    full = [c.id for c in store.query_all(ClipFilter(), "newest")]
    model = GalleryModel(store, tmp_path / "thumbs", page_size=50, max_pages=4)
    with qtbot.waitSignal(model.loaded, timeout=10000):
        model.set_query(ClipFilter())
    loaded: list[int] = []
    _scroll_to_end(qtbot, model, loaded)
    assert model.rowCount() == model.total == 2000
    assert max(loaded) <= 4 * 50 and model.loaded_rows <= 200
    tail = _ids(model)[-200:]
    assert tail == full[-200:]  # the last pages are in memory, in the library's order
    assert _ids(model)[0] is None and model.row_of(full[0]) == -1  # the first page was let go
    assert model.row_of(full[-1]) == 1999  # the index of loaded rows is a dict, kept in step

    # scrolling back: data() asks for the page it lacks (off the GUI thread) and shows it when it lands
    assert model.index(0).data(CLIP_ROLE) is None
    qtbot.waitUntil(lambda: model.index(0).data(CLIP_ROLE) is not None, timeout=10000)
    assert _ids(model)[:50] == full[:50] and model.loaded_rows <= 200
    assert model.row_of(full[0]) == 0


def test_removing_rows_keeps_later_pages_in_step(qtbot, tmp_path: Path, no_thumbnails: list[str]) -> None:
    store = _library(tmp_path, 400)
    full = [c.id for c in store.query_all(ClipFilter(), "newest")]
    model = GalleryModel(store, tmp_path / "thumbs", page_size=50, max_pages=2)
    with qtbot.waitSignal(model.loaded, timeout=10000):
        model.set_query(ClipFilter())
    _scroll_to_end(qtbot, model, [])
    gone = [full[3], full[-2]]
    model.remove_ids([full[-2]])  # loaded: removed from the model at once
    store.delete(gone, trash=False)
    model.remove_ids([full[3]])  # not loaded: nothing to do in the model now
    assert model.rowCount() == 399 and model.row_of(full[-1]) == 398
    qtbot.waitUntil(lambda: model.index(0).data(CLIP_ROLE) is not None, timeout=10000)
    expected = [i for i in full if i not in gone]
    assert _ids(model)[:49] == expected[:49]


def test_typing_a_search_runs_one_query_and_cancels_the_stale_one(
    qtbot, tmp_path: Path, no_thumbnails: list[str]
) -> None:
    store = _library(tmp_path, 500)
    model = GalleryModel(store, tmp_path / "thumbs", debounce_ms=200)
    with qtbot.waitSignal(model.loaded, timeout=10000):
        model.set_query(ClipFilter())
    before = model.queries_run
    running = model._cancel
    for n in range(1, 8):  # "harbour", one key at a time
        model.set_query(ClipFilter(text="harbour"[:n]))
    assert running.cancelled  # whatever was in flight is stale at the first key press
    with qtbot.waitSignal(model.loaded, timeout=10000):
        pass
    assert model.queries_run == before + 1
    assert model.total == 50 and all("harbour" in (c.title if c else "") for c in model.clips)
    model.set_query(ClipFilter(text="harbour", favourites_only=True))  # not typing: at once
    assert model.queries_run == before + 2


def test_data_never_touches_the_disk_on_the_gui_thread(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_thumbnails: list[str]
) -> None:
    store = _library(tmp_path, 300)
    model = GalleryModel(store, tmp_path / "thumbs", page_size=50, max_pages=2)
    with qtbot.waitSignal(model.loaded, timeout=10000):
        model.set_query(ClipFilter())
    _scroll_to_end(qtbot, model, [])
    on_gui: list[str] = []
    for name in ("query", "count", "get", "_conn"):
        real = getattr(store, name)

        def spy(*a: object, _real=real, _name=name, **k: object) -> object:
            if threading.current_thread() is threading.main_thread():
                on_gui.append(_name)
            return _real(*a, **k)

        monkeypatch.setattr(store, name, spy)
    for row in range(model.rowCount()):  # loaded and unloaded rows, every role
        for role in ROLES:
            model.index(row).data(role)
    assert on_gui == []
    qtbot.waitUntil(lambda: len(no_thumbnails) >= 100, timeout=10000)
    assert threading.main_thread().name not in no_thumbnails


def test_a_query_that_fails_says_so(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _library(tmp_path, 3)

    def broken(*a: object, **k: object) -> int:
        raise OSError("disk I/O error")

    monkeypatch.setattr(store, "count", broken)
    model = GalleryModel(store, tmp_path / "thumbs")
    with qtbot.waitSignal(model.failed, timeout=10000) as blocker:
        model.set_query(ClipFilter())
    assert blocker.args == ["The library could not be read: disk I/O error"] and model.rowCount() == 0
