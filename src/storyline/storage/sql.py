"""What the SQLite and PostgreSQL stores share: the queries, written once in the SQL both understand.

A backend (:mod:`.sqlite`, :mod:`.postgres`) supplies the connection, the one
write path (:meth:`SQLStore.write`), full-text search and a few spellings
(placeholders, the ingest-order column, "no limit", null-safe equality, and the
collation that sorts text by code point, ``C``, as SQLite does).
Queries are written with ``?`` placeholders; the PostgreSQL backend turns them
into ``%s``. Every ORDER BY over a column that may be NULL says where NULLs go
(SQLite puts them first, PostgreSQL last), and every one over text sorts it by code
point whatever the database's collation, so both list rows in one order. Nothing here is visible outside ``storage/``: callers see the
methods of :class:`~storyline.storage.base.Store`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import numpy as np

from ..errors import NotFound, StoreError
from ..models import WEAK_DATE_HOW, Article, Event, Story
from . import rows as R
from .base import (
    COUNTED,
    ENTITY_KINDS,
    ArticleRow,
    EntityRow,
    FigureRow,
    OutletRow,
    Publication,
    QuoteRow,
    SearchHit,
    casefold,
    check_period,
    highlight,
    redact,
)

FILTERS = {  # an outlet whatever its case, in any alphabet: outlet_key is the outlet case-folded (base.casefold)
    "outlet": "a.outlet_key = ?", "language": "a.language = ?", "since": "a.published >= ?",
    "until": "a.published <= ?", "event_id": "a.event_id = ?",
}  # fmt: skip
FILTER_VALUES = {"outlet": casefold, "language": str.lower}  # what a filter's value is compared as ("DE" finds "de")
LIKE_SPECIAL = re.compile(r"[\\%_]")  # what LIKE reads as a wildcard or an escape, escaped to be matched as written
CHUNK = 500  # ids per IN (...) list, and articles per read


def _in_one_snapshot(method: Callable[..., Any]) -> Callable[..., Any]:
    """A store method whose several reads (rows, then their members) see one state of the store
    (:meth:`SQLStore.snapshot`), whatever commits meanwhile: never an event listed without its articles."""

    @functools.wraps(method)
    def read(self: SQLStore, *args: Any, **kwargs: Any) -> Any:
        with self.snapshot():
            return method(self, *args, **kwargs)

    return read


class SQLStore:
    """The queries of a store; subclasses supply the connection and the backend's spellings."""

    url: str
    read_only: bool
    migrations_applied: list[str]
    SEQ = "rowid"  # the column that orders articles as they were stored
    NO_LIMIT: int | None = -1  # what LIMIT takes for "all"
    SAME = "IS"  # null-safe equality
    C = ""  # what makes a text column sort by code point (SQLite's own order; PostgreSQL's follows its collation)
    GIVEN_OUTLET = "json_extract(hints, '$.outlet') IS NOT NULL"  # an article whose input named its outlet

    # --- what a backend supplies --------------------------------------------------------
    def folded(self, expr: str) -> str:
        """SQL for ``expr`` case-folded in any alphabet (files.connect gives SQLite :func:`.base.casefold`)."""
        return f"casefold({expr})"

    def write(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    BEGIN_SNAPSHOT = "BEGIN"  # what starts a read transaction

    def _snapshot_connection(self) -> AbstractContextManager[Any]:
        """The connection a snapshot of this thread reads through, or None inside one already (a snapshot, or this
        thread's write transaction)."""
        raise NotImplementedError

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside it see one state of the store (a read transaction), whatever commits meanwhile: an event
        and its story, a listing and its members. Nested, or inside this thread's write transaction, it is that
        one. A write inside it is refused (:meth:`_refuse_in_snapshot`: it would not be seen)."""
        with self._snapshot_connection() as conn:
            if conn is None:
                yield
                return
            conn.execute(self.BEGIN_SNAPSHOT)
            self._snapshots.conn = conn
            try:
                yield
            finally:
                self._snapshots.conn = None
                conn.execute("COMMIT")

    def _refuse_in_snapshot(self) -> None:
        """The write path's check: no write inside this thread's snapshot, which would not see it."""
        if getattr(self._snapshots, "conn", None) is not None:
            raise StoreError(f"{redact(self.url)}: a write inside a read snapshot, which would not see it; write "
                             "first, or after the snapshot")

    def _all(self, sql: str, params: Iterable[Any] = ()) -> list[Mapping[str, Any]]:
        raise NotImplementedError

    def _many(self, sql: str, rows: list[tuple] | list[dict]) -> None:
        """Run ``sql`` once per row, inside the caller's write transaction."""
        raise NotImplementedError

    def _search_rows(self, query: str, clauses: str, params: list[Any], limit: int | None, offset: int) -> list[dict]:
        """Rows (id, title, outlet, published, language, event_id, text, score in [0, 1]) best first."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def generation(self) -> int:
        """How many write transactions the store has committed (any process): a writer that finds it changed
        since its last write knows another one wrote in between."""
        return int(self._one("SELECT value FROM store_state WHERE key = 'generation'")["value"])

    def _bump(self) -> None:
        """Count the write transaction about to commit (called by the backend's write path)."""
        self._exec("UPDATE store_state SET value = value + 1 WHERE key = 'generation'")

    def _one(self, sql: str, params: Iterable[Any] = ()) -> Mapping[str, Any] | None:
        rows = self._all(sql, params)
        return rows[0] if rows else None

    def _exec(self, sql: str, params: Iterable[Any] = ()) -> None:
        self._many(sql, [tuple(params)])

    def _limit(self, limit: int | None, offset: int) -> list[Any]:
        return [self.NO_LIMIT if limit is None else limit, offset]

    # --- articles -----------------------------------------------------------------------
    def publications(self, content_hash: str) -> list[Publication]:
        rows = self._all(f"SELECT id, outlet, outlet_domain FROM articles WHERE content_hash = ? ORDER BY {self.SEQ}",
                         (content_hash,))  # fmt: skip
        return [(r["id"], r["outlet"], r["outlet_domain"]) for r in rows]

    def hash_for_id(self, article_id: str) -> str | None:
        row = self._one("SELECT content_hash FROM articles WHERE id = ?", (article_id,))
        return row["content_hash"] if row else None

    def add_articles(
        self, articles: list[Article], entities: list[dict] | None = None, minhashes: dict[str, bytes] | None = None
    ) -> None:
        """Insert articles with their enrichment and vectors; ``entities`` (rows resolved by the caller, which the
        mentions' ``entity_id`` point at) are inserted or updated first."""
        minhashes = minhashes or {}
        with self.write():
            if entities:
                self._upsert_entities(entities)
            self.put_vectors({R.vector_key(a): a.vector for a in articles if a.vector is not None})
            marks = ",".join("?" * len(R.ARTICLE_COLUMNS))
            self._many(
                f"INSERT INTO articles ({','.join(R.ARTICLE_COLUMNS)}) VALUES ({marks})",
                [self._article_row(a, None if a.vector is None else R.vector_key(a), minhashes.get(a.id))
                 for a in articles],
            )  # fmt: skip
            self._insert_enrichment(articles)

    def _article_row(self, article: Article, vector_key: str | None, minhash: bytes | None) -> tuple:
        return R.article_row(article, vector_key, minhash)

    def _insert_enrichment(self, articles: list[Article]) -> None:
        self._many(
            'INSERT INTO mentions (article_id, entity_id, start, "end", text, label, name) VALUES (?,?,?,?,?,?,?)',
            [(a.id, m.entity_id, m.start, m.end, m.text, m.label, m.name) for a in articles for m in a.mentions],
        )
        self._many(
            'INSERT INTO quotes (article_id, start, "end", text, speaker, speaker_entity_id, cue, kind) VALUES (?,?,?,?,?,?,?,?)',
            [(a.id, q.start, q.end, q.text, q.speaker, q.speaker_entity_id, q.cue, q.kind) for a in articles for q in a.quotes],
        )
        self._many(
            'INSERT INTO figures (article_id, start, "end", text, value, unit, kind, sentence, measures) VALUES (?,?,?,?,?,?,?,?,?)',
            [(a.id, f.start, f.end, f.text, f.value, f.unit, f.kind, f.sentence, f.measures) for a in articles for f in a.figures],
        )
        self._many(
            'INSERT INTO times (article_id, start, "end", text, date, end_date, granularity) VALUES (?,?,?,?,?,?,?)',
            [(a.id, t.start, t.end, t.text, t.date, t.end_date, t.granularity) for a in articles for t in a.times],
        )

    def _upsert_entities(self, entity_rows: list[dict]) -> None:
        self._many(
            "INSERT INTO entities (id, name, type, aliases, count) VALUES (?,?,?,?,?) "
            "ON CONFLICT(id) DO UPDATE SET name=excluded.name, type=excluded.type, aliases=excluded.aliases, "
            "count=excluded.count",
            [(r["id"], r["name"], r["type"], json.dumps(sorted(r.get("aliases", [])), ensure_ascii=False), r["count"])
             for r in entity_rows],
        )  # fmt: skip

    def entity_rows(self) -> list[dict]:
        """Every entity as a plain dict, for building an entity registry."""
        return [
            {"id": r["id"], "name": r["name"], "type": r["type"], "aliases": json.loads(r["aliases"]), "count": r["count"]}
            for r in self._all("SELECT * FROM entities ORDER BY id")
        ]

    def get_article(self, article_id: str, full: bool = True) -> Article:
        found = list(self._articles("a.id = ?", [article_id], full))
        if not found:
            raise NotFound("article", article_id)
        return found[0]

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
            rows = self._all(f"SELECT * FROM {table} WHERE article_id IN ({marks}) ORDER BY article_id{self.C}, start", list(by_id))
            for r in rows:
                getattr(by_id[r["article_id"]], table).append(convert(r))
        vectors = self.get_vectors([k for k in vector_keys.values() if k])
        for a in articles:
            a.vector = vectors.get(vector_keys.get(a.id) or "")

    @_in_one_snapshot
    def _articles(self, where: str, params: list[Any], full: bool) -> list[Article]:
        rows = self._all(
            f"SELECT a.*, a.{self.SEQ} AS seq_, e.story_id FROM articles a LEFT JOIN events e ON e.id = a.event_id "
            f"WHERE {where} ORDER BY a.{self.SEQ}",
            params,
        )
        articles = [R.article_from_row(row) for row in rows]
        if full and articles:
            self._attach(articles, {a.id: row["vector_key"] for a, row in zip(articles, rows, strict=True)})
        return articles

    def iter_articles(
        self, full: bool = True, ids: list[str] | None = None, event_ids: list[str] | None = None
    ) -> Iterator[Article]:
        """Every article in the order stored, or only those with one of ``ids`` or in one of ``event_ids``;
        read in chunks, so a large store is never held whole."""
        if ids is not None or event_ids is not None:
            column, values = ("id", ids) if ids is not None else ("event_id", event_ids)
            for start in range(0, len(values), CHUNK):
                chunk = values[start : start + CHUNK]
                yield from self._articles(f"a.{column} IN ({','.join('?' * len(chunk))})", chunk, full)
            return
        after = -1
        while True:
            page = self._all(f"SELECT {self.SEQ} AS s FROM articles WHERE {self.SEQ} > ? ORDER BY {self.SEQ} LIMIT ?",
                             [after, CHUNK])  # fmt: skip
            if not page:
                return
            yield from self._articles(f"a.{self.SEQ} >= ? AND a.{self.SEQ} <= ?", [page[0]["s"], page[-1]["s"]], full)
            after = page[-1]["s"]

    def list_articles(
        self, limit: int | None = 50, offset: int = 0, *, outlet: str | None = None, language: str | None = None,
        since: str | None = None, until: str | None = None, event_id: str | None = None,
    ) -> list[ArticleRow]:  # fmt: skip
        """Article summaries (no raw or text) for listings, oldest first."""
        clauses, params = _filters(outlet=outlet, language=language, since=since, until=until, event_id=event_id)
        rows = self._all(
            "SELECT a.id, a.title, a.outlet, a.outlet_domain, a.published, a.published_how, a.byline, a.wire, "
            "a.language, a.duplicate_of, a.event_id, e.story_id, length(a.text) AS chars "
            f"FROM articles a LEFT JOIN events e ON e.id = a.event_id {clauses} "
            f"ORDER BY a.published IS NULL, a.published{self.C}, a.id{self.C} LIMIT ? OFFSET ?",
            [*params, *self._limit(limit, offset)],
        )
        return [ArticleRow(**(dict(r) | {"wire": json.loads(r["wire"])})) for r in rows]

    def outlet_counts(self) -> list[OutletRow]:
        """Per outlet: articles, syndicated copies, first and last publication date. Articles naming no outlet
        are counted by their domain, those with neither together; their ``outlet`` is None (a table shows them
        as :func:`~storyline.outlets.outlet_label` says)."""
        rows = self._all(
            "SELECT outlet, outlet_domain, count(*) AS articles, "
            "count(duplicate_of) AS copies, count(*) - count(published) AS undated, "
            "min(published) AS first, max(published) AS last FROM articles GROUP BY outlet, outlet_domain "
            f"ORDER BY articles DESC, outlet IS NULL, outlet{self.C}, outlet_domain IS NULL, outlet_domain{self.C}"
        )
        return [OutletRow(**r) for r in rows]

    def outlet_rows(self) -> list[tuple[str | None, str | None, int, int]]:
        """(outlet, outlet_domain, articles, of them those whose input named the outlet) for every distinct pair,
        for the outlet registry."""
        rows = self._all(f"SELECT outlet, outlet_domain, count(*) AS n, sum(CASE WHEN {self.GIVEN_OUTLET} THEN 1 ELSE 0 "
                         "END) AS given FROM articles GROUP BY outlet, outlet_domain "
                         f"ORDER BY outlet{self.C} NULLS FIRST, outlet_domain{self.C} NULLS FIRST")  # fmt: skip
        return [(r["outlet"], r["outlet_domain"], r["n"], int(r["given"])) for r in rows]

    def rename_outlets(self, renames: list[tuple[str | None, str | None, str | None, str | None]]) -> None:
        """Apply (old name, old domain, new name, new domain) to every article carrying the old pair, but those whose
        input named their outlet (the ``outlet`` of a JSONL line): that name is the caller's, and stays."""
        with self.write():
            self._many(
                f"UPDATE articles SET outlet = ?, outlet_key = ?, outlet_domain = ? "
                f"WHERE outlet {self.SAME} ? AND outlet_domain {self.SAME} ? AND NOT ({self.GIVEN_OUTLET})",
                [(new_name, casefold(new_name), new_domain, old_name, old_domain)
                 for old_name, old_domain, new_name, new_domain in renames],
            )

    def count(self, table: str) -> int:
        if table not in COUNTED:
            raise ValueError(f"cannot count {table!r}; one of {', '.join(COUNTED)}")
        return int(self._one(f"SELECT count(*) AS n FROM {table}")["n"])

    def minhashes(self) -> Iterator[tuple[str, bytes, str | None]]:
        """(id, minhash, published) of every article that has a MinHash, in the order stored."""
        for r in self._all(f"SELECT id, minhash, published FROM articles WHERE minhash IS NOT NULL ORDER BY {self.SEQ}"):
            yield r["id"], bytes(r["minhash"]), r["published"]

    def set_duplicate_of(self, mapping: dict[str, str | None]) -> None:
        with self.write():
            self._many("UPDATE articles SET duplicate_of=? WHERE id=?", [(v, k) for k, v in mapping.items()])
            self._many("DELETE FROM traits WHERE article_id = ?", [(k,) for k in mapping])

    def set_published(self, article_id: str, published: str | None, how: str) -> None:
        """Give an article another publication date. One that placement reads (not :data:`.WEAK_DATE_HOW`) drops
        the article's traits, read from the date it had: the next start-up reads it again."""
        with self.write():
            read = how not in WEAK_DATE_HOW or (  # the date it had is only asked for when the new one is weak
                (old := self._one("SELECT published_how FROM articles WHERE id = ?", (article_id,))) is not None
                and old["published_how"] not in WEAK_DATE_HOW)  # fmt: skip
            self._exec("UPDATE articles SET published=?, published_how=? WHERE id=?", (published, how, article_id))
            if read:
                self._exec("DELETE FROM traits WHERE article_id = ?", (article_id,))

    # --- what placement read of each article ---------------------------------------------
    def put_traits(self, traits: Mapping[str, tuple[int | None, bytes]], version: int) -> None:
        """Keep what placement read of articles: ``{id: (day, data)}`` (:class:`~storyline.events.features.Traits`)."""
        with self.write():
            self._many("INSERT INTO traits (article_id, version, day, data) VALUES (?,?,?,?) ON CONFLICT(article_id) "
                       "DO UPDATE SET version=excluded.version, day=excluded.day, data=excluded.data",
                       [(k, version, day, data) for k, (day, data) in traits.items()])  # fmt: skip

    def placement_rows(self, version: int) -> Iterator[tuple[str, str | None, str | None, int | None, bytes | None,
                                                             np.ndarray | None]]:  # fmt: skip
        """(id, event id, story id, day, traits data of ``version``, vector) of every article, in the order stored
        (day and data None where the store has no such traits): what an index started from the store needs,
        without the texts. Read in chunks."""
        after = -1
        while True:
            rows = self._all(
                f"SELECT a.id, a.event_id, e.story_id, t.day, t.data, v.vector, a.{self.SEQ} AS s FROM articles a "
                "LEFT JOIN events e ON e.id = a.event_id LEFT JOIN traits t ON t.article_id = a.id AND t.version = ? "
                f"LEFT JOIN vectors v ON v.key = a.vector_key WHERE a.{self.SEQ} > ? ORDER BY a.{self.SEQ} LIMIT ?",
                [version, after, CHUNK],
            )
            if not rows:
                return
            for r in rows:
                yield (r["id"], r["event_id"], r["story_id"], r["day"], None if r["data"] is None else bytes(r["data"]),
                       None if r["vector"] is None else R.vector_from_blob(r["vector"]))  # fmt: skip
            after = rows[-1]["s"]

    # --- vectors (also the embedding cache, keyed by content hash) --------------------------
    def get_vectors(self, keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        keys = list(dict.fromkeys(keys))
        for i in range(0, len(keys), CHUNK):
            chunk = keys[i : i + CHUNK]
            for r in self._all(f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk):
                out[r["key"]] = R.vector_from_blob(r["vector"])
        return out

    def put_vectors(self, vectors: dict[str, np.ndarray]) -> None:
        if not vectors:
            return
        with self.write():
            self._many(
                "INSERT INTO vectors (key, dim, vector) VALUES (?,?,?) "
                "ON CONFLICT(key) DO UPDATE SET dim=excluded.dim, vector=excluded.vector",
                [(k, int(np.asarray(v).shape[0]), R.vector_blob(v)) for k, v in vectors.items()],
            )

    def vector_keys(self) -> list[str]:
        """The key of every vector kept (articles' and the embedding cache's)."""
        return [r["key"] for r in self._all(f"SELECT key FROM vectors ORDER BY key{self.C}")]

    def vector_keys_of_another_length(self, dim: int) -> list[tuple[str, str]]:
        """(article id, vector key) of the articles whose vector does not have ``dim`` numbers (another embedder's)."""
        rows = self._all(f"SELECT a.id, a.vector_key FROM articles a JOIN vectors v ON v.key = a.vector_key "
                         f"WHERE v.dim <> ? ORDER BY a.{self.SEQ}", (dim,))  # fmt: skip
        return [(r["id"], r["vector_key"]) for r in rows]

    def article_vector_keys(self) -> list[tuple[str, str]]:
        """(article id, vector key) of every article that has a vector, in the order stored."""
        rows = self._all(f"SELECT id, vector_key FROM articles WHERE vector_key IS NOT NULL ORDER BY {self.SEQ}")
        return [(r["id"], r["vector_key"]) for r in rows]

    # --- events and stories -------------------------------------------------------------
    def save_events(self, events: list[Event], stories: list[Story], replace: bool = False,
                    trees: Mapping[str, list | None] | None = None) -> None:  # fmt: skip
        """Write events and stories and point each article at its event; ``replace`` drops all others first.
        ``trees`` gives stored events the merges that formed them (placement's :attr:`.EventIndex.trees`, read
        back by :meth:`event_trees` when it starts again; None: not known)."""
        with self.write():
            if replace:
                self._exec("UPDATE articles SET event_id = NULL")
                self._exec("DELETE FROM events")
                self._exec("DELETE FROM stories")
            # the events and stories this write may leave empty: those of the articles it points elsewhere, and its own
            moved = [] if replace else [aid for e in events for aid in e.articles]  # replaced: none holds an event
            left = set(self._column("SELECT DISTINCT event_id AS v FROM articles WHERE event_id IS NOT NULL AND id IN",
                                    moved)) | {e.id for e in events}  # fmt: skip
            left_stories = set(self._column("SELECT DISTINCT story_id AS v FROM events WHERE story_id IS NOT NULL AND id IN",
                                            sorted(left))) | {s.id for s in stories}  # fmt: skip
            self._many(
                "INSERT INTO stories (id, title) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET title=excluded.title",
                [(s.id, s.title) for s in stories],
            )
            self._many(
                "INSERT INTO events (id, date, date_confidence, place, title, participants, story_id) "
                "VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET date=excluded.date, "
                "date_confidence=excluded.date_confidence, place=excluded.place, title=excluded.title, "
                "participants=excluded.participants, story_id=excluded.story_id",
                [(e.id, e.date, e.date_confidence, e.place, e.title, json.dumps(e.participants, ensure_ascii=False),
                  e.story_id) for e in events],
            )  # fmt: skip
            self._many("UPDATE articles SET event_id=? WHERE id=?", [(e.id, aid) for e in events for aid in e.articles])
            if trees:
                self._many("UPDATE events SET tree=? WHERE id=?",
                           [(None if t is None else json.dumps([[float(p), a, b] for p, a, b in t], separators=(",", ":")), e)
                            for e, t in sorted(trees.items())])  # fmt: skip
            self._many("DELETE FROM events WHERE id = ? AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.event_id = events.id)",
                       [(e,) for e in sorted(left)])  # fmt: skip
            self._many("DELETE FROM stories WHERE id = ? AND NOT EXISTS (SELECT 1 FROM events e WHERE e.story_id = stories.id)",
                       [(s,) for s in sorted(left_stories)])  # fmt: skip

    def _column(self, sql: str, values: list[Any]) -> list[Any]:
        """Column ``v`` of ``sql`` (ending in ``IN``) for ``values``, asked ``CHUNK`` at a time."""
        return [r["v"] for r in self._rows_in(sql, values)]

    def _rows_in(self, sql: str, values: list[Any]) -> list[Mapping[str, Any]]:
        """The rows of ``sql`` (ending in ``IN``) for ``values``, asked ``CHUNK`` at a time."""
        out: list[Mapping[str, Any]] = []
        for at in range(0, len(values), CHUNK):
            chunk = values[at : at + CHUNK]
            out += self._all(f"{sql} ({','.join('?' * len(chunk))})", chunk)
        return out

    @_in_one_snapshot
    def events(self, story_id: str | None = None, articles: bool = True) -> list[Event]:
        """Every event, or those of one story (whose members alone are read); without ``articles``, their
        ``articles`` left empty (placement, which knows them, asks so for each story a batch changed)."""
        if story_id:
            members = {} if not articles else self._members(
                "SELECT a.event_id AS k, a.id FROM articles a JOIN events e ON e.id = a.event_id "
                f"WHERE e.story_id = ? ORDER BY a.published{self.C} NULLS FIRST, a.id{self.C}", (story_id,))  # fmt: skip
            rows = self._all(f"SELECT * FROM events WHERE story_id = ? ORDER BY date IS NULL, date{self.C}, id{self.C}", (story_id,))
        else:
            members = {} if not articles else self._members("SELECT event_id AS k, id FROM articles WHERE event_id IS "
                                                            f"NOT NULL ORDER BY published{self.C} NULLS FIRST, id{self.C}")  # fmt: skip
            rows = self._all(f"SELECT * FROM events ORDER BY date IS NULL, date{self.C}, id{self.C}")
        return [R.event_from_row(r, members.get(r["id"], [])) for r in rows]

    def event_trees(self) -> dict[str, list[tuple[float, str, str]]]:
        """``{event id: the merges that formed it}`` (each ``(probability, article, article)``, in the order made)
        for the events that know them."""
        return {r["id"]: [(float(p), a, b) for p, a, b in json.loads(r["tree"])]
                for r in self._all("SELECT id, tree FROM events WHERE tree IS NOT NULL")}

    @_in_one_snapshot
    def get_event(self, event_id: str) -> Event:
        row = self._one("SELECT * FROM events WHERE id = ?", (event_id,))
        if row is None:
            raise NotFound("event", event_id)
        ids = [r["id"] for r in self._all(f"SELECT id FROM articles WHERE event_id=? ORDER BY published{self.C} NULLS FIRST, id{self.C}", (event_id,))]
        return R.event_from_row(row, ids)

    @_in_one_snapshot
    def stories(self) -> list[Story]:
        members = self._members(f"SELECT story_id AS k, id FROM events WHERE story_id IS NOT NULL ORDER BY date IS NULL, date{self.C}, id{self.C}")
        return [R.story_from_row(r, members.get(r["id"], [])) for r in self._all(f"SELECT * FROM stories ORDER BY id{self.C}")]

    @_in_one_snapshot
    def get_story(self, story_id: str) -> Story:
        row = self._one("SELECT * FROM stories WHERE id = ?", (story_id,))
        if row is None:
            raise NotFound("story", story_id)
        ids = [r["id"] for r in self._all(f"SELECT id FROM events WHERE story_id=? ORDER BY date IS NULL, date{self.C}, id{self.C}", (story_id,))]
        return R.story_from_row(row, ids)

    def _members(self, sql: str, params: Iterable[Any] = ()) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for r in self._all(sql, params):
            out.setdefault(r["k"], []).append(r["id"])
        return out

    # --- enrichment listings ---------------------------------------------------------------
    def entities(self, limit: int | None = 1000, offset: int = 0, type: str | Sequence[str] | None = None) -> list[EntityRow]:
        """Entities, most mentioned first; of one type or of any of several, each a recogniser's type in any case
        (``"gpe"`` finds GPE) or a reader's kind (:data:`~.base.ENTITY_KINDS`: ``"place"`` finds GPE, LOC and FAC)."""
        given = [type] if isinstance(type, str) else list(type or [])
        types = sorted({k for t in given if t for k in ENTITY_KINDS.get(t.lower(), (t.upper(),))})
        where, params = (f"WHERE e.type IN ({','.join('?' * len(types))})", types) if types else ("", [])
        rows = self._all(f"SELECT e.* FROM entities e {where} ORDER BY e.count DESC, e.name{self.C}, e.id LIMIT ? OFFSET ?",
                         [*params, *self._limit(limit, offset)])  # fmt: skip
        return self._entity_dicts(rows)

    def get_entity(self, entity_id: int) -> EntityRow:
        rows = self._all("SELECT * FROM entities WHERE id = ?", (entity_id,))
        if not rows:
            raise NotFound("entity", entity_id)
        return self._entity_dicts(rows)[0]

    def entity_names(self, ids: Iterable[int]) -> dict[int, str]:
        """The name of each of the entities ``ids`` the store holds (one query a chunk, no mentions read)."""
        return {r["id"]: r["name"] for r in self._rows_in("SELECT id, name FROM entities WHERE id IN", sorted(set(ids)))}

    def _entity_dicts(self, rows: list[Mapping[str, Any]]) -> list[EntityRow]:
        """Entity rows with the ids of the articles that mention each."""
        articles: dict[int, set[str]] = {r["id"]: set() for r in rows}
        ids = list(articles)
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            for m in self._all(f"SELECT DISTINCT entity_id, article_id FROM mentions WHERE entity_id IN "
                               f"({','.join('?' * len(chunk))})", chunk):  # fmt: skip
                articles[m["entity_id"]].add(m["article_id"])
        return [
            EntityRow(id=r["id"], name=r["name"], type=r["type"], aliases=json.loads(r["aliases"]), count=r["count"],
                      articles=sorted(articles[r["id"]]))
            for r in rows
        ]  # fmt: skip

    def quotes(
        self, speaker: str | None = None, article_id: str | None = None, limit: int | None = 1000, offset: int = 0
    ) -> list[QuoteRow]:
        clauses, params = [], []
        if speaker:
            f = self.folded  # both sides folded by the backend: "Ángel" finds "ÁNGEL"
            like = f"LIKE {f('?')} ESCAPE '\\'"  # the name as written: its % and _ are no wildcards
            clauses.append(f"({f('q.speaker')} {like} OR {f('en.name')} {like} OR {f('en.aliases')} {like})")
            escaped = LIKE_SPECIAL.sub(r"\\\g<0>", speaker)
            params += [f"%{escaped}%"] * 3
        if article_id:
            clauses.append("q.article_id = ?")
            params.append(article_id)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._all(
            'SELECT q.id, q.article_id, q.start, q."end", q.text, coalesce(en.name, q.speaker) AS speaker, '
            "q.speaker_entity_id, q.cue, q.kind, a.outlet, a.published FROM quotes q "
            "JOIN articles a ON a.id = q.article_id LEFT JOIN entities en ON en.id = q.speaker_entity_id "
            f"{where} ORDER BY a.published{self.C} NULLS FIRST, q.article_id{self.C}, q.start, q.id LIMIT ? OFFSET ?",
            [*params, *self._limit(limit, offset)],
        )
        return [QuoteRow(**r) for r in rows]

    def figures(self, article_id: str | None = None, limit: int | None = 1000, offset: int = 0) -> list[FigureRow]:
        where, params = ("WHERE f.article_id = ?", [article_id]) if article_id else ("", [])
        rows = self._all(
            'SELECT f.id, f.article_id, f.start, f."end", f.text, f.value, f.unit, f.kind, f.sentence, f.measures, '
            f"a.outlet, a.published FROM figures f JOIN articles a ON a.id = f.article_id {where} "
            f"ORDER BY a.published{self.C} NULLS FIRST, f.article_id{self.C}, f.start, f.id LIMIT ? OFFSET ?",
            [*params, *self._limit(limit, offset)],
        )
        return [FigureRow(**r) for r in rows]

    def mentions_of(self, entity_id: int) -> list[dict]:
        rows = self._all(
            'SELECT m.article_id, m.start, m."end", m.text, a.title, a.published, a.outlet FROM mentions m '
            f"JOIN articles a ON a.id = m.article_id WHERE m.entity_id = ? ORDER BY a.published{self.C} NULLS FIRST, m.article_id{self.C}, m.start",
            (entity_id,),
        )
        return [dict(r) for r in rows]

    # --- search -------------------------------------------------------------------------
    def search(
        self, query: str, limit: int | None = 50, offset: int = 0, *, outlet: str | None = None,
        language: str | None = None, since: str | None = None, until: str | None = None, event_id: str | None = None,
    ) -> list[SearchHit]:  # fmt: skip
        """Full-text search over title and text, best match first: each hit with a score in [0, 1] (higher is
        better) and a snippet whose ``highlights`` are the (start, end) spans of the words matched."""
        if not query.split():
            return []
        clauses, params = _filters(outlet=outlet, language=language, since=since, until=until, event_id=event_id)
        rows = self._search_rows(query, clauses.replace("WHERE", "AND"), params, limit, offset)
        hits = []
        for r in rows:
            snippet, spans = highlight(r.pop("text") or "", query)
            hits.append(SearchHit(**r, snippet=snippet, highlights=spans))
        return hits


def _filters(**filters: Any) -> tuple[str, list[Any]]:
    from ..metadata import domain_named  # read when a filter asks: a store opens without the describing code

    check_period(filters.get("since"), filters.get("until"))
    clauses, params = [], []
    for key, value in filters.items():
        if value in (None, ""):
            continue
        if key == "outlet" and (domain := domain_named(value)):  # as `storyline outlets` shows an outlet without a name
            clauses.append(f"({FILTERS[key]} OR a.outlet_domain = ?)")
            params += [casefold(value), domain]
            continue
        clauses.append(FILTERS[key])
        params.append(FILTER_VALUES.get(key, lambda v: v)(value))
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params

