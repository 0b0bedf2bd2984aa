"""Benchmark the enrichment stage: articles per second and where the time goes.

Builds N English articles of about 600 words at run time, by joining texts of
``../shared/data/ecbplus-dev.jsonl`` in a seeded random order (or this repo's
enrichment fixtures when the shared data is absent), runs the whole
:class:`storyline.enrichment.Enricher` over them in batches with the real
models, and writes the figures to ``bench/results/enrich.json``.

    .venv/bin/python bench/enrich.py                 # 1,000 articles, settings' workers
    .venv/bin/python bench/enrich.py -n 200 --workers 1
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import time
from pathlib import Path

from storyline.enrichment import PARALLEL_MIN, Enricher
from storyline.models import Article
from storyline.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ecbplus-dev.jsonl"
FIXTURES = ROOT / "tests" / "fixtures" / "enrichment"


def source_texts() -> list[str]:
    if DATA.exists():
        return [json.loads(line)["text"] for line in DATA.open(encoding="utf-8") if line.strip()]
    return [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))]


def make_articles(n: int, words: int = 600, seed: int = 7) -> list[Article]:
    """``n`` articles of about ``words`` words, each a seeded mix of source texts."""
    rng = random.Random(seed)
    texts = source_texts()
    out = []
    for i in range(n):
        parts, count = [], 0
        while count < words:
            t = rng.choice(texts)
            parts.append(t)
            count += len(t.split())
        body = "\n".join(parts)
        cut = [m.end() for m in re.finditer(r"\S+", body)][words - 1]  # about ``words`` words, to a sentence end
        stop = body.find(". ", cut)
        body = body[: stop + 1 if 0 <= stop < cut + 300 else cut]
        title, _, text = body.partition("\n")
        out.append(Article(id=f"bench-{i}", source="bench", raw=body, title=title, text=text,
                           published="2013-05-03", language="en"))
    return out


def run(n: int, workers: int, batch: int, embedder: str) -> dict:
    settings = Settings(workers=workers, embedder=embedder)
    articles = make_articles(n)
    enricher = Enricher(settings)
    warm = make_articles(4, seed=99)
    enricher.enrich(warm)  # load the models outside the clock
    enricher.timings.clear()
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    for i in range(0, n, batch):
        enricher.enrich(articles[i : i + batch])
    wall = time.perf_counter() - t0
    parts = dict(enricher.timings)
    total = sum(parts.values())
    return {
        "articles": n,
        "words_per_article": round(sum(len(a.text.split()) for a in articles) / n),
        "batch": batch,
        "workers": workers if batch >= PARALLEL_MIN else 1,
        "embedder": embedder,
        "seconds": round(wall, 2),
        "articles_per_second": round(n / wall, 2),
        "share": {k: round(v / total, 3) for k, v in sorted(parts.items(), key=lambda kv: -kv[1])},
        "seconds_per_part": {k: round(v, 2) for k, v in parts.items()},
        "per_article": {
            "mentions": round(sum(len(a.mentions) for a in articles) / n, 1),
            "quotes": round(sum(len(a.quotes) for a in articles) / n, 1),
            "figures": round(sum(len(a.figures) for a in articles) / n, 1),
            "times": round(sum(len(a.times) for a in articles) / n, 1),
        },
        "load_average_at_start": round(load0, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1000, help="articles (default 1000)")
    ap.add_argument("--workers", type=int, default=None, help="spaCy processes (default: the workers setting)")
    ap.add_argument("--batch", type=int, default=250, help="articles per enrich() call (default 250)")
    ap.add_argument("--embedder", default="minilm", help="minilm (default) or hash")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "enrich.json"))
    args = ap.parse_args()
    workers = args.workers if args.workers is not None else int(Settings().workers)
    result = run(args.n, workers, args.batch, args.embedder)
    result["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    runs = json.loads(out.read_text()) if out.exists() else {}
    runs[f"n{args.n}-w{result['workers']}-{args.embedder}"] = result
    out.write_text(json.dumps(runs, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
