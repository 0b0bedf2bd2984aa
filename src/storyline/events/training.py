"""Fitting the models of :mod:`.model` to labelled news, and clustering labelled articles to score them.

Training pairs are the pairs the agglomerations of :mod:`.placement` and :mod:`.linking` meet, no others.
The labelled articles are registered in an :class:`~.placement.EventIndex` as one
batch, and agglomerated along the same candidate graph, best first, with one change:
a merge is only made when the labels say both sides are one (teacher forcing). Every
pair compared on the way is recorded with its label, so the models learn from
articles against partial events, events against events, and events against stories,
of every size, as placement will show them. The first pass orders merges by a plain
similarity (the cosine of the terms, of the words for stories); the second by the
models the first pass fitted. Articles whose story label is unknown take no part in
the story pairs.

The pairs an agglomeration meets come from inside the date window, and in some
corpora nearly every alike pair there is one event: a model fitted on them alone
learns that alike and near is enough, and lumps the look-alike happenings other news
is full of (two shootings in nearby towns on one day). So each level also learns from
*look-alikes* (:func:`_look_alikes`): for each unit, the most alike units of other
stories found at any distance in time, given the dates and places of a pair of one
event (for stories, the places of a pair of one story) that the agglomeration met, as
negatives: two happenings in one town on one day, as local news is full of. They teach
what tells two alike happenings apart besides where and when.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from ..errors import InputError
from ..evaluation import bcubed
from ..models import Article
from ..settings import Settings
from .agglomerate import agglomerate, cut, root_of
from .clusters import Aggregate
from .features import Traits, day_of
from .ids import canonical_order
from .linking import STORY_PROBES
from .model import KINDS, Models
from .pairs import EVENT_FEATURES, STORY_FEATURES, event_feature_rows, story_feature_rows, within
from .placement import EventIndex, rebuild

INGEST_BATCH = 256  # articles per batch when scoring "as ingested" (the pipeline's batch)
_EPSILON = 1e-9  # the oracle merges every candidate pair the labels allow, but never a blocked one (probability 0)
PASSES = 2  # oracle agglomerations: the first ordered by plain similarity, the next by the fitted models
EVENT_THRESHOLDS = (0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7)  # the decision thresholds tried (fit_thresholds)
STORY_THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98)
THRESHOLD_TOLERANCE = 0.002  # F1 differences smaller than this do not choose a threshold
LOOK_ALIKES = 10  # negatives per unit: its most alike units of other stories, at any distance in time
WHERE_WHEN = ("gap", "strong_gap", "bridged", "places")  # what a look-alike takes from a met pair of one event (story)


@dataclass
class Labelled:
    """Enriched articles and their gold labels (``story`` may be ``None``: unknown)."""

    articles: list[Article]
    event: dict[str, str]
    story: dict[str, str | None]
    topic: dict[str, str | None]
    name: str = ""

    def subset(self, ids: set[str]) -> Labelled:
        """The articles with these ids, and their labels only."""
        keep = [a for a in self.articles if a.id in ids]
        kept = {a.id for a in keep}
        return Labelled(keep, *({i: v for i, v in d.items() if i in kept} for d in (self.event, self.story, self.topic)),
                        name=self.name)

    def story_groups(self) -> list[str]:
        """One group per article for grouped folds: the articles its event and story labels connect (an event's
        article without a story label goes with the story its other articles carry; an event labelled with two
        stories joins them), so no fold splits an event or a story. A group is named by its least story label,
        or ``e:`` and its event where it has none."""
        parent = {f"{kind}:{label}": f"{kind}:{label}" for a in self.articles
                  for kind, label in (("e", self.event[a.id]), ("s", self.story.get(a.id))) if label is not None}
        for a in self.articles:
            if (story := self.story.get(a.id)) is not None:
                first, second = sorted((root_of(parent, "e:" + self.event[a.id]), root_of(parent, "s:" + story)))
                parent[second] = first
        named: dict[str, str] = {}  # a group's root -> the least story label in it
        for a in self.articles:
            if (story := self.story.get(a.id)) is not None:
                group = root_of(parent, "s:" + story)
                named[group] = min(named.get(group, story), story)
        return [named.get(group, group) for group in (root_of(parent, "e:" + self.event[a.id]) for a in self.articles)]


class _Pairs:
    """Feature rows and labels collected for one model, and the labelled set each came from."""

    def __init__(self) -> None:
        self.x: list[np.ndarray] = []
        self.y: list[int] = []
        self.source: list[int] = []
        self.current = 0

    def add(self, x: np.ndarray, y: bool) -> None:
        self.x.append(x)
        self.y.append(int(y))
        self.source.append(self.current)

    def together(self, source: int) -> float | None:
        """The share of the pairs from labelled set ``source`` that belong together (``None``: it gave none)."""
        mine = [y for y, s in zip(self.y, self.source, strict=True) if s == source]
        return sum(mine) / len(mine) if mine else None

    def usable(self) -> bool:
        """Whether there are pairs of both kinds to learn from."""
        return len(set(self.y)) == 2

    def fit(self, features: tuple[str, ...], kind: str = "logistic"):
        """A model of ``kind`` (see :data:`.model.KINDS`); each labelled set weighs the same in total, whatever
        number of pairs it gives."""
        source = np.array(self.source, np.int64)
        counts = np.bincount(source)
        weight = len(source) / (np.count_nonzero(counts) * counts[source])
        return KINDS[kind].fit(features, np.array(self.x), np.array(self.y), weight)


def _collect(data: Labelled, settings: Settings, models: Models | None, join: _Pairs, merge: _Pairs,
             story: _Pairs) -> None:  # fmt: skip
    """One oracle agglomeration of ``data``: events, then stories; the pairs met go to ``join``, ``merge``, ``story``."""
    index = EventIndex(settings, models=models or _UNUSED)
    articles = [a for a in canonical_order(data.articles)]
    profiles = index.register(map(Traits.of, articles))
    gold_event = {"a:" + a.id: data.event[a.id] for a in articles}

    def event_p(a: Aggregate, others: list[Aggregate]) -> np.ndarray:
        out = np.zeros(len(others))
        rows = within(a, others, index.window)  # those outside the window are never candidates
        for i, x in zip(rows, event_feature_rows(a, [others[i] for i in rows]) if rows else (), strict=True):
            b = others[i]
            (join if min(a.size, b.size) == 1 else merge).add(x, data.event[a.members[0]] == data.event[b.members[0]])
            out[i] = x[EVENT_FEATURES.index("terms")] + _EPSILON
        return out if models is None else index.event_probabilities(a, others)

    units, pairs, forced = index.event_graph([p.id for p in profiles])
    agglomerate(units, pairs, event_p, _EPSILON, index.unit_key, forced,
                allowed=lambda a, b: gold_event[a] == gold_event[b])
    _look_alikes(join, index.singles, index.far, data.story, event_feature_rows, EVENT_FEATURES)
    # stories over the events as placement holds them: the gold events, cut where their pieces lie further
    # apart in time than the date window (a follow-up weeks later is an event of its own, which the story has
    # to link) on the first pass; on the next, the events the first pass's models form, fragments of one
    # happening included, which the story has to link as well. An event's story is most of its articles'.
    if models is None:
        piece = gold_pieces(data, int(settings.event_window_days))
    else:
        piece = {a: "p:" + e for a, e in as_rebuilt(articles, settings, models)[0].items()}
    index.assign((a.id, piece[a.id], piece[a.id]) for a in articles)
    story_units = {"n:" + e: agg for e, agg in index.events.items()}
    gold_story = {"n:" + e: _most(data.story, agg.members) for e, agg in index.events.items()}

    def story_p(a: Aggregate, others: list[Aggregate]) -> np.ndarray:
        out = np.zeros(len(others))
        sa = _most(data.story, a.members)
        for i, (b, x) in enumerate(zip(others, story_feature_rows(a, others, index.lexicon), strict=True)):
            sb = _most(data.story, b.members)
            if sa is not None and sb is not None:
                story.add(x, sa == sb)
            out[i] = x[STORY_FEATURES.index("words")]
        return out if models is None else index.story_probabilities(a, others)

    reached = _story_pairs(index)
    agglomerate(story_units, reached, story_p, 0.0, lambda u: (u,), (),
                allowed=lambda a, b: gold_story[a] is not None and gold_story[a] == gold_story[b])
    neighbours: dict[str, list[str]] = {}
    for a, b in sorted(reached):
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    events = {u: agg for u, agg in story_units.items() if agg.size > 1}
    _look_alikes(merge, events, neighbours, gold_story, event_feature_rows, EVENT_FEATURES)
    _look_alikes(story, story_units, neighbours, gold_story, partial(story_feature_rows, lexicon=index.lexicon), STORY_FEATURES)


def _look_alikes(pairs: _Pairs, units: dict[str, Aggregate], neighbours: dict[str, list[str]],
                 story: dict[str, str | None], rows, features: tuple[str, ...]) -> None:  # fmt: skip
    """Add to ``pairs``, as negatives, each unit's :data:`LOOK_ALIKES` most alike ``neighbours`` (by the
    ``words`` feature of ``rows``) whose ``story`` is known and another, with the :data:`WHERE_WHEN` features
    (those ``features`` has) of a pair of one event (or story) already met in this labelled set, drawn at
    random: a look-alike as near in time and place as reports of one happening are, as another happening in the
    same town on the same day meets it (before, the dates of any met pair and the look-alike's own places:
    fitted on both corpora, the packaged model then joined a town's strike, budget and new tram line of one day
    into one event). Units of unknown story give none."""
    met = [x for x, y, source in zip(pairs.x, pairs.y, pairs.source, strict=True) if y and source == pairs.current]
    if not met:
        return
    where_when = [features.index(f) for f in WHERE_WHEN if f in features]  # a story's: its places (it holds no dates)
    words = features.index("words")
    rng = random.Random(0)
    for unit, agg in units.items():
        if (mine := story.get(unit)) is None:
            continue
        others = [o for o in dict.fromkeys(neighbours.get(unit, ())) if o in units and story.get(o) not in (None, mine)]
        if not others:
            continue
        x = rows(agg, [units[o] for o in others])
        for i in np.argsort(-x[:, words], kind="stable")[:LOOK_ALIKES]:
            row = x[i].copy()
            row[where_when] = rng.choice(met)[where_when]
            pairs.add(row, False)


def _most(labels: dict[str, str | None], members: list[str]) -> str | None:
    """The label most of ``members`` have (ties: the smaller), ``None`` when none has one."""
    counts = Counter(labels.get(m) for m in members)
    counts.pop(None, None)
    return min(counts, key=lambda g: (-counts[g], g)) if counts else None


def _chosen(tried: dict[float, float]) -> float:
    """The middle one of the thresholds whose F1 is within :data:`THRESHOLD_TOLERANCE` of the best: F1 is
    often flat over a range, and its middle is the choice least likely to be an edge on other news."""
    best = max(tried.values())
    near = sorted(t for t, f1 in tried.items() if f1 >= best - THRESHOLD_TOLERANCE)
    return near[len(near) // 2]


def _story_pairs(index: EventIndex) -> set[tuple[str, str]]:
    """The candidate pairs of the events held in ``index`` ("n:<id>"), as placement finds them
    (:meth:`.linking.StoryLinking._far_events`)."""
    pairs = set()
    for event_id, agg in index.events.items():
        for article_id in agg.members[:STORY_PROBES]:
            for other in index.far[article_id]:
                if index.event_of[other] != event_id:
                    pairs.add(("n:" + event_id, "n:" + index.event_of[other]))
    return pairs


def gold_pieces(data: Labelled, window: int) -> dict[str, str]:
    """``{article: piece}``: each gold event cut, in date order, where a dated article (:func:`~.features.day_of`)
    lies more than ``window`` days after the first of its piece, as placement cuts events by their stated dates
    (here every known date counts, weak ones too; undated articles go with the event's first piece)."""
    by_event: dict[str, list[str]] = {}
    days = {}
    for a in data.articles:
        by_event.setdefault(data.event[a.id], []).append(a.id)
        days[a.id] = day_of(a)
    out = {}
    for event, ids in by_event.items():
        dated = sorted((days[i], i) for i in ids if days[i] is not None)
        part, first = 0, None
        for day, i in dated:
            if first is None or day - first > window:
                part, first = part + (first is not None), day
            out[i] = f"g:{event}#{part}"
        for i in ids:
            out.setdefault(i, f"g:{event}#0")
    return out


class _Unused:
    """Stands for the models while the first pass collects pairs: no decision is asked of them."""

    thresholds = {"event": 1.0, "story": 1.0}  # read when the index is made, never used

    def __getattr__(self, name):
        raise AssertionError("the first training pass runs without models")


_UNUSED = _Unused()


def fit(sets: Sequence[Labelled], settings: Settings | None = None, kind: str = "logistic") -> Models:
    """Fit ``join``, ``merge`` and ``story`` on the pairs of :data:`PASSES` oracle agglomerations of ``sets``.

    ``kind``: ``logistic`` (the default: out of fold on ECB+ dev it scored events 0.881 and stories 0.962,
    against 0.862 and 0.954 for ``trees``, which fit the training corpora closer and generalise less)."""
    settings = settings or Settings()
    models = None
    for _ in range(PASSES):
        join, merge, story = _Pairs(), _Pairs(), _Pairs()
        for i, data in enumerate(sets):
            join.current = merge.current = story.current = i
            _collect(data, settings, models, join, merge, story)
        _check_usable([d.name for d in sets], join, story)
        joined = join.fit(EVENT_FEATURES, kind)
        merged = merge.fit(EVENT_FEATURES, kind) if merge.usable() else joined  # too few labels to tell: as join
        models = Models(joined, merged, story.fit(STORY_FEATURES, kind), [d.name for d in sets],
                        embedder=str(settings.embedder))
    collected = {"join": join, "merge": merge, "story": story}  # the last pass's pairs
    models.scores = {
        "pairs": {name: len(pairs.y) for name, pairs in collected.items()},
        "together": {d.name: {name: pairs.together(i) for name, pairs in collected.items()} for i, d in enumerate(sets)},
    }
    models.thresholds, models.scores["thresholds"] = fit_thresholds(sets, settings, models)
    return models


def _check_usable(names: list[str], join: _Pairs, story: _Pairs) -> None:
    """Refuse labels that give the event or the story model only one kind of pair, naming the files and the
    labels to add (the model's own refusal said neither)."""
    # the event model's pairs are of articles, the story model's of events
    for level, levels, unit, pairs in (("event", "events", "articles", join), ("story", "stories", "events", story)):
        if pairs.usable():
            continue
        if not pairs.y and level == "story":
            what, todo = "no events with a story label to compare", (
                "Give the articles a `story` label too (the events that continue one happening share it); "
                "`storyline train` fits a story model")
        elif pairs.y and pairs.y[0]:
            what, todo = f"the {level} labels give only one kind of pair: no two {levels} met to tell apart", (
                f"Label articles of more {levels}, some reported within the date window of each other"
                + (", and of more than one story" if level == "event" else ""))
        else:
            what, todo = f"the {level} labels give only one kind of pair: no two {unit} of one {level} met", (
                f"Label at least two {unit} of one {level}, reported within the date window"
                + (" and in their own words (a syndicated copy goes with its original unscored: it teaches nothing)"
                   if level == "event" else ""))
        raise InputError(", ".join(names) or "the labelled data", what, todo)


def fit_thresholds(sets: Sequence[Labelled], settings: Settings, models: Models) -> tuple[dict, dict]:
    """The event threshold of :data:`EVENT_THRESHOLDS`, then the story threshold of :data:`STORY_THRESHOLDS`,
    that give the best mean B³ F1 (see :func:`_chosen`) over ``sets`` (each set weighing the same) when they are rebuilt with
    ``models``. One agglomeration per set and level answers for every threshold (:func:`.agglomerate.cut`).
    Returns the thresholds and the F1 of each one tried."""
    indexes, event_merges, story_merges = [], [], []
    for data in sets:
        index = EventIndex(settings, models)
        profiles = index.register(map(Traits.of, canonical_order(data.articles)))
        units, pairs, forced = index.event_graph([p.id for p in profiles])
        merges: list = []
        agglomerate(units, pairs, index.event_probabilities, min(EVENT_THRESHOLDS), index.unit_key, forced, merges=merges)
        indexes.append((index, [p.id for p in profiles]))
        event_merges.append(merges)

    def mean_f1(gold_of, predicted) -> float:
        return float(np.mean([bcubed({a: g for a, g in gold_of(d).items() if g is not None}, pred)[2]
                              for d, pred in zip(sets, predicted, strict=True)]))

    tried_events = {}
    for t in EVENT_THRESHOLDS:
        predicted = [{u[2:]: r for u, r in cut(["a:" + i for i in ids], merges, t).items()}
                     for (_, ids), merges in zip(indexes, event_merges, strict=True)]
        tried_events[t] = mean_f1(lambda d: d.event, predicted)
    event_t = _chosen(tried_events)
    for (index, ids), merges in zip(indexes, event_merges, strict=True):
        index.assign((article_id[2:], root[2:], root[2:]) for article_id, root in cut(["a:" + i for i in ids], merges,
                                                                                    event_t).items())  # fmt: skip
        units = {"n:" + e: agg for e, agg in index.events.items()}
        merges = []
        agglomerate(units, _story_pairs(index), index.story_probabilities, min(STORY_THRESHOLDS), index.story_key,
                    merges=merges)  # fmt: skip
        story_merges.append((index, merges))
    tried_stories = {}
    for t in STORY_THRESHOLDS:
        predicted = []
        for index, merges in story_merges:
            root = cut(["n:" + e for e in index.events], merges, t)
            predicted.append({a: root["n:" + e] for a, e in index.event_of.items()})
        tried_stories[t] = mean_f1(lambda d: d.story, predicted)
    story_t = _chosen(tried_stories)
    return {"event": event_t, "story": story_t}, {"event": tried_events, "story": tried_stories}


# --- clustering labelled articles, to score them ------------------------------------------
def as_ingested(articles: Iterable[Article], settings: Settings, models: Models, shuffle: int | None = None,
                batch: int = INGEST_BATCH, restart: bool = False) -> tuple[dict[str, str], dict[str, str]]:
    """What `storyline ingest` makes of ``articles``: batches in the order given (or shuffled with
    seed ``shuffle``), each placed in canonical order; with ``restart``, each batch by an index started
    afresh from the articles placed before it, with their events' trees of merges, as separate runs of
    `storyline ingest` start from the store (:meth:`.EventIndex.from_articles`, which makes the index
    :meth:`.EventTracker.from_store` makes from the traits the store keeps). Returns
    ``({article: event}, {article: story})``."""
    articles = list(articles)
    for a in articles:
        a.event_id = a.story_id = None
    if shuffle is not None:
        random.Random(shuffle).shuffle(articles)
    index = EventIndex(settings, models)
    for start in range(0, len(articles), batch):
        if restart and start:
            placed = articles[:start]
            for a in placed:  # as the store holds them now
                a.event_id = index.event_of[a.id]
                a.story_id = index.story_of(a.event_id)
            index = EventIndex.from_articles(placed, settings, models, trees=index.trees)
        index.place_batch(articles[start:start + batch])
    return index.assignments(), {a: index.story_of(e) for a, e in index.event_of.items()}


def as_rebuilt(articles: Iterable[Article], settings: Settings, models: Models) -> tuple[dict[str, str], dict[str, str]]:
    """What `storyline rebuild` makes of ``articles``."""
    index, events = rebuild(list(articles), settings, models)
    return events, {a: index.story_of(e) for a, e in events.items()}


def folds(data: Labelled, k: int, seed: int = 0) -> list[set[str]]:
    """``k`` groups of article ids, whole stories (or events where the story is unknown) in each."""
    groups = sorted(set(data.story_groups()))
    random.Random(seed).shuffle(groups)
    fold_of = {g: i % k for i, g in enumerate(groups)}
    out: list[set[str]] = [set() for _ in range(k)]
    for a, g in zip(data.articles, data.story_groups(), strict=True):
        out[fold_of[g]].add(a.id)
    return out
