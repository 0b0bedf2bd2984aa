"""Ingest against rebuild: the same labelled news placed in batches of several sizes and orders, and rebuilt.

Each dev corpus is read through the pipeline once (or taken from ``--cache``), then,
with the packaged model:

- rebuilt (one batch, canonical order);
- ingested in batches of each ``--batches`` size, shuffled (seed 0) and in date order;
- ingested shuffled in batches of ``--restarted``, each batch by an index started afresh from
  the articles placed before it, as separate runs of ``storyline ingest`` start from the store.

Every run is scored against the labels (B³ F1 of events and stories) and timed; the
gap is the largest difference from the rebuild over all runs. Writes
``bench/results/ingest_rebuild.json``.
Run: ``.venv/bin/python bench/ingest_rebuild.py [--corpora ecbplus,gva] [--cache DIR]``.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path

from storyline.events.ids import canonical_order
from storyline.events.model import Models
from storyline.events.training import as_ingested, as_rebuilt
from storyline.labelled import cache_store, load_labelled, scores
from storyline.settings import Settings

HERE = Path(__file__).parent
DATA = HERE.parent.parent / "shared" / "data"


def figures(result: dict) -> dict:
    return {level: round(result[level]["bcubed_f1"], 4) for level in ("events", "stories")}


def run(name: str, data, place) -> dict:
    articles = copy.deepcopy(data.articles)
    t = time.perf_counter()
    events, stories = place(articles)
    took = time.perf_counter() - t
    row = {"run": name, **figures(scores(data, events, stories)), "ms_per_article": round(1000 * took / len(articles), 2)}
    print(json.dumps(row), file=sys.stderr, flush=True)
    return row


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpora", default="ecbplus,gva", help="names of <name>-dev.jsonl files in ../shared/data")
    p.add_argument("--batches", default="256,16,1")
    p.add_argument("--restarted", type=int, default=256,
                   help="also ingest shuffled in batches of this size, each by an index started afresh (0: not)")
    p.add_argument("--cache", default="", help="a folder for the enriched stores, kept between runs")
    p.add_argument("--out", default=str(HERE / "results" / "ingest_rebuild.json"))
    args = p.parse_args(argv)
    settings, models = Settings(), Models.load()
    out = {}
    for corpus in args.corpora.split(","):
        path = DATA / f"{corpus}-dev.jsonl"
        cache = cache_store(args.cache, path) if args.cache else None  # the store `storyline eval --cache` keeps
        data = load_labelled(path, settings, cache=cache)
        rows = [run("rebuild", data, lambda arts: as_rebuilt(arts, settings, models))]
        for size in (int(b) for b in args.batches.split(",")):
            rows.append(run(f"ingest shuffled, batches of {size}", data,
                            lambda arts, size=size: as_ingested(arts, settings, models, shuffle=0, batch=size)))
            rows.append(run(f"ingest in date order, batches of {size}", data,
                            lambda arts, size=size: as_ingested(canonical_order(arts), settings, models, batch=size)))
        if args.restarted:  # separate `storyline ingest` runs: each starts from the store
            rows.append(run(f"ingest shuffled, batches of {args.restarted}, restarted for each", data,
                            lambda arts: as_ingested(arts, settings, models, shuffle=0, batch=args.restarted, restart=True)))
        rebuilt = rows[0]
        gap = {level: round(max(abs(r[level] - rebuilt[level]) for r in rows[1:]), 4) for level in ("events", "stories")}
        out[corpus] = {"articles": len(data.articles), "runs": rows, "largest_gap": gap}
        print(json.dumps({corpus: gap}), file=sys.stderr, flush=True)
    target = Path(args.out)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
