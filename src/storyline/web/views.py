"""What each page and API route shows, as plain data built from the store.

These functions know nothing of HTTP: ``api.py`` returns their results as
JSON and ``pages.py`` renders them with templates. The objects for articles,
events, stories, entities and quotes are the ones ``storyline export`` writes;
page-only extras (timelines, summaries, marked text) sit beside them.

Summaries and timelines come from ``storyline.narration`` when it is installed;
until then a plain extractive stand-in is used (first sentences of each
source, each cited), so the pages never invent text.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import importlib.util
import re
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from ..errors import BadParameter
from ..export import article_dict, quote_dicts
from ..models import Article, Event
from ..reading import CONTROL
from ..searching import MeaningUnavailable, search_articles
from . import charts

MAX_OFFSET = 10**12  # beyond any store; an offset past SQLite's 64-bit integers would fail the query
MAX_ID = 2**63 - 1  # the largest entity id SQLite can hold
QUOTE_KEYS = ("article_id", "text", "speaker", "speaker_entity_id", "cue", "kind", "start", "end")


def plain(obj: Any) -> Any:
    """Dataclasses (and objects with ``to_dict``) as JSON-ready dicts, recursively."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.name != "vector"}
    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        return plain(obj.to_dict())
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain(v) for v in obj]
    return obj


def narration() -> Any | None:
    """The narration package when it is installed, else None (import errors inside it still raise)."""
    if importlib.util.find_spec("storyline.narration") is None:
        return None
    module = importlib.import_module("storyline.narration")
    return module if hasattr(module, "event_summary") and hasattr(module, "story_timeline") else None


# --- home -------------------------------------------------------------------------------
def home(store: Any, limit: int, offset: int) -> dict:
    """Stories by most recent activity, each with event and article counts and its coverage bins."""
    by_story: dict[str, list[Event]] = defaultdict(list)
    all_events = store.events()
    for e in all_events:
        if e.story_id:
            by_story[e.story_id].append(e)
    rows = []
    for s in store.stories():
        events = by_story.get(s.id, [])
        dates = sorted(e.date for e in events if e.date)
        latest = max((e for e in events if e.date), key=lambda e: (e.date, e.id), default=None)
        rows.append({
            "id": s.id, "title": s.title, "events": len(events),
            "latest": latest if latest is not None and len(events) > 1 else None,  # what happened last, when more did
            "articles": sum(len(e.articles) for e in events),
            "first": dates[0] if dates else None, "last": dates[-1] if dates else None,
            "coverage": charts.bins((e.date, len(e.articles)) for e in events),
        })  # fmt: skip
    rows.sort(key=lambda r: (r["last"] or "", r["articles"]), reverse=True)
    return {
        "stories": rows[offset : offset + limit], "more": len(rows) > offset + limit, "total": len(rows),
        "coverage": charts.bins((e.date, len(e.articles)) for e in all_events),
        "counts": {t: store.count(t) for t in ("articles", "events", "stories", "entities", "quotes")},
    }  # fmt: skip


class Memo:
    """A small thread-safe LRU of narration results, keyed on what they were built from.

    Stored articles do not change, so a summary or timeline is good for as long as the
    same articles make up the same events: the key holds the event ids and their
    article ids, and an ingest that moves anything gives a new key.
    """

    def __init__(self, size: int = 512):
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key: Any, build: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return copy.deepcopy(self._items[key])
        value = build()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return copy.deepcopy(value)


NO_MEMO = Memo(0)


class Moved:
    """Where an event or story id that placement retired went, so old links and bookmarks still lead somewhere.

    Ids are made from the article that founded an event (``events.event_id_for``) and the event that
    founded a story: when events merge, one keeps its id and the other's id is gone. The retired id leads to
    the event (story) that now holds its founding article. The map of founded ids is built once per store
    generation (one pass over the articles' ids) and kept until the store changes.
    """

    def __init__(self) -> None:
        self._generation: int | None = None
        self._to: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def __call__(self, store: Any, ident: str) -> str | None:
        """The id now holding what ``ident`` (an event or story id the store no longer has) was founded by."""
        from ..events import event_id_for, story_id_for

        generation = store.generation()
        with self._lock:
            if generation != self._generation:
                self._to = {}
                for row in store.list_articles(limit=None):
                    event = event_id_for(row["id"])
                    self._to[event], self._to[story_id_for(event)] = row["event_id"], row["story_id"]
                self._generation = generation
            found = self._to.get(ident)
        return found if found and found != ident else None


