"""What every command shares: the app they are put on (:func:`new_app`), the consoles, the output and store
options, the helpers, and :func:`run`, which turns every error into one line naming what to do."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from typing import Annotated

import typer
from rich.console import Console

from ..errors import StorylineError
from ..output import FORMATS, printable
from ..settings import Settings, unknown_environment
from ..storage import Store, open_store, store_errors, store_failure


def new_app() -> typer.Typer:
    """The ``storyline`` app, with no command yet (:func:`storyline.cli.build` puts them on)."""
    return typer.Typer(
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


OPENED: list[str] = []  # the store this command opened, to name it when SQLite fails


def settings_for(db: str | None) -> Settings:
    return Settings(db=db)


def store_for(db: str | None, read_only: bool = True) -> Store:
    """The store of a command: read-only (never created, migrated or written) unless the command writes."""
    path = settings_for(db).db
    OPENED.append(path)
    return open_store(path, read_only=read_only)


def check_model(settings: Settings) -> str | None:
    """Read the model file before any work: one that cannot be used is an error now, before a store is made or a
    cluster started. Returns what to warn of (fitted on another embedder's vectors than the one set), for the
    caller to say once the store has opened."""
    from ..events.model import Models

    return Models.load(settings.model).embedder_note(str(settings.embedder))


def warn(note: str | None) -> None:
    if note:
        say(err, f"warning: {note}")


def print_json(data: object) -> None:
    """JSON to stdout as is: never wrapped at the terminal's width (which would break its strings)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def say(console: Console, message: str) -> None:
    """Print one message as plain text, its control characters escaped."""
    console.print(printable(message), markup=False, highlight=False, soft_wrap=True)


def none_found(rows: list, limit: int, filters: dict[str, str | None], lister: str) -> None:
    """On stderr, when the filters given left no row: which ones, and the command that lists what they can match
    (an empty table said nothing of why: "Harbor Ledger" for "The Harbor Ledger", a type misspelt)."""
    given = [f"{name} {value!r}" for name, value in filters.items() if value]
    if not rows and limit and given:
        say(err, f"note: nothing matches {' '.join(given)}; {lister}")


def day_option(value: str | None) -> str | None:
    """A ``--since`` / ``--until`` value: a real day, written YYYY-MM-DD."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a day; write it YYYY-MM-DD, such as 2024-03-01") from None


def output_format(as_json: bool, as_jsonl: bool, as_csv: bool) -> str:
    chosen = [f for f, on in zip(FORMATS[1:], (as_json, as_jsonl, as_csv), strict=True) if on]
    if len(chosen) > 1:
        raise typer.BadParameter("choose one of --json, --jsonl, --csv")
    return chosen[0] if chosen else "table"


def run(app: typer.Typer) -> None:
    """Run ``app`` on the command line: every error one line on stderr naming what to do, and an exit status."""
    for line in unknown_environment():
        say(err, f"warning: {line}")
    try:
        try:
            app()
        finally:
            sys.stdout.flush()  # a full disk behind a redirection fails here, not at exit, where it is only ignored
    except BrokenPipeError:  # the reader stopped early (`| head`): what it read is all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)
    except StorylineError as exc:
        say(err, f"error: {exc}")
        sys.exit(2)
    except store_errors() as exc:  # raised while reading a store that opened, such as a damaged page
        say(err, f"error: {store_failure(OPENED[-1] if OPENED else '(the store)', exc)}")
        sys.exit(2)
    except KeyboardInterrupt:
        say(err, "interrupted.")
        sys.exit(130)
    except OSError as exc:  # the output could not be written (a full disk behind a redirection), or a file read
        if exc.filename:
            say(err, f"error: {exc.filename}: {exc.strerror or exc}")
        else:
            say(err, f"error: cannot write the output: {exc.strerror or exc}. Free some space, or write it elsewhere.")
        sys.exit(2)
