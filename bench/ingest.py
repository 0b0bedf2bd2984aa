"""Benchmark: reading, cleaning, metadata and duplicates over 1,000 articles.

Writes articles per second per stage and the peak memory to bench/results/ingest.json.
Run by hand: .venv/bin/python bench/ingest.py [N]
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from _corpus import perturbed

from storyline import Settings, cleaning, metadata, reading
from storyline.duplicates import Deduplicator, content_hash


def main(n: int = 1000) -> dict:
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        for i, text in enumerate(perturbed(n)):
            Path(tmp, f"a{i:05d}.txt").write_text(text, encoding="utf-8")
        timings = {}
        t = time.perf_counter()
        articles = [a for a in reading.read_paths([tmp], settings) if not isinstance(a, Exception)]
        timings["read"] = time.perf_counter() - t
    t = time.perf_counter()
    for a in articles:
        cleaning.clean(a)
    timings["clean"] = time.perf_counter() - t
    t = time.perf_counter()
    for a in articles:
        metadata.describe(a, settings)
    timings["describe"] = time.perf_counter() - t
    t = time.perf_counter()
    dedup = Deduplicator(settings.dup_threshold, settings.dup_shingle)
    texts = {a.id: a.text for a in articles}
    for a in articles:
        a.content_hash = content_hash(a.text)
        dedup.check(a, lambda ids: {i: texts[i] for i in ids})
    timings["deduplicate"] = time.perf_counter() - t
    total = sum(timings.values())
    result = {
        "articles": len(articles),
        "articles_per_second": round(len(articles) / total, 1),
        "ms_per_article": {k: round(1000 * v / len(articles), 3) for k, v in timings.items()},
        "share_of_time": {k: round(v / total, 3) for k, v in timings.items()},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "machine": "2 cores",
    }
    out = Path(__file__).parent / "results" / "ingest.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