# --- story ------------------------------------------------------------------------------
def story(store: Any, story_id: str, memo: Memo = NO_MEMO) -> dict:
    """The story (export object) and its timeline, oldest event first."""
    s = store.get_story(story_id)
    events = {eid: store.get_event(eid) for eid in s.events}
    key = ("story", story_id, tuple((e.id, e.date, e.title, tuple(e.articles)) for e in events.values()))
    entries, background = memo.get(key, lambda: _timeline(store, story_id, list(events.values())))
    for entry in entries:
        if "summary" not in entry:
            entry["summary"] = [entry["line"]] if entry.get("line") else []
        event = events.get(entry.get("event_id") or "")
        if event is not None:
            entry.setdefault("place", event.place)
            entry.setdefault("participants", event.participants)
    return {"story": dataclasses.asdict(s), "timeline": entries, "background": background}


def _timeline(store: Any, story_id: str, events: list[Event]) -> tuple[list[dict], list[dict]]:
    narr = narration()
    if narr is None:
        return [_timeline_entry(store, e) for e in events], []
    timeline = plain(narr.story_timeline(store, story_id))
    if isinstance(timeline, dict):
        return timeline.get("timeline", []), timeline.get("background", [])
    return list(timeline), []


def _timeline_entry(store: Any, e: Event) -> dict:
    arts = store.list_articles(limit=1000, event_id=e.id)
    originals = [a for a in arts if not a.get("duplicate_of")]
    lead = store.get_article(originals[0]["id"] if originals else e.articles[0], full=False) if e.articles else None
    return {
        "date": e.date, "event_id": e.id, "title": e.title, "place": e.place, "participants": e.participants,
        "sources": len(arts), "outlets": sorted({a["outlet"] for a in arts if a.get("outlet")}),
        "summary": [{"text": lead.first_sentence(), "article_id": lead.id, "outlet": lead.outlet}] if lead else [],
    }  # fmt: skip


# --- event ------------------------------------------------------------------------------
def event(store: Any, event_id: str, memo: Memo = NO_MEMO) -> dict:
    """The event (export object), its sources side by side, summary, comparison and quotes."""
    e = store.get_event(event_id)
    articles = [store.get_article(aid, full=False) for aid in e.articles]
    quotes = [q for a in articles for q in store.quotes(article_id=a.id)]
    key = ("event", event_id, e.date, e.title, tuple(e.articles))
    summary = memo.get(key, lambda: _event_summary(store, event_id, articles))
    return {
        "event": dataclasses.asdict(e),
        "story": dataclasses.asdict(store.get_story(e.story_id)) if e.story_id else None,
        "sources": [_source(a) for a in articles],
        "summary": summary,
        "quotes": _group_quotes(quotes),
    }


def _event_summary(store: Any, event_id: str, articles: list[Article]) -> dict:
    narr = narration()
    summary = plain(narr.event_summary(store, event_id)) if narr is not None else _summary_standin(articles)
    if not isinstance(summary, dict):
        summary = {"summary": summary}
    summary.update(summary.pop("comparison", None) or {})
    summary.pop("articles", None)
    summary.pop("event", None)
    return summary


def _source(a: Article) -> dict:
    return {
        "id": a.id, "title": a.title, "outlet": a.outlet, "outlet_domain": a.outlet_domain, "published": a.published,
        "published_how": a.published_how, "byline": a.byline, "authors": a.authors, "wire": a.wire, "language": a.language, "duplicate_of": a.duplicate_of,
        "lead": a.text if len(a.text) <= 700 else a.text[:700].rsplit(" ", 1)[0] + " …",
    }  # fmt: skip


