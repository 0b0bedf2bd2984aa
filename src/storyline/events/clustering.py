"""Rebuild: re-cluster a whole collection, subjects first, then events inside each subject, then stories.

1. **Subjects.** Articles are grouped by what they are about, the date playing no
   part: average-link agglomeration over a sparse candidate graph (vector
   neighbours and shared rare keys, no date window) on the subject weights (half
   word cosine with IDF over the pool, half embedding cosine), while the score
   reaches ``story_subject_threshold``.
2. **Events.** Each subject is split into events on story-local weights
   (:mod:`.local`): what most of its articles share weighs nothing, what some of
   them share — names, places, numbers, phrases — weighs most; articles that
   carry the same statement (:mod:`.statements`) are pulled together; strongly
   dated articles more than ``event_max_gap_days`` apart never join, unless the
   lead of one names the other's date (a follow-up, see :mod:`.similarity`). Average link
   again (all pairs in a subject of up to :data:`SMALL_SUBJECT` articles,
   candidate pairs beyond), while the score reaches ``event_threshold``; a group of
   undated articles that agree among themselves far more than with a mostly dated
   cluster stays apart from it (``event_undated_cohesion``, see :func:`agglomerate`).
3. **Stories.** The events are linked into stories (:func:`storyline.stories.rebuild`)
   on the kind of happening (the lead with its names masked), the words and the
   people they share; the events of one subject that share a main person
   (:func:`recurring`) always together. A subject is where events are told apart,
   not a story: a riot and a bank firebombing in one city a year apart are one
   subject on their words and places, two stories by their kind.

Every step sorts its input canonically and breaks ties on ids, so the result
does not depend on the order the articles came in.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable

from ..models import Article
from .features import Aggregate, Profile, entity_key
from .index import CandidateIndex
from .local import LocalTerms, local_df, local_single
from .similarity import similarity

SMALL_SUBJECT = 200  # subjects up to this size compare all their pairs when splitting
UNDATED_GROUP = 3  # undated articles that agree among themselves in at least this number may be kept apart


def rebuild_all(articles: Iterable[Article], settings=None):
    """See :func:`storyline.events.placement.rebuild`."""
    from ..stories import rebuild as rebuild_stories
    from .placement import EventIndex, canonical_order, event_id_for

    ordered = canonical_order(articles)
    index = EventIndex(settings)
    profiles = [index._profile(a) for a in ordered]  # document frequencies over the whole pool first
    keys = [index._keys(p) for p in profiles]
    for p, k in zip(profiles, keys, strict=True):
        index.candidates.add(p, k)
    singles = [Aggregate.single(p, index.lexicon) for p in profiles]
    originals = {p.id: i for i, p in enumerate(profiles)}
    forced = [(i, originals[p.duplicate_of]) for i, p in enumerate(profiles) if p.duplicate_of in originals]

    subject = _subjects(index, profiles, keys, singles, forced)
    root = _split(index, profiles, keys, singles, subject, forced)

    index.copy_of = {p.id: p.duplicate_of for p in profiles if p.duplicate_of}
    for i, p in enumerate(profiles):
        event_id = event_id_for(profiles[root[i]].id)
        index.event_of[p.id] = event_id
        ordered[i].event_id = event_id
    stored = [Aggregate.single(p, index.lexicon, min_df=1) for p in profiles]  # as placement keeps its members
    for p, single in zip(profiles, stored, strict=True):
        index.events.setdefault(index.event_of[p.id], Aggregate(index.event_of[p.id])).add(single)
    together = recurring(ordered, [subject[i] for i in range(len(ordered))])  # pairs of events to keep together
    index.stories, story_of = rebuild_stories(index.events, settings, together=together)
    for article in ordered:
        article.story_id = story_of[article.event_id]
    for p, single in zip(profiles, stored, strict=True):
        local = index.local.setdefault(story_of[index.event_of[p.id]], LocalTerms(index.local_limits))
        local.members[p.id] = (index.event_of[p.id], p.terms, single)
    for local in index.local.values():
        local.refresh()
    return index, index.assignments()


def recurring(articles: list[Article], subjects: list) -> list[list[str]]:
    """Events of one subject that share a main person: the same people meeting again, which stay one story.

    ``articles`` carry their ``event_id``; ``subjects[i]`` is the subject of ``articles[i]``. A
    person is an event's main one when at least half its articles name them. Returns pairs
    [first event naming the person in the subject, event] for :func:`storyline.stories.rebuild`
    to merge (its forced merges chain them); only within one subject, so a name shared by
    unrelated happenings cannot link them.
    """
    named: dict[str, Counter] = defaultdict(Counter)
    size: Counter = Counter()
    subject_of = {}
    for article, subj in zip(articles, subjects, strict=True):
        size[article.event_id] += 1
        subject_of[article.event_id] = subj
        named[article.event_id].update({entity_key(m.name or m.text) for m in article.mentions if m.label == "PERSON"})
    first: dict[tuple, str] = {}
    pairs = set()
    for event_id in sorted(size):
        for person, n in named[event_id].items():
            if len(person) >= 2 and 2 * n >= size[event_id]:
                owner = first.setdefault((subject_of[event_id], person), event_id)
                if owner != event_id:
                    pairs.add((owner, event_id))
    return [list(pair) for pair in sorted(pairs)]


def neighbour_graph(n: int, query) -> dict[int, set[int]]:
    """Symmetric neighbour sets from ``query(i)`` (the candidate slots of item ``i``)."""
    neighbours: dict[int, set[int]] = {i: set() for i in range(n)}
    for i in range(n):
        for j in query(i):
            if j != i:
                neighbours[i].add(j)
                neighbours[j].add(i)
    return neighbours


def _subjects(index, profiles: list[Profile], keys, singles, forced) -> dict[int, int]:
    """Step 1: ``{article index: subject index}``, grouping articles on subject alone."""
    undated = CandidateIndex(k=index.candidates.k, window_days=10**7)
    for p, k in zip(profiles, keys, strict=True):
        undated.add(p, k)
    neighbours = neighbour_graph(len(profiles), lambda i: undated.query(profiles[i], keys[i]))
    clusters = {i: s.copy() for i, s in enumerate(singles)}
    weights = index.stories.subject_weights
    return agglomerate(clusters, neighbours, forced, lambda a, b: similarity(a, b, weights),
                       index.subject_threshold)


def _split(index, profiles: list[Profile], keys, singles, subject: dict[int, int], forced) -> dict[int, int]:
    """Step 2: ``{article index: event root index}``, splitting each subject on its local weights."""
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(profiles)):
        members[subject[i]].append(i)
    clusters: dict[int, Aggregate] = {}
    for group in members.values():
        weighted = localised([singles[i] for i in group], [profiles[i].terms for i in group], index.local_limits)
        clusters.update(zip(group, weighted, strict=True))

    def query(i: int) -> set[int]:
        group = members[subject[i]]
        if len(group) <= SMALL_SUBJECT:
            return set(group)
        found = index.candidates.query(profiles[i], keys[i])
        return {j for j in found if subject[j] == subject[i]}

    return split_events(index, clusters, neighbour_graph(len(profiles), query), forced)


def localised(singles: list[Aggregate], terms: list, limits) -> list[Aggregate]:
    """The one-article clusters of one subject with their terms weighted for it (:mod:`.local`)."""
    df_ids, df = local_df(terms)
    return [local_single(s, t, df_ids, df, len(terms), limits) for s, t in zip(singles, terms, strict=True)]


def split_events(index, clusters: dict[int, Aggregate], neighbours: dict[int, set[int]],
                 forced: list[tuple[int, int]]) -> dict[int, int]:
    """Events by the event rule (local weights, ``event_threshold``, ``event_undated_cohesion``):
    :func:`agglomerate` over locally weighted clusters; used by a rebuild and by ingest's re-split."""
    weights = index.local_weights
    return agglomerate(clusters, neighbours, forced, lambda a, b: similarity(a, b, weights), index.threshold,
                       index.undated_cohesion)


