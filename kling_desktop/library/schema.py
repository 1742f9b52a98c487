"""The library database: schema and migrations keyed on ``PRAGMA user_version``."""

from __future__ import annotations

import sqlite3
from dataclasses import fields

from kling_desktop.library.records import Clip

COLUMNS = [f.name for f in fields(Clip)]
_TYPES = {
    "cost": "REAL",
    "duration": "REAL",
    "width": "INTEGER",
    "height": "INTEGER",
    "fps": "REAL",
    "has_audio": "INTEGER",
    "size_bytes": "INTEGER",
    "favourite": "INTEGER",
    "is_draft": "INTEGER",
}

MIGRATIONS: list[str] = [
    # 1: clips + full-text index kept in sync by triggers
    f"""
    CREATE TABLE clips ({
        ", ".join(f"{c} {_TYPES.get(c, 'TEXT')}" + (" PRIMARY KEY" if c == "id" else "") for c in COLUMNS)
    });
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
    """,
]


def migrate(conn: sqlite3.Connection) -> int:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    for number, script in enumerate(MIGRATIONS[version:], version + 1):
        conn.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")
    return len(MIGRATIONS)