def _summary_standin(articles: list[Article]) -> dict:
    """Until narration lands: the first sentence of each distinct outlet's original article, cited."""
    seen, sentences = set(), []
    for a in articles:
        if a.duplicate_of or (a.outlet or a.id) in seen:
            continue
        seen.add(a.outlet or a.id)
        sentences.append({"text": a.first_sentence(), "article_id": a.id, "outlet": a.outlet})
    return {"summary": sentences[:6], "note": "first sentence of each source (narration is not installed)"}


def _group_quotes(quotes: list[dict]) -> list[dict]:
    """Quotes carried by several sources shown once, with every source that carries them."""
    grouped: dict[str, dict] = {}
    for q in quotes:
        key = " ".join(re.findall(r"\w+", q["text"].lower()))
        entry = grouped.setdefault(key, {"text": q["text"], "speaker": q["speaker"], "kind": q["kind"],
                                         "cue": q["cue"], "speaker_entity_id": q["speaker_entity_id"], "sources": []})
        entry["sources"].append({"article_id": q["article_id"], "outlet": q["outlet"], "start": q["start"]})
    return sorted(grouped.values(), key=lambda g: -len(g["sources"]))


# --- article ----------------------------------------------------------------------------
def article_json(store: Any, a: Article) -> dict:
    """The article (export object) with its mentions, quotes (:func:`.export.quote_dicts`), figures and times."""
    return {
        "article": article_dict(a),
        "mentions": [dataclasses.asdict(m) for m in a.mentions],
        "quotes": quote_dicts(store, a),
        "figures": [dataclasses.asdict(f) for f in a.figures],
        "times": [dataclasses.asdict(t) for t in a.times],
    }


def entities_in(a: Article) -> list[dict]:
    """Entities named in an article, most mentioned first."""
    counts: dict[tuple, int] = defaultdict(int)
    for m in a.mentions:
        counts[(m.name, m.label, m.entity_id)] += 1
    return [{"name": n, "type": t, "id": i, "mentions": c}
            for (n, t, i), c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))]  # fmt: skip


# --- entity -----------------------------------------------------------------------------
def entity(store: Any, entity_id: int) -> dict:
    """The entity (export object), its mentions over time, and the quotes attributed to it."""
    ent = store.get_entity(entity_id)
    mentions = store.mentions_of(entity_id)
    names = {ent["name"], *ent["aliases"]}
    quotes = [
        {k: q[k] for k in (*QUOTE_KEYS, "outlet", "published")}
        for q in store.quotes(speaker=ent["name"], limit=500)
        if q["speaker_entity_id"] == entity_id or (q["speaker_entity_id"] is None and q["speaker"] in names)
    ]
    by_article: dict[str, dict] = {}
    for m in mentions:
        row = by_article.setdefault(m["article_id"], {"article_id": m["article_id"], "title": m["title"],
                                                      "published": m["published"], "outlet": m["outlet"], "mentions": 0})
        row["mentions"] += 1
    return {
        "entity": ent, "mentions": mentions, "quotes": quotes,
        "articles": sorted(by_article.values(), key=lambda r: (r["published"] or "", r["article_id"])),
        "over_time": charts.bins((m["published"], 1) for m in mentions),
    }  # fmt: skip


# --- search -----------------------------------------------------------------------------
def day(name: str, value: str | None) -> str | None:
    """A ``since`` / ``until`` filter as a day, YYYY-MM-DD (empty: no filter); anything else is a BadParameter."""
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise BadParameter(name, f"{value[:40]!r} is not a date; write it YYYY-MM-DD") from None


ENTITY_LABELS = {"person": "people", "organisation": "organisations", "place": "places"}  # the entities page's kinds


def entities(store: Any, kind: str | None, limit: int, offset: int) -> dict:
    """The entities page: people, organisations and places (of one kind, or all three), most mentioned first; each
    with how many articles mention it. An unknown ``kind`` is a BadParameter that names the known ones."""
    if kind and kind not in ENTITY_LABELS:
        raise BadParameter("kind", f"is {kind!r}; give one of {', '.join(ENTITY_LABELS)}, or none for all three")
    rows = store.entities(limit=limit + 1, offset=offset, type=kind or list(ENTITY_LABELS))  # kinds: storage.ENTITY_KINDS
    shown = [{k: r[k] for k in ("id", "name", "type", "aliases", "count")} | {"articles": len(r["articles"])}
             for r in rows[:limit]]  # fmt: skip
    return {"kind": kind or None, "kinds": ENTITY_LABELS, "entities": shown, "more": len(rows) > limit}


