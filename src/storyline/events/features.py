"""What placement compares of each article: its :class:`Profile` (and :class:`Traits`, what is kept of it).

A profile is built once from an enriched :class:`~storyline.models.Article`
(needs ``title``, ``text``, ``mentions`` with canonical ``name``, ``quotes``,
``figures``, ``event_date`` or ``published``, ``vector``) and holds:

- ``words``: content-word counts of headline and text (sublinear ``1 + log tf``),
  weighted by inverse document frequency ``log((n + PRIOR_DOCS + 1) / (df + prior + 1))``
  (:class:`~.bags.Lexicon`: the counts start from pseudo-documents of general English) at comparison time: what the article is about, compared when finding its story;
- ``terms``: the words, adjacent-word phrases and one ``E:<canonical name>`` term per
  entity mention, those of the lead counting double: what tells the events
  of one story apart (weighted, like the words, by inverse document frequency over the store, terms only one
  article holds weighing nothing);
- ``actors`` and ``places``: canonical entity names (people, organisations,
  groups / countries, cities, sites), the participants and where it happened;
- ``people``: the people it names, by surname: outlets name one person differently ("Sanjay
  Gupta", "Dr. Gupta", "Gupta"), and which people a story is about is compared this way; and
  ``full_people``, by full canonical name, which people an event is about (see :mod:`.pairs`);
  a spokesperson is in neither (:func:`speaks_for`: a source, quoted in every report of an
  office's happenings, not a protagonist of any);
- ``facts``: keys of long quotes and of figures, which copies of one report share (a bag of lexicon ids, each
  counted once);
- ``day``: the event-date estimate as an ordinal day, or ``None``; ``strong_day`` the
  same when the date is stated (lead, or a stated publication date), else ``None``;
- ``vector``: the headline+lead embedding (unit length; compared centred, see :meth:`~.bags.Lexicon.centered`);
- ``statements``: (speaker surname, unit vector) of each statement a named person made
  (:func:`statement_vectors`), and ``statement_ids``, the groups of equal statements they
  fall in (:mod:`.statements`, assigned by the index).

:class:`~.clusters.Aggregate` sums the profiles of a cluster's members so an article can be
compared with a whole event (or an event with a story) in one step.
"""

from __future__ import annotations

import json
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np

from ..enrichment import opening
from ..enrichment.entities import PLACE_LABELS, split_person
from ..enrichment.vectors import HashEmbedder
from ..models import WEAK_DATE_HOW, Article
from .bags import Bag, Lexicon

LEAD_SENTENCES = 2  # the sentences after the headline that state the happening ...
LEAD_WEIGHT = 2.0  # ... and how much more their terms count (ECB+ dev: events F1 +0.3 and +0.9 on its two halves)
ACTOR_LABELS = frozenset({"PERSON", "ORG"})  # the protagonists: never places or adjectives ("Russian")
# entities that also count as terms ("E:<canonical name>"): who, where, and what kind of thing
TERM_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART"})
# dates whose source is weak enough not to count against other dates
# dates strong enough to keep two happenings apart: stated in the lead, or a stated publication date
STRONG_EVENT_DATE_HOW = frozenset({"lead-weekday", "lead-date"})
STRONG_PUBLISHED_HOW = frozenset({"stated", "html-meta", "url"})
# a date the text names (to the day, week or month) refers to happenings this many days either side of it
REFERENCE_SLACK_DAYS = 31
REFERENCE_GRANULARITY = frozenset({"day", "week", "month"})
FOLLOW_DAYS = 1  # a named day this far before the article's own is still its own happening (a night's shooting)
# ... unless the clause recalls an earlier occurrence of the same kind, which a recurring event's lead does
# ("their first talks since June 2022", "a year after the previous quake in May 2021", "the anniversary of")
_RECALLS_EARLIER = re.compile(r"\b(?:since|previous(?:ly)?|last (?:met|time)|anniversary)\b[^.;:!?\n]*$", re.I)
RECALL_REACH = 50  # characters before a date searched for such words
STATEMENT_WORDS = 40  # a statement's opening words that are compared: what tells one statement from another
_STATEMENT_HASH = HashEmbedder(384)

