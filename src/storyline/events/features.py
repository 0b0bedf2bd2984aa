"""What placement compares: one :class:`Profile` per article, one :class:`Aggregate` per cluster.

A profile is built once from an enriched :class:`~storyline.models.Article`
(needs ``title``, ``text``, ``mentions`` with canonical ``name``, ``quotes``,
``figures``, ``event_date`` or ``published``, ``vector``) and holds:

- ``terms``: content-word counts of headline (counted twice) and text, lightly stemmed;
  weighted by inverse document frequency at comparison time;
- ``actors`` and ``places``: canonical entity names (people, organisations,
  groups / countries, cities, sites), the participants and where it happened;
- ``facts``: keys of long quotes and of figures, which copies of one report share;
- ``day``: the event-date estimate as an ordinal day, or ``None``;
- ``vector``: the headline+lead embedding (unit length).

An aggregate sums the profiles of a cluster's members so an article can be
compared with a whole event (or an event with a story) in one step.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

import numpy as np

from ..models import Article

IDF_FLOOR = 1.0  # sklearn's smoothing: a word every article has still weighs 1
ACTOR_LABELS = frozenset({"PERSON", "ORG", "NORP"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# dates whose source is weak enough not to count against other dates
WEAK_DATE_HOW = frozenset({"inferred", "unknown"})

_STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves said says say told tell according one two three new year
    years time week day days today yesterday monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december jan feb mar
    apr jun jul aug sep sept oct nov dec last first next since still around ago per cent percent mr mrs
    ms dr among amid into onto via yet however although though whether including like just get got
    make made take took back many much well even us would could should might must shall""".split()
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]|\d+(?:[.,]\d+)*", re.UNICODE)


def stem(word: str) -> str:
    """A deliberately light stemmer: plural and possessive endings only."""
    for end in ("'s", "’s"):
        if word.endswith(end):
            word = word[: -len(end)]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms_of(text: str) -> Counter:
    """Content words and adjacent-pair phrases of ``text``, lowercased, stop words dropped.

    Numbers are kept as ``#23`` (they tell incidents of one kind apart: "23
    pirates" versus "26 pirates"); a phrase ``a_b`` joins two content words
    that follow each other once stop words are removed, which catches names
    and fixed expressions ("pierre_thomas", "injured_reserve").
    """
    out: Counter = Counter()
    previous = None
    for match in _WORD.finditer(text.lower()):
        word = match.group()
        if word[0].isdigit():
            word = "#" + word.replace(",", "") if len(word) > 1 else None
        else:
            word = stem(word)
            word = word if len(word) > 2 and word not in _STOP else None
        if word is None:
            continue
        out[word] += 1
        if previous is not None:
            out[previous + "_" + word] += 1
        previous = word
    return out


def entity_key(name: str) -> str:
    """The comparison key of a canonical entity name ("The Kremlin's" -> "kremlin")."""
    key = re.sub(r"['’]s$", "", name.strip().lower())
    key = re.sub(r"^the\s+", "", key)
    return re.sub(r"\s+", " ", key)


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


class Bag:
    """A sparse bag of words or entities: sorted integer ids and float weights (compact in memory)."""

    __slots__ = ("ids", "vals")

    def __init__(self, ids: np.ndarray | None = None, vals: np.ndarray | None = None):
        self.ids = np.zeros(0, np.int32) if ids is None else ids
        self.vals = np.zeros(0, np.float32) if vals is None else vals

    def __len__(self) -> int:
        return len(self.ids)

    def __add__(self, other: Bag) -> Bag:
        if not len(other):
            return self
        if not len(self):
            return other
        ids, inverse = np.unique(np.concatenate([self.ids, other.ids]), return_inverse=True)
        vals = np.bincount(inverse, weights=np.concatenate([self.vals, other.vals]), minlength=len(ids))
        return Bag(ids.astype(np.int32), vals.astype(np.float32))


