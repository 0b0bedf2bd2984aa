"""The JSON export of the contract: articles, events, stories, entities, quotes, figures."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from .storage import Store

ARTICLE_FIELDS = (
    "id", "source", "url", "title", "outlet", "outlet_domain", "published", "published_how", "byline", "wire",
    "language", "text", "duplicate_of", "event_id", "story_id", "event_date", "event_date_how", "encoding",
)  # fmt: skip


ARTICLE_KEYS = (*ARTICLE_FIELDS, "authors", "removed")  # the keys of an exported article
FIGURE_KEYS = ("article_id", "text", "value", "unit", "kind", "measures", "sentence", "start", "end")


def article_dict(article) -> dict[str, Any]:
    """The article as the export has it: its :data:`ARTICLE_KEYS`."""
    out = {f: getattr(article, f) for f in ARTICLE_FIELDS}
    out["authors"] = article.authors
    out["removed"] = [asdict(r) for r in article.removed]
    return out


def quote_dicts(store: Store, article) -> list[dict[str, Any]]:
    """An article's quotes, each ``speaker`` the store's name for them when the store knows them (as every listing,
    summary and the export give it: one name for one person), and ``speaker_as_written`` the name as this article
    gives it."""
    names = store.entity_names(q.speaker_entity_id for q in article.quotes if q.speaker_entity_id)
    return [asdict(q) | {"speaker": names.get(q.speaker_entity_id or 0, q.speaker), "speaker_as_written": q.speaker}
            for q in article.quotes]


def export(store: Store) -> dict[str, Any]:
    """Everything the store holds, as one JSON-ready object (the contract's ``export --format json``)."""
    articles = [article_dict(a) for a in store.iter_articles(full=False)]
    events = [asdict(e) for e in store.events()]
    stories = [asdict(s) for s in store.stories()]
    entities = [{k: e[k] for k in ("id", "name", "type", "aliases", "count", "articles")} for e in store.entities(limit=None)]
    quotes = [
        {k: q[k] for k in ("article_id", "text", "speaker", "speaker_entity_id", "cue", "kind", "start", "end")}
        for q in store.quotes(limit=None)
    ]
    figures = [
        {k: f[k] for k in FIGURE_KEYS}
        for f in store.figures(limit=None)
    ]
    return {
        "articles": articles, "events": events, "stories": stories,
        "entities": entities, "quotes": quotes, "figures": figures,
    }  # fmt: skip
