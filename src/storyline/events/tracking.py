"""Events and stories kept in step with the store: placement on ingest, and rebuilds.

:class:`EventTracker` holds the in-memory :class:`EventIndex` built from the
stored articles. ``place`` puts a new batch in events and stories
(:meth:`EventIndex.place_batch`) and writes the events that changed (date, place, title,
participants), the stories they belong to, and the inferred publication dates of
undated articles, inside the caller's transaction, so a batch and its placement
are committed together.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..models import Article, Event
from .attributes import describe_event, describe_events, infer_published
from .features import TRAITS_VERSION, Traits
from .ids import canonical_key
from .placement import EventIndex
from .stories import describe_stories


class EventTracker:
    def __init__(self, index: EventIndex, unplaced: list[Article] | None = None,
                 unkept: dict[str, tuple[int | None, bytes]] | None = None):  # fmt: skip
        self.index = index
        self.unplaced = unplaced or []  # stored articles without an event: placed, and written, with the next batch
        self.unkept = unkept or {}  # traits read at start-up that the store lacked (day, data): kept with the next batch

    @classmethod
    def from_store(cls, store, settings=None) -> EventTracker:
        """The tracker over everything stored, with each event's tree of merges.

        Each placed article comes as the store keeps what placement read of it (:class:`.Traits`), so no text is
        read again; an article whose traits are missing or of another version is read now, and its traits are
        kept with the next batch. Stored articles without an event (the batch being stored, when the tracker is
        made inside its transaction) are left for :meth:`place`, which writes all that placing them changes."""
        stored = _Stored(store, placed_only=True)
        index = EventIndex.from_stored(stored.traits(), settings, trees=store.event_trees())
        return cls(index, list(store.iter_articles(ids=stored.unplaced)), stored.read)

    def repoint(self, copies: dict[str, str | None]) -> None:
        """Stored copies that now point at another original (:meth:`.Store.set_duplicate_of`, which drops their
        traits): the running index follows them, and what was read of them at start-up is not kept."""
        for article_id, original in copies.items():
            if (profile := self.index.profiles.get(article_id)) is not None:
                profile.duplicate_of = original
            self.unkept.pop(article_id, None)

    def place(self, articles: list[Article], store) -> list[Event]:
        """Place ``articles`` (already stored), with any stored article still without an event, and write
        their events and stories; returns the events changed."""
        index = self.index
        given = {a.id for a in articles}
        articles = articles + [a for a in self.unplaced if a.id not in given]
        changes = index.place_batch(articles, keep=True)
        fresh = {a.id: a for a in articles}
        changed_ids = sorted(changes.events | {a.event_id for a in articles})
        members: dict[str, list[Article]] = {e: [] for e in changed_ids}
        wanted = [a for e in changed_ids for a in index.events[e].members if a not in fresh]
        for a in store.iter_articles(ids=wanted):
            a.event_id = index.event_of[a.id]
            members[a.event_id].append(a)
        for a in articles:
            members[a.event_id].append(a)
        events = []
        for event_id in changed_ids:
            event = describe_event(event_id, members[event_id])
            event.story_id = index.story_of(event_id)
            events.append(event)
            for a in infer_published(members[event_id], [event], index.fit):
                store.set_published(a.id, a.published, a.published_how)
        store.put_traits(self.unkept | changes.traits, TRAITS_VERSION)
        self.unkept = {}
        stories = self._stories_of(events, store, changes.retired)
        store.save_events(events, stories, trees=_known(index, changes.formed))
        self.unplaced = []
        return events

    def _stories_of(self, changed: list[Event], store, retired: set[str]):
        """The stories the changed events belong to, described over all their events (not the ``retired``)."""
        by_id = {e.id: e for e in changed}
        for story_id in sorted({e.story_id for e in changed if e.story_id}):
            for e in store.events(story_id=story_id, articles=False):  # the index knows their articles
                if e.id not in retired and e.id in self.index.events:
                    e.story_id = self.index.story_of(e.id)
                    e.articles = self.index.events[e.id].members
                    by_id.setdefault(e.id, e)
        return describe_stories(by_id.values())

    @classmethod
    def rebuild(cls, store, settings=None) -> EventTracker:
        """Re-cluster every stored article, as :func:`.placement.rebuild` does: the same events and stories whatever
        the arrival order. Placement reads what the store keeps of each article (the articles stored without it are
        read, and it is kept), and each event is then described from its articles, read :data:`DESCRIBED` events at
        a time: a rebuild holds the index and one chunk of articles, never the whole store. What was read is kept
        unless another writer wrote meanwhile (PostgreSQL), which may have changed what it was read from."""
        began = store.generation()
        stored = _Stored(store, placed_only=False)
        index = EventIndex(settings)
        index.place_read(traits for traits, _, _ in stored.traits())
        ids, events, inferred = sorted(index.events), [], []
        for at in range(0, len(ids), DESCRIBED):
            wanted = [a for e in ids[at : at + DESCRIBED] for a in index.events[e].members]
            members = list(store.iter_articles(ids=wanted))  # each event orders its own (describe_event)
            for a in members:
                a.event_id = index.event_of[a.id]
            described = describe_events(members)
            inferred += [(a.id, a.published, a.published_how) for a in infer_published(members, described, index.fit)]
            events += described
        for e in events:
            e.story_id = index.story_of(e.id)
        with store.write():
            for article_id, published, how in inferred:
                store.set_published(article_id, published, how)
            if store.generation() == began:
                store.put_traits(stored.read, TRAITS_VERSION)
            store.save_events(events, describe_stories(events), replace=True, trees=_known(index, index.events))
        return cls(index)


DESCRIBED = 500  # events a rebuild describes from one read of their articles
KEPT = 500  # articles read per transaction by keep_traits


def keep_traits(store) -> int:
    """Read, and keep, what placement reads of every placed article the store holds without it (a store written
    before traits were kept, or of another version), :data:`KEPT` articles a transaction (an interrupted run is
    completed by the next), so that every later start reads no text, a read-only ``serve``'s too. Returns how
    many were read."""
    unread = [article_id for article_id, event_id, _, _, data, _ in store.placement_rows(TRAITS_VERSION)
              if event_id and data is None]  # fmt: skip
    for at in range(0, len(unread), KEPT):
        with store.write():
            store.put_traits(_read(store, unread[at : at + KEPT]), TRAITS_VERSION)
    return len(unread)


def _read(store, ids: list[str]) -> dict[str, tuple[int | None, bytes]]:
    """What placement reads of the stored articles ``ids``, encoded as the store keeps it (:meth:`.Traits.encode`)."""
    return {a.id: Traits.of(a).encode() for a in store.iter_articles(ids=ids)}


class _Stored:
    """What the store keeps for placement of each of its articles (of them all, or only those placed in an event),
    in the canonical order: the article's day and encoded :class:`.Traits`, its vector, event and story. The
    articles stored without traits (or with traits of another version) are read now: ``read`` holds what was read
    of them, for the store to keep. ``unplaced``: the articles without an event, when only those placed are
    wanted."""

    def __init__(self, store, placed_only: bool):
        rows, unread, self.unplaced = [], {}, []
        for article_id, event_id, story_id, day, data, vector in store.placement_rows(TRAITS_VERSION):
            if placed_only and not event_id:
                self.unplaced.append(article_id)
            elif data is None:
                unread[article_id] = (vector, event_id, story_id)
            else:
                rows.append((canonical_key(day, article_id), article_id, day, data, vector, event_id, story_id))
        self.read = _read(store, list(unread))
        for article_id, (day, data) in self.read.items():
            rows.append((canonical_key(day, article_id), article_id, day, data, *unread[article_id]))
        rows.sort(key=lambda row: row[0], reverse=True)  # the first last: taken from the end as they are made
        self.rows = rows

    def traits(self) -> Iterator[tuple[Traits, str | None, str | None]]:
        """(traits, event id, story id) of each article in the canonical order, each made when asked for and its
        row let go (placement lets the traits go once its profile is made). Once only."""
        while self.rows:
            _, article_id, day, data, vector, event_id, story_id = self.rows.pop()
            yield Traits.decode(article_id, day, data, vector), event_id, story_id


def _known(index: EventIndex, events) -> dict[str, list | None]:
    """The tree of merges of each of ``events``, None where it is not known (an event that took in articles or
    another event whose tree was not known: stored by an earlier version)."""
    return {e: index.trees.get(e) for e in events}
