"""Crash test: ``storyline ingest`` killed with SIGKILL at random points (mid-commit among them) and
interrupted with Ctrl-C (SIGINT to its process group), then run again.

After every crash the store passes ``PRAGMA integrity_check``, holds whole batches
only (each article with its event), and no enrichment worker outlives the ingest;
re-running the same command completes the store with every article exactly once.

The ingest runs for real, in a child process, with the real spaCy workers; only the
embedder is the hashed one. Kill points inside the child come from a small hook
(``HOOK``) that counts the store's COMMIT and BEGIN statements through an
``sqlite3.Connection`` subclass and sends the process SIGKILL from a thread.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from _processes import children, ctrl_c_heard, survivors
from storyline.pipeline import BATCH

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")]

ARTICLES = BATCH + 210  # two batches, both big enough for the worker processes
SEED = int(os.environ.get("STORYLINE_CRASH_SEED", "14"))

HOOK = r"""
import os, signal, sqlite3, sys, threading, time

mode, _, arg = os.environ.get("CRASH_AT", "").partition(":")
marks = os.environ["CRASH_MARKS"]


def children():
    pids = []
    for task in os.listdir("/proc/self/task"):
        try:
            pids += open(f"/proc/self/task/{task}/children").read().split()
        except OSError:
            pass
    return pids


def die(delay):
    def run():
        time.sleep(delay)
        with open(marks + ".pids", "w") as f:
            f.write(" ".join(children()))
        os.kill(os.getpid(), signal.SIGKILL)
    threading.Thread(target=run, daemon=True).start()


class Hooked(sqlite3.Connection):
    seen = {"COMMIT": 0, "BEGIN IMMEDIATE": 0, "batch": 0}
    inserting = False

    def execute(self, sql, *args):
        if sql.startswith("INSERT INTO articles "):
            Hooked.inserting = True
        if sql in self.seen:
            self.seen[sql] += 1
            n = self.seen[sql]
            if sql == "COMMIT" and n == 1:
                open(marks + ".started", "w").close()
                if mode == "time":
                    die(float(arg))  # counted from here: the store is open and the reading has begun
            if sql == "COMMIT" and Hooked.inserting:
                Hooked.inserting = False
                self.seen["batch"] += 1
                which, _, delay = arg.partition("@")
                if mode == "batchcommit" and self.seen["batch"] == int(which):
                    die(float(delay or 0.0005))  # 0.5 ms: while SQLite writes the batch's commit
            if mode == "commit" and sql == "COMMIT" and n == int(arg):
                die(0.0005)
            if mode == "begin" and sql == "BEGIN IMMEDIATE" and n == int(arg):
                die(0.05)  # inside the transaction: storing, placing
        return super().execute(sql, *args)


real = sqlite3.connect
sqlite3.connect = lambda *a, **k: real(*a, **{**k, "factory": Hooked})
from storyline.cli import main

sys.argv = ["storyline", *sys.argv[1:]]
main()
"""


def _corpus(folder: Path) -> set[str]:
    """``ARTICLES`` short articles of random words: all different, none a copy of another."""
    rng = random.Random(SEED)
    words = ["".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))
             for _ in range(3000)]  # fmt: skip
    folder.mkdir()
    for i in range(ARTICLES):
        title = " ".join(rng.choice(words) for _ in range(6)).capitalize()
        paragraphs = [" ".join(rng.choice(words) for _ in range(30)).capitalize() + "." for _ in range(2)]
        (folder / f"a{i:04d}.txt").write_text(f"{title}\n\nPublished March {1 + i % 28}, 2024\n\n" + "\n\n".join(paragraphs))
    return {f"a{i:04d}" for i in range(ARTICLES)}


def _env(marks: Path, crash_at: str = "") -> dict:
    return {**os.environ, "STORYLINE_EMBEDDER": "hash", "STORYLINE_LANGUAGES": "en", "STORYLINE_WORKERS": "2",
            "CRASH_AT": crash_at, "CRASH_MARKS": str(marks)}  # fmt: skip


def _check_store(db: Path, complete: set[str] | None = None) -> int:
    """Integrity, whole batches only, every article placed; with ``complete``, exactly those articles once each."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles'").fetchone():
            return 0
        ids = [r[0] for r in conn.execute("SELECT id FROM articles")]
        hashes = {r[0] for r in conn.execute("SELECT content_hash FROM articles")}
        assert len(ids) == len(set(ids)) == len(hashes)  # no duplicates
        assert conn.execute("SELECT count(*) FROM articles WHERE event_id IS NULL").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM mentions WHERE article_id NOT IN (SELECT id FROM articles)").fetchone()[0] == 0
        if complete is not None:
            assert set(ids) == complete
        else:
            assert len(ids) % BATCH == 0 or len(ids) == ARTICLES, len(ids)
        return len(ids)
    finally:
        conn.close()


