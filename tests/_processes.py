"""Watching processes through /proc, for the tests that kill storyline and check what it leaves behind."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def children(pid: int) -> list[int]:
    """The child processes of ``pid``, from every one of its threads."""
    pids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return pids


def survivors(pids: list[int], seconds: float = 10) -> list[int]:
    """Those of ``pids`` still running after up to ``seconds``; they are then killed, so no test leaves them behind."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.1)
    left = [p for p in pids if alive(p)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


def ctrl_c_heard() -> None:
    """For ``preexec_fn``, in the child before it runs: Ctrl-C's default action, whatever the test runner's own.
    A shell running the tests in the background (nohup, ``&``) ignores SIGINT, the ignoring is inherited across
    exec, and Python then never hears Ctrl-C: a test of it would pass without testing anything."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
