"""Library integrity: a rebuild keeps every clip it can find; an input copy is never left truncated."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from media_factory import make_mp4

from kling_desktop.core.request import GenerationRequest
from kling_desktop.library.importer import import_folder
from kling_desktop.library.keep import PARTIAL_PREFIX, file_sha256, keep_file, kept_name
from kling_desktop.library.records import ClipFilter, JobResult
from kling_desktop.library.store import LibraryStore


@pytest.fixture
def store(tmp_path: Path) -> LibraryStore:
    s = LibraryStore(tmp_path / "db" / "library.sqlite", tmp_path / "lib")
    for i in range(2):
        media = make_mp4(s.media_dir / f"gen{i}.mp4", 160, 90, 1.0)
        req = GenerationRequest(model="klingai:1@1", prompt=f"generated number {i}")
        s.add_job_result(
            JobResult(id=f"gen{i}", request=req, files=(str(media),), created_at=f"2026-11-0{i + 1}")
        )
    return s


def test_rebuild_keeps_generated_and_imported_clips_with_favourites_and_tags(
    store: LibraryStore, tmp_path: Path
) -> None:
    holiday = tmp_path / "holiday"
    (holiday / "day two").mkdir(parents=True)
    make_mp4(holiday / "beach.mp4", 160, 90, 1.0)
    make_mp4(holiday / "day two" / "hills.mov", 160, 90, 1.0, container="mov")
    single = tmp_path / "single"
    single.mkdir()
    make_mp4(single / "lone.mp4", 160, 90, 1.0)
    assert len(import_folder(store, holiday).added) == 2
    assert len(import_folder(store, single / "lone.mp4").added) == 1  # a file, not a folder: no root kept
    beach = next(c for c in store.query(ClipFilter(text="beach")))
    lone = next(c for c in store.query(ClipFilter(text="lone")))
    store.update(beach.id, favourite=True, tags="sea, summer")
    store.update(lone.id, tags="alone")
    store.update("gen1", favourite=True, tags="keeper")
    before = {c.id: c for c in store.query(limit=100)}
    assert len(before) == 5 and store.import_roots() == [holiday.resolve()]

    report = store.rebuild()

    after = {c.id: c for c in store.query(limit=100)}
    assert set(after) == set(before)
    assert (report.generated, report.imported, report.dropped, report.problems) == (2, 3, 0, [])
    for cid, clip in before.items():
        assert (after[cid].favourite, after[cid].tags, after[cid].source) == (
            clip.favourite,
            clip.tags,
            clip.source,
        ), cid
    assert after[beach.id].duration == pytest.approx(1.0, abs=0.05)  # probed again
    assert store.count(ClipFilter(text="summer")) == 1  # the search index follows


def test_rebuild_drops_only_what_is_gone_and_finds_new_files_under_a_root(
    store: LibraryStore, tmp_path: Path
) -> None:
    folder = tmp_path / "shoot"
    folder.mkdir()
    make_mp4(folder / "a.mp4", 160, 90, 1.0)
    make_mp4(folder / "b.mp4", 160, 90, 1.0)
    import_folder(store, folder)
    (folder / "a.mp4").unlink()
    make_mp4(folder / "c.mp4", 160, 90, 1.0)
    report = store.rebuild()
    titles = sorted(
        c.title for c in store.query(ClipFilter(kind="video"), limit=100) if c.source == "imported"
    )
    assert titles == ["b", "c"] and report.dropped == 1


def test_an_input_is_kept_under_its_hash_with_the_name_the_artist_chose(
    store: LibraryStore, tmp_path: Path
) -> None:
    src = tmp_path / "My Portrait.PNG"
    src.write_bytes(os.urandom(50_000))
    kept, digest = keep_file(src, store.inputs_dir)
    assert kept.name == kept_name(src, digest) == f"{digest}.png" and file_sha256(kept) == digest
    assert kept.read_bytes() == src.read_bytes()
    assert not list(store.inputs_dir.glob(f"{PARTIAL_PREFIX}*"))


def test_a_truncated_file_under_the_final_name_is_detected_and_replaced(tmp_path: Path) -> None:
    src = tmp_path / "frame.png"
    src.write_bytes(os.urandom(300_000))
    folder = tmp_path / "inputs"
    folder.mkdir()
    digest = file_sha256(src)
    truncated = folder / f"{digest}.png"  # what an older release left when it was killed mid-copy
    truncated.write_bytes(src.read_bytes()[:1000])
    kept, _ = keep_file(src, folder)
    assert kept == truncated and kept.read_bytes() == src.read_bytes()


_SLOW_COPY = """
import hashlib, sys
from pathlib import Path
from kling_desktop.library import keep

class Slow:
    def __init__(self):
        self.h = hashlib.sha256()
    def update(self, chunk):
        import time
        time.sleep(0.01)
        self.h.update(chunk)
    def hexdigest(self):
        return self.h.hexdigest()

