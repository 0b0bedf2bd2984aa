"""Canonical entities: one name per person or organisation, within an article and across articles.

Within an article (:func:`resolve_mentions`): spaCy's entity spans are trimmed
(titles such as "Foreign Minister", possessives, a leading "the"), a first name
that spaCy left out is taken back ("Sanjay" + "Kumar Pandey"), labels that
contradict the rest of the article are fixed (the surname of a named person
tagged GPE is a PERSON; "Walter Brennan Drive" or "Saint Ilse Hospital" tagged PERSON is a
place: :data:`PLACE_WORDS`), and every mention gets the article's canonical
``name``: "Lavrov" is the "Sergei Lavrov" named earlier.

Across articles (:class:`EntityRegistry`): people with the same surname and
compatible first names ("Sergey"/"Sergei", "S."/"Subrahmanyam") are one entity,
a bare surname joins the most-mentioned person with that surname, conflicting
first names stay apart; other entities match on a normalised key ("Tass"/"TASS",
"the U.S."/"US"). The canonical name is the most frequent full form.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from ..letters import LOWER, UPPER
from ..models import Mention

# spaCy labels that name something (dates, numbers and money are handled elsewhere).
NAMED_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"}
)
TITLE_WORDS = frozenset(
    """president vice prime minister foreign external affairs defence defense finance interior home
    secretary general state chancellor premier king queen prince princess pope sheikh emir sultan
    dr mr mrs ms mx sir dame lord lady eam fm pm ceo chairman chairwoman chair director governor gov
    senator sen rep representative congressman congresswoman mayor judge justice gen col lt capt sgt
    adm admiral colonel captain lieutenant sergeant commander spokesperson spokesman spokeswoman
    ambassador envoy deputy acting former late professor prof rev father rabbi imam coach chief
    minister's president's kremlin attorney district police inspector insp officer detective det sheriff
    miss superintendent supt constable pc sgt juror councillor councilman councilwoman prosecutor magistrate
    coroner trooper marshal warden commissioner alderman assemblyman assemblywoman bishop archbishop cardinal
    pastor librarian assistant treasurer clerk principal headteacher""".split()
)
# A title of capitalised words ending in one of TITLE_WORDS, with a given name and a surname after it
_TITLE_ALTERNATIVES = "|".join(sorted((re.escape(w) for w in TITLE_WORDS if w.isalpha() and len(w) > 2), key=len, reverse=True))
_TITLE_RUN = re.compile(rf"(?:{UPPER}[\w'’-]*\s+){{1,2}}(?i:{_TITLE_ALTERNATIVES})\.?\s+(?={UPPER}[\w'’.-]*\s+{UPPER})")
# Titles that make the name after them a person's whatever the recogniser said ("Mayor Elena Varga", taken for a
# work of art): offices held by one person, not words that also name things ("General Motors", "Chief Executive").
PERSON_TITLES = frozenset(
    """mayor prosecutor judge senator sen governor gov sheriff officer detective det sgt sergeant dr mr mrs ms
    minister chancellor councillor councilman councilwoman inspector constable coach professor prof ambassador
    trooper bishop pastor rabbi imam""".split()
)
_THING_WORDS = re.compile(r"\b(?:office|department|ministry|council|court|school|college|university|hotel|party|"
                          r"award|prize|act|law|bill|fund|foundation|center|centre|hall|street|road)\b", re.I)
# Capitalised words that may precede a name but are not part of it.
NOT_NAME_WORDS = frozenset(
    """the a an and or but in on at by for of to from with as after before since while when
    meanwhile however also then yesterday today tomorrow monday tuesday wednesday thursday friday
    saturday sunday january february march april may june july august september october november
    december this that these those his her their its our my your he she it they we i said says
    according both russian indian american british chinese french german""".split()
)
_QUESTION_WORDS = frozenset("why how what when where which whom whose".split())  # never the first word of a name
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# The last word of a street, road or building named after someone ("Walter Brennan Drive", "Saint Ilse Hospital"):
# a place, whatever else spaCy took it for. Words that are also common surnames (Lane, Park, Hill) are left out.
PLACE_WORDS = frozenset(
    """drive road street st avenue ave boulevard blvd parkway highway hwy expressway freeway county township
    hospital school academy center centre station plaza square terrace mall stadium arena""".split()
)
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_ALIASES = {
    "usa": "us", "united states": "us", "united states of america": "us",
    "united kingdom": "uk", "great britain": "uk",
    "united nations": "un", "european union": "eu",
    "uae": "united arab emirates",
}
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")


def clean_name(name: str) -> str:
    """Unicode-normalised, single-spaced form of a name (no-break spaces become spaces)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name)).strip()


