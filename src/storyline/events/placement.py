"""Placing articles in events: incrementally on ingest, or all at once on rebuild.

:class:`EventIndex` holds, in memory, what placement needs of every article in
the store (an aggregate per event, document frequencies, the candidate index).
Build it once with :meth:`EventIndex.from_articles` from stored articles that
already carry their ``event_id``, then :meth:`EventIndex.place` each new one:

1. an article with ``duplicate_of`` joins its original's event;
2. otherwise candidate stories come from the date window and the index (vector
   neighbours, shared rare entities and terms) and from the story index, never
   from all pairs; the article is about the best of them when its subject score
   reaches ``story_subject_threshold``;
3. inside that story it joins the best event on the story's local weights
   (:mod:`.local`) and the statements they share (:mod:`.statements`) when the
   score reaches ``event_threshold`` (never an event holding a strongly dated
   article more than ``event_max_gap_days`` from its own, unless one's lead names
   the other's date: a follow-up), else it opens a new event there (or, with no
   story, a new event linked to a story on its own).

:func:`rebuild` re-clusters a whole collection, story first, then events (see
:mod:`.clustering`); the result does not depend on the order the articles came in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

from ..models import Article
from ..settings import Settings
from .features import Aggregate, Lexicon, Profile, day_of
from .index import CandidateIndex
from .local import LocalLimits, LocalTerms
from .similarity import Weights, similarity
from .statements import StatementGroups

ENTITY_KEYS = 6  # rarest entities of an article used as index keys
TERM_KEYS = 6  # most distinctive words of an article used as index keys
SCAN_EVENTS = 200  # a story with more events is searched among its candidates' events only


def event_id_for(article_id: str) -> str:
    """The stable id of the event an article founds: "e-" and a short hash of its id."""
    return "e-" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:12]


def canonical_order(articles: Iterable[Article]) -> list[Article]:
    """Dated articles by date then id, then undated ones by id: the order rebuilds use."""
    return sorted(articles, key=lambda a: canonical_key(day_of(a), a.id))


def canonical_key(day: int | None, ident: str) -> tuple:
    """The sort key of the canonical order: dated first, by day, then by id."""
    return (day is None, day or 0, ident)


class EventIndex:
    """What placement needs of every stored article, and the placement itself."""

    def __init__(self, settings=None):
        settings = settings or Settings()
        self.threshold = float(settings.event_threshold)
        self.undated_cohesion = float(settings.event_undated_cohesion)
        self.subject_threshold = float(settings.story_subject_threshold)
        self.local_weights = Weights.from_settings(settings)  # on story-local term weights
        self.local_limits = LocalLimits.from_settings(settings)
        self.lexicon = Lexicon()
        self.statement_groups = StatementGroups(float(settings.event_statement_match))
        self.candidates = CandidateIndex(
            k=int(settings.event_candidates),
            window_days=int(settings.event_window_days),
        )
        self.events: dict[str, Aggregate] = {}
        self.event_of: dict[str, str] = {}  # article id -> event id
        self.copy_of: dict[str, str] = {}  # syndicated copy -> its original
        self.local: dict[str, LocalTerms] = {}  # story id -> its local term weights and events
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
        story_id = None
        if original:
            event_id = original
        else:
            story_id, best, score = self.best_event(profile)
            event_id = best if best is not None and score >= self.threshold else event_id_for(profile.id)
            while event_id in self.events and best != event_id:  # an id reused by a different article
                event_id = event_id_for(event_id)
        self._add(profile, event_id, story_id)
        return event_id

    def place_all(self, articles: Iterable[Article]) -> dict[str, str]:
        """Place articles in the order given; returns ``{article_id: event_id}`` for them."""
        return {a.id: self.place(a) for a in articles}

    def best_event(self, profile: Profile) -> tuple[str | None, str | None, float]:
        """The story ``profile`` is about, its best event there, and that event's score.

        The story is the best candidate story on subject alone (``None`` below
        ``story_subject_threshold``); the event is the best of that story's events
        on the story's local weights (``None`` when there is no story): all its events, or in a
        story of more than :data:`SCAN_EVENTS` events those of the candidate articles.
        """
        slots = self.candidates.query(profile, self._keys(profile))
        event_ids = {self.event_of[self.candidates.ids[s]] for s in slots}
        single = Aggregate.single(profile, self.lexicon)
        story_id, story_score = self.stories.best_story(profile, single, event_ids)
        if story_id is None or story_score < self.subject_threshold or story_id not in self.local:
            return None, None, float("-inf")
        local = self.local[story_id]
        probe = local.probe(single, profile.terms)
        best, best_score = None, -np.inf
        scan = local.events if len(local.events) <= SCAN_EVENTS else event_ids & local.events.keys()
        for event_id in sorted(scan):
            score = similarity(probe, local.events[event_id], self.local_weights)
            if score > best_score:
                best, best_score = event_id, score
        return story_id, best, float(best_score)

    def assignments(self) -> dict[str, str]:
        return dict(self.event_of)

    def refine(self, story_ids: Iterable[str]) -> tuple[dict[str, str], set[str]]:
        """After a batch: join each touched story to the story it should join (its best one at
        ``story_threshold``, or its clear nearest neighbour: :meth:`StoryIndex.joinable`), then
        re-split the stories that result (see :meth:`resplit`).

        Returns ``{article_id: event_id}`` for every article of a re-split story
        (or of a story too big to re-split that took in another), and the event
        ids no article holds any more.
        """
        merged_into: dict[str, str] = {}  # a story joined to another in this refinement -> that story

        def current(story_id: str) -> str:
            while story_id in merged_into:
                story_id = merged_into[story_id]
            return story_id

        story_ids = sorted(set(story_ids) - {None})
        for story_id in story_ids:
            story_id = current(story_id)
            if story_id in self.stories.stories:
                drop, keep = self._join_best_story(story_id)
                if drop is not None:
                    merged_into[drop] = keep
        mapping: dict[str, str] = {}
        retired: set[str] = set()
        for story_id in sorted({current(s) for s in story_ids}):
            local = self.local.get(story_id)
            if local is None:
                continue
            old = {event_id for event_id, _, _ in local.members.values()}
            found = self.resplit(story_id)
            if found is not None:
                mapping.update(found)
                retired |= old - set(found.values())
            elif story_id in merged_into.values():  # too big to re-split, but its events changed story
                mapping.update({aid: event_id for aid, (event_id, _, _) in local.members.items()})
        return mapping, retired

    def _join_best_story(self, story_id: str) -> tuple[str | None, str]:
        """Join ``story_id`` to the story it should join (see :meth:`StoryIndex.joinable`), if any;
        returns the story given up (``None`` when none) and the one kept."""
        best = self.stories.joinable(story_id, self._events_in)
        if best is None:
            return None, story_id
        keep, drop = sorted((story_id, best), key=lambda s: (-self.stories.stories[s].size, s))
        self.stories.merge(keep, drop)
        into = self.local.setdefault(keep, LocalTerms(self.local_limits))
        gone = self.local.pop(drop, None)
        if gone is not None:
            into.members.update(gone.members)
            into.refresh()
        return drop, keep

    def _events_in(self, story_id: str) -> int:
        local = self.local.get(story_id)
        return len(local.events) if local is not None else 0

    def resplit(self, story_id: str) -> dict[str, str] | None:
        """Re-cluster the events of one story the way a rebuild does; ``{article_id: event_id}`` for its articles.

        Placement decides once per article, on what the story held at that
        moment: early articles meet local weights that cannot yet tell the
        subject's words from an event's. After a batch the pipeline re-splits
        the stories the batch touched, on the weights of all their articles
        (all pairs, as :mod:`.clustering` does), so an ingested store reads
        like a rebuilt one. Event ids follow the rebuild rule (the hash of the
        first member in canonical order). Stories of more than
        :data:`.clustering.SMALL_SUBJECT` articles keep their placement (``None``).
        """
        from .clustering import SMALL_SUBJECT, localised, split_events

        local = self.local.get(story_id)
        if local is None or len(local.members) > SMALL_SUBJECT:
            return None

        items = sorted(local.members.items(), key=lambda item: canonical_key(item[1][2].day, item[0]))
        n = len(items)
        weighted = localised([single for _, (_, _, single) in items], [terms for _, (_, terms, _) in items],
                             self.local_limits)
        position = {article_id: i for i, (article_id, _) in enumerate(items)}
        forced = [(i, position[self.copy_of[a]]) for i, (a, _) in enumerate(items) if self.copy_of.get(a) in position]
        root = split_events(self, dict(enumerate(weighted)), {i: set(range(n)) - {i} for i in range(n)}, forced)
        mapping = {article_id: event_id_for(items[root[i]][0]) for i, (article_id, _) in enumerate(items)}

        for old in {event_id for event_id, _, _ in local.members.values()}:
            self.events.pop(old, None)
        for article_id, (_, terms, single) in items:
            event_id = mapping[article_id]
            event = self.events.setdefault(event_id, Aggregate(event_id))
            event.add(single)
            self.event_of[article_id] = event_id
            self.stories.story_of[event_id] = story_id  # retired ids keep pointing at the story too
            local.members[article_id] = (event_id, terms, single)
        local.refresh()
        return mapping

    # --- internals -------------------------------------------------------------------
    def _profile(self, article: Article) -> Profile:
        """The article's profile, counted in the document frequencies."""
        profile = Profile.from_article(article, self.lexicon)
        self.lexicon.observe(profile.terms, profile.actors, profile.places)
        profile.statement_ids = self.statement_groups.assign(profile.statements)
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
        if profile.duplicate_of:
            self.copy_of[profile.id] = profile.duplicate_of
        local = self.local.setdefault(self.stories.story_of[event_id], LocalTerms(self.local_limits))
        local.add(profile.id, event_id, profile.terms, single)


def rebuild(articles: Iterable[Article], settings=None) -> tuple[EventIndex, dict[str, str]]:
    """Re-cluster every article from scratch; the same answer whatever order they come in.

    Story first, then events inside each story (see :mod:`.clustering`). Returns the
    index (ready for further placement) and ``{article_id: event_id}``.
    """
    from .clustering import rebuild_all

    return rebuild_all(articles, settings)
