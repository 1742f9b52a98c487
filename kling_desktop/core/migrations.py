"""Schema migrations for the app's SQLite files (the job journal and the library index).

Each database keeps an ordered list of steps; step *n* brings the file from ``user_version`` n-1 to n. A file
opened by this release is moved forward one committed transaction per step, so a crash between steps leaves a
file at a known version. A file written by a newer release is refused (a downgrade would lose data).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

Step = str | Callable[[sqlite3.Connection], None]


class NewerDatabase(RuntimeError):
    """The file was written by a newer release of the app."""


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, steps: Sequence[Step], *, name: str) -> int:
    """Apply the steps this file has not had yet; return the version it is at now.

    ``conn`` must be in autocommit mode (``isolation_level=None``). ``name`` is used in messages.
    """
    current = schema_version(conn)
    if current > len(steps):
        raise NewerDatabase(
            f"{name} was written by a newer release of Kling Desktop (schema {current}, this release knows "
            f"up to {len(steps)}). Update the app; the file was left unchanged."
        )
    for version, step in enumerate(steps, start=1):
        if version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if isinstance(step, str):
                for statement in _statements(step):
                    conn.execute(statement)
            else:
                step(conn)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return len(steps)


def _statements(script: str) -> list[str]:
    """Split a script into complete statements (triggers keep their inner semicolons)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
