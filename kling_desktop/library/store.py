"""The gallery store: an SQLite index (FTS5 search) over media files that carry JSON sidecars."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import threading
import uuid
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from send2trash import send2trash

from kling_desktop.catalog.models import UnknownModel, get_model
from kling_desktop.core.probe import MediaError, probe_media
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.validation import choose_workflow
from kling_desktop.library.records import SORTS, Clip, ClipFilter
from kling_desktop.library.schema import COLUMNS, migrate
from kling_desktop.library.sidecar import read_sidecar, sidecar_path, write_sidecar

_INPUT_FIELDS = ("first_frame", "last_frame", "input_video", "input_audio", "input_image")
_INPUT_LISTS = ("reference_images", "reference_videos", "reference_voices")


class LibraryStore:
    """Safe to call from any thread (one SQLite connection per thread). Never call it on the GUI thread."""

    def __init__(self, db_path: Path, root: Path) -> None:
        self.db_path, self.root = db_path, root
        self.media_dir, self.inputs_dir = root / "media", root / "inputs"
        for d in (db_path.parent, self.media_dir, self.inputs_dir):
            d.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        migrate(self._conn())

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.db_path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        return conn

    # ---- adding ----------------------------------------------------------------------------------------
    def add(self, clip: Clip, *, sidecar: bool = True) -> Clip:
        row = asdict(clip)
        placeholders = ", ".join("?" * len(COLUMNS))
        self._conn().execute(
            f"INSERT OR REPLACE INTO clips ({', '.join(COLUMNS)}) VALUES ({placeholders})",
            [row[c] for c in COLUMNS],
        )
        if sidecar and clip.source == "generated":
            write_sidecar(clip)
        return clip

    def add_job_result(self, job: Any) -> list[Clip]:
        """The job journal's sink: index each finished file with its full provenance."""
        request = GenerationRequest.model_validate_json(job.request_json)
        try:
            spec = get_model(request.model)
            model_name, workflow = spec.name, choose_workflow(request, spec).value
        except UnknownModel:
            model_name, workflow = request.model, ""
        inputs = self._copy_inputs(request)
        clips = []
        for n, path in enumerate(job.files):
            media = _media_facts(Path(path))
            clip = Clip(
                id=job.id if n == 0 else f"{job.id}-{n}",
                path=str(path),
                kind=media.pop("kind"),
                title=_title(request),
                prompt=request.prompt or " / ".join(s.prompt for s in request.shots),
                negative_prompt=request.negative_prompt,
                model=request.model,
                model_name=model_name,
                provider=job.provider,
                workflow=workflow,
                job_id=job.id,
                task_id=job.task_id,
                remote_id=job.remote_id or "",
                cost=job.cost,
                created_at=job.finished_at or job.created_at,
                parent_id=job.parent_id or "",
                is_draft=job.provider == "local",
                request_json=job.request_json,
                inputs_json=json.dumps(inputs),
                timings_json=json.dumps(
                    {"created": job.created_at, "submitted": job.submitted_at, "finished": job.finished_at}
                ),
                **media,
            )
            clips.append(self.add(clip))
        return clips

    def _copy_inputs(self, request: GenerationRequest) -> dict[str, Any]:
        """Copy every input into ``inputs/<sha256>.<ext>`` (deduplicated): provenance outlives the originals."""
        out: dict[str, Any] = {}
        for name in _INPUT_FIELDS:
            value = getattr(request, name)
            if value and Path(value).is_file():
                out[name] = str(self._keep(Path(value)))
        for name in _INPUT_LISTS:
            kept = [str(self._keep(Path(p))) for p in getattr(request, name) if Path(p).is_file()]
            if kept:
                out[name] = kept
        return out

    def _keep(self, src: Path) -> Path:
        digest = hashlib.sha256(src.read_bytes()).hexdigest()
        ext = src.suffix.lower() if src.suffix[1:].isalnum() else ""
        target = self.inputs_dir / f"{digest}{ext}"
        if not target.exists():
            shutil.copy2(src, target)
        return target

    # ---- reading ---------------------------------------------------------------------------------------
    def _where(self, f: ClipFilter) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if f.text.strip():
            terms = " ".join('"' + t.replace('"', '""') + '"*' for t in f.text.split())
            clauses.append("rowid IN (SELECT rowid FROM clips_fts WHERE clips_fts MATCH ?)")
            args.append(terms)
        for col in ("model", "provider", "kind"):
            if getattr(f, col):
                clauses.append(f"{col} = ?")
                args.append(getattr(f, col))
        if f.favourites_only:
            clauses.append("favourite = 1")
        if f.since:
            clauses.append("created_at >= ?")
            args.append(f.since)
        if f.until:
            clauses.append("created_at <= ?")
            args.append(f.until)
        if f.drafts is not None:
            clauses.append("is_draft = ?")
            args.append(int(f.drafts))
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args

    def query(
        self, f: ClipFilter | None = None, sort: str = "newest", offset: int = 0, limit: int = 100
    ) -> list[Clip]:
        where, args = self._where(f or ClipFilter())
        order = SORTS.get(sort, SORTS["newest"])
        rows = (
            self._conn()
            .execute(
                f"SELECT {', '.join(COLUMNS)} FROM clips{where} ORDER BY {order}, id LIMIT ? OFFSET ?",
                [*args, limit, offset],
            )
            .fetchall()
        )
        return [_clip(r) for r in rows]

    def count(self, f: ClipFilter | None = None) -> int:
        where, args = self._where(f or ClipFilter())
        return int(self._conn().execute(f"SELECT COUNT(*) FROM clips{where}", args).fetchone()[0])

    def get(self, clip_id: str) -> Clip:
        row = (
            self._conn()
            .execute(f"SELECT {', '.join(COLUMNS)} FROM clips WHERE id = ?", (clip_id,))
            .fetchone()
        )
        if row is None:
            raise KeyError(f"No clip {clip_id!r} in the library.")
        return _clip(row)

    def distinct(self, column: str) -> list[str]:
        if column not in ("model", "provider", "kind"):
            raise ValueError(column)
        rows = self._conn().execute(f"SELECT DISTINCT {column} FROM clips WHERE {column} != '' ORDER BY 1")
        return [r[0] for r in rows.fetchall()]

    # ---- changing --------------------------------------------------------------------------------------
    def update(self, clip_id: str, **changes: Any) -> Clip:
        clip = replace(self.get(clip_id), **changes)
        sets = ", ".join(f"{k} = ?" for k in changes)
        self._conn().execute(f"UPDATE clips SET {sets} WHERE id = ?", [*changes.values(), clip_id])
        if clip.source == "generated" and set(changes) - {"favourite"}:
            write_sidecar(clip)
        return clip

    def delete(self, clip_ids: list[str], *, trash: bool = True) -> int:
        """Send the files and their sidecars to the system trash and drop the rows (FTS follows by trigger)."""
        removed = 0
        for clip_id in clip_ids:
            clip = self.get(clip_id)
            for path in (Path(clip.path), sidecar_path(Path(clip.path))):
                if path.exists():
                    send2trash(str(path)) if trash else path.unlink()
            self._conn().execute("DELETE FROM clips WHERE id = ?", (clip_id,))
            removed += 1
        return removed

    def export(self, clip_ids: list[str], folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        for clip_id in clip_ids:
            clip = self.get(clip_id)
            target = folder / Path(clip.path).name
            shutil.copy2(clip.path, target)
            side = sidecar_path(Path(clip.path))
            if side.exists():
                shutil.copy2(side, sidecar_path(target))
            out.append(target)
        return out

    def rebuild(self) -> int:
        """Re-index the library from the files alone: sidecars for generated clips, probing for the rest."""
        conn = self._conn()
        keep = {
            r["path"]: (r["favourite"], r["tags"])
            for r in conn.execute("SELECT path, favourite, tags FROM clips")
        }
        conn.execute("DELETE FROM clips")
        count = 0
        for side in sorted(self.media_dir.glob("*.json")):
            clip = read_sidecar(side)
            if clip is None:
                continue
            fav, tags = keep.get(clip.path, (False, ""))
            self.add(replace(clip, favourite=bool(fav), tags=tags or ""), sidecar=False)
            count += 1
        return count

    def integrity_check(self) -> str:
        return str(self._conn().execute("PRAGMA integrity_check").fetchone()[0])


def _clip(row: sqlite3.Row) -> Clip:
    d = dict(row)
    for b in ("has_audio", "favourite", "is_draft"):
        d[b] = bool(d[b])
    return Clip(**d)


def _title(request: GenerationRequest) -> str:
    text = request.prompt or (request.shots[0].prompt if request.shots else "")
    return (text[:60] + "…") if len(text) > 60 else text or "Untitled"


def _media_facts(path: Path) -> dict[str, Any]:
    if path.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp"):
        from PIL import Image

        with Image.open(path) as im:
            return {
                "kind": "image",
                "width": im.width,
                "height": im.height,
                "size_bytes": path.stat().st_size,
            }
    try:
        info = probe_media(path)
    except MediaError:
        return {"kind": "video", "size_bytes": path.stat().st_size}
    return {
        "kind": "video",
        "duration": info.duration,
        "width": info.width,
        "height": info.height,
        "fps": info.fps,
        "has_audio": info.has_audio,
        "size_bytes": info.size_bytes,
    }


def new_clip_id() -> str:
    return uuid.uuid4().hex[:12]
