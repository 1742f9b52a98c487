"""A gallery of 10,000 clips: time to the first screen of thumbnails with a warm cache, and RSS."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
from _common import emit, rss_mb  # noqa: E402

N = 10_000


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from media_factory import make_mp4
    from PySide6.QtWidgets import QApplication

    from kling_desktop.library.records import Clip, ClipFilter
    from kling_desktop.library.store import LibraryStore
    from kling_desktop.library.thumbs import thumbnail
    from kling_desktop.ui.gallery_workspace import GalleryWorkspace

    app = QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        store = LibraryStore(d / "library.sqlite", d / "lib")
        source = make_mp4(d / "src.mp4", 640, 360, 2.0)
        distinct = 300  # a few hundred real files; the rest reuse them (rows stay distinct)
        files = []
        for i in range(distinct):
            f = store.media_dir / f"clip{i}.mp4"
            shutil.copy(source, f)
            files.append(f)
        start = time.perf_counter()
        conn = store._conn()
        conn.execute("BEGIN")
        for i in range(N):
            link = store.media_dir / f"row{i:05}.mp4"  # a distinct path per row, pointing at a real file
            link.symlink_to(files[i % distinct])
            store.add(
                Clip(
                    id=f"c{i:05}",
                    path=str(link),
                    title=f"Clip {i} of a walk by the sea",
                    prompt=f"shot {i} of the harbour at dusk",
                    model="klingai:1@1",
                    model_name="KlingAI 1.0",
                    provider="local",
                    created_at=f"2026-01-{1 + i % 28:02}T{i % 24:02}:00:00",
                    duration=2.0,
                    width=640,
                    height=360,
                    is_draft=True,
                ),
                sidecar=False,
            )
        conn.execute("COMMIT")
        insert_s = time.perf_counter() - start
        for f in files:  # warm the disk cache of thumbnails
            thumbnail(f, d / "thumbs")
        ws = GalleryWorkspace(store, d / "thumbs", d / "frames")
        ws.resize(1400, 900)
        start = time.perf_counter()
        ws.show()
        visible = 0
        while time.perf_counter() - start < 30:
            app.processEvents()
            model = ws.model
            rows = [model.index(r) for r in range(min(model.rowCount(), 40))]
            if rows and all(
                model.pixmaps.get(model.clips[i.row()].id)
                for i in rows
                if ws.view.visualRect(i).intersects(ws.view.viewport().rect())
            ):
                visible = sum(1 for i in rows if ws.view.visualRect(i).intersects(ws.view.viewport().rect()))
                if visible:
                    break
            for i in rows:
                model.data(i, 1)  # what the delegate asks for while painting
            time.sleep(0.005)
        first_screen = time.perf_counter() - start
        search_start = time.perf_counter()
        count = store.count(ClipFilter(text="harbour dusk"))
        search_ms = (time.perf_counter() - search_start) * 1000
    emit(
        "gallery_10k",
        clips=N,
        insert_seconds=round(insert_s, 2),
        first_screen_seconds=round(first_screen, 3),
        tiles_on_first_screen=visible,
        fts_search_ms=round(search_ms, 1),
        search_hits=count,
        rss_mb=round(rss_mb(), 1),
    )


if __name__ == "__main__":
    main()
