"""SQLite schema migrations: named functions, applied in order, recorded in ``migrations``.

Each migration runs inside the store's write transaction, so a crash leaves the
schema either before or after it, never half way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from .base import casefold


def _script(conn: sqlite3.Connection, sql: str) -> None:
    """Run several statements inside the caller's transaction (``executescript`` would commit)."""
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            conn.execute(pending)
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in migration: {pending[:60]!r}")


def m001_articles(conn: sqlite3.Connection) -> None:
    _script(conn,
        """
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            title TEXT
        );
        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            date TEXT,
            date_confidence REAL NOT NULL DEFAULT 0,
            place TEXT,
            title TEXT,
            participants TEXT NOT NULL DEFAULT '[]',
            story_id TEXT REFERENCES stories(id) ON DELETE SET NULL
        );
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            format TEXT NOT NULL,
            url TEXT,
            hints TEXT NOT NULL DEFAULT '{}',
            title TEXT,
            outlet TEXT,
            outlet_domain TEXT,
            byline TEXT,
            wire TEXT NOT NULL DEFAULT '[]',
            published TEXT,
            published_how TEXT NOT NULL DEFAULT 'unknown',
            language TEXT,
            text TEXT NOT NULL,
            raw TEXT NOT NULL,
            removed TEXT NOT NULL DEFAULT '[]',
            content_hash TEXT NOT NULL,
            duplicate_of TEXT REFERENCES articles(id) ON DELETE SET NULL,
            sentences TEXT NOT NULL DEFAULT '[]',
            event_date TEXT,
            event_date_how TEXT NOT NULL DEFAULT 'unknown',
            vector_key TEXT,
            minhash BLOB,
            event_id TEXT REFERENCES events(id) ON DELETE SET NULL,
            ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE INDEX articles_hash ON articles(content_hash);
        CREATE INDEX articles_event ON articles(event_id);
        CREATE INDEX articles_published ON articles(published);
        CREATE INDEX articles_outlet ON articles(outlet);
        CREATE INDEX events_story ON events(story_id);

        CREATE TABLE vectors (
            key TEXT PRIMARY KEY,
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL
        );

        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
        END;
        CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        """
    )


def m002_enrichment(conn: sqlite3.Connection) -> None:
    _script(conn,
        """
        CREATE TABLE entities (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            aliases TEXT NOT NULL DEFAULT '[]',
            count INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX entities_name ON entities(name);
        CREATE TABLE mentions (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            entity_id INTEGER REFERENCES entities(id) ON DELETE SET NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            label TEXT NOT NULL,
            name TEXT NOT NULL
        );
        CREATE INDEX mentions_article ON mentions(article_id);
        CREATE INDEX mentions_entity ON mentions(entity_id);
        CREATE TABLE quotes (
            id INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            speaker TEXT,
            speaker_entity_id INTEGER REFERENCES entities(id) ON DELETE SET NULL,
            cue TEXT,
            kind TEXT NOT NULL
        );
        CREATE INDEX quotes_article ON quotes(article_id);
        CREATE INDEX quotes_speaker ON quotes(speaker_entity_id);
        CREATE TABLE figures (
            id INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            value REAL,
            unit TEXT,
            kind TEXT NOT NULL,
            sentence TEXT NOT NULL,
            measures TEXT NOT NULL
        );
        CREATE INDEX figures_article ON figures(article_id);
        CREATE TABLE times (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            date TEXT,
            end_date TEXT,
            granularity TEXT NOT NULL
        );
        CREATE INDEX times_article ON times(article_id);
        """
    )


def m003_encoding(conn: sqlite3.Connection) -> None:
    """How each input's bytes were decoded, and the bytes themselves when the text is not exactly their UTF-8."""
    _script(conn,
        """
        ALTER TABLE articles ADD COLUMN encoding TEXT;
        ALTER TABLE articles ADD COLUMN raw_bytes BLOB;
        """
    )


