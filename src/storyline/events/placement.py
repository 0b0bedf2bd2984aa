"""Placing articles in events and events in stories, with the fitted models of :mod:`.model`.

:class:`EventIndex` holds, in memory, what placement needs of every article in the
store: an :class:`~.clusters.Aggregate` per event and per story, the document
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
2. **stories**: the events formed or changed are linked into stories, the stories next to
   them taken apart likewise, by the ``story`` model (:mod:`.linking`, whose
   :class:`~.linking.StoryLinking` the index inherits).

:func:`rebuild` is the same over the whole collection as one batch, so it does not
depend on the order the articles came in, and an ingested store reads like a rebuilt
one. An event formed again keeps the id most of its articles had; stored events and
stories keep their ids when articles join them (:mod:`.ids`).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from ..models import Article
from ..settings import Settings
from .agglomerate import agglomerate, grouped, root_of
from .bags import Lexicon
from .clusters import Aggregate
from .features import Profile, Traits
from .ids import TakenIds, canonical_key, canonical_order, event_id_for, reused_id, story_id_for
from .index import CandidateIndex
from .layout import Layout
from .linking import StoryLinking
from .model import Models
from .pairs import event_feature_rows, within
from .statements import StatementGroups

ENTITY_KEYS = 6  # rarest entities of an article used as index keys
TERM_KEYS = 6  # most distinctive words of an article used as index keys
DISSOLVE_EVENT = 32  # events of up to this many articles are taken apart and clustered again when a batch meets them


@dataclass
class Changes:
    """What placing a batch changed besides its own articles' events."""

    moved: dict[str, str] = field(default_factory=dict)  # stored article -> its new event
    retired: set[str] = field(default_factory=set)  # events no article holds any more
    events: set[str] = field(default_factory=set)  # events formed, changed, or linked to another story
    formed: set[str] = field(default_factory=set)  # events the batch formed or formed again: their tree is new
    traits: dict[str, tuple[int | None, bytes]] = field(default_factory=dict)  # asked with ``keep``: see place_batch


class EventIndex(StoryLinking, Layout):
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
        self._init_stories()
        self._init_layout()

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
        (None: the story its event founds), in the canonical order (:func:`.ids.canonical_key`: the order a rebuild
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
        started = time.perf_counter()
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
            self.placed_for(time.perf_counter() - started)

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
        groups = grouped(root)
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
                votes = Counter(before[a] for a in units[r].members if a in before)
                event_id = reused_id(votes, TakenIds(self.events, gone_ids), event_id_for(r[2:]))
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
        p = 1.0 if event.size == 1 else float(self.models.join.probability(event_feature_rows(single, [event.without(single)]))[0])
        self._fits[article_id] = (event, p)
        return p

    def unit_key(self, unit: str) -> tuple:
        """Stored events left whole sort first (they keep their ids), then articles canonically."""
        if unit.startswith("e:"):
            return (0, unit)
        p = self.profiles[unit[2:]]
        return (1, canonical_key(p.day, p.id))

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


def _undated(p: Profile) -> Profile:
    """``p`` without its date: to find candidates at any distance in time."""
    return Profile(p.id, p.terms, p.actors, p.places, p.facts, None, p.vector, words=p.words)


def rebuild(articles: Iterable[Article], settings=None, models: Models | None = None) -> tuple[EventIndex, dict[str, str]]:
    """Re-cluster every article from scratch, as one batch; the same answer whatever order they come in.
    Sets ``event_id`` and ``story_id`` on each article; returns the index and ``{article_id: event_id}``."""
    index = EventIndex(settings, models)
    articles = list(articles)
    for a in articles:
        a.event_id = a.story_id = None
    index.place_batch(articles)
    return index, index.assignments()
