"""Benchmark what users run: the whole ingest, from reading a JSONL file to articles placed in events.

For each corpus (the first 1,000 lines of ``../shared/data/gva-dev.jsonl`` and all
of ``../shared/data/ecbplus-dev.jsonl``; this repo's example corpus when the
shared data is absent) it ingests into a fresh store with the default settings,
as ``storyline ingest FILE`` does, and reports:

- articles per second, wall, from building the pipeline (models loaded on the
  clock, as a new user's ``storyline ingest`` pays) to the last batch placed;
  and the same without the model loading (``warm``);
- peak memory: this process's peak RSS, and the peak sum of the proportional set
  size (PSS) of this process and its worker processes, sampled every 0.2 s;
- core-milliseconds per article for each stage: read, clean, describe, dedup,
  spaCy, the headline+lead embedding, our own annotators
  (entities, times, quotes, figures), store, place, the model loading, and what
  is left over (process overhead);
- a plain MiniLM encode of the same headlines and leads in the same run
  (sentence-transformers, float32, all cores, batches of 32) in articles per
  second, and the ingest's speed as a ratio of it. The machine may be shared:
  absolute times move with the load, the ratio much less.

With ``--cli`` it also times the real command, ``storyline ingest FILE --db NEW``,
in a child process (wall and peak PSS of its process tree).

Results go to ``bench/results/ingest_e2e-<corpus>.json`` (one entry per run label).

    .venv/bin/python bench/ingest_e2e.py                      # both corpora
    .venv/bin/python bench/ingest_e2e.py --corpus gva --cli   # one corpus, and the CLI too
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CORPORA = {"gva": (DATA / "gva-dev.jsonl", 1000), "ecbplus": (DATA / "ecbplus-dev.jsonl", None)}
EXAMPLES = ROOT / "examples" / "corpus"


def corpus_file(name: str, tmp: Path, first: int | None = None) -> tuple[Path, int]:
    """A JSONL file with the corpus's lines (the first ``limit``, or ``first``), and how many; the examples
    when ../shared is absent."""
    out = tmp / f"{name}.jsonl"
    source, limit = CORPORA.get(name, (None, None))
    limit = first or limit
    lines: list[str] = []
    if source is not None and source.exists():
        with source.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    lines.append(line if line.endswith("\n") else line + "\n")
                if limit and len(lines) >= limit:
                    break
    else:
        for path in sorted(EXAMPLES.glob("*.txt")):
            lines.append(json.dumps({"id": path.stem, "text": path.read_text(encoding="utf-8")}) + "\n")
    out.write_text("".join(lines), encoding="utf-8")
    return out, len(lines)


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            out += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    except OSError:
        pass
    return out


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += _children(p)
    return out


def pss_mb(pid: int) -> float:
    """Proportional set size of one process in MB (shared pages split among their sharers)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Sampler:
    """While a run lasts: peak PSS of a process tree, the load average, and each process's last CPU reading."""

    def __init__(self, pid: int, every: float = 0.2):
        self.pid, self.every = pid, every
        self.peak_pss, self.loads = 0.0, [os.getloadavg()[0]]
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self) -> None:
        pids = tree(self.pid)
        self.peak_pss = max(self.peak_pss, sum(map(pss_mb, pids)))
        for p in pids:
            if p != os.getpid():
                self.cpu[p] = max(self.cpu.get(p, 0.0), process_cpu(p))

    def _loop(self) -> None:
        n = 0
        while not self._stop.wait(self.every):
            self._sample()
            n += 1
            if n % 10 == 0:
                self.loads.append(os.getloadavg()[0])

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.loads.append(os.getloadavg()[0])

    def load(self) -> dict:
        return {"start": round(self.loads[0], 2), "mean": round(sum(self.loads) / len(self.loads), 2),
                "max": round(max(self.loads), 2), "end": round(self.loads[-1], 2)}