# Latin letters that Unicode does not take apart into a letter and a mark, whose stroke or missing dot outlets drop
# as they drop accents: "Wałęsa" is written "Walesa", "Kılıçdaroğlu" "Kilicdaroglu", "Støre" "Store"
_UNMARKED = str.maketrans("łŁøØđĐıħĦŧŦ", "lLoOdDihHtT")


@lru_cache(maxsize=1 << 16)  # names are matched again and again, against every candidate's forms
def folded(text: str) -> str:
    """``text`` case-folded, its Latin letters without accents (nor a stroke, as in "ł" and "ø", nor the dotless
    "ı"): "Tomás" and "Tomas", "Muñoz" and "Munoz" are one spelling to match on (outlets drop accents). Marks on
    other scripts stay: a Devanagari vowel sign is a letter."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text.translate(_UNMARKED)):
        if unicodedata.combining(ch) and out and out[-1] < "\u0250":  # a mark on a Latin letter
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)).casefold()


def thing_key(name: str) -> str:
    """Matching key of a non-person entity: no leading "the", no dots, case-folded, accents dropped, common aliases."""
    key = folded(clean_name(name))
    key = re.sub(r"^the\s+", "", key).replace(".", "").strip()
    return _ALIASES.get(key, key)


def split_person(name: str) -> tuple[list[str], str]:
    """Given names and surname of a person's name ("Raj Kumar Sharma" -> (["Raj", "Kumar"], "Sharma"))."""
    tokens = clean_name(name).split()
    while len(tokens) > 1 and tokens[-1].rstrip(".").casefold() in _SUFFIXES:
        tokens.pop()
    if not tokens:
        return [], ""
    return tokens[:-1], tokens[-1]


def _translit(word: str) -> str:
    w = folded(word).rstrip(".")
    for a, b in (("ks", "x"), ("kh", "h"), ("iy", "i"), ("y", "i"), ("ii", "i"), ("j", "i")):
        w = w.replace(a, b)
    return w


# English given names and their common short forms (a short form alone is not enough: Don is not Donna)
_SHORT_FORMS = {short: tuple(full.split()) for short, full in (
    ("al", "albert alan allan alfred"), ("alex", "alexander alexandra"), ("andy", "andrew"), ("ben", "benjamin"),
    ("bill", "william"), ("bob", "robert"), ("chris", "christopher christina christine"), ("dan", "daniel"),
    ("dave", "david"), ("don", "donald"), ("ed", "edward edwin"), ("jim", "james"), ("joe", "joseph"),
    ("jon", "jonathan"), ("ken", "kenneth"), ("kate", "katherine kathryn catherine"), ("liz", "elizabeth"),
    ("matt", "matthew"), ("mike", "michael"), ("nick", "nicholas"), ("pat", "patrick patricia"), ("ron", "ronald"),
    ("sam", "samuel samantha"), ("steve", "steven stephen"), ("tom", "thomas"), ("tony", "anthony"),
    ("will", "william"), ("jeff", "jeffrey"), ("greg", "gregory"), ("rick", "richard"), ("rich", "richard"),
    ("dick", "richard"), ("larry", "lawrence"), ("jerry", "gerald jerome"), ("tim", "timothy"), ("fred", "frederick"),
)}


def _given_match(a: str, b: str) -> bool:
    """Two given names can be the same person's: equal, an initial of the other, its short form ("Ron" of
    "Ronald"), or a spelling variant."""
    x, y = folded(a).rstrip("."), folded(b).rstrip(".")
    if not x or not y:
        return True
    if len(x) == 1 or len(y) == 1:
        return x[0] == y[0]
    if x == y or _translit(x) == _translit(y):
        return True
    if y in _SHORT_FORMS.get(x, ()) or x in _SHORT_FORMS.get(y, ()):
        return True
    return x[0] == y[0] and min(len(x), len(y)) >= 5 and SequenceMatcher(None, _translit(x), _translit(y)).ratio() >= 0.85


