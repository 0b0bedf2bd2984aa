"""The SQLite store: one file, WAL, foreign keys, FTS5, migrations, one write path.

Every write goes through :meth:`SQLiteStore.write`, a re-entrant transaction guarded by
one lock (and SQLite's own write lock, taken at once by ``BEGIN IMMEDIATE``): a
batch of articles, their enrichment and their placement in events are committed
together or not at all, so a crash or Ctrl-C mid-ingest leaves the store as it
was after the last whole batch.

Reads from several threads (the web server's) each go through a connection of their own: one SQLite
connection used by two threads at once can hang both (a query calling storyline's ``casefold`` waits for
Python's lock while the thread holding it waits for the connection). :meth:`SQLiteStore.snapshot` makes a
thread's reads see one state of the store, whatever another process commits meanwhile.

A store opened with ``read_only=True`` (what the read commands do) writes
nothing: no switch to WAL, no migration. It refuses a file that does not exist
instead of creating an empty store, works on read-only media, and says so when
the file needs a migration first. A damaged file, or one that is not a store,
is a :class:`~storyline.errors.StoreError` naming the file and what to do.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from ..errors import StoreError
from .base import query_words
from .files import check_ours, check_size, connect, connect_read_only, store_failure
from .migrations import migrate
from .sql import SQLStore


class SQLiteStore(SQLStore):
    """Articles, enrichment, events and stories in one SQLite file (``":memory:"`` for tests)."""

    def __init__(self, path: str | Path = "storyline.db", read_only: bool = False):
        self.path = str(path)
        self.url = self.path
        self.read_only = read_only
        self._lock = threading.RLock()
        self._depth = 0
        self._owner: int | None = None  # the thread inside the write transaction
        self._opener = threading.get_ident()
        self._local = threading.local()  # each other thread's reading connection
        self._snapshots = threading.local()  # the connection of this thread's snapshot, if any (SQLStore.snapshot)
        self._readers: list[sqlite3.Connection] = []
        self.migrations_applied: list[str] = []
        if read_only:
            self.conn = connect_read_only(self.path)
            self.conn.row_factory = sqlite3.Row
            return
        try:
            self.conn = connect(self.path)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc}). Check the path and its permissions.") from None
        self.conn.row_factory = sqlite3.Row
        try:
            check_ours(self.conn, self.path)  # before anything is written to it
            if self.path != ":memory:":
                self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            check_size(self.conn, self.path)
            with self.write():
                self.migrations_applied = migrate(self.conn)
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise store_failure(self.path, exc) from None
        except StoreError:
            self.conn.close()
            raise

    def close(self) -> None:
        with self._lock:
            for conn in [*self._readers, self.conn]:
                conn.close()
            self._readers.clear()

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    # --- the one write path -------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[None]:
        """A write transaction; nested calls join the outermost one."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened for reading only; this command cannot change the store.")
        self._refuse_in_snapshot()
        with self._lock:
            if self._depth == 0:
                self.conn.execute("BEGIN IMMEDIATE")
                self._owner = threading.get_ident()
            self._depth += 1
            try:
                yield
                if self._depth == 1:
                    self._bump_if_ready()
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._owner = None
                    self.conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self.conn.execute("COMMIT")

    def _reading(self) -> sqlite3.Connection:
        """The connection this thread reads through: the store's own in the thread that opened it, inside this
        thread's write transaction (to see what it wrote) and for a store in memory (which no other connection
        sees), each read under the store's lock; else one of the thread's own."""
        if threading.get_ident() in (self._owner, self._opener) or self.path == ":memory:":
            return self.conn
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect_read_only(self.path) if self.read_only else connect(self.path)
            conn.row_factory = sqlite3.Row
            with self._lock:
                self._readers.append(conn)
            self._local.conn = conn
        return conn

    @contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection]:
        """This thread's reading connection (:meth:`_reading`), under the store's lock when it is the store's own."""
        conn = self._reading()
        with self._lock if conn is self.conn else nullcontext():
            yield conn

    @contextmanager
    def _snapshot_connection(self) -> Iterator[sqlite3.Connection | None]:
        """This thread's reading connection for a snapshot (held under the store's lock when it is the store's
        own), or None inside a transaction on it already."""
        with self._reader() as conn:
            yield None if conn.in_transaction else conn

    def _bump_if_ready(self) -> None:
        if self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'store_state'").fetchone():
            self._bump()

    def _all(self, sql: str, params: Iterable[Any] = ()) -> list[Mapping[str, Any]]:
        with self._reader() as conn:
            return conn.execute(sql, tuple(params)).fetchall()

    def _many(self, sql: str, rows: list[tuple] | list[dict]) -> None:
        self.conn.executemany(sql, rows)

    def _search_rows(self, query: str, clauses: str, params: list[Any], limit: int | None, offset: int) -> list[dict]:
        rows = self._all(
            "SELECT a.id, a.title, a.outlet, a.published, a.language, a.event_id, a.text, bm25(articles_fts) AS rank "
            "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            f"WHERE articles_fts MATCH ? {clauses} ORDER BY rank, a.id LIMIT ? OFFSET ?",
            [_fts_query(query), *params, *self._limit(limit, offset)],
        )
        out = []
        for r in rows:
            row = dict(r)
            relevance = max(1e-6, -row.pop("rank"))  # bm25: lower (more negative) is better; a match is above 0
            out.append(row | {"score": relevance / (1.0 + relevance) if math.isfinite(relevance) else 1.0})
        return out


def _fts_query(query: str) -> str:
    """Quote each word so user input is never parsed as FTS5 syntax."""
    return " ".join(f'"{w}"' for w in query_words(query)) or '""'
