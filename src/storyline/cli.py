"""The ``storyline`` command: a thin layer over the library, one function per command."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from . import reading
from .errors import InputError, OutputError, SettingsError, StoreError, StorylineError
from .export import article_dict, export, quote_dicts
from .models import Event, Story
from .outlets import outlet_label
from .output import FORMATS, emit, plural, printable
from .settings import SETTINGS, Settings, default_config, settings_markdown, unknown_environment
from .storage import (
    ArticleRow,
    EntityRow,
    FigureRow,
    OutletRow,
    QuoteRow,
    SearchHit,
    Store,
    fields_of,
    is_postgres,
    open_store,
    redact,
    sqlite_path,
    store_errors,
    store_failure,
)  # fmt: skip

app = typer.Typer(
    help="Turn a pile of news articles into tracked events and stories.\n\n"
    "Example: storyline ingest examples/corpus && storyline stories",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
out = Console()
err = Console(stderr=True)

Db = Annotated[str | None, typer.Option("--db", help="Store: a file, sqlite:///FILE or postgresql://... (default: storyline.db or STORYLINE_DB).")]
AsJson = Annotated[bool, typer.Option("--json", help="Output a JSON array.")]
AsJsonObject = Annotated[bool, typer.Option("--json", help="Output one JSON object.")]
AsJsonl = Annotated[bool, typer.Option("--jsonl", help="Output one JSON object per line.")]
AsCsv = Annotated[bool, typer.Option("--csv", help="Output CSV.")]
Limit = Annotated[int, typer.Option("--limit", min=0, max=10**12, help="Most rows to show.")]


_OPENED: list[str] = []  # the store this command opened, to name it when SQLite fails


def _settings(db: str | None) -> Settings:
    return Settings(db=db)


def _store(db: str | None, read_only: bool = True) -> Store:
    """The store of a command: read-only (never created, migrated or written) unless the command writes."""
    path = _settings(db).db
    _OPENED.append(path)
    return open_store(path, read_only=read_only)


def _check_model(settings: Settings) -> str | None:
    """Read the model file before any work: one that cannot be used is an error now, before a store is made or a
    cluster started. Returns what to warn of (fitted on another embedder's vectors than the one set), for the
    caller to say once the store has opened."""
    from .events.model import Models

    return Models.load(settings.model).embedder_note(str(settings.embedder))


def _warn(note: str | None) -> None:
    if note:
        _say(err, f"warning: {note}")


def _print_json(data: object) -> None:
    """JSON to stdout as is: never wrapped at the terminal's width (which would break its strings)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _say(console: Console, message: str) -> None:
    """Print one message as plain text, its control characters escaped."""
    console.print(printable(message), markup=False, highlight=False, soft_wrap=True)


def _none_found(rows: list, limit: int, filters: dict[str, str | None], lister: str) -> None:
    """On stderr, when the filters given left no row: which ones, and the command that lists what they can match
    (an empty table said nothing of why: "Harbor Ledger" for "The Harbor Ledger", a type misspelt)."""
    given = [f"{name} {value!r}" for name, value in filters.items() if value]
    if not rows and limit and given:
        _say(err, f"note: nothing matches {' '.join(given)}; {lister}")


def _day(value: str | None) -> str | None:
    """A ``--since`` / ``--until`` value: a real day, written YYYY-MM-DD."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a day; write it YYYY-MM-DD, such as 2024-03-01") from None


def _fmt(as_json: bool, as_jsonl: bool, as_csv: bool) -> str:
    chosen = [f for f, on in zip(FORMATS[1:], (as_json, as_jsonl, as_csv), strict=True) if on]
    if len(chosen) > 1:
        raise typer.BadParameter("choose one of --json, --jsonl, --csv")
    return chosen[0] if chosen else "table"


@app.command()
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
    from .executors import check_engine, make_executor
    from .pipeline import Pipeline

    settings = _settings(db)
    if watch is not None and not watch.is_dir():  # refused before the store is created or a cluster started
        raise typer.BadParameter(f"--watch {watch}: not a folder")
    if watch is None and not paths:
        raise typer.BadParameter("give files or folders to ingest, or --watch FOLDER")
    check_engine(engine, scheduler)
    note = _check_model(settings)
    executor = make_executor(engine, settings, lambda: pipeline.enricher, scheduler)  # a scheduler refused: no store
    try:
        pipeline = Pipeline(_store(db, read_only=False), settings)
        _warn(note)
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
        try:
            report = pipeline.ingest(
                paths,
                on_progress=lambda n: progress.advance(task, n),
                on_error=lambda e: _say(err, f"error: {e}"),
                on_warning=lambda w: _say(err, f"warning: {w}"),
            )
        except KeyboardInterrupt:
            pipeline.close(kill=True)
            _say(err, "interrupted: every whole batch before this point is stored; run the same command again to finish.")
            raise typer.Exit(130) from None
        finally:
            pipeline.close()
    for path, reason in report.skipped:
        _say(err, f"skipped {path}: {reason}")
    for note in report.renamed_notes():
        _say(err, note)
    for given, stored in report.unchanged:
        if given != stored:
            _say(err, f"note: {given!r} has the same text as the stored article {stored!r}; it was not stored again")
    if not (report.stored or report.unchanged or report.failures or report.skipped):
        _say(err, f"note: no article in {', '.join(paths)} (storyline reads .txt, .html and .jsonl files, optionally "
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

    from .watching import failure_line, ingest_and_tell, watch

    t0 = time.perf_counter()
    pipeline.warm()
    _say(err, f"watching {folder} (models loaded in {time.perf_counter() - t0:.1f} s); Ctrl-C stops")
    try:
        tell = ingest_and_tell(pipeline, lambda line: _say(out, line), complain=lambda line: _say(err, line))
        watch(folder, tell, interval, on_failure=lambda exc: _say(err, failure_line(exc, str(pipeline.settings.db))),
              on_skip=lambda path, why: _say(err, f"skipped {path}: {why}"))  # fmt: skip
    except KeyboardInterrupt:
        pipeline.close(kill=True)
        _say(err, "stopped: every file ingested so far is stored.")
        raise typer.Exit(130) from None
    finally:
        pipeline.close()


@app.command()
def articles(
    db: Db = None,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet: its name in any case, or its domain (pier.example).")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD).", callback=_day)] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before (YYYY-MM-DD).", callback=_day)] = None,
    limit: Limit = 200,
    as_json: AsJson = False,
    as_jsonl: AsJsonl = False,
    as_csv: AsCsv = False,
) -> None:
    """List stored articles. Example: storyline articles --outlet DW --json"""
    rows = _store(db).list_articles(limit=limit, outlet=outlet, since=since, until=until)
    _none_found(rows, limit, {"--outlet": outlet, "--since": since, "--until": until},
                "`storyline outlets` lists the outlets as stored and the dates each covers")
    cols = ("id", "published", "published_how", "outlet", "title", "wire", "duplicate_of", "event_id")
    emit(out, rows, _fmt(as_json, as_jsonl, as_csv), cols, title="articles", fields=fields_of(ArticleRow))


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find (any order), or with --meaning what to find articles about.")],
    db: Db = None,
    meaning: Annotated[bool, typer.Option("--meaning", help="Rank by closeness in meaning of headline and lead (the article vectors), not by the words.")] = False,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet: its name in any case, or its domain.")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD).", callback=_day)] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before (YYYY-MM-DD).", callback=_day)] = None,
    language: Annotated[str | None, typer.Option(help="Only articles in this language (en, de ...).")] = None,
    limit: Limit = 20,
    as_json: AsJson = False,
    as_jsonl: AsJsonl = False,
    as_csv: AsCsv = False,
) -> None:
    """Search the articles, best match first: by their words (a snippet around the words found), or by meaning
    (every article ranked by closeness, 1 the same meaning). Example: storyline search "flood wall" --since 2024-01-01"""
    if not query.strip():
        raise typer.BadParameter("give words to search for (`storyline articles` lists articles by outlet and date)")
    from .searching import MeaningSearch, search_articles

    store = _store(db)
    filters = {"outlet": outlet, "language": language, "since": since, "until": until}
    mode = "meaning" if meaning else "words"
    rows = search_articles(store, MeaningSearch(store, _settings(db)), query, mode, limit, **filters)
    _none_found(rows, limit, {"words": query, "--outlet": outlet, "--since": since, "--until": until,
                              "--language": language},  # fmt: skip
                "try fewer filters (`storyline outlets` lists the outlets and the dates each covers)" if meaning else
                "try other words, or --meaning (every article ranked), or fewer filters")  # fmt: skip
    rows, fmt = [{k: v for k, v in r.items() if k != "highlights"} for r in rows], _fmt(as_json, as_jsonl, as_csv)
    if fmt == "table":  # a reader sees the score as it ranks (the snippet is in --json, --jsonl and --csv)
        rows = [r | {"score": f"{r['score']:.2f}"} for r in rows]
    emit(out, rows, fmt, ("id", "score", "published", "outlet", "title"), title="search",
         fields=[f for f in fields_of(SearchHit) if f != "highlights"])


@app.command()
def outlets(db: Db = None, as_json: AsJson = False, as_jsonl: AsJsonl = False, as_csv: AsCsv = False) -> None:
    """Articles per outlet, with copies, undated articles and the dates covered. Example: storyline outlets"""
    rows, fmt = _store(db).outlet_counts(), _fmt(as_json, as_jsonl, as_csv)
    if fmt == "table":  # a reader sees a name; --json, --jsonl and --csv keep the outlet null (empty)
        rows = [r | {"outlet": outlet_label(r["outlet"], r["outlet_domain"])} for r in rows]
    emit(out, rows, fmt, title="articles per outlet", fields=fields_of(OutletRow))


@app.command()
def show(article_id: str, db: Db = None, as_json: AsJsonObject = False) -> None:
    """Show one article: metadata, clean text, what was removed and why, entities, quotes, figures.

    Example: storyline show 000_report
    """
    store = _store(db)
    article = store.get_article(article_id)
    if as_json:
        data = article_dict(article) | {
            "quotes": quote_dicts(store, article), "figures": [vars(f) for f in article.figures],
            "mentions": [vars(m) for m in article.mentions], "times": [vars(t) for t in article.times],
        }  # fmt: skip
        _print_json(data)
        return
    from .showing import show_article

    show_article(out, article, store.get_event(article.event_id).date if article.event_id else None)


@app.command("export")
def export_cmd(
    db: Db = None,
    format: Annotated[str, typer.Option("--format", help="Only json for now; the contract's format.")] = "json",
    output: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Export the whole store as one JSON object. Example: storyline export --format json > all.json"""
    if format != "json":
        raise typer.BadParameter("only --format json is supported")
    text = json.dumps(export(_store(db)), ensure_ascii=False, indent=1, default=str)
    if output:
        _write(output, text)
    else:
        sys.stdout.write(text + "\n")


@app.command()
def entities(
    db: Db = None,
    type: Annotated[str | None, typer.Option("--type", help="Only this type: PERSON, ORG, GPE ..., or person, organisation, place (GPE, LOC and FAC).")] = None,
    limit: Limit = 200,
    as_json: AsJson = False,
    as_jsonl: AsJsonl = False,
    as_csv: AsCsv = False,
) -> None:
    """Canonical entities with their aliases and mention counts. Example: storyline entities --type PERSON"""
    rows = _store(db).entities(limit=limit, type=type)
    _none_found(rows, limit, {"--type": type}, "`storyline entities` shows the types in the store")
    emit(out, rows, _fmt(as_json, as_jsonl, as_csv), ("id", "name", "type", "count", "aliases"), title="entities",
         fields=fields_of(EntityRow))


@app.command()
def quotes(
    db: Db = None,
    speaker: Annotated[str | None, typer.Option("--speaker", help="Only quotes by this speaker (any part of the name).")] = None,
    limit: Limit = 200,
    as_json: AsJson = False,
    as_jsonl: AsJsonl = False,
    as_csv: AsCsv = False,
) -> None:
    """Quotes with their speakers, cues and kinds. Example: storyline quotes --speaker Lavrov"""
    rows = _store(db).quotes(speaker=speaker, limit=limit)
    _none_found(rows, limit, {"--speaker": speaker}, "`storyline entities --type PERSON` lists the people named")
    emit(out, rows, _fmt(as_json, as_jsonl, as_csv), ("article_id", "speaker", "kind", "cue", "text"), title="quotes",
         fields=fields_of(QuoteRow))


@app.command()
def figures(
    db: Db = None, limit: Limit = 200, as_json: AsJson = False, as_jsonl: AsJsonl = False, as_csv: AsCsv = False
) -> None:
    """Figures (money, percentages, counts) with what they measure. Example: storyline figures --csv"""
    rows = _store(db).figures(limit=limit)
    cols = ("article_id", "text", "value", "unit", "kind", "measures")
    emit(out, rows, _fmt(as_json, as_jsonl, as_csv), cols, title="figures", fields=fields_of(FigureRow))


@app.command()
def events(
    db: Db = None,
    story: Annotated[str | None, typer.Option("--story", help="Only the events of this story.")] = None,
    as_json: AsJson = False,
    as_jsonl: AsJsonl = False,
    as_csv: AsCsv = False,
) -> None:
    """Events in date order with their articles. Example: storyline events --json"""
    store = _store(db)
    if story is not None:
        store.get_story(story)  # a story that is not there is named, not listed as having no events
    rows = [vars(e) | {"sources": len(e.articles)} for e in store.events(story_id=story)]
    cols = ("id", "date", "place", "sources", "title", "story_id")
    emit(out, rows, _fmt(as_json, as_jsonl, as_csv), cols, title="events", fields=(*fields_of(Event), "sources"))


@app.command()
def stories(db: Db = None, as_json: AsJson = False, as_jsonl: AsJsonl = False, as_csv: AsCsv = False) -> None:
    """Stories with their events in date order. Example: storyline stories"""
    rows = [vars(s) | {"n_events": len(s.events)} for s in _store(db).stories()]
    emit(out, rows, _fmt(as_json, as_jsonl, as_csv), ("id", "n_events", "title", "events"), title="stories",
         fields=(*fields_of(Story), "n_events"))


@app.command()
def story(story_id: str, db: Db = None, as_json: AsJsonObject = False) -> None:
    """The timeline of one story: its events in date order, each with its articles. Example: storyline story s-1a2b"""
    store = _store(db)
    st = store.get_story(story_id)
    timeline = []
    for event_id in st.events:
        e = store.get_event(event_id)
        arts = [store.get_article(a, full=False) for a in e.articles]
        timeline.append(vars(e) | {"articles": [{"id": a.id, "outlet": a.outlet, "title": a.title} for a in arts]})
    if as_json:
        _print_json({"story": vars(st), "timeline": timeline})
        return
    _say(out, f"story {st.id}: {st.title}")
    for e in timeline:
        _say(out, f"\n{e['date'] or 'undated'}  {e['title']}  ({e['place'] or '-'}; {len(e['articles'])} sources)")
        for a in e["articles"]:
            _say(out, f"    {a['id']}  {a['outlet'] or '-'}: {a['title']}")


@app.command()
def rebuild(db: Db = None) -> None:
    """Re-cluster the whole store into events and stories, whatever the arrival order. Example: storyline rebuild"""
    from .pipeline import Pipeline

    settings = _settings(db)
    _existing(settings.db, "Check --db (or STORYLINE_DB)")
    note = _check_model(settings)
    store = _store(db, read_only=False)
    _warn(note)
    Pipeline(store, settings).rebuild()
    out.print(f"{store.count('events')} events in {store.count('stories')} stories over {store.count('articles')} articles")


@app.command("copy")
def copy_cmd(
    source: Annotated[str, typer.Argument(help="The store to copy: a file, sqlite:///FILE or postgresql://...")],
    target: Annotated[str, typer.Argument(help="A new (empty) store to copy it into, of either backend.")],
) -> None:
    """Copy a whole store into a new one, between SQLite and PostgreSQL in either direction.

    Example: storyline copy storyline.db postgresql://localhost/news
    """
    from .storage import check_target, copy_store

    _OPENED.append(source)
    _existing(source, "Check the SOURCE argument", "there is no store here to copy")
    src = open_store(source, read_only=True)
    _OPENED.append(target)
    check_target(target)
    counts = copy_store(src, open_store(target))
    _say(out, "copied " + ", ".join(f"{n} {table}" for table, n in counts.items()))


def _existing(db: str, todo: str, missing: str = "there is no store here") -> None:
    """Refuse a store file that is not there (opened for writing, it would be created empty, and a command that
    changes a store has nothing to change)."""
    if not is_postgres(db) and not Path(sqlite_path(db)).is_file():
        raise StoreError(f"{db}: {missing}. {todo}.")


@app.command()
def migrate(db: Db = None) -> None:
    """Bring an existing store up to this version of storyline (the read commands never change it), and read once
    what placement needs of each article it holds without it.

    Example: storyline migrate --db old.db
    """
    path = _settings(db).db
    _existing(path, "Check --db (or STORYLINE_DB)")
    from .events.tracking import keep_traits

    store = _store(db, read_only=False)
    applied = store.migrations_applied
    read = keep_traits(store)  # what placement reads of each article, kept so that no start reads texts again
    if applied:
        _say(out, f"{path}: applied {', '.join(applied)}")
    if read:
        _say(out, f"{path}: read {read} articles once for placement (kept: later starts read no text)")
    if not applied and not read:
        _say(out, f"{path}: already up to date")


def _folds(value: int) -> int:
    """A ``--cv`` value: 0 (off) or at least 2 folds, refused before anything is read."""
    if value == 1:
        raise typer.BadParameter("cross-validation needs at least 2 folds; give 2 or more, or 0 for none")
    return value


Repeats = Annotated[int, typer.Option("--repeats", min=1, help="With --cv: draw the folds this many ways and average over them all (each draw's F1 is shown too).")]
Cache = Annotated[Path | None, typer.Option("--cache", help="Folder keeping the enriched labelled articles between runs (one store per file).")]


def _labelled(paths: list[Path], cache: Path | None):
    from .labelled import cache_store, load_labelled

    if cache is not None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(cache, exc if not isinstance(exc, FileExistsError) else "a file, not a folder",
                              "--cache") from None
    sets = [load_labelled(p, Settings(), cache_store(cache, p) if cache else None, on_error=lambda e: _say(err, f"error: {e}"),
                          on_warning=lambda w: _say(err, f"warning: {w}"))
            for p in paths]  # fmt: skip
    names = Counter(data.name for data in sets)
    for path, data in zip(paths, sets, strict=True):
        if names[data.name] > 1:  # two files of one name (in two folders): each is known by its path
            data.name = str(path)
    return sets


@app.command("eval")
def eval_cmd(
    gold: Annotated[Path, typer.Argument(help="A labelled JSONL: text/html, id, event, and optionally story and topic.", exists=True, dir_okay=False)],
    cv: Annotated[int, typer.Option("--cv", min=0, callback=_folds, help="Grouped K-fold by story: refit on the other folds, score each held-out fold as ingested (0: off).")] = 0,
    train: Annotated[list[Path] | None, typer.Option("--train", help="Fit the models on this labelled file (repeatable) and score GOLD with them.", exists=True, dir_okay=False)] = None,
    with_baselines: Annotated[bool, typer.Option("--baselines", help="Also score every article alone, and TF-IDF, MiniLM and the two with names (combined) average link (with --cv, on the same folds too).")] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the shuffled ingest order.")] = 0,
    repeats: Repeats = 1,
    cache: Cache = None,
    as_json: AsJsonObject = False,
) -> None:
    """Score events and stories of a labelled JSONL, as ingested (shuffled) and as rebuilt.

    Events are scored against `event`, stories against `story` (null left out), and
    story precision against `topic`. Example: storyline eval ../shared/data/ecbplus-dev.jsonl --cv 5 --baselines
    """
    from .events.training import fit
    from .labelled import baselines, cross_validate, evaluate_labelled

    if repeats > 1 and not cv:
        raise typer.BadParameter("--repeats draws the folds of --cv several ways; give --cv K with it")
    settings = Settings()
    if not train:
        _warn(_check_model(settings))
    data, *_ = _labelled([gold], cache)
    result: dict = {"file": str(gold)}
    models = None
    trained = _labelled(list(train), cache) if train else []
    if trained:
        models = fit(trained, settings)
        result["trained_on"] = [str(p) for p in train]
    result["model"] = f"fitted on {', '.join(result['trained_on'])}" if trained else settings.model or "the packaged model"
    result.update(evaluate_labelled(data, settings, models, shuffle=seed, n_worst=5))
    if cv:
        result["cv"] = cross_validate(data, cv, settings, shuffle=seed, with_baselines=with_baselines, repeats=repeats)
    if with_baselines:
        result["baselines"] = baselines(data, trained[0] if trained else None)
    if as_json:
        _print_json(result)
        return
    from .showing import show_scores

    show_scores(out, result)


@app.command("train")
def train_cmd(
    labelled: Annotated[list[Path], typer.Argument(help="Labelled JSONL files (event, and optionally story).", exists=True, dir_okay=False)],
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the models (JSON).")] = Path("storyline-model.json"),
    cv: Annotated[int, typer.Option("--cv", min=0, callback=_folds, help="Grouped K-fold by story on each file, the other files always in training (0: off).")] = 5,
    kind: Annotated[str, typer.Option("--kind", help="logistic (generalises best) or trees (gradient-boosted, closer fit).")] = "logistic",
    repeats: Repeats = 1,
    cache: Cache = None,
) -> None:
    """Fit the event and story models to labelled news and print each feature's weight.

    Point the `model` setting at the file to use it. Example: storyline train mine.jsonl --out mine-model.json
    """
    from .events.model import KINDS
    from .events.training import fit
    from .labelled import cross_validate
    from .showing import show_model, show_scores

    settings = Settings()
    if not Path(out_file).parent.is_dir():  # found out before the fitting, not after
        raise OutputError(out_file, "no such folder")
    if Path(out_file).is_dir():
        raise OutputError(out_file, "a folder, not a file")
    if kind not in KINDS:  # before the labelled files are read, not after
        raise SettingsError(f"--kind {kind!r}: choose one of {', '.join(KINDS)}")
    if repeats > 1 and not cv:
        raise typer.BadParameter("--repeats draws the folds of --cv several ways; give --cv K with it")
    sets = _labelled(labelled, cache)
    models = fit(sets, settings, kind)
    for i, data in enumerate(sets if cv else []):
        try:
            result = cross_validate(data, cv, settings, extra=tuple(sets[:i] + sets[i + 1:]), kind=kind, repeats=repeats)
        except InputError as exc:  # the fit on all the labels stands; only its out-of-fold figures are missing
            _say(err, f"warning: no cross-validated figures for {data.name}: {exc}")
            continue
        models.scores[data.name] = result
        show_scores(out, {"file": data.name, "articles": result["articles"], "cv": result})
    try:
        models.save(out_file)
    except OSError as exc:
        raise OutputError(out_file, exc) from None
    show_model(out, models)
    out.print(f"wrote {out_file}; use it with STORYLINE_MODEL={out_file} or `model = {out_file}` in storyline.cfg")


@app.command()
def report(
    story_id: Annotated[str | None, typer.Argument(help="The story to report on (see `storyline stories`).")] = None,
    db: Db = None,
    format: Annotated[str | None, typer.Option("--format", help="md, html or json (default md; with --all, all three).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Write every story's report and an index to --out.")] = False,
    output: Annotated[Path | None, typer.Option("--out", help="File (one story) or folder (--all) to write.")] = None,
) -> None:
    """A story's report: timeline, cited event summaries, what sources agree and differ on.

    Example: storyline report --all --out reports/   or   storyline report s-1a2b --format html --out story.html
    """
    from .narration import FORMATS, build_report, render, write_all

    if format is not None and format not in FORMATS:
        raise typer.BadParameter(f"{format!r}: choose one of {', '.join(FORMATS)}", param_hint="--format")
    store = _store(db)
    if all_:
        if story_id:
            raise typer.BadParameter("--all writes every story: name no story with it")
        folder = output or Path("reports")
        try:
            index = write_all(store, folder, (format,) if format else FORMATS)
        except OSError as exc:
            raise OutputError(folder, exc) from None
        out.print(f"wrote {store.count('stories')} story reports; open {index}", markup=False, highlight=False)
        return
    if not story_id:
        raise typer.BadParameter("name a story id, or use --all")
    text = render(build_report(store, story_id), format or "md")
    if output:
        _write(output, text)
        out.print(f"wrote {output}", markup=False, highlight=False)
    else:
        sys.stdout.write(text + "\n")


@app.command()
def serve(
    db: Db = None,
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port to listen on.")] = None,
    watch: Annotated[Path | None, typer.Option("--watch", help="Also ingest each file that lands in this folder, through the same warm pipeline as HTTP posts.")] = None,
) -> None:
    """Serve the web pages and the JSON API. Example: storyline serve --port 8000, then open http://127.0.0.1:8000/"""
    from .web.app import serve as run

    if watch is not None and not watch.is_dir():
        raise typer.BadParameter(f"--watch {watch}: not a folder")
    run(Settings(db=db, host=host, port=port), watch=str(watch) if watch is not None else None)


@app.command("settings")
def settings_cmd(
    cfg: Annotated[bool, typer.Option("--cfg", help="Print a commented config file.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the settings as a Markdown table.")] = False,
    as_json: AsJson = False,
    as_jsonl: AsJsonl = False,
    as_csv: AsCsv = False,
) -> None:
    """List every setting with its value, default and help. Example: storyline settings --cfg > storyline.cfg"""
    fmt = _fmt(as_json, as_jsonl, as_csv)
    if markdown:
        sys.stdout.write(settings_markdown())
        return
    if cfg:
        sys.stdout.write(default_config() + "\n")
        return
    current = Settings().as_dict()
    current["db"] = redact(str(current["db"]))  # a listing may be shared: no password, no token
    current["api_token"] = "(set)" if current["api_token"] else ""
    rows = [{"name": s.name, "value": current[s.name], "default": s.default, "help": s.help} for s in SETTINGS]
    cols = ("name", "value", "default", "help")
    emit(out, rows, fmt, cols, title="settings", fields=cols)


def _write(path: Path, text: str) -> None:
    """Write ``text`` to the file ``path``; a path that cannot be written is one error naming it."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputError(path, exc) from None


def main() -> None:
    for line in unknown_environment():
        _say(err, f"warning: {line}")
    try:
        try:
            app()
        finally:
            sys.stdout.flush()  # a full disk behind a redirection fails here, not at exit, where it is only ignored
    except BrokenPipeError:  # the reader stopped early (`| head`): what it read is all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)
    except StorylineError as exc:
        _say(err, f"error: {exc}")
        sys.exit(2)
    except store_errors() as exc:  # raised while reading a store that opened, such as a damaged page
        _say(err, f"error: {store_failure(_OPENED[-1] if _OPENED else '(the store)', exc)}")
        sys.exit(2)
    except KeyboardInterrupt:
        _say(err, "interrupted.")
        sys.exit(130)
    except OSError as exc:  # the output could not be written (a full disk behind a redirection), or a file read
        if exc.filename:
            _say(err, f"error: {exc.filename}: {exc.strerror or exc}")
        else:
            _say(err, f"error: cannot write the output: {exc.strerror or exc}. Free some space, or write it elsewhere.")
        sys.exit(2)
