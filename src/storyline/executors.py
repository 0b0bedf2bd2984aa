"""Where the map half of the pipeline runs: in this process, or on a Dask cluster.

An executor runs the two maps of :mod:`.mapping` over a batch and gives the
results back in the batch's order, so the reduce (on the driver, in
:class:`~storyline.pipeline.Pipeline`) sees the same sequence whatever ran the map.
The enrichment map is started (:meth:`Executor.start_enrich`) and waited for later,
so the driver stores one batch while the next is enriched:

- :class:`LocalExecutor`: in this process, with the enricher's own worker
  processes for big batches (:mod:`.enrichment.workers`).
- :class:`DaskExecutor`: over partitions of the batch on a Dask cluster, a
  ``LocalCluster`` by default or a running ``dask scheduler`` and its workers
  (``--scheduler ADDRESS``). Each worker loads the models once and keeps them
  for every partition it is given; its enricher works in the worker's process
  (the cluster is the pool).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from .errors import EngineFailed, SettingsError, StorylineError
from .mapping import Result, describe_batch, enrich_batch, lead_keys, start_enrich
from .models import Article

Enriching = Callable[[], tuple[list[Result], dict[str, np.ndarray]]]  # waits for a started enrichment: results, vectors

ENGINES = ("local", "dask")
PARTITION = 32  # articles per Dask task: enough to batch the models, small enough to spread a batch over workers
WORKERS_WAIT = 30.0  # seconds a running scheduler is given to have a worker before the ingest is refused (or fails)
WORKERS_POLL = 1.0  # seconds between looks at whether a batch's scheduler still has workers


class Executor(Protocol):
    name: str
    embedder_name: str

    def describe(self, articles: list[Article]) -> list[Result]: ...
    def warm_up(self) -> None: ...
    def start_enrich(self, articles: list[Article], known: dict[str, np.ndarray]) -> Enriching: ...
    def close(self, kill: bool = False) -> None: ...


class LocalExecutor:
    """The map in this process; ``enricher`` is a callable giving the (lazily built) enricher."""

    name = "local"

    def __init__(self, settings, enricher):
        self.settings = settings
        self._enricher = enricher

    @property
    def embedder_name(self) -> str:
        embedder = getattr(self._enricher(), "embedder", None)  # an enricher without one keeps no cache
        return getattr(embedder, "name", "")

    def describe(self, articles: list[Article]) -> list[Result]:
        return describe_batch(articles, self.settings)

    def start_enrich(self, articles: list[Article], known: dict[str, np.ndarray]) -> Enriching:
        return start_enrich(articles, self._enricher(), known)

    def warm_up(self) -> None:
        """Load the models now rather than on the first batch."""
        warm_up(self._enricher())

    def close(self, kill: bool = False) -> None:
        """The enricher's workers belong to the pipeline, which stops them."""


