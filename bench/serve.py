"""Benchmark: the story and event pages with 10,000 articles in the store, while an ingest runs.

Builds a store of N articles (default 10,000) in 2,000 events and 100 stories,
starts ``storyline serve``'s app with uvicorn in its own process, and loads the
story and event pages from client threads, first with nothing else running,
then while another process ingests articles into the same store through the
real pipeline (clean, describe, deduplicate, enrich with spaCy and the hash
embedder, place in events). Writes requests per second and latency
percentiles to bench/results/serve.json: first visits (one client, nothing
memoised: narration runs for every page), then the steady state (every story
and 400 events already visited, so their narration is memoised until their
events change), idle and while ingesting.

Run by hand: .venv/bin/python bench/serve.py [N] [SECONDS]
"""

from __future__ import annotations

import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
PY = sys.executable
CLIENTS = 4
PER_EVENT, PER_STORY = 5, 20
HOT_EVENTS = 400  # events visited in the steady-state phases (the app memoises 512 narrations)


def build_store(db: str, n: int) -> dict:
    """N articles with vectors, grouped into events of 5 and stories of 20 events, written directly."""
    sys.path.insert(0, str(HERE))
    from _corpus import perturbed

    from storyline.enrichment.vectors import HashEmbedder
    from storyline.models import Article, Event, Story
    from storyline.storage import open_store

    rng = random.Random(11)
    store, embedder = open_store(db), HashEmbedder()
    texts = perturbed(n, seed=3)
    events, stories = [], []
    for start in range(0, n, 1000):
        batch = []
        for i in range(start, min(n, start + 1000)):
            body = "\n\n".join(texts[i].split("\n")[1:-2])
            a = Article(id=f"a{i:05d}", source=f"a{i:05d}.txt", raw=texts[i], text=body, title=texts[i].split("\n")[1],
                        outlet=f"Outlet {i % 37}", published=f"{2015 + (i // 1000)}-{1 + i % 12:02d}-{1 + i % 27:02d}",
                        published_how="stated", language="en", content_hash=f"h{i}")  # fmt: skip
            a.vector = embedder.embed([a.lead()])[0]
            batch.append(a)
        store.add_articles(batch)
    for e in range(n // PER_EVENT):
        ids = [f"a{i:05d}" for i in range(e * PER_EVENT, (e + 1) * PER_EVENT)]
        events.append(Event(id=f"e{e:05d}", date=f"{2015 + (e * PER_EVENT) // 1000}-{1 + e % 12:02d}-{1 + e % 27:02d}",
                            title=f"Event {e}", articles=ids, story_id=f"s{rng.randrange(n // PER_EVENT // PER_STORY):04d}"))  # fmt: skip
    for s in sorted({e.story_id for e in events}):
        stories.append(Story(id=s, title=f"Story {s}", events=[e.id for e in events if e.story_id == s]))
    store.save_events(events, stories)
    store.close()
    return {"events": [e.id for e in events], "stories": [s.id for s in stories]}


def serve_main(db: str, port: int) -> None:
    import uvicorn

    from storyline.settings import Settings
    from storyline.storage import open_store
    from storyline.web import create_app

    settings = Settings(db=db, embedder="hash")
    uvicorn.run(create_app(open_store(db), settings), host="127.0.0.1", port=port, log_level="warning", access_log=False)


def ingest_main(db: str, n: int) -> None:
    """Ingest ``n`` fresh articles through the real pipeline, in batches, printing progress."""
    sys.path.insert(0, str(HERE))
    from _corpus import perturbed

    from storyline.models import Article
    from storyline.pipeline import Pipeline
    from storyline.settings import Settings
    from storyline.storage import open_store

    pipeline = Pipeline(open_store(db), Settings(db=db, embedder="hash"))
    _ = pipeline.enricher  # load the models before the clock starts
    _ = pipeline.events  # and the event index
    print("ready", "full pipeline", flush=True)
    texts = perturbed(n, seed=99)
    for start in range(0, n, 16):
        batch = [Article(id=f"new{i:05d}", source=f"new{i}.txt", raw=texts[i]) for i in range(start, min(n, start + 16))]
        pipeline.process(batch)
        print("stored", start + len(batch), flush=True)


def load(base: str, paths: list[str], seconds: float) -> dict:
    """Hit random ``paths`` from CLIENTS threads for ``seconds``; requests/s and latency percentiles."""
    latencies: list[float] = []
    errors = [0]
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=base, timeout=60) as client:
            while time.perf_counter() < stop:
                t = time.perf_counter()
                r = client.get(rng.choice(paths))
                dt = time.perf_counter() - t
                with lock:
                    latencies.append(dt)
                    errors[0] += r.status_code != 200

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    lat = sorted(latencies)
    return {
        "requests": len(lat), "errors": errors[0], "requests_per_second": round(len(lat) / elapsed, 1),
        "p50_ms": round(1000 * statistics.median(lat), 1), "p95_ms": round(1000 * lat[int(0.95 * (len(lat) - 1))], 1),
        "max_ms": round(1000 * lat[-1], 1),
    }  # fmt: skip


