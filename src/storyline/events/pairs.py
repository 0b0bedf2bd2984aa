"""What the fitted models see of a pair: an article or event against an event, an event against a story.

Both sides are :class:`~.clusters.Aggregate` clusters (an article is a cluster of
one), so every similarity below is average link: the mean over all pairs of their
members, at the cost of one dot product of sums. Each feature is named here, and
:mod:`.model` fits one weight per name; nothing is weighed by hand.

:data:`EVENT_FEATURES` (does an article join an event; are two events one):

- ``vector``: cosine of the headline+lead embeddings;
- ``words``: cosine of IDF-weighted content words;
- ``terms``: the same with adjacent-word phrases and entity terms, the lead counting double;
- ``actors`` / ``places``: cosine of IDF-weighted canonical people and organisations / places;
- ``statements``: the statements they share (one speaker saying the same thing), per pair;
- ``facts``: the long quotes and figures the pairs of their members share, per pair, at most 1 (for two
  articles, 1 when they share one): counted over pairs like the cosines, not 1 as soon as any two members
  share one, which two large events of one kind nearly always do (see ``numbers_differ``). Like the numbers,
  from the product of the two sides' facts bags, which count the members holding each fact, so a pair sharing a
  quote and a figure counts twice;
- ``gap``: ``log(1 + days)`` between their date estimates; when either is unknown,
  :data:`UNKNOWN_DAYS`, neither simultaneous nor far apart. No feature says whether a date is
  known: that is a property of a collection, not of a pair (in one corpus nearly every candidate
  pair with two dates is one event, in another every pair is dated), and a model fitted on one
  learns it as evidence it is not elsewhere; an unknown date read as 0 days made every undated pair
  look simultaneous (docs/clustering-history.md has the figures);
- ``strong_gap``: the same over the span of their strongly dated members (a date stated in
  the lead, or a stated publication date);
- ``bridged``: 1 when the lead of one names (to the day, week or month) the other's strong date:
  a follow-up ("the trial of the April 2007 shooting");
- ``cohesion``: how alike the articles inside the more cohesive side are (the average cosine of
  the terms over its pairs; 1 for a single article), and ``relative`` / ``vector_relative``:
  the terms / vector cosine across the pair divided by the lower of the two sides' own, at most 1: a group
  of reports that agree among themselves far more than with a look-alike is a happening of its own, and a
  pair as alike as a side's own reports is as alike as can be told (uncapped, the ratio grew without bound
  as a loose event's cohesion fell, and out of fold on ECB+ events scored 0.901 against 0.917:
  docs/clustering-history.md has the figures);
- ``people``: the share of the main protagonists (as for stories, below, but by full canonical name)
  of the side with fewer that the other also names, and ``named``: 1 when both sides have main
  protagonists (two reports that each name their protagonists and share none, two players' arrests for
  the same offence in one city, are two happenings). Not by surname: two shootings a day apart often have people who share only a
  surname, and by surname here the packaged model's GVA stories as ingested fell from pairwise 0.684
  to 0.530 (fitted on ECB+ alone, GVA events from 0.865 to 0.821);
- ``numbers_differ``: 1 less the numbers shared per pair of members that both state numbers in headline and
  lead (ages, tolls, sums: :func:`~.features.lead_numbers`), at least 0; for two articles, 1 when they share
  none and 0 when they share one. A pair sharing two numbers counts twice (the product of the two sides'
  counts gives shared numbers, not pairs), so among many-numbered reports it leans to 0. Reports
  of one happening usually repeat one of them; two look-alikes rarely do. Over pairs, not "no member of one
  shares a number with any of the other": two events of a dozen reports each nearly always share some number
  somewhere, so the all-or-nothing form was 0 for every merge of two events (and ``facts`` 1), which let the
  reports of two look-alike happenings be merged (the Indian Navy's capture of 23 pirates and of 26, three
  years apart; out of fold on ECB+ dev, events 0.902 -> 0.920: docs/clustering-history.md has the figures).
  Only the disagreement is a feature: that two reports share
  a number says more in some news than in other (among candidates that both state numbers, a shared
  one is 11 times as frequent within an event as across two in ECB+ dev, 3 times in GVA dev, where
  ages repeat by chance), and the shared words already count it.

:data:`STORY_FEATURES` (does an event continue a story): the same similarities
without terms, statements and facts; no date distance (a story goes on at any distance in time,
and a gap learned where follow-ups come within weeks kept apart stories whose next event comes
years later: docs/clustering-history.md has the figures); of the people and organisations, only the
protagonists (``main``, below), not ``actors``: everyone two events name, their sources included, is shared by
happenings of one kind in one place (a city's police, named in every report of its shootings). Fitted on ECB+
dev with ``actors``, the story model weighed it +1.03 per standard deviation and the protagonists -0.10, and
linked a city's shootings into one story on GVA dev; without it, ECB+ -> GVA stories rose from 0.860 to 0.877
(docs/clustering-history.md has the figures). Plus
``main``: the share of the main protagonists (the people named by at least half of
a side's articles, by surname: :attr:`~.features.Profile.people`) that both sides have, and
``follows``: 1 when the lead of one names, as an earlier happening, a day, week or month in which the
other has a date (:func:`~.features.followed_days`: "a man was charged on Monday in the November 2
shooting"). Unlike ``bridged`` it never counts the day a report names as its own (two shootings on one
night both name it). In the story training pairs of GVA dev it fires on 465 of 95,046 pairs, a tenth of
them one story (against 0.15% of the rest); in ECB+ dev's on 18 of 1,001, a third of them one story (5% of
the rest). Compared
by full canonical name, one outlet's "Gupta" and another's "Sanjay Gupta" were two people: fitted
on both dev corpora, out of fold, stories scored 0.938 / 0.938 (ECB+ / GVA, GVA pairwise 0.799) by
full name and 0.944 / 0.941 (pairwise 0.823) by surname here and full name for ``people``. A story is the same
protagonists and subject over time, so no feature says what *kind* of happening
it is. No feature counts articles: how many report a thing says nothing of whether
it is the same thing (and clusters that training forms from the labels grow only
when they are right, which would teach the opposite).
"""

