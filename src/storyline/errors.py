"""Every error storyline raises, from one catalogue.

The hierarchy::

    StorylineError                 anything storyline raises on purpose
    ├── InputError                 one input cannot be read; the others still are
    │   ├── UnreadableInput        binary, undecodable, missing, permission denied
    │   ├── EmptyInput             nothing left to store
    │   ├── InputTooLarge          over the ``max_bytes`` setting
    │   └── MalformedLine          a JSONL line that is not a JSON object with text/html
    ├── ModelMissing               a model package is not installed
    ├── StoreError                 the store cannot be opened or migrated
    ├── NotFound                   an id that the store does not hold
    └── SettingsError              a bad setting value or config file

Each message says what went wrong, where, and what to do.
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base of every error storyline raises on purpose."""


class InputError(StorylineError):
    """One input (file, or line of a file) could not be turned into an article."""

    def __init__(self, where: str, what: str, todo: str):
        self.where, self.what, self.todo = where, what, todo
        super().__init__(f"{where}: {what}. {todo}")


class UnreadableInput(InputError):
    pass


class EmptyInput(InputError):
    pass


class InputTooLarge(InputError):
    pass


class MalformedLine(InputError):
    pass


class ModelMissing(StorylineError):
    def __init__(self, model: str, package: str):
        super().__init__(
            f"the model {model!r} is not installed. Install it with: pip install {package}"
        )


class StoreError(StorylineError):
    pass


class NotFound(StorylineError):
    def __init__(self, kind: str, ident: object):
        self.kind, self.ident = kind, ident
        super().__init__(f"no {kind} with id {ident!r} in the store. List them with: storyline {kind}s")


class SettingsError(StorylineError):
    pass
