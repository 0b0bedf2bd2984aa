"""The ``storyline`` command: a thin layer over the library, one function per command.

The commands are grouped by what they do to a store: :mod:`.ingesting` (put articles in, change it),
:mod:`.browsing` (read it) and :mod:`.learning` (fit and score the models on labelled news); :mod:`.common`
holds the app they register on and :func:`main`.
"""

# isort: off
# each registers its commands on the app, which lists them in this order
from . import ingesting, browsing, learning  # noqa: F401
# isort: on
from .common import app, main

__all__ = ["app", "main"]
