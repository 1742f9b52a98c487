"""``kling-desktop gallery list|search|import|rebuild``."""

from __future__ import annotations

import argparse
import json
from dataclasses import fields
from pathlib import Path

from kling_desktop.core.paths import AppPaths
from kling_desktop.core.settings import Settings
from kling_desktop.library.naming import format_size
from kling_desktop.library.records import Clip, ClipFilter
from kling_desktop.library.store import LibraryStore


def open_store() -> LibraryStore:
    paths = AppPaths.default().ensure()
    settings = Settings.load(paths.config / "settings.json")
    root = Path(settings.library_folder) if settings.library_folder else paths.library
    return LibraryStore(paths.data / "library.sqlite", root)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gallery", help="the local library: list, search, import, rebuild")
    gsub = p.add_subparsers(dest="gallery_command", required=True, metavar="ACTION")
    lst = gsub.add_parser("list", help="clips, newest first")
    lst.add_argument("--json", action="store_true")
    lst.add_argument("--limit", type=int, default=200)
    lst.set_defaults(func=lambda a: _print(open_store().query(limit=a.limit), a.json))
    srch = gsub.add_parser("search", help="full-text search over prompts, titles, models and tags")
    srch.add_argument("text")
    srch.add_argument("--json", action="store_true")
    srch.set_defaults(func=lambda a: _print(open_store().query(ClipFilter(text=a.text), limit=500), a.json))
    imp = gsub.add_parser("import", help="index the videos in a folder (files stay where they are)")
    imp.add_argument("folder")
    imp.set_defaults(func=run_import)
    reb = gsub.add_parser("rebuild", help="rebuild the index from the files and their sidecars")
    reb.set_defaults(func=run_rebuild)


def clip_json(c: Clip) -> dict[str, object]:
    d = {f.name: getattr(c, f.name) for f in fields(c)}
    d["request"] = c.request.model_dump(mode="json") if c.request is not None else {}
    d["inputs"] = c.inputs.model_dump(mode="json", exclude_defaults=True)
    d["timings"] = c.timings.model_dump(mode="json")
    return d


def _print(clips: list[Clip], as_json: bool) -> int:
    if as_json:
        print(json.dumps([clip_json(c) for c in clips], indent=2, ensure_ascii=False))
        return 0
    for c in clips:
        length = f"{c.duration:5.1f} s" if c.duration else "  image" if c.kind == "image" else "      "
        print(f"{c.id:16} {length} {format_size(c.size_bytes):>8} {c.model_name or c.source:28} {c.title}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from kling_desktop.library.importer import import_folder

    report = import_folder(open_store(), Path(args.folder).expanduser())
    print(f"added {len(report.added)}, already there {len(report.skipped)}, problems {len(report.problems)}")
    for problem in report.problems:
        print(f"  {problem}")
    return 0 if not report.problems or report.added else 1


def run_rebuild(args: argparse.Namespace) -> int:
    report = open_store().rebuild()
    print(
        f"rebuilt the index: {report.generated} generated clip(s) from their sidecars, "
        f"{report.imported} imported clip(s) from their folders"
        + (f"; {report.dropped} whose file is gone were left out" if report.dropped else "")
    )
    for problem in report.problems:
        print(f"  {problem}")
    return 0
