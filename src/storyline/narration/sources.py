"""What narration reads: an event's articles, their sentences, and text comparison helpers.

Narration works from the store's objects only. :func:`load_sources` gathers the
articles of one or more events; :class:`Sentence` is one sentence of one article
with its character span, so every statement shown can point back to its source.
Wire copies (``duplicate_of``) are grouped: two articles of the same group are
one source, not two, when counting agreement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from ..letters import UPPER
from ..models import Article, Event, Quote

STOP = frozenset(ENGLISH_STOP_WORDS) | {
    "said", "says", "say", "told", "tell", "according", "added", "adding", "just", "like", "mr", "ms", "mrs",
}  # fmt: skip
# words of attribution and setting: a phrase made of them ("at a news conference") is no claim
STOCK = {"news", "press", "conference", "briefing", "reporter", "statement", "interview", "spokesperson",
         "spokesman", "spokeswoman", "official", "agency", "television", "speak", "speaking", "comment"}  # fmt: skip
# words of office: with a name they say who ("port director Anton Feld", "the labour minister, Jonas Brell")
OFFICES = {"director", "minister", "president", "leader", "chief", "head", "chairman", "chairwoman", "chair", "ceo",
           "secretary", "governor", "mayor", "premier", "chancellor", "ambassador", "envoy", "commissioner"}  # fmt: skip
IRREGULAR = {
    "met": "meet", "meeting": "meet", "meetings": "meet", "held": "hold", "holds": "hold", "took": "take",
    "taken": "take", "made": "make", "gave": "give", "given": "give", "went": "go", "gone": "go", "won": "win",
    "lost": "lose", "paid": "pay", "sold": "sell", "bought": "buy", "spoke": "speak", "spoken": "speak",
    "came": "come", "became": "become", "left": "leave", "began": "begin", "begun": "begin", "rose": "rise",
    "risen": "rise", "fell": "fall", "fallen": "fall", "hit": "hit", "led": "lead", "saw": "see", "seen": "see",
    "largest": "big", "biggest": "big", "larger": "big", "bigger": "big", "large": "big",
}  # fmt: skip
WORD = re.compile(r"[\w$%]+(?:[.,'’-][\w]+)*", re.UNICODE)
SPLIT = re.compile(rf"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?(?:{UPPER}|[0-9]))|\n+")
QUOTED = re.compile(r"[\"“][^\"“”]{3,}[\"”]|‘[^‘’]{8,}’")
CREDIT = re.compile(
    r"(©|\bImage:|\bPhoto(?:graph)?:|\bPicture:|[—–-]\s*(?:Reuters|AFP|AP|dpa|Getty|EPA)\.?$|\bvia REUTERS\b|"
    r"ATTENTION EDITORS|\bFile photo\b|\bREUTERS/|\bAFP/|\bAP Photo\b|\bGetty Images\b)",
    re.IGNORECASE,
)
CAPTION_VERB = re.compile(
    r"\b(shakes|meets|poses?|speaks|attends|arrives|gestures|looks|listens|waves|walks|exchange|shake|"
    r"greets|sits|stands|smiles|hold)\b"
)
ENDS_WITH_DATE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(?:, \d{4})?\.?$|\d{4}\.?$"
)
MIN_WORDS, MAX_WORDS = 8, 70


@dataclass
class Sentence:
    """One sentence of one article: its text and character span in ``Article.text``."""

    article_id: str
    start: int
    end: int
    text: str
    index: int  # position in the article, 0 = first
    kind: str = "prose"  # prose / quote (mostly quotation) / caption / fragment

    @property
    def prose(self) -> bool:
        """Usable in a summary: not a caption, a fragment or mostly quotation."""
        return self.kind == "prose"

    @property
    def claim(self) -> bool:
        """Usable as a claim to compare across sources: prose or a quotation."""
        return self.kind in ("prose", "quote")


@dataclass
class Sources:
    """The articles behind one event (or a whole story), with their wire-copy groups."""

    events: list[Event]
    articles: list[Article]
    group: dict[str, str] = field(default_factory=dict)  # article id -> id of the original it copies
    names: dict[int, str] = field(default_factory=dict)  # entity id -> the store's name for it (see :meth:`speaker`)

    def __post_init__(self) -> None:
        self.by_id = {a.id: a for a in self.articles}
        self.group = self.group or wire_groups(self.articles)
        self._sentences: dict[str, list[Sentence]] = {}

    def subset(self, event: Event) -> Sources:
        """The sources of one event, sharing this object's articles, groups and sentences."""
        part = Sources(events=[event], articles=[self.by_id[i] for i in event.articles if i in self.by_id],
                       group=self.group, names=self.names)  # fmt: skip
        part._sentences = self._sentences
        return part

    def speaker(self, quote: Quote) -> str | None:
        """Who said ``quote``: the store's name for the speaker when the store knows them (as every listing and the
        export name them: one name for one person), else the name as the article gives it."""
        return self.names.get(quote.speaker_entity_id or 0, quote.speaker)

    def sentences(self, article_id: str) -> list[Sentence]:
        if article_id not in self._sentences:
            self._sentences[article_id] = article_sentences(self.by_id[article_id])
        return self._sentences[article_id]

    def all_sentences(self, prose_only: bool = False) -> list[Sentence]:
        out: list[Sentence] = []
        for a in self.articles:
            out += [s for s in self.sentences(a.id) if s.prose or not prose_only]
        return out

    def label(self, article_id: str) -> str | None:
        return outlet_of(self.by_id[article_id])

    def cite(self, article_id: str, start: int | None = None, end: int | None = None) -> dict:
        """A citation: article id, outlet and (when known) the character span, with the span of the sentence
        holding it (``sentence_start``, ``sentence_end``), which the report's sources list and link to: a figure
        and the sentence it is in are one cited sentence, not two."""
        out: dict = {"article_id": article_id, "outlet": self.label(article_id)}
        if start is not None:
            out["start"], out["end"] = start, end
            around = containing(self.sentences(article_id), start) if article_id in self.by_id else None
            out["sentence_start"] = around.start if around else start
            out["sentence_end"] = max(around.end, end or start) if around else end
        return out

    def independent(self, article_ids: list[str]) -> int:
        """How many independent sources (wire-copy groups) the articles stand for."""
        return len({self.group.get(i, i) for i in article_ids})

    def event_of(self, article_id: str) -> str | None:
        return self.by_id[article_id].event_id


