"""Placing articles in events and events in stories, with the fitted models of :mod:`.model`.

:class:`EventIndex` holds, in memory, what placement needs of every article in the
store: an :class:`~.features.Aggregate` per event and per story, the document
frequencies, the candidate index, and each article's candidates (inside the date
window, and at any distance in time). A batch of new articles is placed in two steps,
each one best-first agglomeration (:mod:`.agglomerate`):

1. **events**: the stored events that one of the batch's articles could join before they
   are whole again (it is closer to one of their members than the weakest merge that
   formed them) are taken apart (up to :data:`DISSOLVE_EVENT` articles; larger ones, and
   the other events next to the batch, take part whole) as far as the batch reaches: into
   the pieces their merges more likely than that form (each event keeps its merges, its
   *tree*). The pieces are weighed with the document frequencies of now, and clustered again with the batch along the candidate
   pairs, never all pairs; the ``join`` model decides an article against a cluster, the ``merge``
   model two clusters, while the probability reaches ``event_threshold``. Clusters
   whose stated dates lie further apart than the date window are never one event.
   A syndicated copy goes with its original, unscored;
2. **stories**: the stories of the events formed or changed, and the stored stories one
   of those events could continue (it reaches ``story_threshold`` against one of their
   events), are taken apart likewise (up to :data:`DISSOLVE_STORY` events; a larger
   story takes part whole) and their events clustered again with the stories their
   candidates belong to, at any distance in time. The ``story`` model decides while
   it reaches ``story_threshold``.

:func:`rebuild` is the same over the whole collection as one batch, so it does not
depend on the order the articles came in, and an ingested store reads like a rebuilt
one. An event formed again keeps the id most of its articles had; stored events and
stories keep their ids when articles join them.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from ..models import Article
from ..settings import Settings
from .agglomerate import agglomerate, root_of
from .features import Aggregate, Bag, Lexicon, Profile, Traits, day_of
from .index import CandidateIndex
from .model import Models
from .pairs import event_feature_rows, share_a_name, story_feature_rows, within
from .statements import StatementGroups

ENTITY_KEYS = 6  # rarest entities of an article used as index keys
TERM_KEYS = 6  # most distinctive words of an article used as index keys
STORY_PROBES = 8  # articles of an event whose candidates (at any distance in time) give its candidate stories
DISSOLVE_EVENT = 32  # events of up to this many articles are taken apart and clustered again when a batch meets them
DISSOLVE_STORY = 32  # stories of up to this many events likewise (larger ones are joined whole, and never split)
CHANGES_KEPT = 1 << 16  # events changed that the index remembers (see EventIndex._changed)


@dataclass
class Changes:
    """What placing a batch changed besides its own articles' events."""

    moved: dict[str, str] = field(default_factory=dict)  # stored article -> its new event
    retired: set[str] = field(default_factory=set)  # events no article holds any more
    events: set[str] = field(default_factory=set)  # events formed, changed, or linked to another story
    formed: set[str] = field(default_factory=set)  # events the batch formed or formed again: their tree is new
    traits: dict[str, tuple[int | None, bytes]] = field(default_factory=dict)  # asked with ``keep``: see place_batch


def event_id_for(article_id: str) -> str:
    """The stable id of the event an article founds: "e-" and a short hash of its id."""
    return "e-" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:12]


def story_id_for(event_id: str) -> str:
    """The stable id of the story an event founds: "s-" and a short hash of the event id."""
    return "s-" + hashlib.sha1(event_id.encode("utf-8")).hexdigest()[:12]


def canonical_order(articles: Iterable[Article]) -> list[Article]:
    """Dated articles by date then id, then undated ones by id: the order rebuilds use."""
    return sorted(articles, key=lambda a: canonical_key(day_of(a), a.id))


def canonical_key(day: int | None, ident: str) -> tuple:
    """The sort key of the canonical order: dated first, by day, then by id."""
    return (day is None, day or 0, ident)


