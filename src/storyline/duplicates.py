"""Deduplicate: exact copies by content hash, syndicated near-copies by MinHash LSH.

Needs ``article.text``; adds ``article.content_hash`` and, for a syndicated copy,
``article.duplicate_of`` (the original: the earliest full copy, by publication date, then the
first stored; an excerpt, a copy with less than :data:`EXCERPT_SHARE` of the longest copy's
text, is never the original of the fuller ones, whose text it would stand for).
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

import numpy as np

from .models import Article

if TYPE_CHECKING:  # datasketch (and the scipy it imports) costs 0.4 s: loaded when an index is first made
    from datasketch import MinHash

NUM_PERM = 64
EXCERPT_SHARE = 0.75  # a copy with fewer shingles than this share of the longest copy's is an excerpt of it
SCHEME = "affine32"  # datasketch's hashing scheme; stored MinHashes are only comparable under the same one
_WORD = re.compile(r"\w+", re.UNICODE)


def content_hash(text: str) -> str:
    """Hash of the text with whitespace and case folded: the same content gives the same hash."""
    folded = " ".join(text.lower().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def shingles(text: str, size: int) -> set[str]:
    words = _WORD.findall(text.lower())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def minhash_of(shingle_set: set[str]) -> MinHash:
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    m.update_batch([s.encode("utf-8") for s in shingle_set])
    return m


class Deduplicator:
    """Finds near-copies among everything it has seen (the store's articles, then each new one).

    Candidates come from MinHash LSH; a candidate is a copy when the overlap of
    word shingles, relative to the shorter text, reaches ``threshold`` — so a
    reprint that trims the last paragraph or adds its own clutter still counts.
    """

    def __init__(self, threshold: float = 0.8, shingle: int = 5):
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.shingle = shingle
        self.fuller = max(0.2, threshold * 0.5)  # the least Jaccard similarity the LSH finds candidates at
        self.lsh = MinHashLSH(threshold=self.fuller, num_perm=NUM_PERM)
        self.minhashes: dict[str, MinHash] = {}
        self.published: dict[str, str | None] = {}
        self.order: dict[str, int] = {}

    def load(self, rows) -> None:
        """Add stored articles: an iterable of (id, minhash bytes, published)."""
        from datasketch import MinHash

        for article_id, blob, published in rows:
            m = MinHash(num_perm=NUM_PERM, seed=1, hashvalues=np.frombuffer(blob, dtype=np.uint64), scheme=SCHEME)
            self._add(article_id, m, published)

    def _add(self, article_id: str, m: MinHash, published: str | None) -> None:
        if article_id in self.minhashes:
            return
        self.lsh.insert(article_id, m)
        self.minhashes[article_id] = m
        self.published[article_id] = published
        self.order[article_id] = len(self.order)

    def check(self, article: Article, texts) -> tuple[bytes, dict[str, str]]:
        """Mark ``article.duplicate_of``; return its MinHash bytes and the re-pointed older copies.

        ``texts(ids)`` returns the clean texts of stored candidates, for the exact overlap check.
        When the new article is the original (earlier than the copies already stored, or the full text of an excerpt
        stored first), they are re-pointed to it: the returned mapping says which (id -> new original).
        """
        own = shingles(article.text, self.shingle)
        m = minhash_of(own)
        candidates = [c for c in self.lsh.query(m) if c != article.id]
        copies = {article.id: own}  # the copies' shingles
        if candidates and own:
            for cid, text in texts(candidates).items():
                other = shingles(text, self.shingle)
                if other and len(own & other) / min(len(own), len(other)) >= self.threshold:
                    copies[cid] = other
        self._add(article.id, m, article.published)
        repointed: dict[str, str] = {}
        if len(copies) > 1:
            first = self._original(copies)
            article.duplicate_of = None if first == article.id else first
            if first == article.id:
                repointed = {c: article.id for c in copies if c != article.id}
        return m.hashvalues.astype(np.uint64).tobytes(), repointed

    def _original(self, copies: dict[str, set[str]]) -> str:
        """The original of a group of copies (id -> shingles): the earliest, unless it is an excerpt (less than
        :data:`EXCERPT_SHARE` of the longest copy's shingles), when the earliest of the full copies is, provided
        that copy is the excerpt's text and more (at least the share of its shingles the LSH finds copies at), not a
        page that holds it among other stories (a roundup)."""
        earliest = min(copies, key=self._age)
        longest = max(map(len, copies.values()))
        full = [c for c, sh in copies.items() if len(sh) >= EXCERPT_SHARE * longest and
                (c == earliest or len(sh & copies[earliest]) >= self.fuller * len(sh))]  # fmt: skip
        return min(full, key=self._age) if full else earliest

    def _age(self, article_id: str) -> tuple[str, int]:
        return (self.published.get(article_id) or "9999", self.order[article_id])
