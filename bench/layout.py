"""Why a store placed into for long in one process places more slowly than the same store loaded afresh, and
whether laying its clusters out afresh (``EventIndex.lay_out``) cures it.

An index is filled as ``bench/cluster.py`` fills it (perturbed ECB+ dev articles, batches of 256) but with the
index never laying itself out (``LAY_OUT_SHARE`` 0, as before ``lay_out`` existed), pickled in memory, and the
same ``--queries`` fresh articles are placed, each as a batch of one, in:

- ``loaded``: a copy loaded from the pickle (the same state, its objects laid out afresh);
- ``dicts grown``: such a copy with each dict attribute of the index (``events``, ``event_of``, ``singles`` ...)
  grown to three times its entries and emptied again, as a process that placed and took apart many events leaves
  its tables;
- ``events scattered``: such a copy with each event's aggregate copied whole (its sums, embedding sum, counters
  and derived figures; the stories' sums pointed at the copies) in random order among live garbage, as an
  aggregate formed amid an agglomeration's discarded ones lands wherever they leave room;
- ``filled``: the filled index itself (placing changes it, so once), then ``loaded after`` a copy once more, to
  show the drift of the run beside it.

In every one the first half of the queries is placed as it is, then the index lays its clusters out afresh
(``lay_out``, timed) and the second half is placed. The halves are different articles, so each half compares
across the ways: the first half's medians show what a layout costs, the second half's whether the lay-out cures it
(the scattered copies and the filled index as fast as the loaded copies).

Each copy variant runs ``--rounds`` times, alternating; every run must leave the same events and stories, which
the script checks. Writes ``bench/results/layout.json``. Run: ``.venv/bin/python bench/layout.py [--size 20000]``
(100000 takes about 75 minutes, most of it the fill). docs/scaling.md has the figures.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import pickle
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from cluster import HERE, base_articles, decisions, perturb

from storyline.events import EventIndex, layout
from storyline.settings import Settings

sys.setrecursionlimit(100000)  # pickling an index nests deeply


def placed(index: EventIndex, articles: list) -> dict:
    """Each article placed as a batch of one, the first half as the index lies, the second after it laid its
    clusters out afresh: each half's median and mean time (ms), the lay-out's time (s), and a digest of what was
    decided."""
    out: dict = {}
    half = len(articles) // 2
    for name, some in (("before", articles[:half]), ("after", articles[half:])):
        if name == "after":
            t = time.perf_counter()
            index.lay_out()
            out["lay_out_s"] = time.perf_counter() - t
        times = []
        for a in some:
            t = time.perf_counter()
            index.place(a)
            times.append(time.perf_counter() - t)
        out[f"{name}_median_ms"] = 1000 * statistics.median(times)
        out[f"{name}_mean_ms"] = 1000 * statistics.fmean(times)
    out["decisions"] = decisions(index)
    return out


def grow_dicts(index: EventIndex) -> None:
    for table in vars(index).values():
        if isinstance(table, dict) and table:
            dummies = [("grown", i) for i in range(2 * len(table))]
            table.update(dict.fromkeys(dummies))
            for key in dummies:
                del table[key]


def scatter_events(index: EventIndex, rng: random.Random) -> list:
    """Each event's aggregate copied in random order among live garbage (returned: keep it alive while placing)."""
    ids = sorted(index.events)
    rng.shuffle(ids)
    old, garbage = dict(index.events), []
    for event_id in ids:
        index.events[event_id] = copy.deepcopy(old[event_id])  # its arrays and derived figures too (not the field views)
        garbage.append([0] * rng.randrange(1, 200))
        if len(garbage) > 2000:
            del garbage[rng.randrange(len(garbage))]
    for summed in index.summed.values():  # a story's sums hold an event as it was: the copy where it is still that
        summed.parts = {e: index.events[e] if agg is old.get(e) else agg for e, agg in summed.parts.items()}
    index._fits.clear()
    return garbage


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--source", default=str(HERE.parent.parent / "shared" / "data" / "ecbplus-dev.jsonl"))
    p.add_argument("--size", type=int, default=20000)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--out", default=str(HERE / "results" / "layout.json"))
    args = p.parse_args(argv)
    base = base_articles(args.source, 1000)
    store = perturb(base, args.size, random.Random(args.size), date(2015, 1, 1), 365 * 8)
    layout.LAY_OUT_SHARE = 0.0  # never by itself: filled as before lay_out existed, laid out only when asked
    t = time.perf_counter()
    index = EventIndex(Settings())
    for start in range(0, args.size, 256):
        index.place_batch(store[start:start + 256])
    fill = time.perf_counter() - t
    fresh = perturb(base, args.queries, random.Random(-args.size), date(2015, 1, 1), 365 * 8)
    for a in fresh:
        a.id += "-q"
    blob = pickle.dumps((index, fresh), protocol=pickle.HIGHEST_PROTOCOL)
    runs: dict[str, list[dict]] = {"loaded": [], "dicts grown": [], "events scattered": []}
    for round_ in range(args.rounds):
        for way in runs if round_ % 2 == 0 else list(runs)[::-1]:
            loaded, queries = pickle.loads(blob)
            garbage = scatter_events(loaded, random.Random(round_)) if way == "events scattered" else None
            if way == "dicts grown":
                grow_dicts(loaded)
            runs[way].append(placed(loaded, queries))
            print(way, json.dumps(runs[way][-1]), file=sys.stderr, flush=True)
            del loaded, queries, garbage
            gc.collect()
    runs["filled"] = [placed(index, fresh)]
    loaded, queries = pickle.loads(blob)
    runs["loaded after"] = [placed(loaded, queries)]
    outcomes = {r.pop("decisions") for results in runs.values() for r in results}
    if len(outcomes) != 1:
        raise SystemExit(f"the runs decided differently ({len(outcomes)} outcomes): the layout must change nothing")
    result = {"articles": args.size, "events": len(index.events), "fill_per_article_ms": 1000 * fill / args.size,
              "queries": args.queries, "same_decisions": True,
              "place_median_ms": {way: {half: [r[f"{half}_median_ms"] for r in results] for half in ("before", "after")}
                                  for way, results in runs.items()},
              "place_mean_ms": {way: {half: [r[f"{half}_mean_ms"] for r in results] for half in ("before", "after")}
                                for way, results in runs.items()},
              "lay_out_s": {way: [r["lay_out_s"] for r in results] for way, results in runs.items()},
              "halves": "before: the first half of the queries as the index lies; after: the second half, once it "
                        "laid its clusters out afresh (EventIndex.lay_out)"}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
