"""The orchestrator: one place that runs the stages in order.

For each batch of inputs::

    read        reading.read_paths       file/line -> Article(raw, source, hints)
    clean       cleaning.clean           -> text, removed (each with its reason)
    describe    metadata.describe        -> title, outlet, published, byline, wire, language
                outlets.Outlets          -> one name and domain per outlet across articles
    deduplicate duplicates.Deduplicator  -> content_hash, duplicate_of (syndicated copies)
    enrich      enrichment.Enricher      -> sentences, mentions, quotes, figures, times, event date, vector
    store       storage.Store            -> rows, canonical entities across articles
    place       events.EventTracker      -> event_id (join an event or open one), event attributes
    link        stories                  -> story_id (events linked over time)

A batch is written in one transaction: a crash or Ctrl-C leaves the store as it
was after the last whole batch, and running the same ingest again completes it
(content already stored is recognised by its hash and skipped).

One article never costs the others: an input that fails a stage (cleaning,
describing, enrichment, storing or placement) for a reason of its own becomes
an :class:`~storyline.errors.ArticleFailed` naming it, and the rest of its
batch is stored without it. Failures of the store itself (disk full, locked,
read-only), and a stage that fails on every article alike
(:class:`~storyline.errors.StageFailed`), stop the ingest with the batch rolled back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import cleaning, metadata, reading
from .duplicates import Deduplicator, content_hash
from .errors import ArticleFailed, EmptyInput, InputError, StageFailed, StorylineError
from .models import Article
from .outlets import Outlets
from .settings import Settings
from .storage import Store

BATCH = 256  # articles per transaction; large enough for the enrichment workers to pay off
WARM_UP = ("Council approves new budget\n\nMay 3, 2024 - The city council approved a $2 million budget on "
           'Tuesday, Mayor Jane Smith said. "This is a good day for the city," Smith told reporters in Springfield.')


@dataclass
class IngestReport:
    """What an ingest did: counts, and every input that failed, with where and why."""

    stored: list[str] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)  # (given id, stored id) of content already stored
    duplicates: list[str] = field(default_factory=list)  # stored, marked as syndicated copies
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (given id, stored id) on id clashes
    failures: list[InputError] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[str] = field(default_factory=list)  # what was guessed or replaced (a bad byte, a date not understood)
    on_error: Callable[[InputError], None] | None = field(default=None, repr=False)
    on_warning: Callable[[str], None] | None = field(default=None, repr=False)

    def fail(self, error: InputError) -> None:
        self.failures.append(error)
        if self.on_error:
            self.on_error(error)

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        if self.on_warning:
            self.on_warning(message)

    @property
    def ok(self) -> bool:
        return not self.failures


class Pipeline:
    """Runs the stages over inputs and writes the results to ``store``.

    The enricher and the event index are swappable parts: pass your own (a fake
    embedder in tests, a multilingual one for other languages).
    """

    def __init__(self, store: Store, settings: Settings | None = None, enricher=None, events=None):
        self.store = store
        self.settings = settings or Settings()
        self._enricher = enricher
        self._events = events
        self._own_events = events is None
        self._reload()

    def _reload(self) -> None:
        """(Re)build the in-memory state from the store: after a failed batch it may hold articles never stored."""
        self.dedup = Deduplicator(self.settings.dup_threshold, self.settings.dup_shingle)
        self.dedup.load(self.store.minhashes())
        self.outlets = Outlets(self.store.outlet_rows())
        self._registry = None
        if self._own_events:
            self._events = None

    def close(self, kill: bool = False) -> None:
        """Stop the enrichment worker processes, if any (at once, with ``kill``)."""
        if self._enricher is not None and hasattr(self._enricher, "close"):
            self._enricher.close(kill) if kill else self._enricher.close()

    def warm(self) -> None:
        """Load the models and the event state now, so the first article placed pays no start-up:
        a made-up article is cleaned, described and enriched (not stored), and the event state is read."""
        warm = Article(id="warm-up", source="warm-up", raw=WARM_UP)
        cleaning.clean(warm)
        metadata.describe(warm, self.settings)
        self.enricher.enrich([warm])
        self.registry  # noqa: B018 - built from the store now
        self.events  # noqa: B018

    @property
    def enricher(self):
        if self._enricher is None:
            from .enrichment import Enricher

            self._enricher = Enricher(self.settings)
        return self._enricher

    @property
    def registry(self):
        if self._registry is None:
            from .enrichment.entities import EntityRegistry

            self._registry = EntityRegistry(self.store.entity_rows())
        return self._registry

    @property
    def events(self):
        if self._events is None:
            from .events.tracking import EventTracker

            self._events = EventTracker.from_store(self.store, self.settings)
        return self._events

    def ingest(
        self,
        paths: list[str],
        on_progress: Callable[[int], None] | None = None,
        on_error: Callable[[InputError], None] | None = None,
        on_warning: Callable[[str], None] | None = None,
    ) -> IngestReport:
        """Read, process and store everything under ``paths``; failures of inputs are reported, never fatal."""
        report = IngestReport(on_error=on_error, on_warning=on_warning)

        def skip(path: str, reason: str) -> None:
            report.skipped.append((path, reason))

        batch: list[Article] = []
        for item in reading.read_paths(paths, self.settings, on_skip=skip):
            if isinstance(item, InputError):
                report.fail(item)
                continue
            batch.append(item)
            if len(batch) >= BATCH:
                self.process(batch, report)
                if on_progress:
                    on_progress(len(batch))
                batch = []
        if batch:
            self.process(batch, report)
            if on_progress:
                on_progress(len(batch))
        return report

    def process(self, articles: Iterable[Article], report: IngestReport | None = None) -> list[Article]:
        """Clean, describe, deduplicate, enrich, store and place one batch, in one transaction.

        An article that fails a stage alone is reported as an ArticleFailed; the others are stored.
        """
        report = report if report is not None else IngestReport()
        fresh = self._prepare(articles, report)
        if fresh:
            fresh = self._enrich(fresh, report)
        if not fresh:
            return []
        try:
            return self._store(fresh, report)
        except Exception as exc:
            if _fatal(exc):
                raise
            self._reload()
            if len(fresh) == 1:
                report.fail(ArticleFailed(fresh[0].source, "storing", exc))
                return []
        stored: list[Article] = []  # one of the batch failed: store each alone, so only that one is lost
        failed: list[Exception] = []
        for article in fresh:
            try:
                stored += self._store([article], report)
            except Exception as exc:
                if _fatal(exc):
                    raise
                if _systematic(failed, exc, stored):
                    raise StageFailed("storing", exc) from exc
                failed.append(exc)
                self._reload()
                report.fail(ArticleFailed(article.source, "storing", exc))
        return stored

    def _enrich(self, fresh: list[Article], report: IngestReport) -> list[Article]:
        """Enrich the batch; when that fails, each article alone, leaving out (and reporting) those that fail."""
        try:
            self.enricher.enrich(fresh, vector_cache=self.store)
            return fresh
        except Exception as exc:
            if _fatal(exc):
                raise
            if hasattr(self.enricher, "close"):
                self.enricher.close()  # a worker may have died with the batch; start afresh
            if len(fresh) == 1:
                report.fail(ArticleFailed(fresh[0].source, "enrichment", exc))
                return []
        kept: list[Article] = []
        failed: list[Exception] = []
        for article in fresh:
            try:
                self.enricher.enrich([article], vector_cache=self.store)
                kept.append(article)
            except Exception as exc:
                if _fatal(exc):
                    raise
                if _systematic(failed, exc, kept):
                    raise StageFailed("enrichment", exc) from exc
                failed.append(exc)
                report.fail(ArticleFailed(article.source, "enrichment", exc))
        return kept

    def _store(self, fresh: list[Article], report: IngestReport) -> list[Article]:
        """Deduplicate, store and place ``fresh`` in one transaction."""
        outlets_seen = self.outlets.add(fresh)
        with self.store.write():
            minhashes, repointed = {}, {}
            batch_texts = {a.id: a.text for a in fresh}

            def texts(ids: list[str]) -> dict[str, str]:
                return {i: batch_texts[i] if i in batch_texts else self.store.get_article(i, full=False).text for i in ids}

            for a in fresh:
                minhashes[a.id], moved = self.dedup.check(a, texts)
                repointed.update(moved)
            self.store.add_articles(fresh, self.registry, minhashes)
            self.store.rename_outlets(self.outlets.renames(self.store.outlet_rows(), outlets_seen))
            if repointed:  # copies stored before an earlier original arrived, this batch's included
                self.store.set_duplicate_of(repointed)
                for a in fresh:
                    a.duplicate_of = repointed.get(a.id, a.duplicate_of)
            self.events.place(fresh, self.store)
        report.stored += [a.id for a in fresh]
        report.duplicates += sorted({a.id for a in fresh if a.duplicate_of} | set(repointed))
        return fresh

    def _prepare(self, articles: Iterable[Article], report: IngestReport) -> list[Article]:
        """Clean and describe; drop what is already stored; give clashing ids a suffix."""
        fresh: list[Article] = []
        seen_hashes: dict[str, str] = {}
        seen_ids: set[str] = set()
        for a in articles:
            try:
                cleaning.clean(a)
                if not a.text.strip():
                    raise EmptyInput(a.source, "no article text is left after removing clutter", "Check that it holds an article.")
                metadata.describe(a, self.settings)
            except InputError as exc:
                report.fail(exc)
                continue
            except Exception as exc:
                if _fatal(exc):
                    raise
                report.fail(ArticleFailed(a.source, "cleaning and describing", exc))
                continue
            for warning in a.warnings:
                report.warn(warning)
            a.content_hash = content_hash(a.text)
            existing = self.store.id_for_hash(a.content_hash) or seen_hashes.get(a.content_hash)
            if existing:
                report.unchanged.append((a.id, existing))
                continue
            if self.store.hash_for_id(a.id) is not None or a.id in seen_ids:
                new_id = f"{a.id}~{a.content_hash[:8]}"
                report.renamed.append((a.id, new_id))
                a.id = new_id
            seen_hashes[a.content_hash] = a.id
            seen_ids.add(a.id)
            fresh.append(a)
        return fresh

    def rebuild(self) -> None:
        """Re-cluster every stored article into events and stories, independent of arrival order."""
        from .events.tracking import EventTracker

        self._events = EventTracker.rebuild(self.store, self.settings, prepare=self._complete_vectors)

    def _complete_vectors(self, articles: list[Article]) -> None:
        """Articles stored by a version that did not embed statements get those vectors now."""
        missing = [a for a in articles if len(a.statement_vectors) < len(a.statements())]
        if missing:
            self.enricher.embed_statements(missing, vector_cache=self.store)
            self.store.put_statement_vectors(missing)


def _fatal(exc: BaseException) -> bool:
    """True for failures that are not one article's fault (the store, the disk, a missing model): they stop the ingest."""
    if isinstance(exc, InputError):
        return False
    return isinstance(exc, StorylineError | sqlite3.OperationalError | OSError | MemoryError)


def _systematic(failed: list[Exception], exc: Exception, done: list) -> bool:
    """True when the first articles tried alone all fail the same way: a fault of the stage, not of one article,
    which would fail every article (stop, rather than report each one)."""
    same = [e for e in failed if type(e) is type(exc) and str(e) == str(exc)]
    return not done and len(same) >= 2