def _ingest(folder: Path, db: Path, marks: Path, crash_at: str = "") -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-c", HOOK, "ingest", str(folder), "--db", str(db)]
    return subprocess.run(cmd, env=_env(marks, crash_at), capture_output=True, text=True, timeout=300)


def test_kill_9_at_random_points_then_rerun_completes(tmp_path):
    rng = random.Random(SEED)
    expected = _corpus(tmp_path / "in")
    db, marks = tmp_path / "s.db", tmp_path / "marks"
    # kill points: mid-commit of a batch, inside a transaction, at random times, just after a batch's commit
    # (while the next batch is read and enriched), mid-commit of a vector-cache write
    points = ["batchcommit:1", f"begin:{rng.randint(2, 4)}", f"time:{rng.uniform(0.5, 4):.2f}",
              f"batchcommit:1@{rng.uniform(0.1, 0.5):.2f}", f"commit:{rng.randint(2, 3)}", f"time:{rng.uniform(1, 6):.2f}"]  # fmt: skip
    spare = [f"time:{rng.uniform(0.5, 3):.2f}" for _ in range(4)]  # for kill points the run finished before
    killed, log = 0, []
    for point in points + spare:
        if killed == len(points):
            break
        if _check_store(db) == ARTICLES:  # a kill after the last commit: verify, then start afresh
            assert _check_store(db, complete=expected) == ARTICLES
            for leftover in tmp_path.glob("s.db*"):
                leftover.unlink()
        Path(f"{marks}.pids").unlink(missing_ok=True)
        run = _ingest(tmp_path / "in", db, marks, point)
        pids = [int(p) for p in Path(f"{marks}.pids").read_text().split()] if Path(f"{marks}.pids").exists() else []
        stored = _check_store(db)
        log.append((point, run.returncode, stored, len(pids)))
        if run.returncode == -signal.SIGKILL:
            killed += 1
        else:
            assert run.returncode == 0, run.stderr
        assert survivors(pids) == [], f"workers outlived the ingest killed at {point}"
    final = _ingest(tmp_path / "in", db, marks)
    assert final.returncode == 0, final.stderr
    assert _check_store(db, complete=expected) == ARTICLES
    print(f"\ncrash test, kill -9: {log}; then a re-run stored all {ARTICLES} once each")
    assert killed == len(points), log


def test_ctrl_c_at_random_points_prints_one_line_and_rerun_completes(tmp_path):
    rng = random.Random(SEED + 1)
    expected = _corpus(tmp_path / "in")
    db, marks = tmp_path / "s.db", tmp_path / "marks"
    log = []
    interrupted = 0
    for delay in (rng.uniform(0.2, 2), rng.uniform(2, 6), rng.uniform(0.5, 4)):
        for _ in range(RETRIES):  # an ingest that finished before the signal is run again, from nothing, sooner
            if _ctrl_c(tmp_path / "in", db, marks, delay, log):
                interrupted += 1
                break
            for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                path.unlink(missing_ok=True)
            delay /= 3
    final = _ingest(tmp_path / "in", db, marks)
    assert final.returncode == 0, final.stderr
    assert _check_store(db, complete=expected) == ARTICLES
    print(f"\ncrash test, Ctrl-C: {log}; then a re-run stored all {ARTICLES} once each")
    assert interrupted == 3, f"a run finished before every Ctrl-C: {log}"


RETRIES = 4  # tries for each Ctrl-C to land while the ingest runs


def _ctrl_c(folder: Path, db: Path, marks: Path, delay: float, log: list) -> bool:
    """Ingest ``folder`` and press Ctrl-C ``delay`` seconds after the store opens; whether it interrupted the
    ingest (which then printed one line, left no worker behind and exited 130)."""
    Path(f"{marks}.started").unlink(missing_ok=True)
    child = subprocess.Popen([sys.executable, "-c", HOOK, "ingest", str(folder), "--db", str(db)],
                             env=_env(marks), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True, preexec_fn=ctrl_c_heard)  # fmt: skip
    while not Path(f"{marks}.started").exists() and child.poll() is None:
        time.sleep(0.05)  # the store is open: from here on Ctrl-C is the ingest's to handle
    time.sleep(delay)
    pids = children(child.pid)
    if child.poll() is None:
        os.killpg(child.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    out, err = child.communicate(timeout=120)
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("warning: ")]  # said at the start
    log.append((round(delay, 2), child.returncode, len(pids), _check_store(db)))
    if child.returncode == 0:
        return False  # it finished before the signal
    assert child.returncode == 130, err
    assert "Traceback" not in err and len(lines) == 1 and lines[0].startswith("interrupted"), err
    assert survivors(pids) == []
    return True