class Lexicon:
    """Integer ids for terms and entity keys, and their document frequencies (for IDF)."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._keys: list[str] = []
        self.docs = 0
        self.df = np.zeros(1024, np.int32)

    def __len__(self) -> int:
        return len(self._ids)

    def bag(self, counts: Counter) -> Bag:
        """A bag of ``1 + log(count)`` per key, creating ids for new keys."""
        if not counts:
            return Bag()
        pairs = sorted((self._id(k), 1.0 + math.log(n)) for k, n in counts.items() if n > 0)
        return Bag(np.fromiter((i for i, _ in pairs), np.int32, len(pairs)), np.fromiter((v for _, v in pairs), np.float32, len(pairs)))

    def _id(self, key: str) -> int:
        i = self._ids.get(key)
        if i is None:
            i = self._ids[key] = len(self._keys)
            self._keys.append(key)
            if i >= len(self.df):
                self.df = np.concatenate([self.df, np.zeros(len(self.df), np.int32)])
        return i

    def key_of(self, ident: int) -> str:
        return self._keys[ident]

    def observe(self, *bags: Bag) -> None:
        """Count one document holding the keys of ``bags``."""
        self.docs += 1
        for b in bags:
            self.df[b.ids] += 1

    def idf(self, ids: np.ndarray, min_df: int = 2) -> np.ndarray:
        """Inverse document frequency; 0 for keys fewer than ``min_df`` documents hold.

        With ``min_df=2`` words only one article uses weigh nothing: they cannot
        be shared, and would only dilute its other words.
        """
        df = self.df[ids]
        return np.where(df >= min_df, np.log((self.docs + 1.0) / (df + 1.0)) + IDF_FLOOR, 0.0)


@dataclass
class Profile:
    """What placement knows of one article."""

    id: str
    terms: Bag
    actors: Bag
    places: Bag
    facts: frozenset
    day: int | None
    vector: np.ndarray | None
    duplicate_of: str | None = None

    @classmethod
    def from_article(cls, article: Article, lexicon: Lexicon) -> Profile:
        terms = terms_of(article.text)
        for word, n in terms_of(article.title or "").items():
            terms[word] += 2 * n
        actors: Counter = Counter()
        places: Counter = Counter()
        for m in article.mentions:
            key = entity_key(m.name or m.text)
            if len(key) < 2:
                continue
            if m.label in ACTOR_LABELS:
                actors["@" + key] += 1
            elif m.label in PLACE_LABELS:
                places["@" + key] += 1
        vector = None
        if article.vector is not None:
            vector = np.asarray(article.vector, dtype=np.float32)
        return cls(article.id, lexicon.bag(terms), lexicon.bag(actors), lexicon.bag(places),
                   frozenset(_fact_keys(article)), day_of(article), vector, article.duplicate_of)


class Aggregate:
    """A cluster (an event, or a story's events) as sums of its members' unit-length bags and vectors.

    Because the members' bags are IDF-weighted and of unit length, the dot
    product of two aggregates' sums divided by both sizes is the average
    cosine over all pairs of their members: average-link similarity at the
    cost of one sparse dot product. IDF is taken when a member joins.
    """

    __slots__ = ("id", "members", "terms", "actors", "places", "facts", "days", "vsum")

    def __init__(self, ident: str):
        self.id = ident
        self.members: list[str] = []
        self.terms, self.actors, self.places = Bag(), Bag(), Bag()
        self.facts: Counter = Counter()
        self.days: list[int] = []
        self.vsum: np.ndarray | None = None

    @classmethod
    def single(cls, p: Profile, lexicon: Lexicon, min_df: int = 2) -> Aggregate:
        """A cluster of one article, its bags weighted by the lexicon's IDF and made unit length.

        Placement compares a new article with ``min_df=2`` but stores it with
        ``min_df=1``: a word only it has so far may be shared by later articles.
        """
        agg = cls(p.id)
        agg.members.append(p.id)
        agg.terms, agg.actors, agg.places = (_unit(b, lexicon, min_df) for b in (p.terms, p.actors, p.places))
        agg.facts.update(p.facts)
        if p.day is not None:
            agg.days.append(p.day)
        if p.vector is not None:
            agg.vsum = p.vector.astype(np.float32)
        return agg

    def add(self, other: Aggregate) -> None:
        """Fold another cluster (often a cluster of one) into this one."""
        self.members.extend(other.members)
        self.terms = self.terms + other.terms
        self.actors = self.actors + other.actors
        self.places = self.places + other.places
        self.facts.update(other.facts)
        self.days.extend(other.days)
        if other.vsum is not None:
            self.vsum = other.vsum.copy() if self.vsum is None else self.vsum + other.vsum

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def day(self) -> int | None:
        """The median of the members' dates (lower median, so it is one of them)."""
        if not self.days:
            return None
        return sorted(self.days)[(len(self.days) - 1) // 2]


def _unit(bag: Bag, lexicon: Lexicon, min_df: int) -> Bag:
    if not len(bag):
        return bag
    vals = bag.vals * lexicon.idf(bag.ids, min_df)
    norm = float(np.linalg.norm(vals))
    keep = vals > 0
    if not norm:
        return Bag()
    return Bag(bag.ids[keep], (vals[keep] / norm).astype(np.float32))
