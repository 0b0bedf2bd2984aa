"""The ``storyline`` command: a thin layer over the library, one function per command."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from . import reading
from .errors import StorylineError
from .export import article_dict, export
from .output import FORMATS, emit
from .settings import SETTINGS, Settings, default_config
from .storage import Store, open_store

app = typer.Typer(
    help="Turn a pile of news articles into tracked events and stories.\n\n"
    "Example: storyline ingest examples/corpus && storyline stories",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
out = Console()
err = Console(stderr=True)

Db = Annotated[str | None, typer.Option("--db", help="Store file (default: storyline.db or STORYLINE_DB).")]
AsJson = Annotated[bool, typer.Option("--json", help="Output a JSON array.")]
AsJsonl = Annotated[bool, typer.Option("--jsonl", help="Output one JSON object per line.")]
AsCsv = Annotated[bool, typer.Option("--csv", help="Output CSV.")]
Limit = Annotated[int, typer.Option("--limit", help="Most rows to show.")]


def _settings(db: str | None) -> Settings:
    return Settings(db=db)


def _store(db: str | None) -> Store:
    return open_store(_settings(db).db)


def _fmt(as_json: bool, as_jsonl: bool, as_csv: bool) -> str:
    chosen = [f for f, on in zip(FORMATS[1:], (as_json, as_jsonl, as_csv), strict=True) if on]
    if len(chosen) > 1:
        raise typer.BadParameter("choose one of --json, --jsonl, --csv")
    return chosen[0] if chosen else "table"


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files or folders of .txt, .html, .jsonl (optionally .gz); - for JSONL on stdin.")],
    db: Db = None,
) -> None:
    """Read articles, clean and describe them, and place them in events and stories.

    Example: storyline ingest examples/corpus --db demo.db
    """
    from .pipeline import Pipeline

    settings = _settings(db)
    pipeline = Pipeline(open_store(settings.db), settings)
    total = reading.count_inputs(paths)
    columns = (TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True, disable=total < 20) as progress:
        task = progress.add_task("ingest", total=total or None)
        try:
            report = pipeline.ingest(
                paths,
                on_progress=lambda n: progress.advance(task, n),
                on_error=lambda e: err.print(f"error: {e}", markup=False, highlight=False),
            )
        except KeyboardInterrupt:
            err.print("interrupted: every whole batch before this point is stored; run the same command again to finish.")
            raise typer.Exit(130) from None
    for path, reason in report.skipped:
        err.print(f"skipped {path}: {reason}", markup=False, highlight=False)
    for given, stored in report.renamed:
        err.print(f"note: id {given!r} was already taken by other content; stored as {stored!r}", markup=False)
    out.print(
        f"stored {len(report.stored)} articles ({len(report.duplicates)} syndicated copies), "
        f"{len(report.unchanged)} already stored, {len(report.failures)} failed, {len(report.skipped)} skipped"
    )
    if report.failures:
        raise typer.Exit(1)


@app.command()
def articles(
    db: Db = None,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before (YYYY-MM-DD).")] = None,
    limit: Limit = 200,
    as_json: AsJson = False,
    as_jsonl: AsJsonl = False,
    as_csv: AsCsv = False,
) -> None:
    """List stored articles. Example: storyline articles --outlet DW --json"""
    rows = _store(db).list_articles(limit=limit, outlet=outlet, since=since, until=until)
    cols = ("id", "published", "published_how", "outlet", "title", "wire", "duplicate_of", "event_id")
    emit(out, rows, _fmt(as_json, as_jsonl, as_csv), cols, title="articles")


@app.command()
def outlets(db: Db = None, as_json: AsJson = False, as_jsonl: AsJsonl = False, as_csv: AsCsv = False) -> None:
    """Articles per outlet, with copies, undated articles and the dates covered. Example: storyline outlets"""
    rows = _store(db).outlet_counts()
    emit(out, rows, _fmt(as_json, as_jsonl, as_csv), title="articles per outlet")


@app.command()
def show(article_id: str, db: Db = None, as_json: AsJson = False) -> None:
    """Show one article: metadata, clean text, what was removed and why, entities, quotes, figures.

    Example: storyline show 000_report
    """
    article = _store(db).get_article(article_id)
    if as_json:
        data = article_dict(article) | {
            "quotes": [vars(q) for q in article.quotes], "figures": [vars(f) for f in article.figures],
            "mentions": [vars(m) for m in article.mentions], "times": [vars(t) for t in article.times],
        }  # fmt: skip
        out.print(json.dumps(data, ensure_ascii=False, indent=2), markup=False, highlight=False)
        return
    from .showing import show_article

    show_article(out, article)


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
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


@app.command("settings")
def settings_cmd(cfg: Annotated[bool, typer.Option("--cfg", help="Print a commented config file.")] = False) -> None:
    """List every setting with its default and help. Example: storyline settings --cfg > storyline.cfg"""
    if cfg:
        out.print(default_config(), markup=False, highlight=False)
        return
    current = Settings().as_dict()
    rows = [{"name": s.name, "value": current[s.name], "default": s.default, "help": s.help} for s in SETTINGS]
    emit(out, rows, "table", ("name", "value", "default", "help"), title="settings")


def main() -> None:
    try:
        app()
    except StorylineError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(2)
