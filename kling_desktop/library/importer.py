"""Import plain video files made elsewhere (MP4/MOV/WEBM): read duration, size and streams with PyAV."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from kling_desktop.core.probe import VIDEO_EXTENSIONS, MediaError, probe_media
from kling_desktop.library.records import Clip, ImportReport
from kling_desktop.library.store import LibraryStore

IMPORTABLE = {".mp4", ".mov", ".webm", ".m4v", ".mkv"} & VIDEO_EXTENSIONS


def import_folder(store: LibraryStore, folder: Path, *, remember: bool = True) -> ImportReport:
    """Index every video under ``folder`` in place (files are not copied); unreadable ones are reported.

    The folder is remembered as an import root (unless ``remember`` is False), so a rebuild finds its clips
    again. ``folder`` may also be a single video file."""
    report = ImportReport()
    if folder.is_file():
        paths = [folder]
    elif folder.is_dir():
        paths = sorted(folder.rglob("*"))
        if remember:
            store.add_import_root(folder)
    else:
        report.problems.append(f"{folder}: is not a folder.")
        return report
    for path in paths:
        if not path.is_file() or path.suffix.lower() not in IMPORTABLE:
            continue
        _import_one(store, path, report)
    return report


def imported_clip_id(path: Path) -> str:
    return "imp-" + hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]


def _import_one(store: LibraryStore, path: Path, report: ImportReport) -> None:
    clip_id = imported_clip_id(path)
    try:
        store.get(clip_id)
        report.skipped.append(str(path))
        return
    except KeyError:
        pass
    try:
        info = probe_media(path)
    except MediaError as exc:
        report.problems.append(str(exc))
        return
    if not info.has_video:
        report.problems.append(f"{path}: has no video stream.")
        return
    created = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
    store.add(
        Clip(
            id=clip_id,
            path=str(path.resolve()),
            source="imported",
            title=path.stem,
            created_at=created,
            duration=info.duration,
            width=info.width,
            height=info.height,
            fps=info.fps,
            has_audio=info.has_audio,
            size_bytes=info.size_bytes,
        )
    )
    report.added.append(str(path))
