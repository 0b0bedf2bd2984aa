"""Benchmark the enrichment stage: articles per second and where the time goes.

Builds N English articles of about 600 words at run time, by joining texts of
``../shared/data/ecbplus-dev.jsonl`` in a seeded random order (or this repo's
enrichment fixtures when the shared data is absent), runs the whole
:class:`storyline.enrichment.Enricher` over them in batches with the real
models, and writes the figures to ``bench/results/enrich.json``: articles per
second (wall), CPU core-seconds per article for each part (spaCy, our own
annotators, vectors, process overhead) with its share, the number of
processes and the load average sampled during the run. The machine may be
shared: compare runs by their load average, and core-seconds across loads.

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
import threading
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


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class LoadSampler:
    """The 1-minute load average, read every few seconds while a run lasts (other jobs share the machine)."""

    def __init__(self, every: float = 2.0):
        self.every, self.samples = every, [os.getloadavg()[0]]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])

    def summary(self) -> dict:
        return {"start": round(self.samples[0], 2), "mean": round(sum(self.samples) / len(self.samples), 2),
                "max": round(max(self.samples), 2), "end": round(self.samples[-1], 2)}


def run(n: int, workers: int, batch: int, embedder: str) -> dict:
    settings = Settings(workers=workers, embedder=embedder)
    articles = make_articles(n)
    enricher = Enricher(settings)
    enricher.enrich(make_articles(max(4, min(batch, PARALLEL_MIN)), seed=99))  # load the models (and workers) off the clock
    enricher.timings.clear()
    pids = enricher._pool.pids() if enricher._pool else []
    cpu0 = time.process_time() + sum(map(process_cpu, pids))
    with LoadSampler() as load:
        t0 = time.perf_counter()
        for i in range(0, n, batch):
            enricher.enrich(articles[i : i + batch])
        wall = time.perf_counter() - t0
    cpu = time.process_time() + sum(map(process_cpu, pids)) - cpu0
    processes = 1 + len(pids)
    enricher.close()
    parts = dict(enricher.timings)
    parts["other"] = max(0.0, cpu - sum(parts.values()))  # process overhead: pickling, queues, result copying
    return {
        "articles": n,
        "words_per_article": round(sum(len(a.text.split()) for a in articles) / n),
        "batch": batch,
        "processes": processes,
        "spacy_workers": processes - 1,
        "embedder": embedder,
        "seconds": round(wall, 2),
        "articles_per_second": round(n / wall, 2),
        "core_seconds": round(cpu, 2),
        "cores_busy": round(cpu / wall, 2),
        "articles_per_core_second": round(n / cpu, 2),
        "share": {k: round(v / cpu, 3) for k, v in sorted(parts.items(), key=lambda kv: -kv[1])},
        "core_ms_per_article": {k: round(1000 * v / n, 1) for k, v in sorted(parts.items(), key=lambda kv: -kv[1])},
        "per_article": {
            "mentions": round(sum(len(a.mentions) for a in articles) / n, 1),
            "quotes": round(sum(len(a.quotes) for a in articles) / n, 1),
            "figures": round(sum(len(a.figures) for a in articles) / n, 1),
            "times": round(sum(len(a.times) for a in articles) / n, 1),
        },
        "load_average": load.summary(),
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
    runs[f"n{args.n}-p{result['processes']}-{args.embedder}"] = result
    out.write_text(json.dumps(runs, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
