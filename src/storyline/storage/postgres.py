"""The PostgreSQL store (psycopg 3): for stores that outgrow one file, and for several writers at once.

- **Schema** as in SQLite, created by named migrations (:mod:`.pg_migrations`)
  recorded in the ``migrations`` table, each run in a transaction under the
  store's advisory lock, so two processes starting at once migrate once.
- **Search** over a generated ``tsvector`` column (title weighted above text)
  with a GIN index; ranked by ``ts_rank_cd`` normalised to [0, 1].
- **Vectors** are kept beside the rows (``bytea`` float32), and the in-process
  ANN index is rebuilt from them as with SQLite; no pgvector is needed.
- **Writes** go through one connection and :meth:`PostgresStore.write`, a
  transaction that first takes a transaction-scoped advisory lock
  (``pg_advisory_xact_lock``). So the write transactions of every process on
  one database run one at a time: an ingest's batch (its id and hash checks,
  deduplication, entities, rows and placement in events) is serialised with
  every other process's, and each batch sees all batches committed before it.
  The pipeline notices, by :meth:`generation`, when another process wrote
  since its last batch and reloads its in-memory state before placing. The
  map (cleaning, enrichment, embedding) runs outside the lock, in parallel.
- **Reads** outside a write transaction go through a connection pool
  (``psycopg_pool``), so ``serve`` answers requests on several threads at once.
  A store opened ``read_only`` sets ``default_transaction_read_only``: the
  server refuses its writes.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from ..errors import StoreError
from ..models import Article
from .base import redact
from .pg_migrations import LOCK_KEY, fold, has_icu, migrate, pending
from .rows import ARTICLE_COLUMNS
from .sql import SQLStore

RAW = ARTICLE_COLUMNS.index("raw")
CONNECT_TIMEOUT = 15  # seconds to wait for the server to answer a connection


def postgres_failure(url: str, exc: BaseException) -> StoreError:
    """A one-line StoreError for a PostgreSQL error on the store at ``url``."""
    where = redact(url)
    text = redact(" ".join(str(exc).split()).replace(url, where))  # the driver may repeat the URL it was given
    if isinstance(exc, psycopg.OperationalError):
        return StoreError(f"{where}: cannot reach the PostgreSQL store ({text}). Check the URL, that the server runs "
                          "and accepts this user, then try again.")  # fmt: skip
    if isinstance(exc, psycopg.errors.ReadOnlySqlTransaction):
        return StoreError(f"{where}: opened for reading only; this command cannot change the store.")
    return StoreError(f"{where}: the PostgreSQL store failed ({text}).")


class PostgresStore(SQLStore):
    """Articles, enrichment, events and stories in a PostgreSQL database."""

    SEQ = "seq"
    NO_LIMIT = None
    SAME = "IS NOT DISTINCT FROM"
    BEGIN_SNAPSHOT = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
    GIVEN_OUTLET = "(hints::json ->> 'outlet') IS NOT NULL"
    C = ' COLLATE "C"'  # listings in SQLite's order whatever the database's collation ("AP" before "Abu Dhabi")

    def __init__(self, url: str, read_only: bool = False, pool_size: int = 4):
        self.url = url
        self.read_only = read_only
        self.migrations_applied: list[str] = []
        self._lock = threading.RLock()
        self._snapshots = threading.local()  # the connection of this thread's snapshot, if any
        self._depth = 0
        self._owner: int | None = None
        self._conn: psycopg.Connection | None = None
        # only a read-only store sets options: an empty one would replace those the URL gives (a search_path)
        options = {"options": "-c default_transaction_read_only=on"} if read_only else {}
        try:  # one connection first: the pool retries a refused one, logging each try, and says only that it timed out
            first = psycopg.connect(url, autocommit=True, row_factory=dict_row, **options,
                                    connect_timeout=CONNECT_TIMEOUT)  # fmt: skip
        except psycopg.Error as exc:
            raise postgres_failure(url, exc) from None
        try:
            self._icu = has_icu(first)
        except psycopg.Error as exc:
            first.close()
            raise postgres_failure(url, exc) from None
        if read_only:
            first.close()
        else:
            self._conn = first  # the one write connection
        self._pool = ConnectionPool(url, min_size=1, max_size=pool_size, open=False,
                                    kwargs={"autocommit": True, "row_factory": dict_row, **options})  # fmt: skip
        try:
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT)
        except psycopg.Error as exc:
            self.close()
            raise postgres_failure(url, exc) from None
        except Exception as exc:  # the pool's PoolTimeout: the server never answered
            self.close()
            raise StoreError(f"{redact(url)}: cannot connect to the PostgreSQL store ({exc}). Check the URL, that the "
                             "server runs and accepts this user, then try again.") from None  # fmt: skip
        try:
            if read_only:
                with self._pool.connection() as conn:
                    missing = pending(conn)
                if missing:
                    raise StoreError(f"{redact(url)}: the store is empty or was written by an older storyline "
                                     f"({', '.join(missing)} not applied). Run `storyline migrate --db URL`, or "
                                     "ingest into it first.")  # fmt: skip
                return
            with self.write():
                self.migrations_applied = migrate(self._conn)
        except psycopg.Error as exc:
            self.close()
            raise postgres_failure(url, exc) from None
        except StoreError:
            self.close()
            raise

    def folded(self, expr: str) -> str:
        return fold(expr, self._icu)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._pool.close()

    def __repr__(self) -> str:
        return f"PostgresStore({redact(self.url)!r})"

    # --- the one write path -------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[None]:
        """A write transaction under the store's advisory lock; nested calls join the outermost one."""
        if self.read_only or self._conn is None:
            raise StoreError(f"{redact(self.url)}: opened for reading only; this command cannot change the store.")
        self._refuse_in_snapshot()
        with self._lock:
            if self._depth == 0:
                self._conn.execute("BEGIN")
                self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                self._owner = threading.get_ident()
            self._depth += 1
            try:
                yield
                if self._depth == 1 and self.migrations_applied is not None and self._has_state():
                    self._bump()
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._owner = None
                    self._conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self._conn.execute("COMMIT")

    def _has_state(self) -> bool:
        row = self._conn.execute("SELECT to_regclass('store_state') IS NOT NULL AS ok").fetchone()
        return bool(row["ok"])

    @contextmanager
    def _reader(self) -> Iterator[psycopg.Connection]:
        """The write connection inside this thread's write transaction (to see what it wrote), the snapshot's inside
        this thread's :meth:`snapshot`, else one from the pool."""
        if self._depth and self._owner == threading.get_ident():
            yield self._conn
        elif (held := getattr(self._snapshots, "conn", None)) is not None:
            yield held
        else:
            with self._pool.connection() as conn:
                yield conn

    @contextmanager
    def _snapshot_connection(self) -> Iterator[psycopg.Connection | None]:
        """A pooled connection for this thread's snapshot (repeatable read), or None inside one already."""
        if (self._depth and self._owner == threading.get_ident()) or getattr(self._snapshots, "conn", None) is not None:
            yield None
        else:
            with self._pool.connection() as conn:
                yield conn

    def _all(self, sql: str, params: Iterable[Any] = ()) -> list[Mapping[str, Any]]:
        with self._reader() as conn:
            return conn.execute(_pg(sql), tuple(params)).fetchall()

    def _many(self, sql: str, rows: list[tuple] | list[dict]) -> None:
        if not rows:
            return
        if not (self._depth and self._owner == threading.get_ident()):
            with self.write():
                self._many(sql, rows)
            return
        with self._conn.cursor() as cur:
            cur.executemany(_pg(sql), rows)

    def _article_row(self, article: Article, vector_key: str | None, minhash: bytes | None) -> tuple:
        """The raw input is kept as UTF-8 bytes: a PostgreSQL text cannot hold the NUL characters an input may have."""
        row = list(super()._article_row(article, vector_key, minhash))
        row[RAW] = row[RAW].encode("utf-8", "surrogatepass")
        return tuple(row)

    def _search_rows(self, query: str, clauses: str, params: list[Any], limit: int | None, offset: int) -> list[dict]:
        rows = self._all(
            "SELECT a.id, a.title, a.outlet, a.published, a.language, a.event_id, a.text, "
            f"ts_rank_cd(a.fts, q, 32) AS score FROM articles a, plainto_tsquery('simple', {self.folded('?')}) q "
            f"WHERE a.fts @@ q {clauses} ORDER BY score DESC, a.id{self.C} LIMIT ? OFFSET ?",
            [" ".join(re.findall(r"\w+", query)), *params, *self._limit(limit, offset)],  # folded as the index is
        )
        return [dict(r) | {"score": max(1e-6, float(r["score"]))} for r in rows]


def _pg(sql: str) -> str:
    """The shared queries' ``?`` placeholders as psycopg's ``%s``."""
    return sql.replace("%", "%%").replace("?", "%s")
