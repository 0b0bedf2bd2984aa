"""Start-up from the store: what ``storyline ingest`` and ``serve`` pay before placing anything.

For each size, a SQLite store is filled as ``storyline ingest`` stores and places a batch (``add_articles``, then
:meth:`EventTracker.place`, batches of 256) with the perturbed real articles of ``bench/cluster.py`` (enriched
once, cached). Then the tracker is started from it (:meth:`EventTracker.from_store`), each start in a process of
its own, two ways side by side, alternating:

- ``texts``: every article read again from its text and enrichment, as every start did before the store kept what
  placement read of each article (and as the first start after an upgrade does): a copy of the store without traits;
- ``traits``: the profiles made from the traits the store keeps;
- ``before`` (with ``--before SRC``): the same copy without traits started by another version of storyline (its
  ``src`` directory), e.g. the one before traits were kept, which read every stored article whole at once.

Reports the start-up (seconds, and per stored article) and the peak memory of each process, and the fill per
article, split into placement in the index and the rest (writing events and stories).
Writes ``bench/results/startup.json`` (``startup-postgresql.json`` with ``--backend postgresql``, on a throw-away
server as the tests start one). Run: ``.venv/bin/python bench/startup.py [--sizes 1000,10000,20000] [--backend B]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from functools import partial
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from cluster import base_articles, perturb  # noqa: E402

ROUNDS = 2  # starts of each way, alternating


def fill(url: str, size: int, source: str) -> dict:
    """A store of ``size`` placed articles; the fill's cost per article."""
    from storyline.events.tracking import EventTracker
    from storyline.settings import Settings
    from storyline.storage import open_store

    articles = perturb(base_articles(source, 1000), size, random.Random(size), date(2015, 1, 1), 365 * 8)
    for a in articles:  # no entity registry here: the mentions keep their names, not ids
        for m in a.mentions:
            m.entity_id = None
        for q in a.quotes:
            q.speaker_entity_id = None
    store = open_store(url)
    tracker, placing = None, 0.0

    def timed(batch, place, **how):
        nonlocal placing
        t = time.perf_counter()
        changes = place(batch, **how)
        placing += time.perf_counter() - t
        return changes

    start = time.perf_counter()
    for at in range(0, size, 256):
        batch = articles[at : at + 256]
        with store.write():
            store.add_articles(batch)
            if tracker is None:
                tracker = EventTracker.from_store(store, Settings())
                tracker.index.place_batch = partial(timed, place=tracker.index.place_batch)
            tracker.place(batch, store)
    took = time.perf_counter() - start
    store.close()
    return {"fill_per_article_ms": 1000 * took / size, "fill_store_part_per_article_ms": 1000 * (took - placing) / size}


def started(url: str) -> dict:
    """Start a tracker from the store at ``url`` (in this process): seconds and peak memory."""
    from storyline.events.tracking import EventTracker
    from storyline.settings import Settings
    from storyline.storage import open_store

    store = open_store(url, read_only=True)
    t = time.perf_counter()
    tracker = EventTracker.from_store(store, Settings())
    took = time.perf_counter() - t
    read = len(getattr(tracker, "unkept", tracker.index.profiles))  # a version before traits read every article
    return {"seconds": took, "articles": len(tracker.index), "read_from_text": read, "peak_rss_mb": peak_mb()}


def peak_mb() -> float:
    """This process's own peak resident memory (``VmHWM``: ``ru_maxrss`` would carry the parent's peak over a fork)."""
    line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


class Files:
    """SQLite stores, one file each."""

    def __init__(self, work: Path):
        self.work = work

    def new(self, name: str) -> str:
        return str(self.work / f"{name}.db")

    def without_traits(self, url: str, name: str) -> str:
        """A copy of the store at ``url`` without its traits (vacuumed)."""
        copy = self.new(name)
        shutil.copy(url, copy)
        with sqlite3.connect(copy) as conn:
            conn.execute("DELETE FROM traits")
        with sqlite3.connect(copy) as conn:
            conn.execute("VACUUM")
        return copy

    def size_mb(self, url: str) -> float:
        return Path(url).stat().st_size / 2**20


