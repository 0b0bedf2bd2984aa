"""Cost of event placement and rebuild as the store grows: 1k, 10k and 100k articles.

Real articles (ECB+ dev, or any JSONL with ``text``) are enriched once with the
project's own pipeline (cached under /tmp), then replicated and perturbed —
words dropped, vectors jittered, dates spread over several years — to fill an
:class:`~storyline.events.EventIndex` of each size. Then:

- fill: the store placed as ingest does it, in batches of 256, per article, and how many times and how long in all
  the index laid its clusters out afresh in memory (:meth:`~storyline.events.EventIndex.lay_out`) meanwhile;
- placement: median and 95th-percentile time to place one new article as a batch of
  one (vectors already computed; its neighbourhood of events and stories clustered
  again, as every ingest does), over ``--queries`` fresh perturbed articles;
- restarted: the index started afresh from the stored articles and their events' trees of merges
  (:meth:`EventIndex.from_articles`: the index ``storyline ingest`` and a restarted ``serve`` start from the
  store, made from whole articles; ``bench/startup.py`` times the start from the store itself): the start-up
  time, and the same placements in it (median and 95th percentile);
- rebuild: wall time for re-clustering the whole store, and per article;
- peak memory (max RSS) of the process after each size;
- side by side (with ``--before SRC``, the ``src`` directory of another version): the filled index pickled, and the
  same queries placed in it by this version and by that one in turn, each in a fresh process, ``--rounds`` times
  (median and 95th percentile of each run), and whether the two left the same events and stories; neither lays its
  clusters out afresh while placing them (``LAY_OUT_SHARE`` 0 where a version has it). Only a version whose index
  has the same classes and attributes as this one's can load it (none before ea4ff0b, whose lay-out state and
  ``Aggregate`` pickling it holds; ``Aggregate`` moved to ``events/clusters.py`` in c5dd5ca, and the index's other
  classes to ``events/linking.py`` and ``events/bags.py`` in df51630); one that decides differently would have filled it
  differently, so the comparison holds for changes that decide alike. Runs on one machine differ by more than
  many changes do: only such figures compare two versions.

Writes ``bench/results/cluster.json``. Run: ``.venv/bin/python bench/cluster.py [--sizes 1000,10000,100000]
[--before SRC]`` (``git archive REV src | tar -x -C /tmp/before``, then ``--before /tmp/before/src``).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import pickle
import random
import resource
import statistics
import subprocess
import sys
import tempfile
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


def side_by_side(index: EventIndex, fresh: list, before: str, rounds: int) -> dict:
    """The ``fresh`` queries placed in ``index`` (pickled) by this version and the one in ``before`` in turn, each in a
    fresh process (:func:`child`, the same hash seed for both), which goes first alternating, ``rounds`` times: each
    run's median and 95th percentile, and whether the two versions left the same events and stories."""
    runs: dict[str, list[dict]] = {"this": [], "before": []}
    ways = [("before", before), ("this", None)]
    with tempfile.TemporaryDirectory(prefix="storyline-bench-cluster-") as work:
        path = Path(work) / "index.pkl"
        with path.open("wb") as f:
            pickle.dump((index, fresh), f, protocol=pickle.HIGHEST_PROTOCOL)
        for round_ in range(rounds):
            for way, src in ways if round_ % 2 == 0 else ways[::-1]:
                env = os.environ | {"PYTHONHASHSEED": "0"} | ({"PYTHONPATH": src} if src else {})
                proc = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True,
                                      env=env)  # fmt: skip
                if proc.returncode:
                    raise SystemExit(f"placing with {src or 'this version'} failed (a version whose index is laid out "
                                     f"differently cannot load this one's):\n{proc.stderr[-2000:]}")
                run = json.loads(proc.stdout.strip().splitlines()[-1])
                if (src is not None) != Path(run["package"]).resolve().is_relative_to(Path(before).resolve()):
                    raise SystemExit(f"the {way} version ran storyline from {run['package']}: check --before {before}")
                runs[way].append(run)
    out = {way: {"place_median_ms": [r["median_ms"] for r in results], "place_p95_ms": [r["p95_ms"] for r in results]}
           for way, results in runs.items()}  # fmt: skip
    out["this_over_before"] = statistics.median(out["this"]["place_median_ms"]) / statistics.median(
        out["before"]["place_median_ms"])
    out["same_decisions"] = len({r["decisions"] for results in runs.values() for r in results}) == 1
    out["before"]["src"] = before
    return out


