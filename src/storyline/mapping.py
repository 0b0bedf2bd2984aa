"""The map half of the pipeline: stages that are pure functions of an article, the settings and loaded models.

Two maps, each over a list of articles, so they run alike in this process, in a
pool or on Dask workers (:mod:`.executors`):

    describe_batch   clean + describe    -> text, removed, title, outlet, published, byline, wire, language
    enrich_batch     enrichment.Enricher -> sentences, mentions, quotes, figures, times, event date, vectors
                     (start_enrich: the same, begun now and waited for later)

Neither reads nor writes the store. The embedding cache is looked up in bulk by
the driver before :func:`enrich_batch` (the ``known`` vectors, by
:func:`lead_keys`), and the vectors the map embedded come back with its
results, for the driver to write in its transaction. An input that fails a
stage for a reason of its own comes back as an :class:`~storyline.errors.InputError`
in its place; a stage that fails on every article alike raises
:class:`~storyline.errors.StageFailed`.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import numpy as np

from . import cleaning, metadata
from .errors import ArticleFailed, EmptyInput, InputError, StageFailed, StorylineError
from .models import Article
from .storage import is_store_failure

Result = Article | InputError


class VectorCache:
    """An embedding cache in memory: the vectors looked up before the map, and those the map embedded (``new``)."""

    def __init__(self, known: dict[str, np.ndarray] | None = None):
        self.known = dict(known or {})
        self.new: dict[str, np.ndarray] = {}

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        return {k: self.known[k] for k in keys if k in self.known}

    def put_many(self, vectors: dict[str, np.ndarray]) -> None:
        self.new.update(vectors)
        self.known.update(vectors)


def describe_one(article: Article, settings) -> Result:
    """Clean and describe one article; an InputError (in its place) when it is empty or a stage fails on it."""
    try:
        cleaning.clean(article)
        if not article.text.strip():
            raise EmptyInput(article.source, "no article text is left after removing clutter", "Check that it holds an article.")
        metadata.describe(article, settings)
    except InputError as exc:
        return exc
    except Exception as exc:
        if fatal(exc):
            raise
        return ArticleFailed(article.source, "cleaning and describing", exc)
    return article


def describe_batch(articles: list[Article], settings) -> list[Result]:
    return [describe_one(a, settings) for a in articles]


def lead_keys(articles: list[Article], embedder_name: str, lead_chars: int) -> list[str]:
    """The embedding-cache keys of the articles' leads, to look up before :func:`enrich_batch`."""
    from .enrichment.vectors import text_key

    named = SimpleNamespace(name=embedder_name)
    return [text_key(named, a.lead(lead_chars)) for a in articles]


def enrich_batch(articles: list[Article], enricher, known: dict[str, np.ndarray] | None = None
                 ) -> tuple[list[Result], dict[str, np.ndarray]]:  # fmt: skip
    """Enrich the batch with ``enricher``; when that fails, each article alone, an ArticleFailed in place of those
    that fail. Returns the results in order and the vectors embedded (not among ``known``)."""
    return start_enrich(articles, enricher, known)()


def start_enrich(articles: list[Article], enricher, known: dict[str, np.ndarray] | None = None
                 ) -> Callable[[], tuple[list[Result], dict[str, np.ndarray]]]:  # fmt: skip
    """Begin :func:`enrich_batch` (with the enricher's ``start``, when it has one: its worker processes parse
    while the caller goes on); the function returned waits for the end and returns what it returns."""
    cache = VectorCache(known)
    begin = getattr(enricher, "start", None)
    failure: Exception | None = None
    try:
        finish = begin(articles, vector_cache=cache) if begin else lambda: enricher.enrich(articles, vector_cache=cache)
    except Exception as exc:
        if fatal(exc):
            raise
        failure = exc

    def done() -> tuple[list[Result], dict[str, np.ndarray]]:
        if failure is None:
            try:
                finish()
                return list(articles), cache.new
            except Exception as exc:
                if fatal(exc):
                    raise
                return _one_by_one(articles, enricher, cache, exc)
        return _one_by_one(articles, enricher, cache, failure)

    return done


def _one_by_one(articles: list[Article], enricher, cache: VectorCache, exc: Exception
                ) -> tuple[list[Result], dict[str, np.ndarray]]:  # fmt: skip
    """After the batch failed with ``exc``: each article alone, an ArticleFailed in place of those that fail."""
    if hasattr(enricher, "close"):
        enricher.close()  # a worker may have died with the batch; start afresh
    if len(articles) == 1:
        return [ArticleFailed(articles[0].source, "enrichment", exc)], cache.new
    results: list[Result] = []
    failed: list[Exception] = []
    for article in articles:
        try:
            enricher.enrich([article], vector_cache=cache)
            results.append(article)
        except Exception as err:
            if fatal(err):
                raise
            if systematic(failed, err, [r for r in results if isinstance(r, Article)]):
                raise StageFailed("enrichment", err) from err
            failed.append(err)
            results.append(ArticleFailed(article.source, "enrichment", err))
    return results, cache.new


def fatal(exc: BaseException) -> bool:
    """True for failures that are not one article's fault (the store, the disk, a missing model): they stop the ingest."""
    if isinstance(exc, InputError):
        return False
    return isinstance(exc, StorylineError | OSError | MemoryError) or is_store_failure(exc)


def systematic(failed: list[Exception], exc: Exception, done: list) -> bool:
    """True when the first articles tried alone all fail the same way: a fault of the stage, not of one article,
    which would fail every article (stop, rather than report each one)."""
    same = [e for e in failed if type(e) is type(exc) and str(e) == str(exc)]
    return not done and len(same) >= 2