class DaskExecutor:
    """The map over partitions on a Dask cluster: a new ``LocalCluster``, or the scheduler at ``scheduler``."""

    name = "dask"

    def __init__(self, settings, scheduler: str | None = None, workers: int | None = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - distributed is a dependency
            raise SettingsError("--engine dask needs the distributed package: pip install distributed") from None
        self.settings = settings
        self.embedder_name = settings.embedder
        self._where = scheduler or "a local cluster"
        self._values = settings.as_dict() | {"workers": 1}  # the cluster is the pool: no processes of its own
        self._cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="30s")
            except OSError as exc:
                raise SettingsError(f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc}). Start it with "
                                    "`dask scheduler` and its workers with `dask worker ADDRESS`.") from None  # fmt: skip
            try:  # with no worker, every task would wait for one, and the ingest hang without a word
                self.client.wait_for_workers(1, timeout=WORKERS_WAIT)
            except TimeoutError:
                self.client.close()
                raise SettingsError(f"--scheduler {scheduler}: the Dask scheduler has no workers (none joined in "
                                    f"{WORKERS_WAIT:g} s). Start them with `dask worker {scheduler}`.") from None  # fmt: skip
        else:
            self._cluster = LocalCluster(n_workers=workers or max(1, int(settings.workers)), threads_per_worker=1,
                                         processes=True, dashboard_address=None)  # fmt: skip
            self.client = Client(self._cluster)

    def _map(self, fn, parts: list[tuple]) -> list[Any]:
        return self._gather(self._submit(fn, parts))

    def _submit(self, fn, parts: list[tuple]) -> list[Any]:
        try:
            return [self.client.submit(fn, *args, pure=False) for args in parts]
        except StorylineError:
            raise
        except Exception as exc:
            raise EngineFailed(self._where, exc) from exc

    def _gather(self, futures: list[Any]) -> list[Any]:
        """The futures' results; a cluster that failed under them (the scheduler gone: a cancelled future, a closed
        connection; a worker killed again and again) is an EngineFailed that says what to do, not a traceback. An
        error storyline raised on a worker (a model missing) reaches the driver as it is."""
        try:
            self._wait_with_workers(futures)
            return self.client.gather(futures)
        except StorylineError:
            raise
        except Exception as exc:
            raise EngineFailed(self._where, exc) from exc

    def _wait_with_workers(self, futures: list[Any]) -> None:
        """Wait for ``futures`` while the scheduler has a worker: a batch whose workers all left (killed, their
        machines gone) would wait for new ones for ever; after :data:`WORKERS_WAIT` seconds without any it fails."""
        from distributed import wait

        alone_since = None
        while True:
            try:
                wait(futures, timeout=WORKERS_POLL)
                return
            except TimeoutError:
                pass
            if self.client.scheduler_info().get("workers"):
                alone_since = None
            elif alone_since is None:
                alone_since = time.monotonic()
            elif time.monotonic() - alone_since >= WORKERS_WAIT:
                raise EngineFailed(self._where, RuntimeError(
                    f"every worker left and none joined in {WORKERS_WAIT:g} s"))

    def describe(self, articles: list[Article]) -> list[Result]:
        parts = [(chunk, self._values) for chunk in _partitions(articles)]
        return [r for part in self._map(dask_describe, parts) for r in part]

    def start_enrich(self, articles: list[Article], known: dict[str, np.ndarray]) -> Enriching:
        lead_chars = int(self.settings.lead_chars)
        parts = [(chunk, self._values, {k: known[k] for k in lead_keys(chunk, self.embedder_name, lead_chars) if k in known})
                 for chunk in _partitions(articles)]  # fmt: skip
        futures = self._submit(dask_enrich, parts)

        def done() -> tuple[list[Result], dict[str, np.ndarray]]:
            results, new = [], {}
            for part, vectors in self._gather(futures):
                results += part
                new.update(vectors)
            return results, new

        return done

    def warm_up(self) -> None:
        """Load the models on every worker now rather than on the first partitions."""
        self.client.run(dask_warm_up, self._values)

    def close(self, kill: bool = False) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def _partitions(articles: list[Article]) -> list[list[Article]]:
    return [articles[i : i + PARTITION] for i in range(0, len(articles), PARTITION)]


# --- on a Dask worker: the models load once per worker process --------------------------------
_WORKER_ENRICHERS: dict[tuple, Any] = {}


def _worker_settings(values: dict):
    from .settings import Settings

    return Settings(**values)


def _worker_enricher(values: dict):
    key = tuple(sorted(values.items()))
    if key not in _WORKER_ENRICHERS:
        from .enrichment import Enricher

        _WORKER_ENRICHERS[key] = Enricher(_worker_settings(values))
    return _WORKER_ENRICHERS[key]


def dask_describe(articles: list[Article], values: dict) -> list[Result]:
    return describe_batch(articles, _worker_settings(values))


def dask_enrich(articles: list[Article], values: dict, known: dict[str, np.ndarray]):
    return enrich_batch(articles, _worker_enricher(values), known)


def dask_warm_up(values: dict) -> None:
    warm_up(_worker_enricher(values))


def warm_up(enricher) -> None:
    """Enrich one short article, which loads every model the enricher uses."""
    enricher.enrich([Article(id="warm-up", source="", raw="", text="Anna Berg said the port would open on Monday.",
                             title="Port opens", language="en")])  # fmt: skip


def check_engine(engine: str, scheduler: str | None = None) -> None:
    """A SettingsError unless ``--engine`` names an engine and ``--scheduler`` goes with it."""
    if engine not in ENGINES:
        raise SettingsError(f"--engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise SettingsError("--scheduler is for --engine dask")


def make_executor(engine: str, settings, enricher=None, scheduler: str | None = None) -> Executor:
    """The executor the ``--engine`` option names."""
    check_engine(engine, scheduler)
    if engine == "local":
        return LocalExecutor(settings, enricher)
    return DaskExecutor(settings, scheduler)
