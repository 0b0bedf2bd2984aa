"""Stories: events linked over time, on participants and subject, whatever the distance in time.

A story is held like an event, as an :class:`~storyline.events.features.Aggregate`
(the sum of its articles' unit-length bags and vectors), so comparing an event
with a story is the average similarity of their articles' pairs. The date plays
no part: the meetings of two ministers in 2021, 2022 and 2023 are one story.
Two weightings, both half the cosine of the words (IDF over all articles, no
phrases or entity terms: the subject, not the particulars, names included):

- an article's *subject* (which story it is about, on ingest; the subjects of a
  rebuild) adds half the cosine of the headline+lead vectors;
- *linking events* into stories adds half the cosine of the same vectors with
  the names masked (``kind``, :meth:`~storyline.models.Article.kind_lead`): what
  kind of happening it is, so that two deaths of film stars or two prison
  escapes read alike while the words still say who, and a riot and a bank
  firebombing in one city do not; and ``story_weight_actors`` of the shared
  people and organisations. Events that share a main person (the same
  ministers meeting again, :func:`~storyline.events.clustering.recurring`)
  start in one story whatever their scores.

ECB+ dev, all 772 articles in one pool (``storyline eval``): stories B³ F1 0.939
with the plain vectors and a subject's events always together; 0.970 (precision
1.000) with the masked ones.

- :class:`StoryIndex` links a new event to the best story (``story_threshold``)
  or opens one, and grows a story as its events grow;
- :func:`rebuild` links all events again by deterministic average-link
  agglomeration over a sparse candidate graph;
- :func:`describe_stories` gives each story its title and its events in date order.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .events.features import Aggregate, Profile
from .events.index import CandidateIndex
from .events.similarity import Weights, similarity
from .models import Event, Story
from .settings import Settings

__all__ = ["StoryIndex", "describe_stories", "rebuild", "story_id_for"]

KEYS = 12  # heaviest entities and words of an event used as index keys

def story_id_for(event_id: str) -> str:
    """The stable id of the story an event founds: "s-" and a short hash of the event id."""
    return "s-" + hashlib.sha1(event_id.encode("utf-8")).hexdigest()[:12]


def _weights(settings, linking: bool) -> Weights:
    """The ``story_weight_*`` settings; stories ignore dates and facts. Linking events weighs the
    masked vectors (``story_weight_kind``) where an article's subject weighs the plain ones."""
    vector, kind = float(settings.story_weight_vector), float(settings.story_weight_kind)
    return Weights(
        vector=0.0 if linking else vector, kind=kind if linking else 0.0, words=float(settings.story_weight_words),
        terms=float(settings.story_weight_terms), actors=float(settings.story_weight_actors) if linking else 0.0,
        places=float(settings.story_weight_places), facts=0.0, date_penalty=0.0,
    )  # fmt: skip


