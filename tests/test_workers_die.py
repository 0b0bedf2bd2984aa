"""Issue 14, row 3: enrichment workers die with their parent, however it dies.

A child process starts a real :class:`WorkerPool` (over a blank spaCy pipeline, so
no model is loaded), prints its workers' ids and is killed with SIGKILL: nothing
runs in it afterwards, so only the kernel (PR_SET_PDEATHSIG) or the workers' own
watch of the parent's pipe can end them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from _processes import alive, ctrl_c_heard, survivors

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to watch the workers")

SCRIPT = """
import faulthandler, signal, sys, threading, time
faulthandler.register(signal.SIGUSR1, all_threads=True)  # the test asks for the stacks if it hangs
import spacy
from storyline.enrichment import nlp
from storyline.enrichment.workers import WorkerPool
from storyline.models import Article

blank = spacy.blank("en")
blank.add_pipe("sentencizer")
nlp._LOADED["blank"] = blank  # inherited by the forked workers: no model to load
pool = WorkerPool("blank", 2)
articles = [Article(id=str(i), source="s", raw="x", text="The pier reopened. Boats came back.") for i in range(40)]

def start():
    pool.collect(articles, pool.submit(articles), __import__("collections").defaultdict(float))

if sys.argv[1] == "thread":  # as the web app does: the pool is started from a worker thread
    t = threading.Thread(target=start)
    t.start()
    t.join()
else:
    start()
print(" ".join(map(str, pool.pids())), flush=True)
time.sleep(120)
"""


@pytest.mark.parametrize("started_from", ["main", "thread"])
def test_workers_die_when_their_parent_is_killed(started_from):
    parent = subprocess.Popen([sys.executable, "-c", SCRIPT, started_from], stdout=subprocess.PIPE, text=True)
    try:
        line = parent.stdout.readline()
        pids = [int(p) for p in line.split()]
        assert len(pids) == 2 and all(alive(p) for p in pids), line
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        left = survivors(pids)
    finally:
        if parent.poll() is None:
            parent.kill()
    assert left == [], f"workers {left} outlived their parent"


def test_workers_ignore_ctrl_c_and_the_parent_stops_them():
    parent = subprocess.Popen([sys.executable, "-c", SCRIPT, "main"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, start_new_session=True, preexec_fn=ctrl_c_heard)  # fmt: skip
    try:
        pids = [int(p) for p in parent.stdout.readline().split()]
        os.killpg(parent.pid, signal.SIGINT)  # what Ctrl-C does: the whole process group
        try:
            _, errors = parent.communicate(timeout=30)  # both pipes read while waiting: a full one never blocks it
        except subprocess.TimeoutExpired:
            parent.send_signal(signal.SIGUSR1)
            time.sleep(1)  # for the stacks to be written
            parent.kill()
            _, errors = parent.communicate()
            pytest.fail(f"the parent did not stop within 30 s of Ctrl-C; its stacks and output:\n{errors[-6000:]}")
        left = survivors(pids)
    finally:
        if parent.poll() is None:
            parent.kill()
    assert left == []
    assert errors.count("Traceback") <= 1  # the parent's own, if any; none from the workers
