"""Story-local weights: what tells the events of one story apart.

Inside a story every article shares the subject ("rehab", "Lavrov", "weapons"),
so those words cannot separate its events. A story keeps the document
frequency of each term among its own articles; a term's local weight is its
global IDF times ``log((n + 1) / (df + 0.5))`` over the story's ``n`` articles,
so words all of them use weigh little and words only some of them share
(names, places, numbers, distinctive phrases) weigh most. Terms only one
article of the story uses weigh nothing: they cannot be shared.

Events inside a story are compared on these local bags (average link, like
everywhere else), minus the date penalty. :class:`LocalTerms` holds one story's
frequencies and the locally weighted aggregates of its events, and refreshes
them only when the story has grown by a quarter, so placement stays cheap in a
large story.
"""

from __future__ import annotations

import numpy as np

from .features import Aggregate, Bag, Lexicon

REFRESH_GROWTH = 1.25  # recompute a story's local weights when it has grown by this factor


def local_df(bags: list[Bag]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted term ids held by ``bags`` and, for each, how many of the bags hold it."""
    if not bags:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    ids, counts = np.unique(np.concatenate([b.ids for b in bags]), return_counts=True)
    return ids.astype(np.int32), counts.astype(np.int32)


def local_bag(terms: Bag, df_ids: np.ndarray, df: np.ndarray, n: int, lexicon: Lexicon, stored: bool = False) -> Bag:
    """``terms`` (raw sublinear counts) weighted by global IDF times the story-local weight, unit length.

    A ``stored`` member of a story counts its terms as if one more article
    shared them (the next one placed may): it keeps words only it has so far.
    """
    if not len(terms) or not len(df_ids):
        return Bag()
    pos = np.searchsorted(df_ids, terms.ids)
    pos = np.minimum(pos, len(df_ids) - 1)
    found = df_ids[pos] == terms.ids
    counts = np.where(found, df[pos], 0)
    if stored:
        counts, n = np.maximum(counts, 2), n + 1
    weight = np.log((n + 1.0) / (counts + 0.5))
    weight = np.where(counts >= 2, np.maximum(weight, 0.0), 0.0)
    vals = terms.vals * lexicon.idf(terms.ids, 1) * weight
    keep = vals > 0
    norm = float(np.linalg.norm(vals))
    if not norm:
        return Bag()
    return Bag(terms.ids[keep], (vals[keep] / norm).astype(np.float32))


def local_single(agg: Aggregate, terms: Bag, df_ids, df, n: int, lexicon: Lexicon, stored: bool = False) -> Aggregate:
    """A copy of the one-article cluster ``agg`` whose terms are weighted for its story."""
    out = Aggregate(agg.id)
    out.add(agg)
    out.terms = local_bag(terms, df_ids, df, n, lexicon, stored)
    return out


class LocalTerms:
    """One story's term frequencies and the locally weighted aggregates of its events."""

    def __init__(self) -> None:
        self.members: dict[str, tuple[str, Bag, Aggregate]] = {}  # article id -> (event id, raw terms, single)
        self.events: dict[str, Aggregate] = {}
        self.df_ids = np.zeros(0, np.int32)
        self.df = np.zeros(0, np.int32)
        self.n_at_refresh = 0

    def add(self, article_id: str, event_id: str, terms: Bag, single: Aggregate, lexicon: Lexicon) -> None:
        """Record a member; its local aggregate uses the current weights until the next refresh."""
        self.members[article_id] = (event_id, terms, single)
        if len(self.members) > REFRESH_GROWTH * self.n_at_refresh:
            self.refresh(lexicon)
            return
        one = local_single(single, terms, self.df_ids, self.df, self.n_at_refresh, lexicon, stored=True)
        if event_id in self.events:
            self.events[event_id].add(one)
        else:
            self.events[event_id] = one

    def refresh(self, lexicon: Lexicon) -> None:
        """Recompute the frequencies and every event's local aggregate from the members."""
        items = sorted(self.members.items())
        self.df_ids, self.df = local_df([terms for _, (_, terms, _) in items])
        n = self.n_at_refresh = len(items)
        self.events = {}
        for _, (event_id, terms, single) in items:
            one = local_single(single, terms, self.df_ids, self.df, n, lexicon, stored=True)
            if event_id in self.events:
                self.events[event_id].add(one)
            else:
                self.events[event_id] = one

    def probe(self, single: Aggregate, terms: Bag, lexicon: Lexicon) -> Aggregate:
        """A new article as a cluster of one, weighted as if it already belonged to the story."""
        df_ids, df = local_df([terms])
        ids, inv = np.unique(np.concatenate([self.df_ids, df_ids]), return_inverse=True)
        counts = np.bincount(inv, weights=np.concatenate([self.df, df]), minlength=len(ids)).astype(np.int32)
        return local_single(single, terms, ids.astype(np.int32), counts, len(self.members) + 1, lexicon)