keep.CHUNK = 64 * 1024
keep.hashlib = type("H", (), {"sha256": staticmethod(Slow)})
keep.keep_file(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_a_kill_mid_copy_leaves_nothing_under_the_final_name(tmp_path: Path) -> None:
    src = tmp_path / "clip.mp4"
    src.write_bytes(os.urandom(8 * 1024 * 1024))
    digest = file_sha256(src)
    folder = tmp_path / "lib" / "inputs"
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_COPY, str(src), str(folder)])
    try:
        deadline = time.monotonic() + 60
        partial: list[Path] = []
        while time.monotonic() < deadline:  # wait until the copy is under way: part of the file written
            partial = list(folder.glob(f"{PARTIAL_PREFIX}*")) if folder.exists() else []
            if partial and partial[0].stat().st_size >= 1024 * 1024:
                break
            assert proc.poll() is None, "the copy finished before it could be killed"
            time.sleep(0.01)
        assert partial, "the copy never started"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    final = folder / f"{digest}.mp4"
    assert not final.exists()  # nothing under the final name
    (left,) = folder.glob(f"{PARTIAL_PREFIX}*")
    assert left.stat().st_size < src.stat().st_size  # only the temporary copy, truncated

    store = LibraryStore(tmp_path / "library.sqlite", tmp_path / "lib")
    kept, _ = keep_file(src, store.inputs_dir)  # the next run keeps a whole copy
    assert kept == final and file_sha256(kept) == digest
    assert store.clean_partials(max_age_s=0) == 1 and not list(folder.glob(f"{PARTIAL_PREFIX}*"))


def test_provenance_keeps_the_file_names_the_artist_chose(store: LibraryStore, tmp_path: Path) -> None:
    from PIL import Image

    from kling_desktop.core.media_check import prepare_request

    first = tmp_path / "Sunset on the Beach.png"
    Image.new("RGB", (1280, 720), (200, 90, 40)).convert("P").save(first)  # palette: converted for sending
    last = tmp_path / "night.jpg"
    Image.new("RGB", (1280, 720), (10, 10, 60)).save(last)
    req = prepare_request(
        GenerationRequest(model="klingai:5@2", first_frame=str(first), last_frame=str(last)),
        tmp_path / "cache",
    )
    assert req.first_frame != str(first)  # the request now names a prepared copy…
    media = make_mp4(store.media_dir / "named.mp4", 160, 90, 1.0)
    (clip,) = store.add_job_result(JobResult(id="named", request=req, files=(str(media),)))
    fresh = LibraryStore(tmp_path / "db2" / "library.sqlite", store.root)
    assert fresh.rebuild().generated == 3  # …and survives a rebuild from the sidecar
    for got in (clip, store.get("named"), fresh.get("named")):
        kept = dict(got.inputs.items())
        assert kept["first_frame"][0].display_name == "Sunset on the Beach.png"  # …the artist's name is kept
        assert kept["last_frame"][0].display_name == "night.jpg"
        assert Path(kept["first_frame"][0].path).parent == store.inputs_dir


def test_opening_the_library_clears_old_temporary_copies_only(tmp_path: Path) -> None:
    inputs = tmp_path / "lib" / "inputs"
    inputs.mkdir(parents=True)
    old, fresh = inputs / f"{PARTIAL_PREFIX}old", inputs / f"{PARTIAL_PREFIX}fresh"
    old.write_bytes(b"left by a killed run")
    fresh.write_bytes(b"another process may be writing this")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    LibraryStore(tmp_path / "library.sqlite", tmp_path / "lib")
    assert not old.exists() and fresh.exists()


def test_a_remix_uses_the_kept_copies_when_the_originals_are_gone(
    store: LibraryStore, tmp_path: Path
) -> None:
    from PIL import Image

    first = tmp_path / "portrait.png"
    Image.new("RGB", (320, 180), (1, 2, 3)).save(first)
    refs = [tmp_path / f"ref{i}.png" for i in range(2)]
    for i, ref in enumerate(refs):
        Image.new("RGB", (320, 180), (i, 9, 9)).save(ref)
    req = GenerationRequest(
        model="klingai:kling-video@o3-pro",
        prompt="p",
        first_frame=str(first),
        reference_images=tuple(map(str, refs)),
    )
    media = make_mp4(store.media_dir / "remix.mp4", 160, 90, 1.0)
    store.add_job_result(JobResult(id="remix", request=req, files=(str(media),)))
    for p in (first, *refs):
        p.unlink()
    remix = store.get("remix").remix_request()
    assert remix is not None and remix.prompt == "p"
    for path in (remix.first_frame, *remix.reference_images):
        assert path is not None and Path(path).is_file() and Path(path).parent == store.inputs_dir
    assert Image.open(remix.reference_images[1]).getpixel((0, 0)) == (1, 9, 9)  # order kept
    assert remix.input_names[remix.first_frame] == "portrait.png"
