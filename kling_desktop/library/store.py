"""The gallery store: an SQLite index (FTS5 search) over media files that carry JSON sidecars."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from send2trash import send2trash

from kling_desktop.catalog.models import UnknownModel, get_model
from kling_desktop.core.request import GenerationRequest
from kling_desktop.core.validation import choose_workflow
from kling_desktop.library.keep import PARTIAL_PREFIX, keep_file
from kling_desktop.library.media_facts import clip_title, media_facts
from kling_desktop.library.naming import readable_name, unique_name
from kling_desktop.library.query import SELECT, Cancel, cancellable, page_sql, where
from kling_desktop.library.records import (
    INPUT_FIELDS,
    INPUT_LISTS,
    SORTS,
    Clip,
    ClipFilter,
    ClipInputs,
    ClipTimings,
    Cursor,
    FinishedJob,
    KeptInput,
    parse_request,
    request_json,
)
from kling_desktop.library.schema import COLUMNS, migrate_library, relative_to_root
from kling_desktop.library.sidecar import read_sidecar, sidecar_path, write_sidecar

_TYPED = {"request", "inputs", "timings"}
NAMES_DIR = ".names"  # readable hard links for drag-out


class LibraryStore:
    """Safe to call from any thread (one SQLite connection per thread). Never call it on the GUI thread."""

    def __init__(self, db_path: Path, root: Path) -> None:
        self.db_path, self.root = db_path, root
        self.media_dir, self.inputs_dir = root / "media", root / "inputs"
        for d in (db_path.parent, self.media_dir, self.inputs_dir):
            d.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        migrate_library(self._conn(), root)
        self.clean_partials()  # copies a killed run left behind (an hour old: none still being written)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.db_path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        return conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # ---- rows <-> records (the only place JSON is parsed or written) -----------------------------------
    def _row(self, clip: Clip) -> list[Any]:
        values = {
            c: getattr(clip, c) for c in COLUMNS if c not in ("request_json", "inputs_json", "timings_json")
        }
        values["path"] = relative_to_root(clip.path, self.root)
        values["request_json"] = request_json(clip.request)
        values["inputs_json"] = clip.inputs.to_json()
        values["timings_json"] = clip.timings.to_json()
        return [values[c] for c in COLUMNS]

    def _clip(self, row: sqlite3.Row) -> Clip:
        d = dict(row)
        for b in ("has_audio", "favourite", "is_draft"):
            d[b] = bool(d[b])
        path = d["path"]
        d["path"] = path if os.path.isabs(path) else str(self.root / path)
        d["request"] = parse_request(d.pop("request_json"))
        inputs = ClipInputs.model_validate_json(d.pop("inputs_json") or "{}")
        d["inputs"] = self._absolute_inputs(inputs)
        d["timings"] = ClipTimings.model_validate_json(d.pop("timings_json") or "{}")
        for k in ("title", "prompt", "negative_prompt", "tags", "model", "model_name", "provider"):
            d[k] = d[k] or ""
        d["size_bytes"] = d["size_bytes"] or 0
        return Clip(**d)

    def _absolute_inputs(self, inputs: ClipInputs) -> ClipInputs:
        def fix(k: KeptInput) -> KeptInput:
            return k if os.path.isabs(k.path) else k.model_copy(update={"path": str(self.root / k.path)})

        changes: dict[str, Any] = {}
        for name, kept in inputs.items():
            fixed = tuple(fix(k) for k in kept)
            changes[name] = fixed[0] if name in INPUT_FIELDS else fixed
        return inputs.model_copy(update=changes) if changes else inputs

    def _relative_inputs(self, inputs: ClipInputs) -> ClipInputs:
        changes: dict[str, Any] = {}
        for name, kept in inputs.items():
            fixed = tuple(k.model_copy(update={"path": relative_to_root(k.path, self.root)}) for k in kept)
            changes[name] = fixed[0] if name in INPUT_FIELDS else fixed
        return inputs.model_copy(update=changes) if changes else inputs

    # ---- adding ----------------------------------------------------------------------------------------
    def add(self, clip: Clip, *, sidecar: bool = True) -> Clip:
        stored = replace(clip, inputs=self._relative_inputs(clip.inputs))
        self._conn().execute(
            f"INSERT OR REPLACE INTO clips ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            self._row(stored),
        )
        if sidecar and clip.source == "generated":
            write_sidecar(clip)
        return clip

    def add_many(self, clips: Iterable[Clip], *, batch: int = 5000) -> int:
        """Index many clips in a few transactions (no sidecars): for tools, tests and benchmarks."""
        sql = f"INSERT OR REPLACE INTO clips ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
        count, rows = 0, []
        for clip in clips:
            rows.append(self._row(replace(clip, inputs=self._relative_inputs(clip.inputs))))
            if len(rows) >= batch:
                with self._transaction() as conn:
                    conn.executemany(sql, rows)
                count, rows = count + len(rows), []
        if rows:
            with self._transaction() as conn:
                conn.executemany(sql, rows)
            count += len(rows)
        return count

    def add_job_result(self, job: FinishedJob) -> list[Clip]:
        """The job journal's sink: index each finished file with its full provenance."""
        request = job.request
        try:
            spec = get_model(request.model)
            model_name, workflow = spec.name, choose_workflow(request, spec).value
        except UnknownModel:
            model_name, workflow = request.model, ""
        inputs = self.keep_inputs(request)
        clips = []
        for n, path in enumerate(job.files):
            media = media_facts(Path(path))
            clip = Clip(
                id=job.id if n == 0 else f"{job.id}-{n}",
                path=str(path),
                kind=media.pop("kind"),
                title=clip_title(request),
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
                request=request,
                inputs=inputs,
                timings=ClipTimings(
                    created=job.created_at, submitted=job.submitted_at, finished=job.finished_at
                ),
                **media,
            )
            clips.append(self.add(clip))
        return clips

    def keep_inputs(self, request: GenerationRequest) -> ClipInputs:
        """Copy every input into ``inputs/<sha256>.<ext>`` (deduplicated, never a truncated file under the
        final name): provenance outlives the originals. The artist's file names are kept with them."""
        names = original_names(request)
        out: dict[str, Any] = {}

        def keep(value: str) -> KeptInput | None:
            src = Path(value)
            if not src.is_file():
                return None
            kept, digest = keep_file(src, self.inputs_dir)
            return KeptInput(path=str(kept), name=names.get(value, src.name), sha256=digest)

        for name in INPUT_FIELDS:
            value = getattr(request, name)
            if value and (k := keep(value)) is not None:
                out[name] = k
        for name in INPUT_LISTS:
            kept = tuple(k for p in getattr(request, name) if (k := keep(p)) is not None)
            if kept:
                out[name] = kept
        return ClipInputs(**out)

    # ---- reading ---------------------------------------------------------------------------------------
    def query(
        self,
        f: ClipFilter | None = None,
        sort: str = "newest",
        *,
        after: Cursor | None = None,
        limit: int = 100,
        cancel: Cancel | None = None,
    ) -> list[Clip]:
        """One page in gallery order, starting after ``after`` (keyset paging: no OFFSET, so the last page
        costs what the first does). Pass ``cursor(last_clip, sort)`` of a page to get the next one."""
        sql, args = self.page_sql(f, sort, after=after, limit=limit)
        with self._cancellable(cancel) as conn:
            rows = conn.execute(sql, args).fetchall()
        return [self._clip(r) for r in rows]

    def page_sql(
        self,
        f: ClipFilter | None = None,
        sort: str = "newest",
        *,
        after: Cursor | None = None,
        limit: int = 100,
    ) -> tuple[str, list[Any]]:
        """The statement ``query`` runs (tests read its plan)."""
        return page_sql(f or ClipFilter(), sort, after, limit)

    def _where(self, f: ClipFilter) -> tuple[list[str], list[Any]]:
        return where(f)

    def _cancellable(self, cancel: Cancel | None) -> AbstractContextManager[sqlite3.Connection]:
        return cancellable(self._conn(), cancel)

    @staticmethod
    def cursor(clip: Clip, sort: str = "newest") -> Cursor:
        return (SORTS.get(sort, SORTS["newest"]).value(clip), clip.id)

    def query_all(self, f: ClipFilter | None = None, sort: str = "newest", page: int = 500) -> Iterator[Clip]:
        """Every matching clip in gallery order, fetched page by page."""
        after: Cursor | None = None
        while True:
            clips = self.query(f, sort, after=after, limit=page)
            yield from clips
            if len(clips) < page:
                return
            after = self.cursor(clips[-1], sort)

    def count(self, f: ClipFilter | None = None, *, cancel: Cancel | None = None) -> int:
        clauses, args = self._where(f or ClipFilter())
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        with self._cancellable(cancel) as conn:
            return int(conn.execute(f"SELECT COUNT(*) FROM clips{where}", args).fetchone()[0])

    def get(self, clip_id: str) -> Clip:
        row = self._conn().execute(f"{SELECT} WHERE id = ?", (clip_id,)).fetchone()
        if row is None:
            raise KeyError(f"No clip {clip_id!r} in the library.")
        return self._clip(row)

    def distinct(self, column: str) -> list[str]:
        if column not in ("model", "provider", "kind"):
            raise ValueError(column)
        rows = self._conn().execute(f"SELECT DISTINCT {column} FROM clips WHERE {column} != '' ORDER BY 1")
        return [r[0] for r in rows.fetchall()]

    # ---- changing --------------------------------------------------------------------------------------
    def update(self, clip_id: str, **changes: Any) -> Clip:
        clip = replace(self.get(clip_id), **changes)
        stored = dict(
            zip(COLUMNS, self._row(replace(clip, inputs=self._relative_inputs(clip.inputs))), strict=True)
        )
        columns = [f"{k}_json" if k in _TYPED else k for k in changes]
        sets = ", ".join(f"{c} = ?" for c in columns)
        self._conn().execute(
            f"UPDATE clips SET {sets} WHERE id = ?", [*(stored[c] for c in columns), clip_id]
        )
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
            shutil.rmtree(self.root / NAMES_DIR / clip_id, ignore_errors=True)  # drag-out links
            self._conn().execute("DELETE FROM clips WHERE id = ?", (clip_id,))
            removed += 1
        return removed

    def export(self, clip_ids: list[str], folder: Path) -> list[Path]:
        """Copy clips to ``folder`` under readable names (date, model, start of the prompt), never over a
        file that is there; each sidecar goes along."""
        folder.mkdir(parents=True, exist_ok=True)
        taken = {p.name.casefold() for p in folder.iterdir()}
        out = []
        for clip_id in clip_ids:
            clip = self.get(clip_id)
            name = unique_name(readable_name(clip), taken)
            taken.add(name.casefold())
            target = folder / name
            shutil.copy2(clip.path, target)
            side = sidecar_path(Path(clip.path))
            if side.exists():
                shutil.copy2(side, sidecar_path(target))
            out.append(target)
        return out

    def readable_link(self, clip: Clip) -> Path:
        """A hard link to the clip's file under its readable name (for drag-out); the file itself if the file
        system cannot link. Cheap: no data is copied."""
        folder = self.root / NAMES_DIR / clip.id
        target = folder / readable_name(clip)
        if target.exists():
            return target
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.iterdir():  # renamed since: drop the old name
                old.unlink()
            os.link(clip.path, target)
        except OSError:
            return Path(clip.path)
        return target

    # ---- import roots and rebuild -----------------------------------------------------------------------
    def add_import_root(self, folder: Path) -> None:
        self._conn().execute(
            "INSERT OR IGNORE INTO import_roots(path, added_at) VALUES (?, ?)",
            (str(folder.resolve()), datetime.now(UTC).isoformat(timespec="seconds")),
        )

    def import_roots(self) -> list[Path]:
        return [Path(r[0]) for r in self._conn().execute("SELECT path FROM import_roots ORDER BY path")]

    def rebuild(self) -> RebuildReport:
        """Re-index the library from the files, in one transaction: sidecars for generated clips, the import
        roots (probed again) for imported ones, and any clip whose file is still where the index said.
        Favourites and tags survive; only a clip whose file is gone is dropped."""
        conn = self._conn()
        old = [self._clip(r) for r in conn.execute(SELECT)]
        report = RebuildReport()
        with self._transaction():
            conn.execute("DELETE FROM clips")
            for side in sorted(self.media_dir.glob("*.json")):
                clip = read_sidecar(side)
                if clip is not None:
                    self.add(clip, sidecar=False)
                    report.generated += 1
            report.problems += self._reimport(old)
            for clip in old:
                if not self._has(clip.id) and clip.source == "generated" and Path(clip.path).is_file():
                    self.add(clip)  # its sidecar was lost: write it again
                    report.generated += 1
            for clip in old:
                if (clip.favourite or clip.tags) and self._has(clip.id):
                    conn.execute(
                        "UPDATE clips SET favourite = ?, tags = ? WHERE id = ?",
                        (int(clip.favourite), clip.tags, clip.id),
                    )
        now = {r[0] for r in conn.execute("SELECT id FROM clips")}
        report.imported = len(now) - report.generated
        report.dropped = len({c.id for c in old} - now)
        self.clean_partials()
        return report

    def _reimport(self, old: list[Clip]) -> list[str]:
        from kling_desktop.library.importer import import_folder

        problems: list[str] = []
        for root in self.import_roots():
            problems += import_folder(self, root, remember=False).problems
        for clip in old:  # imported outside any known root: probe the file again where it is
            if clip.source == "imported" and Path(clip.path).is_file() and not self._has(clip.id):
                problems += import_folder(self, Path(clip.path), remember=False).problems
        return problems

    def _has(self, clip_id: str) -> bool:
        return self._conn().execute("SELECT 1 FROM clips WHERE id = ?", (clip_id,)).fetchone() is not None

    def clean_partials(self, max_age_s: float = 3600) -> int:
        """Remove temporary copies an interrupted input copy left behind (older than ``max_age_s``)."""
        removed, now = 0, time.time()
        for p in self.inputs_dir.glob(f"{PARTIAL_PREFIX}*"):
            try:
                if now - p.stat().st_mtime >= max_age_s:
                    p.unlink()
                    removed += 1
            except OSError:
                continue
        return removed

    def integrity_check(self) -> str:
        return str(self._conn().execute("PRAGMA integrity_check").fetchone()[0])


class RebuildReport:
    def __init__(self) -> None:
        self.generated = 0
        self.imported = 0
        self.dropped = 0
        self.problems: list[str] = []

    @property
    def total(self) -> int:
        return self.generated + self.imported


def original_names(request: GenerationRequest) -> dict[str, str]:
    """Input path → the file name the artist chose, as the request records it (copies made to normalise an
    image carry a hashed name)."""
    return dict(request.input_names)


def new_clip_id() -> str:
    return uuid.uuid4().hex[:12]
