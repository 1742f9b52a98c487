"""The migration runner: steps applied once, in order, each in its own transaction; newer files refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kling_desktop.core.migrations import NewerDatabase, migrate, schema_version

STEPS = [
    "CREATE TABLE t (a TEXT);\nCREATE TRIGGER t_ai AFTER INSERT ON t BEGIN SELECT 1; SELECT 2; END;",
    "ALTER TABLE t ADD COLUMN b INTEGER DEFAULT 7;",
]


def _open(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_steps_run_once_and_in_order(tmp_path: Path) -> None:
    conn = _open(tmp_path / "x.sqlite")
    assert migrate(conn, STEPS[:1], name="x") == 1
    conn.execute("INSERT INTO t (a) VALUES ('kept')")
    assert migrate(conn, STEPS, name="x") == 2
    assert migrate(conn, STEPS, name="x") == 2  # nothing left to do
    assert conn.execute("SELECT a, b FROM t").fetchall() == [("kept", 7)]
    assert schema_version(conn) == 2


def test_a_failing_step_leaves_the_file_at_the_previous_version(tmp_path: Path) -> None:
    conn = _open(tmp_path / "x.sqlite")
    migrate(conn, STEPS[:1], name="x")

    def broken(c: sqlite3.Connection) -> None:
        c.execute("ALTER TABLE t ADD COLUMN c TEXT")
        raise ValueError("boom")

    with pytest.raises(ValueError):
        migrate(conn, [STEPS[0], broken], name="x")
    assert schema_version(conn) == 1
    assert [r[1] for r in conn.execute("PRAGMA table_info(t)")] == ["a"]


def test_a_file_from_a_newer_release_is_refused_unchanged(tmp_path: Path) -> None:
    conn = _open(tmp_path / "jobs.sqlite")
    migrate(conn, STEPS, name="jobs.sqlite")
    with pytest.raises(NewerDatabase, match=r"jobs\.sqlite was written by a newer release"):
        migrate(conn, STEPS[:1], name="jobs.sqlite")
    assert schema_version(conn) == 2
