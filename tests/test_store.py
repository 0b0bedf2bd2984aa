"""The SQLite store: schema, the one write path, search, vectors, events."""

import sqlite3

import numpy as np
import pytest

from storyline import Article, Event, NotFound, Story
from storyline.storage import Store
from storyline.storage.migrations import MIGRATIONS


def _article(i: str, text: str = "The council voted on the new harbour budget.", **kw) -> Article:
    a = Article(id=i, source=f"{i}.txt", raw=text, text=text, title=f"Title {i}", content_hash=f"h{i}", **kw)
    return a


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "s.db")
    yield s
    s.close()


def test_migrations_recorded_once_and_wal_on(tmp_path):
    path = tmp_path / "s.db"
    first = Store(path)
    assert first.migrations_applied == [m.__name__ for m in MIGRATIONS]
    first.close()
    again = Store(path)
    assert again.migrations_applied == []
    assert again.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert again.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_failed_batch_leaves_nothing(store):
    with pytest.raises(RuntimeError):
        with store.write():
            store.add_articles([_article("a1")])
            raise RuntimeError("crash mid-batch")
    assert store.count("articles") == 0
    store.add_articles([_article("a2")])
    assert store.count("articles") == 1


def test_raw_and_removed_round_trip(store):
    from storyline import Removed

    a = _article("a1", published="2024-03-02", published_how="stated", wire=["AFP"])
    a.raw = "Skip to content\nThe council voted on the new harbour budget.\n"
    a.removed = [Removed("Skip to content", "navigation")]
    store.add_articles([a])
    back = store.get_article("a1")
    assert back.raw == a.raw
    assert back.removed[0].reason == "navigation"
    assert back.wire == ["AFP"] and back.published == "2024-03-02"


def test_unknown_article_names_the_command(store):
    with pytest.raises(NotFound, match="storyline articles"):
        store.get_article("nope")


def test_fulltext_search_ranks_and_escapes(store):
    store.add_articles([
        _article("a1", "Dock workers strike over pay in the northern port."),
        _article("a2", "The orchestra opened its winter season."),
    ])
    hits = store.search("strike port")
    assert [h["id"] for h in hits] == ["a1"]
    assert store.search('port" OR "orchestra') == []  # user input is never FTS syntax


def test_vectors_round_trip(store):
    v = np.arange(4, dtype=np.float32)
    store.put_vectors({"k": v})
    assert np.array_equal(store.get_vectors(["k", "missing"])["k"], v)


def test_events_and_stories_saved_and_orphans_removed(store):
    store.add_articles([_article("a1"), _article("a2", "Another text about the harbour.")])
    store.save_events([Event("e1", date="2024-01-02", articles=["a1", "a2"], story_id="s1")], [Story("s1", "Harbour")])
    assert store.get_article("a1").story_id == "s1"
    assert store.get_story("s1").events == ["e1"]
    store.save_events([Event("e2", date="2024-01-03", articles=["a1", "a2"], story_id="s2")], [Story("s2", "H")])
    assert [e.id for e in store.events()] == ["e2"]
    assert [s.id for s in store.stories()] == ["s2"]


def test_foreign_keys_enforced(store):
    with pytest.raises(sqlite3.IntegrityError):
        with store.write() as conn:
            conn.execute("INSERT INTO quotes (article_id, start, end, text, kind) VALUES ('ghost', 0, 1, 'x', 'direct')")
