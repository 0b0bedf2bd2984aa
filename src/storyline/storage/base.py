"""What the rest of storyline may ask of a store, whatever the backend.

Typed methods with typed filters: no SQL, no connection objects. ``limit=None``
means all rows. Every write goes through :meth:`Store.write`, a transaction that
nested calls join; a backend that several processes can write at once
serialises these transactions (see :mod:`.postgres`). Search hits carry a score
normalised to [0, 1] (higher is better) and the spans of the matched words in
their snippet, so no caller depends on one backend's ranking function or markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Protocol, TypedDict

import numpy as np

from ..errors import BadParameter
from ..models import Article, Event, Story

COUNTED = ("articles", "events", "stories", "entities", "quotes", "figures")
Publication = tuple[str, str | None, str | None]  # (id, outlet, outlet domain) of a stored article
SNIPPET_CHARS = 160


# The rows of each listing, field by field in their order: what a CSV of the listing has as its header,
# rows or none (tests/test_store.py checks each backend's rows against them).
class ArticleRow(TypedDict):
    id: str
    title: str | None
    outlet: str | None
    outlet_domain: str | None
    published: str | None
    published_how: str | None
    byline: str | None
    wire: list[str]
    language: str | None
    duplicate_of: str | None
    event_id: str | None
    story_id: str | None
    chars: int


class OutletRow(TypedDict):
    outlet: str | None  # None: no article of the outlet names it (its domain may still say which it is)
    outlet_domain: str | None
    articles: int
    copies: int  # syndicated copies
    undated: int
    first: str | None  # the first and last publication date
    last: str | None


# the kinds a reader names entities by, as the recogniser's types: a filter on "place" finds GPE, LOC and FAC
ENTITY_KINDS: dict[str, tuple[str, ...]] = {"person": ("PERSON",), "organisation": ("ORG",), "organization": ("ORG",),
                                            "place": ("GPE", "LOC", "FAC")}  # fmt: skip


class EntityRow(TypedDict):
    id: int
    name: str
    type: str
    aliases: list[str]
    count: int
    articles: list[str]  # the ids of the articles that mention it


class QuoteRow(TypedDict):
    id: int
    article_id: str
    start: int
    end: int
    text: str
    speaker: str | None  # the canonical name when the speaker is a known entity
    speaker_entity_id: int | None
    cue: str | None
    kind: str
    outlet: str | None
    published: str | None


class FigureRow(TypedDict):
    id: int
    article_id: str
    start: int
    end: int
    text: str
    value: float | None
    unit: str | None
    kind: str
    sentence: str | None
    measures: str | None
    outlet: str | None
    published: str | None


class SearchHit(TypedDict):
    id: str
    title: str | None
    outlet: str | None
    published: str | None
    language: str | None
    event_id: str | None
    score: float  # higher is a better match: by words in [0, 1], by meaning the cosine (1 the same meaning)
    snippet: str  # a window of the text around the first match
    highlights: list[tuple[int, int]]  # (start, end) of each matched word in ``snippet``


class Store(Protocol):
    """The store interface; :func:`~storyline.storage.open_store` returns one."""

    url: str
    read_only: bool
    migrations_applied: list[str]

    def write(self) -> AbstractContextManager[None]: ...
    def snapshot(self) -> AbstractContextManager[None]:
        """Reads inside it see one state of the store, whatever commits meanwhile."""
        ...
    def close(self) -> None: ...
    def generation(self) -> int: ...

    # articles
    def publications(self, content_hash: str) -> list[Publication]:
        """(id, outlet, outlet domain) of each stored article of this clean text, oldest first."""
        ...
    def hash_for_id(self, article_id: str) -> str | None: ...
    def add_articles(self, articles: list[Article], entities: list[dict] | None = None,
                     minhashes: dict[str, bytes] | None = None) -> None: ...  # fmt: skip
    def entity_rows(self) -> list[dict]: ...
    def get_article(self, article_id: str, full: bool = True) -> Article: ...
    def iter_articles(self, full: bool = True, ids: list[str] | None = None,
                      event_ids: list[str] | None = None) -> Iterator[Article]: ...  # fmt: skip
    def list_articles(self, limit: int | None = 50, offset: int = 0, *, outlet: str | None = None,
                      language: str | None = None, since: str | None = None, until: str | None = None,
                      event_id: str | None = None) -> list[ArticleRow]: ...  # fmt: skip
    def outlet_counts(self) -> list[OutletRow]: ...
    def outlet_rows(self) -> list[tuple[str | None, str | None, int, int]]: ...
    def rename_outlets(self, renames: list[tuple[str | None, str | None, str | None, str | None]]) -> None: ...
    def count(self, table: str) -> int: ...
    def minhashes(self) -> Iterator[tuple[str, bytes, str | None]]: ...
    def set_duplicate_of(self, mapping: dict[str, str | None]) -> None: ...
    def set_published(self, article_id: str, published: str | None, how: str) -> None: ...

    # what placement read of each article
    def put_traits(self, traits: Mapping[str, tuple[int | None, bytes]], version: int) -> None: ...
    def placement_rows(self, version: int) -> Iterator[tuple[str, str | None, str | None, int | None, bytes | None,
                                                             np.ndarray | None]]: ...  # fmt: skip

    # vectors
    def get_vectors(self, keys: list[str]) -> dict[str, np.ndarray]: ...
    def put_vectors(self, vectors: dict[str, np.ndarray]) -> None: ...
    def vector_keys(self) -> list[str]: ...
    def article_vector_keys(self) -> list[tuple[str, str]]: ...
    def vector_keys_of_another_length(self, dim: int) -> list[tuple[str, str]]: ...

    # events and stories
    def save_events(self, events: list[Event], stories: list[Story], replace: bool = False,
                    trees: Mapping[str, list | None] | None = None) -> None: ...  # fmt: skip
    def event_trees(self) -> dict[str, list[tuple[float, str, str]]]: ...
    def events(self, story_id: str | None = None, articles: bool = True) -> list[Event]: ...
    def get_event(self, event_id: str) -> Event: ...
    def stories(self) -> list[Story]: ...
    def get_story(self, story_id: str) -> Story: ...

    # enrichment
    def entities(self, limit: int | None = 1000, offset: int = 0, type: str | Sequence[str] | None = None) -> list[EntityRow]: ...
    def get_entity(self, entity_id: int) -> EntityRow: ...
    def entity_names(self, ids: Iterable[int]) -> dict[int, str]: ...
    def quotes(self, speaker: str | None = None, article_id: str | None = None, limit: int | None = 1000,
               offset: int = 0) -> list[QuoteRow]: ...  # fmt: skip
    def figures(self, article_id: str | None = None, limit: int | None = 1000, offset: int = 0) -> list[FigureRow]: ...
    def mentions_of(self, entity_id: int) -> list[dict]: ...

    # search
    def search(self, query: str, limit: int | None = 50, offset: int = 0, *, outlet: str | None = None,
               language: str | None = None, since: str | None = None, until: str | None = None,
               event_id: str | None = None) -> list[SearchHit]: ...  # fmt: skip


def check_period(since: str | None, until: str | None) -> None:
    """A BadParameter when ``until`` is a day before ``since`` (days as YYYY-MM-DD): no article is published in
    such a period, and an empty answer would read as 'nothing there'."""
    if since and until and until < since:
        raise BadParameter("until", f"{until} is before since ({since}): no day lies between them; swap the two days")


def fields_of(row: type) -> tuple[str, ...]:
    """The fields of a row type above (or of a dataclass), in order."""
    import dataclasses

    return tuple(f.name for f in dataclasses.fields(row)) if dataclasses.is_dataclass(row) else tuple(row.__annotations__)


def redact(url: str) -> str:
    """``url`` (or a text holding it) without its password, for messages and listings: whatever follows the user's
    ``:`` up to the last ``@`` before the host (a password may hold ``@``, ``/``, ``?`` or a space; the user may be
    empty), and a ``password=`` in the query or a key=value connection string."""
    out = re.sub(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*):.*@(?=[^@\s\"']*(?:[\s\"']|$))", r"\1:***@", url, flags=re.I)
    return re.sub(r"(\bpassword\s*=\s*)('[^']*'|[^&\s'\"]*)", r"\1***", out, flags=re.I)


def casefold(value: object) -> object:
    """Python's case folding for any alphabet (SQLite's ``lower`` folds ASCII only, PostgreSQL's the alphabets its
    locale knows); anything but a string as it is. Outlets are kept folded (``outlet_key``) and filtered so."""
    return value.casefold() if isinstance(value, str) else value


def query_words(query: str) -> list[str]:
    """The words of a search query, as both backends match them (letters and digits; case ignored)."""
    return [w.casefold() for w in re.findall(r"\w+", query)]


def highlight(text: str, query: str, chars: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """A window of ``text`` around the first word of ``query`` found, and the spans of every query word in it."""
    words = set(query_words(query))
    found = [m.span() for m in re.finditer(r"\w+", text) if m.group().casefold() in words]
    first = found[0][0] if found else 0
    start = max(0, first - chars // 3)
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    end = min(len(text), start + chars)
    while end < len(text) and not text[end].isspace():
        end += 1
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    spans = [(s - start + len(prefix), e - start + len(prefix)) for s, e in found if s >= start and e <= end]
    return prefix + text[start:end] + suffix, spans
