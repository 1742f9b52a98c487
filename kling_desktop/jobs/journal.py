"""The job journal: SQLite, written before anything leaves this computer."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import fields
from pathlib import Path
from typing import Any

from kling_desktop.jobs.model import Job, now_iso
from kling_desktop.jobs.states import JobState

SCHEMA_VERSION = 1
_COLUMNS = [f.name for f in fields(Job)]
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS jobs ({", ".join(c + (" TEXT PRIMARY KEY" if c == "id" else "") for c in _COLUMNS)});
CREATE TABLE IF NOT EXISTS history (job_id TEXT NOT NULL, at TEXT NOT NULL, state TEXT NOT NULL, message TEXT);
CREATE INDEX IF NOT EXISTS history_job ON history(job_id);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state);
"""


class Journal:
    """Thread-safe: one connection per thread; every write is a committed transaction (WAL, synchronous=FULL)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        conn = self._conn().conn
        if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            conn.executescript(f"BEGIN; {_SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")

    def _conn(self) -> _Tx:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            self._local.conn = conn
        return _Tx(conn)

    @staticmethod
    def _row(job: Job) -> dict[str, Any]:
        d = {c: getattr(job, c) for c in _COLUMNS}
        d["state"] = job.state.value
        d["files"] = "\n".join(job.files)
        return d

    @staticmethod
    def _job(row: sqlite3.Row) -> Job:
        d = dict(row)
        d["state"] = JobState(d["state"])
        d["files"] = tuple(f for f in (d["files"] or "").split("\n") if f)
        return Job(**d)

    def add(self, job: Job, message: str = "written to the journal") -> Job:
        row = self._row(job)
        with self._conn() as c:
            c.execute(
                f"INSERT INTO jobs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )
            c.execute(
                "INSERT INTO history VALUES (?, ?, ?, ?)", (job.id, now_iso(), job.state.value, message)
            )
        return job

    def save(self, job: Job, message: str = "") -> Job:
        row = self._row(job)
        with self._conn() as c:
            old = c.execute("SELECT state FROM jobs WHERE id = ?", (job.id,)).fetchone()
            if old is not None and JobState(old["state"]).finished:
                return job  # finished is final: a late write from a cancelled task changes nothing
            c.execute(
                f"UPDATE jobs SET {', '.join(f'{k} = ?' for k in row)} WHERE id = ?", [*row.values(), job.id]
            )
            if old is None or old["state"] != job.state.value or message:
                c.execute(
                    "INSERT INTO history VALUES (?, ?, ?, ?)", (job.id, now_iso(), job.state.value, message)
                )
        return job

    def get(self, job_id: str) -> Job:
        with self._conn() as c:
            row = c.execute("SELECT * FROM jobs WHERE id = ? OR id LIKE ?", (job_id, job_id + "%")).fetchone()
        if row is None:
            raise KeyError(f"No job {job_id!r}. 'kling-desktop jobs list' shows the jobs.")
        return self._job(row)

    def recent(self, limit: int = 200) -> list[Job]:
        with self._conn() as c:
            rows = c.execute("SELECT * FROM jobs ORDER BY created_at DESC LIMIT ?", (limit,)).fetchall()
        return [self._job(r) for r in rows]

    def unfinished(self) -> list[Job]:
        with self._conn() as c:
            rows = c.execute(
                "SELECT * FROM jobs WHERE state NOT IN ('done', 'failed', 'cancelled') ORDER BY created_at"
            ).fetchall()
        return [self._job(r) for r in rows]

    def history(self, job_id: str) -> list[tuple[str, str, str]]:
        with self._conn() as c:
            rows = c.execute(
                "SELECT at, state, message FROM history WHERE job_id = ? ORDER BY rowid", (job_id,)
            )
            return [(r["at"], r["state"], r["message"] or "") for r in rows.fetchall()]

    def integrity_check(self) -> str:
        with self._conn() as c:
            return str(c.execute("PRAGMA integrity_check").fetchone()[0])


class _Tx:
    """``with`` block = one IMMEDIATE transaction, committed on exit."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
