"""What the fitted models see of a pair: an article or event against an event, an event against a story.

Both sides are :class:`~.features.Aggregate` clusters (an article is a cluster of
one), so every similarity below is average link: the mean over all pairs of their
members, at the cost of one dot product of sums. Each feature is named here, and
:mod:`.model` fits one weight per name; nothing is weighed by hand.

:data:`EVENT_FEATURES` (does an article join an event; are two events one):

- ``vector``: cosine of the headline+lead embeddings;
- ``words``: cosine of IDF-weighted content words;
- ``terms``: the same with adjacent-word phrases and entity terms, the lead counting double;
- ``actors`` / ``places``: cosine of IDF-weighted canonical people and organisations / places;
- ``statements``: the statements they share (one speaker saying the same thing), per pair;
- ``facts``: 1 when they share a long quote or a figure;
- ``gap``: ``log(1 + days)`` between their date estimates, 0 when either is unknown,
  and ``dated``: 1 when both are known;
- ``strong_gap``: the same over the span of their strongly dated members (a date stated in
  the lead, or a stated publication date), ``strong``: 1 when both have one;
- ``bridged``: 1 when the lead of one names (to the day, week or month) the other's strong date:
  a follow-up ("the trial of the April 2007 shooting");
- ``cohesion``: how alike the articles inside the more cohesive side are (the average cosine of
  the terms over its pairs; 1 for a single article), and ``relative`` / ``vector_relative``:
  the terms / vector cosine across the pair divided by the lower of the two sides' own: a group
  of reports that agree among themselves far more than with a look-alike is a happening of its own.

:data:`STORY_FEATURES` (does an event continue a story): the same similarities
without terms, statements and facts, the date gap between the nearest members, and
``main``: the share of the main protagonists (the people named by at least half of
a side's articles) that both sides have. A story is the same
protagonists and subject over time, so no feature says what *kind* of happening
it is. No feature counts articles: how many report a thing says nothing of whether
it is the same thing (and clusters that training forms from the labels grow only
when they are right, which would teach the opposite).
"""

from __future__ import annotations

import math

import numpy as np

from .features import Aggregate, Bag, Lexicon, refers_to, span

EVENT_FEATURES: tuple[str, ...] = (
    "vector", "words", "terms", "actors", "places", "statements", "facts",
    "gap", "dated", "strong_gap", "strong", "bridged",
    "cohesion", "relative", "vector_relative",
)  # fmt: skip
STORY_FEATURES: tuple[str, ...] = ("vector", "words", "actors", "places", "main", "gap", "dated")


def dot(a: Bag, b: Bag) -> float:
    """Sparse dot product of two bags (their ids are sorted and unique)."""
    if not len(a) or not len(b):
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    at = np.searchsorted(b.ids, a.ids)
    at[at == len(b.ids)] = 0
    hit = b.ids[at] == a.ids
    return float(np.dot(a.vals[hit], b.vals[at[hit]]))


def _self_dot(agg: Aggregate, name: str) -> float:
    """The squared norm of one of ``agg``'s sums, kept with it (an aggregate is never changed once formed)."""
    key = "self:" + name
    value = agg.cache.get(key)
    if value is None:
        if name == "vector":
            value = 0.0 if agg.vsum is None else float(agg.vsum @ agg.vsum)
        else:
            bag = getattr(agg, name)
            value = float(bag.vals @ bag.vals)
        agg.cache[key] = value
    return value


def _vector_cosine(a: Aggregate, b: Aggregate) -> float:
    if a.vsum is None or b.vsum is None:
        return 0.0
    return max(0.0, float(np.dot(a.vsum, b.vsum)) / (a.size * b.size))


def _gap(a: int | None, b: int | None) -> tuple[float, float]:
    if a is None or b is None:
        return 0.0, 0.0
    return math.log1p(abs(a - b)), 1.0


def apart(a: Aggregate, b: Aggregate, window: int) -> bool:
    """Whether the strongly dated articles of ``a`` and ``b`` lie more than ``window`` days apart: then
    they are not candidates to be one event, however alike (events are local in time; what follows
    weeks later is an event of its own, which the story links)."""
    if a.strong is None or b.strong is None:
        return False
    return max(b.strong[0] - a.strong[1], a.strong[0] - b.strong[1]) > window