from __future__ import annotations

import bisect
import math
import threading
from typing import NamedTuple

import numpy as np

from .bags import BAG_FIELDS, FIELD_SHIFT, Bag, Lexicon
from .clusters import Aggregate

UNKNOWN_DAYS = 10  # days an unknown date reads as: a third of the default 30-day event_window_days (a choice, not fitted)
COHESION_FLOOR = 0.05  # the least cohesion ``relative`` divides by (a side whose reports share nothing)
LARGE_BAGS = 2000  # ids per bag on average above which :func:`dots` looks each bag up rather than copying them all
_LOCAL_ID = (1 << FIELD_SHIFT) - 1  # a joined bag's id within its field
SCRATCH_SLOTS = 1 << 23  # most slots of dots' scratch array (32 MB per thread); a larger lexicon is looked up instead
_SCRATCH = threading.local()  # see _scratch

EVENT_FEATURES: tuple[str, ...] = (
    "vector", "words", "terms", "actors", "places", "statements", "facts",
    "gap", "strong_gap", "bridged",
    "cohesion", "relative", "vector_relative", "people", "named", "numbers_differ",
)  # fmt: skip
STORY_FEATURES: tuple[str, ...] = ("vector", "words", "places", "main", "follows")


class StoryRows(NamedTuple):
    """An event or story compared with others (:func:`story_rows`), one row each: ``x``, the
    :data:`STORY_FEATURES`, and ``share_a_name``, whether the two sides name a person, organisation or place in
    common (``actors``, ``places`` or ``main`` above 0).

    A story is the same protagonists and subject over time, never merely the same kind of happening: two events
    that share no name are not one story, however alike their words and vectors (the packaged model linked eight
    children's accidental shootings in eight cities, none naming anyone, into one story). Such a pair is never
    linked directly (a story may still hold both through a third event that names something of each). The story
    model is fitted on all pairs all the same: fitted only on those sharing a name, it scored ECB+ dev's stories
    out of fold 0.975 against 0.983."""

    x: np.ndarray
    share_a_name: np.ndarray


def dots(a: Bag, others: list[Bag], fields: int = 1) -> np.ndarray:
    """The sparse dot products of ``a`` with each of ``others``: ``a``'s weights are laid out in a dense
    scratch array (:func:`_scratch`) and the others' ids read from it, in one pass over all of them (or, for
    a lexicon too large to lay out, looked up among ``a``'s); large others (stories) instead have ``a``'s ids
    looked up in each, never copied. With ``fields`` > 1 the bags are joined ones (:func:`~.bags.joined`)
    and the products come per field, one column each."""
    n = len(others)
    lengths = np.fromiter((len(b) for b in others), np.int64, n)
    total = int(lengths.sum())
    out = np.zeros((n, fields))
    if len(a) and total:
        my_field, my_local = _split(a.ids, fields)
        if len(a) * n < total and total > LARGE_BAGS * n:
            products = np.stack([_products(a, b) for b in others])
            starts = np.flatnonzero(np.concatenate(([True], my_field[1:] != my_field[:-1])))  # a field's one run
            out[:, my_field[starts]] = np.add.reduceat(products, starts, axis=1)
        else:
            ids = np.concatenate([b.ids for b in others])
            field, local = _split(ids, fields)
            products = _weights_at(a, (my_field, my_local), ids, (field, local), fields) * np.concatenate(
                [b.vals for b in others])
            out = np.bincount(np.arange(n).repeat(lengths) * fields + field, weights=products,
                              minlength=n * fields).reshape(n, fields)
    return out if fields > 1 else out[:, 0]


