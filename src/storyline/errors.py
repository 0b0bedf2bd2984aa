"""Every error storyline raises, from one catalogue.

The hierarchy::

    StorylineError                 anything storyline raises on purpose
    ├── InputError                 one input cannot be read; the others still are
    │   ├── UnreadableInput        binary, undecodable, missing, permission denied
    │   ├── EmptyInput             nothing left to store
    │   ├── InputTooLarge          over the ``max_bytes`` setting
    │   ├── MalformedLine          a JSONL line that is not a JSON object with text/html, or has a bad id
    │   └── ArticleFailed          read, but a later stage (cleaning, enrichment, storing) failed on it alone
    ├── StageFailed                a stage fails on every article alike (a fault of the stage, not of an input)
    ├── EngineFailed               the Dask cluster running the map went away (scheduler gone, workers lost)
    ├── ModelMissing               a model package is not installed
    ├── StoreError                 the store cannot be opened, read, migrated or written (missing, damaged, busy)
    │   └── StoreBusy              another writer holds it: try again later
    ├── NotFound                   an id that the store does not hold
    ├── BadParameter               a value given to a command or route that cannot be used (control characters ...)
    └── SettingsError              a bad setting value or config file

Each message says what went wrong, where, and what to do.
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base of every error storyline raises on purpose."""

    def __reduce__(self):
        """Pickled as its message and fields, so an error raised on a Dask worker reaches the driver whole."""
        return _restore, (type(self), self.args, dict(self.__dict__))


def _restore(cls: type, args: tuple, state: dict) -> StorylineError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


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


class ArticleFailed(InputError):
    """An article that was read but could not be processed; the rest of its batch is stored without it."""

    def __init__(self, where: str, stage: str, exc: BaseException):
        self.stage = stage
        detail = str(exc) if len(str(exc)) <= 300 else str(exc)[:300] + " …"
        super().__init__(where, f"{stage} failed on this article alone ({type(exc).__name__}: {detail})",
                         "The other articles were stored. Report this input with the message, or leave it out")


class StageFailed(StorylineError):
    """A pipeline stage failed the same way on every article tried: nothing of the batch was stored."""

    def __init__(self, stage: str, exc: BaseException):
        self.stage = stage
        detail = str(exc) if len(str(exc)) <= 300 else str(exc)[:300] + " …"
        super().__init__(f"{stage} fails on every article alike ({type(exc).__name__}: {detail}); nothing of the "
                         "current batch was stored, every batch before it was. Report this with the message; once "
                         "fixed, run the same command again to finish")


class EngineFailed(StorylineError):
    """The cluster that runs the map failed under a batch: nothing of that batch was stored, every batch before."""

    def __init__(self, where: str, exc: BaseException):
        self.where = where
        detail = " ".join(str(exc).split())[:300] or "no reason given"
        super().__init__(f"the Dask cluster ({where}) failed under a batch ({type(exc).__name__}: {detail}); nothing of "
                         "that batch was stored, every batch before it was. Check the scheduler and its workers "
                         "(`dask scheduler`, `dask worker ADDRESS`), then run the same command again: what is stored "
                         "is not stored twice")


class ModelMissing(StorylineError):
    def __init__(self, model: str, package: str):
        super().__init__(
            f"the model {model!r} is not installed. Install it with: pip install {package}"
        )


class StoreError(StorylineError):
    pass


class StoreBusy(StoreError):
    """Another writer held the store longer than a write waits: nothing is wrong, and the same write later succeeds."""


PLURALS = {"story": "stories", "entity": "entities"}


class NotFound(StorylineError):
    def __init__(self, kind: str, ident: object):
        self.kind, self.ident = kind, ident
        super().__init__(f"no {kind} with id {ident!r} in the store. List them with: storyline {PLURALS.get(kind, kind + 's')}")


class BadParameter(StorylineError):
    """A value given to a command or web route that storyline cannot use; says which and why."""

    def __init__(self, name: str, what: str):
        self.name, self.what = name, what
        super().__init__(f"{name}: {what}")


class SettingsError(StorylineError):
    pass


class OutputError(StorylineError):
    """A file or folder asked for (``--out``) that cannot be written; names it and why."""

    def __init__(self, path: object, exc: OSError | str, option: str = "--out"):
        reason = exc if isinstance(exc, str) else exc.strerror or str(exc)
        super().__init__(f"cannot write {path}: {reason}. Give {option} a path in a folder that exists and you may write to")
