"""Enrichment: sentences, entities, quotes, figures, dates and vectors for each article.

:class:`Enricher` runs the steps over a batch, in this order:

1. sentences and named entities with spaCy (:mod:`.nlp`), batched;
2. canonical names within the article (:mod:`.entities`);
3. dates in the text, resolved against the publication date (:mod:`.times`);
4. quotes with speakers (:mod:`.quotes`);
5. figures with what they measure, outside the dates (:mod:`.figures`);
6. the event-date estimate (:func:`.times.estimate_event_date`);
7. a unit vector of the headline and lead (:mod:`.vectors`), cached by a hash
   of the embedded text.

On a large batch, steps 1-6 run in worker processes (:mod:`.workers`) while
the parent embeds (step 7), so both models keep a core busy. Cross-article
entities are resolved afterwards by the store's
:class:`.entities.EntityRegistry`.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable

from ..agencies import credited
from ..models import Article
from .entities import EntityRegistry, resolve_mentions
from .figures import find_figures
from .nlp import Parsed, SpacyNLP
from .quotes import find_quotes
from .times import estimate_event_date, find_times
from .vectors import Embedder, HashEmbedder, MiniLMEmbedder, embed_cached, make_embedder, torch_threads
from .workers import CHUNK, WorkerPool

__all__ = [
    "PARALLEL_MIN",
    "Enricher", "EntityRegistry", "Embedder", "HashEmbedder", "MiniLMEmbedder", "annotate", "link_speakers", "make_embedder",
]

PARALLEL_MIN = 200  # below this many articles, worker processes cost more than they save


def _regex_sentences(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[^\n.!?]+(?:[.!?]+|$)", text, re.M) if m.group().strip()]


def annotate(article: Article, parsed: Parsed | None, timings: dict | None = None, timer=time.process_time) -> Article:
    """Fill one article's sentences, mentions, times, quotes, figures and event date from its parse.

    ``parsed`` is None for text the entity recogniser cannot read (another
    language): then only sentences, dates and the event date are filled.
    The quotes take the agencies credited with the copy from ``wire`` (metadata's; with none, the text's datelines').
    ``timings`` adds up the ``timer`` seconds (CPU by default) of each part.
    """
    clock = timings if timings is not None else defaultdict(float)
    t0 = timer()
    text = article.text or ""
    article.sentences = parsed.sentences if parsed else _regex_sentences(text)
    article.mentions = resolve_mentions(text, parsed.entities) if parsed else []
    t1 = timer()
    article.times = find_times(text, article.published, article.sentences)
    t2 = timer()
    wire = article.wire or credited(text)  # an article that metadata did not describe: its datelines' credits
    article.quotes = find_quotes(text, article.sentences, article.mentions, wire) if parsed else []
    t3 = timer()
    article.figures = find_figures(text, article.sentences, article.times) if parsed else []
    t4 = timer()
    article.event_date, article.event_date_how = estimate_event_date(article)
    t5 = timer()
    for part, seconds in (("entities", t1 - t0), ("times", t2 - t1 + t5 - t4), ("quotes", t3 - t2), ("figures", t4 - t3)):
        clock[part] += seconds
    return article


def opening(text: str, words: int) -> str:
    """``text`` up to the end of its ``words``-th word (all of it when ``words`` is 0 or it is shorter)."""
    if words <= 0:
        return text
    ends = [m.end() for m in re.finditer(r"\S+", text)]
    return text[: ends[words - 1]] if len(ends) > words else text


def link_speakers(article: Article) -> Article:
    """Give each quote the entity id of its speaker, once the registry has set the mentions' ids."""
    ids = {m.name: m.entity_id for m in article.mentions if m.label == "PERSON" and m.entity_id is not None}
    ids.update({m.name: m.entity_id for m in article.mentions if m.label != "PERSON" and m.name not in ids})
    for q in article.quotes:
        q.speaker_entity_id = ids.get(q.speaker) if q.speaker else None
    return article


class Enricher:
    """Fills the enrichment fields of a batch of articles.

    ``nlp`` (anything with ``parse(texts, n_process) -> list[Parsed]``) and
    ``embedder`` (see :mod:`.vectors`) are swappable; by default they come
    from the ``spacy_model`` and ``embedder`` settings. With the default spaCy
    pipeline, batches of at least :data:`PARALLEL_MIN` articles are parsed and
    annotated in ``workers`` processes (kept until :meth:`close`) while this
    process embeds. ``timings`` adds up the CPU seconds of each part across
    calls, workers included; ``wall`` the elapsed seconds.
    """

    def __init__(self, settings, nlp=None, embedder: Embedder | None = None):
        self.settings = settings
        self.nlp = nlp or SpacyNLP(settings.spacy_model)
        self._embedder = embedder
        self._pool: WorkerPool | None = None
        self.timings: dict[str, float] = defaultdict(float)
        self.wall = 0.0

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.settings)
        return self._embedder

    def enrich(self, articles: list[Article], vector_cache=None) -> list[Article]:
        """Enrich ``articles`` in place and return them."""
        return self.start(articles, vector_cache)()

    def start(self, articles: list[Article], vector_cache=None) -> Callable[[], list[Article]]:
        """Begin enriching ``articles`` in place; the function returned waits for the end and returns them.

        A large batch is parsed in the worker processes meanwhile, so the caller can do other work (store
        the batch before, describe the next) before calling it; a small one is enriched before this returns.
        """
        t0 = time.perf_counter()
        english = [a for a in articles if (a.language or "en") == "en" and a.text]
        pool = self._pool_for(len(english))
        if pool is None:
            c0 = time.process_time()
            parsed = dict(zip(map(id, english), self.nlp.parse([a.text for a in english]), strict=True))
            self.timings["spacy"] += time.process_time() - c0
            for article in articles:
                annotate(article, parsed.get(id(article)), self.timings)
            self._embed(articles, vector_cache)
            self.wall += time.perf_counter() - t0
            return lambda: articles
        futures = pool.submit(english)
        parsed_ids = set(map(id, english))
        for article in articles:
            if id(article) not in parsed_ids:
                annotate(article, None, self.timings)
        with torch_threads(self.embedder, 1):  # the workers have the other cores
            self._embed(articles, vector_cache)
        self.wall += time.perf_counter() - t0

        def finish() -> list[Article]:
            t1, c1 = time.perf_counter(), time.process_time()
            pool.collect(english, futures, self.timings)
            self.timings["collect"] += time.process_time() - c1
            self.wall += time.perf_counter() - t1
            return articles

        return finish

    def _pool_for(self, n: int) -> WorkerPool | None:
        """The worker processes for a batch of ``n`` English articles, or None to work in this process."""
        workers = int(self.settings.workers)
        if workers < 2 or type(self.nlp) is not SpacyNLP:
            return None
        if self._pool is None and n >= PARALLEL_MIN:
            self._pool = WorkerPool(self.nlp.model, workers)
        return self._pool if self._pool is not None and n >= 2 * CHUNK else None

    def _embed(self, articles: list[Article], vector_cache) -> None:
        c0 = time.process_time()
        leads = [a.lead(self.settings.lead_chars) for a in articles]
        for article, vector in zip(articles, embed_cached(self.embedder, leads, vector_cache), strict=True):
            article.vector = vector
        self.timings["vectors: headline+lead"] += time.process_time() - c0

    def close(self, kill: bool = False) -> None:
        """Stop the worker processes, if any were started (at once, with ``kill``)."""
        if self._pool is not None:
            self._pool.close(kill)
            self._pool = None
