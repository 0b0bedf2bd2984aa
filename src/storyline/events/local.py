"""Story-local weights: what tells the events of one story apart.

Inside a story every article shares the subject ("rehab", "Lavrov", "weapons"),
so those words cannot separate its events. A story keeps the document
frequency of each term (words, phrases, entity terms) among its own articles;
a term's local weight is ``log((n + 1) / (df + 1))`` over the story's ``n``
articles, and only terms held by at least ``event_local_min_df`` of them (2 in
a story of fewer than :data:`SMALL_STORY`) and by at most
``event_local_max_share`` of them count: what all or most articles share
weighs nothing, nor what only one or two have by chance; what some of them
share (names, places, numbers, distinctive phrases) weighs most.

Events inside a story are compared on these local bags (average link, like
everywhere else). :class:`LocalTerms` holds one story's frequencies and the
locally weighted aggregates of its events, and refreshes them only when the
story has grown by a quarter, so placement stays cheap in a large story.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..settings import Settings
from .features import Aggregate, Bag

REFRESH_GROWTH = 1.25  # recompute a story's local weights when it has grown by this factor
SMALL_STORY = 8  # stories with fewer articles count terms two of them share


def local_df(bags: list[Bag]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted term ids held by ``bags`` and, for each, how many of the bags hold it."""
    if not bags:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    ids, counts = np.unique(np.concatenate([b.ids for b in bags]), return_counts=True)
    return ids.astype(np.int32), counts.astype(np.int32)


@dataclass(frozen=True)
class LocalLimits:
    """Which terms count inside a story: held by at least ``min_df`` and at most ``max_share`` of it."""

    min_df: int = 3
    max_share: float = 0.7

    @classmethod
    def from_settings(cls, settings) -> LocalLimits:
        settings = settings or Settings()
        return cls(int(settings.event_local_min_df), float(settings.event_local_max_share))


def _counts_in(ids: np.ndarray, df_ids: np.ndarray, df: np.ndarray) -> np.ndarray:
    """How many of a story's articles hold each term of ``ids`` (0 for terms it has not seen)."""
    if not len(df_ids) or not len(ids):
        return np.zeros(len(ids), np.int32)
    pos = np.minimum(np.searchsorted(df_ids, ids), len(df_ids) - 1)
    return np.where(df_ids[pos] == ids, df[pos], 0).astype(np.int32)


def local_bag(terms: Bag, df_ids: np.ndarray, df: np.ndarray, n: int, limits: LocalLimits = LocalLimits(),
              stored: bool = False) -> Bag:
    """``terms`` (raw sublinear counts) weighted by their story-local IDF, unit length.

    A ``stored`` member of a story counts its terms as if the next article placed
    shared them, so it meets a new article on the weights that article sees.
    """
    if not len(terms) or not len(df_ids):
        return Bag()
    counts = _counts_in(terms.ids, df_ids, df)
    if stored:
        counts, n = counts + 1, n + 1
    if n < SMALL_STORY:  # too few articles to tell the subject's words from the event's
        ok = counts >= min(limits.min_df, 2)
        idf = np.log((n + 2.0) / (counts + 1.0))
    else:
        ok = (counts >= limits.min_df) & (counts <= limits.max_share * n)
        idf = np.log((n + 1.0) / (counts + 1.0))
    vals = np.where(ok, terms.vals * idf, 0.0)
    keep = vals > 0
    norm = float(np.linalg.norm(vals))
    if not norm:
        return Bag()
    return Bag(terms.ids[keep], (vals[keep] / norm).astype(np.float32))


def local_single(agg: Aggregate, terms: Bag, df_ids, df, n: int, limits: LocalLimits = LocalLimits(),
                 stored: bool = False) -> Aggregate:
    """A copy of the one-article cluster ``agg`` whose terms are weighted for its story."""
    out = agg.copy()
    out.terms = local_bag(terms, df_ids, df, n, limits, stored)
    return out


class LocalTerms:
    """One story's term frequencies and the locally weighted aggregates of its events."""

    def __init__(self, limits: LocalLimits = LocalLimits()) -> None:
        self.limits = limits
        self.members: dict[str, tuple[str, Bag, Aggregate]] = {}  # article id -> (event id, raw terms, single)
        self.events: dict[str, Aggregate] = {}
        self.df_ids = np.zeros(0, np.int32)
        self.df = np.zeros(0, np.int32)
        self.n_at_refresh = 0

    def add(self, article_id: str, event_id: str, terms: Bag, single: Aggregate) -> None:
        """Record a member; its local aggregate uses the current weights until the next refresh."""
        self.members[article_id] = (event_id, terms, single)
        if len(self.members) > REFRESH_GROWTH * self.n_at_refresh:
            self.refresh()
            return
        self._fold(event_id, terms, single)

    def _fold(self, event_id: str, terms: Bag, single: Aggregate) -> None:
        """Add one member, weighted as of the last refresh, to its event's local aggregate."""
        one = local_single(single, terms, self.df_ids, self.df, self.n_at_refresh, self.limits, stored=True)
        if event_id in self.events:
            self.events[event_id].add(one)
        else:
            self.events[event_id] = one

    def refresh(self) -> None:
        """Recompute the frequencies and every event's local aggregate from the members."""
        items = sorted(self.members.items())
        self.df_ids, self.df = local_df([terms for _, (_, terms, _) in items])
        self.n_at_refresh = len(items)
        self.events = {}
        for _, (event_id, terms, single) in items:
            self._fold(event_id, terms, single)

    def probe(self, single: Aggregate, terms: Bag) -> Aggregate:
        """A new article as a cluster of one, weighted as if it already belonged to the story."""
        counts = 1 + _counts_in(terms.ids, self.df_ids, self.df)
        return local_single(single, terms, terms.ids, counts, self.n_at_refresh + 1, self.limits)
