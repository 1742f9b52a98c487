"""Keyset paging: every page, in every order, is the full ordered query cut in pieces (ties included)."""

from __future__ import annotations

import itertools
import re
import threading
from pathlib import Path

import pytest

from kling_desktop.library.query import Cancel, QueryCancelled
from kling_desktop.library.records import SORTS, Clip, ClipFilter
from kling_desktop.library.store import LibraryStore


def _clips(n: int) -> list[Clip]:
    # few distinct keys, so most pages start inside a run of equal sort keys
    return [
        Clip(
            id=f"c{(i * 7919) % n:05}",
            path=f"/elsewhere/c{i}.mp4",
            title=("Harbour", "harbour", "Dunes", "Écluse", "écluse", "")[i % 6] + f" {i % 4}" * (i % 5 != 0),
            prompt="harbour at dusk" if i % 5 == 0 else "a kite",
            created_at=f"2026-11-{1 + i % 6:02}T10:00:00+00:00",
            duration=None if i % 4 == 0 else float(i % 3),
            favourite=i % 2 == 0,
        )
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> LibraryStore:
    tmp = tmp_path_factory.mktemp("paging")
    s = LibraryStore(tmp / "library.sqlite", tmp / "lib")
    assert s.add_many(_clips(503), batch=100) == 503
    return s


def _full(store: LibraryStore, f: ClipFilter, sort: str) -> list[str]:
    key = SORTS[sort]
    where, args = store._where(f)
    sql = " WHERE " + " AND ".join(where) if where else ""
    rows = store._conn().execute(
        f"SELECT id FROM clips{sql} ORDER BY {key.column} {key.direction}, id {key.direction}", args
    )
    return [r[0] for r in rows]


@pytest.mark.parametrize("sort", sorted(SORTS))
@pytest.mark.parametrize("f", [ClipFilter(), ClipFilter(text="harbour", favourites_only=True)])
@pytest.mark.parametrize("page", [1, 7, 50])
def test_pages_put_together_are_the_full_ordered_query(
    store: LibraryStore, sort: str, f: ClipFilter, page: int
) -> None:
    got, after = [], None
    for _ in range(len(_full(store, f, sort)) + 2):  # bounded: a cursor that does not advance fails
        clips = store.query(f, sort, after=after, limit=page)
        assert len(clips) <= page
        got += [c.id for c in clips]
        if len(clips) < page:
            break
        after = store.cursor(clips[-1], sort)
    full = _full(store, f, sort)
    assert got == full and len(set(got)) == len(got) == store.count(f)
    assert list(itertools.islice((c.id for c in store.query_all(f, sort, page=page)), len(full) + 1)) == full


@pytest.mark.parametrize("sort", sorted(SORTS))
def test_a_page_far_down_seeks_the_index_instead_of_scanning(store: LibraryStore, sort: str) -> None:
    last = store.query(sort=sort, limit=500)[-1]
    sql, args = store.page_sql(ClipFilter(), sort, after=store.cursor(last, sort), limit=10)
    plan = " ".join(r[3] for r in store._conn().execute(f"EXPLAIN QUERY PLAN {sql}", args))
    assert re.search(r"SEARCH clips USING (COVERING )?INDEX clips_keyset_\w+ \(", plan), plan
    assert "TEMP B-TREE" not in plan and "OFFSET" not in sql


def test_a_cancelled_query_stops_and_says_so(store: LibraryStore) -> None:
    cancel = Cancel()
    cancel.set()
    with pytest.raises(QueryCancelled):
        store.query(ClipFilter(text="harbour"), cancel=cancel)
    with pytest.raises(QueryCancelled):
        store.count(cancel=cancel)


def test_cancelling_interrupts_a_running_query(tmp_path: Path) -> None:
    s = LibraryStore(tmp_path / "library.sqlite", tmp_path / "lib")
    cancel = Cancel()
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(*) FROM n"
    timer = threading.Timer(0.05, cancel.set)  # another thread replaces the query while it runs
    timer.start()
    with pytest.raises(QueryCancelled), s._cancellable(cancel) as conn:
        conn.execute(endless).fetchone()
    timer.join()
    assert s._conn().execute("SELECT 1").fetchone()[0] == 1  # the connection is usable afterwards
