"""A cluster of articles (an event, or a story's events) as sums: :class:`Aggregate`.

Placement compares an article with a whole event, or an event with a whole story, in one step: each side is the
sum of its members' profiles (:class:`~.features.Profile`), their bags weighed by inverse document frequency and
made unit length, so that the product of two sums over both sizes is the average similarity of all pairs of
members. An article is a cluster of one (:meth:`Aggregate.singles`); clusters are folded together
(:meth:`Aggregate.add`) and taken apart (:meth:`Aggregate.without`) by arithmetic on the sums.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from .bags import FIELD_AT, FIELD_BOUNDS, Bag, Lexicon, joined
from .features import Profile

__all__ = ["Aggregate", "span"]


WEIGHED_AT_ONCE = 512  # articles :meth:`Aggregate.singles` weighs in one pass (bounds a rebuild's scratch arrays)


class Aggregate:
    """A cluster (an event, or a story's events) as sums of its members' unit-length bags and vectors.

    Because the members' bags are IDF-weighted and of unit length, the dot
    product of two aggregates' sums divided by both sizes is the average
    cosine over all pairs of their members: average-link similarity at the
    cost of one sparse dot product. IDF is taken when a member joins.

    The seven bags (:data:`~.bags.BAG_FIELDS`) are kept as one, each field's ids offset by
    :data:`~.bags.FIELD_SHIFT` bits, so a cluster is folded and compared with others in one
    sparse operation for all seven; :meth:`field` reads one of them. Three bags are not IDF-weighted unit vectors:
    statements are counted as the index groups them, and numbers and facts are counted too, 1 for each number or
    fact a member states, so that the product of two clusters' sums counts the numbers (facts) their pairs of
    members share (see ``numbers_differ`` and ``facts`` in :mod:`.pairs`).
    """

    __slots__ = ("id", "members", "bags", "days", "strong", "vsum", "refs", "follows", "named", "named_full",
                 "numbered", "cache")

    def __init__(self, ident: str):
        self.id = ident
        self.members: list[str] = []
        self.bags = Bag()  # the BAG_FIELDS, ids offset by field
        self.days: list[int] = []
        self.strong: tuple[int, int] | None = None  # first and last strongly dated day of the members
        self.refs: list[tuple[int, int]] = []  # periods the members' texts name
        self.follows: list[tuple[int, int]] = []  # earlier periods the members' leads name (followed_days)
        self.vsum: np.ndarray | None = None
        self.named: Counter = Counter()  # person id -> how many members name them
        self.named_full: Counter = Counter()  # the same by full canonical name (see Profile.full_people)
        self.numbered = 0  # how many members state numbers in headline and lead
        self.cache: dict = {}  # figures derived from the sums (see .pairs); cleared when a member is added

    @classmethod
    def singles(cls, profiles: list[Profile], lexicon: Lexicon) -> list[Aggregate]:
        """Each article's cluster of one, its bags weighted by the lexicon's IDF and made unit length (statements,
        numbers and facts counted instead), weighed :data:`WEIGHED_AT_ONCE` at a time (:func:`~.bags.joined`). A word only
        it has so far weighs too: later articles may share it."""
        out = []
        for start in range(0, len(profiles), WEIGHED_AT_ONCE):
            some = profiles[start:start + WEIGHED_AT_ONCE]
            rows = [[p.terms, p.words, p.actors, p.places, p.statement_ids, _once(p.numbers), _once(p.facts)]
                    for p in some]
            bags = joined(rows, weighed=4, lexicon=lexicon)  # numbers and facts counted, not weighed: see .pairs
            for p, joined_bags, vector in zip(some, bags, lexicon.centered([p.vector for p in some]), strict=True):
                agg = cls(p.id)
                agg.members.append(p.id)
                agg.numbered = int(len(p.numbers) > 0)
                agg.bags = joined_bags
                agg.refs = list(p.refs)
                agg.follows = list(p.follows)
                agg.named.update(p.people.ids.tolist())
                agg.named_full.update(p.full_people)
                if p.strong_day is not None:
                    agg.strong = (p.strong_day, p.strong_day)
                if p.day is not None:
                    agg.days.append(p.day)
                agg.vsum = vector  # folding (add) always makes new arrays
                out.append(agg)
        return out

    def __getstate__(self) -> dict:
        """What is pickled (as an index lays its clusters out afresh, :meth:`~.layout.Layout.lay_out`): all
        but the fields cached as views into the sums, which copied would become arrays of their own (they are sliced
        again when read)."""
        state = {name: getattr(self, name) for name in self.__slots__}
        state["cache"] = {k: v for k, v in self.cache.items() if not k.startswith("field:")}
        return state

    def __setstate__(self, state: dict | tuple) -> None:
        if isinstance(state, tuple):  # pickled before __getstate__ was: (None, {slot: value})
            state = state[1]
        for name, value in state.items():
            setattr(self, name, value)

    def copy(self) -> Aggregate:
        """A new cluster with the same members and sums (folding into it leaves this one as it is)."""
        out = Aggregate(self.id)
        out.add(self)
        return out

    def add(self, *others: Aggregate) -> None:
        """Fold other clusters (often a cluster of one) into this one."""
        self.cache = {}
        self.bags = Bag.total([self.bags, *(o.bags for o in others)])
        for other in others:
            self.members.extend(other.members)
            self.strong = span(self.strong, other.strong)
            self.refs.extend(other.refs)
            self.follows.extend(other.follows)
            self.named.update(other.named)
            self.named_full.update(other.named_full)
            self.numbered += other.numbered
            self.days.extend(other.days)
            if other.vsum is not None:
                self.vsum = other.vsum.copy() if self.vsum is None else self.vsum + other.vsum

    def without(self, *parts: Aggregate) -> Aggregate:
        """A new aggregate: this one without the members of ``parts`` (its sums less theirs, in one pass; each
        part's members all members of this one)."""
        out = Aggregate(self.id)
        gone = {m for part in parts for m in part.members}
        out.members = [m for m in self.members if m not in gone]
        if len(parts) == 1 and (less := self.bags.without(parts[0].bags)) is not None:
            out.bags = less
        else:
            out.bags = Bag.total([self.bags, *(Bag(part.bags.ids, -part.bags.vals) for part in parts)])
        for name in ("named", "named_full"):
            setattr(out, name, _less(getattr(self, name), _counted(parts, name)))
        for name in ("days", "refs", "follows"):  # lists whose order nothing reads
            setattr(out, name, list(_less(Counter(getattr(self, name)), _counted(parts, name)).elements()))
        out.numbered = self.numbered - sum(part.numbered for part in parts)
        out.strong = self.strong  # the span may only shrink; kept as an upper bound
        out.vsum = self.vsum
        for part in parts:  # a part without an embedding added nothing to the sum
            if part.vsum is not None and out.vsum is not None:
                out.vsum = out.vsum - part.vsum
        return out

    @property
    def size(self) -> int:
        return len(self.members)

    def field(self, name: str, last: str | None = None) -> Bag:
        """One of the :data:`~.bags.BAG_FIELDS` (its ids still offset: for comparing clusters with each other), or
        the consecutive ones from ``name`` to ``last``, as one joined bag."""
        def sliced() -> Bag:
            starts = self._field_starts()
            lo, hi = starts[FIELD_AT[name]], starts[FIELD_AT[last or name] + 1]
            return Bag(self.bags.ids[lo:hi], self.bags.vals[lo:hi])

        return self.kept(f"field:{name}:{last}", sliced)

    def _field_starts(self) -> list[int]:
        """Where each of the :data:`~.bags.BAG_FIELDS` begins among the joined bags' ids, and where the last ends."""
        return self.kept("field starts", lambda: self.bags.ids.searchsorted(FIELD_BOUNDS).tolist())

    @property
    def sorted_days(self) -> list[int]:
        """The members' dates in order."""
        return self.kept("days", lambda: sorted(self.days))

    @property
    def day(self) -> int | None:
        """The median of the members' dates (lower median, so it is one of them)."""
        days = self.sorted_days
        return days[(len(days) - 1) // 2] if days else None

    def kept(self, key: str, make):
        """A figure derived from the sums, made once and kept with the cluster (``add`` clears them all)."""
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = make()
        return found


def span(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
    """The first and last day of two (first, last) ranges together (``None`` stands for no date)."""
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), max(a[1], b[1])


def _once(bag: Bag) -> Bag:
    """``bag`` with each of its keys counted 1."""
    return Bag(bag.ids, np.ones(len(bag), np.float32))


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
