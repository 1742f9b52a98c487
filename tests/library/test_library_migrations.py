"""The library index written by release 0.1.0 opens with this release: every clip, its flags, its provenance."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from kling_desktop.core.migrations import NewerDatabase, migrate
from kling_desktop.library.records import ClipFilter
from kling_desktop.library.schema import steps
from kling_desktop.library.store import LibraryStore

PREVIOUS = Path(__file__).parent.parent / "data" / "release_0_1_0"
GENERATED = {"471084c442f4", "5a9cae29946c", "95d89fb54509"}


@pytest.fixture
def old_library(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "data" / "library.sqlite"
    db.parent.mkdir()
    shutil.copy(PREVIOUS / "library.sqlite", db)
    root = tmp_path / "library"
    (root / "media").mkdir(parents=True)
    (root / "media" / "471084c442f4.mp4").write_bytes(b"moved with the library folder")
    return db, root


def test_every_clip_of_release_0_1_0_is_there_with_its_favourite(old_library: tuple[Path, Path]) -> None:
    store = LibraryStore(*old_library)
    clips = {c.id: c for c in store.query(limit=100)}
    assert set(clips) == GENERATED | {"imp-07c50879abad"}
    assert [c.id for c in store.query(ClipFilter(favourites_only=True))] == ["5a9cae29946c"]
    assert clips["imp-07c50879abad"].source == "imported" and clips["imp-07c50879abad"].request is None
    pro = clips["5a9cae29946c"]
    assert pro.model_name == "Kling VIDEO 3.0 Pro" and pro.request is not None and len(pro.request.shots) == 3
    assert store.count(ClipFilter(text="bicycle")) == 1  # the full-text index still answers


def test_typed_provenance_and_paths_relative_to_the_library_root(old_library: tuple[Path, Path]) -> None:
    db, root = old_library
    store = LibraryStore(db, root)
    moved = store.get("471084c442f4")
    assert moved.path == str(root / "media" / "471084c442f4.mp4")  # the file is where the library now is
    assert moved.request is not None and moved.request.first_frame == "/tmp/prev/a.png"
    assert moved.timings.submitted == "2026-11-23T03:03:09.164+00:00"
    (first,) = dict(moved.inputs.items())["first_frame"]
    assert first.path.endswith(".png") and first.display_name.startswith("5e171612")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT path FROM clips WHERE id = '471084c442f4'").fetchone()[0] == (
            "media/471084c442f4.mp4"
        )
        roots = [r[0] for r in conn.execute("SELECT path FROM import_roots")]
    assert roots == ["/tmp/prev/imports"]
    assert store.integrity_check() == "ok"


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name").fetchall()
    return [(name, re.sub(r"\s+", " ", sql).replace("( ", "(").strip()) for name, sql in rows]


def test_step_one_is_exactly_what_release_0_1_0_created(tmp_path: Path) -> None:
    fresh = sqlite3.connect(tmp_path / "fresh.sqlite", isolation_level=None)
    migrate(fresh, steps(tmp_path)[:1], name="test")
    old = sqlite3.connect(PREVIOUS / "library.sqlite")
    assert _schema(fresh) == _schema(old)


def test_a_file_from_a_newer_release_is_refused_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {len(steps(tmp_path)) + 1}")
    with pytest.raises(NewerDatabase, match="newer release"):
        LibraryStore(db, tmp_path / "lib")
