"""The job journal: SQLite, written before anything leaves this computer."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any, Literal

from kling_desktop.core.migrations import Step, migrate
from kling_desktop.core.request import GenerationRequest
from kling_desktop.jobs.model import Job, now_iso, outputs_from_json, outputs_to_json
from kling_desktop.jobs.states import JobState

# One step per schema version; a file is moved forward step by step (kling_desktop/core/migrations.py).
STEPS: tuple[Step, ...] = (
    # 1 — release 0.1.0, exactly as it wrote the file (its columns were the fields of its Job dataclass).
    """
    CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, task_id, provider, model, request_json, state,
        remote_id, progress, cost, error, files, created_at, submitted_at, finished_at, retry_of, parent_id,
        outputs_json);
    CREATE TABLE IF NOT EXISTS history (job_id TEXT NOT NULL, at TEXT NOT NULL, state TEXT NOT NULL,
        message TEXT);
    CREATE INDEX IF NOT EXISTS history_job ON history(job_id);
    CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state);
    """,
    # 2 — the lifecycle where only the provider's verdict ends an accepted job: who ended a failed job,
    # why a job waits, the last contact with the provider, the next check, the status line.
    """
    ALTER TABLE jobs ADD COLUMN failed_by TEXT;
    ALTER TABLE jobs ADD COLUMN wait_reason TEXT;
    ALTER TABLE jobs ADD COLUMN waiting_since TEXT;
    ALTER TABLE jobs ADD COLUMN last_contact_at TEXT;
    ALTER TABLE jobs ADD COLUMN last_progress_at TEXT;
    ALTER TABLE jobs ADD COLUMN next_check_at TEXT;
    ALTER TABLE jobs ADD COLUMN notice TEXT;
    """,
)
SCHEMA_VERSION = len(STEPS)
COLUMNS = (
    "id",
    "task_id",
    "provider",
    "model",
    "request_json",
    "state",
    "remote_id",
    "progress",
    "cost",
    "error",
    "files",
    "created_at",
    "submitted_at",
    "finished_at",
    "retry_of",
    "parent_id",
    "outputs_json",
    "failed_by",
    "wait_reason",
    "waiting_since",
    "last_contact_at",
    "last_progress_at",
    "next_check_at",
    "notice",
)
Write = tuple[Literal["add", "save"], Job, str]  # what to write, the job, the history message
_PLAIN = frozenset(COLUMNS) - {"request_json", "state", "files", "outputs_json", "notice", "error"}


def job_to_row(job: Job) -> dict[str, Any]:
    row = {c: getattr(job, c) for c in _PLAIN}
    row.update(
        request_json=job.request.model_dump_json(),
        state=job.state.value,
        files="\n".join(job.files),
        outputs_json=outputs_to_json(job.outputs),
        error=job.error,
        notice=job.notice,
    )
    return row


def job_from_row(row: sqlite3.Row) -> Job:
    d = dict(row)
    plain: dict[str, Any] = {c: d.get(c) for c in _PLAIN}
    return Job(
        **plain,
        request=GenerationRequest.model_validate_json(d["request_json"]),
        state=JobState(d["state"]),
        files=tuple(f for f in (d["files"] or "").split("\n") if f),
        outputs=outputs_from_json(d["outputs_json"]),
        error=d["error"] or "",
        notice=d.get("notice") or "",
    )


class Journal:
    """Thread-safe: one connection per thread; every write is a committed transaction (WAL, synchronous=FULL)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        migrate(self._conn().conn, STEPS, name=f"The job journal {path.name}")

    def _conn(self) -> _Tx:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            self._local.conn = conn
        return _Tx(conn)

    def add(self, job: Job, message: str = "written to the journal") -> Job:
        with self._conn() as c:
            return self._add_row(c, job, message)

    def save(self, job: Job, message: str = "") -> Job:
        with self._conn() as c:
            return self._save_row(c, job, message)

    def write_many(self, writes: list[Write]) -> list[Job | Exception]:
        """Several adds and saves in one transaction: one commit (one flush to the disk) for all of them.
        Each write is its own savepoint, so one that fails (its exception is returned in its place) leaves the
        others intact; when the commit itself fails, every write fails with it (raised)."""
        results: list[Job | Exception] = []
        with self._conn() as c:
            for kind, job, message in writes:
                c.execute("SAVEPOINT write")
                try:
                    results.append(
                        self._add_row(c, job, message) if kind == "add" else self._save_row(c, job, message)
                    )
                except sqlite3.Error as exc:
                    c.execute("ROLLBACK TO write")
                    results.append(exc)
                c.execute("RELEASE write")
        return results

    @staticmethod
    def _add_row(c: sqlite3.Connection, job: Job, message: str) -> Job:
        row = job_to_row(job)
        c.execute(
            f"INSERT INTO jobs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
        c.execute("INSERT INTO history VALUES (?, ?, ?, ?)", (job.id, now_iso(), job.state.value, message))
        return job

    @staticmethod
    def _save_row(c: sqlite3.Connection, job: Job, message: str) -> Job:
        old = c.execute("SELECT state FROM jobs WHERE id = ?", (job.id,)).fetchone()
        if old is not None and JobState(old["state"]).finished:
            return job  # finished is final: a late write from a cancelled task changes nothing
        row = job_to_row(job)
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
        return job_from_row(row)

    def recent(self, limit: int = 200) -> list[Job]:
        with self._conn() as c:
            rows = c.execute("SELECT * FROM jobs ORDER BY created_at DESC LIMIT ?", (limit,)).fetchall()
        return [job_from_row(r) for r in rows]

    def unfinished(self) -> list[Job]:
        """Every job without an end: the provider's verdict, a failure here, or the user's word."""
        with self._conn() as c:
            rows = c.execute(
                "SELECT * FROM jobs WHERE state NOT IN ('done', 'failed', 'cancelled') ORDER BY created_at"
            ).fetchall()
        return [job_from_row(r) for r in rows]

    def orphaned(self) -> list[Job]:
        """Accepted tasks marked failed by an older release (no ``failed_by``) that nobody re-attached to yet:
        that release ended paid jobs on outages, without the provider's verdict."""
        with self._conn() as c:
            rows = c.execute(
                "SELECT * FROM jobs AS j WHERE state = 'failed' AND failed_by IS NULL AND submitted_at IS NOT NULL "
                "AND provider != 'local' AND NOT EXISTS (SELECT 1 FROM jobs AS r WHERE r.retry_of = j.id) "
                "ORDER BY created_at"
            ).fetchall()
        return [job_from_row(r) for r in rows]

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