def given_compatible(a: list[str], b: list[str]) -> bool:
    """True unless the given names conflict ("Sergey"/"Sergei" and "S."/"Subrahmanyam" do not)."""
    if not a or not b:
        return True
    if _given_match(a[0], b[0]):
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    it = iter(long_)  # "Kumar Pandey" is "Sanjay Kumar Pandey": the shorter list is a subsequence
    return all(any(_given_match(s, x) for x in it) for s in short)


def _first_given(name: str) -> str:
    """The first given name of ``name``, :func:`folded` ("" when it has none)."""
    given = split_person(name)[0]
    return folded(given[0]) if given else ""


def has_initial(name: str) -> bool:
    return any(len(t.rstrip(".")) == 1 for t in split_person(name)[0])


def best_form(forms: Counter, person: bool) -> str:
    """Canonical form: full names before initials before bare surnames ("Ortega Jr." is one: a surname and
    its suffix), then frequency, then length."""

    def rank(form: str):
        words = form.split()
        if person:
            fullness = 0 if not split_person(form)[0] else (1 if has_initial(form) else 2)
        else:  # acronyms ("TASS") beat other casings, shouting ("NEW DELHI") loses
            fullness = 2 if (len(words) == 1 and form.isupper() and len(form) <= 6) else (0 if form.isupper() else 1)
        return (fullness if person else 0, forms[form], fullness, len(form), form)

    return max(forms, key=rank)


# ---------------------------------------------------------------- within an article


def _said_in_lowercase(text: str, word: str) -> bool:
    """Whether a capitalised ``word`` ("Comedian") is also in ``text`` as a common noun: in lowercase after an article
    or a possessive ("the comedian", "a veteran quarterback"), as a name seldom is ("will" is a verb, not "Will")."""
    return word[:1].isupper() and word[1:].islower() and re.search(
        rf"\b(?i:the|a|an|his|her|their|its|our)\s+(?:[\w-]+\s+)?{re.escape(word.lower())}(?![\w-])", text) is not None


def _trim(text: str, start: int, end: int, label: str) -> tuple[int, int] | None:
    """Span without surrounding blanks, possessive, leading "the" and (for people) titles."""
    span = text[start:end]
    m = _POSSESSIVE.search(span)
    if m and len(span) > 3:
        end -= len(m.group(0))
    while end > start and not text[end - 1].isalnum():
        if text[end - 1] == "." and end - start > 2 and text[end - 2].isupper() and text[end - 3] == ".":
            break  # "U.S."
        end -= 1
    while start < end and not text[start].isalnum():
        start += 1
    while True:
        m = re.match(r"(\S+)\s+", text[start:end])
        if not m:
            break
        word = m.group(1).casefold().rstrip(".")
        if word == "the" or (label == "PERSON" and word in TITLE_WORDS) or (word in _QUESTION_WORDS and m.group(1).istitle()):
            start += m.end()  # "the", a title, or a headline's question word ("Why Velmora is cautious")
        elif label == "PERSON" and len(text[start:end].split()) > 2 and _said_in_lowercase(text, m.group(1)):
            start += m.end()  # a role the text also writes in lowercase: "Comedian Ellen DeGeneres" ("the comedian")
        elif label == "PERSON" and (title := _TITLE_RUN.match(text, start, end)):
            start = title.end()  # "Fire Chief Brian Zeller", "Kettering Fire Marshal Greg Lindner"
        else:
            break
    if end <= start or not (text[start].isupper() or text[start].isdigit()):
        return None
    if label == "PERSON" and text[start:end].casefold().rstrip(".") in TITLE_WORDS:
        return None
    return start, end


# a given name (or its initial) just before a span, in any alphabet ("Sanjay ", "Émile ", "S. ")
_GIVEN_NAME_BEFORE = re.compile(rf"(?:^|(?<=[\s(\"“]))({UPPER}{LOWER}+|{UPPER}\.) $")


_NOT_GIVEN = NOT_NAME_WORDS | TITLE_WORDS | _QUESTION_WORDS  # words never taken back as a given name


def _extend_left(text: str, start: int) -> int:
    """Take back capitalised given names just before a PERSON span ("Sanjay" + "Kumar Pandey")."""
    for _ in range(2):
        m = _GIVEN_NAME_BEFORE.search(text[max(0, start - 25) : start])
        if not m or m.group(1).casefold().rstrip(".") in _NOT_GIVEN or _said_in_lowercase(text, m.group(1)):
            break
        start -= len(m.group(1)) + 1
    return start