def cold(base: str, paths: list[str]) -> dict:
    """First visits, one at a time: every page built from the store, nothing cached yet."""
    lat = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for path in paths:
            t = time.perf_counter()
            client.get(path).raise_for_status()
            lat.append(time.perf_counter() - t)
    lat.sort()
    return {"pages": len(lat), "p50_ms": round(1000 * statistics.median(lat), 1),
            "p95_ms": round(1000 * lat[int(0.95 * (len(lat) - 1))], 1)}  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(base: str) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(base + "/api/stories?limit=1", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def run_phases(base: str, paths_by_page: dict, seconds: float, ingest: subprocess.Popen | None) -> dict:
    out = {}
    for name, paths in paths_by_page.items():
        out[name] = load(base, paths, seconds)
        if ingest is not None and ingest.poll() is not None:
            out[name]["note"] = "the ingest finished before this phase ended"
    return out


def main(n: int = 10_000, seconds: float = 15.0) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "bench.db")
        t = time.perf_counter()
        ids = build_store(db, n)
        built = time.perf_counter() - t
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([PY, __file__, "--serve", db, str(port)])
        ingest = None
        try:
            _wait_up(base)
            first = {"story": cold(base, [f"/stories/{s}" for s in ids["stories"][:20]]),
                     "event": cold(base, [f"/events/{e}" for e in ids["events"][:50]]),
                     "home": cold(base, ["/"] * 5)}  # fmt: skip
            # steady state: every story and HOT_EVENTS events visited once, so their narration is memoised
            pages = {"story": [f"/stories/{s}" for s in ids["stories"]],
                     "event": [f"/events/{e}" for e in ids["events"][:HOT_EVENTS]]}  # fmt: skip
            cold(base, pages["story"] + pages["event"])
            idle = run_phases(base, pages, seconds, None)
            ingest = subprocess.Popen([PY, __file__, "--ingest", db, "5000"], stdout=subprocess.PIPE, text=True)
            assert ingest.stdout is not None
            mode = ingest.stdout.readline().strip().removeprefix("ready ")  # models and event index loaded
            before = _count(base)
            t = time.perf_counter()
            busy = run_phases(base, pages, seconds, ingest)
            ingested = _count(base) - before
            ingest_rate = round(ingested / (time.perf_counter() - t), 1)
        finally:
            for proc in (ingest, server):
                if proc is not None:
                    proc.terminate()
                    proc.wait(30)
    result = {
        "articles": n, "events": len(ids["events"]), "stories": len(ids["stories"]),
        "articles_per_story": n // len(ids["stories"]), "clients": CLIENTS, "seconds_per_phase": seconds,
        "store_build_seconds": round(built, 1), "hot_events": HOT_EVENTS, "first_visit": first, "idle": idle, "while_ingesting": busy,
        "ingest_articles_per_second_during_load": ingest_rate, "ingest": mode, "cores": os.cpu_count(),
    }  # fmt: skip
    out = HERE / "results" / "serve.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def _count(base: str) -> int:
    """Articles in the store, from the home page's count line (pages only; no extra route needed)."""
    import re

    html = httpx.get(base + "/", timeout=60).text
    m = re.search(r"(\d+) articles in", html)
    return int(m.group(1)) if m else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve_main(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1:2] == ["--ingest"]:
        ingest_main(sys.argv[2], int(sys.argv[3]))
    else:
        args = [float(a) for a in sys.argv[1:]]
        print(json.dumps(main(int(args[0]) if args else 10_000, args[1] if len(args) > 1 else 15.0), indent=2))