def event_features(a: Aggregate, b: Aggregate) -> np.ndarray:
    """The :data:`EVENT_FEATURES` of a pair of clusters, in that order."""
    pairs = a.size * b.size
    gap, dated = _gap(a.day, b.day)
    strong = span(a.strong, b.strong) if a.strong is not None and b.strong is not None else None
    bridged = strong is not None and (refers_to(a.refs, b.strong) or refers_to(b.refs, a.strong))
    return np.array([
        _vector_cosine(a, b),
        dot(a.words, b.words) / pairs,
        dot(a.terms, b.terms) / pairs,
        dot(a.actors, b.actors) / pairs,
        dot(a.places, b.places) / pairs,
        min(1.0, dot(a.statements, b.statements) / pairs),
        1.0 if a.facts.keys() & b.facts.keys() else 0.0,
        gap, dated,
        math.log1p(strong[1] - strong[0]) if strong is not None else 0.0, float(strong is not None),
        float(bridged),
        *_relative(a, b, pairs),
    ], np.float64)  # fmt: skip


def _cohesion(bag_sum: float, n: int) -> float:
    """The average cosine over the pairs of ``n`` unit-length members, from the squared norm of their sum."""
    return 1.0 if n < 2 else max(0.0, (bag_sum - n) / (n * (n - 1)))


def _relative(a: Aggregate, b: Aggregate, pairs: int) -> tuple[float, float, float]:
    terms = dot(a.terms, b.terms) / pairs
    ca, cb = (_cohesion(_self_dot(x, "terms"), x.size) for x in (a, b))
    vector = _vector_cosine(a, b)
    va = vb = 1.0
    if a.vsum is not None and b.vsum is not None:
        va, vb = (_cohesion(_self_dot(x, "vector"), x.size) for x in (a, b))
    return max(ca, cb), terms / max(min(ca, cb), 0.05), vector / max(min(va, vb), 0.05)


def story_features(a: Aggregate, b: Aggregate, lexicon: Lexicon) -> np.ndarray:
    """The :data:`STORY_FEATURES` of a pair of clusters (events or stories), in that order."""
    pairs = a.size * b.size
    gap, dated = _gap(*nearest_days(a.days, b.days))
    return np.array([
        _vector_cosine(a, b),
        dot(a.words, b.words) / pairs,
        dot(a.actors, b.actors) / pairs,
        dot(a.places, b.places) / pairs,
        shared_main(a, b, lexicon),
        gap, dated,
    ], np.float64)  # fmt: skip


def nearest_days(a: list[int], b: list[int]) -> tuple[int | None, int | None]:
    """The two closest days, one from each list (``None, None`` when either is empty)."""
    if not a or not b:
        return None, None
    xs, ys = sorted(a), np.array(sorted(b))
    best = (None, None, math.inf)
    for x in (xs[0], xs[len(xs) // 2], xs[-1]):  # the ends and the middle are enough for a gap feature
        i = int(np.searchsorted(ys, x))
        for j in (i - 1, i):
            if 0 <= j < len(ys) and abs(int(ys[j]) - x) < best[2]:
                best = (x, int(ys[j]), abs(int(ys[j]) - x))
    return best[0], best[1]


def main_actors(agg: Aggregate) -> set[int]:
    """The people named by at least half of ``agg``'s articles: its protagonists."""
    found = agg.cache.get("main")
    if found is None:
        need = agg.size / 2
        found = agg.cache["main"] = {k for k, n in agg.named.items() if n >= need}
    return found


def shared_main(a: Aggregate, b: Aggregate, lexicon: Lexicon) -> float:
    """The IDF-weighted share of the main protagonists of the side with fewer that the other shares."""
    ma, mb = main_actors(a), main_actors(b)
    if not ma or not mb:
        return 0.0
    idf = lambda ids: float(lexicon.idf(np.fromiter(ids, np.int32, len(ids)), 1).sum()) if ids else 0.0  # noqa: E731
    smaller = min(idf(ma), idf(mb))
    return min(1.0, idf(ma & mb) / smaller) if smaller > 0 else 0.0
