"""What placement read of each article (Traits), kept in the store so a start-up reads no text again."""

from __future__ import annotations

import copy
import hashlib
import json
import zlib

import numpy as np

from _events_fixtures import article, corpus, groups
from storyline.events import EventIndex, rebuild, tracking
from storyline.events.attributes import describe_events, infer_published
from storyline.events.bags import Lexicon
from storyline.events.features import TRAITS_VERSION, Profile, Traits
from storyline.events.tracking import EventTracker
from storyline.models import Figure, Quote, TimeMention
from storyline.settings import Settings
from storyline.storage import open_store

# The traits of the articles of read_everything(), hashed. When this test fails, Traits.of reads an article
# differently: raise TRAITS_VERSION (so stores read their articles again) and put the new digest here.
DIGEST = (1, "0edb17e907e3e81f93c35b2d2b2b0c9797b6afc61b87be88f85007dfcc71ad46")


def read_everything() -> list:
    """The fixture corpus and one article with statements, figures and a date its lead names."""
    text = ("Harbour Council chair Ada Darrow said on Monday that the Kelport pier will stay shut until March. "
            "\"We cannot open a pier that the storm of 4 January cracked in three places,\" Darrow said. "
            "Repairs will cost 2.4 million euros, and 140 fishing boats must moor in Lindau meanwhile.")  # fmt: skip
    said = text.index('"We') + 1
    a = article("p1", "Kelport pier stays shut after storm", text, "2023-01-16")
    a.quotes = [Quote(said, text.index('," Darrow'), text[said : text.index('," Darrow')], "Ada Darrow", "said", "direct")]
    a.figures = [Figure(text.index("2.4"), text.index(" euros"), "2.4 million", 2400000.0, "euros", "money", "", "repairs"),
                 Figure(text.index("140"), text.index("140") + 3, "140", 140.0, None, "count", "", "fishing boats")]
    storm = text.index("4 January")
    a.times = [TimeMention(storm, storm + 9, "4 January", "2023-01-04", None, "day")]
    ends = [i + 1 for i, c in enumerate(text) if c == "." and text[i + 1 : i + 2] in (" ", "")]
    a.sentences = list(zip([0, *(e + 1 for e in ends[:-1])], ends, strict=True))
    return [*corpus(), a]


def _same_profile(p: Profile, q: Profile) -> bool:
    bags = all(np.array_equal(getattr(p, f).ids, getattr(q, f).ids) and np.array_equal(getattr(p, f).vals, getattr(q, f).vals)
               for f in ("terms", "words", "actors", "places", "people", "numbers", "facts"))  # fmt: skip
    fields = all(getattr(p, f) == getattr(q, f)
                 for f in ("id", "day", "strong_day", "duplicate_of", "refs", "follows", "full_people"))  # fmt: skip
    said = len(p.statements) == len(q.statements) and all(
        a == b and np.array_equal(u, v) for (a, u), (b, v) in zip(p.statements, q.statements, strict=True))
    return bags and fields and said and np.array_equal(p.vector, q.vector)


def test_traits_as_the_store_keeps_them_make_the_profile_the_article_makes_bit_for_bit():
    articles = read_everything()
    direct, kept = Lexicon(), Lexicon()
    made = 0
    for a in articles:
        t = Traits.of(a)
        p = Profile.from_article(a, direct)
        q = Profile.from_traits(Traits.decode(a.id, *t.encode(), a.vector), kept)
        assert _same_profile(p, q), a.id
        made += bool(p.statements) + bool(p.facts) + bool(p.refs) + bool(p.follows)
    assert made == 4  # the last article has a statement, facts and an earlier date its lead names: all kept
    assert direct._keys == kept._keys  # new keys took their ids in the same order


