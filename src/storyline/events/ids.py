"""Event and story ids, and the canonical order placement reads articles in.

An event's id comes from the article that founded it, a story's from the event that
founded it, so a rebuild that forms the same clusters from the same first articles
gives the ids an ingest gave. An event formed again keeps the id most of its
articles had, and a story the id most of its events had (:func:`reused_id`); an id
never names two clusters at once.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Container, Iterable, Mapping

from ..models import Article
from .features import day_of


def event_id_for(article_id: str) -> str:
    """The stable id of the event an article founds: "e-" and a short hash of its id."""
    return "e-" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:12]


def story_id_for(event_id: str) -> str:
    """The stable id of the story an event founds: "s-" and a short hash of the event id."""
    return "s-" + hashlib.sha1(event_id.encode("utf-8")).hexdigest()[:12]


def canonical_order(articles: Iterable[Article]) -> list[Article]:
    """Dated articles by date then id, then undated ones by id: the order rebuilds use."""
    return sorted(articles, key=lambda a: canonical_key(day_of(a), a.id))


def canonical_key(day: int | None, ident: str) -> tuple:
    """The sort key of the canonical order: dated first, by day, then by id."""
    return (day is None, day or 0, ident)


class TakenIds:
    """Ids in use: those of a mapping, and those retired in this batch."""

    def __init__(self, live: Mapping, retired: set[str]):
        self.live, self.retired = live, retired

    def __contains__(self, ident: str) -> bool:
        return ident in self.live or ident in self.retired


def reused_id(votes: Counter, taken: Container[str], fresh: str) -> str:
    """The id most members of a new cluster had (ties: the smaller id) if no cluster holds it now, else
    ``fresh`` (made unique)."""
    free = [i for i, _ in sorted(votes.items(), key=lambda iv: (-iv[1], iv[0])) if i not in taken]
    return free[0] if free else _new_id(fresh, taken)


def _new_id(ident: str, taken: Container[str]) -> str:
    """``ident``, hashed again while it is ``taken`` (an id founded by a different article or event)."""
    while ident in taken:
        ident = event_id_for(ident) if ident.startswith("e-") else story_id_for(ident)
    return ident
