"""The ``storyline`` command: a thin layer over the library, one function per command.

The commands are grouped by what they do to a store: :mod:`.ingesting` (put articles in, change it),
:mod:`.browsing` (read it) and :mod:`.learning` (fit and score the models on labelled news). :func:`build` puts
them on a new app, in the order its help lists them; :mod:`.common` holds what they share and :func:`.common.run`,
which turns every error into one line.
"""

import typer

from . import browsing, ingesting, learning
from .common import new_app, run

__all__ = ["app", "build", "main"]


def build() -> typer.Typer:
    """The ``storyline`` app with every command."""
    app = new_app()
    for commands in (ingesting, browsing, learning):
        commands.register(app)
    return app


app = build()


def main() -> None:
    run(app)
