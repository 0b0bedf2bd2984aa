"""Cost of event placement and rebuild as the store grows: 1k, 10k and 100k articles.

Real articles (ECB+ dev, or any JSONL with ``text``) are enriched once with the
project's own pipeline (cached under /tmp), then replicated and perturbed —
words dropped, vectors jittered, dates spread over several years — to fill an
:class:`~storyline.events.EventIndex` of each size. Then:

- fill: the store placed as ingest does it, in batches of 256, per article;
- placement: median and 95th-percentile time to place one new article as a batch of
  one (vectors already computed; its neighbourhood of events and stories clustered
  again, as every ingest does), over ``--queries`` fresh perturbed articles;
- restarted: the index started afresh from the stored articles and their events' trees of merges
  (:meth:`EventIndex.from_articles`: the index ``storyline ingest`` and a restarted ``serve`` start from the
  store, made from whole articles; ``bench/startup.py`` times the start from the store itself): the start-up
  time, and the same placements in it (median and 95th percentile);
- rebuild: wall time for re-clustering the whole store, and per article;
- peak memory (max RSS) of the process after each size.

Writes ``bench/results/cluster.json``. Run: ``.venv/bin/python bench/cluster.py [--sizes 1000,10000,100000]``.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import pickle
import random
import resource
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from storyline.events import EventIndex, rebuild
from storyline.settings import Settings

HERE = Path(__file__).parent
CACHE = Path("/tmp/storyline-bench-cluster-articles-v5.pkl")  # v5: static headline+lead vectors


def base_articles(source: str, limit: int) -> list:
    """Enriched real articles, cached (enrichment is the slow part and not what is measured)."""
    if CACHE.exists():
        return pickle.loads(CACHE.read_bytes())[:limit]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from storyline import cleaning, metadata, reading
    from storyline.enrichment import Enricher

    settings = Settings()
    arts = []
    for item in reading.read_paths([source], settings):
        if hasattr(item, "raw"):
            cleaning.clean(item)
            metadata.describe(item, settings)
            arts.append(item)
        if len(arts) >= limit:
            break
    Enricher(settings).enrich(arts)
    CACHE.write_bytes(pickle.dumps(arts))
    return arts


def perturb(base, n: int, rng: random.Random, start: date, span_days: int) -> list:
    """``n`` variants of the base articles: some words dropped, vectors jittered, a new date."""
    out = []
    for i in range(n):
        src = base[i % len(base)]
        a = copy.copy(src)
        a.id = f"{src.id}~{i}"
        words = src.text.split()
        keep = [w for w in words if rng.random() > 0.15]
        a.text = " ".join(keep)
        day = (start + timedelta(days=rng.randrange(span_days))).isoformat()
        a.published, a.published_how, a.event_date = day, "stated", day
        a.event_id = a.story_id = None
        a.duplicate_of = None
        jitter = np.random.default_rng(i)
        for name in ("vector",):
            if getattr(src, name) is not None:
                v = np.asarray(getattr(src, name), np.float32) + jitter.normal(0, 0.03, len(getattr(src, name))).astype(np.float32)
                setattr(a, name, v / np.linalg.norm(v))
        out.append(a)
    return out


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def placed(index: EventIndex, articles: list) -> tuple[float, float]:
    """Place each of ``articles`` as a batch of one; the median and 95th-percentile time, in ms."""
    times = []
    for a in articles:
        t = time.perf_counter()
        index.place(a)
        times.append(time.perf_counter() - t)
    times.sort()
    return 1000 * statistics.median(times), 1000 * times[int(0.95 * (len(times) - 1))]


def measure(base, size: int, queries: int, settings, do_rebuild: bool) -> dict:
    rng = random.Random(size)
    store = perturb(base, size, rng, date(2015, 1, 1), 365 * 8)
    t = time.perf_counter()
    index = EventIndex(settings)
    for start in range(0, size, 256):
        index.place_batch(store[start:start + 256])
    fill = time.perf_counter() - t
    for a in store:  # as the store holds them, for the restart below (before the queries change the events)
        a.event_id = index.event_of[a.id]
        a.story_id = index.story_of(a.event_id)
    trees = dict(index.trees)
    fresh = perturb(base, queries, random.Random(-size), date(2015, 1, 1), 365 * 8)
    for a in fresh:
        a.id += "-q"
    median, p95 = placed(index, fresh)
    result = {
        "articles": size,
        "events": len(index.events),
        "stories": len(index.stories),
        "place_median_ms": median,
        "place_p95_ms": p95,
        "fill_per_article_ms": 1000 * fill / size,
        "peak_rss_mb_after_fill": peak_mb(),
    }
    del index
    t = time.perf_counter()
    index = EventIndex.from_articles(store, settings, trees=trees)
    result["restart_s"] = time.perf_counter() - t
    for a in fresh:
        a.event_id = a.story_id = None
    median, p95 = placed(index, fresh)
    result.update(restart_place_median_ms=median, restart_place_p95_ms=p95, peak_rss_mb_after_restart=peak_mb())
    if do_rebuild:
        del index
        t = time.perf_counter()
        rebuild(store, settings)
        took = time.perf_counter() - t
        result.update(rebuild_s=took, rebuild_per_article_ms=1000 * took / size, peak_rss_mb_after_rebuild=peak_mb())
    return result


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--source", default=str(HERE.parent.parent / "shared" / "data" / "ecbplus-dev.jsonl"))
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--no-rebuild-above", type=int, default=100000, help="skip the rebuild for larger sizes")
    p.add_argument("--out", default=str(HERE / "results" / "cluster.json"))
    args = p.parse_args(argv)
    settings = Settings()
    base = base_articles(args.source, 1000)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        row = measure(base, size, args.queries, settings, size <= args.no_rebuild_above)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    settings_used = {k: v for k, v in settings.as_dict().items() if k.startswith(("event_", "story_", "model"))}
    out.write_text(json.dumps({"base_articles": len(base), "settings": settings_used, "sizes": rows}, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