class Databases:
    """PostgreSQL stores, one database each, on a throw-away server (the tests' own, ``tests/_postgres.py``)."""

    def __init__(self, server):
        self.server = server

    def new(self, name: str) -> str:
        return self.server.new_database()

    def without_traits(self, url: str, name: str) -> str:
        import psycopg

        base, source = url.rsplit("/", 1)
        with psycopg.connect(self.server.admin_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {source}_{name} TEMPLATE {source}")
        with psycopg.connect(f"{base}/{source}_{name}", autocommit=True) as conn:
            conn.execute("DELETE FROM traits")
            conn.execute("VACUUM FULL")
        return f"{base}/{source}_{name}"

    def size_mb(self, url: str) -> float:
        import psycopg

        with psycopg.connect(url) as conn:
            return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20


def measure(size: int, source: str, stores, before: str | None) -> dict:
    kept = stores.new(f"traits-{size}")
    row = {"articles": size, **fill(kept, size, source)}
    texts = stores.without_traits(kept, "texts")
    ways = {"texts": (texts, None), "traits": (kept, None)} | ({"before": (texts, before)} if before else {})
    runs: dict[str, list[dict]] = {way: [] for way in ways}
    for _ in range(ROUNDS):
        for way, (path, src) in ways.items():
            env = os.environ | ({"PYTHONPATH": src} if src else {})
            out = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True,
                                 check=True, env=env)  # fmt: skip
            runs[way].append(json.loads(out.stdout.strip().splitlines()[-1]))
    for way, done in runs.items():
        assert all(r["articles"] == size for r in done) and all((r["read_from_text"] > 0) == (way != "traits") for r in done)
        seconds = statistics.median(r["seconds"] for r in done)
        row[way] = {"start_s": seconds, "per_article_ms": 1000 * seconds / size, "runs_s": [r["seconds"] for r in done],
                    "peak_rss_mb": [r["peak_rss_mb"] for r in done]}  # fmt: skip
    row["traits_over_texts"] = row["traits"]["start_s"] / row["texts"]["start_s"]
    if before:
        row["traits_over_before"] = row["traits"]["start_s"] / row["before"]["start_s"]
    row["store_mb"] = {"with_traits": stores.size_mb(kept), "without": stores.size_mb(texts)}
    return row


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--source", default=str(HERE.parent.parent / "shared" / "data" / "ecbplus-dev.jsonl"))
    p.add_argument("--sizes", default="1000,10000,20000")
    p.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    p.add_argument("--out", help="default: bench/results/startup.json, startup-postgresql.json for PostgreSQL")
    p.add_argument("--before", help="the src directory of a version to start the same way, side by side "
                   "(e.g. one before traits: `git archive 13aefb4 src | tar -x -C /tmp/before`, then /tmp/before/src)")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(started(args.child)))
        return 0
    out = args.out or str(HERE / "results" / ("startup.json" if args.backend == "sqlite" else "startup-postgresql.json"))
    rows, server = [], None
    with tempfile.TemporaryDirectory(prefix="storyline-startup-") as work:
        if args.backend == "postgresql":
            sys.path.insert(0, str(HERE.parent / "tests"))
            from _postgres import PostgresServer

            server = PostgresServer().start()
        try:
            stores = Databases(server) if server else Files(Path(work))
            for size in (int(s) for s in args.sizes.split(",")):
                rows.append(measure(size, args.source, stores, args.before))
                print(json.dumps(rows[-1]), flush=True)
        finally:
            if server:
                server.stop()
    Path(out).write_text(json.dumps({"date": date.today().isoformat(), "backend": args.backend, "rounds": ROUNDS,
                                     "before": args.before, "sizes": rows}, indent=2))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