def _split(ids: np.ndarray, fields: int) -> tuple[np.ndarray, np.ndarray]:
    """Each id's field and its id within the field (int64); a plain bag (``fields`` 1) is one field."""
    ids = ids.astype(np.int64, copy=False)
    if fields == 1:
        return np.zeros(len(ids), np.int64), ids
    return ids >> FIELD_SHIFT, ids & _LOCAL_ID


def _weights_at(a: Bag, mine: tuple[np.ndarray, np.ndarray], ids: np.ndarray, theirs: tuple[np.ndarray, np.ndarray],
                fields: int) -> np.ndarray:  # fmt: skip
    """``a``'s weight for each of ``ids`` (0 where it has none), ``mine`` and ``theirs`` being :func:`_split` of
    ``a``'s ids and of ``ids``: read from ``a``'s weights laid out in the scratch array, or, when they would take
    more than :data:`SCRATCH_SLOTS`, looked up among ``a``'s ids."""
    (my_field, my_local), (field, local) = mine, theirs
    width = int(my_local.max()) + 1  # a field's slots in the scratch array
    if fields * width > SCRATCH_SLOTS:
        own = a.ids.astype(np.int64, copy=False)
        at = own.searchsorted(ids)
        at[at == len(own)] = 0
        return np.where(own[at] == ids, a.vals[at], 0)
    scratch = _scratch(fields * width + 1)  # its last slot stays 0: read for ids above all of a's
    slots = my_field * width + my_local
    try:
        scratch[slots] = a.vals
        return scratch[np.where(local < width, field * width + local, fields * width)]
    finally:
        scratch[slots] = 0  # left all zeros for the next call


def _scratch(size: int) -> np.ndarray:
    """An all-zero float32 array (bags' weights are float32) of at least ``size`` slots, one per thread, kept
    between calls and grown by doubling up to :data:`SCRATCH_SLOTS`: :func:`dots` writes a bag's weights into
    it and clears them again."""
    found = getattr(_SCRATCH, "array", None)
    if found is None or len(found) < size:
        grown = min(2 * len(found), SCRATCH_SLOTS + 1) if found is not None else 1 << 16
        found = _SCRATCH.array = np.zeros(max(size, grown), np.float32)
    return found


def _products(a: Bag, b: Bag) -> np.ndarray:
    """Each of ``a``'s weights times ``b``'s for the same id (0 where ``b`` lacks it): one row of :func:`dots`."""
    if not len(b):
        return np.zeros(len(a), a.vals.dtype)
    at = b.ids.searchsorted(a.ids)
    at[at == len(b)] = 0
    return np.where(b.ids[at] == a.ids, b.vals[at] * a.vals, 0.0)


def _vector_cosines(a: Aggregate, others: list[Aggregate]) -> np.ndarray:
    """Average-link cosine of the embeddings of ``a`` and each of ``others`` (0 where either has none)."""
    out = np.zeros(len(others))
    if a.vsum is None:
        return out
    rows = [i for i, b in enumerate(others) if b.vsum is not None]
    if rows:
        sums = np.array([others[i].vsum for i in rows]) @ a.vsum  # np.array: a third of np.stack's cost
        sizes = np.array([others[i].size for i in rows], np.float64) * a.size
        out[rows] = np.maximum(0.0, sums / sizes)
    return out


def within(a: Aggregate, others: list[Aggregate], window: int) -> list[int]:
    """The positions of those of ``others`` that may be one event with ``a``: all but those whose strongly dated
    articles and ``a``'s together lie more than ``window`` days apart, which are not candidates however alike
    (events are local in time; what follows weeks later is an event of its own, which the story links). The span
    of both is what counts, not the gap between them, so an event never grows past the window by reports
    arriving one after another (reports 20 days apart had chained one across months)."""
    if a.strong is None:
        return list(range(len(others)))
    first, last = a.strong
    return [i for i, b in enumerate(others) if (s := b.strong) is None or max(last, s[1]) - min(first, s[0]) <= window]


