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

The workers die with their parent, however it ends (kill -9, the OOM killer):
on Linux the kernel sends them SIGKILL when the thread that forked them ends
(``prctl(PR_SET_PDEATHSIG)``, set only when that thread is the main thread,
which lives as long as the process), and everywhere each watches a pipe whose
only writer is the parent: when it reads end-of-file, the parent is gone and
it exits. They ignore Ctrl-C, which the terminal sends to the whole process
group: the parent alone handles it, and stops them.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import Future, ProcessPoolExecutor

from ..models import Article

CHUNK = 16  # articles per task: small enough to keep the workers evenly busy to the end

FIELDS = ("sentences", "mentions", "times", "quotes", "figures", "event_date", "event_date_how")

_NLP: dict[str, object] = {}


PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int, watch_fd: int, close_fd: int, pdeathsig: bool) -> None:
    """In a worker: be killed when the parent dies (prctl on Linux), and exit when the parent's pipe closes."""
    os.close(close_fd)  # the parent's end: the pipe then closes when the parent (its only holder) dies
    if pdeathsig and sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl here: the pipe below still ends the worker
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)

    def watch() -> None:
        try:
            os.read(watch_fd, 1)  # blocks until the parent's end closes: end-of-file
        finally:
            os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _start(model: str, parent: int, watch_fd: int, close_fd: int, pdeathsig: bool) -> None:
    """Worker start: die with the parent, ignore Ctrl-C, one BLAS thread, then load the pipeline."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent, watch_fd, close_fd, pdeathsig)
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
        self._pipe: tuple[int, int] | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context("fork")
            self._pipe = os.pipe()  # the workers hold the read end; the parent alone keeps the write end
            main = threading.current_thread() is threading.main_thread()
            args = (self.model, os.getpid(), self._pipe[0], self._pipe[1], main)
            self._pool = ProcessPoolExecutor(self.processes, mp_context=ctx, initializer=_start, initargs=args)
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

    def close(self, kill: bool = False) -> None:
        """Stop the workers: after their current work, or at once with ``kill`` (on Ctrl-C)."""
        if self._pool is not None:
            if kill:
                for process in list(self._pool._processes.values()):
                    process.kill()
            self._pool.shutdown(wait=True, cancel_futures=kill)
            self._pool = None
        if self._pipe is not None:
            for fd in self._pipe:
                os.close(fd)
            self._pipe = None
