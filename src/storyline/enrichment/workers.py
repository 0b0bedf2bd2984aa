"""Worker processes that parse and annotate articles while the parent embeds.

On a big batch the spaCy parse and our own annotators (entities, dates,
quotes, figures) run in ``workers`` processes, and the parent process embeds
the leads meanwhile on one thread, so every core is busy with one of them.

The workers are forked when the first big batch arrives, before the parent
embeds it, so they do not load torch or the embedder (a fork server or spawn
would re-run the caller's ``__main__`` in every worker, which breaks scripts
without a main guard). Each loads only the spaCy pipeline, once, with one
BLAS thread, and is kept for the next batch; none of them uses torch or
OpenMP, so forking a parent that already did is safe. They receive articles
and send back only the fields they filled, plus the CPU seconds of each part.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import defaultdict
from concurrent.futures import Future, ProcessPoolExecutor

from ..models import Article

CHUNK = 16  # articles per task: small enough to keep the workers evenly busy to the end

FIELDS = ("sentences", "mentions", "times", "quotes", "figures", "event_date", "event_date_how")

_NLP: dict[str, object] = {}


def _start(model: str) -> None:
    """Worker start: one BLAS thread per process, then load the pipeline."""
    from threadpoolctl import threadpool_limits

    from .nlp import SpacyNLP

    threadpool_limits(1)
    nlp = SpacyNLP(model)
    nlp.nlp  # noqa: B018 - load now, not inside the first task
    _NLP["nlp"] = nlp


def _annotate_chunk(articles: list[Article]) -> tuple[list[tuple], dict[str, float]]:
    """Parse and annotate ``articles``; their filled fields and the CPU seconds of each part."""
    from . import annotate

    clock: dict[str, float] = defaultdict(float)
    c0 = time.process_time()
    parsed = _NLP["nlp"].parse([a.text for a in articles])
    c1 = time.process_time()
    clock["spacy"] += c1 - c0
    out = []
    for article, p in zip(articles, parsed, strict=True):
        annotate(article, p, clock)
        out.append(tuple(getattr(article, f) for f in FIELDS))
    return out, dict(clock)


class WorkerPool:
    """``processes`` spaCy workers for ``model``, started on first use and kept until :meth:`close`."""

    def __init__(self, model: str, processes: int):
        self.model = model
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(self.processes, mp_context=ctx, initializer=_start, initargs=(self.model,))
        return self._pool

    def submit(self, articles: list[Article]) -> list[Future]:
        """Start annotating ``articles`` in the workers; one future per chunk, in order."""
        pool = self._executor()
        return [pool.submit(_annotate_chunk, articles[i : i + CHUNK]) for i in range(0, len(articles), CHUNK)]

    @staticmethod
    def collect(articles: list[Article], futures: list[Future], timings: dict[str, float]) -> None:
        """Wait for ``futures`` and copy the fields they filled onto ``articles``; add their CPU seconds to ``timings``."""
        done = 0
        for future in futures:
            rows, clock = future.result()
            for article, row in zip(articles[done : done + len(rows)], rows, strict=True):
                for field, value in zip(FIELDS, row, strict=True):
                    setattr(article, field, value)
            done += len(rows)
            for part, seconds in clock.items():
                timings[part] += seconds

    def pids(self) -> list[int]:
        """Process ids of the running workers (for measuring their CPU time)."""
        return list(self._pool._processes) if self._pool is not None else []

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
