"""Candidate retrieval for placement: never all pairs.

Two sources, both restricted to a date window around the article's event date
(articles with no date are never filtered out, and an undated query looks at
the most recent entries only):

- nearest neighbours of the article's vector (hnswlib, inner product on unit
  vectors), over-fetched and then filtered by the window;
- an inverted index from the article's rarest keys (canonical entities and
  distinctive terms) to the articles that share them, kept sorted by day so a
  window is two bisections.

Cost per query is bounded by ``k`` and ``per_key``, not by the size of the store.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import defaultdict

import numpy as np

from .features import Profile

_UNDATED = 10**9  # sorts after every real ordinal day


class CandidateIndex:
    """Maps profiles to small integer slots and finds a query's likely neighbours."""

    def __init__(self, k: int, window_days: int, per_key: int = 40):
        self.k, self.window, self.per_key = k, window_days, per_key
        self.ids: list[str] = []
        self.days: list[int | None] = []
        self._slot: dict[str, int] = {}
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)  # key -> sorted (day, slot)
        self._ann = None
        self._dim = 0
        self._with_vectors: list[int] = []

    def __len__(self) -> int:
        return len(self.ids)

    # --- adding ----------------------------------------------------------------------
    def add(self, p: Profile, keys: list[str]) -> int:
        """Index one profile under its ``keys`` (from :meth:`~.placement.EventIndex._keys`); returns its slot."""
        slot = len(self.ids)
        self.ids.append(p.id)
        self.days.append(p.day)
        self._slot[p.id] = slot
        day = _UNDATED if p.day is None else p.day
        for key in filter(None, keys):
            postings = self._postings[key]
            if not postings or postings[-1][0] <= day:
                postings.append((day, slot))
            else:
                insort(postings, (day, slot))
        if p.vector is not None:
            self._add_vector(slot, p.vector)
        return slot

    def _add_vector(self, slot: int, vector: np.ndarray) -> None:
        import hnswlib

        if self._ann is None:
            self._dim = int(vector.shape[0])
            self._ann = hnswlib.Index(space="ip", dim=self._dim)
            self._ann.init_index(max_elements=1024, ef_construction=100, M=16, random_seed=7)
            self._ann.set_num_threads(1)  # a fixed insertion order gives a fixed graph
        if vector.shape[0] != self._dim:
            return  # an embedder change: the article is still found through its keys
        if self._ann.get_current_count() >= self._ann.get_max_elements():
            self._ann.resize_index(2 * self._ann.get_max_elements())
        self._ann.add_items(vector.reshape(1, -1), np.array([slot]))
        self._with_vectors.append(slot)

    # --- querying --------------------------------------------------------------------
    def in_window(self, day: int | None, other: int | None) -> bool:
        return day is None or other is None or abs(day - other) <= self.window

    def query(self, p: Profile, keys: list[str], anytime: bool = False) -> set[int]:
        """Slots of the articles that may belong with ``p``: vector neighbours and key sharers, inside
        the date window (``anytime``: at any distance in time, the closest in time first)."""
        found: set[int] = set()
        if self._ann is not None and p.vector is not None and p.vector.shape[0] == self._dim:
            n = self._ann.get_current_count()
            k = max(1, self.k // 3) if anytime else self.k  # at any time: the nearest few, the rest by name
            want = min(n, k if anytime else 4 * k)
            labels = self._nearest(p.vector, want) if want else []
            near = [int(s) for s in labels if anytime or self.in_window(p.day, self.days[int(s)])]
            found.update(near[:k])
        for key in filter(None, keys):
            found.update(self._from_postings(self._postings.get(key), p.day, anytime))
        return found

    def _nearest(self, vector: np.ndarray, want: int) -> list[int]:
        """Up to ``want`` approximate nearest neighbours; fewer when the graph cannot give that many
        (hnswlib refuses a query it cannot fill, e.g. among many identical vectors)."""
        ef = max(64, want)
        while want:
            self._ann.set_ef(ef)
            try:
                labels, _ = self._ann.knn_query(vector.reshape(1, -1), k=want)
                return [int(s) for s in labels[0]]
            except RuntimeError:
                ef, want = 2 * ef, want // 2
        return []

    def _from_postings(self, postings: list[tuple[int, int]] | None, day: int | None, anytime: bool = False) -> list[int]:
        if not postings:
            return []
        if day is None:
            return [s for _, s in postings[-self.per_key :]]
        if anytime:
            if len(postings) <= self.per_key:
                return [s for _, s in postings]
            i = bisect_left(postings, (day, -1))
            near = postings[max(0, i - self.per_key) : i + self.per_key]
            return [s for _, s in sorted(near, key=lambda ds: (abs(ds[0] - day), ds[1]))[: self.per_key]]
        lo = bisect_left(postings, (day - self.window, -1))
        hi = bisect_right(postings, (day + self.window, len(self.ids)))
        dated = postings[lo:hi]
        if len(dated) > self.per_key:  # the closest in time
            dated = sorted(dated, key=lambda ds: (abs(ds[0] - day), ds[1]))[: self.per_key]
        undated = postings[bisect_left(postings, (_UNDATED, -1)) :][-self.per_key // 4 or 1 :]
        return [s for _, s in dated] + [s for _, s in undated]