def outlets(store: Any, limit: int, offset: int) -> dict:
    """The outlets page: articles per outlet, most first, with copies, undated articles and the dates covered. An
    outlet is one row whatever its domains (as the search form lists it, :func:`outlet_choices`), with the value
    the search's outlet filter takes for it (its name, else its domain), which finds all its articles."""
    grouped: dict[str, list] = defaultdict(list)
    for r in store.outlet_counts():
        grouped[(r["outlet"] or r["outlet_domain"] or "").lower()].append(r)
    rows = []
    for parts in grouped.values():
        first, days = parts[0], [d for r in parts for d in (r["first"], r["last"]) if d]
        rows.append({"outlet": first["outlet"], "filter": first["outlet"] or first["outlet_domain"],
                     "domains": list(dict.fromkeys(r["outlet_domain"] for r in parts if r["outlet_domain"])),
                     **{key: sum(r[key] for r in parts) for key in ("articles", "copies", "undated")},
                     "first": min(days, default=None), "last": max(days, default=None)})  # fmt: skip
    rows.sort(key=lambda r: (-r["articles"], r["filter"] is None, (r["filter"] or "").lower()))
    return {"outlets": rows[offset : offset + limit], "more": len(rows) > offset + limit, "total": len(rows)}


def browse(store: Any, mode: str, limit: int, offset: int, filters: dict) -> dict:
    """The articles a search with filters and no words lists: every article the filters let through, oldest first
    (the search form used to show nothing)."""
    refuse_controls(filters.items())
    rows = store.list_articles(limit + 1, offset, **filters)  # checks the period as a search does
    results = [{"id": r["id"], "title": r["title"], "outlet": r["outlet"], "published": r["published"],
                "language": r["language"], "event_id": r["event_id"], "score": None, "snippet": "", "highlights": []}
               for r in rows[:limit]]  # fmt: skip
    return {"q": "", "mode": mode, "filters": filters, "results": results, "more": len(rows) > limit,
            "error": None, "browse": True}  # fmt: skip


def outlet_choices(store: Any, active: str | None) -> list[str]:
    """The search form's outlets, each name once (an outlet with two domains is one outlet, and the filter matches
    its name in any case), an outlet without a name by its domain (which the filter matches too), and the active
    filter among them even when no stored outlet bears it, so the form shows what the results are filtered by."""
    names: dict[str, str] = {}
    for row in store.outlet_counts():
        if shown := row["outlet"] or row["outlet_domain"]:
            names.setdefault(shown.lower(), shown)
    if active and active.lower() not in names:
        names[active.lower()] = active
    return list(names.values())


def refuse_controls(params: Iterable[tuple[str, Any]]) -> None:
    """A BadParameter for the first of ``params`` (name, value) whose value holds a control character (``%00``): no
    name, id or word holds one, and in a filter it matched nothing (or, in a speaker's name, every quote)."""
    for name, value in params:
        if isinstance(value, str) and CONTROL.search(value):
            raise BadParameter(name, "holds a control character; give words, names and ids as written")


def search(store: Any, meaning: Any, q: str, mode: str, limit: int, offset: int, filters: dict) -> dict:
    """Articles matching ``q`` by words (FTS5, best match first) or by meaning (vectors).

    A query or filter holding a control character (``%00``) is a BadParameter.
    """
    refuse_controls([("q", q), *filters.items()])
    out: dict[str, Any] = {"q": q, "mode": mode, "filters": filters, "results": [], "more": False, "error": None,
                           "browse": False}  # fmt: skip
    try:
        rows = [dict(r) for r in search_articles(store, meaning, q, mode, limit + 1, offset, **filters)]
    except MeaningUnavailable as exc:
        out["error"] = str(exc)
        return out
    out["results"], out["more"] = rows[:limit], len(rows) > limit
    return out
