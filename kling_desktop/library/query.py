"""Reading the library index: filters as SQL, keyset pages, and queries a newer one can cancel."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kling_desktop.library.records import SORTS, ClipFilter, Cursor
from kling_desktop.library.schema import COLUMNS

SELECT = f"SELECT {', '.join(COLUMNS)} FROM clips"


class QueryCancelled(Exception):
    """A newer query replaced this one before it finished."""


class Cancel:
    """A token a caller sets to stop a running query (the query raises :class:`QueryCancelled`)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


def where(f: ClipFilter) -> tuple[list[str], list[Any]]:
    """The filter as SQL conditions and their arguments (user text never breaks the query)."""
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
    return clauses, args


def page_sql(f: ClipFilter, sort: str, after: Cursor | None, limit: int) -> tuple[str, list[Any]]:
    """One page in gallery order after the cursor ``after`` (keyset paging: no OFFSET)."""
    key = SORTS.get(sort, SORTS["newest"])
    clauses, args = where(f)
    if after is not None:
        clauses.append(f"({key.column}, id) {'<' if key.direction == 'DESC' else '>'} (?, ?)")
        args.extend(after)
    sql_where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    order = f"{key.column} {key.direction}, id {key.direction}"
    return f"{SELECT}{sql_where} ORDER BY {order} LIMIT ?", [*args, limit]


@contextmanager
def cancellable(conn: sqlite3.Connection, cancel: Cancel | None) -> Iterator[sqlite3.Connection]:
    """Run statements on ``conn`` that stop (raising QueryCancelled) soon after ``cancel`` is set."""
    if cancel is None:
        yield conn
        return
    if cancel.cancelled:
        raise QueryCancelled()
    conn.set_progress_handler(lambda: 1 if cancel.cancelled else 0, 2000)
    try:
        yield conn
    except sqlite3.OperationalError as exc:
        if cancel.cancelled and "interrupt" in str(exc):
            raise QueryCancelled() from exc
        raise
    finally:
        conn.set_progress_handler(None, 0)
