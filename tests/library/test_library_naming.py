"""Names people read: export and drag-out file names, and sizes with sense."""

from __future__ import annotations

from pathlib import Path

import pytest
from media_factory import make_mp4

from kling_desktop.core.request import GenerationRequest
from kling_desktop.library.naming import format_size, readable_name, safe_stem, unique_name
from kling_desktop.library.records import Clip, JobResult
from kling_desktop.library.store import LibraryStore


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (812, "812 bytes"),
        (1000, "1 KB"),
        (12_345, "12 KB"),
        (999_600, "1 MB"),
        (3_400_000, "3.4 MB"),
        (3_000_000, "3 MB"),
        (45_600_000, "46 MB"),
        (1_234_567_890, "1.2 GB"),
        (None, ""),
    ],
)
def test_sizes_read_with_sense(size: int | None, text: str) -> None:
    assert format_size(size) == text


def test_a_readable_name_has_date_model_and_the_start_of_the_prompt() -> None:
    clip = Clip(
        id="ee658e8adabb",
        path="/lib/media/ee658e8adabb.MP4",
        prompt='A red kite: over the "dunes" at dawn / slow pan, then a long dolly * zoom',
        model_name="Kling 2.1 Pro",
        created_at="2026-11-23T10:00:00+00:00",
    )
    assert readable_name(clip) == "2026-11-23 Kling 2.1 Pro - A red kite over the dunes at dawn.mp4"


@pytest.mark.parametrize(
    "text", ["CON", "nul.txt", " .hidden. ", "a\x00b\nc", "é" * 300, "<>:|?*", "", "x/../../etc/passwd"]
)
def test_every_stem_is_safe_for_every_file_system(text: str) -> None:
    stem = safe_stem(text)
    assert stem and not set(stem) & set('<>:"/\\|?*\x00\n')
    assert stem.split(".")[0].upper() not in {"CON", "NUL", "PRN", "AUX"}
    assert len(stem.encode()) <= 200 and stem == stem.strip(" .")


def test_names_are_unique_case_blind() -> None:
    taken = {"clip.mp4", "clip (2).mp4"}
    assert unique_name("Clip.mp4", taken) == "Clip (3).mp4"
    assert unique_name("other.mp4", taken) == "other.mp4"


def test_export_writes_readable_unique_names_with_sidecars(tmp_path: Path) -> None:
    store = LibraryStore(tmp_path / "library.sqlite", tmp_path / "lib")
    req = GenerationRequest(model="klingai:5@2", prompt="Rain on a tin roof at night")
    for i in range(2):
        media = make_mp4(store.media_dir / f"job{i}.mp4", 160, 90, 1.0)
        store.add_job_result(
            JobResult(id=f"job{i}", request=req, files=(str(media),), created_at="2026-11-20T10:00:00+00:00")
        )
    out = tmp_path / "export"
    out.mkdir()
    (out / "2026-11-20 KlingAI 2.1 Pro - Rain on a tin roof at night.mp4").write_bytes(b"already here")
    files = store.export(["job0", "job1"], out)
    assert [f.name for f in files] == [
        "2026-11-20 KlingAI 2.1 Pro - Rain on a tin roof at night (2).mp4",
        "2026-11-20 KlingAI 2.1 Pro - Rain on a tin roof at night (3).mp4",
    ]
    assert (
        out / "2026-11-20 KlingAI 2.1 Pro - Rain on a tin roof at night.mp4"
    ).read_bytes() == b"already here"
    assert all(f.with_name(f.name + ".json").is_file() for f in files)
    link = store.readable_link(store.get("job0"))
    assert link.name == "2026-11-20 KlingAI 2.1 Pro - Rain on a tin roof at night.mp4"
    assert link.samefile(store.get("job0").path)
    store.delete(["job0"], trash=False)
    assert not link.exists()  # a deleted clip leaves no link holding its data