def agglomerate(clusters: dict[int, Aggregate], neighbours: dict[int, set[int]], forced: list[tuple[int, int]],
                score, threshold: float, undated_cohesion: float = 0.0) -> dict[int, int]:
    """Merge linked clusters, best pair first, while the score reaches ``threshold``.

    ``clusters`` is changed in place and keeps the surviving clusters, each
    under its smallest member index; returns ``{member index: cluster index}``.
    ``forced`` pairs (a copy and its original) are merged first, unscored.
    Stale heap entries are recognised by the clusters' version counters.

    With ``undated_cohesion`` > 0 (events only), a group of at least
    :data:`UNDATED_GROUP` undated articles joins a cluster whose members are mostly
    dated only when their score reaches ``undated_cohesion`` times the group's own
    cohesion (the average score of its members' pairs, from the merges that formed
    it): no date tells such a group apart from a dated event of the same kind, but
    its members agreeing far more with each other than with the event does.
    """
    root = {i: i for i in clusters}
    members = {i: [i] for i in clusters}
    version = dict.fromkeys(clusters, 0)
    cohesion = {i: [0.0, 0] for i in clusters}  # sum of scores over member pairs, and the pairs counted

    def merge(a: int, b: int, s: float | None = None) -> int:
        a, b = min(a, b), max(a, b)
        if s is not None:
            inner_b = cohesion.pop(b)
            pairs = len(members[a]) * len(members[b])
            cohesion[a] = [cohesion[a][0] + inner_b[0] + s * pairs, cohesion[a][1] + inner_b[1] + pairs]
        else:
            cohesion.pop(b)
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

    def kept_apart(a: int, b: int, s: float) -> bool:
        for group, other in ((a, b), (b, a)):
            inner, pairs = cohesion[group]
            g, o = clusters[group], clusters[other]
            if (not g.days and g.size >= UNDATED_GROUP and pairs and 2 * len(o.days) > o.size
                    and s < undated_cohesion * inner / pairs):
                return True
        return False

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
        if undated_cohesion > 0 and kept_apart(a, b, -neg):
            continue
        keep = merge(a, b, -neg)
        for n in sorted(neighbours[keep]):
            s = score(clusters[keep], clusters[n])
            if s >= threshold:
                x, y = min(keep, n), max(keep, n)
                heapq.heappush(heap, (-s, x, y, version[x], version[y]))
    return root
