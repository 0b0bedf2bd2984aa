"""Where articles, events and stories are kept: SQLite by default, PostgreSQL when one file is not enough.

:func:`open_store` picks the backend from the ``db`` setting: a path or a
``sqlite:///path`` URL is an SQLite file, a ``postgresql://`` URL a PostgreSQL
database. Both give a :class:`Store` (the interface in :mod:`.base`).
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from ..errors import StoreError
from .base import (
    ENTITY_KINDS,
    ArticleRow,
    EntityRow,
    FigureRow,
    OutletRow,
    QuoteRow,
    SearchHit,
    Store,
    check_period,
    fields_of,
    highlight,
    redact,
)
from .copying import check_target, copy_store
from .files import store_failure as sqlite_failure
from .sqlite import SQLiteStore

__all__ = [
    "ENTITY_KINDS",
    "ArticleRow", "EntityRow", "FigureRow", "OutletRow", "QuoteRow", "SQLiteStore", "SearchHit", "Store",
    "check_period", "check_target", "copy_store", "fields_of", "highlight", "is_postgres",
    "is_store_failure", "open_store", "redact", "sqlite_path", "store_errors", "store_failure",
]

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def store_errors() -> tuple[type[BaseException], ...]:
    """What a backend's driver raises when the store itself fails (for ``except store_errors()``, which asks when
    an error is raised): PostgreSQL's driver only once a PostgreSQL store imported it (importing it for every
    command cost a fifth of a second)."""
    psycopg = sys.modules.get("psycopg")
    return (sqlite3.DatabaseError,) if psycopg is None else (sqlite3.DatabaseError, psycopg.Error)


def is_postgres(db: str | Path) -> bool:
    return str(db).startswith(POSTGRES_SCHEMES)


def sqlite_path(db: str | Path) -> str:
    """The file of an SQLite ``db`` setting: a path, or a ``sqlite:///path`` URL."""
    text = str(db)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
        if not text:
            raise StoreError(f"{db}: names no file; an SQLite URL is sqlite:///relative/path or sqlite:////absolute/path.")
        return text
    if not text.strip():
        raise StoreError("the store is given as an empty name; give --db (or STORYLINE_DB) a file path, sqlite:///PATH "
                         "or postgresql://...")
    if text.startswith("sqlite://"):
        raise StoreError(f"{text}: an SQLite URL is sqlite:///relative/path or sqlite:////absolute/path.")
    if "://" in text:
        raise StoreError(f"{text}: not a store this storyline knows; give a file path, sqlite:///PATH or postgresql://...")
    return text


def open_store(db: str | Path, read_only: bool = False) -> Store:
    """Open the store at ``db``: for writing (created and migrated if needed), or ``read_only`` (never written;
    a missing store, or one that needs a migration, is a StoreError that says what to do)."""
    if is_postgres(db):
        from .postgres import PostgresStore

        return PostgresStore(str(db), read_only=read_only)
    return SQLiteStore(sqlite_path(db), read_only=read_only)


def store_failure(where: str, exc: BaseException) -> StoreError:
    """A one-line StoreError for a driver's error on the store at ``where``."""
    if isinstance(exc, sqlite3.Error):
        return sqlite_failure(where, exc)
    from .postgres import postgres_failure

    return postgres_failure(where, exc)


def is_store_failure(exc: BaseException) -> bool:
    """True for an error of the store itself (gone, locked, full), not of one article's rows."""
    if isinstance(exc, sqlite3.OperationalError):
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, psycopg.OperationalError | psycopg.errors.InsufficientResources)
