"""A warm ingest: one process that keeps its models loaded and ingests files as they land in a folder.

``storyline ingest --watch DIR`` (and ``storyline serve --watch DIR``, which
shares the pipeline with the HTTP ingest) loads the models once, ingests what
is already in ``DIR``, then looks for new or changed files every ``interval``
seconds and ingests each as soon as it is complete: a file counts as complete
once it has stayed as it is (size, modification and change time) for
:data:`QUIET` seconds, seen so on the looks or told so by its modification time
(write it elsewhere and move it in, and it is taken at the next look once that
time has passed). A writer that pauses for less than that between its parts is
waited for; one that pauses longer should write under a hidden name (``.name``)
or one ending in ``.tmp`` or ``.part``, which are left alone, and rename the file
when it is done (taken after each pause of a quarter of a second, a file written
in parts was stored once per part, each a truncated copy of the next). Content already stored is
recognised by its hash and not stored again, so a file rewritten with the same
text costs next to nothing; a file whose permissions change (made readable
after a failure) is read again.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import StorylineError
from .reading import FORMATS, UNKNOWN_TYPE, shown_path
from .storage import is_store_failure, store_failure

IGNORED_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload")
RETRY = 5.0  # seconds before the files of a batch whose ingest failed are tried again

QUIET = 1.0  # seconds a file must stay as it is before it counts as complete (a writer's pause is shorter)
Signature = tuple[int, int, int]  # (size, mtime in ns, ctime in ns: a chmod changes it)


def _in_the_making(path: Path) -> bool:
    """A hidden file, a writer's temporary name or an editor's backup (``a.txt~``, ``#a.txt#``): left alone, without
    a word."""
    name = path.name
    return name.startswith(".") or name.lower().endswith(IGNORED_SUFFIXES) or name.endswith("~") or \
        name.startswith("#") and name.endswith("#")


def _wanted(path: Path) -> bool:
    if _in_the_making(path):
        return False
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return bool(suffixes) and suffixes[-1] in FORMATS


def scan(folder: Path, unknown: list[Path] | None = None) -> Iterator[tuple[Path, Signature]]:
    """Every input file under ``folder`` (recursively, sorted) with its size and modification time; files of a
    type storyline does not read are added to ``unknown`` (when given)."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root, name)
            if not _wanted(path):
                if unknown is not None and not _in_the_making(path):
                    unknown.append(path)
                continue
            try:
                st = path.stat()
            except OSError:
                continue  # moved away between the listing and the look
            yield path, (st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class FolderWatch:
    """Which files under a folder are new or changed since they were last handed out, once complete."""

    def __init__(self, folder: str | Path, quiet: float = QUIET, on_skip: Callable[[str, str], None] | None = None,
                 clock: Callable[[], float] = time.time):  # fmt: skip
        self.folder = Path(folder)
        self.quiet = quiet
        self.clock = clock  # seconds, as file times are
        self.done: dict[Path, Signature] = {}
        self._since: dict[Path, tuple[Signature, float]] = {}  # each file as last seen, and since when it is so
        self.on_skip = on_skip  # told once of each file of a type storyline does not read (feed.json)
        self._skipped: set[Path] = set()

    def ready(self, settle: bool = True) -> list[Path]:
        """Files not handed out in their current state that are complete: unchanged for ``quiet`` seconds, by
        their modification time or (with ``settle``: not on the first look at a folder) on the looks."""
        unknown: list[Path] = []
        now = dict(scan(self.folder, unknown))
        for path in unknown:
            if path not in self._skipped and self.on_skip is not None:
                self.on_skip(shown_path(str(path)), UNKNOWN_TYPE)
        self._skipped = set(unknown)  # one gone and back is told again
        t = self.clock()
        since = {p: seen if (seen := self._since.get(p)) is not None and seen[0] == sig else (sig, t) for p, sig in now.items()}
        out = [p for p, sig in now.items() if self.done.get(p) != sig
               and (sig[1] <= (t - self.quiet) * 1e9 or settle and t - since[p][1] >= self.quiet)]  # fmt: skip
        self._since = since
        for p in out:
            self.done[p] = now[p]
        return out

    def forget(self, paths: list[Path]) -> None:
        """Hand ``paths`` out again at the next look (their ingest failed)."""
        for p in paths:
            self.done.pop(p, None)


def watch(
    folder: str | Path,
    ingest: Callable[[list[str]], object],
    interval: float = 0.25,
    stop: threading.Event | None = None,
    on_idle: Callable[[], None] | None = None,
    on_failure: Callable[[Exception], None] | None = None,
    retry: float = RETRY,
    on_skip: Callable[[str, str], None] | None = None,
    quiet: float = QUIET,
) -> None:
    """Ingest what is in ``folder``, then each new or changed file as it lands, until ``stop`` is set.

    ``ingest`` takes a list of paths (:meth:`storyline.pipeline.Pipeline.ingest`, or a wrapper that
    reports); ``on_idle`` runs after every look that found nothing. A batch whose ingest raises (the store
    busy or unreachable, a full disk) is told to ``on_failure`` and its files are tried again after
    ``retry`` seconds, so the watch goes on; without ``on_failure`` the failure ends the watch. ``on_skip`` is
    told once of each file of a type storyline does not read, with why, as ``storyline ingest`` tells it. A file
    is ingested once it has stayed as it is for ``quiet`` seconds (:class:`FolderWatch`).
    """
    stop = stop or threading.Event()
    files = FolderWatch(folder, quiet, on_skip)
    ready = files.ready(settle=False)
    while True:
        if ready:
            try:
                ingest([str(p) for p in ready])
            except Exception as exc:
                if on_failure is None:
                    raise
                on_failure(exc)
                files.forget(ready)
                if stop.wait(max(retry, interval)):
                    return
        elif on_idle:
            on_idle()
        if stop.wait(interval):
            return
        ready = files.ready()


def ingest_and_tell(pipeline, say: Callable[[str], None], lock: threading.Lock | None = None,
                    complain: Callable[[str], None] | None = None):  # fmt: skip
    """An ``ingest`` for :func:`watch`: runs ``pipeline`` (under ``lock``, when another front end shares it)
    and tells ``say`` one line per stored article with its event (and the article it is a syndicated copy
    of), as soon as its batch is committed, and ``complain`` (``say`` unless given) each failure and each warning, and each id that was taken
    and changed, as ``storyline ingest`` prints them. Content stored before under the id it has now (the old
    lines of a JSONL file that grew) is counted in one line, not told line by line."""
    lock = lock or threading.Lock()
    complain = complain or say

    def ingest(paths: list[str]):
        t0 = time.perf_counter()

        def told(articles: list) -> None:  # each batch once committed: an interrupted ingest has told what it stored
            ms = 1000 * (time.perf_counter() - t0)
            for a in articles:
                copy = f" (a syndicated copy of {a.duplicate_of})" if a.duplicate_of else ""
                say(f"stored {a.id}{copy} in event {a.event_id} ({ms:.0f} ms)")

        with lock:
            report = pipeline.ingest(paths, on_error=lambda e: complain(f"error: {e}"),
                                     on_warning=lambda w: complain(f"warning: {w}"), on_stored=told)  # fmt: skip
        for note in report.renamed_notes():
            complain(note)
        again = sum(given == kept for given, kept in report.unchanged)  # a file read again: its old lines
        for given, kept in report.unchanged:
            if given != kept:
                say(f"unchanged {given} (stored as {kept})")
        if again:
            say(f"{again} already stored")
        return report

    return ingest


def failure_line(exc: Exception, db: str, retry: float = RETRY) -> str:
    """What a watch tells of a batch whose ingest failed (on the store ``db``): the failure, and that its files
    are tried again."""
    if is_store_failure(exc):
        exc = store_failure(db, exc)
    what = str(exc) if isinstance(exc, StorylineError) else f"{type(exc).__name__}: {exc}"
    return f"error: {what.rstrip('.')}; the files of this batch are tried again in {retry:g} s"