def event_features(a: Aggregate, b: Aggregate) -> np.ndarray:
    """The :data:`EVENT_FEATURES` of a pair of clusters, in that order."""
    return event_feature_rows(a, [b])[0]


def event_feature_rows(a: Aggregate, others: list[Aggregate]) -> np.ndarray:
    """The :data:`EVENT_FEATURES` of ``a`` against each of ``others``: one row each, the sparse products
    taken for all of them at once, and what each side gives alone read once (:func:`_side`)."""
    me, sides = _side(a), [_side(b) for b in others]
    n = len(others)
    pairs = np.array([side.size for side in sides], np.float64) * me.size
    vector = _vector_cosines(a, others)
    products = dots(a.bags, [b.bags for b in others], len(BAG_FIELDS))  # summed over the pairs of members
    terms, words, actors, places, statements, numbers, facts = products.T  # in the order of BAG_FIELDS
    terms, words, actors, places, statements, facts = (x / pairs for x in (terms, words, actors, places, statements,
                                                                            facts))  # fmt: skip
    numbers_differ = np.zeros(n)
    if me.numbers:  # the numbers bags count members: their product counts the numbers the pairs share
        stating = np.array([side.numbers for side in sides], np.float64) * me.numbers
        shared = np.minimum(1.0, numbers / np.maximum(stating, 1.0))
        numbers_differ = np.where(stating > 0, 1.0 - shared, 0.0)
    unknown = math.log1p(UNKNOWN_DAYS)
    gap = np.full(n, unknown) if me.day is None else np.array(
        [unknown if (day := side.day) is None else math.log1p(abs(me.day - day)) for side in sides])
    strong_gap, bridged = np.full(n, unknown), np.zeros(n)
    if me.strong is not None:
        first, last = me.strong
        for i, side in enumerate(sides):
            if (strong := side.strong) is not None:
                strong_gap[i] = math.log1p(max(last, strong[1]) - min(first, strong[0]))
                bridged[i] = bool(me.refs[0] and _names(me.refs, strong)
                                  or side.refs[0] and _names(side.refs, me.strong))
    people = np.zeros((n, 2))
    if me.main:
        mine = me.main
        people[:, 0] = [len(mine & theirs) / min(len(mine), len(theirs)) if (theirs := side.main) else 0.0
                        for side in sides]
        people[:, 1] = [bool(side.main) for side in sides]
    cohesion = np.array([side.cohesion for side in sides])
    own_vector = np.ones(n) if me.vector is None else np.array(  # a side's own vector cohesion counts when both have one
        [1.0 if (theirs := side.vector) is None else min(me.vector, theirs) for side in sides])
    return np.column_stack([
        vector, words, terms, actors, places, np.minimum(1.0, statements), np.minimum(1.0, facts), gap, strong_gap, bridged,
        np.maximum(me.cohesion, cohesion), _relative(terms, np.minimum(me.cohesion, cohesion)),
        _relative(vector, own_vector), people, numbers_differ,
    ])  # fmt: skip


class _Side(NamedTuple):
    """What a cluster gives to every event pair it is in, whatever the other side."""

    size: int
    day: int | None
    strong: tuple[int, int] | None
    refs: tuple[list[int], list[int]]  # the periods its texts name (_periods)
    cohesion: float  # of its terms
    vector: float | None  # the cohesion of its embeddings (None: it has none)
    main: set[int]  # its main protagonists by full name
    numbers: int  # how many of its members state numbers in headline and lead


def _side(agg: Aggregate) -> _Side:
    """:class:`_Side` of ``agg``, kept with it (a cluster is never changed once formed)."""

    def made() -> _Side:
        return _Side(agg.size, agg.day, agg.strong, _periods(agg, "refs"),
                     _cohesion(agg, "terms"), None if agg.vsum is None else _cohesion(agg, "vector"),
                     main_actors(agg, "named_full"), agg.numbered)

    return agg.kept("side", made)


def _relative(across: np.ndarray, own: np.ndarray) -> np.ndarray:
    """The cosines ``across`` pairs over ``own`` (for each pair the lower of its two sides' own cohesion,
    floored at :data:`COHESION_FLOOR`), at most 1: as alike as a side's own reports is as alike as can be told."""
    return np.minimum(1.0, across / np.maximum(own, COHESION_FLOOR))


def _cohesion(agg: Aggregate, name: str) -> float:
    """The average cosine over the pairs of ``agg``'s unit-length members in one of its sums (the embeddings', or
    the bag ``name``), from that sum's squared norm; 1 for a single article (whose sum is not looked at)."""
    n = agg.size
    if n < 2:
        return 1.0
    total = agg.vsum if name == "vector" else agg.field(name).vals
    return max(0.0, (float(total @ total) - n) / (n * (n - 1)))