class EventIndex:
    """What placement needs of every stored article, and the placement itself."""

    def __init__(self, settings=None, models: Models | None = None):
        settings = settings or Settings()
        self.models = models or Models.load(settings.model)
        self.join_threshold = float(settings.event_threshold) or self.models.thresholds["event"]
        self.story_threshold = float(settings.story_threshold) or self.models.thresholds["story"]
        self.lexicon = Lexicon()
        self.statement_groups = StatementGroups()
        self.window = int(settings.event_window_days)
        self.candidates = CandidateIndex(k=int(settings.event_candidates), window_days=self.window)
        self.profiles: dict[str, Profile] = {}
        self.singles: dict[str, Aggregate] = {}  # article id -> its cluster of one
        self.near: dict[str, list[str]] = {}  # article id -> candidate articles inside the date window
        self.far: dict[str, list[str]] = {}  # article id -> candidate articles at any distance in time
        self.events: dict[str, Aggregate] = {}
        self.event_of: dict[str, str] = {}  # article id -> event id
        self._fits: dict[str, tuple[Aggregate, float]] = {}  # article id -> its event as it was, and fit() then
        self.trees: dict[str, list[tuple[float, str, str]]] = {}  # event id -> the merges that formed it, in the
        # order made, each as (probability, an article of one side, one of the other); none for one article.
        # Unknown for an event stored by an earlier version: taken apart when a batch meets it (:meth:`weakest`),
        # its tree made again from its members (:meth:`_tree`)
        self.stories: dict[str, Aggregate] = {}
        self.summed: dict[str, _Summed] = {}  # story id -> the event aggregates its stored sums hold
        self.change_log: list[str] = []  # events whose aggregate or story changed, in order (:meth:`_changed`)
        self.changes_dropped = 0  # how many of them were let go from the front of the list
        self.story_events: dict[str, set[str]] = {}
        self.story_of_event: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.event_of)

    @classmethod
    def from_articles(cls, articles: Iterable[Article], settings=None, models: Models | None = None,
                      trees: Mapping[str, list] | None = None) -> EventIndex:  # fmt: skip
        """An index over stored articles that already have an ``event_id`` (others are placed, as one batch),
        with the tree of each stored event that knows it (:attr:`trees`)."""
        articles = canonical_order(articles)
        placed = ((Traits.of(a), a.event_id, a.story_id) for a in articles if a.event_id)
        index = cls.from_stored(placed, settings, models, trees)
        index.place_batch([a for a in articles if not a.event_id])
        return index

    @classmethod
    def from_stored(cls, placed: Iterable[tuple[Traits, str, str | None]], settings=None, models: Models | None = None,
                    trees: Mapping[str, list] | None = None) -> EventIndex:  # fmt: skip
        """An index over stored articles, each given by what placement read of it, its event and its story
        (None: the story its event founds), in the canonical order (:func:`canonical_key`: the order a rebuild
        reads them), with the tree of each stored event that knows it (:attr:`trees`). Each
        article's traits are let go once its profile is made: ``placed`` may be a generator reading them."""
        index = cls(settings, models)
        assigned: list[tuple[str, str, str | None]] = []

        def traits():
            for read, event_id, story_id in placed:
                assigned.append((read.id, event_id, story_id))
                yield read

        index.register(traits())
        index.assign((a, e, s or story_id_for(e)) for a, e, s in assigned)
        for story_id, story in index.stories.items():  # summed as assigned: never summed again when first met
            index._store_story(story_id, story)
        for event_id, tree in (trees or {}).items():  # a tree that is not one of the event as stored is not known
            members = set(index.events[event_id].members) if event_id in index.events else ()
            if members and len(tree) == len(members) - 1 and all(a in members and b in members for _, a, b in tree):
                index.trees[event_id] = [(float(p), a, b) for p, a, b in tree]
        return index

    def weakest(self, event_id: str) -> float:
        """The lowest probability of the merges that formed an event (inf: one article; 0: not known)."""
        tree = self.trees.get(event_id)
        return 0.0 if tree is None else min((p for p, _, _ in tree), default=math.inf)

    def story_of(self, event_id: str | None) -> str | None:
        return self.story_of_event.get(event_id or "")

    def assignments(self) -> dict[str, str]:
        return dict(self.event_of)

    def place(self, article: Article) -> str:
        """Place one article (a batch of one); sets and returns its ``event_id``."""
        self.place_batch([article])
        return article.event_id

    def event_probability(self, a: Aggregate, b: Aggregate) -> float:
        """P(one event): the ``join`` model when one side is a single article, else ``merge``; 0 when their
        stated dates are further apart than the date window (:func:`.pairs.within`)."""
        return float(self.event_probabilities(a, [b])[0])

    def event_probabilities(self, a: Aggregate, others: list[Aggregate]) -> np.ndarray:
        """:meth:`event_probability` of ``a`` against each of ``others``, each model asked once."""
        out = np.zeros(len(others))
        near = within(a, others, self.window)
        if not near:
            return out
        near_others = [others[i] for i in near]
        x = event_feature_rows(a, near_others)
        single = np.array([a.size == 1 or b.size == 1 for b in near_others])
        near = np.array(near)
        for model, rows in ((self.models.join, single), (self.models.merge, ~single)):
            if rows.any():
                out[near[rows]] = model.probability(x[rows])
        return out

    def story_probabilities(self, a: Aggregate, others: list[Aggregate]) -> np.ndarray:
        """P(one story) of ``a`` with each of ``others``: the ``story`` model's, and 0 where the two name no one and
        nowhere in common (:func:`.pairs.share_a_name`)."""
        x = story_feature_rows(a, others, self.lexicon)
        return np.where(share_a_name(x), self.models.story.probability(x), 0.0)

    # --- placing a batch ---------------------------------------------------------------
    def place_batch(self, articles: list[Article], keep: bool = False) -> Changes:
        """Put a batch in events and stories (see the module's docstring); sets each article's
        ``event_id`` and ``story_id``, and returns what changed; with ``keep``, also what was read of each new
        article, encoded for the store (:meth:`.Traits.encode`), each article's traits let go once encoded."""
        changes = Changes()

        def read():
            for a in canonical_order(articles):
                if a.id not in self.event_of:
                    traits = Traits.of(a)
                    if keep:
                        changes.traits[a.id] = traits.encode()
                    yield traits

        self._place(read(), changes)
        for a in articles:
            a.event_id = self.event_of[a.id]
            a.story_id = self.story_of(a.event_id)
        return changes

    def place_read(self, read: Iterable[Traits]) -> None:
        """:meth:`place_batch` for articles new to the index, given by what placement read of them (in the canonical
        order, as :meth:`from_stored` takes them), as a rebuild from the store places every article: none is read."""
        self._place(read, Changes())

    def _place(self, read: Iterable[Traits], changes: Changes) -> None:
        profiles = self.register(read)
        if profiles:
            before = {}
            loose = [p.id for p in profiles]
            pieces: dict[str, tuple[Aggregate, list]] = {}  # first member -> a piece of an event taken apart, and its tree
            apart, whole = self._reachable(profiles)
            self._weigh([m for e in [*whole, *sorted(apart)] for m in self.events[e].members])
            self._changed(*whole, *apart)
            for event_id in whole:  # summed again from its members as weighed now
                self.events[event_id] = self._summed(event_id, self.events[event_id].members)
            for event_id, reach in sorted(apart.items()):  # re-clustered with the batch, as a rebuild would
                members = self.events.pop(event_id).members
                for member in members:
                    before[member] = event_id
                    del self.event_of[member]
                tree = self.trees.pop(event_id, None)
                if tree is None:
                    tree = self._tree(members)
                for piece, kept in self._pieces(members, tree, reach):
                    if len(piece) == 1:
                        loose.append(piece[0])
                    else:
                        pieces[min(piece, key=lambda m: self.unit_key("a:" + m))] = (self._summed(piece[0], piece), kept)
            units, pairs, forced = self.event_graph(loose, whole, {first: agg for first, (agg, _) in pieces.items()})
            first_of = {u: agg.members[0] for u, agg in units.items()}  # before the agglomeration folds them
            merges: list[tuple[float, str, str]] = []
            root = agglomerate(units, pairs, self.event_probabilities, self.join_threshold, self.unit_key, forced, merges=merges)
            trees = self._trees(root, merges, first_of, {"a:" + first: kept for first, (_, kept) in pieces.items()})
            touched, grown, old_story, changes.formed = self._apply_events(units, root, before, set(whole), trees)
            changes.moved = {a: self.event_of[a] for a, e in before.items() if self.event_of[a] != e}
            changes.retired = {e for e in set(before.values()) | set(old_story) if e not in self.events}
            relinked = self._place_stories(touched, grown, old_story)
            changes.events = (touched | relinked | set(changes.moved.values())
                              | {e for e in before.values() if e in self.events})

    def _reachable(self, profiles: list[Profile]) -> tuple[dict[str, float], list[str]]:
        """The stored events next to the batch that one of its articles could join (up to :data:`DISSOLVE_EVENT`
        articles, with a member against which one of the batch, alone, reaches the event threshold): those to take
        apart, each with the highest probability one of the batch reaches against one of its members (its
        *reach*), and those to weigh afresh and leave whole.

        An event is taken apart when one of the batch is at least as likely to belong with one of its members
        as the weakest of the merges that formed it: the agglomeration could then join them before the event
        is whole again. It is taken apart only as far as the batch reaches (:meth:`_pieces`). Otherwise it
        would form the event again, merge by merge, before any of the batch could touch it, so it takes part
        whole, its members weighed with the document frequencies of now as they would have been taken apart
        (left as weighed when formed, ECB+ -> GVA lost 0.003), and met by their candidates (:meth:`event_graph`),
        as it would be once formed again. The other events next to the batch take part whole as they are: none
        of their members is like any of the batch. (Taking every neighbour apart gave the same clusters on both
        dev corpora, at twice the cost.)"""
        apart: dict[str, float] = {}
        whole: set[str] = set()
        for p in profiles:
            near = [o for o in self.near[p.id] if (e := self.event_of.get(o)) is not None
                    and self.events[e].size <= DISSOLVE_EVENT]  # fmt: skip
            if near:
                probability = self.event_probabilities(self.singles[p.id], [self.singles[o] for o in near])
                for o, q in zip(near, probability, strict=True):
                    if q >= self.join_threshold:
                        e = self.event_of[o]
                        if q >= self.weakest(e):
                            apart[e] = max(apart.get(e, 0.0), float(q))
                        else:
                            whole.add(e)
        return apart, sorted(whole - set(apart))

    def _tree(self, members: list[str]) -> list[tuple[float, str, str]]:
        """The merges that form an event again from its members alone, weighed with the document frequencies of
        now (:attr:`trees`), for a stored event whose own are not known."""
        units = {"a:" + m: self.singles[m] for m in members}
        inside = set(members)
        pairs = {("a:" + m, "a:" + o) for m in members for o in self.near[m] if o in inside}
        forced = [("a:" + m, "a:" + original) for m in members if (original := self.profiles[m].duplicate_of) in inside]
        merges: list[tuple[float, str, str]] = []
        agglomerate(units, pairs, self.event_probabilities, self.join_threshold, self.unit_key, forced, merges=merges)
        return [(p, a[2:], b[2:]) for p, a, b in merges]

    @staticmethod
    def _pieces(members: list[str], tree: list[tuple[float, str, str]], reach: float) -> list[tuple[list[str], list]]:
        """An event taken apart only as far as the batch reaches: the pieces its ``tree`` (:attr:`trees`) forms by
        the merges more likely than ``reach``, the most one of the batch reaches against one of its members. The
        agglomeration with the batch would make those merges before any pair with the batch, as it makes any
        other; only the pieces they leave meet the batch. A merge less likely than the reach is not made, and
        neither is any later one of the clusters it would have joined (they meet the batch before they are
        whole). In one agglomeration's order that is every merge after the first below the reach; a tree joined
        from several (an event taken whole that grew) keeps the later run's merges of other clusters. Each piece
        (its members, in the event's order) comes with the merges that formed it."""
        parent = {m: m for m in members}
        weak: set[str] = set()  # clusters a merge below the reach would have joined: not whole before the batch
        kept: list[tuple[float, str, str]] = []
        for p, a, b in tree:
            if a not in parent or b not in parent:
                continue
            ra, rb = root_of(parent, a), root_of(parent, b)
            if p >= reach and ra not in weak and rb not in weak:
                parent[rb] = ra
                kept.append((p, a, b))
            else:
                weak.update((ra, rb))
        pieces: dict[str, tuple[list[str], list]] = {}
        for m in members:
            pieces.setdefault(root_of(parent, m), ([], []))[0].append(m)
        for p, a, b in kept:
            pieces[root_of(parent, a)][1].append((p, a, b))
        return list(pieces.values())

    def _summed(self, ident: str, members: list[str]) -> Aggregate:
        """A cluster ``ident`` of ``members``, summed from their clusters of one as weighed now."""
        cluster = Aggregate(ident)
        cluster.add(*(self.singles[m] for m in members))
        return cluster

    def _trees(self, root: dict[str, str], merges: list[tuple[float, str, str]], first_of: dict[str, str],
               kept: dict[str, list]) -> dict[str, list | None]:  # fmt: skip
        """The tree (:attr:`trees`) of each cluster the agglomeration formed, by its root: the trees of what it
        holds that was formed before (stored events taken whole, the pieces ``kept`` of events taken apart), then
        the ``merges`` it made, in order, each side given by its first member (``first_of``); None where a stored
        event's tree is not known."""
        trees: dict[str, list | None] = {}
        for unit in sorted(root, key=self.unit_key):
            tree = trees.setdefault(root[unit], [])
            earlier = self.trees.get(unit[2:]) if unit.startswith("e:") else kept.get(unit, [])
            if earlier is None:
                trees[root[unit]] = None  # made again when the event is next taken apart
            elif tree is not None:
                tree.extend(earlier)
        for p, a, b in merges:
            if (tree := trees[root[a]]) is not None:
                tree.append((p, first_of[a], first_of[b]))
        return trees

    def _weigh(self, article_ids: list[str]) -> None:
        """The articles' clusters of one again, weighed with the document frequencies of now, all in one pass."""
        self.singles.update(zip(article_ids, Aggregate.singles([self.profiles[a] for a in article_ids], self.lexicon),
                                strict=True))

    def event_graph(self, loose: list[str], whole: Iterable[str] = (), pieces: Mapping[str, Aggregate] | None = None
                    ) -> tuple[dict[str, Aggregate], set, list]:  # fmt: skip
        """Units for the event agglomeration: the ``loose`` articles ("a:<id>"), the ``pieces`` of events taken
        apart (:meth:`_pieces`; "a:" and the id of the first member), and the stored events ("e:<id>") next to
        them; the candidate pairs between them, and the forced pairs (a copy and its original). The pieces, and
        the stored events of ``whole`` (left whole for the batch), take part with their members' candidates, as
        they would once formed again had they been taken apart."""
        inside = set(loose)
        units: dict[str, Aggregate] = {"a:" + i: self.singles[i] for i in loose}
        pieces = pieces or {}
        part_of = {m: first for first, piece in pieces.items() for m in piece.members}
        units.update(("a:" + first, piece) for first, piece in pieces.items())

        known: dict[str, str | None] = {}  # article id -> its unit: neighbourhoods overlap

        def unit_of(article_id: str) -> str | None:
            if article_id in known:
                return known[article_id]
            if article_id in inside:
                unit = "a:" + article_id
            elif article_id in part_of:
                unit = "a:" + part_of[article_id]
            elif (event_id := self.event_of.get(article_id)) is None:
                unit = None
            else:
                unit = "e:" + event_id
                if unit not in units:
                    units[unit] = self.events[event_id]
            known[article_id] = unit
            return unit

        pairs, forced = set(), []
        placed = [*loose, *(m for piece in pieces.values() for m in piece.members)]
        for member in placed + [m for e in whole for m in self.events[e].members]:
            me = unit_of(member)
            pairs.update((me, other) for j in self.near[member] if (other := unit_of(j)) not in (None, me))
        for member in placed:  # a copy goes with its original (one inside a stored event taken whole is there)
            me, original = unit_of(member), self.profiles[member].duplicate_of
            if original and (other := unit_of(original)) not in (None, me):
                forced.append((me, other))
        return units, pairs, forced

    def _apply_events(self, units: dict[str, Aggregate], root: dict[str, str], before: dict[str, str],
                      whole: set[str], trees: dict[str, list | None]):
        """Record the events the agglomeration formed (and the tree of each: ``trees``, by root, from :meth:`_trees`). A new
        cluster takes the id of the stored event most of its articles were in (each id once), else a new one.
        Returns the events touched, those of them that only grew (a stored event taken apart and formed again
        with more articles, or one of ``whole``, left whole for the same reason, that took in articles), for
        each stored event taken apart or merged away, its story, and the events formed (given a new tree)."""
        groups = _groups(root)
        old_story = {e: self.story_of_event.pop(e) for e in sorted(set(before.values()))}
        previous: dict[str, set[str]] = {}
        for article_id, event_id in before.items():
            previous.setdefault(event_id, set()).add(article_id)
        touched: set[str] = set()
        grown: set[str] = set()
        formed: set[str] = set()
        gone_ids: set[str] = set()
        for r in sorted(groups, key=self.unit_key):
            members = groups[r]
            only_grew = False
            if r.startswith("e:"):
                event_id = r[2:]
                only_grew = event_id in whole
                for other in members:
                    if other.startswith("e:") and other != r:  # a stored event that is one with this one
                        only_grew = False
                        gone = other[2:]
                        gone_ids.add(gone)  # its id is not given to a new cluster in this batch
                        self._changed(gone)
                        for article_id in self.events.pop(gone).members:
                            before[article_id] = gone
                        old_story[gone] = self.story_of_event.pop(gone)
                        self.trees.pop(gone, None)
                if len(members) == 1:
                    continue  # a neighbour left as it was
            else:
                event_id = _reused(Counter(before[a] for a in units[r].members if a in before), _Taken(self.events, gone_ids),
                                   event_id_for(r[2:]))
            self.events[event_id] = units[r]
            self._changed(event_id)
            if trees.get(r) is None:
                self.trees.pop(event_id, None)
            else:
                self.trees[event_id] = trees[r]
            formed.add(event_id)
            for article_id in units[r].members:
                self.event_of[article_id] = event_id
            members = set(units[r].members)
            if only_grew:
                grown.add(event_id)
            elif event_id in previous and event_id in old_story and previous[event_id] <= members and not r.startswith("e:"):
                self.story_of_event[event_id] = old_story.pop(event_id)  # taken apart and formed again, or grown:
                if members == previous[event_id]:  # its story stays, and it is not touched when unchanged
                    continue
                grown.add(event_id)
            touched.add(event_id)
        for story_id in set(old_story.values()):
            self.story_events[story_id] -= set(old_story)  # each noted when taken apart or merged away
        return touched, grown, old_story, formed

    def _place_stories(self, touched: set[str], grown: set[str], old_story: dict[str, str]) -> set[str]:
        """Link the touched events into stories: the stories the touched events (and the events taken
        apart) were in, and the stored stories the events formed or changed could continue
        (:meth:`_reachable_stories`), are taken apart into their events and agglomerated again with the
        stories next to them; a story too large to take apart takes part whole with the events of it that
        only grew. Returns the events whose story changed."""
        units, pairs, loose, previous = self._story_graph(touched, grown, old_story)
        root = agglomerate(units, pairs, self.story_probabilities, self.story_threshold, self.story_key)
        relinked = self._apply_stories(_groups(root), units, previous)
        return {e for e in loose if self.story_of(e) != previous.get(e)} | relinked

    def _story_graph(self, touched: set[str], grown: set[str], old_story: dict[str, str]
                     ) -> tuple[dict[str, Aggregate], set[tuple[str, str]], set[str], dict[str, str]]:  # fmt: skip
        """The stories of :meth:`_place_stories` taken apart: the units to agglomerate (``n:`` an event
        loose, ``s:`` a story whole), the candidate pairs between them, the loose events, and the story
        each loose event was in before."""
        doubtful = {e for e in grown if not self._still_fits(e)}
        loose_stories = {self.story_of(e) for e in (touched - grown) | doubtful} | set(old_story.values())
        loose_stories = {s for s in loose_stories if s is not None and len(self.story_events.get(s, ())) <= DISSOLVE_STORY}
        reached = self._reachable_stories((touched - grown) | doubtful, loose_stories)
        loose = touched - grown
        previous: dict[str, str] = {}
        pairs = set()
        for story_id in sorted(loose_stories | reached):
            events = sorted(self.story_events.pop(story_id, set()))
            for event_id in events:
                loose.add(event_id)
                previous[event_id] = story_id
            self._drop_story(story_id)
            if story_id in reached:  # its events are compared with each other, and met by the probes of the rest
                pairs.update(("n:" + a, "n:" + b) for i, a in enumerate(events) for b in events[i + 1:])
        for event_id in loose:
            story_id = self.story_of_event.pop(event_id, None)
            previous.setdefault(event_id, story_id or old_story.get(event_id))
            if story_id in self.story_events:  # a story too big to take apart
                self.story_events[story_id].discard(event_id)
                self._changed(event_id)
        loose |= {e for e in grown if self.story_of(e) is None}  # its story was taken apart
        units: dict[str, Aggregate] = {"n:" + e: self.events[e] for e in loose}
        probes = [(e, "n:" + e) for e in sorted(loose) if previous.get(e) not in reached]
        for event_id in sorted(grown - loose):
            story_id = self.story_of(event_id)
            units["s:" + story_id] = self._story_with(story_id)
            probes.append((event_id, "s:" + story_id))
        for event_id, me in probes:
            for other in self._far_events(event_id):
                if other in loose:
                    pairs.add((me, "n:" + other))
                else:
                    story_id = self.story_of(other)
                    if "s:" + story_id not in units:
                        units["s:" + story_id] = self._story_with(story_id)
                    pairs.add((me, "s:" + story_id))
        return units, pairs, loose, previous

    def _apply_stories(self, groups: dict[str, list[str]], units: dict[str, Aggregate], previous: dict[str, str]) -> set[str]:
        """Store the stories the agglomeration formed (``groups``: root unit -> its units): a story taken
        whole keeps its id and takes in the others' events, a new one takes the id most of its events had.
        Returns the events of stories joined to another whole."""
        relinked: set[str] = set()
        for r in sorted(groups, key=self.story_key):
            members = groups[r]
            if r.startswith("s:"):
                story_id = r[2:]
                for other in members:
                    if other.startswith("s:") and other != r:
                        for event_id in self.story_events.pop(other[2:]):
                            self._link(event_id, story_id)
                            relinked.add(event_id)
                        self._drop_story(other[2:])
                if len(members) == 1:
                    continue
            else:
                story_id = _reused(Counter(previous[u[2:]] for u in members if previous.get(u[2:])), self.stories,
                                   story_id_for(r[2:]))
            for u in members:
                if u.startswith("n:"):
                    self._link(u[2:], story_id)
            self._store_story(story_id, units[r])
        return relinked

    def _reachable_stories(self, events: set[str], taken: set[str]) -> set[str]:
        """The stored stories next to ``events`` (those formed or changed; not those that only grew and still
        fit their story) that one of them could continue: stories of up to :data:`DISSOLVE_STORY` events, not
        in ``taken`` (already taken apart), with an event against which one of ``events``, alone, reaches the
        story threshold. They are taken apart and clustered again with them, as a rebuild would: joined
        whole, a story that a new event continues could be chained to another through it. Their events are
        compared with each other and met by the probes of the rest, but do not probe (that would widen
        every ingest to the stories around theirs): the stories they could continue take part whole."""
        found: set[str] = set()
        if not self.story_events:  # a rebuild, or an empty store: no stored story
            return found
        for event_id in sorted(events):
            near = [o for o in self._far_events(event_id) if o not in events
                    and (story_id := self.story_of(o)) is not None and story_id not in found and story_id not in taken
                    and len(self.story_events.get(story_id, ())) <= DISSOLVE_STORY]  # fmt: skip
            if near:
                probability = self.story_probabilities(self.events[event_id], [self.events[o] for o in near])
                found.update(self.story_of(o) for o, q in zip(near, probability, strict=True) if q >= self.story_threshold)
        return found

    def _far_events(self, event_id: str) -> list[str]:
        """The other events holding a candidate at any distance in time of one of the first
        :data:`STORY_PROBES` articles of ``event_id``, in order."""
        found = {self.event_of.get(j) for a in self.events[event_id].members[:STORY_PROBES] for j in self.far[a]}
        return sorted(found - {None, event_id})

    def _still_fits(self, event_id: str) -> bool:
        """Whether an event that grew still continues the rest of its story, by the ``story`` model."""
        story_id = self.story_of(event_id)
        if len(self.story_events.get(story_id, ())) < 2:
            return True
        event = self.events[event_id]
        rest = _without(self._story_with(story_id), event)
        return bool(self.story_probabilities(event, [rest])[0] >= self.story_threshold)

    def _link(self, event_id: str, story_id: str) -> None:
        self.story_of_event[event_id] = story_id
        self.story_events.setdefault(story_id, set()).add(event_id)  # the story is stored afresh after (or not yet)

    def _story_with(self, story_id: str) -> Aggregate:
        """A stored story's aggregate, brought up to date with its events: the events that changed since it
        was summed are taken out as they were and added as they are, in one pass over its sums (rather than
        one per event). It is summed afresh when its sums are unknown, or once its updates (an event taken
        out or added counts one each) outnumber its events, so rounding stays bounded. Only the events changed
        since are looked at (:meth:`_changed`), not every event of the story, when they are fewer."""
        events = self.story_events[story_id]
        story, summed = self.stories.get(story_id), self.summed.get(story_id)
        if story is not None and summed is not None:
            since = summed.seen - self.changes_dropped  # where its changes begin in the log (< 0: let go)
            noted = len(self.change_log) - since
            maybe = set(self.change_log[since:]) if 0 <= since and noted < len(events) + len(summed.parts) \
                else summed.parts.keys() | events
            summed.seen = self.changes_dropped + len(self.change_log)
            out = sorted(e for e in maybe if (agg := summed.parts.get(e)) is not None
                         and (e not in events or self.events.get(e) is not agg))  # fmt: skip
            new = sorted(e for e in maybe if e in events and summed.parts.get(e) is not self.events[e])
            if not out and not new:
                return story
            summed.updates += len(out) + len(new)
            if summed.updates <= len(events):
                grown = _without(story, *(summed.parts.pop(e) for e in out))  # a new aggregate, never the stored one
                grown.add(*(self.events[e] for e in new))
                summed.parts.update((e, self.events[e]) for e in new)
                self.stories[story_id] = grown
                return grown
        story = Aggregate(story_id)
        story.add(*(self.events[e] for e in sorted(events)))
        self._store_story(story_id, story)
        return story

    def _changed(self, *event_ids: str) -> None:
        """Note events whose aggregate is replaced or taken out: a stored story's sums (:meth:`_story_with`) can
        differ from its events' only in those noted since it was summed (an event leaves a stored story when taken
        apart, merged away, or taken out of a story too large to take apart, each noted; it joins one only as the
        story is stored afresh).
        The oldest notes are let go once :data:`CHANGES_KEPT` are kept (a story summed before them is then checked
        event by event)."""
        self.change_log.extend(event_ids)
        if len(self.change_log) > CHANGES_KEPT:
            half = len(self.change_log) // 2
            del self.change_log[:half]
            self.changes_dropped += half

    def _store_story(self, story_id: str, story: Aggregate) -> None:
        """Keep ``story`` as the sums of the story's events as they are now."""
        self.stories[story_id] = story
        self.summed[story_id] = _Summed({e: self.events[e] for e in sorted(self.story_events[story_id])},
                                        seen=self.changes_dropped + len(self.change_log))

    def _drop_story(self, story_id: str) -> None:
        self.stories.pop(story_id, None)
        self.summed.pop(story_id, None)

    # --- internals -------------------------------------------------------------------
    def fit(self, article_id: str) -> float:
        """The ``join`` model's probability that an article belongs to the rest of its event (1 for a lone
        article): how sure placement is of it. Worked out when asked (only an undated article asks, to take
        its event's date), and kept while its event stays as it is (placement replaces an event's aggregate
        when it changes, never changes it)."""
        event = self.events[self.event_of[article_id]]
        kept = self._fits.get(article_id)
        if kept is not None and kept[0] is event:
            return kept[1]
        single = self.singles[article_id]
        p = 1.0 if event.size == 1 else float(self.models.join.probability(event_feature_rows(single, [_without(event, single)]))[0])
        self._fits[article_id] = (event, p)
        return p

    def unit_key(self, unit: str) -> tuple:
        """Stored events left whole sort first (they keep their ids), then articles canonically."""
        if unit.startswith("e:"):
            return (0, unit)
        p = self.profiles[unit[2:]]
        return (1, canonical_key(p.day, p.id))

    def story_key(self, unit: str) -> tuple:
        if unit.startswith("s:"):
            return (0, unit)
        first = min(self.events[unit[2:]].members, key=lambda a: canonical_key(self.profiles[a].day, a))
        return (1, canonical_key(self.profiles[first].day, first))

    def register(self, articles: Iterable[Traits]) -> list[Profile]:
        """Profiles of new articles: counted in the document frequencies (all of them first), indexed,
        given their cluster of one, and their candidates found (in both directions)."""
        profiles = []
        for traits in articles:
            profile = Profile.from_traits(traits, self.lexicon)
            self.lexicon.observe(*profile.counted, vector=profile.vector)
            profile.statement_ids = self.statement_groups.assign(profile.statements)
            profiles.append(profile)
        keys = {}
        for profile in profiles:
            keys[profile.id] = self._keys(profile)
            self.candidates.add(profile, keys[profile.id])
            self.profiles[profile.id] = profile
            self.near[profile.id], self.far[profile.id] = [], []
        self._weigh([p.id for p in profiles])
        for profile in profiles:
            for adjacency, found in ((self.near, self.candidates.query(profile, keys[profile.id])),
                                     (self.far, self.candidates.query(_undated(profile), keys[profile.id][:ENTITY_KEYS], anytime=True))):
                mine = adjacency[profile.id]
                for slot in sorted(found):
                    other = self.candidates.ids[slot]
                    if other != profile.id:
                        mine.append(other)
                        adjacency[other].append(profile.id)
        for profile in profiles:
            for adjacency in (self.near, self.far):
                adjacency[profile.id] = sorted(set(adjacency[profile.id]))
        return profiles

    def assign(self, assigned: Iterable[tuple[str, str, str]]) -> None:
        """Record known assignments (article, event, story), without scoring: on an index that has placed no batch
        yet. Each event and story folds the articles it is given, in the order given, in one pass (one at a
        time, a story of 600 articles sorted its growing sums 600 times), into the aggregates placement
        otherwise only replaces."""
        events: dict[str, list[Aggregate]] = {}
        stories: dict[str, list[Aggregate]] = {}
        for article_id, event_id, story_id in assigned:
            if event_id not in self.story_of_event:
                self._link(event_id, story_id)
            single = self.singles[article_id]
            events.setdefault(event_id, []).append(single)
            stories.setdefault(self.story_of_event[event_id], []).append(single)
            self.event_of[article_id] = event_id
        for into, folded in ((self.events, events), (self.stories, stories)):
            for ident, singles in folded.items():
                cluster = into[ident] if ident in into else singles.pop(0).copy()
                cluster.add(*singles)
                into[ident] = cluster

    def _keys(self, p: Profile) -> list[str]:
        """The rarest entities and most distinctive words of ``p``: its inverted-index keys (entities first,
        :data:`ENTITY_KEYS` of them, padded with ``""``, which nothing is indexed under)."""
        keys = []
        entities = p.actors + p.places
        for bag, n in ((entities, ENTITY_KEYS), (p.terms, TERM_KEYS)):
            found = []
            if len(bag):
                weight = bag.vals * self.lexicon.idf(bag.ids)
                top = np.lexsort((bag.ids, -weight))[:n]
                found = [self.lexicon.key_of(int(bag.ids[i])) for i in top]
            keys += found + [""] * (n - len(found)) if bag is entities else found
        return keys

    @staticmethod
    def _new_id(ident: str, taken) -> str:
        while ident in taken:  # an id reused by a different article
            ident = event_id_for(ident) if ident.startswith("e-") else story_id_for(ident)
        return ident


