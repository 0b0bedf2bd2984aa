"""Events and stories kept in step with the store: placement on ingest, and rebuilds.

:class:`EventTracker` holds the in-memory :class:`EventIndex` built from the
stored articles. ``place`` puts a new batch in events and stories and writes the
events that changed (date, place, title, participants), the stories they belong
to, and the inferred publication dates of undated articles — inside the caller's
transaction, so a batch and its placement are committed together.
"""

from __future__ import annotations

from ..models import Article, Event
from ..stories import describe_stories
from .attributes import describe_event, describe_events, infer_published
from .placement import EventIndex, rebuild


class EventTracker:
    def __init__(self, index: EventIndex, settings=None):
        self.index = index
        self.settings = settings

    @classmethod
    def from_store(cls, store, settings=None) -> EventTracker:
        """The tracker over everything stored (articles without an event are placed now)."""
        return cls(EventIndex.from_articles(store.iter_articles(full=True), settings), settings)

    def place(self, articles: list[Article], store) -> list[Event]:
        """Place ``articles`` (already stored) and write their events and stories; returns the events changed."""
        for a in articles:
            self.index.place(a)
        changed_ids = sorted({a.event_id for a in articles if a.event_id})
        fresh = {a.id: a for a in articles}
        members: dict[str, list[Article]] = {e: [] for e in changed_ids}
        marks = ",".join("?" * len(changed_ids))
        for a in store.iter_articles(full=True, where=f"a.event_id IN ({marks})", params=changed_ids):
            if a.id not in fresh:
                members[a.event_id].append(a)
        for a in articles:
            members[a.event_id].append(a)
        events = []
        for event_id in changed_ids:
            event = describe_event(event_id, members[event_id])
            event.story_id = self.index.story_of(event_id)
            events.append(event)
            for a in infer_published(members[event_id], [event]):
                store.set_published(a.id, a.published, a.published_how)
        stories = self._stories_of(events, store)
        store.save_events(events, stories)
        return events

    def _stories_of(self, changed: list[Event], store):
        """The stories the changed events belong to, described over all their events."""
        story_ids = {e.story_id for e in changed if e.story_id}
        by_id = {e.id: e for e in changed}
        for story_id in story_ids:
            for e in store.events(story_id=story_id):
                by_id.setdefault(e.id, e)
        return describe_stories(by_id.values())

    @classmethod
    def rebuild(cls, store, settings=None) -> EventTracker:
        """Re-cluster every stored article; the same events and stories whatever the arrival order."""
        articles = list(store.iter_articles(full=True))
        index, _ = rebuild(articles, settings)
        events = describe_events(articles)
        story_of = {a.event_id: a.story_id for a in articles}
        for e in events:
            e.story_id = story_of.get(e.id)
        with store.write():
            for a in infer_published(articles, events):
                store.set_published(a.id, a.published, a.published_how)
            store.save_events(events, describe_stories(events), replace=True)
        return cls(index, settings)
