"""Opening the store file: read-only opens that never write, and one-line errors for a file that will not open.

A read-only open uses SQLite's ``mode=ro``; on read-only media, where SQLite cannot create the WAL index beside
the file, it falls back to ``immutable=1`` (only when no write-ahead log is pending, whose commits it would miss).
"""

from __future__ import annotations

import os
import sqlite3
from urllib.parse import quote

from ..errors import StoreBusy, StoreError
from .base import casefold
from .migrations import pending

__all__ = ["check_ours", "check_size", "connect_read_only", "store_failure"]


def store_failure(path: str, exc: sqlite3.Error) -> StoreError:
    """A one-line StoreError for an SQLite error on the store at ``path``: busy, read-only, or damaged."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StoreBusy(f"{path}: the store is busy ({text}); another storyline is writing to it. Try again when it is done.")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"{path}: the store cannot be written ({text}). Read it with the read commands, "
                          "or copy it to a writable disk to change it.")
    if "unable to open" in text:
        return StoreError(f"{path}: cannot open the store ({text}). Check the path and its permissions.")
    return StoreError(f"{path}: the store is damaged or is not a storyline store ({text}). Restore it from a backup, "
                      f"or move it aside and ingest again (`sqlite3 {path} .recover` may save what is left).")


def connect(target: str, **options) -> sqlite3.Connection:
    """An SQLite connection with storyline's SQL function ``casefold`` (:func:`.base.casefold`), which queries use
    (never the schema: any tool can still read, check and write the file)."""
    conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False, timeout=30, **options)
    conn.create_function("casefold", 1, casefold, deterministic=True)
    return conn


def check_ours(conn: sqlite3.Connection, path: str) -> None:
    """Refuse a file that holds another application's tables: storyline would add its own to them (or read them as
    a store that needs migrating). A storyline store records its migrations; an empty file is a new store."""
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    if not tables:
        return
    try:
        ours = "m001_articles" not in pending(conn)
    except sqlite3.OperationalError:  # a table named migrations with other columns
        ours = False
    if not ours:
        shown = ", ".join(sorted(tables)[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
        raise StoreError(f"{path}: holds another application's tables ({shown}), not a storyline store; storyline "
                         "leaves it as it is. Give --db (or STORYLINE_DB) a new file or a storyline store.")


def connect_read_only(path: str) -> sqlite3.Connection:
    """A connection that never writes: ``mode=ro``, or ``immutable=1`` on read-only media without a pending log."""
    if os.path.isdir(path):
        raise StoreError(f"{path}: is a folder, not a store. Give --db (or STORYLINE_DB) a store file, such as "
                         f"{os.path.join(path, 'storyline.db')}.")
    if path == ":memory:" or not os.path.isfile(path):
        raise StoreError(f"{path}: there is no store here. Check --db (or STORYLINE_DB), or create one with "
                         f"`storyline ingest PATH --db {path}`.")
    uri = "file:" + quote(os.path.abspath(path)) + "?mode=ro"
    wal = f"{path}-wal"
    log_pending = os.path.exists(wal) and os.path.getsize(wal) > 0
    attempts = [uri] if log_pending else [uri, uri + "&immutable=1"]
    for attempt in attempts:
        conn = connect(attempt, uri=True)
        try:
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            check_size(conn, path)
            check_ours(conn, path)
            missing = pending(conn)
        except sqlite3.OperationalError as exc:
            conn.close()
            if attempt is attempts[-1]:
                if log_pending:
                    raise StoreError(f"{path}: cannot read the store ({exc}); it has a write-ahead log ({wal}) that "
                                     "a read-only open cannot apply. Open it once where it is writable (any storyline "
                                     "read command there will do), then read it here.") from None
                raise store_failure(path, exc) from None
            continue
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise store_failure(path, exc) from None
        except StoreError:
            conn.close()
            raise
        if not tables:
            conn.close()
            raise StoreError(f"{path}: the file is empty, not a storyline store. Check --db (or STORYLINE_DB), or "
                             f"create a store with `storyline ingest PATH --db {path}`.")
        if missing:
            conn.close()
            raise StoreError(f"{path}: the store was written by an older storyline and needs migrating "
                             f"({', '.join(missing)}) before it can be read. Run `storyline migrate --db {path}` "
                             "where the file is writable.")
        return conn
    raise AssertionError("unreachable")


def check_size(conn: sqlite3.Connection, path: str) -> None:
    """Raise DatabaseError when the file is shorter than its header says: a truncated copy."""
    if path == ":memory:" or (os.path.exists(f"{path}-wal") and os.path.getsize(f"{path}-wal") > 0):
        return
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    if os.path.getsize(path) < pages * size:
        raise sqlite3.DatabaseError(f"the file holds {os.path.getsize(path):,} bytes of the {pages * size:,} its header "
                                    "announces: it was cut short")