def outlet_of(article: Article) -> str | None:
    return article.outlet or article.outlet_domain


def wire_groups(articles: list[Article]) -> dict[str, str]:
    """Map each article to the root of its ``duplicate_of`` chain (itself when original)."""
    parent = {a.id: a.duplicate_of for a in articles}
    out: dict[str, str] = {}
    for a in articles:
        root, seen = a.id, {a.id}
        while parent.get(root) and parent[root] not in seen:
            root = parent[root]
            seen.add(root)
        out[a.id] = root
    return out


def load_sources(store, events: list[Event]) -> Sources:
    """Read the full articles of ``events`` from the store, in the order the events list them."""
    articles: list[Article] = []
    seen: set[str] = set()
    for event in events:
        for aid in event.articles:
            if aid not in seen:
                seen.add(aid)
                articles.append(store.get_article(aid))
    speakers = {q.speaker_entity_id for a in articles for q in a.quotes if q.speaker_entity_id}
    return Sources(events=events, articles=articles, names=store.entity_names(speakers))


# --- sentences ---------------------------------------------------------------------------
def article_sentences(article: Article) -> list[Sentence]:
    """The article's sentences (from enrichment, else a plain splitter), deduplicated, flagged for prose."""
    spans = list(article.sentences) or split_spans(article.text)
    out: list[Sentence] = []
    seen: set[str] = set()
    for start, end in spans:
        start, end = _trim(article.text, start, end)
        text = article.text[start:end]
        if not text:
            continue
        key = " ".join(tokens(text))
        if key in seen:
            continue
        seen.add(key)
        out.append(Sentence(article.id, start, end, text, len(out), sentence_kind(text, article.title)))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip whitespace, and a stray quote mark that belongs to the neighbouring sentence."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    piece = text[start:end]
    if piece.count('"') % 2 == 1:
        if len(piece) > 2 and piece[-1] == '"' and piece[-2].isspace():  # 'said. "' -> 'said.'
            end -= 2
        elif len(piece) > 2 and piece[0] == '"' and piece[1].isspace():  # '" Next' -> 'Next'
            start += 2
    if text[start:end].endswith("“"):
        end -= 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans by punctuation and line breaks, for articles without enrichment."""
    spans, pos = [], 0
    for m in SPLIT.finditer(text):
        closing = len(m.group(0)) - len(m.group(0).lstrip("\"”’)"))
        spans.append((pos, m.start() + closing))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def quoted_share(text: str) -> float:
    return sum(len(m.group(0)) for m in QUOTED.finditer(text)) / max(1, len(text))


def sentence_kind(text: str, title: str | None = None) -> str:
    """``prose`` (fit for a summary), ``quote`` (mostly quotation), ``caption`` or ``fragment``."""
    words = text.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or text.lstrip()[:1] in "-•*–|>":
        return "fragment"
    if not re.search(r"[.!?][\"”’)]?$", text):
        return "fragment"
    if title and text.rstrip(".").strip() == title.strip():
        return "fragment"
    if CREDIT.search(text) or (CAPTION_VERB.search(text) and ENDS_WITH_DATE.search(text)):
        return "caption"
    unbalanced = text.count('"') % 2 == 1 or text.count("“") != text.count("”")  # part of a longer quotation
    if text[:1] in "\"“‘'" or unbalanced or quoted_share(text) >= 0.6:
        return "quote"
    return "prose"


# --- tokens and similarity ----------------------------------------------------------------
@lru_cache(maxsize=50000)
def stem(word: str) -> str:
    if word in IRREGULAR:
        return IRREGULAR[word]
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + keep
    return word


# :data:`STOCK` and :data:`OFFICES` as :func:`tokens` gives their words ("press" -> "pres"), to compare with tokens
STOCK_STEMS = frozenset(map(stem, STOCK))
WHO = STOCK_STEMS | frozenset(map(stem, OFFICES))  # words that say who speaks, not what happened


@lru_cache(maxsize=200_000)
def tokens(text: str) -> tuple[str, ...]:
    """Every word, lower-cased and stemmed (stop words kept: used for phrase matching)."""
    return tuple(stem(w.lower().replace("’", "'")) for w in WORD.findall(text))


@lru_cache(maxsize=200_000)
def content_tokens(text: str) -> tuple[str, ...]:
    return tuple(t for t in tokens(text) if t not in STOP and len(t) > 1)


def tfidf(texts: list[str]):
    """Row-normalised TF-IDF vectors (sparse) over content tokens; ``None`` when nothing to compare."""
    if not texts:
        return None
    vectorizer = TfidfVectorizer(analyzer=content_tokens, sublinear_tf=True)
    try:
        return vectorizer.fit_transform(texts)
    except ValueError:  # every text empty of content words
        return None


def cosine(matrix) -> np.ndarray:
    """Dense pairwise cosine of row-normalised sparse vectors."""
    return (matrix @ matrix.T).toarray()


def similar_pairs(matrix, threshold: float, chunk: int = 1000) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, cosine)`` with ``i < j`` and cosine at least ``threshold``, computed in row chunks."""
    out: list[tuple[int, int, float]] = []
    if matrix is None:
        return out
    for lo in range(0, matrix.shape[0], chunk):
        block = (matrix[lo : lo + chunk] @ matrix.T).tocoo()
        for i, j, v in zip(block.row, block.col, block.data, strict=True):
            if v >= threshold and lo + i < j:
                out.append((lo + int(i), int(j), float(v)))
    return out


