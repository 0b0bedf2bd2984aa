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

import logging
import signal
import socket
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any, Protocol

import numpy as np

from .errors import EngineFailed, ModelMissing, SettingsError, StorylineError
from .mapping import Result, describe_batch, describe_one, enrich_batch, lead_keys, start_enrich
from .models import Article

Enriching = Callable[[], tuple[list[Result], dict[str, np.ndarray]]]  # waits for a started enrichment: results, vectors

ENGINES = ("local", "dask")
PARTITION = 32  # articles per Dask task: enough to batch the models, small enough to spread a batch over workers
WORKERS_WAIT = 30.0  # seconds a running scheduler is given to have a worker before the ingest is refused (or fails)
WORKERS_POLL = 1.0  # seconds between looks at whether a batch's scheduler still has workers
CONNECT_WAIT = 10.0  # seconds a --scheduler address is given to greet a connection as a Dask scheduler does


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
        warm_up(self._enricher(), self.settings)

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
        logging.getLogger("distributed.client").setLevel(logging.CRITICAL)  # its failures are told as EngineFailed
        if scheduler:
            _check_scheduler(scheduler)
            try:
                self.client = Client(scheduler, timeout=f"{CONNECT_WAIT}s")
            except OSError as exc:
                raise SettingsError(f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc}). Start it with "
                                    "`dask scheduler` and its workers with `dask worker ADDRESS`.") from None  # fmt: skip
            except (ValueError, TypeError) as exc:
                raise _no_address(scheduler, exc) from None
            try:  # with no worker, every task would wait for one, and the ingest hang without a word
                self.client.wait_for_workers(1, timeout=WORKERS_WAIT)
            except TimeoutError:
                self.client.close()
                raise SettingsError(f"--scheduler {scheduler}: the Dask scheduler has no workers (none joined in "
                                    f"{WORKERS_WAIT:g} s). Start them with `dask worker {scheduler}`.") from None  # fmt: skip
            self._check_workers(scheduler)
        else:
            main = threading.current_thread() is threading.main_thread()  # where a signal's handler may be set
            interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None  # its worker processes inherit
            try:  # it: Ctrl-C is the driver's alone to handle, as with the local engine's workers
                self._cluster = LocalCluster(n_workers=workers or max(1, int(settings.workers)), threads_per_worker=1,
                                             processes=True, dashboard_address=":0")  # fmt: skip
            finally:
                if main:
                    signal.signal(signal.SIGINT, interrupt)
            self.client = Client(self._cluster)

    def _check_workers(self, scheduler: str) -> None:
        """Refuse workers without storyline, or with another version of it: each would fail on the first task
        (and stop), or read the driver's settings and articles otherwise."""
        from importlib.metadata import version

        here = version("storyline")
        found = self.client.get_versions(packages=["storyline"]).get("workers", {})
        theirs = {w: (v.get("packages") or {}).get("storyline") for w, v in found.items()}
        wrong = sorted(w for w, v in theirs.items() if v != here)
        if wrong:
            self.client.close()
            shown = ", ".join(f"{w} ({theirs[w] or 'none'})" for w in wrong[:3]) + (", ..." if len(wrong) > 3 else "")
            raise SettingsError(f"--scheduler {scheduler}: {len(wrong)} of its {len(found)} Dask workers cannot run this "
                                f"storyline {here}: {shown}. Install the same version where they run, then "
                                "start them again.")

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


def _no_address(address: str, exc: Exception) -> SettingsError:
    return SettingsError(f"--scheduler {address}: not the address of a Dask scheduler ({exc}). Give one like "
                         "tcp://HOST:8786")


def _check_scheduler(address: str) -> None:
    """Refuse, within :data:`CONNECT_WAIT` seconds, a TCP address where something other than a Dask scheduler
    listens: a scheduler greets each connection first, and the client waits for that greeting without a deadline
    (the dashboard's port, 8787, held an ingest for ever)."""
    from distributed.comm import parse_address
    from distributed.comm.addressing import parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme != "tcp":
            return
        host, port = parse_host_port(location)
    except (ValueError, TypeError) as exc:
        raise _no_address(address, exc) from None
    try:
        with socket.create_connection((host, port), timeout=CONNECT_WAIT) as conn:
            conn.settimeout(CONNECT_WAIT)
            greeted = conn.recv(1)
    except TimeoutError:
        greeted = b""
    except OSError:
        return  # unreachable: the client says so
    if not greeted:
        raise SettingsError(f"--scheduler {address}: something listens there but it is not a Dask scheduler (it said "
                            f"nothing in {CONNECT_WAIT:g} s; a scheduler's own port is 8786 unless set, its dashboard's "
                            "8787). Give the address `dask scheduler` prints.")


def _partitions(articles: list[Article]) -> list[list[Article]]:
    return [articles[i : i + PARTITION] for i in range(0, len(articles), PARTITION)]


# --- on a Dask worker: the models load once per worker process --------------------------------
_WORKER_ENRICHERS: dict[tuple, Any] = {}


def _worker_settings(values: dict):
    from .settings import Settings

    return Settings.exactly(values)  # the driver's: not a config file or environment of the worker's own


def _worker_enricher(values: dict):
    key = tuple(sorted(values.items()))
    if key not in _WORKER_ENRICHERS:
        from .enrichment import Enricher

        _WORKER_ENRICHERS[key] = Enricher(_worker_settings(values))
    return _WORKER_ENRICHERS[key]


def dask_describe(articles: list[Article], values: dict) -> list[Result]:
    with _on_worker():
        return describe_batch(articles, _worker_settings(values))


def dask_enrich(articles: list[Article], values: dict, known: dict[str, np.ndarray]):
    with _on_worker():
        return enrich_batch(articles, _worker_enricher(values), known)


def dask_warm_up(values: dict) -> None:
    with _on_worker():
        warm_up(_worker_enricher(values), _worker_settings(values))


@contextmanager
def _on_worker():
    """A setting or model a Dask worker lacks (a model not installed there) is said to be the worker's: the driver
    that reports it may well have what the worker lacks."""
    try:
        yield
    except (SettingsError, ModelMissing) as exc:
        from distributed import get_worker

        try:
            where = f"the Dask worker at {get_worker().address}"
        except ValueError:  # outside a task (a warm-up run on every worker): the machine's name
            where = f"a Dask worker on {socket.gethostname()}"
        exc.args = (f"on {where}: {exc}",)
        raise


WARM_UP = ("Council approves new budget\n\nMay 3, 2024 - The city council approved a $2 million budget on "
           'Tuesday, Mayor Jane Smith said. "This is a good day for the city," Smith told reporters in Springfield.')


def warm_up(enricher, settings) -> None:
    """Describe and enrich one made-up article (not stored), which loads every model the two stages use."""
    enricher.enrich([describe_one(Article(id="warm-up", source="warm-up", raw=WARM_UP), settings)])


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
