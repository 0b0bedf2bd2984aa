"""Where articles, events and stories are kept. SQLite by default."""

from __future__ import annotations

from pathlib import Path

from .sqlite import Store

__all__ = ["Store", "open_store"]


def open_store(db: str | Path) -> Store:
    """Open (creating and migrating if needed) the store at ``db``."""
    return Store(db)
