"""The library store with real MP4s: search, filters, delete, rebuild from sidecars, import, thumbnails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from media_factory import make_mp4
from PIL import Image

from kling_desktop.core.request import GenerationRequest
from kling_desktop.library.importer import import_folder
from kling_desktop.library.lru import SizeCappedLRU
from kling_desktop.library.records import ClipFilter, JobResult
from kling_desktop.library.sidecar import sidecar_path
from kling_desktop.library.store import LibraryStore
from kling_desktop.library.thumbs import scrub_strip, thumbnail

PROMPTS = ["A red kite over the dunes", "Rain on a tin roof at night", "A lighthouse in a storm"]


@pytest.fixture
def store(tmp_path: Path) -> LibraryStore:
    s = LibraryStore(tmp_path / "db" / "library.sqlite", tmp_path / "lib")
    for i, prompt in enumerate(PROMPTS):
        media = make_mp4(s.media_dir / f"job{i}.mp4", 160, 90, 1.0, audio=i == 0)
        req = (
            GenerationRequest(
                model="klingai:1@1" if i else "klingai:kling-video@3-pro",
                prompt=prompt,
                width=720,
                height=720,
            )
            if i
            else GenerationRequest(
                model="klingai:kling-video@3-pro", prompt=prompt, width=1920, height=1080, sound=True
            )
        )
        job = JobResult(
            id=f"job{i}",
            task_id=f"task-{i}",
            provider="local" if i else "runware",
            request=req,
            files=(str(media),),
            created_at=f"2026-11-2{i}T10:00:00+00:00",
            finished_at=f"2026-11-2{i}T10:01:00+00:00",
            cost=None if i else 1.12,
        )
        s.add_job_result(job)
    return s


def test_search_finds_clips_by_prompt_words(store: LibraryStore) -> None:
    assert [c.id for c in store.query(ClipFilter(text="lighthouse"))] == ["job2"]
    assert [c.id for c in store.query(ClipFilter(text="roof nig"))] == ["job1"]  # prefix match
    assert store.count(ClipFilter(text="submarine")) == 0
    assert store.count(ClipFilter(text='"quote')) == 0  # user text never breaks the query


def test_filters_sort_and_paging(store: LibraryStore) -> None:
    assert store.count() == 3
    assert [c.id for c in store.query(sort="newest")] == ["job2", "job1", "job0"]
    first = store.query(sort="oldest", limit=1)
    assert [c.id for c in store.query(sort="oldest", after=store.cursor(first[0], "oldest"), limit=1)] == [
        "job1"
    ]
    assert [c.id for c in store.query(ClipFilter(provider="runware"))] == ["job0"]
    assert store.count(ClipFilter(model="klingai:1@1")) == 2
    assert store.count(ClipFilter(drafts=True)) == 2
    assert store.count(ClipFilter(since="2026-11-21")) == 2
    store.update("job1", favourite=True)
    assert [c.id for c in store.query(ClipFilter(favourites_only=True))] == ["job1"]


def test_provenance_is_complete(store: LibraryStore) -> None:
    clip = store.get("job0")
    assert (
        clip.has_audio
        and clip.duration == pytest.approx(1.0, abs=0.05)
        and (clip.width, clip.height) == (160, 90)
    )
    assert clip.task_id == "task-0" and clip.cost == 1.12 and clip.model_name == "Kling VIDEO 3.0 Pro"
    assert clip.workflow == "text-to-video" and clip.request is not None and clip.request.sound is True
    side = json.loads(sidecar_path(Path(clip.path)).read_text())
    assert side["request"]["prompt"] == PROMPTS[0] and side["task_id"] == "task-0"


def test_delete_leaves_nothing_dangling(store: LibraryStore) -> None:
    clip = store.get("job1")
    store.delete(["job1"], trash=False)
    assert not Path(clip.path).exists() and not sidecar_path(Path(clip.path)).exists()
    assert store.count() == 2 and store.count(ClipFilter(text="roof")) == 0
    with pytest.raises(KeyError):
        store.get("job1")
    assert store.integrity_check() == "ok"


def test_rebuild_from_sidecars_restores_the_index(store: LibraryStore, tmp_path: Path) -> None:
    before = {c.id: c for c in store.query()}
    store.db_path.unlink()
    fresh = LibraryStore(tmp_path / "db2" / "library.sqlite", store.root)
    assert fresh.count() == 0
    assert fresh.rebuild().total == 3
    after = {c.id: c for c in fresh.query()}
    assert set(after) == set(before)
    for cid in before:
        assert after[cid].prompt == before[cid].prompt and after[cid].request == before[cid].request
        assert after[cid].duration == before[cid].duration
    assert fresh.count(ClipFilter(text="kite")) == 1


def test_import_folder_reads_media_and_reports_bad_files(store: LibraryStore, tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    make_mp4(folder / "a.mp4", 160, 90, 1.0)
    make_mp4(folder / "b.mov", 320, 180, 2.0, audio=True, container="mov")
    make_mp4(folder / "c.webm", 160, 90, 1.0, container="webm")
    (folder / "broken.mp4").write_bytes(b"junk" * 100)
    (folder / "notes.txt").write_text("ignored")
    report = import_folder(store, folder)
    assert len(report.added) == 3 and len(report.problems) == 1 and "broken.mp4" in report.problems[0]
    mov = next(c for c in store.query(ClipFilter(text="b")) if c.title == "b")
    assert mov.source == "imported" and mov.has_audio and mov.duration == pytest.approx(2.0, abs=0.05)
    assert import_folder(store, folder).skipped  # a second import adds nothing twice


def test_thumbnails_and_scrub_strip_are_cached(store: LibraryStore, tmp_path: Path) -> None:
    clip = store.get("job0")
    cache = tmp_path / "thumbs"
    t = thumbnail(Path(clip.path), cache)
    with Image.open(t) as im:
        assert im.size == (320, 180)
    mtime = t.stat().st_mtime_ns
    assert thumbnail(Path(clip.path), cache) == t and t.stat().st_mtime_ns == mtime
    strip = scrub_strip(Path(clip.path), cache, n=4)
    with Image.open(strip) as im:
        assert im.size == (4 * 320, 180)


def test_lru_is_capped_by_bytes() -> None:
    lru: SizeCappedLRU[str, bytes] = SizeCappedLRU(100, len)
    for i in range(10):
        lru.put(str(i), b"x" * 30)
    assert lru.bytes <= 100 and len(lru) == 3 and lru.get("9") and lru.get("0") is None