class StageClock:
    """CPU seconds of this process per stage, by wrapping the pipeline's stage functions while the run lasts."""

    def __init__(self):
        self.cpu: dict[str, float] = defaultdict(float)
        self._undo: list = []

    def wrap(self, owner, name: str, stage: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            c0 = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.cpu[stage] += time.process_time() - c0

        setattr(owner, name, timed)
        self._undo.append((owner, name, original))

    def wrap_generator(self, owner, name: str, stage: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            it = iter(original(*args, **kwargs))
            while True:
                c0 = time.process_time()
                try:
                    item = next(it)
                except StopIteration:
                    self.cpu[stage] += time.process_time() - c0
                    return
                self.cpu[stage] += time.process_time() - c0
                yield item

        setattr(owner, name, timed)
        self._undo.append((owner, name, original))

    def restore(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()


def instrument(clock: StageClock) -> None:
    from storyline import cleaning, metadata, pipeline, reading
    from storyline.duplicates import Deduplicator
    from storyline.events.tracking import EventTracker

    clock.wrap_generator(reading, "read_paths", "read")
    clock.wrap(cleaning, "clean", "clean")
    clock.wrap(metadata, "describe", "describe")
    clock.wrap(pipeline, "content_hash", "dedup")
    clock.wrap(Deduplicator, "check", "dedup in store")
    clock.wrap(pipeline.Pipeline, "_store", "store+dedup+place")
    clock.wrap(EventTracker, "place", "place")
    clock.wrap(EventTracker, "from_store", "place")


def load_models(pipeline) -> None:
    """Load what this process loads for big batches: the embedder (the spaCy workers load theirs meanwhile)."""
    pipeline.enricher.embedder.embed(["warm up"])


def ingest_run(path: Path, n: int, workdir: Path) -> dict:
    """Ingest ``path`` into a fresh store in this process; the figures and the leads that were embedded."""
    from storyline.pipeline import Pipeline
    from storyline.settings import Settings
    from storyline.storage import open_store

    settings = Settings()
    clock = StageClock()
    instrument(clock)
    store = open_store(workdir / "bench.db")
    with Sampler(os.getpid()) as sampler:
        cpu0, t0 = time.process_time(), time.perf_counter()
        pipeline = Pipeline(store, settings)
        load_models(pipeline)
        loaded_cpu, loaded = time.process_time() - cpu0, time.perf_counter() - t0
        try:
            report = pipeline.ingest([str(path)])
            wall = time.perf_counter() - t0
            parent_cpu = time.process_time() - cpu0
            sampler._sample()
        finally:
            clock.restore()
            pipeline.close()
    enricher = pipeline.enricher
    worker_cpu = sum(v for p, v in sampler.cpu.items() if p != os.getpid())
    stages = dict(clock.cpu)
    stages["load models"] = loaded_cpu
    in_store = stages.pop("dedup in store", 0.0)
    stages["dedup"] = stages.get("dedup", 0.0) + in_store
    stages["store"] = stages.pop("store+dedup+place", 0.0) - stages.get("place", 0.0) - in_store
    for part, seconds in enricher.timings.items():
        stages[part] = stages.get(part, 0.0) + seconds
    total_cpu = parent_cpu + worker_cpu
    stages["other"] = max(0.0, total_cpu - sum(stages.values()))
    stored = len(report.stored)
    leads = [a.lead(settings.lead_chars) for a in store.iter_articles(full=False)] if stored else []
    store.close()
    return {
        "lines": n,
        "stored": stored,
        "failed": len(report.failures),
        "unchanged": len(report.unchanged),
        "seconds": round(wall, 2),
        "articles_per_second": round(n / wall, 2),
        "model_loading_seconds": round(loaded, 2),
        "articles_per_second_warm": round(n / max(wall - loaded, 1e-9), 2),
        "core_seconds": round(total_cpu, 2),
        "core_ms_per_article_total": round(1000 * total_cpu / n, 1),
        "cores_busy": round(total_cpu / wall, 2),
        "peak_rss_mb_main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_pss_mb_all_processes": round(sampler.peak_pss, 1),
        "processes": 1 + len([p for p in sampler.cpu if p != os.getpid()]),
        "embedder": getattr(enricher.embedder, "name", type(enricher.embedder).__name__),
        "core_ms_per_article": {k: round(1000 * v / n, 1) for k, v in sorted(stages.items(), key=lambda kv: -kv[1])},
        "share": {k: round(v / total_cpu, 3) for k, v in sorted(stages.items(), key=lambda kv: -kv[1])},
        "load_average": sampler.load(),
    }, leads


def plain_minilm(leads: list[str], workdir: Path) -> dict:
    """The yardstick: sentence-transformers all-MiniLM-L6-v2 as it comes (float32, default threads, batches
    of 32) over the same leads, in a child process that imports nothing of storyline (no settings of ours)."""
    from storyline.enrichment.vectors import minilm_path

    texts = workdir / "leads.json"
    texts.write_text(json.dumps({"model": str(minilm_path()), "texts": leads}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    done = subprocess.run([sys.executable, __file__, "--yardstick", str(texts)], env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def yardstick(path: str) -> None:
    import torch
    from sentence_transformers import SentenceTransformer

    given = json.loads(Path(path).read_text(encoding="utf-8"))
    leads = given["texts"]
    model = SentenceTransformer(given["model"], device="cpu")
    model.max_seq_length = 256
    with torch.inference_mode():
        model.encode(leads[:32], batch_size=32)
        t0 = time.perf_counter()
        model.encode(leads, batch_size=32, show_progress_bar=False)
        wall = time.perf_counter() - t0
    print(json.dumps({"texts": len(leads), "seconds": round(wall, 2), "texts_per_second": round(len(leads) / wall, 2),
                      "torch_threads": torch.get_num_threads()}))


def cli_run(path: Path, n: int, workdir: Path) -> dict:
    """``storyline ingest FILE --db NEW`` in a child process: wall and peak PSS of its process tree."""
    exe = Path(sys.executable).with_name("storyline")
    db = workdir / "cli.db"
    t0 = time.perf_counter()
    child = subprocess.Popen([str(exe), "ingest", str(path), "--db", str(db)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    with Sampler(child.pid) as sampler:
        out, errors = child.communicate()
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"command": f"storyline ingest {path.name} --db NEW", "exit": child.returncode, "seconds": round(wall, 2),
            "articles_per_second": round(n / wall, 2), "peak_pss_mb_all_processes": round(sampler.peak_pss, 1),
            "peak_rss_mb_largest_process": round(usage.ru_maxrss / 1024, 1), "output": out.strip()[-300:],
            "load_average": sampler.load()}


def run(name: str, with_cli: bool, first: int | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="ingest-e2e-") as tmp:
        path, n = corpus_file(name, Path(tmp), first)
        result, leads = ingest_run(path, n, Path(tmp))
        result["plain_minilm"] = plain_minilm(leads, Path(tmp))
        result["ratio_to_plain_minilm"] = round(result["articles_per_second"] / result["plain_minilm"]["texts_per_second"], 3)
        result["ratio_to_plain_minilm_warm"] = round(
            result["articles_per_second_warm"] / result["plain_minilm"]["texts_per_second"], 3)
        if with_cli:
            result["cli"] = cli_run(path, n, Path(tmp))
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", action="append", choices=sorted(CORPORA), help="gva and/or ecbplus (default both)")
    ap.add_argument("--cli", action="store_true", help="also time the real `storyline ingest` in a child process")
    ap.add_argument("--first", type=int, default=None, help="only the first N lines of each corpus (quick runs)")
    ap.add_argument("--label", default=None, help="name of this run in the results file (default: the date and time)")
    ap.add_argument("--yardstick", help=argparse.SUPPRESS)  # in the child process: the plain encode
    args = ap.parse_args()
    if args.yardstick:
        yardstick(args.yardstick)
        return
    base = label = args.label or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    if args.first:
        label += f"-first{args.first}"
    names = args.corpus or ["gva", "ecbplus"]
    if len(names) > 1:  # each corpus in a process of its own, as a new user's `storyline ingest` runs
        for name in names:
            again = [sys.executable, __file__, "--corpus", name, "--label", base]
            subprocess.run(again + (["--cli"] if args.cli else []) + (["--first", str(args.first)] if args.first else []),
                           check=True)
        return
    for name in names:
        result = run(name, args.cli, args.first)
        result["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                             "shared_data": (DATA / "gva-dev.jsonl").exists()}
        out = ROOT / "bench" / "results" / f"ingest_e2e-{name}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        runs = {}
        with contextlib.suppress(OSError, ValueError):
            runs = json.loads(out.read_text())
        runs[label] = result
        out.write_text(json.dumps(runs, indent=2) + "\n")
        print(name, json.dumps(result, indent=2), flush=True)


if __name__ == "__main__":
    main()