def times_within(article: Article, start: int, end: int) -> list:
    """The article's resolved time mentions inside the span ``start:end``."""
    return [t for t in article.times if t.date and start <= t.start < end]


def overlap(a: tuple[str, ...] | list[str], b: tuple[str, ...] | list[str]) -> float:
    """Share of the shorter token list's distinct words found in the other."""
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def containing(sentences: list[Sentence], start: int) -> Sentence | None:
    """The sentence whose span contains character offset ``start``."""
    for s in sentences:
        if s.start <= start < s.end:
            return s
    return None


# words of a movement one way (not "declined to comment", "the fall", "lost his job", "rallies" of protesters)
UP = re.compile(r"\b(?:rose|rise[sn]?|gained|strengthen(?:ed|s)?|climb(?:ed|s)?|jump(?:ed|s)?|increas(?:ed|es)|"
                r"surg(?:ed|es)|soar(?:ed|s)?|rallied)\b", re.I)
DOWN = re.compile(r"\b(?:fell|fallen|weaken(?:ed|s)?|slipp?(?:ed|s)?|drop(?:ped|s)?|declin(?:ed|es)(?!\s+to\b)|"
                  r"decreas(?:ed|es)|tumbl(?:ed|es)|slump(?:ed|s)?|plung(?:ed|es))\b", re.I)


def direction(text: str) -> str | None:
    """``up`` or ``down`` when a sentence moves one way only ("the krone rose"), else None."""
    up, down = bool(UP.search(text)), bool(DOWN.search(text))
    return "up" if up and not down else "down" if down and not up else None


def opposed(da: str | None, db: str | None) -> bool:
    """Whether two sentences of these :func:`direction` move one thing opposite ways ("the krone rose against the
    euro" / "the krone weakened against the euro"): they say opposite things, however alike their words."""
    return da is not None and db is not None and da != db


CLAUSE = re.compile(r"[;:()\u2014\u2013]|,(?!\d)|\s-\s")  # where a clause ends ("5,000" is one number)


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of the clauses of the sentence ``start:end``."""
    cuts = [m.start() for m in CLAUSE.finditer(text, start, end)]
    bounds = [start, *cuts, end]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def clause_at(text: str, start: int, end: int, at: int) -> tuple[int, int]:
    """The span of the clause of the sentence ``start:end`` that holds offset ``at``."""
    return next((c for c in clauses(text, start, end) if c[0] <= at < c[1]), (start, end))
