"""What an event is said to be, from its articles: date, place, title, participants.

- **date**: the day most of its dated articles give as the event date (ties: the
  earlier), and ``date_confidence``, the share of dated articles within a day of it;
- **place**: where it happened: the place most articles first name as a venue ("talks
  in Moscow", "at the Kelport yard"), the town rather than its country ("in New Delhi,
  India"); with no venue named, the place named most (see :func:`venue`);
- **title**: a representative headline, the one of the article nearest the
  event's mean vector (without vectors: the earliest article's), of the articles that came with one;
- **participants**: the people and organisations named by at least half of its
  articles (at least one, at most :data:`MAX_PARTICIPANTS`), most named first; a
  wire agency, the reporting outlet and a dateline's town are who reports it, not who takes part.

:func:`infer_published` gives an article that states no publication date its
event's date, marked ``published_how="inferred"``, when the model is confident it belongs there.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date

import numpy as np

from ..agencies import dateline, names_agency
from ..models import WEAK_DATE_HOW, Article, Event
from .features import ACTOR_LABELS, PLACE_LABELS, day_of, entity_key
from .ids import canonical_order

MAX_PARTICIPANTS = 8
VENUE_BEFORE = re.compile(r"\b(?:in|at|near|outside)\s+(?:the\s+)?$", re.IGNORECASE)  # "talks in Moscow"
# where someone or something comes from, not where it happened: "a company registered in Malta", "born in Lyon"
NOT_VENUE = re.compile(r"\b(?:registered|based|incorporated|headquartered|domiciled|listed|born|raised)\s+in\s+(?:the\s+)?$",
                       re.IGNORECASE)  # fmt: skip
INFER_FIT = 0.9  # probability of belonging to its event from which an undated article takes its date
DATELINE_REACH = 3  # a dateline starts the text (after a space or a bullet at most): "BERGEN, Norway, Sept 12 (Reuters) -"


def describe_event(event_id: str, articles: list[Article]) -> Event:
    """The :class:`Event` ``event_id`` made of ``articles`` (its members), with its attributes."""
    ordered = canonical_order(articles)
    when, confidence = event_date(ordered)
    return Event(
        id=event_id,
        date=when,
        date_confidence=confidence,
        place=venue(ordered) or next(iter(_most_named(ordered, PLACE_LABELS, 1)), None),
        title=representative_title(ordered),
        participants=participants(ordered),
        articles=[a.id for a in ordered],
    )


def describe_events(articles: Iterable[Article]) -> list[Event]:
    """One :class:`Event` per ``event_id`` found on ``articles``, in id order."""
    groups: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        if a.event_id:
            groups[a.event_id].append(a)
    return [describe_event(event_id, groups[event_id]) for event_id in sorted(groups)]


def event_date(articles: list[Article]) -> tuple[str | None, float]:
    """The event's day (ISO) and the share of its dated articles within a day of it."""
    days = [d for d in (day_of(a) for a in articles) if d is not None]
    if not days:
        return None, 0.0
    votes = Counter(days)
    best = min(votes, key=lambda d: (-votes[d], d))
    agree = sum(1 for d in days if abs(d - best) <= 1)
    return date.fromordinal(best).isoformat(), agree / len(days)


def representative_title(articles: list[Article]) -> str | None:
    """The headline of the article nearest the members' mean vector, of those that have a headline: an article
    given without one is titled by its first sentence (:mod:`storyline.metadata`), which stands for the event only
    when no report has a headline."""
    titled = [a for a in articles if a.title]
    if not titled:
        return None
    titled = [a for a in titled if not _titled_by_its_text(a)] or titled
    with_vectors = [a for a in titled if a.vector is not None]
    if len(with_vectors) < 2:
        return titled[0].title
    vectors = np.stack([np.asarray(a.vector, dtype=np.float32) for a in with_vectors])
    scores = vectors @ vectors.mean(axis=0)
    return with_vectors[int(np.argmax(scores))].title  # argmax keeps the first of equals


def _titled_by_its_text(article: Article) -> bool:
    """Whether the article's title is the opening of its own text (it came with no headline)."""
    opening = (article.title or "").removesuffix("…").strip()
    return bool(opening) and (article.text or "").lstrip().startswith(opening)


