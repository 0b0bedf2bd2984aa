"""The nouns of storyline: plain dataclasses passed from stage to stage.

An :class:`Article` enters the pipeline holding only what was read (``raw``,
``source``, the caller's hints) and leaves it holding clean text, metadata,
enrichment and its event. Every derived statement (mention, quote, figure,
time) keeps the character span into ``Article.text`` it came from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# How a publication or event date was found, strongest first.
DATE_HOW = ("stated", "html-meta", "url", "inferred", "unknown")
WEAK_DATE_HOW = frozenset({"inferred", "unknown"})  # a publication date only guessed: placement reads none


@dataclass
class Removed:
    """A piece of the input dropped as clutter, and why (``navigation``, ``caption`` …)."""

    text: str
    reason: str


@dataclass
class Mention:
    """One named-entity mention: span into the clean text and the entity it names.

    ``name`` is the canonical name within the article ("Lavrov" -> "Sergei Lavrov");
    ``entity_id`` is set by the store once the mention is resolved across articles.
    """

    start: int
    end: int
    text: str
    label: str
    name: str
    entity_id: int | None = None


@dataclass
class Quote:
    start: int
    end: int
    text: str
    speaker: str | None
    cue: str | None
    kind: str  # direct / partial / reported
    speaker_entity_id: int | None = None


@dataclass
class Figure:
    start: int
    end: int
    text: str
    value: float | None
    unit: str | None
    kind: str  # money / percent / count / duration / quantity / age
    sentence: str
    measures: str


@dataclass
class TimeMention:
    start: int
    end: int
    text: str
    date: str | None  # ISO date (start of range)
    end_date: str | None  # ISO date, end of range, inclusive
    granularity: str  # day / week / month / year


STATEMENT_MIN_WORDS = 5  # shorter quotes ("hot spots") say too little to be matched
STATEMENT_MAX = 12  # statements embedded per article

@dataclass
class Article:
    """One news article. ``id`` is the caller's id, else the file name without extension."""

    id: str
    source: str
    raw: str
    format: str = "txt"  # txt / html / jsonl
    url: str | None = None
    hints: dict[str, Any] = field(default_factory=dict)  # caller-given title/date/outlet
    encoding: str | None = None  # how the input's bytes were decoded (utf-8, cp1252, utf-16-le ...)
    raw_bytes: bytes | None = None  # the input's bytes when ``raw`` is not exactly their UTF-8 reading
    warnings: list[str] = field(default_factory=list)  # what reading and describing had to guess or replace (not stored)
    title: str | None = None
    outlet: str | None = None
    outlet_domain: str | None = None
    byline: str | None = None
    wire: list[str] = field(default_factory=list)
    published: str | None = None  # ISO date
    published_how: str = "unknown"
    language: str | None = None
    text: str = ""
    removed: list[Removed] = field(default_factory=list)
    content_hash: str = ""
    duplicate_of: str | None = None
    # enrichment
    sentences: list[tuple[int, int]] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    times: list[TimeMention] = field(default_factory=list)
    event_date: str | None = None
    event_date_how: str = "unknown"
    vector: Any = None  # numpy float32 array, unit length
    # placement
    event_id: str | None = None
    story_id: str | None = None

    @property
    def authors(self) -> list[str]:
        """The people the byline names, in order (``byline`` joins them with ", ")."""
        return [name for name in (self.byline or "").split(", ") if name]

    def sentence_texts(self) -> list[str]:
        return [self.text[s:e] for s, e in self.sentences]

    def removed_as(self, *reasons: str) -> list[str]:
        """The pieces cleaning removed for any of these reasons, in input order ("title", "byline", "caption" ...)."""
        return [r.text for r in self.removed if r.reason in reasons]

    def lead(self, chars: int = 600) -> str:
        """Headline and the first ``chars`` characters of the text (what gets embedded)."""
        return f"{self.title or ''}\n{self.text[:chars]}".strip()

    def first_sentence(self, chars: int = 240) -> str:
        """The text's first sentence (its first line where sentences are not known yet), cut at a word within
        ``chars``: what a listing shows of an article."""
        if self.sentences:
            s, e = self.sentences[0]
            text = self.text[s:e]
        else:
            text = self.text.split("\n", 1)[0]
            cut = text.find(". ")
            text = text[: cut + 1] if 0 < cut < chars else text
        text = text.strip()
        return text if len(text) <= chars else text[:chars].rsplit(" ", 1)[0] + " …"

    def statements(self) -> list[Quote]:
        """The attributed statements worth matching across articles: quotes with a speaker and
        at least :data:`STATEMENT_MIN_WORDS` words, the first :data:`STATEMENT_MAX` of them."""
        found = [q for q in self.quotes if q.speaker and len(q.text.split()) >= STATEMENT_MIN_WORDS]
        return found[:STATEMENT_MAX]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("vector")
        d.pop("raw_bytes")
        d.pop("warnings")
        return d


@dataclass
class Event:
    id: str
    date: str | None = None
    date_confidence: float = 0.0  # share of dated articles that agree on the date
    place: str | None = None
    title: str | None = None
    participants: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    story_id: str | None = None


@dataclass
class Story:
    id: str
    title: str | None = None
    events: list[str] = field(default_factory=list)  # in date order
