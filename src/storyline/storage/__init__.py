"""Where articles, events and stories are kept. SQLite by default."""

from __future__ import annotations

from pathlib import Path

from .sqlite import Store, store_failure

__all__ = ["Store", "open_store", "store_failure"]


def open_store(db: str | Path, read_only: bool = False) -> Store:
    """Open the store at ``db``: for writing (created and migrated if needed), or ``read_only`` (never written;
    a missing file, or one that needs a migration, is a StoreError that says what to do)."""
    return Store(db, read_only=read_only)
