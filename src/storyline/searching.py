"""Search: by words (the store's full-text index) or by meaning (the query embedded like the articles were,
ranked against the stored vectors); :func:`search_articles` is the one entry of the CLI and the web.

The article vectors (headline and lead, unit length) are loaded from the store
once into one matrix and reloaded when the number of articles changes, so a
query costs one embedding and one matrix-vector product. The embedder is the
enrichment's own (``storyline.enrichment.vectors.make_embedder``), created on
the first query; a missing model is reported, not hidden.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from collections import Counter
from typing import Any

import numpy as np

from .errors import ModelMissing, StorylineError
from .metadata import domain_named
from .storage import SearchHit, check_period


def search_articles(store: Any, meaning: MeaningSearch | None, query: str, mode: str, limit: int, offset: int = 0,
                    **filters: Any) -> list[SearchHit]:  # fmt: skip
    """The articles matching ``query``, best first: by its words (``mode`` "words": the store's full-text search,
    a snippet around the words found) or by meaning ("meaning": every article ranked by the cosine of its
    headline and lead with the query's). No words find nothing; a period whose end comes before its start is a
    BadParameter either way, and a search by meaning that cannot run here a :class:`MeaningUnavailable`."""
    check_period(filters.get("since"), filters.get("until"))
    if not query.strip():
        return []
    if mode == "meaning":
        if meaning is None:
            raise MeaningUnavailable("search by meaning is not set up here")
        return meaning.hits(query, limit, offset, **filters)
    return store.search(query, limit, offset, **filters)


class MeaningUnavailable(StorylineError):
    """Search by meaning cannot run here (no embedder, or no article vectors yet)."""


class MeaningSearch:
    def __init__(self, store: Any, settings: Any, embedder: Any = None):
        self.store, self.settings = store, settings
        self._embedder = embedder
        self._lock = threading.Lock()
        self._ids: list[str] = []
        self._matrix: np.ndarray | None = None
        self._loaded_for = -1

    def embedder(self) -> Any:
        if self._embedder is None:
            if importlib.util.find_spec("storyline.enrichment.vectors") is None:
                raise MeaningUnavailable("search by meaning needs the enrichment package (storyline.enrichment)")
            vectors = importlib.import_module("storyline.enrichment.vectors")
            try:
                self._embedder = vectors.make_embedder(self.settings)
            except ModelMissing as exc:
                raise MeaningUnavailable(str(exc)) from None
        return self._embedder

    def embed(self, text: str) -> np.ndarray:
        model = self.embedder()
        fn = getattr(model, "embed", None) or getattr(model, "encode", None) or model
        vec = np.asarray(fn([text]), dtype=np.float32).reshape(-1)
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def _load(self) -> None:
        count = self.store.count("articles")
        if count == self._loaded_for:
            return
        pairs = self.store.article_vector_keys()
        vectors = self.store.get_vectors(sorted({k for _, k in pairs}))
        lengths = Counter(len(v) for v in vectors.values())
        dim = lengths.most_common(1)[0][0] if lengths else 0  # a store still being re-embedded holds two lengths
        pairs = [(i, k) for i, k in pairs if k in vectors and len(vectors[k]) == dim]
        ids = [i for i, _ in pairs]
        self._matrix = np.vstack([vectors[k] for _, k in pairs]) if ids else None
        self._ids, self._loaded_for = ids, count

    def search(self, query: str, limit: int, offset: int = 0, **filters: Any) -> list[dict]:
        """Articles closest in meaning to ``query``, best first, as ``{id, score}``, filters applied."""
        if limit <= 0:
            return []
        vec = self.embed(query)
        with self._lock:
            self._load()
            ids, matrix = self._ids, self._matrix
        if matrix is None:
            raise MeaningUnavailable("no article in the store has a vector yet")
        if matrix.shape[1] != vec.shape[0]:
            raise MeaningUnavailable(
                f"the query vector has {vec.shape[0]} dimensions but the stored ones have {matrix.shape[1]}: "
                "the embedder setting differs from the one used at ingest"
            )
        scores = matrix @ vec
        order = np.argsort(-scores)
        out, skipped = [], 0
        domain = domain_named(filters["outlet"]) if filters.get("outlet") else None  # an outlet named by its domain
        for i in order:
            article = self.store.get_article(ids[i], full=False)
            if not _passes(article, filters, domain):
                continue
            if skipped < offset:
                skipped += 1
                continue
            out.append({"id": article.id, "score": round(float(scores[i]), 4), "article": article})
            if len(out) >= limit:
                break
        return out

    def hits(self, query: str, limit: int, offset: int = 0, **filters: Any) -> list[SearchHit]:
        """:meth:`search`'s articles as the store's word search gives its hits, the snippet the first sentence and
        the score the cosine (no words are highlighted: none need match)."""
        return [SearchHit(id=a.id, title=a.title, outlet=a.outlet, published=a.published, language=a.language,
                          event_id=a.event_id, score=h["score"], snippet=a.first_sentence(), highlights=[])
                for h in self.search(query, limit, offset, **filters) for a in [h["article"]]]  # fmt: skip


def _passes(article: Any, filters: dict[str, Any], domain: str | None = None) -> bool:
    pub = article.published or ""
    checks = {
        "outlet": lambda v: (article.outlet or "").casefold() == v.casefold() or (  # as the store filters it
            domain is not None and article.outlet_domain == domain),
        "language": lambda v: article.language == v.lower(),  # as the store compares it
        "since": lambda v: bool(pub) and pub >= v,
        "until": lambda v: bool(pub) and pub <= v,
        "event_id": lambda v: article.event_id == v,
    }
    return all(checks[k](v) for k, v in filters.items() if v not in (None, ""))