_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|[-'’])+|\d+(?:[.,]\d+)?", re.UNICODE)


@cache
def _stop_words() -> frozenset:
    """scikit-learn's English stop words, read from their module alone: importing the package for them cost
    every command that places articles most of a second."""
    import importlib.util
    import runpy

    spec = importlib.util.find_spec("sklearn")  # found, not imported
    module = Path(spec.origin).parent / "feature_extraction" / "_stop_words.py" if spec and spec.origin else None
    if module is not None and module.is_file():
        return frozenset(runpy.run_path(str(module))["ENGLISH_STOP_WORDS"])
    from sklearn.feature_extraction._stop_words import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def words_of(text: str) -> list[str]:
    """The content words of ``text`` in order: lowercased, English stop words, one-letter
    tokens and a trailing 's dropped; numbers kept as written ("23", "4.5")."""
    stop = _stop_words()
    out = []
    for word in _WORD.findall(text.lower()):
        if word[-1] in "'’-":  # a word starts with a letter or digit (_WORD)
            word = word.rstrip("'’-")
        if word.endswith(("'s", "’s")):
            word = word[:-2]
        if len(word) > 1 and word not in stop:
            out.append(word)
    return out


def terms_of(text: str) -> Counter:
    """Content words of ``text`` and adjacent-pair phrases of them ("pierre_thomas", "injured_reserve").

    A phrase joins two content words that follow each other once stop words are
    removed, which catches names and fixed expressions.
    """
    return with_phrases(words_of(text))


def with_phrases(words: list[str]) -> Counter:
    """Counts of ``words`` and of each pair of words that follow each other."""
    out = Counter(words)
    out.update(f"{x}_{y}" for x, y in zip(words, words[1:], strict=False))
    return out


def end_of_lead(article: Article) -> int:
    """The offset in the text where the first :data:`LEAD_SENTENCES` sentences end (0 when not split)."""
    sentences = article.sentences
    if not sentences:
        return 0
    return sentences[LEAD_SENTENCES - 1][1] if len(sentences) > LEAD_SENTENCES else len(article.text or "")


def lead_weighted_terms(article: Article) -> tuple[list[str], Counter, int, int]:
    """The content words of headline and text, and their :func:`with_phrases` terms with those of the
    first :data:`LEAD_SENTENCES` sentences counting :data:`LEAD_WEIGHT` times (news puts the
    happening first and the background after); the offset in the text where the lead ends
    (0 when the text is not split into sentences), and how many of the words are headline and lead."""
    text = article.text or ""
    lead_end = end_of_lead(article)
    words: list[str] = []
    terms: Counter = Counter()
    headline_and_lead = 0
    for part, weight in ((article.title or "", 1.0), (text[:lead_end], LEAD_WEIGHT), (text[lead_end:], 1.0)):
        headline_and_lead = len(words)
        part_words = words_of(part)
        words += part_words
        for key, n in with_phrases(part_words).items():
            terms[key] += n * weight
    return words, terms, lead_end, headline_and_lead


def lead_numbers(words: list[str]) -> Counter:
    """The numbers among the content words of headline and lead (the first words of :func:`lead_weighted_terms`):
    "23" of "a 23-year-old", "108" of "$108 million", "6.1". The details that tell apart two alike happenings
    (the ages of the shot, the sum stolen, the magnitude), which reports of one happening repeat. Keyed as the
    words are, so they share their document frequencies."""
    return Counter(w for w in words if w[0].isdigit())


def entity_key(name: str) -> str:
    """The comparison key of a canonical entity name ("The Kremlin's" -> "kremlin")."""
    key = re.sub(r"['’]s$", "", name.strip().lower())
    key = re.sub(r"^the\s+", "", key)
    return re.sub(r"\s+", " ", key)


def statement_vectors(texts: list[str]) -> np.ndarray:
    """Each statement as a unit vector of the words and word pairs of its opening :data:`STATEMENT_WORDS`
    words, hashed: two reports of the same words, verbatim or cut differently, lie close, and a
    different statement of the same speaker does not. Lexical on purpose: the same statement is the
    same words (at 0.6 it makes the decisions MiniLM made at 0.8 on 99.5% of the same-speaker pairs of
    ECB+ dev, with the same event scores), for a thousandth of the cost, so it is computed whenever a
    profile is made, and only the opening words are stored (:class:`Traits`)."""
    return _STATEMENT_HASH.embed([opening(t, STATEMENT_WORDS) for t in texts])


def speaker_key(name: str) -> str:
    """Who said it, tolerant of spelling across outlets: the surname ("Sergey Lavrov" -> "lavrov")."""
    return _surname(entity_key(name))


def _surname(key: str) -> str:
    """:func:`speaker_key` of a name already made an :func:`entity_key`."""
    return split_person(key)[1].strip(".,")  # "martin luther king jr." -> "king"


_SPOKESPERSON = r"(?i:spokes(?:man|woman|person)|press (?:officer|secretary)|public (?:information|affairs) officer)"
_SPOKESPERSON_BEFORE = re.compile(_SPOKESPERSON + r"\s+(?:[A-Z][\w.]*\s+){0,2}$")  # "spokeswoman (Officer) Ida Brandt"
_SPOKESPERSON_AFTER = re.compile(r"^,\s+(?:an?|the)\s+(?:[\w.'’-]+\s+){0,5}?" + _SPOKESPERSON + r"\b")  # ", a police spokesman"


def speaks_for(text: str, start: int, end: int) -> bool:
    """Whether the person named at ``text[start:end]`` is introduced as a spokesperson ("said Officer Dana
    Kell, a Marbury Police spokesman"; "police spokeswoman Ida Brandt"): the voice of an office, quoted
    in every report of its city's happenings, not one of their protagonists."""
    return bool(_SPOKESPERSON_BEFORE.search(text[max(0, start - 60) : start])
                or _SPOKESPERSON_AFTER.match(text[end : end + 80]))


def _fact_keys(article: Article) -> set[str]:
    keys = set()
    for quote in article.quotes:
        words = re.findall(r"\w+", quote.text.lower())
        if len(words) >= 6:
            keys.add("q:" + " ".join(words[:8]))
    for fig in article.figures:
        if fig.value is not None and fig.kind in ("money", "percent", "count", "quantity"):
            if fig.kind == "count" and abs(fig.value) < 10:
                continue  # small counts repeat by chance
            keys.add(f"f:{fig.kind}:{fig.value:g}:{(fig.unit or '').lower()}")
    return keys


def day_of(article: Article) -> int | None:
    """The article's event-date estimate as an ordinal day (``None`` when unknown)."""
    iso = article.event_date
    if not iso and article.published and article.published_how not in WEAK_DATE_HOW:
        iso = article.published
    if not iso:
        return None
    try:
        return date.fromisoformat(str(iso)[:10]).toordinal()
    except ValueError:
        return None


def followed_days(article: Article) -> tuple[tuple[int, int], ...]:
    """The periods the lead names (to the day, week or month, as :func:`referenced_days` finds them, not
    widened) that end before the article's own strongly dated day: the earlier happening a follow-up
    reports on ("police arrested a man Tuesday in Saturday's shooting"). An article reporting its own
    happening names that day, which is no follow-up. Empty when the article has no strong date."""
    return _followed(referenced_days(article, slack=0), strong_day_of(article))


def _followed(named: tuple[tuple[int, int], ...], own: int | None) -> tuple[tuple[int, int], ...]:
    """Of the periods ``named`` (not widened), those that end before the day ``own``."""
    return () if own is None else tuple((lo, hi) for lo, hi in named if hi < own - FOLLOW_DAYS)


def referenced_days(article: Article, slack: int = REFERENCE_SLACK_DAYS) -> tuple[tuple[int, int], ...]:
    """The periods the lead names to the day, week or month (``times``), each widened by ``slack`` days, as
    (first, last) ordinal days: the happenings it follows up ("a jury convicted the man charged in an April
    2007 shooting"). Only the lead counts: a follow-up states there what it follows, while a recurring
    event's report recalls the previous one further down ("the flood of last April"). They feed the
    ``bridged`` feature of :mod:`.pairs` (and, not widened, ``follows``). A date the lead recalls as an
    earlier occurrence ("their first talks since June 2022") is no
    reference: that is how a recurring event's lead names the last one."""
    out = []
    end = end_of_lead(article)
    text = article.text or ""
    for t in article.times:
        if t.granularity not in REFERENCE_GRANULARITY or not t.date or t.start >= end:
            continue
        if _RECALLS_EARLIER.search(text[max(0, t.start - RECALL_REACH) : t.start]):
            continue
        try:
            first = date.fromisoformat(t.date[:10]).toordinal()
            last = date.fromisoformat(t.end_date[:10]).toordinal() if t.end_date else first
        except ValueError:
            continue
        out.append((first - slack, last + slack))
    return tuple(sorted(set(out)))


def strong_day_of(article: Article) -> int | None:
    """The day of a strongly dated happening: a date stated in the lead, else a stated (text, URL,
    HTML meta) publication date; ``None`` when the date is only guessed, inferred or unknown."""
    iso = None
    if article.event_date and article.event_date_how in STRONG_EVENT_DATE_HOW:
        iso = article.event_date
    elif article.published and article.published_how in STRONG_PUBLISHED_HOW:
        iso = article.published
    try:
        return date.fromisoformat(str(iso)[:10]).toordinal() if iso else None
    except ValueError:
        return None


@dataclass
class Profile:
    """What placement knows of one article."""

    id: str
    terms: Bag  # words, adjacent-word phrases and entity terms
    actors: Bag
    places: Bag
    facts: Bag
    day: int | None
    vector: np.ndarray | None
    duplicate_of: str | None = None
    words: Bag = field(default_factory=lambda: Bag())  # words only: what the story is about
    strong_day: int | None = None  # see :func:`strong_day_of`
    statements: list = field(default_factory=list)  # (speaker key, unit vector)
    statement_ids: Bag = field(default_factory=lambda: Bag())  # groups of equal statements (set by the index)
    refs: tuple = ()  # periods the text names: see :func:`referenced_days`
    follows: tuple = ()  # earlier periods the lead names: see :func:`followed_days`
    people: Bag = field(default_factory=lambda: Bag())  # the people it names, by surname (see speaker_key)
    full_people: frozenset = frozenset()  # lexicon ids of the people it names, by full canonical name
    numbers: Bag = field(default_factory=lambda: Bag())  # the numbers of headline and lead: see :func:`lead_numbers`

    @property
    def counted(self) -> tuple[Bag, ...]:
        """The bags whose keys count in the document frequencies (:meth:`~.bags.Lexicon.observe`)."""
        return self.terms, self.actors, self.places, self.people

    @classmethod
    def from_article(cls, article: Article, lexicon: Lexicon) -> Profile:
        return cls.from_traits(Traits.of(article), lexicon)

    @classmethod
    def from_traits(cls, t: Traits, lexicon: Lexicon) -> Profile:
        """The profile of an article read before (:meth:`Traits.of`): its keys given lexicon ids."""
        statements = list(zip([who for who, _ in t.statements], statement_vectors([said for _, said in t.statements]),
                              strict=True))  # fmt: skip
        return cls(t.id, lexicon.bag(t.terms), lexicon.bag(t.actors), lexicon.bag(t.places),
                   lexicon.bag(Counter(t.facts), weighed=False), t.day, t.vector, t.duplicate_of, lexicon.bag(t.words),
                   t.strong_day, statements, refs=t.refs, follows=t.follows, people=lexicon.bag(Counter(t.people)),
                   full_people=frozenset(map(lexicon._id, t.full_people)), numbers=lexicon.bag(t.numbers))


TRAITS_VERSION = 1  # raise it whenever Traits.of reads an article differently: stored traits of another version are read again


@dataclass
class Traits:
    """What placement reads of one article, by key rather than by lexicon id: what :class:`Profile` is made of.

    Reading them takes the text, the enrichment and the dates (:meth:`of`); they are kept in the store
    (:meth:`encode`: the day, and the rest as compressed JSON; the vector apart in the store's vectors), so that an
    index started from the store makes its profiles without reading every text again (:meth:`decode`). Counters keep
    the order the text gave their keys: new keys get lexicon ids in that order, so a profile made from stored
    traits is the one made from the article, bit for bit."""

    id: str
    day: int | None
    strong_day: int | None
    duplicate_of: str | None
    terms: dict[str, float]
    words: dict[str, int]
    actors: dict[str, int]
    places: dict[str, int]
    people: list[str]  # "P:" + surname of each protagonist named, sorted
    full_people: list[str]  # "@" + full canonical name of each, sorted
    numbers: dict[str, int]
    facts: list[str]
    statements: list[tuple[str, str]]  # (speaker key, the statement's opening words: see statement_vectors)
    refs: tuple
    follows: tuple
    vector: np.ndarray | None = None

    _FIELDS = ("strong_day", "duplicate_of", "terms", "words", "actors", "places", "people", "full_people",
               "numbers", "facts", "statements", "refs", "follows")  # fmt: skip

    @classmethod
    def of(cls, article: Article) -> Traits:
        """Read ``article``: see the module's docstring for what each part is."""
        words, terms, lead_end, headline_and_lead = lead_weighted_terms(article)
        actors: Counter = Counter()
        places: Counter = Counter()
        named: set[str] = set()  # the surnames of the people it names
        people: set[str] = set()
        full: set[str] = set()
        text = article.text or ""
        sources = {speaker_key(m.name or m.text) for m in article.mentions  # spokespeople: see speaks_for
                   if m.label == "PERSON" and speaks_for(text, m.start, m.end)}  # fmt: skip
        for m in article.mentions:
            key = entity_key(m.name or m.text)
            if len(key) < 2:
                continue
            if m.label in TERM_LABELS:
                terms["E:" + key] += LEAD_WEIGHT if m.start < lead_end else 1
            if m.label in ACTOR_LABELS:
                actors["@" + key] += 1
                if m.label == "PERSON":
                    surname = _surname(key)
                    if surname:
                        named.add(surname)
                    if surname not in sources:  # a source, not a protagonist
                        full.add("@" + key)
                        if surname:
                            people.add("P:" + surname)
            elif m.label in PLACE_LABELS:
                places["@" + key] += 1
        vector = None if article.vector is None else np.asarray(article.vector, dtype=np.float32)
        if vector is not None and not vector.any():  # no known token (a script the embedder lacks): no vector
            vector = None
        said = [q for q in article.statements() if speaker_key(q.speaker or "") in named]  # not "police said"
        periods, strong = referenced_days(article, slack=0), strong_day_of(article)  # once for refs and follows
        return cls(article.id, day_of(article), strong, article.duplicate_of, dict(terms), dict(Counter(words)),
                   dict(actors), dict(places), sorted(people), sorted(full),
                   dict(lead_numbers(words[:headline_and_lead])), sorted(_fact_keys(article)),
                   [(speaker_key(q.speaker or ""), opening(q.text, STATEMENT_WORDS)) for q in said],
                   tuple((lo - REFERENCE_SLACK_DAYS, hi + REFERENCE_SLACK_DAYS) for lo, hi in periods),
                   _followed(periods, strong), vector)

    def encode(self) -> tuple[int | None, bytes]:
        """As the store keeps them: the day (the canonical order's key), and everything but the id, the day and the
        vector as compressed JSON (zlib's fastest level: a third of the JSON's size)."""
        return self.day, zlib.compress(json.dumps([getattr(self, name) for name in self._FIELDS], ensure_ascii=False,
                                                  separators=(",", ":")).encode(), 1)  # fmt: skip

    @classmethod
    def decode(cls, ident: str, day: int | None, data: bytes, vector: np.ndarray | None) -> Traits:
        """The traits :meth:`encode` gave, with the article's id and vector."""
        values = dict(zip(cls._FIELDS, json.loads(zlib.decompress(data)), strict=True))
        values["statements"] = [tuple(s) for s in values["statements"]]
        values["refs"], values["follows"] = (tuple(map(tuple, values[k])) for k in ("refs", "follows"))
        if vector is not None:
            vector = np.asarray(vector, dtype=np.float32)
            vector = vector if vector.any() else None
        return cls(ident, day, vector=vector, **values)
