"""Events and stories against labels: out of fold, across corpora, against baselines.

Runs, on the labelled dev sets beside the repo (``../shared/data``), what the README's
quality table reports, and writes each result to ``bench/results/quality-<name>.json``:

- ``ecbplus`` / ``gva``: the packaged model as ingested and rebuilt, grouped 5-fold
  cross-validation by story (refit on the other folds, held-out fold as ingested; ECB+ dev's folds drawn
  three ways, ``draws`` giving each draw's figures) with the
  baselines on the same folds, the baselines in sample (every article alone, TF-IDF, MiniLM and
  combined average link), the window ceiling
  (the gold events cut at the date window, scored against them: the most any clustering
  that keeps the window can reach), and the packaged model on each fold alone (``packaged_on_parts``:
  in sample, at a fold's density) and on each half alone (``packaged_on_halves``): with the figures on the
  whole file, how the scores move as the store holds more look-alikes;
- ``gva-from-ecbplus`` / ``ecbplus-from-gva``: fitted on one corpus, scored on the other,
  with the baselines' thresholds fitted on the training corpus.

The enriched articles are kept in ``--cache`` (one store per file, as ``storyline eval --cache``), so a second run
only clusters. Takes about 25 minutes on 2 cores. Run: ``.venv/bin/python bench/quality.py [--only gva ...]``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from storyline.events.model import Models
from storyline.events.training import as_ingested, fit, folds
from storyline.labelled import (
    baselines,
    cache_store,
    cross_validate,
    evaluate_labelled,
    load_labelled,
    mean_scores,
    measured_on,
    scores,
    window_ceiling,
)
from storyline.settings import Settings

HERE = Path(__file__).parent
DATA = HERE.parent.parent / "shared" / "data"
RUNS = ["ecbplus", "gva", "gva-from-ecbplus", "ecbplus-from-gva"]
FEW = 2000  # articles under which the folds are drawn --repeats ways


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=str(DATA))
    p.add_argument("--cache", default="/tmp/storyline-bench-quality")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--only", nargs="+", choices=RUNS, default=RUNS, help="the runs to make (default: all)")
    p.add_argument("--repeats", type=int, default=3, help="fold draws out of fold for a set of under "
                   f"{FEW:,} articles (ECB+ dev: its figures move by 0.01-0.02 from one draw to another); a larger "
                   "set is drawn once (GVA dev: 13 minutes a draw)")
    args = p.parse_args(argv)
    settings = Settings()
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    sets = {name: load_labelled(Path(args.data) / f"{name}-dev.jsonl", settings,
                                cache_store(cache, Path(args.data) / f"{name}-dev.jsonl"))
            for name in ("ecbplus", "gva")}
    runs = {}
    for name, data in sets.items():
        if name not in args.only:
            continue
        t = time.perf_counter()
        result = evaluate_labelled(data, settings)
        repeats = args.repeats if len(data.articles) < FEW else 1
        result["cv"] = cross_validate(data, args.folds, settings, with_baselines=True, repeats=repeats)
        result["baselines"] = baselines(data)
        result["window_ceiling"] = window_ceiling(data, settings)
        result["packaged_on_parts"] = on_parts(data, args.folds, settings)
        result["packaged_on_halves"] = on_parts(data, 2, settings)
        runs[name] = result | {"seconds": time.perf_counter() - t}
    for train, test in (("ecbplus", "gva"), ("gva", "ecbplus")):
        if f"{test}-from-{train}" not in args.only:
            continue
        t = time.perf_counter()
        result = evaluate_labelled(sets[test], settings, fit([sets[train]], settings))
        result["baselines"] = baselines(sets[test], sets[train])
        runs[f"{test}-from-{train}"] = result | {"seconds": time.perf_counter() - t}
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    for name, result in runs.items():
        (out / f"quality-{name}.json").write_text(json.dumps(result, indent=1) + "\n")
        print(f"wrote {out / f'quality-{name}.json'}")
    return 0


def on_parts(data, k: int, settings) -> dict:
    """The packaged model on each of the ``k`` cross-validation folds of ``data`` alone, as ingested: the
    in-sample figures at a fold's density (a fold holds a fifth of the look-alikes), weighted by articles."""
    models = Models.load(settings.model)
    results = []
    for held in folds(data, k):
        part = data.subset(held)
        results.append((measured_on(part), scores(part, *as_ingested(part.articles, settings, models))))
    return mean_scores(results)


if __name__ == "__main__":
    raise SystemExit(main())
