"""Placing articles in events: incrementally on ingest, or all at once on rebuild.

:class:`EventIndex` holds, in memory, what placement needs of every article in
the store (an aggregate per event, document frequencies, the candidate index).
Build it once with :meth:`EventIndex.from_articles` from stored articles that
already carry their ``event_id``, then :meth:`EventIndex.place` each new one:

1. an article with ``duplicate_of`` joins its original's event;
2. otherwise candidates come from the date window and the index (vector
   neighbours, shared rare entities and terms), never from all pairs;
3. the article joins the best-scoring candidate event when the score reaches
   ``event_threshold``, else it opens a new event.

:func:`rebuild` re-clusters a whole collection: it sorts the articles in a
canonical order (dated first, by date, then by id) and places them one by one,
so the result does not depend on the order they arrived in.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable

import numpy as np

from ..models import Article
from .features import Aggregate, Lexicon, Profile, day_of
from .index import CandidateIndex
from .similarity import Weights, combine, signals

ENTITY_KEYS = 6  # rarest entities of an article used as index keys
TERM_KEYS = 6  # most distinctive words of an article used as index keys


def event_id_for(article_id: str) -> str:
    """The stable id of the event an article founds: "e-" and a short hash of its id."""
    return "e-" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:12]


def canonical_order(articles: Iterable[Article]) -> list[Article]:
    """Dated articles by date then id, then undated ones by id: the order rebuilds use."""
    def key(a: Article):
        day = day_of(a)
        return (day is None, day or 0, a.id)

    return sorted(articles, key=key)


class EventIndex:
    """What placement needs of every stored article, and the placement itself."""

    def __init__(self, settings=None):
        self.threshold = float(getattr(settings, "event_threshold", 0.16))
        self.weights = Weights.from_settings(settings)
        self.lexicon = Lexicon()
        self.candidates = CandidateIndex(
            k=int(getattr(settings, "event_candidates", 30)),
            window_days=int(getattr(settings, "event_window_days", 30)),
        )
        self.events: dict[str, Aggregate] = {}
        self.event_of: dict[str, str] = {}  # article id -> event id
        from ..stories import StoryIndex  # stories build on events: imported here to avoid a cycle

        self.stories = StoryIndex(settings)

    def __len__(self) -> int:
        return len(self.event_of)

    @classmethod
    def from_articles(cls, articles: Iterable[Article], settings=None) -> EventIndex:
        """An index over stored articles that already have an ``event_id`` (others are placed)."""
        index = cls(settings)
        for article in canonical_order(articles):
            if article.event_id:
                index.add(article, article.event_id)
            else:
                index.place(article)
        return index

    def add(self, article: Article, event_id: str, story_id: str | None = None) -> None:
        """Record that ``article`` belongs to ``event_id`` (and its event to ``story_id``), without scoring."""
        self._add(self._profile(article), event_id, story_id or article.story_id)
        article.event_id = event_id
        article.story_id = self.stories.story_of[event_id]

    def place(self, article: Article) -> str:
        """Put ``article`` in the best-matching event or a new one, and the event in a story.

        Sets ``article.event_id`` and ``article.story_id``; returns the event id.
        An article placed before keeps its event (placement never moves one).
        """
        event_id = self.event_of.get(article.id) or self._place(self._profile(article))
        article.event_id = event_id
        article.story_id = self.stories.story_of[event_id]
        return event_id

    def story_of(self, event_id: str) -> str | None:
        return self.stories.story_of.get(event_id)

    def _place(self, profile: Profile) -> str:
        original = self.event_of.get(profile.duplicate_of or "")
        if original:
            event_id = original
        else:
            best, score = self.best_event(profile)
            event_id = best if best is not None and score >= self.threshold else event_id_for(profile.id)
            while event_id in self.events and best != event_id:  # an id reused by a different article
                event_id = event_id_for(event_id)
        self._add(profile, event_id)
        return event_id

    def place_all(self, articles: Iterable[Article]) -> dict[str, str]:
        """Place articles in the order given; returns ``{article_id: event_id}`` for them."""
        return {a.id: self.place(a) for a in articles}

    def best_event(self, profile: Profile) -> tuple[str | None, float]:
        """The best candidate event for ``profile`` and its score (``None`` when there is none)."""
        slots = self.candidates.query(profile, self._keys(profile))
        event_ids = sorted({self.event_of[self.candidates.ids[s]] for s in slots})
        single = Aggregate.single(profile, self.lexicon)
        best, best_score = None, -np.inf
        for event_id in event_ids:
            score = combine(signals(single, self.events[event_id]), self.weights)
            if score > best_score:
                best, best_score = event_id, score
        return best, float(best_score)

    def assignments(self) -> dict[str, str]:
        return dict(self.event_of)

    # --- internals -------------------------------------------------------------------
    def _profile(self, article: Article) -> Profile:
        """The article's profile, counted in the document frequencies."""
        profile = Profile.from_article(article, self.lexicon)
        self.lexicon.observe(profile.terms, profile.actors, profile.places)
        return profile

    def _keys(self, p: Profile) -> list[str]:
        """The rarest entities and most distinctive words of ``p``: its inverted-index keys."""
        keys = []
        entities = p.actors + p.places
        for bag, n in ((entities, ENTITY_KEYS), (p.terms, TERM_KEYS)):
            if len(bag):
                weight = bag.vals * self.lexicon.idf(bag.ids)
                top = np.lexsort((bag.ids, -weight))[:n]
                keys += [self.lexicon.key_of(int(bag.ids[i])) for i in top]
        return keys

    def _add(self, profile: Profile, event_id: str, story_id: str | None = None) -> None:
        if profile.id in self.event_of:
            return  # already placed; placement never moves an article
        self.candidates.add(profile, self._keys(profile))
        single = Aggregate.single(profile, self.lexicon, min_df=1)
        event = self.events.get(event_id)
        if event is None:
            event = self.events[event_id] = Aggregate(event_id)
            event.add(single)
            if story_id:
                self.stories.add(event_id, event, story_id)
            else:
                self.stories.link(event_id, event)
        else:
            event.add(single)
            self.stories.grow(event_id, single)
        self.event_of[profile.id] = event_id