def _groups(root: dict[str, str]) -> dict[str, list[str]]:
    """``{surviving unit: its members}`` from an agglomeration's ``{unit: surviving unit}``."""
    groups: dict[str, list[str]] = {}
    for unit, r in root.items():
        groups.setdefault(r, []).append(unit)
    return groups


class _Taken:
    """Ids in use: those of a mapping, and those retired in this batch."""

    def __init__(self, live: dict, retired: set[str]):
        self.live, self.retired = live, retired

    def __contains__(self, ident: str) -> bool:
        return ident in self.live or ident in self.retired


def _reused(votes: Counter, taken, fresh: str) -> str:
    """The id most members of a new cluster had (ties: the smaller id) if no cluster holds it now, else
    ``fresh`` (made unique)."""
    free = [i for i, _ in sorted(votes.items(), key=lambda iv: (-iv[1], iv[0])) if i not in taken]
    return free[0] if free else EventIndex._new_id(fresh, taken)


@dataclass
class _Summed:
    """What a stored story's sums hold: each of its events' aggregate as it was added (placement replaces
    an event's aggregate when the event changes, never changes it: only :meth:`EventIndex.assign`, before
    any batch is placed, folds into one), and how many were taken out or added since it was summed afresh."""

    parts: dict[str, Aggregate]
    updates: int = 0
    seen: int = -1  # changes noted (EventIndex.change_log, counted from the first) when last brought up to date