def _most_named(articles: list[Article], labels: frozenset, min_articles: int, skip=None) -> list[str]:
    """Names of entities with ``labels``, most articles first, each named by ``min_articles`` or more (a
    mention for which ``skip(article, mention)`` holds not counted)."""
    in_articles: Counter = Counter()
    mentions: Counter = Counter()
    spelling: dict[str, Counter] = defaultdict(Counter)
    for a in articles:
        keys = set()
        for m in a.mentions:
            if m.label in labels and not (skip and skip(a, m)):
                key = entity_key(m.name or m.text)
                if len(key) < 2:
                    continue
                keys.add(key)
                mentions[key] += 1
                spelling[key][m.name or m.text] += 1
        in_articles.update(keys)
    ranked = sorted(in_articles, key=lambda k: (-in_articles[k], -mentions[k], k))
    return [_usual_spelling(spelling[key]) for key in ranked if in_articles[key] >= min_articles]


def _usual_spelling(forms: Counter) -> str:
    """The form of a name written most often (ties: the longer, then alphabetically)."""
    return min(forms, key=lambda f: (-forms[f], -len(f), f))


def venue(articles: list[Article]) -> str | None:
    """Where it happened, or ``None``: each article votes for the first place its text names as a
    venue ("talks in Moscow", "at the Kelport yard"), as news says where before it goes into the
    background ("the war in Ukraine"). Ties go to the place more articles name as a venue, then
    to the one named so more often; a place named as within the winner ("New Delhi, India")
    replaces it when it was named as a venue too.
    """
    first: Counter = Counter()
    in_articles: Counter = Counter()
    venues: Counter = Counter()
    within: dict[str, str] = {}
    spelling: dict[str, Counter] = defaultdict(Counter)
    for a in articles:
        places = [m for m in a.mentions if m.label in PLACE_LABELS and len(entity_key(m.name or m.text)) >= 2]
        named: list[str] = []
        for i, m in enumerate(places):
            key = entity_key(m.name or m.text)
            spelling[key][m.name or m.text] += 1
            if VENUE_BEFORE.search(a.text[max(0, m.start - 12): m.start]) and not NOT_VENUE.search(
                    a.text[max(0, m.start - 30): m.start]):
                venues[key] += 1
                named.append(key)
            after = places[i + 1] if i + 1 < len(places) else None
            if after is not None and a.text[m.end: after.start].strip() == ",":
                within.setdefault(key, entity_key(after.name or after.text))
        if named:
            first[named[0]] += 1
            in_articles.update(set(named))
    if not first:
        return None
    rank = lambda k: (-first[k], -in_articles[k], -venues[k], k)  # noqa: E731
    best = min(first, key=rank)
    inner = [k for k in in_articles if within.get(k) == best]
    if inner:
        best = min(inner, key=rank)
    return _usual_spelling(spelling[best])


def participants(articles: list[Article]) -> list[str]:
    """People and organisations named by at least half the articles (the most named one at least), not
    counting who reports it (:func:`_reporter`)."""
    names = _most_named(articles, ACTOR_LABELS, max(1, (len(articles) + 1) // 2), _reporter)
    return names[:MAX_PARTICIPANTS] or _most_named(articles, ACTOR_LABELS, 1, _reporter)[:1]


def _reporter(article: Article, mention) -> bool:
    """Whether ``mention`` names who reports the happening rather than who takes part: a wire agency ("(Reuters)",
    "Kyodo News reported"; :func:`~storyline.agencies.names_agency`), the article's own outlet ("told WDTN"), or its dateline's town, which the tagger
    takes for an organisation in capitals ("BERGEN, Norway (Reuters) -")."""
    name = mention.name or mention.text
    if mention.label != "PERSON" and (names_agency(re.sub(r"^the\s+", "", name, flags=re.I), article.wire)
                                      or article.outlet and entity_key(name) == entity_key(article.outlet)):
        return True  # "Bloomberg" the person stays, and so does the Aam Aadmi Party (AAP) where no AAP wire is credited
    return mention.start < DATELINE_REACH and mention.text.isupper() and bool(
        dateline(article.text or "", mention.start))


def infer_published(articles: Iterable[Article], events: Iterable[Event], fit: Callable[[str], float]) -> list[Article]:
    """Give undated articles their event's date (``published_how="inferred"``) when the model is
    confident they belong there (``fit(article_id)`` at least :data:`INFER_FIT`); returns those changed.

    An undated page that merely resembles an event stays undated: its date would depend on what
    else happens to be in the store.
    """
    dates = {e.id: e.date for e in events}
    changed = []
    for a in articles:
        when = dates.get(a.event_id or "")
        if when and (not a.published or a.published_how in WEAK_DATE_HOW) and fit(a.id) >= INFER_FIT:
            if (a.published, a.published_how) != (when, "inferred"):
                a.published, a.published_how = when, "inferred"
                changed.append(a)
    return changed