def child(path: str) -> dict:
    """Place the queries pickled with an index (:func:`side_by_side`) in it: the median and 95th-percentile time,
    a digest of the events and stories they leave, and where the storyline package that placed them lies."""
    import storyline

    try:  # the same work for both versions: no lay-out in the middle of the queries
        from storyline.events import layout

        layout.LAY_OUT_SHARE = 0.0
    except ImportError:
        pass
    with open(path, "rb") as f:
        index, fresh = pickle.load(f)
    median, p95 = placed(index, fresh)
    return {"median_ms": median, "p95_ms": p95, "decisions": decisions(index),
            "package": str(Path(storyline.__file__).parent)}


def decisions(index: EventIndex) -> str:
    """A digest of every article's event and every event's story: two runs that decided alike give the same."""
    decided = json.dumps([sorted(index.event_of.items()), sorted(index.story_of_event.items())])
    return hashlib.sha1(decided.encode()).hexdigest()


def measure(base, size: int, queries: int, settings, do_rebuild: bool, before: str | None = None,
            rounds: int = 3) -> dict:  # fmt: skip
    rng = random.Random(size)
    store = perturb(base, size, rng, date(2015, 1, 1), 365 * 8)
    t = time.perf_counter()
    index = EventIndex(settings)
    lay_outs = []  # how long each lay-out of the clusters (EventIndex.lay_out) took during the fill
    for start in range(0, size, 256):
        so_far = index.lay_outs
        index.place_batch(store[start:start + 256])
        if index.lay_outs > so_far:
            lay_outs.append(index.lay_out_s_per_event * len(index.events))
    fill = time.perf_counter() - t
    for a in store:  # as the store holds them, for the restart below (before the queries change the events)
        a.event_id = index.event_of[a.id]
        a.story_id = index.story_of(a.event_id)
    trees = dict(index.trees)
    fresh = perturb(base, queries, random.Random(-size), date(2015, 1, 1), 365 * 8)
    for a in fresh:
        a.id += "-q"
    filled_peak = peak_mb()  # before pickling the index for the side by side, which takes memory of its own
    compared = side_by_side(index, fresh, before, rounds) if before else None
    lay_outs_before = index.lay_outs
    median, p95 = placed(index, fresh)
    result = {
        "articles": size,
        "events": len(index.events),
        "stories": len(index.stories),
        "place_median_ms": median,
        "place_p95_ms": p95,
        "fill_per_article_ms": 1000 * fill / size,
        "fill_lay_outs": len(lay_outs),
        "fill_lay_out_s": sum(lay_outs),
        "lay_outs_while_placing_the_queries": index.lay_outs - lay_outs_before,
        "peak_rss_mb_after_fill": filled_peak,
    }
    if compared:
        result["side_by_side"] = compared
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
    p.add_argument("--before", help="the src directory of a version to place the same queries in the same filled "
                   "index, side by side (`git archive REV src | tar -x -C /tmp/before`, then /tmp/before/src)")
    p.add_argument("--rounds", type=int, default=3, help="side-by-side runs of each version (at least 1)")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    if args.rounds < 1:
        p.error("--rounds must be at least 1")
    if args.before and not (Path(args.before) / "storyline" / "__init__.py").is_file():
        p.error(f"--before {args.before}: no storyline package there; give the src directory of a version")
    settings = Settings()
    base = base_articles(args.source, 1000)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        row = measure(base, size, args.queries, settings, size <= args.no_rebuild_above, args.before, args.rounds)
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