def rebuild(articles: Iterable[Article], settings=None) -> tuple[EventIndex, dict[str, str]]:
    """Re-cluster every article from scratch; the same answer whatever order they come in.

    Deterministic average-link agglomeration over the sparse candidate graph:
    every article starts alone, the graph links each to its candidates (date
    window, vector neighbours, shared keys), and the most similar linked pair of
    clusters is merged while its score reaches ``event_threshold``. Articles are
    first put in :func:`canonical_order`, and ties break on ids, so input order
    does not matter. Returns the index (ready for further placement) and
    ``{article_id: event_id}``; event ids come from each event's first article
    in canonical order.
    """
    ordered = canonical_order(articles)
    index = EventIndex(settings)
    profiles = [index._profile(a) for a in ordered]  # document frequencies over the whole pool first
    keys = [index._keys(p) for p in profiles]
    for p, k in zip(profiles, keys, strict=True):
        index.candidates.add(p, k)
    clusters = {i: Aggregate.single(p, index.lexicon) for i, p in enumerate(profiles)}
    neighbours: dict[int, set[int]] = {i: set() for i in clusters}
    for i, (p, k) in enumerate(zip(profiles, keys, strict=True)):
        for j in index.candidates.query(p, k):
            if j != i:
                neighbours[i].add(j)
                neighbours[j].add(i)
    originals = {p.id: i for i, p in enumerate(profiles)}
    forced = [(i, originals[p.duplicate_of]) for i, p in enumerate(profiles) if p.duplicate_of in originals]
    root = _agglomerate(clusters, neighbours, forced, lambda a, b: combine(signals(a, b), index.weights), index.threshold)
    for i, p in enumerate(profiles):
        event_id = event_id_for(profiles[root[i]].id)
        index.event_of[p.id] = event_id
        ordered[i].event_id = event_id
    for i, agg in clusters.items():
        agg.id = event_id_for(profiles[i].id)
        index.events[agg.id] = agg
    from ..stories import rebuild as rebuild_stories

    index.stories, story_of = rebuild_stories(index.events, settings)
    for article in ordered:
        article.story_id = story_of[article.event_id]
    return index, index.assignments()


def _agglomerate(clusters: dict[int, Aggregate], neighbours: dict[int, set[int]], forced: list[tuple[int, int]],
                 score, threshold: float) -> dict[int, int]:
    """Merge linked clusters, best pair first, while the score reaches ``threshold``.

    ``clusters`` is changed in place and keeps the surviving clusters, each
    under its smallest member index; returns ``{member index: cluster index}``.
    ``forced`` pairs (a copy and its original) are merged first, unscored.
    Stale heap entries are recognised by the clusters' version counters.
    """
    root = {i: i for i in clusters}
    members = {i: [i] for i in clusters}
    version = dict.fromkeys(clusters, 0)

    def merge(a: int, b: int) -> int:
        a, b = min(a, b), max(a, b)
        clusters[a].add(clusters.pop(b))
        for m in members[b]:
            root[m] = a
        members[a] += members.pop(b)
        neighbours[a] = (neighbours[a] | neighbours.pop(b)) - {a, b}
        for n in neighbours[a]:
            neighbours[n].discard(b)
            neighbours[n].add(a)
        version[a] += 1
        return a

    for a, b in forced:
        if root[a] != root[b]:
            merge(root[a], root[b])
    heap = [(-score(clusters[a], clusters[b]), a, b, version[a], version[b])
            for a in sorted(clusters) for b in sorted(neighbours[a]) if a < b]
    heapq.heapify(heap)
    while heap:
        neg, a, b, va, vb = heapq.heappop(heap)
        if -neg < threshold:
            break
        if a not in clusters or b not in clusters or version[a] != va or version[b] != vb:
            continue
        keep = merge(a, b)
        for n in sorted(neighbours[keep]):
            s = score(clusters[keep], clusters[n])
            if s >= threshold:
                x, y = min(keep, n), max(keep, n)
                heapq.heappush(heap, (-s, x, y, version[x], version[y]))
    return root