def _probe(event_id: str, agg: Aggregate) -> tuple[Profile, list[int]]:
    """A profile standing for a whole event (its mean vector, no date) and its index keys."""
    centroid = None
    if agg.vsum is not None:
        norm = float((agg.vsum @ agg.vsum) ** 0.5)
        centroid = agg.vsum / norm if norm else agg.vsum
    profile = Profile(event_id, agg.terms, agg.actors, agg.places, frozenset(), None, centroid, words=agg.words)
    keys = []
    for bag in (agg.actors + agg.places, agg.terms):
        if len(bag):
            keys += [f"{int(bag.ids[i])}" for i in np.lexsort((bag.ids, -bag.vals))[: KEYS // 2]]
    return profile, keys


class StoryIndex:
    """Which story each event belongs to, and what each story is about."""

    def __init__(self, settings=None):
        settings = settings or Settings()
        self.threshold = float(settings.story_threshold)
        self.neighbour_floor = float(settings.story_neighbour_floor)
        self.neighbour_margin = float(settings.story_neighbour_margin)
        self.weights = _weights(settings, linking=True)  # an event or story against a story
        self.subject_weights = _weights(settings, linking=False)  # an article against a story
        self.candidates = CandidateIndex(k=int(settings.event_candidates), window_days=0)
        self.stories: dict[str, Aggregate] = {}
        self.story_of: dict[str, str] = {}  # event id -> story id

    def link(self, event_id: str, event: Aggregate) -> str:
        """Put a new event in the best-matching story or a new one; returns the story id."""
        if event_id in self.story_of:
            return self.story_of[event_id]
        probe, keys = _probe(event_id, event)
        best, best_score = self._best(event, self._candidates(probe, keys))
        story_id = best if best is not None and best_score >= self.threshold else story_id_for(event_id)
        self.add(event_id, event, story_id, probe, keys)
        return story_id

    def best_story(self, profile: Profile, single: Aggregate, event_ids: Iterable[str] = ()) -> tuple[str | None, float]:
        """The story most like one article on subject alone (date plays no part), and its score.

        Candidates: the stories of ``event_ids`` (the article's neighbours in time)
        and the stories the story index finds for the article's words and vector.
        """
        probe = Profile(profile.id, single.terms, single.actors, single.places, frozenset(), None, profile.vector,
                        words=single.words)
        _, keys = _probe(profile.id, single)
        found = self._candidates(probe, keys) | {self.story_of[e] for e in event_ids if e in self.story_of}
        return self._best(single, found, self.subject_weights)

    def ranked_others(self, story_id: str) -> list[tuple[float, str]]:
        """The other stories among ``story_id``'s candidates with their scores, best first (ties: smaller id)."""
        story = self.stories[story_id]
        probe, keys = _probe(story_id, story)
        found = self._candidates(probe, keys) - {story_id}
        return sorted(((similarity(story, self.stories[s], self.weights), s) for s in found), key=lambda x: (-x[0], x[1]))

    def joinable(self, story_id: str, events: Callable[[str], int]) -> str | None:
        """The story ``story_id`` should join, if any: its best other story when they reach
        ``story_threshold``, else its clear nearest neighbour by the rule of
        :func:`join_clear_neighbours` (``events(story)``: how many events a story links),
        found among the candidates the story index gives; the incremental twin of a rebuild.
        """
        mine = self.ranked_others(story_id)
        if mine and mine[0][0] >= self.threshold:
            return mine[0][1]
        if self.neighbour_margin <= 0 or len(mine) < 2 or mine[0][0] < self.neighbour_floor:
            return None
        best = mine[0][1]
        if not clearly_nearest(mine, self.ranked_others(best), story_id, self.neighbour_floor, self.neighbour_margin):
            return None
        return best if min(events(story_id), events(best)) == 1 else None

    def _candidates(self, probe: Profile, keys: list) -> set[str]:
        """The stories of the events the candidate index finds for ``probe`` and ``keys``."""
        return {self.story_of[self.candidates.ids[s]] for s in self.candidates.query(probe, keys)}

    def _best(self, agg: Aggregate, story_ids: Iterable[str], weights: Weights | None = None) -> tuple[str | None, float]:
        """The story of ``story_ids`` most like ``agg`` (ties: the smaller id; ``weights``: linking's
        by default), and its score."""
        best, best_score = None, float("-inf")
        for story_id in sorted(story_ids):
            score = similarity(agg, self.stories[story_id], weights or self.weights)
            if score > best_score:
                best, best_score = story_id, score
        return best, best_score

    def merge(self, keep: str, drop: str) -> None:
        """Fold story ``drop`` into story ``keep``: its events now belong to ``keep``."""
        self.stories[keep].add(self.stories.pop(drop))
        for event_id, story_id in self.story_of.items():
            if story_id == drop:
                self.story_of[event_id] = keep

    def add(self, event_id: str, event: Aggregate, story_id: str, probe=None, keys=None) -> None:
        """Record that ``event_id`` belongs to ``story_id`` (no scoring)."""
        if probe is None:
            probe, keys = _probe(event_id, event)
        self.candidates.add(probe, keys)
        story = self.stories.setdefault(story_id, Aggregate(story_id))
        story.add(event)
        self.story_of[event_id] = story_id

    def grow(self, event_id: str, single: Aggregate) -> str:
        """An article joined ``event_id``: fold it into the event's story; returns the story id."""
        story_id = self.story_of[event_id]
        self.stories[story_id].add(single)
        return story_id


def rebuild(events: dict[str, Aggregate], settings=None, together: Iterable[list[str]] = ()) -> tuple[StoryIndex, dict[str, str]]:
    """Link every event again, by average-link agglomeration; the same answer whatever the input order.

    ``events`` maps event id to its aggregate; the events of each list in
    ``together`` (the events of one subject) start in one story. Returns the index
    and ``{event_id: story_id}``; a story's id comes from its first event in id order.
    """
    from .events.clustering import agglomerate, neighbour_graph

    index = StoryIndex(settings)
    ids = sorted(events)
    probes = [_probe(e, events[e]) for e in ids]
    for probe, keys in probes:
        index.candidates.add(probe, keys)
    clusters = {i: events[e].copy() for i, e in enumerate(ids)}
    neighbours = neighbour_graph(len(ids), lambda i: index.candidates.query(*probes[i]))
    position = {e: i for i, e in enumerate(ids)}
    forced = [(position[g[0]], position[e]) for g in together for e in g[1:]]
    score = lambda a, b: similarity(a, b, index.weights)  # noqa: E731
    root = agglomerate(clusters, neighbours, forced, score, index.threshold)
    if index.neighbour_margin > 0:
        join_clear_neighbours(clusters, neighbours, root, score, index.neighbour_floor, index.neighbour_margin)
    for i, event_id in enumerate(ids):
        index.story_of[event_id] = story_id_for(ids[root[i]])
    for i, agg in clusters.items():
        agg.id = story_id_for(ids[i])
        index.stories[agg.id] = agg
    return index, dict(index.story_of)


def join_clear_neighbours(clusters: dict[int, Aggregate], neighbours: dict[int, set[int]], root: dict[int, int],
                          score, floor: float, margin: float) -> list[tuple[int, int]]:
    """Join a lone event to the story that is its clear nearest neighbour; returns the pairs joined.

    After agglomeration some stories are still split in two: the same kind of
    happening with other actors (two celebrities in rehab, two quakes on one
    island) is less alike than the threshold allows, yet each half is far more
    like the other than like anything else. A pair is joined when each is the
    other's best neighbour, their score reaches ``floor``, it beats both
    clusters' second-best score by ``margin`` (each must have a second), and at least one of them is a
    single event (a story that already links several events has shown its
    subject; two such stories stay apart). One pass, on the scores before any
    joining, so no chains form. ``clusters`` and ``root`` (member index to
    cluster index) are changed in place.
    """
    ranked: dict[int, list[tuple[float, int]]] = {}
    for a in sorted(clusters):
        ranked[a] = sorted(((score(clusters[a], clusters[b]), b) for b in neighbours.get(a, ()) if b in clusters),
                           key=lambda sb: (-sb[0], sb[1]))

    events = Counter(root.values())
    pairs = []
    for a in sorted(clusters):
        if not ranked[a]:
            continue
        b = ranked[a][0][1]
        if a < b and clearly_nearest(ranked[a], ranked[b], a, floor, margin) and min(events[a], events[b]) == 1:
            pairs.append((a, b))
    for a, b in pairs:
        clusters[a].add(clusters.pop(b))
    into = {b: a for a, b in pairs}
    for member, r in root.items():
        root[member] = into.get(r, r)
    return pairs


def clearly_nearest(mine: list[tuple[float, Any]], theirs: list[tuple[float, Any]], me, floor: float,
                    margin: float) -> bool:
    """Whether ``me``'s best neighbour (``mine[0]``; both lists ranked best first as (score, id))
    is clearly its nearest: ``me`` is that neighbour's best too, the score reaches ``floor``
    and beats both second-best scores by ``margin``. With no second neighbour on either side,
    nothing shows the best one is clearly nearer."""
    if len(mine) < 2 or len(theirs) < 2 or theirs[0][1] != me:
        return False
    best = mine[0][0]
    return best >= floor and best - max(mine[1][0], theirs[1][0]) >= margin


def describe_stories(events: Iterable[Event]) -> list[Story]:
    """Stories from events carrying ``story_id``: events in date order (undated last), and a title.

    The title is the title of the story's largest event (ties: the earliest).
    """
    groups: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if e.story_id:
            groups[e.story_id].append(e)
    stories = []
    for story_id in sorted(groups):
        members = sorted(groups[story_id], key=lambda e: (e.date is None, e.date or "", e.id))
        main = min(members, key=lambda e: (-len(e.articles), e.date is None, e.date or "", e.id))
        stories.append(Story(id=story_id, title=main.title, events=[e.id for e in members]))
    return stories