def _raw_mentions(text: str, ents: Iterable[tuple[int, int, str]]) -> list[Mention]:
    out: list[Mention] = []
    for start, end, label in ents:
        if label not in NAMED_LABELS:
            continue
        span = _trim(text, start, end, label)
        if span is None:
            continue
        s, e = span
        if label == "PERSON":
            s = _extend_left(text, s)
        if out and out[-1].label == "PERSON" == label and text[out[-1].end : s] == " ":
            out[-1].end, out[-1].text = e, text[out[-1].start : e]  # "Sergei" + "Lavrov"
            out[-1].name = clean_name(out[-1].text)
            continue
        if out and s < out[-1].end:
            continue
        out.append(Mention(s, e, text[s:e], label, clean_name(text[s:e])))
    return out


def _fix_labels(mentions: list[Mention]) -> None:
    """Relabel a string by majority; a title and a name (:data:`PERSON_TITLES`) is a person; the surname of a person
    named in full is that person; a name ending in
    one of :data:`PLACE_WORDS` is a place: a facility (FAC) unless it was taken for a place already (a county
    stays a GPE)."""
    for m in mentions:
        words = m.text.split()
        if m.label != "PERSON" and 2 <= len(words) <= 4 and words[0].casefold().rstrip(".") in PERSON_TITLES \
                and all(w[:1].isupper() for w in words[1:]) and not _THING_WORDS.search(m.text):
            m.label = "PERSON"  # "Mayor Elena Varga": a title and a name
    surnames = {split_person(m.name)[1].casefold() for m in mentions if m.label == "PERSON" and " " in m.name}
    votes: dict[str, Counter] = {}
    for m in mentions:
        votes.setdefault(m.name.casefold(), Counter())[m.label] += 1
    decided = {}
    for key, counts in votes.items():
        top = max(counts.values())
        if " " not in key and key in surnames or counts["PERSON"] == top:
            decided[key] = "PERSON"
        else:
            decided[key] = max(sorted(counts), key=counts.__getitem__)
        if key.split()[-1].rstrip(".") in PLACE_WORDS and decided[key] not in PLACE_LABELS:
            decided[key] = "FAC"
    for m in mentions:
        m.label = decided[m.name.casefold()]
        if m.label == "PERSON" and (span := _trim(m.text, 0, len(m.text), "PERSON")) and span != (0, len(m.text)):
            m.start, m.end = m.start + span[0], m.start + span[1]  # a person spaCy took for an organisation
            m.text = m.text[span[0] : span[1]]
            m.name = clean_name(m.text)


def _person_clusters(persons: list[Mention]) -> list[list[Mention]]:
    clusters: list[list[Mention]] = []
    surname_of: list[str] = []
    for m in sorted(persons, key=lambda m: (" " not in m.name, m.start)):  # full names first
        given, surname = split_person(m.name)
        key = folded(surname)
        fits = [
            i for i, c in enumerate(clusters)
            if surname_of[i] == key and all(given_compatible(given, split_person(x.name)[0]) for x in c)
        ]
        if not fits and not given:  # one word that is no one's surname: a first name ("Lindsay" of "Lindsay Lohan")
            fits = [i for i, c in enumerate(clusters) if key in {_first_given(x.name) for x in c}]
            fits = fits if len(fits) == 1 else []
        if fits:
            if not given and len(fits) > 1:  # bare surname: the nearest person named before it
                before = [i for i in fits if any(x.start < m.start for x in clusters[i])]
                fits = before or fits
                fits.sort(key=lambda i: (-max((x.start for x in clusters[i] if x.start < m.start), default=-1), -len(clusters[i])))
            clusters[fits[0]].append(m)
        else:
            clusters.append([m])
            surname_of.append(key)
    return clusters


def resolve_mentions(text: str, ents: Iterable[tuple[int, int, str]]) -> list[Mention]:
    """Mentions of one article with their canonical names, from ``(start, end, label)`` entity spans."""
    mentions = _raw_mentions(text, ents)
    _fix_labels(mentions)
    persons = [m for m in mentions if m.label == "PERSON"]
    for cluster in _person_clusters(persons):
        name = best_form(Counter(m.name for m in cluster), person=True)
        for m in cluster:
            m.name = name
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        if m.label != "PERSON":
            groups.setdefault(thing_key(m.name), []).append(m)
    for group in groups.values():
        name = best_form(Counter(re.sub(r"^(?i:the)\s+", "", m.name) for m in group), person=False)
        label = Counter(m.label for m in group).most_common(1)[0][0]
        for m in group:
            m.name, m.label = name, label
    return mentions