def test_the_traits_version_names_what_traits_read():
    """Stored traits are trusted while their version is the code's: a change to what is read must raise it."""
    traits = [Traits.of(a) for a in read_everything()]
    read = [[t.id, t.day, zlib.decompress(t.encode()[1]).decode()] for t in traits]  # as JSON: zlib builds may differ
    digest = hashlib.sha256(json.dumps(read).encode()).hexdigest()
    assert (TRAITS_VERSION, digest) == DIGEST, (
        f"Traits.of reads articles differently (digest {digest}): raise TRAITS_VERSION to {TRAITS_VERSION + 1} "
        "and put the new version and digest in DIGEST")


def _ingested(url: str, batches: list[list], settings) -> None:
    store = open_store(url)
    tracker = None
    for batch in batches:
        with store.write():
            store.add_articles(batch)
            tracker = tracker or EventTracker.from_store(store, settings)
            tracker.place(batch, store)
        held = [e.articles for e in store.events()] + [s.events for s in store.stories()]
        assert held and all(held)  # no event without articles, no story without events
    store.close()


def test_a_tracker_started_from_the_store_reads_no_text_and_places_as_one_started_from_the_articles(store_url, monkeypatch):
    settings = Settings()
    arts = corpus()
    first, second = [a for a in arts if a.published], [a for a in arts if not a.published]  # no date inferred
    second += [first.pop()]
    _ingested(store_url, [copy.deepcopy(first)], settings)
    store = open_store(store_url)
    stored = list(store.iter_articles(full=True))
    from_articles = EventIndex.from_articles(stored, settings, trees=store.event_trees())
    asked = []
    with monkeypatch.context() as m:
        m.setattr(Traits, "of", None)  # any reading of an article would fail
        m.setattr(store, "iter_articles", lambda **kw: asked.append(kw.get("ids", "all")) or iter(()))
        tracker = EventTracker.from_store(store, settings)
    assert asked == [[], []] and tracker.unkept == {}  # no article read whole: none without traits, none unplaced
    assert set(tracker.index.profiles) == {a.id for a in first}
    for a in first:
        assert _same_profile(tracker.index.profiles[a.id], from_articles.profiles[a.id]), a.id
    for index in (tracker.index, from_articles):
        index.place_batch(copy.deepcopy(second))
    assert groups(tracker.index.assignments()) == groups(from_articles.assignments())
    store.close()


def test_traits_missing_or_of_another_version_are_read_again_and_kept_with_the_next_batch(store_url):
    settings = Settings()
    arts = corpus()
    _ingested(store_url, [copy.deepcopy(arts[:3])], settings)
    store = open_store(store_url)
    rows = {r[0]: r for r in store.placement_rows(TRAITS_VERSION)}
    assert set(rows) == {"m1a", "m1b", "m2a"} and all(r[4] for r in rows.values())
    store.set_published("m1b", "2022-03-09", "stated")  # read from a date no longer its own: dropped
    store.put_traits({"m2a": rows["m2a"][3:5]}, TRAITS_VERSION - 1)  # as an earlier reading kept them
    assert all(r[3] is None and r[4] is None for r in store.placement_rows(TRAITS_VERSION + 1))
    assert {r[0] for r in store.placement_rows(TRAITS_VERSION) if r[4] is None} == {"m1b", "m2a"}
    tracker = EventTracker.from_store(store, settings)
    assert set(tracker.unkept) == {"m1b", "m2a"}
    again = Traits.of(store.get_article("m1b"))  # read from the article as stored now
    assert tracker.unkept["m1b"] == again.encode()
    with store.write():
        store.add_articles([arts[3]])
        tracker.place([arts[3]], store)
    assert all(r[4] for r in store.placement_rows(TRAITS_VERSION)) and tracker.unkept == {}
    store.close()


