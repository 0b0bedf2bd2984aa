"""Benchmark: one corpus ingested four ways, side by side in one run: into SQLite, into PostgreSQL, and with the
map on a Dask cluster of one and of two workers (into SQLite, so the ratio to the first is the engine's alone).

Each way runs in a process of its own (so each peak memory is its own) over the same replicated and perturbed
real articles (ECB+ dev texts when ../shared is present, else the bundled corpus: each copy has its sentences
shuffled, its title numbered and clutter lines added, so no two are the same text).
Reports articles per second, the peak memory of the driver and of each worker process, and where the driver's
time goes (the map's two stages as seen from the driver, writing rows, placement in events, the rest). The models
are loaded in every process before the clock starts (their load time is reported beside).

Writes bench/results/scale.json. Run by hand: .venv/bin/python bench/scale.py [--n 10000] [--ways sqlite,...] [--out F]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the throw-away PostgreSQL server of the tests
from _corpus import ECB, perturbed  # noqa: E402

WAYS = ("sqlite", "postgresql", "dask1", "dask2")
OUT = ROOT / "bench" / "results" / "scale.json"


def corpus(n: int, path: Path, seed: int = 11) -> None:
    """``n`` JSONL articles: perturbed real texts (shuffled sentences, numbered titles, clutter lines), each with an id."""
    with path.open("w", encoding="utf-8") as out:
        for i, text in enumerate(perturbed(n, seed)):
            out.write(json.dumps({"id": f"s{i:06d}", "text": text}, ensure_ascii=False) + "\n")


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def _timed(parts: dict, name: str, fn):
    def run(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            parts[name] = parts.get(name, 0.0) + time.perf_counter() - t

    return run


def _timed_start(parts: dict, name: str, start):
    """``start`` (which begins work and returns a function that waits for it) with both halves timed as ``name``:
    the driver's time in the map, not the time the map runs while the driver does something else."""
    timed = _timed(parts, name, start)
    return lambda *args, **kwargs: _timed(parts, name, timed(*args, **kwargs))


def run_one(way: str, source: str, db: str) -> dict:
    """Ingest ``source`` into ``db`` one ``way``; what it measured, as a dict (printed as JSON by --run)."""
    from storyline.executors import DaskExecutor
    from storyline.pipeline import Pipeline
    from storyline.settings import Settings
    from storyline.storage import open_store

    settings = Settings(db=db)
    store = open_store(db)
    pipeline = Pipeline(store, settings)
    if way.startswith("dask"):
        pipeline.executor = DaskExecutor(settings, workers=int(way[4:]))
    parts: dict[str, float] = {}
    ex = pipeline.executor
    ex.describe = _timed(parts, "map: clean + describe", ex.describe)
    ex.start_enrich = _timed_start(parts, "map: enrich (spaCy, annotators, vectors), waited for", ex.start_enrich)
    store.add_articles = _timed(parts, "reduce: write rows", store.add_articles)
    tracker = pipeline.events
    tracker.place = _timed(parts, "reduce: place in events and stories", tracker.place)
    t = time.perf_counter()
    ex.warm_up()  # the models load once per process, before the clock starts
    warm = time.perf_counter() - t
    t = time.perf_counter()
    report = pipeline.ingest([source])
    total = time.perf_counter() - t
    workers = []
    if way.startswith("dask"):
        workers = sorted(ex.client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024).values())
    pipeline.close()
    parts["reduce: the rest (read, hash checks, dedup, entities)"] = total - sum(parts.values())
    return {
        "way": way, "articles": len(report.stored), "failed": len(report.failures), "seconds": round(total, 1),
        "articles_per_second": round(len(report.stored) / total, 2), "load_models_seconds": round(warm, 1),
        "peak_rss_mb": {"driver": _rss_mb(), "workers": [round(w, 1) for w in workers] or
                        ([_rss_mb(resource.RUSAGE_CHILDREN)] if _rss_mb(resource.RUSAGE_CHILDREN) else [])},
        "share_of_time": {k: round(v / total, 3) for k, v in parts.items()},
        "seconds_per_part": {k: round(v, 1) for k, v in parts.items()},
    }  # fmt: skip


def main(n: int, ways: list[str], out: Path = OUT) -> dict:
    from _postgres import PostgresServer

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "corpus.jsonl"
        corpus(n, source)
        server = PostgresServer().start() if "postgresql" in ways else None
        try:
            for way in ways:
                db = server.new_database() if way == "postgresql" else str(Path(tmp) / f"{way}.db")
                done = subprocess.run([sys.executable, __file__, "--run", way, "--source", str(source), "--db", db],
                                      capture_output=True, text=True, cwd=tmp)  # fmt: skip
                if done.returncode:
                    raise SystemExit(f"{way} failed:\n{done.stderr[-3000:]}")
                results.append(json.loads(done.stdout.strip().splitlines()[-1]))
                print(json.dumps(results[-1]), flush=True)
        finally:
            if server:
                server.stop()
    base = next((r for r in results if r["way"] == "sqlite"), results[0])["articles_per_second"]
    summary = {
        "articles": n, "source": "ECB+ dev, replicated and perturbed" if ECB.exists() else "examples/corpus, replicated",
        "machine": "2 cores, shared with other work (the ways run one after another in one run)",
        "order": ways, "ways": results,
        "ratio_to_sqlite": {r["way"]: round(r["articles_per_second"] / base, 2) for r in results},
    }  # fmt: skip
    out.write_text(json.dumps(summary, indent=2) + "\n")
    return summary


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--ways", default=",".join(WAYS))
    parser.add_argument("--out", type=Path, default=OUT, help="Where to write the figures.")
    parser.add_argument("--run")
    parser.add_argument("--source")
    parser.add_argument("--db")
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_one(args.run, args.source, args.db)))
    else:
        summary = main(args.n, args.ways.split(","), args.out)
        print(json.dumps(summary["ratio_to_sqlite"]))
