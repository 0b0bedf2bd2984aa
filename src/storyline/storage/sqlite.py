"""The SQLite store: one file, WAL, foreign keys, FTS5, migrations, one write path.

Every write goes through :meth:`Store.write`, a re-entrant transaction guarded by
one lock: a batch of articles, their enrichment and their placement in events
are committed together or not at all, so a crash or Ctrl-C mid-ingest leaves
the store as it was after the last whole batch.

A store opened with ``read_only=True`` (what the read commands do) writes
nothing: no switch to WAL, no migration. It refuses a file that does not exist
instead of creating an empty store, works on read-only media, and says so when
the file needs a migration first. A damaged file, or one that is not a store,
is a :class:`~storyline.errors.StoreError` naming the file and what to do.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import NotFound, StoreError
from ..models import Article, Event, Story
from . import rows as R
from .files import check_size, connect_read_only, store_failure
from .migrations import migrate


class Store:
    """Articles, enrichment, events and stories in one SQLite file (``":memory:"`` for tests)."""

    def __init__(self, path: str | Path = "storyline.db", read_only: bool = False):
        self.path = str(path)
        self.read_only = read_only
        self._lock = threading.RLock()
        self._depth = 0
        self.migrations_applied: list[str] = []
        if read_only:
            self.conn = connect_read_only(self.path)
            self.conn.row_factory = sqlite3.Row
            return
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc}). Check the path and its permissions.") from None
        self.conn.row_factory = sqlite3.Row
        try:
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

    def close(self) -> None:
        self.conn.close()

    # --- the one write path -------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested calls join the outermost one."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened for reading only; this command cannot change the store.")
        with self._lock:
            if self._depth == 0:
                self.conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self.conn
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self.conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if self._depth == 0:
                self.conn.execute("COMMIT")

    def _all(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, tuple(params)).fetchall()

    def _one(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, tuple(params)).fetchone()

    # --- articles -----------------------------------------------------------------------
    def id_for_hash(self, content_hash: str) -> str | None:
        row = self._one("SELECT id FROM articles WHERE content_hash = ? ORDER BY rowid LIMIT 1", (content_hash,))
        return row["id"] if row else None

    def hash_for_id(self, article_id: str) -> str | None:
        row = self._one("SELECT content_hash FROM articles WHERE id = ?", (article_id,))
        return row["content_hash"] if row else None

    def add_articles(self, articles: list[Article], registry: Any = None, minhashes: dict[str, bytes] | None = None) -> None:
        """Insert articles with their enrichment; ``registry`` resolves entities across articles."""
        minhashes = minhashes or {}
        marks = ",".join("?" * len(R.ARTICLE_COLUMNS))
        with self.write() as conn:
            self.put_vectors({"a:" + a.content_hash: a.vector for a in articles if a.vector is not None})
            self.put_statement_vectors(articles)
            for a in articles:
                key = None if a.vector is None else "a:" + a.content_hash
                conn.execute(
                    f"INSERT INTO articles ({','.join(R.ARTICLE_COLUMNS)}) VALUES ({marks})",
                    R.article_row(a, key, minhashes.get(a.id)),
                )
                if a.mentions and registry is not None:
                    registry.add_article(a.mentions)
                    self._upsert_entities(conn, registry.dirty_rows())
                self._insert_enrichment(conn, a)

    def _insert_enrichment(self, conn: sqlite3.Connection, a: Article) -> None:
        conn.executemany(
            "INSERT INTO mentions (article_id, entity_id, start, end, text, label, name) VALUES (?,?,?,?,?,?,?)",
            [(a.id, m.entity_id, m.start, m.end, m.text, m.label, m.name) for m in a.mentions],
        )
        by_name = {m.name: m.entity_id for m in a.mentions if m.label == "PERSON"}
        by_name.update({m.name: m.entity_id for m in a.mentions if m.name not in by_name})
        conn.executemany(
            "INSERT INTO quotes (article_id, start, end, text, speaker, speaker_entity_id, cue, kind) VALUES (?,?,?,?,?,?,?,?)",
            [(a.id, q.start, q.end, q.text, q.speaker, q.speaker_entity_id or by_name.get(q.speaker), q.cue, q.kind)
             for q in a.quotes],
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO figures (article_id, start, end, text, value, unit, kind, sentence, measures) VALUES (?,?,?,?,?,?,?,?,?)",
            [(a.id, f.start, f.end, f.text, f.value, f.unit, f.kind, f.sentence, f.measures) for f in a.figures],
        )
        conn.executemany(
            "INSERT INTO times (article_id, start, end, text, date, end_date, granularity) VALUES (?,?,?,?,?,?,?)",
            [(a.id, t.start, t.end, t.text, t.date, t.end_date, t.granularity) for t in a.times],
        )

    def _upsert_entities(self, conn: sqlite3.Connection, entity_rows: list[dict]) -> None:
        conn.executemany(
            "INSERT INTO entities (id, name, type, aliases, count) VALUES (:id, :name, :type, :aliases, :count) "
            "ON CONFLICT(id) DO UPDATE SET name=excluded.name, type=excluded.type, aliases=excluded.aliases, "
            "count=excluded.count",
            [{**r, "aliases": json.dumps(sorted(r.get("aliases", [])), ensure_ascii=False)} for r in entity_rows],
        )

    def entity_rows(self) -> list[dict]:
        """Every entity as a plain dict, for building an entity registry."""
        return [
            {"id": r["id"], "name": r["name"], "type": r["type"], "aliases": json.loads(r["aliases"]), "count": r["count"]}
            for r in self._all("SELECT * FROM entities ORDER BY id")
        ]

    def get_article(self, article_id: str, full: bool = True) -> Article:
        row = self._one(
            "SELECT a.*, e.story_id FROM articles a LEFT JOIN events e ON e.id = a.event_id WHERE a.id = ?",
            (article_id,),
        )
        if row is None:
            raise NotFound("article", article_id)
        article = R.article_from_row(row)
        if full:
            self._attach([article], {article.id: row["vector_key"]})
        return article

    _DERIVED = (
        ("mentions", R.mention_from_row), ("quotes", R.quote_from_row),
        ("figures", R.figure_from_row), ("times", R.time_from_row),
    )  # fmt: skip

    def _attach(self, articles: list[Article], vector_keys: dict[str, str | None]) -> None:
        """Load mentions, quotes, figures, times and vectors of ``articles``: one query per table."""
        by_id = {a.id: a for a in articles}
        marks = ",".join("?" * len(by_id))
        for table, convert in self._DERIVED:
            for a in articles:
                setattr(a, table, [])
            rows = self._all(f"SELECT * FROM {table} WHERE article_id IN ({marks}) ORDER BY article_id, start", list(by_id))
            for r in rows:
                getattr(by_id[r["article_id"]], table).append(convert(r))
        statements = {a.id: [q.start for q in a.statements()] for a in articles}
        keys = [k for k in vector_keys.values() if k]
        keys += [_statement_key(a, start) for a in articles for start in statements[a.id]]
        vectors = self.get_vectors(keys)
        for a in articles:
            a.vector = vectors.get(vector_keys.get(a.id) or "")
            found = ((start, vectors.get(_statement_key(a, start))) for start in statements[a.id])
            a.statement_vectors = {start: v for start, v in found if v is not None}

    def iter_articles(
        self, full: bool = True, where: str = "", params: Iterable[Any] = (), chunk: int = 500
    ) -> Iterator[Article]:
        """Every article (optionally filtered by a SQL ``where`` over ``a.``), in ingest order, read in chunks."""
        sql = "SELECT a.*, e.story_id FROM articles a LEFT JOIN events e ON e.id = a.event_id"
        cursor = self.conn.execute(f"{sql} {('WHERE ' + where) if where else ''} ORDER BY a.rowid", tuple(params))
        while rows := cursor.fetchmany(chunk):
            articles = [R.article_from_row(row) for row in rows]
            if full:
                self._attach(articles, {a.id: row["vector_key"] for a, row in zip(articles, rows, strict=True)})
            yield from articles

    def iter_articles_in(self, column: str, values: list[str], full: bool = True) -> Iterator[Article]:
        """The articles whose ``column`` ("id" or "event_id") is one of ``values``, asked for in chunks."""
        if column not in ("id", "event_id"):
            raise ValueError(f"cannot select articles by {column!r}")
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            yield from self.iter_articles(full, f"a.{column} IN ({','.join('?' * len(chunk))})", chunk)

    def list_articles(self, limit: int = 50, offset: int = 0, **filters: Any) -> list[dict]:
        """Article summaries (no raw or text) for listings; filters: outlet, language, since, until, event_id."""
        clauses, params = _filters(filters)
        rows = self._all(
            "SELECT a.id, a.title, a.outlet, a.outlet_domain, a.published, a.published_how, a.byline, a.wire, "
            "a.language, a.duplicate_of, a.event_id, e.story_id, length(a.text) AS chars "
            f"FROM articles a LEFT JOIN events e ON e.id = a.event_id {clauses} "
            "ORDER BY a.published IS NULL, a.published, a.id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [{**dict(r), "wire": json.loads(r["wire"])} for r in rows]

    def outlet_counts(self) -> list[dict]:
        """Per outlet: articles, syndicated copies, first and last publication date."""
        rows = self._all(
            "SELECT coalesce(outlet, '(unnamed)') AS outlet, outlet_domain, count(*) AS articles, "
            "sum(duplicate_of IS NOT NULL) AS copies, sum(published IS NULL) AS undated, "
            "min(published) AS first, max(published) AS last FROM articles "
            "GROUP BY outlet, outlet_domain ORDER BY articles DESC, outlet"
        )
        return [dict(r) for r in rows]

    def outlet_rows(self) -> list[tuple[str | None, str | None, int]]:
        """(outlet, outlet_domain, articles) for every distinct pair, for the outlet registry."""
        rows = self._all("SELECT outlet, outlet_domain, count(*) AS n FROM articles GROUP BY outlet, outlet_domain")
        return [(r["outlet"], r["outlet_domain"], r["n"]) for r in rows]

    def rename_outlets(self, renames: list[tuple[str | None, str | None, str | None, str | None]]) -> None:
        """Apply (old name, old domain, new name, new domain) to every article carrying the old pair."""
        with self.write() as conn:
            conn.executemany(
                "UPDATE articles SET outlet = ?, outlet_domain = ? WHERE outlet IS ? AND outlet_domain IS ?",
                [(new_name, new_domain, old_name, old_domain) for old_name, old_domain, new_name, new_domain in renames],
            )

    def count(self, table: str) -> int:
        if table not in ("articles", "events", "stories", "entities", "quotes", "figures"):
            raise ValueError(table)
        return self._one(f"SELECT count(*) FROM {table}")[0]

    def minhashes(self) -> Iterator[tuple[str, bytes, str | None]]:
        """(id, minhash, published) of every article that has a MinHash."""
        for r in self._all("SELECT id, minhash, published FROM articles WHERE minhash IS NOT NULL ORDER BY rowid"):
            yield r["id"], r["minhash"], r["published"]

    def set_duplicate_of(self, mapping: dict[str, str | None]) -> None:
        with self.write() as conn:
            conn.executemany("UPDATE articles SET duplicate_of=? WHERE id=?", [(v, k) for k, v in mapping.items()])

    def set_published(self, article_id: str, published: str | None, how: str) -> None:
        with self.write() as conn:
            conn.execute("UPDATE articles SET published=?, published_how=? WHERE id=?", (published, how, article_id))

    # --- vectors (also the embedding cache, keyed by content hash) --------------------------
    def get_vectors(self, keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for r in self._all(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                out[r["key"]] = R.vector_from_blob(r["vector"])
        return out

    def put_vectors(self, vectors: dict[str, np.ndarray]) -> None:
        with self.write() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO vectors (key, dim, vector) VALUES (?,?,?)",
                [(k, int(np.asarray(v).shape[0]), R.vector_blob(v)) for k, v in vectors.items()],
            )

    def put_statement_vectors(self, articles: list[Article]) -> None:
        """Keep the vectors of the articles' statements (:meth:`Article.statements`), read back with them."""
        self.put_vectors({_statement_key(a, start): v for a in articles for start, v in a.statement_vectors.items()})

    def article_vector_keys(self) -> list[tuple[str, str]]:
        """(article id, vector key) of every article that has a vector, in ingest order."""
        rows = self._all("SELECT id, vector_key FROM articles WHERE vector_key IS NOT NULL ORDER BY rowid")
        return [(r["id"], r["vector_key"]) for r in rows]

    # the enrichment's vector-cache protocol
    get_many = get_vectors
    put_many = put_vectors

    # --- events and stories -------------------------------------------------------------
    def save_events(self, events: list[Event], stories: list[Story], replace: bool = False) -> None:
        """Write events and stories and point each article at its event; ``replace`` drops all others first."""
        with self.write() as conn:
            if replace:
                conn.execute("UPDATE articles SET event_id = NULL")
                conn.execute("DELETE FROM events")
                conn.execute("DELETE FROM stories")
            conn.executemany(
                "INSERT INTO stories (id, title) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET title=excluded.title",
                [(s.id, s.title) for s in stories],
            )
            conn.executemany(
                "INSERT INTO events (id, date, date_confidence, place, title, participants, story_id) "
                "VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET date=excluded.date, "
                "date_confidence=excluded.date_confidence, place=excluded.place, title=excluded.title, "
                "participants=excluded.participants, story_id=excluded.story_id",
                [(e.id, e.date, e.date_confidence, e.place, e.title, json.dumps(e.participants, ensure_ascii=False),
                  e.story_id) for e in events],
            )  # fmt: skip
            conn.executemany(
                "UPDATE articles SET event_id=? WHERE id=?", [(e.id, aid) for e in events for aid in e.articles]
            )
            conn.execute("DELETE FROM events WHERE id NOT IN (SELECT DISTINCT event_id FROM articles WHERE event_id IS NOT NULL)")
            conn.execute("DELETE FROM stories WHERE id NOT IN (SELECT DISTINCT story_id FROM events WHERE story_id IS NOT NULL)")

    def events(self, story_id: str | None = None) -> list[Event]:
        where, params = ("WHERE story_id = ?", (story_id,)) if story_id else ("", ())
        members = self._members("SELECT event_id AS k, id FROM articles WHERE event_id IS NOT NULL ORDER BY published, id")
        rows = self._all(f"SELECT * FROM events {where} ORDER BY date IS NULL, date, id", params)
        return [R.event_from_row(r, members.get(r["id"], [])) for r in rows]

    def get_event(self, event_id: str) -> Event:
        row = self._one("SELECT * FROM events WHERE id = ?", (event_id,))
        if row is None:
            raise NotFound("event", event_id)
        ids = [r["id"] for r in self._all("SELECT id FROM articles WHERE event_id=? ORDER BY published, id", (event_id,))]
        return R.event_from_row(row, ids)

    def stories(self) -> list[Story]:
        members = self._members("SELECT story_id AS k, id FROM events WHERE story_id IS NOT NULL ORDER BY date IS NULL, date, id")
        return [R.story_from_row(r, members.get(r["id"], [])) for r in self._all("SELECT * FROM stories ORDER BY id")]

    def get_story(self, story_id: str) -> Story:
        row = self._one("SELECT * FROM stories WHERE id = ?", (story_id,))
        if row is None:
            raise NotFound("story", story_id)
        ids = [r["id"] for r in self._all("SELECT id FROM events WHERE story_id=? ORDER BY date IS NULL, date, id", (story_id,))]
        return R.story_from_row(row, ids)

    def _members(self, sql: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for r in self._all(sql):
            out.setdefault(r["k"], []).append(r["id"])
        return out

    # --- enrichment listings ---------------------------------------------------------------
    def entities(self, limit: int = 1000, offset: int = 0, type: str | None = None) -> list[dict]:
        where, params = ("WHERE e.type = ?", [type]) if type else ("", [])
        rows = self._all(
            "SELECT e.*, (SELECT json_group_array(DISTINCT m.article_id) FROM mentions m WHERE m.entity_id = e.id) AS arts "
            f"FROM entities e {where} ORDER BY e.count DESC, e.name LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_entity_dict(r) for r in rows]

    def get_entity(self, entity_id: int) -> dict:
        row = self._one(
            "SELECT e.*, (SELECT json_group_array(DISTINCT m.article_id) FROM mentions m WHERE m.entity_id = e.id) AS arts "
            "FROM entities e WHERE e.id = ?",
            (entity_id,),
        )
        if row is None:
            raise NotFound("entity", entity_id)
        return _entity_dict(row)

    def quotes(self, speaker: str | None = None, article_id: str | None = None, limit: int = 1000, offset: int = 0) -> list[dict]:
        clauses, params = [], []
        if speaker:
            clauses.append("(q.speaker LIKE ? OR en.name LIKE ? OR en.aliases LIKE ?)")
            params += [f"%{speaker}%"] * 3
        if article_id:
            clauses.append("q.article_id = ?")
            params.append(article_id)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._all(
            "SELECT q.id, q.article_id, q.start, q.end, q.text, coalesce(en.name, q.speaker) AS speaker, "
            "q.speaker_entity_id, q.cue, q.kind, a.outlet, a.published FROM quotes q "
            "JOIN articles a ON a.id = q.article_id LEFT JOIN entities en ON en.id = q.speaker_entity_id "
            f"{where} ORDER BY a.published, q.article_id, q.start LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [dict(r) for r in rows]

    def figures(self, article_id: str | None = None, limit: int = 1000, offset: int = 0) -> list[dict]:
        where, params = ("WHERE f.article_id = ?", [article_id]) if article_id else ("", [])
        rows = self._all(
            "SELECT f.id, f.article_id, f.start, f.end, f.text, f.value, f.unit, f.kind, f.sentence, f.measures, "
            f"a.outlet, a.published FROM figures f JOIN articles a ON a.id = f.article_id {where} "
            "ORDER BY a.published, f.article_id, f.start LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [dict(r) for r in rows]

    def mentions_of(self, entity_id: int) -> list[dict]:
        rows = self._all(
            "SELECT m.article_id, m.start, m.end, m.text, a.title, a.published, a.outlet FROM mentions m "
            "JOIN articles a ON a.id = m.article_id WHERE m.entity_id = ? ORDER BY a.published, m.article_id, m.start",
            (entity_id,),
        )
        return [dict(r) for r in rows]

    # --- search -------------------------------------------------------------------------
    def search(self, query: str, limit: int = 50, offset: int = 0, **filters: Any) -> list[dict]:
        """Full-text search (FTS5) over title and text, best match first, with listing filters."""
        clauses, params = _filters(filters)
        clauses = clauses.replace("WHERE", "AND") if clauses else ""
        rows = self._all(
            "SELECT a.id, a.title, a.outlet, a.published, a.language, a.event_id, "
            "snippet(articles_fts, 1, '[', ']', ' … ', 12) AS snippet, bm25(articles_fts) AS score "
            "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            f"WHERE articles_fts MATCH ? {clauses} ORDER BY score LIMIT ? OFFSET ?",
            [_fts_query(query), *params, limit, offset],
        )
        return [dict(r) for r in rows]


def _fts_query(query: str) -> str:
    """Quote each word so user input is never parsed as FTS5 syntax."""
    words = [w.replace('"', '""') for w in query.split()]
    return " ".join(f'"{w}"' for w in words) or '""'


def _filters(filters: dict[str, Any]) -> tuple[str, list[Any]]:
    sql = {
        "outlet": "a.outlet = ?", "language": "a.language = ?", "since": "a.published >= ?",
        "until": "a.published <= ?", "event_id": "a.event_id = ?",
    }  # fmt: skip
    clauses, params = [], []
    for key, value in filters.items():
        if value in (None, ""):
            continue
        if key not in sql:
            raise ValueError(f"unknown filter {key!r}")
        clauses.append(sql[key])
        params.append(value)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def _entity_dict(r: sqlite3.Row) -> dict:
    return {
        "id": r["id"], "name": r["name"], "type": r["type"], "aliases": json.loads(r["aliases"]),
        "count": r["count"], "articles": sorted(json.loads(r["arts"] or "[]")),
    }  # fmt: skip


def _statement_key(article: Article, start: int) -> str:
    """Where the vector of the statement at ``start`` of ``article`` is kept in ``vectors``."""
    return f"s:{article.content_hash}:{start}"