def test_a_copy_pointed_at_another_original_is_followed_and_read_again(store_url):
    """Repointing a stored copy drops its traits: the running index follows it, and neither what a start-up read of
    it nor the old original is kept; the next start-up reads it as it now stands."""
    settings = Settings()
    arts = corpus()
    _ingested(store_url, [copy.deepcopy(arts[:4])], settings)
    store = open_store(store_url)
    with store.write():
        store.set_duplicate_of({"m2b": "m2a"})  # as the pipeline does once an earlier original arrives
        tracker = EventTracker.from_store(store, settings)  # reads m2b again: its traits were dropped
        assert set(tracker.unkept) == {"m2b"} and tracker.index.profiles["m2b"].duplicate_of == "m2a"
        store.set_duplicate_of({"m2b": "m1a"})
        tracker.repoint({"m2b": "m1a"})
        assert tracker.unkept == {} and tracker.index.profiles["m2b"].duplicate_of == "m1a"
        store.add_articles([arts[5]])
        tracker.place([arts[5]], store)
    assert {r[0] for r in store.placement_rows(TRAITS_VERSION) if r[4] is None} == {"m2b"}
    again = EventTracker.from_store(store, settings)
    assert again.index.profiles["m2b"].duplicate_of == "m1a"
    store.close()


def test_a_rebuild_keeps_what_it_read_of_every_article(store_url):
    settings = Settings()
    _ingested(store_url, [copy.deepcopy(corpus()[:3])], settings)
    store = open_store(store_url)
    with store.write():
        store.add_articles(copy.deepcopy(corpus()[3:]))  # stored, never placed: no traits yet
    assert sum(r[4] is None for r in store.placement_rows(TRAITS_VERSION)) == 4
    EventTracker.rebuild(store, settings)
    rows = list(store.placement_rows(TRAITS_VERSION))
    assert len(rows) == 7 and all(r[1] and r[4] for r in rows)
    assert {r[0]: r[3] for r in rows} == {a.id: Traits.of(a).day for a in corpus()}
    store.close()


def test_a_rebuild_from_the_store_places_from_its_traits_as_a_rebuild_of_the_articles(store_url, monkeypatch):
    """Placed from the stored traits, described a few events at a time: the events, stories and inferred dates a
    rebuild of the articles themselves gives."""
    settings = Settings()
    _ingested(store_url, [copy.deepcopy(corpus()[i : i + 2]) for i in range(0, 7, 2)], settings)  # four runs
    articles = copy.deepcopy(corpus())
    expected, _ = rebuild(articles, settings)
    events = describe_events(articles)
    for e in events:
        e.story_id = expected.story_of(e.id)
    inferred = {a.id: (a.published, a.published_how) for a in infer_published(articles, events, expected.fit)}
    assert inferred  # the undated report of the second meeting takes its event's date
    store = open_store(store_url)
    with monkeypatch.context() as m:
        m.setattr(Traits, "of", None)  # every article has its traits: none is read for placement
        m.setattr(tracking, "DESCRIBED", 2)  # two events described from one read
        EventTracker.rebuild(store, settings)
    def described(e):  # the store lists an event's articles in its own order
        return vars(e) | {"articles": sorted(e.articles)}

    assert [described(e) for e in store.events()] == [described(e) for e in sorted(events, key=lambda e: (e.date is None, e.date, e.id))]
    assert {a.id: (a.published, a.published_how) for a in store.iter_articles() if a.id in inferred} == inferred
    store.close()


def test_migrate_reads_and_keeps_the_traits_a_store_written_before_lacks(tmp_path):
    """A store written before traits were kept: `storyline migrate` reads each placed article once, and every later
    start reads no text."""
    from typer.testing import CliRunner

    from storyline.cli import app

    url = str(tmp_path / "old.db")
    _ingested(url, [copy.deepcopy(corpus())], Settings())
    store = open_store(url)
    with store.write():
        store.conn.execute("DELETE FROM traits")  # as before traits were kept
    store.close()
    runner = CliRunner()
    done = runner.invoke(app, ["migrate", "--db", url])
    assert done.exit_code == 0 and "read 7 articles once for placement" in done.output, done.output
    store = open_store(url, read_only=True)
    assert all(r[4] for r in store.placement_rows(TRAITS_VERSION))
    assert EventTracker.from_store(store, Settings()).unkept == {}
    store.close()
    again = runner.invoke(app, ["migrate", "--db", url])
    assert again.exit_code == 0 and "already up to date" in again.output, again.output
