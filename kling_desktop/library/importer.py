"""Import plain video files made elsewhere (MP4/MOV/WEBM): read duration, size and streams with PyAV."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from kling_desktop.core.probe import VIDEO_EXTENSIONS, MediaError, probe_media
from kling_desktop.library.records import Clip, ImportReport
from kling_desktop.library.store import LibraryStore

IMPORTABLE = {".mp4", ".mov", ".webm", ".m4v", ".mkv"} & VIDEO_EXTENSIONS


def import_folder(store: LibraryStore, folder: Path) -> ImportReport:
    """Index every video under ``folder`` in place (files are not copied); unreadable ones are reported."""
    report = ImportReport()
    if not folder.is_dir():
        report.problems.append(f"{folder}: is not a folder.")
        return report
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in IMPORTABLE:
            continue
        clip_id = "imp-" + hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]
        try:
            store.get(clip_id)
            report.skipped.append(str(path))
            continue
        except KeyError:
            pass
        try:
            info = probe_media(path)
        except MediaError as exc:
            report.problems.append(str(exc))
            continue
        if not info.has_video:
            report.problems.append(f"{path.name}: has no video stream.")
            continue
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
    return report