def m004_store_state(conn: sqlite3.Connection) -> None:
    """A count of committed write transactions, which tells a writer whether another one wrote since its last batch."""
    _script(conn,
        """
        CREATE TABLE store_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT INTO store_state (key, value) VALUES ('generation', 0);
        """
    )


def m005_no_statement_vectors(conn: sqlite3.Connection) -> None:
    """Statements are compared by their words, computed when needed (events.features.statement_vectors): the
    statement embeddings earlier versions kept (keys ``s:<content hash>:<start>``) go."""
    conn.execute("DELETE FROM vectors WHERE key LIKE 's:%'")


def m006_outlet_any_case(conn: sqlite3.Connection) -> None:
    """Outlets are filtered whatever their case, in any alphabet: each article keeps its outlet case-folded
    (``outlet_key``, :func:`.base.casefold`), which the outlet index is on."""
    conn.execute("ALTER TABLE articles ADD COLUMN outlet_key TEXT")
    for (outlet,) in conn.execute("SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL").fetchall():
        conn.execute("UPDATE articles SET outlet_key = ? WHERE outlet = ?", (casefold(outlet), outlet))
    conn.execute("DROP INDEX articles_outlet")
    conn.execute("CREATE INDEX articles_outlet ON articles (outlet_key)")


def m007_event_weakest(conn: sqlite3.Connection) -> None:
    """Each event keeps the lowest probability of the merges that formed it (``weakest``; infinite for an event of
    one article), so placement started afresh from the store knows, as the running one did, which stored events a
    new article could enter before they are whole again (:meth:`.EventIndex._reachable`). NULL: not known (an
    event placed by an earlier version), taken apart the first time a batch meets it."""
    conn.execute("ALTER TABLE events ADD COLUMN weakest REAL")


def m008_traits(conn: sqlite3.Connection) -> None:
    """What placement read of each article (:class:`~storyline.events.features.Traits`: keys of its words,
    entities, statements and dates, compressed JSON), so that an index started from the store does not read
    every text again. ``day``: the article's day (the canonical order's key, read without the data).
    ``version``: the reading that made them; traits of another are read again. An article
    without any (stored by an earlier version, or its date or copy changed since) is read at start-up."""
    _script(conn,
        """
        CREATE TABLE traits (
            article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            day INTEGER,
            data BLOB NOT NULL
        );
        """)  # fmt: skip


def m009_event_trees(conn: sqlite3.Connection) -> None:
    """Each event keeps the merges that formed it, in the order made (``tree``: JSON ``[[probability, article,
    article], ...]``, empty for one article), which ``weakest`` (the lowest of them) gave only the least of:
    placement takes a stored event apart only into the pieces a new article could reach
    (:meth:`.EventIndex._pieces`). NULL: not known (an event stored before), made again from its members when a
    batch first takes it apart."""
    conn.execute("ALTER TABLE events ADD COLUMN tree TEXT")
    conn.execute("ALTER TABLE events DROP COLUMN weakest")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    m001_articles, m002_enrichment, m003_encoding, m004_store_state, m005_no_statement_vectors,
    m006_outlet_any_case, m007_event_weakest, m008_traits, m009_event_trees,
)


def pending(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations the store at ``conn`` lacks, without changing it (an empty file lacks them all)."""
    has_table = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='migrations'").fetchone()
    done = {row[0] for row in conn.execute("SELECT name FROM migrations")} if has_table else set()
    return [m.__name__ for m in MIGRATIONS if m.__name__ not in done]


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply the migrations not yet recorded; return the names applied. Caller holds the transaction."""
    conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = {row[0] for row in conn.execute("SELECT name FROM migrations")}
    applied = []
    for migration in MIGRATIONS:
        if migration.__name__ in done:
            continue
        migration(conn)
        conn.execute(
            "INSERT INTO migrations(name, applied_at) VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
            (migration.__name__,),
        )
        applied.append(migration.__name__)
    return applied
