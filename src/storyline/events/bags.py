"""Sparse bags of weighted ids, the lexicon that weighs them, and clusters' bags joined as one.

A :class:`Bag` holds sorted integer ids (lexicon entries: words, phrases, entities,
statements, facts) and float weights. The :class:`Lexicon` gives each key its id and
its inverse document frequency, ``log((n + PRIOR_DOCS + 1) / (df + prior + 1))``:
the counts start from pseudo-documents of general English (:func:`background_share`),
so what is common in news in general weighs little even in a store of five articles.
A cluster keeps its bags, the :data:`BAG_FIELDS`, as one (:func:`joined`), each
field's ids offset, so it is folded and compared in one sparse operation for all.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from functools import cache

import numpy as np


class Bag:
    """A sparse bag of words or entities: sorted integer ids and float weights (compact in memory)."""

    __slots__ = ("ids", "vals")

    def __init__(self, ids: np.ndarray | None = None, vals: np.ndarray | None = None):
        self.ids = np.zeros(0, np.int32) if ids is None else ids
        self.vals = np.zeros(0, np.float32) if vals is None else vals

    def __len__(self) -> int:
        return len(self.ids)

    def __add__(self, other: Bag) -> Bag:
        return Bag.total([self, other])

    @staticmethod
    def total(bags: Iterable[Bag]) -> Bag:
        """The sum of several bags, in one pass."""
        bags = [b for b in bags if len(b)]
        if len(bags) < 2:
            return bags[0] if bags else Bag()
        ids = np.concatenate([b.ids for b in bags])
        order = np.argsort(ids, kind="stable")  # sorted runs: merged in near-linear time
        ids, vals = ids[order], np.concatenate([b.vals for b in bags])[order]
        first = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
        return Bag(ids[first], np.add.reduceat(vals, first).astype(np.float32))

    def without(self, part: Bag) -> Bag | None:
        """This bag less ``part`` when it holds every id of ``part`` (as a sum holds those of each part summed into
        it): its values less ``part``'s at those ids, without sorting the whole bag again. The values are those
        :meth:`total` gives for this bag and ``part`` negated, bit for bit (it too subtracts each id's one value
        from the other's). None when it lacks one of the ids."""
        at = self.ids.searchsorted(part.ids)
        if len(part) and (at[-1] >= len(self) or not np.array_equal(self.ids[at], part.ids)):
            return None
        vals = self.vals.copy()
        vals[at] -= part.vals
        return Bag(self.ids, vals)


PRIOR_DOCS = 500  # pseudo-documents of general English that every document frequency starts from
DOC_WORDS = 400  # words in a typical article, to turn a word's frequency into the share of articles using it
PRIOR_VECTORS = 50  # pseudo-articles at the origin that the mean embedding starts from (see Lexicon.centered)


@cache
def background_share(key: str) -> float:
    """The share of general English articles expected to hold ``key`` (from the ``wordfreq`` lists):
    a word by its frequency, a phrase ("a_b") as both its words together, a name ("E:…", "@…", a
    surname "P:…") as its rarest word. What is common in news in general weighs little even in a store
    of five articles."""
    from wordfreq import word_frequency

    def word(w: str) -> float:
        return 1.0 - math.exp(-word_frequency(w, "en") * DOC_WORDS)

    if key.startswith(("E:", "P:", "@")):
        parts = key[1 if key.startswith("@") else 2 :].split()
        return min((word(w) for w in parts), default=0.0)
    return math.prod(word(w) for w in key.split("_"))


class Lexicon:
    """Integer ids for terms and entity keys (and for fact keys, which are only counted: :meth:`bag`), and their
    document frequencies (for IDF).

    Document frequencies start from :data:`PRIOR_DOCS` pseudo-documents of general English
    (:func:`background_share`), so IDF means the same in a store of five articles as in one of
    thousands, and the fitted models see the same figures in both.

    The lexicon also keeps the mean embedding of the articles it has seen, which :meth:`centered`
    takes from each vector: what every article of a collection shares (in a store of shootings,
    "a shooting") is to embeddings what a common word is to IDF. Without it, cosines sit around
    0.4 between unrelated reports of one kind and 0.1 in general news, and a model fitted on one
    collection would be calibrated for the other's look-alikes wrongly.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._keys: list[str] = []
        self.docs = 0
        self.df = np.zeros(1024, np.int32)
        self.prior = np.zeros(1024, np.float32)  # pseudo-documents holding each key
        self.vector_sum: np.ndarray | None = None
        self.vectors = 0

    def __len__(self) -> int:
        return len(self._ids)

    def bag(self, counts: Counter, weighed: bool = True) -> Bag:
        """A bag of ``1 + log(count)`` per key, creating ids for new keys. Keys that are only ever counted, never
        weighed by IDF (``weighed`` false: facts), get no prior document frequency (a word-frequency lookup of
        some 40 microseconds per new key, which a long quote's is on every report)."""
        keys, ns = list(counts), list(counts.values())
        if ns and min(ns) <= 0:
            keys, ns = [k for k, n in zip(keys, ns, strict=True) if n > 0], [n for n in ns if n > 0]
        if not keys:
            return Bag()
        found = list(map(self._ids.get, keys))
        if None in found:  # new keys get ids in the order counted
            found = [self._id(k, weighed) if i is None else i for k, i in zip(keys, found, strict=True)]
        ids = np.array(found, np.int32)
        order = np.argsort(ids)  # ids are unique
        vals = (np.fromiter(map(math.log, ns), np.float64, len(ns)) + 1.0).astype(np.float32)
        return Bag(ids[order], vals[order])

    def _id(self, key: str, weighed: bool = True) -> int:
        i = self._ids.get(key)
        if i is None:
            i = self._ids[key] = len(self._keys)
            self._keys.append(key)
            if i >= len(self.df):
                self.df = np.concatenate([self.df, np.zeros(len(self.df), np.int32)])
                self.prior = np.concatenate([self.prior, np.zeros(len(self.prior), np.float32)])
            if weighed:
                self.prior[i] = PRIOR_DOCS * background_share(key)
        return i

    def key_of(self, ident: int) -> str:
        return self._keys[ident]

    def observe(self, *bags: Bag, vector: np.ndarray | None = None) -> None:
        """Count one document holding the keys of ``bags`` (and its embedding, in the mean embedding)."""
        self.docs += 1
        for b in bags:
            self.df[b.ids] += 1
        if vector is not None and (self.vector_sum is None or self.vector_sum.shape == vector.shape):
            self.vector_sum = vector.astype(np.float64) if self.vector_sum is None else self.vector_sum + vector
            self.vectors += 1

    def centered(self, vectors: list[np.ndarray | None]) -> list[np.ndarray | None]:
        """Each of ``vectors`` less the mean embedding seen so far (which starts from :data:`PRIOR_VECTORS`
        pseudo-articles at the origin, so a small store is barely centred), made unit length again; the mean taken
        once, each vector's own arithmetic as if alone. One of another embedder (another shape) is left as it is."""
        if self.vector_sum is None:
            return list(vectors)
        mean = self.vector_sum / (self.vectors + PRIOR_VECTORS)
        out = []
        for vector in vectors:
            if vector is None or vector.shape != mean.shape:
                out.append(vector)
                continue
            centred = vector - mean
            norm = math.sqrt(centred.dot(centred))  # np.linalg.norm's arithmetic
            out.append((centred / norm).astype(np.float32) if norm else vector)
        return out

    def idf(self, ids: np.ndarray, min_df: int = 2) -> np.ndarray:
        """Inverse document frequency; 0 for keys fewer than ``min_df`` documents hold.

        With ``min_df=2`` words only one article uses weigh nothing: they cannot
        be shared, and would only dilute its other words.
        """
        df = self.df[ids]
        seen = df + self.prior[ids]
        return np.where(df >= min_df, np.log((self.docs + PRIOR_DOCS + 1.0) / (seen + 1.0)), 0.0)


BAG_FIELDS = ("terms", "words", "actors", "places", "statements", "numbers", "facts")  # the bags of a cluster, in their order
FIELD_SHIFT = 31  # a field's ids are offset by its position in BAG_FIELDS times 2**FIELD_SHIFT
FIELD_AT = {name: i for i, name in enumerate(BAG_FIELDS)}
FIELD_BOUNDS = np.arange(len(BAG_FIELDS) + 1, dtype=np.int64) << FIELD_SHIFT  # where each field's ids begin


def joined(rows: list[list[Bag]], weighed: int = 0, lexicon: Lexicon | None = None) -> list[Bag]:
    """Each row's bags, those of the :data:`BAG_FIELDS` in that order, as one bag, each field's ids offset (int64,
    still sorted); the first ``weighed`` fields weighted by the ``lexicon``'s IDF and each made unit length (one
    that weighs nothing left empty). All rows in one pass (each step's fixed cost paid once, not once per row: a
    placement weighs some fifty articles afresh), each field's norm taken alone (the same ``dot`` as
    ``np.linalg.norm``, so a row's bits do not depend on the rows beside it)."""
    if not rows:
        return []
    fields = len(rows[0])
    if any(len(row) != fields for row in rows):
        raise ValueError("joined: every row holds the same fields")
    bags = [b for row in rows for b in row]
    lengths = np.fromiter((len(b) for b in bags), np.int64, len(bags))
    own = np.concatenate([b.ids for b in bags]).astype(np.int64)  # each field's own ids, not yet offset
    field_of = np.repeat(np.tile(np.arange(fields), len(rows)), lengths)
    ids = own + FIELD_BOUNDS[field_of]
    vals = np.concatenate([b.vals for b in bags]).astype(np.float32)  # a copy: the weighed fields are written in it
    keep = None
    if weighed and (mine := field_of < weighed).any():
        raw = vals[mine] * lexicon.idf(own[mine], 1)  # float64
        counts = lengths.reshape(len(rows), fields)[:, :weighed].ravel()
        bounds = np.concatenate(([0], np.cumsum(counts))).tolist()
        norms = [math.sqrt(v.dot(v)) for v in (raw[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True))]
        vals[mine] = raw / np.repeat(np.where(norms, norms, 1.0), counts)
        keep = np.ones(len(vals), bool)
        keep[mine] = raw > 0
        ids, vals = ids[keep], vals[keep]
    row_of = np.repeat(np.arange(len(rows)), lengths.reshape(len(rows), fields).sum(axis=1))
    ends = np.cumsum(np.bincount(row_of if keep is None else row_of[keep], minlength=len(rows))).tolist()
    return [Bag(ids[lo:hi].copy(), vals[lo:hi].copy()) for lo, hi in zip([0, *ends[:-1]], ends, strict=True)]
