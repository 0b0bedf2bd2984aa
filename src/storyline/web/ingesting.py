"""Ingest over HTTP: a JSONL request body through the same reader and pipeline as the CLI.

Each line is read by :mod:`storyline.reading` with the rules of ``storyline
ingest`` (``text`` or ``html``; optional ``id``, ``url``, ``title``, ``date``,
``outlet``), so a line the CLI accepts is accepted here and a bad line fails
the same way. Bad lines are reported with their line numbers; the good ones
are stored anyway. What the CLI warns about (a date it did not understand, bytes
it replaced) is reported with its line number too. A gzip-compressed body
(``Content-Encoding: gzip``) is inflated first, within ``max_request_bytes``.
"""

from __future__ import annotations

import gzip
import io
import re
import secrets
import threading
import time
import zlib
from typing import Any

from fastapi import HTTPException

from .. import reading
from ..errors import InputError
from .security import BodyTooLarge

SOURCE = "request"
GZIP = ("gzip", "x-gzip")  # the Content-Encoding values a body is inflated from; none or identity: taken as sent
_WARNING = re.compile(rf"{SOURCE}:(\d+): (.*)", re.DOTALL)  # how reading and describing name a line they warn about


def inflate(body: bytes, encoding: str, limit: int) -> bytes:
    """The body as it was before its ``Content-Encoding`` (gzip, as the CLI reads .jsonl.gz), inflated to at most
    ``limit`` bytes: past that it is a BodyTooLarge (413), so a small zip bomb is never inflated in full."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in GZIP:
        raise HTTPException(415, f"Content-Encoding {encoding[:40]!r} is not accepted: send the body as it is, "
                                 "or gzip-compressed with 'Content-Encoding: gzip'")  # fmt: skip
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            data = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise HTTPException(400, f"the body is not valid gzip ({exc}); compress it again, or send it as it is") from None
    if len(data) > limit:
        raise BodyTooLarge(limit)
    return data


def parse_body(body: bytes, max_bytes: int) -> tuple[list, list[InputError]]:
    """Articles and per-line errors from a JSONL body.

    Lines without an ``id`` get ``http-<time>-<post>-<line>``, ``<post>`` drawn at random for each post, so two
    posts never collide by accident (within one second, they did: each of a client's parallel posts was renamed).
    """
    stem = "http-" + time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + secrets.token_hex(3)
    articles, errors = [], []
    for item in reading.read_jsonl(io.BytesIO(body), SOURCE, stem, max_bytes):
        (errors if isinstance(item, InputError) else articles).append(item)
    return articles, errors


def line_of(err: InputError) -> int | None:
    """The body line an error is about (``request:3`` -> 3), or None for the body as a whole."""
    where = str(err.where)
    head, _, tail = where.rpartition(":")
    return int(tail) if head == SOURCE and tail.isdigit() else None


def error_dict(err: InputError) -> dict[str, Any]:
    return {"line": line_of(err), "error": err.what, "todo": err.todo, "kind": type(err).__name__}


def warning_dict(message: str) -> dict[str, Any]:
    """A warning as ``{line, message}`` (``request:3: the date ...`` -> 3 and the rest), as the CLI prints it."""
    m = _WARNING.fullmatch(message)
    return {"line": int(m.group(1)), "message": m.group(2)} if m else {"line": None, "message": message}


def _pair(item: Any) -> dict[str, str]:
    """An unchanged input as ``{given, stored}`` (the stored id of content sent again)."""
    given, stored = item if isinstance(item, tuple | list) else (item, item)
    return {"given": given, "stored": stored}


class Ingestor:
    """Runs posted articles through one pipeline, one request at a time.

    ``pipeline`` is a :class:`~storyline.pipeline.Pipeline`, or a callable that
    builds one on the first post (it loads models, so it is built only when needed).
    """

    def __init__(self, pipeline: Any, settings: Any):
        self._pipeline = pipeline
        self.settings = settings
        self._lock = threading.Lock()

    def pipeline(self) -> Any:
        with self._lock:
            if callable(self._pipeline) and not hasattr(self._pipeline, "process"):
                self._pipeline = self._pipeline()
            return self._pipeline

    def warm(self) -> None:
        """Build the pipeline and load its models now (in a background thread at start-up), not on the first post."""
        pipeline = self.pipeline()
        with self._lock:
            if hasattr(pipeline, "warm"):
                pipeline.warm()

    def watch(self, folder: str, say, stop: threading.Event | None = None, interval: float = 0.25) -> None:
        """Ingest the files that land in ``folder`` through the same warm pipeline, one batch at a time with the posts.
        A batch that fails (the store busy) is told to ``say`` and tried again: the watch never stops while the
        server runs on. Models that cannot load (a model package missing) are told, with the folder left unwatched,
        not a traceback of a thread that died."""
        from ..errors import StorylineError
        from ..watching import failure_line, ingest_and_tell, watch

        try:
            self.warm()
        except StorylineError as exc:
            say(f"error: {exc}; {folder} is not watched")
            return
        pipeline = self.pipeline()
        watch(folder, ingest_and_tell(pipeline, say, self._lock), interval, stop,
              on_failure=lambda exc: say(failure_line(exc, str(self.settings.db))),
              on_skip=lambda path, why: say(f"skipped {path}: {why}"))  # fmt: skip

    def ingest(self, body: bytes, encoding: str = "") -> dict[str, Any]:
        """Store every good line of ``body`` (sent with the Content-Encoding ``encoding``); report what was stored,
        each failure with its line, and each warning ``storyline ingest`` would print (a date not understood, bytes
        replaced), with its line."""
        from ..pipeline import IngestReport

        body = inflate(body, encoding, int(self.settings.max_request_bytes))
        articles, errors = parse_body(body, int(self.settings.max_bytes))
        report = IngestReport(failures=list(errors))
        if articles:
            pipeline = self.pipeline()
            with self._lock:
                pipeline.process(articles, report)
        by_id = {a.id: a for a in articles}
        return {
            "ok": not report.failures,
            "stored": [{"id": i, "event_id": by_id[i].event_id if i in by_id else None} for i in report.stored],
            "duplicates": report.duplicates,
            "unchanged": [_pair(u) for u in report.unchanged],
            "renamed": [{"given": g, "stored": s} for g, s in report.renamed],
            "errors": sorted((error_dict(e) for e in report.failures), key=lambda d: d["line"] or 0),
            "warnings": sorted((warning_dict(w) for w in report.warnings), key=lambda d: d["line"] or 0),
        }
