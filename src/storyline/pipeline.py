"""The orchestrator: one place that runs the stages in order.

For each batch of inputs, a map over its articles and a reduce on this process (the driver)::

    read        reading.read_paths        file/line -> Article(raw, source, hints)            driver
    clean       cleaning.clean            -> text, removed (each with its reason)             map
    describe    metadata.describe         -> title, outlet, published, byline, wire, language map
    check       content hash, id          -> what is already stored is skipped, clashing ids renamed
    enrich      enrichment.Enricher       -> sentences, mentions, quotes, figures, times,     map
                                             event date, vectors (cache looked up before, written after)
    --- reduce, in one transaction ---
    deduplicate duplicates.Deduplicator   -> content_hash, duplicate_of (syndicated copies)
                outlets.Outlets           -> one name and domain per outlet across articles
    entities    enrichment.EntityRegistry -> canonical entities across articles, quotes' speakers linked
    store       storage.Store             -> rows, vectors
    place       events.EventTracker       -> event_id (join an event or open one), event attributes
    link        stories                   -> story_id (events linked over time)

The map (:mod:`.mapping`) is pure: functions of an article, the settings and
loaded models, run by an executor (:mod:`.executors`: this process, or Dask).
Its results come back in the batch's order, and the reduce takes them in that
order, so the store is the same whatever ran the map.

A batch is written in one transaction: a crash or Ctrl-C leaves the store as it
was after the last whole batch, and running the same ingest again completes it
(content already stored is recognised by its hash and skipped).

Batches overlap: while one batch is stored and placed here, the next is already
described and its enrichment started (in the enrichment worker processes, or on
Dask), so the workers do not wait for the reduce. A batch is checked again against
the store when it is stored if the store changed since it was checked (the batch
before it, or another writer, stored something meanwhile): a copy of what was
stored meanwhile is recognised, a clashing id renamed, and a copy of an article
that failed is stored after all.

One article never costs the others: an input that fails a stage (cleaning,
describing, enrichment, storing or placement) for a reason of its own becomes
an :class:`~storyline.errors.ArticleFailed` naming it, and the rest of its
batch is stored without it. Failures of the store itself (disk full, locked,
read-only), and a stage that fails on every article alike
(:class:`~storyline.errors.StageFailed`), stop the ingest with the batch rolled back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import reading
from .duplicates import Deduplicator, content_hash
from .errors import ArticleFailed, InputError, StageFailed
from .executors import Enriching, Executor, LocalExecutor
from .mapping import fatal, lead_keys, systematic
from .models import Article
from .outlets import Outlets, outlet_key
from .settings import Settings
from .storage import Store
from .storage.base import Publication

BATCH = 256  # articles per transaction; large enough for the enrichment workers to pay off


@dataclass
class _Started:
    """A batch described and checked, its enrichment under way: ``enriching()`` waits for it (None: nothing
    to enrich); ``size`` is how many inputs the batch had."""

    size: int
    fresh: list[Article]
    enriching: Enriching | None
    generation: int  # the store's generation when the batch was checked


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

    def renamed_notes(self) -> list[str]:
        """One line per id that was taken by other content, with the id it was stored under (as every front end
        tells it)."""
        return [f"note: id {given!r} was already taken by other content; stored as {new!r}" for given, new in self.renamed]


def stored_as(article: Article, publications: list[Publication]) -> str | None:
    """The id under which ``article`` is already stored, among the publications of its clean text, or ``None``: the
    same text is the same article unless its outlet is another one (a wire story a second paper printed word for
    word is stored, as a copy). Outlets are compared by :func:`~.outlets.outlet_key`, which the store's respelling
    of a name ("Gulftribune", "Gulf Tribune") and another address of one site do not change."""
    mine = outlet_key(article.outlet, article.outlet_domain)
    for ident, outlet, domain in publications:
        theirs = outlet_key(outlet, domain)
        if not (mine and theirs) or mine == theirs:
            return ident
    return None


def free_id(wanted: str, content: str, taken: Callable[[str], bool]) -> str:
    """``wanted``, or, when ``taken(wanted)``, ``wanted~<8 of the content hash>`` (``~2``, ``~3`` after it while
    that is taken too: reprints of one text under one id)."""
    if not taken(wanted):
        return wanted
    base = candidate = f"{wanted}~{content[:8]}"
    n = 1
    while taken(candidate):
        n += 1
        candidate = f"{base}~{n}"
    return candidate


class Pipeline:
    """Runs the stages over inputs and writes the results to ``store``.

    The enricher, the event index and the executor of the map are swappable
    parts: pass your own (a fake embedder in tests, a multilingual one for
    other languages, a :class:`~storyline.executors.DaskExecutor`).
    """

    def __init__(self, store: Store, settings: Settings | None = None, enricher=None, events=None,
                 executor: Executor | None = None):  # fmt: skip
        self.store = store
        self.settings = settings or Settings()
        self._enricher = enricher
        self.executor = executor or LocalExecutor(self.settings, lambda: self.enricher)
        self._events = events
        self._own_events = events is None
        self._align_vectors()
        self._reload()

    def _reload(self) -> None:
        """(Re)build the in-memory state from the store: after a failed batch it may hold articles never stored."""
        self.dedup = Deduplicator(self.settings.dup_threshold, self.settings.dup_shingle)
        self.dedup.load(self.store.minhashes())
        self.outlets = Outlets(self.store.outlet_rows())
        self._registry = None
        self._generation = self.store.generation()
        if self._own_events:
            self._events = None

    def _align_vectors(self) -> None:
        """Give the articles stored with another embedder's vectors (an earlier default, another setting)
        vectors of this one: vectors of two embedders cannot be compared. A transaction per
        :data:`BATCH` articles; an interrupted run is completed by the next."""
        embedder = getattr(self.enricher, "embedder", None)
        stale = self.store.vector_keys_of_another_length(int(embedder.dim)) if embedder is not None else []
        for at in range(0, len(stale), BATCH):
            part = stale[at : at + BATCH]
            stored = {a.id: a for a in self.store.iter_articles(full=False, ids=[i for i, _ in part])}
            leads = [stored[article_id].lead(int(self.settings.lead_chars)) for article_id, _ in part]
            with self.store.write():
                self.store.put_vectors(dict(zip([key for _, key in part], embedder.embed(leads), strict=True)))

    def close(self, kill: bool = False) -> None:
        """Stop the enrichment worker processes and the executor, if any (at once, with ``kill``)."""
        self.executor.close(kill)
        if self._enricher is not None and hasattr(self._enricher, "close"):
            self._enricher.close(kill) if kill else self._enricher.close()

    def warm(self) -> None:
        """Load the models and the event state now, so the first article placed pays no start-up:
        a made-up article is cleaned, described and enriched (not stored), and the event state is read."""
        self.executor.warm_up()  # where the models run: this process, or each Dask worker
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
        on_stored: Callable[[list[Article]], None] | None = None,
    ) -> IngestReport:
        """Read, process and store everything under ``paths``; failures of inputs are reported, never fatal.
        ``on_stored`` is given the articles of each batch once its transaction is committed (with their events),
        so that what an interrupted ingest stored has been told."""
        report = IngestReport(on_error=on_error, on_warning=on_warning)

        def skip(path: str, reason: str) -> None:
            report.skipped.append((path, reason))

        pending: _Started | None = None  # the batch being enriched while the one before it is stored

        def finish() -> None:
            nonlocal pending
            ready, pending = pending, None  # stored once: a failure while storing it is not stored again
            if ready is not None:
                stored = self._finish(ready, report)
                if on_stored and stored:
                    on_stored(stored)
                if on_progress:
                    on_progress(ready.size)

        def start(batch: list[Article]) -> None:
            nonlocal pending
            started = self._start(batch, report)
            finish()
            pending = started

        batch: list[Article] = []
        try:
            for item in reading.read_paths(paths, self.settings, on_skip=skip):
                if isinstance(item, InputError):
                    report.fail(item)
                    continue
                batch.append(item)
                if len(batch) >= BATCH:
                    start(batch)
                    batch = []
            if batch:
                start(batch)
        finally:  # also when something stops the ingest (an interrupt, a failure): the ready batch is stored first
            finish()
        return report

    def process(self, articles: Iterable[Article], report: IngestReport | None = None) -> list[Article]:
        """Map (clean, describe, enrich) and reduce (deduplicate, store, place) one batch, in one transaction.

        An article that fails a stage alone is reported as an ArticleFailed; the others are stored.
        """
        report = report if report is not None else IngestReport()
        return self._finish(self._start(list(articles), report), report)

    def _start(self, articles: list[Article], report: IngestReport) -> _Started:
        """Clean, describe and check the batch against the store, and start its enrichment."""
        generation = self.store.generation()
        fresh = self._prepare(articles, report)
        if not fresh:
            return _Started(len(articles), [], None, generation)
        name = self.executor.embedder_name
        known = self.store.get_vectors(lead_keys(fresh, name, int(self.settings.lead_chars))) if name else {}
        return _Started(len(articles), fresh, self.executor.start_enrich(fresh, known), generation)

    def _finish(self, started: _Started, report: IngestReport) -> list[Article]:
        """Wait for the batch's enrichment, then deduplicate, store and place it in one transaction."""
        if started.enriching is None:
            return []
        fresh: list[Article] = []
        results, vectors = started.enriching()
        for result in results:
            if isinstance(result, InputError):
                report.fail(result)
            else:
                fresh.append(result)
        if not fresh:
            return []
        try:
            return self._store(fresh, report, vectors, started.generation)
        except Exception as exc:
            if fatal(exc):
                self._generation = None  # rolled back: the in-memory state is read again before the next batch
                raise
            self._reload()
            if len(fresh) == 1:
                report.fail(ArticleFailed(fresh[0].source, "storing", exc))
                return []
        stored: list[Article] = []  # one of the batch failed: store each alone, so only that one is lost
        failed: list[Exception] = []
        for article in fresh:
            try:
                stored += self._store([article], report, vectors, started.generation)
            except Exception as exc:
                if fatal(exc):
                    raise
                if systematic(failed, exc, stored):
                    raise StageFailed("storing", exc) from exc
                failed.append(exc)
                self._reload()
                report.fail(ArticleFailed(article.source, "storing", exc))
        return stored

    def _store(self, fresh: list[Article], report: IngestReport, vectors: dict, checked_at: int) -> list[Article]:
        """Deduplicate, resolve entities, store and place ``fresh`` in one transaction.

        Another process may have written to the store since this one's last batch (PostgreSQL): then the
        in-memory state is reloaded inside the transaction. Whoever wrote since the batch was checked
        (generation ``checked_at``), it is checked again against what is stored.
        """
        with self.store.write():
            now = self.store.generation()
            if now != self._generation:
                self._reload()
            if now != checked_at:
                fresh = self._recheck(fresh, report)
                if not fresh:
                    self._generation = self.store.generation() + 1
                    return []
            outlets_seen = self.outlets.add(fresh)
            self.store.put_vectors(vectors or {})
            minhashes, repointed = {}, {}
            batch_texts = {a.id: a.text for a in fresh}

            def texts(ids: list[str]) -> dict[str, str]:
                return {i: batch_texts[i] if i in batch_texts else self.store.get_article(i, full=False).text for i in ids}

            for a in fresh:
                minhashes[a.id], moved = self.dedup.check(a, texts)
                repointed.update(moved)
            self.store.add_articles(fresh, self._resolve_entities(fresh), minhashes)
            self.store.rename_outlets(self.outlets.renames(fresh, outlets_seen))
            if repointed:  # copies stored before an earlier original arrived, this batch's included
                events = self.events  # started before the copies change, so what it read of them is followed
                self.store.set_duplicate_of(repointed)
                events.repoint(repointed)
                for a in fresh:
                    a.duplicate_of = repointed.get(a.id, a.duplicate_of)
            self.events.place(fresh, self.store)
            generation = self.store.generation()
        self._generation = generation + 1  # this transaction's own commit
        report.stored += [a.id for a in fresh]
        report.duplicates += sorted({a.id for a in fresh if a.duplicate_of} | set(repointed))
        return fresh

    def _resolve_entities(self, articles: list[Article]) -> list[dict]:
        """Give each mention its canonical entity and each quote its speaker's; the entity rows created or changed."""
        from .enrichment import link_speakers

        for a in articles:
            if a.mentions:
                self.registry.add_article(a.mentions)
            link_speakers(a)
        return self.registry.dirty_rows()

    def _recheck(self, fresh: list[Article], report: IngestReport) -> list[Article]:
        """Drop what another writer stored meanwhile; rename ids it took."""
        kept = []
        kept_ids: set[str] = set()
        for a in fresh:
            existing = stored_as(a, self.store.publications(a.content_hash))
            if existing:
                report.unchanged.append((a.id, existing))
                continue
            new_id = free_id(a.id, a.content_hash, lambda i: self.store.hash_for_id(i) is not None or i in kept_ids)
            if new_id != a.id:
                report.renamed.append((a.id, new_id))
                a.id = new_id
            kept.append(a)
            kept_ids.add(a.id)
        return kept

    def _prepare(self, articles: list[Article], report: IngestReport) -> list[Article]:
        """Clean and describe (the first map); drop what is already stored; give clashing ids a suffix."""
        fresh: list[Article] = []
        seen_hashes: dict[str, list[Publication]] = {}
        seen_ids: set[str] = set()
        for a in self.executor.describe(articles):
            if isinstance(a, InputError):
                report.fail(a)
                continue
            for warning in a.warnings:
                report.warn(warning)
            a.content_hash = content_hash(a.text)
            try:
                existing = stored_as(a, self.store.publications(a.content_hash) + seen_hashes.get(a.content_hash, []))
                new_id = None if existing else free_id(
                    a.id, a.content_hash, lambda i: i in seen_ids or self.store.hash_for_id(i) is not None)
            except Exception as exc:  # this article's own (an id the store cannot hold), unless the store failed
                if fatal(exc):
                    raise
                report.fail(ArticleFailed(a.source, "checking against the store", exc))
                continue
            if existing:
                report.unchanged.append((a.id, existing))
                continue
            if new_id != a.id:
                report.renamed.append((a.id, new_id))
                a.id = new_id
            seen_hashes.setdefault(a.content_hash, []).append((a.id, a.outlet, a.outlet_domain))
            seen_ids.add(a.id)
            fresh.append(a)
        return fresh

    def rebuild(self) -> None:
        """Re-cluster every stored article into events and stories, independent of arrival order."""
        from .events.tracking import EventTracker

        self._events = EventTracker.rebuild(self.store, self.settings)

