"""``storyline copy SRC DST``: move a store between backends (SQLite to PostgreSQL and back).

Everything is copied through the store interface, in one write transaction on
the target: entities, articles (raw input, enrichment, MinHash, vectors) in the
order they were stored, every other vector of the embedding cache, syndicated
copies, events and stories. The target must be empty, so nothing it holds is
mixed in; a failure leaves it as it was. What placement read of each article
(``traits``) is not copied: it is read again at the target's first start-up and
kept with its next batch.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from ..errors import StoreError
from .base import COUNTED, Store, redact

CHUNK = 500


def check_target(db: str) -> None:
    """Refuse, before anything opens it for writing (which would migrate it), a copy target that holds articles,
    or one in memory (gone when the copy ends)."""
    from . import is_postgres, open_store, sqlite_path

    if is_postgres(db):
        import psycopg

        try:
            with psycopg.connect(db, autocommit=True, connect_timeout=10) as conn:
                held = conn.execute("SELECT count(*) FROM articles").fetchone()[0] if conn.execute(
                    "SELECT to_regclass('articles')").fetchone()[0] else 0  # fmt: skip
        except psycopg.Error:
            return  # opening it for the copy says what is wrong, in one line
    else:
        path = sqlite_path(db)
        if path == ":memory:":
            raise StoreError(f"{db}: a store in memory is gone when the copy ends; copy into a file or a database.")
        if not os.path.isfile(path) or not os.path.getsize(path):
            return
        store = open_store(db, read_only=True)  # refused as it is, never migrated first: the file stays as it was
        held = store.count("articles")
        store.close()
    if held:
        raise _not_empty(db, held)


def _not_empty(db: str, articles: int) -> StoreError:
    return StoreError(f"{redact(db)}: the target store is not empty ({articles} articles); copy into a new store, so "
                      "that nothing is mixed in.")  # fmt: skip


def copy_store(source: Store, target: Store, on_progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Copy ``source`` into the empty ``target``; return the count of each kind of row copied."""
    held = {t: target.count(t) for t in ("articles", "events", "entities")}
    if any(held.values()):
        raise _not_empty(target.url, held["articles"])
    minhashes = {aid: blob for aid, blob, _ in source.minhashes()}
    with target.write():
        entities = source.entity_rows()
        copies: dict[str, str | None] = {}
        batch = []
        for article in source.iter_articles(full=True):
            if article.duplicate_of:
                copies[article.id] = article.duplicate_of
            article.duplicate_of = article.event_id = None  # set once every article is in
            batch.append(article)
            if len(batch) >= CHUNK:
                target.add_articles(batch, entities, {a.id: minhashes[a.id] for a in batch if a.id in minhashes})
                entities = []
                if on_progress:
                    on_progress(len(batch))
                batch = []
        if batch or entities:
            target.add_articles(batch, entities, {a.id: minhashes[a.id] for a in batch if a.id in minhashes})
            if on_progress:
                on_progress(len(batch))
        for keys in _chunks(source.vector_keys()):
            target.put_vectors(source.get_vectors(keys))
        target.set_duplicate_of(copies)
        target.save_events(source.events(), source.stories(), trees=source.event_trees())
        counts = {t: target.count(t) for t in COUNTED}
        expected = {t: source.count(t) for t in COUNTED}
        if counts != expected:  # rolled back
            raise StoreError(f"{redact(target.url)}: the copy would hold {counts}, not the source's {expected}; nothing was copied.")
    return counts


def _chunks(keys: list[str]) -> list[list[str]]:
    return [keys[i : i + CHUNK] for i in range(0, len(keys), CHUNK)]