def _undated(p: Profile) -> Profile:
    """``p`` without its date: to find candidates at any distance in time."""
    return Profile(p.id, p.terms, p.actors, p.places, p.facts, None, p.vector, words=p.words)


def _without(agg: Aggregate, *parts: Aggregate) -> Aggregate:
    """A new aggregate: ``agg`` without the members of ``parts`` (its sums less theirs, in one pass)."""
    out = Aggregate(agg.id)
    gone = {m for part in parts for m in part.members}
    out.members = [m for m in agg.members if m not in gone]
    if len(parts) == 1 and (less := agg.bags.without(parts[0].bags)) is not None:
        out.bags = less
    else:
        out.bags = Bag.total([agg.bags, *(Bag(part.bags.ids, -part.bags.vals) for part in parts)])
    for name in ("named", "named_full"):
        setattr(out, name, _less(getattr(agg, name), _counted(parts, name)))
    for name in ("days", "refs", "follows"):  # lists whose order nothing reads
        setattr(out, name, list(_less(Counter(getattr(agg, name)), _counted(parts, name)).elements()))
    out.numbered = agg.numbered - sum(part.numbered for part in parts)
    out.strong = agg.strong  # the span may only shrink; kept as an upper bound
    out.vsum = agg.vsum
    for part in parts:  # a part without an embedding added nothing to the sum
        if part.vsum is not None and out.vsum is not None:
            out.vsum = out.vsum - part.vsum
    return out


def _less(counts: Counter, gone: Counter) -> Counter:
    """``counts - gone`` (for counters of positive counts, as clusters keep), touching only ``gone``'s keys (a
    story's counts are large, what is taken out of it small): a copy of ``counts`` less ``gone``, without the keys
    whose count falls to 0 or below."""
    out = counts.copy()
    for key, n in gone.items():
        left = out[key] - n
        if left > 0:
            out[key] = left
        else:
            out.pop(key, None)
    return out


def _counted(parts: tuple[Aggregate, ...], name: str) -> Counter:
    """How many times each key or day of the attribute ``name`` (a counter or a list) the ``parts`` hold together."""
    out: Counter = Counter()
    for part in parts:
        out.update(getattr(part, name))
    return out


def rebuild(articles: Iterable[Article], settings=None, models: Models | None = None) -> tuple[EventIndex, dict[str, str]]:
    """Re-cluster every article from scratch, as one batch; the same answer whatever order they come in.
    Sets ``event_id`` and ``story_id`` on each article; returns the index and ``{article_id: event_id}``."""
    index = EventIndex(settings, models)
    articles = list(articles)
    for a in articles:
        a.event_id = a.story_id = None
    index.place_batch(articles)
    return index, index.assignments()
