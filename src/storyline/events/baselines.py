"""Simple baselines to score storyline against, on the same articles: average-link clustering of all pairs.

- ``tfidf``: cosine of TF-IDF vectors (headline and text, sublinear counts, English stop words)
  with a date penalty: :data:`DATE_PENALTY` x the share of :data:`PENALTY_DAYS` that separates
  two known dates (a month apart or more: the whole penalty);
- ``minilm``: cosine of the headline+lead embeddings of the MiniLM transformer, whichever
  embedder storyline itself runs (computed here, once per text per process);
- ``combined``: the mean of the TF-IDF cosine, the MiniLM cosine and the TF-IDF cosine of the names
  (:data:`NAME`: capitalised words after another word, days and months left out), with the date
  penalty: the simple baseline of the project's first held-out measurement, which scored 0.929 on ECB+
  topics 36-45 where storyline then scored 0.912.

Each cuts an average-link :class:`Tree` at a distance threshold fitted on training data
(the best B³ F1 against the training labels, per level), so a baseline is as fair as
a fitted model. They compare all pairs: fine for evaluation, not for a store.
"""

from __future__ import annotations

import re

import numpy as np

from ..models import Article
from .features import day_of

DATE_PENALTY = 0.5
PENALTY_DAYS = 30
THRESHOLDS = tuple(round(0.30 + 0.025 * i, 3) for i in range(27))  # distances tried when fitting (0.30 .. 0.95)
NAME = re.compile(r"(?<=[\w,;:]\s)[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ][\w'’-]*")  # a capitalised word after a word, not a sentence's first
CALENDAR = frozenset("Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June "
                     "July August September October November December".split())  # the date penalty weighs dates
_MINILM: dict[str, np.ndarray] = {}  # lead -> MiniLM vector: folds and levels embed each text once


def minilm_vectors(articles: list[Article]) -> np.ndarray:
    """The MiniLM transformer's unit vectors of the articles' headlines and leads."""
    from ..enrichment.vectors import MiniLMEmbedder

    leads = [a.lead() for a in articles]
    missing = [t for t in dict.fromkeys(leads) if t not in _MINILM]
    if missing:
        _MINILM.update(zip(missing, MiniLMEmbedder().embed(missing), strict=True))
    return np.stack([_MINILM[t] for t in leads]).astype(np.float64)


def distances(articles: list[Article], kind: str) -> np.ndarray:
    """The condensed distance matrix (``1 - similarity``, plus the date penalty for ``tfidf`` and ``combined``)."""
    from scipy.spatial.distance import squareform

    if kind == "tfidf":
        sim = _tfidf(articles) - _date_penalty(articles)
    elif kind == "minilm":
        v = minilm_vectors(articles)
        sim = v @ v.T
    elif kind == "combined":
        v = minilm_vectors(articles)
        sim = (_tfidf(articles) + v @ v.T + _tfidf(articles, names=True)) / 3 - _date_penalty(articles)
    else:
        raise ValueError(f"unknown baseline {kind!r}")
    d = np.clip(1.0 - sim, 0.0, None)
    np.fill_diagonal(d, 0.0)
    return squareform(d, checks=False)


def _tfidf(articles: list[Article], names: bool = False) -> np.ndarray:
    """Cosines of TF-IDF vectors of headline and text: all words but English stop words, or with ``names``
    only the capitalised words no sentence begins with."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [f"{a.title or ''}\n{a.text}" for a in articles]
    if names:
        texts = [" ".join(n for n in NAME.findall(t) if n not in CALENDAR) for t in texts]
        vectorizer = TfidfVectorizer(sublinear_tf=True, lowercase=False, token_pattern=r"\S+")
    else:
        vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english")
    try:
        x = vectorizer.fit_transform(texts)
    except ValueError:  # no word to weigh in any of them
        return np.zeros((len(articles), len(articles)))
    return (x @ x.T).toarray()


def _date_penalty(articles: list[Article]) -> np.ndarray:
    """:data:`DATE_PENALTY` times the share of :data:`PENALTY_DAYS` between each two known dates."""
    days = np.array([day_of(a) if day_of(a) is not None else -1 for a in articles], np.float64)
    known = days >= 0
    gap = np.abs(days[:, None] - days[None, :])
    return DATE_PENALTY * np.where(known[:, None] & known[None, :], np.minimum(1.0, gap / PENALTY_DAYS), 0.0)


class Tree:
    """The average-link tree of ``kind`` over ``articles``, built once and cut at any threshold."""

    def __init__(self, articles: list[Article], kind: str):
        from scipy.cluster.hierarchy import linkage

        self.articles = articles
        self.linkage = linkage(distances(articles, kind), method="average") if len(articles) > 1 else None

    def cut(self, threshold: float) -> dict[str, str]:
        """``{article: cluster}``: the tree cut at distance ``threshold``."""
        from scipy.cluster.hierarchy import fcluster

        if self.linkage is None:
            return {a.id: a.id for a in self.articles}
        labels = fcluster(self.linkage, t=threshold, criterion="distance")
        return {a.id: f"c{int(c)}" for a, c in zip(self.articles, labels, strict=True)}

    def best_cut(self, gold: dict[str, str]) -> float:
        """The cut of :data:`THRESHOLDS` with the best B³ F1 against ``gold``, which labels every article."""
        from ..evaluation import bcubed

        if self.linkage is None:
            return THRESHOLDS[len(THRESHOLDS) // 2]
        truth = {a.id: gold[a.id] for a in self.articles}
        return max(THRESHOLDS, key=lambda t: (bcubed(truth, self.cut(t))[2], -t))


__all__ = ["Tree", "distances"]
