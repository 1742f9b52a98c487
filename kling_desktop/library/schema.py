"""The library database's schema: an explicit list of migration steps (``core/migrations.py`` runs them).

Step 1 is exactly what release 0.1.0 created; never edit a step that has shipped, add one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from kling_desktop.core.migrations import Step, migrate
from kling_desktop.library.records import INPUT_FIELDS, INPUT_LISTS

COLUMNS = [
    "id",
    "path",
    "kind",
    "source",
    "title",
    "prompt",
    "negative_prompt",
    "model",
    "model_name",
    "provider",
    "workflow",
    "job_id",
    "task_id",
    "remote_id",
    "cost",
    "created_at",
    "duration",
    "width",
    "height",
    "fps",
    "has_audio",
    "size_bytes",
    "favourite",
    "tags",
    "parent_id",
    "is_draft",
    "request_json",
    "inputs_json",
    "timings_json",
]

# 1 (release 0.1.0): clips + full-text index kept in sync by triggers
STEP_1 = """
CREATE TABLE clips (id TEXT PRIMARY KEY, path TEXT, kind TEXT, source TEXT, title TEXT, prompt TEXT,
    negative_prompt TEXT, model TEXT, model_name TEXT, provider TEXT, workflow TEXT, job_id TEXT, task_id TEXT,
    remote_id TEXT, cost REAL, created_at TEXT, duration REAL, width INTEGER, height INTEGER, fps REAL,
    has_audio INTEGER, size_bytes INTEGER, favourite INTEGER, tags TEXT, parent_id TEXT, is_draft INTEGER,
    request_json TEXT, inputs_json TEXT, timings_json TEXT);
CREATE UNIQUE INDEX clips_path ON clips(path);
CREATE INDEX clips_created ON clips(created_at);
CREATE INDEX clips_model ON clips(model);
CREATE INDEX clips_provider ON clips(provider);
CREATE VIRTUAL TABLE clips_fts USING fts5(title, prompt, negative_prompt, model_name, tags,
                                          content='clips', content_rowid='rowid', tokenize='unicode61');
CREATE TRIGGER clips_ai AFTER INSERT ON clips BEGIN
  INSERT INTO clips_fts(rowid, title, prompt, negative_prompt, model_name, tags)
  VALUES (new.rowid, new.title, new.prompt, new.negative_prompt, new.model_name, new.tags);
END;
CREATE TRIGGER clips_ad AFTER DELETE ON clips BEGIN
  INSERT INTO clips_fts(clips_fts, rowid, title, prompt, negative_prompt, model_name, tags)
  VALUES ('delete', old.rowid, old.title, old.prompt, old.negative_prompt, old.model_name, old.tags);
END;
CREATE TRIGGER clips_au AFTER UPDATE ON clips BEGIN
  INSERT INTO clips_fts(clips_fts, rowid, title, prompt, negative_prompt, model_name, tags)
  VALUES ('delete', old.rowid, old.title, old.prompt, old.negative_prompt, old.model_name, old.tags);
  INSERT INTO clips_fts(rowid, title, prompt, negative_prompt, model_name, tags)
  VALUES (new.rowid, new.title, new.prompt, new.negative_prompt, new.model_name, new.tags);
END;
"""

# 3: keyset paging — one index per gallery order on (key, id); the keys that are expressions are generated
# columns, so a row-value comparison seeks the index however many rows share a key
STEP_3 = """
DROP INDEX clips_created;
ALTER TABLE clips ADD COLUMN sort_title TEXT GENERATED ALWAYS AS (lower(ifnull(title, ''))) VIRTUAL;
ALTER TABLE clips ADD COLUMN sort_duration REAL GENERATED ALWAYS AS (ifnull(duration, -1.0)) VIRTUAL;
CREATE INDEX clips_keyset_created ON clips(created_at, id);
CREATE INDEX clips_keyset_title ON clips(sort_title, id);
CREATE INDEX clips_keyset_duration ON clips(sort_duration, id);
"""

# 4: the folders the artist imported, so a rebuild can find imported clips again
STEP_4 = """
CREATE TABLE import_roots (path TEXT PRIMARY KEY, added_at TEXT NOT NULL DEFAULT '');
INSERT OR IGNORE INTO import_roots(path)
  SELECT DISTINCT rtrim(rtrim(path, replace(path, '/', '')), '/') FROM clips WHERE source = 'imported';
"""


def relative_to_root(path: str, root: Path) -> str:
    """``path`` relative to the library root (POSIX form) when it lies under it, else unchanged."""
    try:
        return PurePosixPath(Path(path).relative_to(root)).as_posix()
    except ValueError:
        return path


def _step_2(root: Path) -> Callable[[sqlite3.Connection], None]:
    """2: paths of the library's own files relative to its root (the folder can move); inputs as records.

    A 0.1.0 file holds absolute paths. A generated clip's file lived in ``<root>/media`` and its inputs in
    ``<root>/inputs``; they become relative when that is where they are now (the folder may have moved since).
    """

    def localise(path: str, folder: str) -> str:
        p = Path(path)
        rel = relative_to_root(path, root)
        if rel != path:
            return rel
        if p.parent.name == folder and (root / folder / p.name).exists():
            return f"{folder}/{p.name}"
        return path

    def step(conn: sqlite3.Connection) -> None:
        rows = conn.execute("SELECT id, path, source, inputs_json FROM clips").fetchall()
        for clip_id, path, source, inputs_json in rows:
            new_path = localise(path, "media") if source == "generated" else path
            inputs = json.loads(inputs_json or "{}")
            kept: dict[str, object] = {}
            for name, value in inputs.items():
                if name in INPUT_FIELDS and isinstance(value, str):
                    kept[name] = {"path": localise(value, "inputs")}
                elif name in INPUT_LISTS and isinstance(value, list):
                    kept[name] = [{"path": localise(v, "inputs")} for v in value if isinstance(v, str)]
            conn.execute(
                "UPDATE clips SET path = ?, inputs_json = ? WHERE id = ?",
                (new_path, json.dumps(kept), clip_id),
            )

    return step


def steps(root: Path) -> list[Step]:
    return [STEP_1, _step_2(root), STEP_3, STEP_4]


def migrate_library(conn: sqlite3.Connection, root: Path) -> int:
    return migrate(conn, steps(root), name="The library index (library.sqlite)")
