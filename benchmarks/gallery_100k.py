"""A gallery of 100,000 clips with real request rows: first screen, last page, memory, search while typing.

A library of 100,000 clips (each row carries a full GenerationRequest, as generated clips do; 200 distinct
textured 320×180 MP4s behind them) is built once. Then each run is a fresh process (``--one``) that:

- first screen: starts the clock before the GalleryWorkspace (and its query) exists, shows it, and stops when
  every tile in the viewport has its thumbnail (made by the app's own loader, cold cache) and the viewport
  has painted after the last one arrived; nothing asks the model for data but the view;
- first vs last page: the time of the store query for the first page and for the last one reached by
  scrolling the view to the end (keyset paging should make them equal);
- memory: the process's resident set after scrolling to the end (peak and current);
- search while typing: types "harbour at dusk" into the search box, one key every 80 ms, and counts the
  queries that ran, then the time from the last key to the results shown.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from _common import emit, figure, runs_arg  # noqa: E402

N = 100_000
DISTINCT = 200
PROMPTS = (
    "A lighthouse on a rocky coast at dusk, waves breaking below",
    "Slow push-in on a harbour at dusk, boats rocking, warm lamps",
    "A fox runs through fresh snow in a pine forest, morning light",
    "Aerial shot over a desert canyon, long shadows, dust in the air",
    "Close-up of rain on a window, city lights blurred behind",
)
TYPED = "harbour at dusk"


def build(root: Path) -> None:
    from _media import textured_mp4

    from kling_desktop.core.request import GenerationRequest
    from kling_desktop.library.records import Clip
    from kling_desktop.library.store import LibraryStore

    store = LibraryStore(root / "library.sqlite", root / "lib")
    files = [
        textured_mp4(store.media_dir / f"src{i}.mp4", 320, 180, 1.0, 12, seed=i) for i in range(DISTINCT)
    ]

    def clips():  # type: ignore[no-untyped-def]
        for i in range(N):
            link = store.media_dir / f"row{i:06}.mp4"
            link.symlink_to(files[i % DISTINCT])
            prompt = f"{PROMPTS[i % len(PROMPTS)]}, take {i}"
            req = GenerationRequest(
                model="klingai:kling-video@3-pro",
                prompt=prompt,
                negative_prompt="blurry, text, watermark",
                first_frame=str(files[(i + 1) % DISTINCT]),
                duration=5,
                width=1280,
                height=720,
                sound=i % 3 == 0,
            )
            yield Clip(
                id=f"c{i:06}",
                path=str(link),
                title=f"Take {i}",
                prompt=prompt,
                model=req.model,
                model_name="Kling VIDEO 3.0 Pro",
                provider="runware",
                workflow="image_to_video",
                job_id=f"j{i:06}",
                task_id=f"t{i:06}",
                cost=0.42,
                created_at=f"2026-{1 + i % 12:02}-{1 + i % 28:02}T{i % 24:02}:{i % 60:02}:{i % 59:02}",
                duration=5.0,
                width=1280,
                height=720,
                fps=24,
                size_bytes=3_000_000 + i,
                tags="coast,dusk" if i % 4 == 0 else "",
                request=req,
            )

    store.add_many(clips())


def rss_now_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def one(root: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    start = time.perf_counter()
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from kling_desktop.library.store import LibraryStore
    from kling_desktop.ui.gallery_workspace import GalleryWorkspace

    app = QApplication(sys.argv)
    store = LibraryStore(root / "library.sqlite", root / "lib")
    query_times: list[tuple[bool, float]] = []  # (first page?, seconds)
    real_query = store.query

    def timed_query(*a, **k):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return real_query(*a, **k)
        finally:
            query_times.append((k.get("after") is None, time.perf_counter() - t))

    store.query = timed_query  # type: ignore[method-assign]
    counts = [0]
    real_count = store.count

    def counted(*a, **k):  # type: ignore[no-untyped-def]
        counts[0] += 1
        return real_count(*a, **k)

    store.count = counted  # type: ignore[method-assign]
    thumbs = Path(tempfile.mkdtemp(prefix="kd-thumbs-"))  # cold: a new cache each run
    ws = GalleryWorkspace(store, thumbs, Path(tempfile.mkdtemp(prefix="kd-frames-")))
    ws.resize(1400, 900)
    painted_at = [0.0]

    class Paints(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                painted_at[0] = time.perf_counter()
            return False

    ws.view.viewport().installEventFilter(paints := Paints())
    ws.show()
    model, view = ws.model, ws.view
    first_screen = None
    while time.perf_counter() - start < 60:
        app.processEvents()
        visible = [
            model.index(r)
            for r in range(model.rowCount())
            if view.visualRect(model.index(r)).intersects(view.viewport().rect())
        ]
        if visible:
            clips = [model.clip_at(i.row()) for i in visible]
            if all(c is not None and model.pixmaps.get(c.id) is not None for c in clips):
                arrived = time.perf_counter()
                while painted_at[0] < arrived and time.perf_counter() - arrived < 5:
                    app.processEvents()
                    time.sleep(0.001)
                first_screen = painted_at[0] - start
                tiles = len(visible)
                break
        time.sleep(0.002)
    if first_screen is None:
        raise RuntimeError("the first screen never showed all its thumbnails")
    # scroll to the end: the view asks for pages as it needs them
    t = time.perf_counter()
    while model.rowCount() < model.total and time.perf_counter() - t < 300:
        view.scrollToBottom()
        app.processEvents()
        time.sleep(0.001)
    for _ in range(50):
        app.processEvents()
        time.sleep(0.002)
    rows_reached, total = model.rowCount(), model.total
    first_page = next(s for first, s in query_times if first)
    last_page = query_times[-1][1]
    rss_end, rss_peak = rss_now_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # search while typing
    loaded = [0.0]
    model.loaded.connect(lambda: loaded.__setitem__(0, time.perf_counter()))
    before = model.queries_run
    counts_before = counts[0]
    for i in range(1, len(TYPED) + 1):
        ws.search.setText(TYPED[:i])
        key_at = time.perf_counter()
        while time.perf_counter() - key_at < 0.08:
            app.processEvents()
            time.sleep(0.002)
    last_key = key_at
    while loaded[0] < last_key and time.perf_counter() - last_key < 10:
        app.processEvents()
        time.sleep(0.002)
    print(
        json.dumps(
            {
                "first_screen": first_screen,
                "tiles": tiles,
                "first_page": first_page,
                "last_page": last_page,
                "rows_reached": rows_reached,
                "total": total,
                "rss_end": rss_end,
                "rss_peak": rss_peak,
                "search_queries": model.queries_run - before,
                "search_counts": counts[0] - counts_before,
                "search_shown": loaded[0] - last_key,
                "hits": model.total,
            }
        ),
        flush=True,
    )
    del paints
    os._exit(0)


def main() -> None:
    runs = runs_arg(3)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        build(root)
        build_s = time.perf_counter() - t
        results = []
        for _ in range(runs):
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(root)], capture_output=True, text=True, timeout=600
            )
            lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
            if not lines:
                raise RuntimeError(f"gallery run failed (exit {out.returncode}): {out.stderr[-2000:]}")
            results.append(json.loads(lines[-1]))

    def col(k: str) -> list[float]:
        return [r[k] for r in results]

    def med(k: str) -> float:
        return sorted(col(k))[len(results) // 2]

    ratios = [r["last_page"] / r["first_page"] for r in results]
    emit(
        "gallery_100k",
        [
            figure(
                "gallery 100k: start → first screen of thumbnails painted (cold cache)",
                "s",
                col("first_screen"),
                goal="≤ 1 s",
                meets=med("first_screen") <= 1,
                note=f"{results[0]['tiles']} tiles; clock starts before the workspace exists (Qt imported)",
            ),
            figure(
                "gallery 100k: last page query (scrolled to the end)",
                "s",
                col("last_page"),
                goal="as fast as the first page",
                meets=sorted(ratios)[len(ratios) // 2] <= 1.5,
                anchor="first page query, same run",
                anchor_values=col("first_page"),
                ratio="last ÷ first",
                ratios=ratios,
                note=f"rows reached {results[0]['rows_reached']:,} of {results[0]['total']:,}",
            ),
            figure(
                "gallery 100k: resident memory after scrolling to the end",
                "MB",
                col("rss_end"),
                goal="≤ 400 MB",
                meets=max(col("rss_peak")) <= 400,
                note=f"peak {max(col('rss_peak')):.0f} MB",
            ),
            figure(
                f"gallery 100k: queries run while typing '{TYPED}' (80 ms a key)",
                "queries",
                col("search_queries"),
                goal="1 (debounced)",
                meets=med("search_queries") <= 1,
                note=f"last key → results shown {med('search_shown'):.2f} s; {results[0]['hits']:,} hits",
            ),
        ],
        build_seconds=round(build_s, 1),
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        one(Path(sys.argv[2]))
    main()
