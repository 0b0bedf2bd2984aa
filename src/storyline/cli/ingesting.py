"""Commands that put articles in a store or change one: ingest (and --watch), rebuild, copy, migrate."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from .. import reading
from ..errors import StoreError
from ..output import plural
from ..storage import is_postgres, open_store, sqlite_path
from .common import OPENED, Db, check_model, err, out, say, settings_for, store_for, warn


def ingest(
    paths: Annotated[list[str] | None, typer.Argument(help="Files or folders of .txt, .html, .jsonl (optionally .gz); - for JSONL on stdin.")] = None,
    db: Db = None,
    engine: Annotated[str, typer.Option("--engine", help="Where the per-article stages run: local (this machine's processes) or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="With --engine dask: the address of a running `dask scheduler` (default: a local cluster).")] = None,
    watch: Annotated[Path | None, typer.Option("--watch", help="Keep the models loaded and ingest each file that lands in this folder, until Ctrl-C.")] = None,
    interval: Annotated[float, typer.Option("--interval", min=0.05, help="Seconds between looks at the --watch folder.")] = 0.25,
) -> None:
    """Read articles, clean and describe them, and place them in events and stories.

    Example: storyline ingest examples/corpus --db demo.db; storyline ingest --watch inbox/ --db demo.db
    or, on a Dask cluster: storyline ingest archive/ --db postgresql://localhost/news --engine dask --scheduler tcp://10.0.0.5:8786
    """
    from ..executors import check_engine, make_executor
    from ..pipeline import Pipeline

    settings = settings_for(db)
    if watch is not None and not watch.is_dir():  # refused before the store is created or a cluster started
        raise typer.BadParameter(f"--watch {watch}: not a folder")
    if watch is None and not paths:
        raise typer.BadParameter("give files or folders to ingest, or --watch FOLDER")
    check_engine(engine, scheduler)
    note = check_model(settings)
    executor = make_executor(engine, settings, lambda: pipeline.enricher, scheduler)  # a scheduler refused: no store
    try:
        pipeline = Pipeline(store_for(db, read_only=False), settings)
        warn(note)
    except BaseException:
        executor.close()
        raise
    pipeline.executor = executor
    if watch is not None:
        _watch(pipeline, watch, interval)
        return
    total = reading.count_documents(paths)
    columns = (TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True, disable=total is not None and total < 20) as progress:
        task = progress.add_task("ingest", total=total)
        with _closed(pipeline, "interrupted: every whole batch before this point is stored; run the same command again "
                               "to finish."):
            report = pipeline.ingest(
                paths,
                on_progress=lambda n: progress.advance(task, n),
                on_error=lambda e: say(err, f"error: {e}"),
                on_warning=lambda w: say(err, f"warning: {w}"),
            )
    for path, reason in report.skipped:
        say(err, f"skipped {path}: {reason}")
    for note in report.renamed_notes():
        say(err, note)
    for given, stored in report.unchanged:
        if given != stored:
            say(err, f"note: {given!r} has the same text as the stored article {stored!r}; it was not stored again")
    if not (report.stored or report.unchanged or report.failures or report.skipped):
        say(err, f"note: no article in {', '.join(paths)} (storyline reads .txt, .html and .jsonl files, optionally "
                  ".gz, and folders holding them)")
    stored = plural(len(report.stored), "article")
    copies = plural(len(report.duplicates), "syndicated copy", "syndicated copies")
    out.print(
        f"stored {stored} ({copies}), "
        f"{len(report.unchanged)} already stored, {len(report.failures)} failed, {len(report.skipped)} skipped"
    )
    if report.failures:
        raise typer.Exit(1)


def _watch(pipeline, folder: Path, interval: float) -> None:
    import time

    from ..watching import failure_line, ingest_and_tell, watch

    t0 = time.perf_counter()
    pipeline.warm()
    say(err, f"watching {folder} (models loaded in {time.perf_counter() - t0:.1f} s); Ctrl-C stops")
    with _closed(pipeline, "stopped: every file ingested so far is stored."):
        tell = ingest_and_tell(pipeline, lambda line: say(out, line), complain=lambda line: say(err, line))
        watch(folder, tell, interval, on_failure=lambda exc: say(err, failure_line(exc, str(pipeline.settings.db))),
              on_skip=lambda path, why: say(err, f"skipped {path}: {why}"))  # fmt: skip


@contextmanager
def _closed(pipeline, interrupted: str) -> Iterator[None]:
    """Close the pipeline however the block ends; on Ctrl-C, kill its workers first, say ``interrupted`` and exit
    with status 130."""
    try:
        yield
    except KeyboardInterrupt:
        pipeline.close(kill=True)
        say(err, interrupted)
        raise typer.Exit(130) from None
    finally:
        pipeline.close()


def rebuild(db: Db = None) -> None:
    """Re-cluster the whole store into events and stories, whatever the arrival order. Example: storyline rebuild"""
    from ..pipeline import Pipeline

    settings = settings_for(db)
    _existing(settings.db, "Check --db (or STORYLINE_DB)")
    note = check_model(settings)
    store = store_for(db, read_only=False)
    warn(note)
    Pipeline(store, settings).rebuild()
    out.print(f"{store.count('events')} events in {store.count('stories')} stories over {store.count('articles')} articles")


def copy_cmd(
    source: Annotated[str, typer.Argument(help="The store to copy: a file, sqlite:///FILE or postgresql://...")],
    target: Annotated[str, typer.Argument(help="A new (empty) store to copy it into, of either backend.")],
) -> None:
    """Copy a whole store into a new one, between SQLite and PostgreSQL in either direction.

    Example: storyline copy storyline.db postgresql://localhost/news
    """
    from ..storage import check_target, copy_store

    OPENED.append(source)
    _existing(source, "Check the SOURCE argument", "there is no store here to copy")
    src = open_store(source, read_only=True)
    OPENED.append(target)
    check_target(target)
    counts = copy_store(src, open_store(target))
    say(out, "copied " + ", ".join(f"{n} {table}" for table, n in counts.items()))


def migrate(db: Db = None) -> None:
    """Bring an existing store up to this version of storyline (the read commands never change it), and read once
    what placement needs of each article it holds without it.

    Example: storyline migrate --db old.db
    """
    path = settings_for(db).db
    _existing(path, "Check --db (or STORYLINE_DB)")
    from ..events.tracking import keep_traits

    store = store_for(db, read_only=False)
    applied = store.migrations_applied
    read = keep_traits(store)  # what placement reads of each article, kept so that no start reads texts again
    if applied:
        say(out, f"{path}: applied {', '.join(applied)}")
    if read:
        say(out, f"{path}: read {read} articles once for placement (kept: later starts read no text)")
    if not applied and not read:
        say(out, f"{path}: already up to date")


def _existing(db: str, todo: str, missing: str = "there is no store here") -> None:
    """Refuse a store file that is not there (opened for writing, it would be created empty, and a command that
    changes a store has nothing to change)."""
    if not is_postgres(db) and not Path(sqlite_path(db)).is_file():
        raise StoreError(f"{db}: {missing}. {todo}.")


def register(app: typer.Typer) -> None:
    """Put these commands on ``app``, in the order its help lists them."""
    app.command()(ingest)
    app.command()(rebuild)
    app.command("copy")(copy_cmd)
    app.command()(migrate)