def story_features(a: Aggregate, b: Aggregate, lexicon: Lexicon) -> np.ndarray:
    """The :data:`STORY_FEATURES` of a pair of clusters (events or stories), in that order."""
    return story_feature_rows(a, [b], lexicon)[0]


def story_feature_rows(a: Aggregate, others: list[Aggregate], lexicon: Lexicon) -> np.ndarray:
    """The :data:`STORY_FEATURES` of ``a`` against each of ``others``, one row each."""
    return story_rows(a, others, lexicon).x


def story_rows(a: Aggregate, others: list[Aggregate], lexicon: Lexicon) -> StoryRows:
    """``a`` against each of ``others``: the :data:`STORY_FEATURES` and whether they share a name."""
    pairs = np.array([a.size * b.size for b in others], np.float64)
    days_a = a.sorted_days
    main, follows = np.array([(shared_main(a, b, lexicon),
                               float(_follows(a, b.sorted_days) or _follows(b, days_a))) for b in others],
                             np.float64).reshape(len(others), 2).T  # fmt: skip
    first, last = BAG_FIELDS.index("words"), BAG_FIELDS.index("places")  # consecutive: compared in one pass
    shared = dots(a.field("words", "places"), [b.field("words", "places") for b in others], last + 1)[:, first:]
    words, actors, places = (shared / pairs[:, None]).T
    x = np.column_stack([_vector_cosines(a, others), words, places, main, follows])
    return StoryRows(x, (actors > 0) | (places > 0) | (main > 0))


def _names(refs: tuple[list[int], list[int]], strong: tuple[int, int]) -> bool:
    """Whether one of the periods a cluster's texts name (``refs``: its :func:`_periods` of ``refs``) overlaps
    the span ``strong``."""
    starts, ends = refs
    i = bisect.bisect_left(ends, strong[0])  # the first period not over before the span begins
    return i < len(ends) and starts[i] <= strong[1]


def _follows(a: Aggregate, days: list[int]) -> bool:
    """Whether a lead of ``a`` names, as an earlier happening, a period in which one of ``days`` (sorted) lies.
    Walks the shorter of the two: a story's periods, merged, or the other side's days."""
    starts, ends = _periods(a, "follows")
    if len(starts) <= len(days):
        for lo, hi in zip(starts, ends, strict=True):
            i = bisect.bisect_left(days, lo)
            if i < len(days) and days[i] <= hi:
                return True
        return False
    for day in days:
        i = bisect.bisect_right(starts, day) - 1
        if i >= 0 and day <= ends[i]:
            return True
    return False


def _periods(agg: Aggregate, name: str) -> tuple[list[int], list[int]]:
    """The periods ``agg.refs`` or ``agg.follows`` (``name``) merged into disjoint ones, in order: their
    first days and their last days (both ascending). Kept with the aggregate."""

    def merged() -> tuple[list[int], list[int]]:
        starts: list[int] = []
        ends: list[int] = []
        for lo, hi in sorted(getattr(agg, name)):
            if ends and lo <= ends[-1]:
                ends[-1] = max(ends[-1], hi)
            else:
                starts.append(lo)
                ends.append(hi)
        return starts, ends

    return agg.kept("periods:" + name, merged)


def main_actors(agg: Aggregate, by: str = "named") -> set[int]:
    """The people named by at least half of ``agg``'s articles: its protagonists."""
    need = agg.size / 2
    return agg.kept("main:" + by, lambda: {k for k, n in getattr(agg, by).items() if n >= need})


def _main_weights(agg: Aggregate, lexicon: Lexicon) -> dict[int, float]:
    """The IDF of each of ``agg``'s main protagonists (kept with it while the lexicon counts as many documents)."""
    docs, found = agg.cache.get("main_idf", (None, None))
    if docs != lexicon.docs:
        main = sorted(main_actors(agg))
        found = dict(zip(main, lexicon.idf(np.array(main, np.int32), 1).tolist(), strict=True)) if main else {}
        agg.cache["main_idf"] = (lexicon.docs, found)
    return found


def shared_main(a: Aggregate, b: Aggregate, lexicon: Lexicon) -> float:
    """The IDF-weighted share of the main protagonists of the side with fewer that the other shares."""
    wa, wb = _main_weights(a, lexicon), _main_weights(b, lexicon)
    if not wa or not wb:
        return 0.0
    smaller = min(sum(wa.values()), sum(wb.values()))
    return min(1.0, sum(wa[k] for k in wa.keys() & wb.keys()) / smaller) if smaller > 0 else 0.0
