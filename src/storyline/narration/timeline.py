"""Story timelines: events in date order, and what the articles say happened before or will happen after.

Background entries come from the articles' resolved time mentions: a sentence
placing something well before the event its article covers ("In 2018, …") is
*mentioned*; one placing it after ("a summit next year") is *expected*. Neither
is an event the store has articles about, so they are kept apart from the
timeline, each with the sentence, article and span it came from. A sentence
that names the day of an event on the timeline ("signed a memorandum on
Tuesday to … by 2027") tells that event, and is no background whatever else
it dates.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..models import Article, Event
from .sources import Sentence, Sources, clause_at, containing, content_tokens, load_sources, overlap

BACKGROUND_DAYS = 30  # a mention this long before the event is background, not the event itself
SAME_EVENT_DAYS = 3  # a day-precise mention this close to a timeline event is that event
SAME_ENTRY = 0.8  # word overlap at which two background sentences are one entry
MAX_BACKGROUND = 40


def story_timeline(store, story_id: str) -> dict:
    """``{story, timeline, background}``: each event with date, place, title, one-line summary, sources."""
    from .report import story_head
    from .summary import summarise

    story = store.get_story(story_id)
    events = [store.get_event(e) for e in story.events]
    sources = load_sources(store, events)
    timeline = []
    for event in order_events(events):
        part = sources.subset(event)
        line = summarise(part, 1)
        timeline.append({**event_head(part, event), "line": line[0] if line else None})
    return {"story": story_head(story, sources), "timeline": timeline, "background": background(sources, events)}


def order_events(events: list[Event]) -> list[Event]:
    """Date order; undated events last."""
    return sorted(events, key=lambda e: (e.date is None, e.date or "", e.id))


def event_head(sources: Sources, event: Event) -> dict:
    return {
        "date": event.date, "date_confidence": event.date_confidence, "event_id": event.id,
        "title": event.title or _fallback_title(sources), "place": event.place,
        "participants": event.participants, "sources": len(sources.articles),
        "independent": sources.independent([a.id for a in sources.articles]),
        "outlets": sorted({sources.label(a.id) for a in sources.articles if sources.label(a.id)}),
    }  # fmt: skip


def _fallback_title(sources: Sources) -> str | None:
    titled = [a.title for a in sources.articles if a.title]
    return titled[0] if titled else None


def _day(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso[:10]) if iso else None
    except ValueError:
        return None


def reference_day(article: Article, event: Event | None) -> date | None:
    """The day an article's mentions are measured against: its event's date, else its own."""
    return _day(event.date if event else None) or _day(article.event_date) or _day(article.published)


def classify(t, ref: date) -> str | None:
    """``mentioned`` (well before ``ref``), ``expected`` (after it) or ``None`` (about the event itself)."""
    start = _day(t.date)
    if start is None:
        return None
    end = _day(t.end_date) or start
    if t.granularity == "year":
        return "mentioned" if start.year < ref.year else "expected" if start.year > ref.year else None
    if t.granularity == "month":
        key, ref_key = (start.year, start.month), (ref.year, ref.month)
        if key > ref_key:
            return "expected"
        return "mentioned" if end < ref - timedelta(days=BACKGROUND_DAYS) else None
    if start > ref + timedelta(days=1):
        return "expected"
    return "mentioned" if end < ref - timedelta(days=BACKGROUND_DAYS) else None


def background(sources: Sources, events: list[Event]) -> list[dict]:
    """Earlier happenings the articles mention and announced later ones, in date order, merged across sources."""
    event_of = {aid: e for e in events for aid in e.articles}
    event_days = [d for d in (_day(e.date) for e in events) if d]
    entries: list[dict] = []
    for a in sources.articles:
        ref = reference_day(a, event_of.get(a.id))
        if ref is None:
            continue
        sentences = sources.sentences(a.id)
        entered: set[tuple[int, str]] = set()  # a sentence is one entry of each kind, dated by its first period of
        # that kind ("between 2019 and 2021"; "after losses in 2019, it plans to reopen in 2025": two); one that
        # names the day of an event on the timeline tells that event ("signed a memorandum on Tuesday …"): none
        told = {s.start for t in a.times if _is_timeline_event(t, event_days) and (s := containing(sentences, t.start))}
        for t in a.times:
            kind = classify(t, ref)
            s = containing(sentences, t.start) if kind else None
            if s is None or not s.claim or (s.start, kind) in entered or s.start in told:
                continue
            entered.add((s.start, kind))
            _merge(entries, _entry(sources, a, s, t, kind))
    entries.sort(key=lambda e: (-len(e["sources"]), e["date"]))
    kept = sorted(entries[:MAX_BACKGROUND], key=lambda e: (e["date"], e["kind"]))
    for e in kept:
        del e["_words"], e["_when"]
    return kept


def _is_timeline_event(t, event_days: list[date]) -> bool:
    day = _day(t.date)
    return t.granularity == "day" and day is not None and any(abs((day - d).days) <= SAME_EVENT_DAYS for d in event_days)


def _entry(sources: Sources, a: Article, s: Sentence, t, kind: str) -> dict:
    lo, hi = clause_at(a.text, s.start, s.end, t.start)
    return {
        "date": t.date, "end_date": t.end_date, "granularity": t.granularity, "when_text": t.text,
        "text": s.text, **sources.cite(a.id, s.start, s.end), "kind": kind, "event_id": a.event_id,
        "sources": [sources.cite(a.id, s.start, s.end)], "_words": content_tokens(s.text),
        "_when": content_tokens(a.text[lo:hi]),
    }  # fmt: skip


def _merge(entries: list[dict], new: dict) -> None:
    """Add ``new``, or add its source to an entry of the same kind and period saying the same: alike sentences,
    whose clauses naming the period are alike too. "The port's profit rose 12 percent in 2022, while 4 million
    containers passed through it in 2023" and "In 2022 the port handled 4 million containers, and in 2023 its
    profit rose 12 percent" have the same words, but place other things in 2022."""
    for e in entries:
        if e["kind"] == new["kind"] and e["date"][:4] == new["date"][:4] and overlap(e["_words"], new["_words"]) >= SAME_ENTRY \
                and overlap(e["_when"], new["_when"]) >= SAME_ENTRY:
            if all((c["article_id"], c["start"]) != (new["article_id"], new["start"]) for c in e["sources"]):
                e["sources"].append(new["sources"][0])
            if _precision(new["granularity"]) > _precision(e["granularity"]):
                e.update(date=new["date"], end_date=new["end_date"], granularity=new["granularity"], when_text=new["when_text"])
            return
    entries.append(new)


def _precision(granularity: str) -> int:
    return {"year": 0, "month": 1, "week": 2, "day": 3}.get(granularity, 0)