# ---------------------------------------------------------------- across articles


@dataclass
class _Entity:
    id: int
    type: str
    forms: Counter = field(default_factory=Counter)
    types: Counter = field(default_factory=Counter)
    count: int = 0

    @property
    def name(self) -> str:
        return best_form(self.forms, person=self.type == "PERSON")

    def row(self) -> dict:
        name = self.name
        aliases = sorted(f for f in self.forms if f != name)
        return {"id": self.id, "name": name, "type": self.type, "aliases": aliases, "count": self.count}


class EntityRegistry:
    """Entities across articles, loaded from the store's rows and grown one article at a time.

    ``rows`` are dicts ``{id, name, type, aliases, count}``. :meth:`add_article`
    sets ``entity_id`` on each mention; :meth:`dirty_rows` returns the rows
    created or changed since it was last called, for the store to upsert.
    The result depends only on the order articles are added in.
    """

    def __init__(self, rows: Iterable[dict] = ()):
        self._entities: dict[int, _Entity] = {}
        self._things: dict[str, int] = {}
        self._surnames: dict[str, list[int]] = {}
        self._dirty: set[int] = set()
        for row in rows:
            ent = _Entity(int(row["id"]), row["type"], count=int(row.get("count") or 0))
            ent.forms[row["name"]] = max(ent.count, 1)
            for alias in row.get("aliases") or []:
                ent.forms.setdefault(alias, 0)
            ent.types[ent.type] = 1
            self._index(ent)
        self._next_id = max(self._entities, default=0) + 1

    def _index(self, ent: _Entity) -> None:
        self._entities[ent.id] = ent
        names = {form: split_person(form) for form in ent.forms} if ent.type == "PERSON" else {}
        surnames = {folded(surname) for given, surname in names.values() if given}
        for form in ent.forms:
            if ent.type == "PERSON":
                surname = folded(names[form][1])
                if surnames and surname not in surnames:
                    continue  # a first name alone ("Mara" of "Mara Lind") is no one's surname
                ids = self._surnames.setdefault(surname, [])
                if ent.id not in ids:
                    ids.append(ent.id)
            else:
                self._things.setdefault(thing_key(form), ent.id)

    def _find_person(self, name: str) -> int | None:
        given, surname = split_person(name)
        cands = [self._entities[i] for i in self._surnames.get(folded(surname), [])]
        if given:
            cands = [
                e for e in cands
                if all(given_compatible(given, split_person(f)[0]) for f in e.forms if " " in f)
            ]
        if not cands:
            return None
        return max(cands, key=lambda e: (e.count, -e.id)).id

    def _resolve(self, name: str, label: str) -> _Entity:
        found = self._find_person(name) if label == "PERSON" else self._things.get(thing_key(name))
        if found is not None:
            return self._entities[found]
        ent = _Entity(self._next_id, label)
        self._next_id += 1
        return ent

    def add_article(self, mentions: list[Mention]) -> None:
        """Give every mention of one article its entity id, creating entities as needed."""
        groups: dict[tuple[bool, str], list[Mention]] = {}
        for m in mentions:
            person = m.label == "PERSON"
            key = (person, m.name if person else thing_key(m.name))
            groups.setdefault(key, []).append(m)
        for (person, _), group in groups.items():
            ent = self._resolve(group[0].name, "PERSON" if person else group[0].label)
            for m in group:
                form = clean_name(m.text) if person else re.sub(r"^(?i:the)\s+", "", clean_name(m.text))
                ent.forms[form] += 1
                ent.types[m.label] += 1
                ent.count += 1
                m.entity_id = ent.id
            ent.forms[group[0].name] += 0
            if not person:
                ent.type = max(sorted(ent.types), key=ent.types.__getitem__)
            self._index(ent)
            self._dirty.add(ent.id)

    def dirty_rows(self) -> list[dict]:
        """Rows created or changed since the last call, in id order."""
        rows = [self._entities[i].row() for i in sorted(self._dirty)]
        self._dirty.clear()
        return rows

    def rows(self) -> list[dict]:
        return [self._entities[i].row() for i in sorted(self._entities)]

    def get(self, entity_id: int) -> dict:
        return self._entities[entity_id].row()
