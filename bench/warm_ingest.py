"""Benchmark the warm ingest: how long one new article takes to be placed when the models are already loaded.

Two warm paths, each a real ``storyline`` process over a fresh store that first
takes ``--prefill`` articles (ECB+ dev lines, or the example corpus when
../shared is absent), then ``-n`` new articles one at a time:

- ``storyline ingest --watch DIR``: each article is written beside the folder and
  moved in; the time is from the move to the line the process prints once the
  article is stored and placed in an event;
- ``storyline serve`` with an API token: each article is one ``POST /api/articles``;
  the time is the request's, which returns once the article is placed. Page
  views (``GET /api/stories``) are timed while idle and while a batch is posted.

Writes medians and 95th percentiles to ``bench/results/warm_ingest.json``.

    .venv/bin/python bench/warm_ingest.py            # 20 new articles after 200
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ecbplus-dev.jsonl"
EXE = Path(sys.executable).with_name("storyline")
TOKEN = "bench-token"


def lines(n: int) -> list[dict]:
    """``n`` articles as JSONL objects (ECB+ dev, else the example corpus repeated with new ids)."""
    if DATA.exists():
        with DATA.open(encoding="utf-8") as f:
            out = [json.loads(line) for line, _ in zip(f, range(n), strict=False)]
    else:
        texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples" / "corpus").glob("*.txt"))]
        out = [{"text": texts[i % len(texts)] + f"\n\n(copy {i})"} for i in range(n)]
    for i, d in enumerate(out):
        d["id"] = f"a{i:04d}"
        d.pop("event", None), d.pop("story", None), d.pop("topic", None)
    return out


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system, all threads) a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def summary(seconds: list[float]) -> dict:
    ms = sorted(1000 * s for s in seconds)
    return {"n": len(ms), "median_ms": round(statistics.median(ms), 1),
            "p95_ms": round(ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))], 1),
            "min_ms": round(ms[0], 1), "max_ms": round(ms[-1], 1)}


class Lines:
    """The lines a child process prints, with the time each arrived."""

    def __init__(self, stream):
        self.q: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.q.put((time.perf_counter(), line.rstrip("\n")))

    def wait_for(self, article_id: str, timeout: float = 600) -> float:
        """When the line saying ``article_id`` was stored (or was already stored) arrived."""
        end = time.perf_counter() + timeout
        while True:
            t, line = self.q.get(timeout=max(0.01, end - time.perf_counter()))
            if line.startswith((f"stored {article_id} ", f"unchanged {article_id} ")):
                return t


def watch_run(tmp: Path, prefill: list[dict], new: list[dict]) -> dict:
    inbox = tmp / "inbox"
    inbox.mkdir()
    (inbox / "prefill.jsonl").write_text("".join(json.dumps(d) + "\n" for d in prefill), encoding="utf-8")
    t0 = time.perf_counter()
    child = subprocess.Popen([str(EXE), "ingest", "--watch", str(inbox), "--db", str(tmp / "watch.db")],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = Lines(child.stdout)
    try:
        out.wait_for(prefill[-1]["id"])
        ready = time.perf_counter() - t0
        latencies, cpu = [], []
        for d in new:
            c = process_cpu(child.pid)
            staged = tmp / f"{d['id']}.jsonl"
            staged.write_text(json.dumps(d) + "\n", encoding="utf-8")
            os.utime(staged, (time.time() - 1, time.time() - 1))  # written a moment ago, as a finished file is
            t = time.perf_counter()
            staged.rename(inbox / staged.name)
            latencies.append(out.wait_for(d["id"]) - t)
            cpu.append(process_cpu(child.pid) - c)
            time.sleep(0.3)
    finally:
        child.terminate()
        child.wait(30)
    return {"command": "storyline ingest --watch DIR", "prefill_articles": len(prefill),
            "start_and_prefill_seconds": round(ready, 1), "single_article": summary(latencies),
            "single_article_cpu": summary(cpu)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url: str, body: bytes | None = None) -> tuple[float, dict]:
    req = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
    req.add_header("Authorization", f"Bearer {TOKEN}")
    if body is not None:
        req.add_header("Content-Type", "application/x-ndjson")
    t = time.perf_counter()
    with urllib.request.urlopen(req, timeout=600) as resp:
        data = json.loads(resp.read())
    return time.perf_counter() - t, data


def _jsonl(items: list[dict]) -> bytes:
    return "".join(json.dumps(d) + "\n" for d in items).encode()


def http_run(tmp: Path, prefill: list[dict], new: list[dict], bulk: list[dict]) -> dict:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = os.environ | {"STORYLINE_API_TOKEN": TOKEN}
    child = subprocess.Popen([str(EXE), "serve", "--port", str(port), "--db", str(tmp / "http.db")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        end = time.perf_counter() + 120
        while True:
            try:
                _request(f"{base}/api/stories")
                break
            except OSError:
                assert time.perf_counter() < end, "storyline serve did not start"
                time.sleep(0.2)
        _request(f"{base}/api/articles", _jsonl(prefill))  # waits for the warm-up, then fills the store
        latencies, cpu = [], []
        for d in new:
            c = process_cpu(child.pid)
            seconds, result = _request(f"{base}/api/articles", _jsonl([d]))
            assert result["ok"] and (result["unchanged"] or result["stored"][0]["event_id"]), result
            latencies.append(seconds)
            cpu.append(process_cpu(child.pid) - c)
        idle = [_request(f"{base}/api/stories")[0] for _ in range(20)]
        posting = threading.Thread(target=_request, args=(f"{base}/api/articles", _jsonl(bulk)))
        posting.start()
        time.sleep(0.5)
        during = []
        while posting.is_alive() and len(during) < 40:
            during.append(_request(f"{base}/api/stories")[0])
            time.sleep(0.05)
        posting.join()
    finally:
        child.terminate()
        child.wait(30)
    return {"command": "storyline serve (POST /api/articles)", "prefill_articles": len(prefill),
            "single_article": summary(latencies), "single_article_cpu": summary(cpu), "page_view_idle": summary(idle),
            "page_view_during_ingest": summary(during) if during else None, "bulk_articles": len(bulk)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=20, help="new articles, one at a time (default 20)")
    ap.add_argument("--prefill", type=int, default=200, help="articles in the store first (default 200)")
    args = ap.parse_args()
    items = lines(args.prefill + 2 * args.n + 50)
    prefill, rest = items[: args.prefill], items[args.prefill :]
    result = {"load_average_start": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory(prefix="warm-ingest-") as tmp:
        result["watch"] = watch_run(Path(tmp), prefill, rest[: args.n])
        result["http"] = http_run(Path(tmp), prefill, rest[args.n : 2 * args.n], rest[2 * args.n :])
    result["load_average_end"] = round(os.getloadavg()[0], 2)
    result["machine"] = {"cpus": os.cpu_count(), "shared_data": DATA.exists()}
    out = ROOT / "bench" / "results" / "warm_ingest.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
