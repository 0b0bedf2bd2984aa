"""Quotes and their speakers: direct, partial and reported speech.

:func:`find_quotes` works paragraph by paragraph:

1. find the quoted spans: straight and curly double quotes (single quotes
   inside them are part of the quote), top-level single quotes when a cue verb
   attributes them, and quotes left open at the end of a paragraph;
2. cut the paragraph into sentences, treating each quote as opaque, so a quote
   that spans sentences stays whole;
3. attribute each quote from the words around it: a cue verb after it
   (``"…," Lavrov said``, ``"…," said Raj Kumar Sharma``, ``"…," he added``) or
   before it (``Lavrov said: "…"``, ``Jaishankar said that he was "…"``,
   ``according to X``); quotes of one sentence share a speaker, and a quote
   with no cue continues the previous speaker (split quotes);
4. take reported speech from sentences without quotes
   (``Lavrov said the two talked about …``, ``…, Lavrov said.``,
   ``According to Jaishankar, …``).

Pronouns go to the latest speaker or sentence subject (never one named in the
possessive) whom the article does not show to be of the other gender: "she" is
not "Mr Feld" nor "Feld, the union's chairman", and goes to the woman the
sentence names beside him; roles ("the Russian leader") to the person whose
title in the article fits best; a wire agency is
never a speaker, only the copy's credit (a short name, "AP", only when the
article's ``wire`` credits it), and a dateline is not part of what was said.
``speaker`` is the article's canonical name for the person. ``kind`` is
``direct`` for whole sentences, ``partial`` for fragments inside a sentence,
``reported`` for speech without quotation marks.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..agencies import dateline, names_agency
from ..letters import UPPER
from ..models import Mention, Quote

CUES = (
    r"said|says|say|told|tells|added|adds|wrote|writes|stressed|stresses|noted|notes|insisted|insists|"
    r"explained|explains|stated|states|declared|announced|argued|argues|claimed|claims|warned|warns|asked|"
    r"replied|responded|commented|remarked|emphasi[sz]ed|emphasi[sz]es|underlined|underscored|pointed out|"
    r"according to|saying|adding|posted|tweeted|urged|suggested|acknowledged|admitted|confirmed|denied|"
    r"continued|recalled|observed|reiterated|concluded|assured|vowed|promised|conceded|called|calling|described"
)
_CUE = re.compile(r"\b(?P<cue>" + CUES + r")\b", re.I)
ROLES = {
    "leader": ("leader", "president", "prime minister", "premier", "chancellor", "king", "head of state"),
    "president": ("president",),
    "minister": ("minister", "counterpart", "secretary"),
    "diplomat": ("minister", "diplomat", "ambassador", "envoy", "counterpart"),
    "spokesman": ("spokesman", "spokeswoman", "spokesperson"),
    "spokesperson": ("spokesman", "spokeswoman", "spokesperson"),
    "spokeswoman": ("spokesman", "spokeswoman", "spokesperson"),
    "official": ("official", "minister", "secretary", "spokesman", "spokesperson"),
    "professor": ("professor",),
    "analyst": ("analyst", "fellow", "expert", "researcher"),
    "expert": ("analyst", "fellow", "expert", "researcher", "professor"),
    "chancellor": ("chancellor",),
    "premier": ("premier", "prime minister"),
    "ambassador": ("ambassador", "envoy"),
    "envoy": ("ambassador", "envoy"),
    "secretary": ("secretary",),
    "governor": ("governor",),
    "mayor": ("mayor",),
    "senator": ("senator",),
    "chief": ("chief", "head", "director", "chairman", "ceo"),
}
_ROLE = re.compile(r"\bthe\s+(?P<adj>(?:[A-Za-z-]+\s+){0,2}?)(?P<role>" + "|".join(ROLES) + r")\b(?!s)", re.I)
_PRONOUN = re.compile(r"\b(?:he|she)\b", re.I)
_ADJACENT = re.compile(r"^[\s,]*(?:(?:\w+ly|also|then|later|again|further|had|has|have|would|will)\s+)*$")
_TITLES_BETWEEN = re.compile(  # "said Mara Quist", "said the party's deputy leader, Mara Quist"
    r"^[\s,]*(?:(?:[A-Z][\w.'’-]*|the|of|and|&|its|his|her|their|our|former|deputy|senior|chief|councillor|councilor|"
    r"lawmaker|senator|minister|spokesman|spokeswoman|spokesperson|analyst|professor|economist|expert|official|"
    r"activist|mayor|leader|head|chair|chairman|chairwoman|director|president|governor|secretary),?\s+){0,6}$"
)
# a clause whose subject no name is given ("an official at the ministry said", "one said", "One EU official,
# speaking on condition of anonymity, said"): what it says has no named speaker
_CLAUSE_START = re.compile(r"[;:]\s*|,\s*(?:and|but|while|whereas)\s+|\s(?:and|but)\s+(?=(?:a|an|one)\s)")
_UNNAMED = re.compile(r"\s*(?:a|an|one|another|some|several|two|three|four|many|other)\s", re.I)
_STOP = re.compile(r"[.!?]\s|\n")  # where a sentence may begin after
_OFFICES = frozenset("leader president minister chancellor premier ambassador envoy secretary governor mayor senator".split())
_OFFICE = re.compile(r"\b(?:" + "|".join(sorted(_OFFICES)) + r")\b")
# when it was said, right after the speaker's name ("said Mara Quist Tuesday / yesterday / this morning")
_WHEN = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|tonight|yesterday|tomorrow|overnight|afterwards?|recently"
_AFTER_ATTRIBUTION = re.compile(
    rf"^(?:[,.;]|(?:on|in|at|after|before|during|while|late|earlier|later|last|this|when|according|to|from|via|{_WHEN})\b)",
    re.I)
_ENDS_ATTRIBUTION = re.compile(r"(?:of|for|with|who|whose|as|adding|and added)\b|[\"”’!?:—–-]", re.I)  # "said X of the …"
_POSSESSIVE_AFTER = re.compile(r"['’]s\b|(?<=s)['’](?!\w)")
_ADDRESSED = frozenset(("told", "tells", "assured"))  # cues naming whom they address before what was said
_QUOTING = frozenset(("calling",))  # cues of quoted words only ('calling it "proof …"'), not of reported speech
_OPENERS = frozenset("he she it they we i you the a an his her its their our there".split())  # a clause's first word
_PREPOSITIONS = frozenset("at in on of for with from by about".split())
_GOVERNING = _PREPOSITIONS | {"near", "to", "into", "beside"}  # words before a name that is no subject
_OPEN, _CLOSE = "“„«", "”»"
_ABBREV = frozenset("mr mrs ms dr st jr sr no vs gen sen rep gov col lt prof sgt capt adm fig inc ltd co corp".split())
_NATIONALITY = re.compile(r"\b[A-Z][a-z]+(?:ian|ean|can|ese|ish|ani|eli|ch)\b|\b[A-Z][a-z]+(?=['’]s\b)")
# what shows a person's gender in the article: a title, or a word of office or family, next to their name
_HONORIFIC = re.compile(r"\b(?:(?P<m>Mr|Sir|Lord)|(?P<f>Mrs|Ms|Miss|Dame|Lady))\.?\s+$")
_MALE_WORDS = ("spokesman chairman congressman councilman businessman assemblyman alderman king prince duke "
               "husband father son brother grandfather uncle nephew widower boy man")
_FEMALE_WORDS = ("spokeswoman chairwoman congresswoman councilwoman businesswoman assemblywoman alderwoman queen "
                 "princess duchess wife mother daughter sister grandmother aunt niece widow girl woman actress")
_GENDERED = rf"(?:(?P<m>{_MALE_WORDS.replace(' ', '|')})|(?P<f>{_FEMALE_WORDS.replace(' ', '|')}))"
# "spokeswoman Mara Quist": the word, in any case, then capitalised words only (not "woman greeted Anton Feld")
_GENDER_BEFORE = re.compile(rf"\b(?i:{_GENDERED})\s+(?:{UPPER}[\w.'’-]*\s+){{0,3}}$")
# "Quist, a spokeswoman", "Roos, Quist's husband", "Dunn, 52, harbour chairman": an apposition whose head the word
# is, after at most three words that are no determiner, preposition or clause word (not "Quist, who met Feld's
# wife", "Feld, a friend of the woman", "Feld, greeted by a man", "Feld, then met a woman")
_DETERMINERS = "a|an|the|his|her|their|its|our|this|that|one"
_NOT_IN_APPOSITION = rf"{_DETERMINERS}|of|for|with|at|in|on|to|by|from|about|and|or|but|who|whose|which|when|where"
_GENDER_AFTER = re.compile(
    rf",\s+(?:\d+,\s+)?(?:(?:{_DETERMINERS})\s+)?(?:(?!(?:{_NOT_IN_APPOSITION})\b)[\w'’-]+\s+){{0,3}}?"
    rf"{_GENDERED}\b(?!['’])", re.I)
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
_PRONOUN_ANY = re.compile(r"\b(?:he|him|his|she|her|hers)\b", re.I)


@dataclass
class _Who:
    """A possible speaker in the text: a mention, a pronoun or a role."""

    start: int
    end: int
    kind: str  # mention / pronoun / role
    name: str | None = None
    adj: str = ""
    role: str = ""


@dataclass(frozen=True)
class _Titles:
    """What a person's titles in the article say, read once per person: the words around their mentions
    (case-folded), the nations they name (first five letters: "russi" of "Russian" and "Russia's"), and whether
    they name an office (:data:`_OFFICES`)."""

    context: str
    nations: frozenset[str]
    office: bool

    @classmethod
    def of(cls, context: str) -> _Titles:
        folded = context.casefold()
        nations = frozenset(n.casefold()[:5] for n in _NATIONALITY.findall(context))
        return cls(folded, nations, bool(_OFFICE.search(folded)))


def _quote_spans(text: str, p0: int, p1: int) -> list[tuple[int, int]]:
    """(open, close) index pairs of the double-quoted spans in one paragraph (close may be ``p1``)."""
    spans, open_at, straight = [], None, False
    for i in range(p0, p1):
        c = text[i]
        if open_at is None and (c in _OPEN or c == '"'):
            open_at, straight = i, c == '"'
        elif open_at is not None and ((c in _CLOSE and not straight) or (c == '"' and straight)):
            spans.append((open_at, i))
            open_at = None
    if open_at is not None and p1 - open_at > 20:
        spans.append((open_at, p1))
    return spans


def _single_spans(text: str, p0: int, p1: int, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Top-level single-quoted spans ('We are satisfied …,' said X): opening at a word start, closing before a blank."""
    out = []
    for m in re.finditer(rf"(?:(?<=^)|(?<=[\s(•\-–—:]))(['‘])(?={UPPER})(.+?[,.!?]?)(['’])(?=[\s,.;:]|$)", text[p0:p1], re.M):
        s, e = p0 + m.start(1), p0 + m.start(3)
        if len(m.group(2).split()) >= 3 and not any(a <= s <= b for a, b in taken):
            if _CUE.search(text[e + 1 : e + 60]) or _CUE.search(text[max(p0, s - 40) : s]):
                out.append((s, e))
    return out


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _segments(text: str, p0: int, p1: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences of a paragraph, with quotes opaque: a stop inside a quote ends a sentence only at the quote's end."""
    cuts = []
    for m in re.finditer(rf"[.!?]+(?P<q>[”\"’']?)(?=\s+(?:[“\"‘'(\[0-9]|{UPPER})|\s*$)", text[p0:p1]):
        stop, end = p0 + m.start(), p0 + m.end()
        inside = [(a, b) for a, b in spans if a < stop < b or (a < stop and b == end - 1)]
        if inside:
            a, b = inside[0]
            if m.group("q") and b == end - 1:
                cuts.append(end)
            continue
        word = re.search(r"(\w+)$", text[p0:stop])
        if word and (len(word.group(1)) == 1 and word.group(1).isupper() or word.group(1).casefold() in _ABBREV):
            continue
        cuts.append(end)
    bounds = [p0] + [c for c in cuts if p0 < c < p1] + [p1]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if text[a:b].strip()]


def _addressee_end(rest: str) -> int:
    """Where what was said begins after a cue that names its addressee ("told 2 NEWS he heard ..."): at the first
    word of up to five that opens a clause, unless a preposition holds it ("told reporters at the scene the ...");
    0 when none does, or an infinitive ("told him to leave") shows an order, not speech."""
    words = list(re.finditer(r"\S+", rest))[:5]
    for before, word in zip(words, words[1:], strict=False):
        if before.group().casefold() == "to":
            return 0
        if word.group().casefold() in _OPENERS and before.group().casefold() not in _PREPOSITIONS:
            return word.start()
    return 0


def _agency(m: Mention, wire: Iterable[str]) -> bool:
    """A wire agency is never a speaker: it is credited with the copy ("HOUSTON (Reuters) - Prosecutors told ...";
    a short name only when the article's ``wire`` holds it: the AAP that speaks is a party). A person of an
    agency's name ("Bloomberg said") still speaks."""
    return m.label != "PERSON" and names_agency(m.name or m.text, wire)


class _Finder:
    """The state of one article's pass: mentions, speakers so far, quote spans."""

    def __init__(self, text: str, mentions: list[Mention], wire: Iterable[str]):
        self.text = text
        self._paras = _paragraphs(text)  # (start, end) of each paragraph
        wire = list(wire)
        self.mentions = sorted((m for m in mentions if m.label in ("PERSON", "ORG") and not _agency(m, wire)),
                               key=lambda m: m.start)  # fmt: skip
        self._starts = [m.start for m in self.mentions]
        self.history: list[tuple[int, str, bool]] = []  # (position, speaker, was a speech act)
        self.spans: list[tuple[int, int]] = []
        self.quotes: list[Quote] = []
        self.last_speech: tuple[int, str | None] | None = None  # (paragraph, speaker); None: one with no name
        self._contexts = self._person_contexts()
        self._titles = {name: _Titles.of(" ".join(c for _, c in seen)) for name, seen in self._contexts.items()}
        self.others: list[tuple[int, str]] = []  # people a sentence names besides its subject: (position, name)
        self._by_surname = {}
        for m in self.mentions:
            if m.label == "PERSON" and " " in m.name:
                self._by_surname.setdefault(m.name.split()[-1], m.name)
        self._surnames = (
            re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(self._by_surname, key=len, reverse=True))) + r")\b(?!['’]s)")
            if self._by_surname else None
        )
        self._gender = self._genders()

    # ---- candidates and their resolution

    def _outside(self, pos: int) -> bool:
        return not any(a < pos < b for a, b in self.spans)

    def whos(self, a: int, b: int, people_only: bool = False) -> list[_Who]:
        """Possible speakers within [a, b), outside quotes, in text order."""
        out = [
            _Who(m.start, m.end, "mention", m.name)
            for m in self.mentions[bisect.bisect_left(self._starts, a) : bisect.bisect_left(self._starts, b)]
            if m.end <= b and (m.label == "PERSON" or not people_only)
        ]
        if self._surnames is not None:  # a surname the recogniser missed ("…," Pandey said)
            for m in self._surnames.finditer(self.text, a, b):
                if not any(w.start <= m.start() < w.end for w in out):
                    out.append(_Who(m.start(), m.end(), "mention", self._by_surname[m.group(0)]))
        for m in _PRONOUN.finditer(self.text, a, b):
            out.append(_Who(m.start(), m.end(), "pronoun"))
        for m in _ROLE.finditer(self.text, a, b):
            inside = [w for w in out if w.start < m.end() and m.start() < w.end]
            modifier = [w for w in inside if w.kind == "mention" and w.name not in self._contexts
                        and m.start("adj") <= w.start and w.end <= m.end("adj")]  # fmt: skip
            if modifier == inside:  # "the Velmoran trade minister": a word of the role, not the speaker
                out = [w for w in out if w not in inside]
                out.append(_Who(m.start(), m.end(), "role", adj=m["adj"].strip(), role=m["role"].casefold()))
        return sorted((w for w in out if self._outside(w.start)), key=lambda w: w.start)

    def resolve(self, who: _Who) -> str | None:
        if who.kind == "mention":
            return who.name
        if who.kind == "pronoun":
            return self._latest_person(who.start, _PRONOUN_GENDER[self.text[who.start : who.end].casefold()])
        return self._role_person(who) or self._role_subject(who)

    def _latest_person(self, pos: int, gender: str | None = None) -> str | None:
        """The latest speaker or sentence subject before ``pos`` that a pronoun of ``gender`` may stand for: not
        one the article shows to be of the other (:meth:`_genders`). Someone else a sentence names ("Feld met
        Quist") counts too when the article shows them to be of that gender, when the latest speaker or subject
        is of the other ("Mr Feld met Mara Quist. '…,' she said": Quist), or when there is none."""
        before = [h for h in self.history if h[0] <= pos]
        fits = [h for h in before if self._gender.get(h[1], gender) == gender]
        latest = max(before, key=lambda h: (h[0], h[2]), default=None)
        if not fits:
            since = -1  # no speaker or subject it may stand for: anyone named may be meant
        elif latest not in fits:
            since = latest[0]  # the latest is of the other gender: one named after them may be meant
        else:
            since = len(self.text)
        fits += [(at, name, False) for at, name in self.others if at <= pos and
                 (self._gender.get(name) == gender or (at > since and name not in self._gender))]  # fmt: skip
        return max(fits, key=lambda h: (h[0], h[2]))[1] if fits else None

    def _genders(self) -> dict[str, str]:
        """``m`` or ``f`` for each person the article shows to be a man or a woman: by a title before their name
        ("Mr Feld", "Ms Quist"), a word of office or family next to it ("spokeswoman Mara Quist", "Feld, the
        union's chairman"), or, counting less, the pronouns of a sentence that names no one else ("Quist, who
        leads the dockers, said her members …"). Where the signs disagree the article says nothing."""
        votes: dict[str, int] = {}
        people = [m for m in self.mentions if m.label == "PERSON"]
        for m in people:
            before = self.text[max(0, m.start - 40) : m.start]
            for found in (_HONORIFIC.search(before), _GENDER_BEFORE.search(before), _GENDER_AFTER.match(self.text, m.end)):
                if found:
                    votes[m.name] = votes.get(m.name, 0) + (2 if found["m"] else -2)
        for p0, p1 in self._paras:
            spans = _quote_spans(self.text, p0, p1)
            spans += _single_spans(self.text, p0, p1, spans)
            for s0, s1 in _segments(self.text, p0, p1, sorted(spans)):
                named = [m for m in people if s0 <= m.start < s1 and not any(a < m.start < b for a, b in spans)]
                if len({m.name for m in named}) != 1:
                    continue
                said = {_PRONOUN_GENDER[w.group().casefold()] for w in _PRONOUN_ANY.finditer(self.text, named[0].end, s1)
                        if not any(a < w.start() < b for a, b in spans)}  # fmt: skip
                if len(said) == 1:  # "Quist, who leads the dockers, said her members …": the one person named
                    votes[named[0].name] = votes.get(named[0].name, 0) + (1 if said == {"m"} else -1)
        return {name: "m" if v > 0 else "f" for name, v in votes.items() if v}

    def _person_contexts(self) -> dict[str, list[tuple[int, str]]]:
        """Each person's mention positions and the words around them (titles, appositions): from the end of the
        mention before (not one in the possessive), the line's start or 50 characters before, whichever is latest."""
        out: dict[str, list[tuple[int, str]]] = {}
        ends: list[int] = []  # ends of the mentions so far that are not in the possessive, a heap
        last_end = -1  # the latest of them at or before the mention in hand
        for m in self.mentions:  # in order of start
            while ends and ends[0] <= m.start:
                last_end = max(last_end, heapq.heappop(ends))
            if not self._possessive(m):
                heapq.heappush(ends, m.end)
            if m.label == "PERSON":
                floor = max(self.text.rfind("\n", 0, m.start) + 1, m.start - 50, last_end)
                before = re.split(r"[.,;:—(]", self.text[floor : m.start])
                if len(before) > 1 and not before[-1].strip():  # "Karsia's foreign minister, Yuliya Sorokina"
                    before = before[:-1]
                before = before[-1]
                after = self.text[m.end : m.end + 60] if self.text[m.end : m.end + 2] == ", " else ""
                out.setdefault(m.name, []).append((m.start, f"{before} {after}"))
        return out

    def _role_score(self, who: _Who, name: str) -> int:
        """How well ``name``'s titles in the article fit a role: 2 for a title of it, 2 for each word of nation that
        fits ("the Russian leader"), -2 for each that does not; -2 for a title of another office."""
        titles = self._titles[name]
        adjs = [a.casefold()[:5] for a in who.adj.split() if a[:1].isupper()]
        fits = any(t in titles.context for t in ROLES[who.role])
        score = 2 * fits - 2 * (not fits and titles.office)
        return score + sum(2 if a in titles.nations or a in titles.context else (-2 if titles.nations else 0)
                           for a in adjs)  # fmt: skip

    def _role_person(self, who: _Who) -> str | None:
        """The person whose titles in the article fit a role ("the Russian leader" -> "Russian President …")."""
        best, best_key = None, (0, 0)
        for name, seen in self._contexts.items():
            score = self._role_score(who, name)
            last = max((p for p, _ in seen if p < who.start), default=-1)
            if score > 0 and (score, last) > best_key:
                best, best_key = name, (score, last)
        return best

    def _role_subject(self, who: _Who) -> str | None:
        """An office no one's titles fit ("the Velmoran trade minister"), held by the person the text was about: the
        latest speaker, or subject that opens its sentence ("Tomás Arrieta does not like …"), in this paragraph or
        the one before, when nothing in the article says they are of another nation or office."""
        if who.role not in _OFFICES:
            return None  # a spokesman, an official, an analyst is seldom the one the text was about
        if re.match(r"\s+(?:of|for|at)\s", self.text[who.end :]):
            return None  # "the mayor of Orsund": an office the text names in full, not one it refers back to
        starts = [p0 for p0, _ in self._paras if p0 <= who.start]
        since = starts[-2] if len(starts) > 1 else 0
        before = [h for h in self.history if since <= h[0] < who.start and h[1] in self._contexts]
        latest = max(before, key=lambda h: (h[0], h[2]), default=None)
        if latest is None or self._role_score(who, latest[1]) < 0:
            return None
        opening = self.text[max([since, *(m.end() for m in _STOP.finditer(self.text, since, latest[0]))]) : latest[0]]
        return latest[1] if latest[2] or not re.search(r"\b[a-z]", opening) else None  # a speaker, or who opens a sentence

    # ---- attribution

    def _subject_of(self, cue: re.Match, lo: int, hi: int) -> str | None:
        """The speaker of one cue verb, looking in [lo, hi): named right before it, else right after it (not after
        "told": whom it was told, "… Dahl told Estmark Today"), else earlier in its clause unless the clause's
        subject has no name ("an official at the ministry said")."""
        whos = self.whos(lo, hi)
        before = [w for w in whos if w.end <= cue.start()]
        between = self.text[before[-1].end : cue.start()] if before else ""
        if before and _ADJACENT.match(between) and not ("," in between and self._governed(before[-1])):
            return self.resolve(before[-1])  # not the end of an aside: "one of them, based in Orsund, said"
        after = [w for w in whos if w.start >= cue.end() and _TITLES_BETWEEN.match(self.text[cue.end() : w.start] + " ")
                 and not self._possessive(w) and self._ends_attribution(w)]
        if after and cue["cue"].casefold() not in _ADDRESSED:
            return self.resolve(after[0])
        if before and cue["cue"].casefold().endswith("ing"):
            return self.resolve(before[0])
        people = [w for w in before if (w.kind != "mention" or w.name) and not self._possessive(w) and not self._governed(w)]
        if not people or self._unnamed_subject(lo, cue.start(), people[-1]):
            return None
        return self.resolve(people[-1])

    def _governed(self, who: _Who) -> bool:
        """Whether ``who`` is named after a preposition ("one of them, based in Valencia, said"): not a subject."""
        word = re.search(r"(\w+)\s+$", self.text[max(0, who.start - 20) : who.start])
        return bool(word) and word.group(1).casefold() in _GOVERNING

    def _unnamed_subject(self, lo: int, cue: int, who: _Who) -> bool:
        """Whether the clause of the cue verb at ``cue`` opens with a subject that has no name ("an official at the
        commerce ministry said", "One EU official, speaking …, said") and ``who`` is no more than a word in it, or
        stands before the clause."""
        starts = [m.end() for m in _CLAUSE_START.finditer(self.text, lo, cue) if self._outside(m.start())]
        start = max([lo, *starts])
        return bool(_UNNAMED.match(self.text, start)) and (who.start < start or "," not in self.text[start : who.start])

    def _ends_attribution(self, who: _Who) -> bool:
        """Whether ``who``, named after a cue verb, ends the attribution ("…," said Mara Quist, the union leader /
        on Monday / who …): one followed by a verb is the subject of what was said ("and said Estmark wanted")."""
        rest = self.text[who.end : who.end + 40].lstrip()
        return not rest or bool(_AFTER_ATTRIBUTION.match(rest) or _ENDS_ATTRIBUTION.match(rest))

    def _possessive(self, who: _Who) -> bool:
        """Whether ``who`` is named in the possessive: whose speaker it is, not the speaker ("Reid's publicist
        told ...", "said James' lawyer")."""
        return bool(_POSSESSIVE_AFTER.match(self.text, who.end))

    def _words(self, a: int, b: int) -> int:
        """The words in [a, b), a name counting as one ("Al Noor's chief executive, Khalid Al Mansoori,": four)."""
        named = sum(len(m.text.split()) - 1 for m in self.mentions[bisect.bisect_left(self._starts, a) :
                                                                   bisect.bisect_left(self._starts, b)] if m.end <= b)
        return len(self.text[a:b].split()) - named

    def from_tail(self, a: int, b: int) -> tuple[str, str] | None:
        """``"…," Lavrov said`` / ``"…," said X`` / ``"…," he added``: a cue within six words after the quote."""
        for cue in _CUE.finditer(self.text, a, b):
            if self._words(a, cue.start()) > 6:
                return None
            who = self._subject_of(cue, a, b)
            if who:
                return who, cue["cue"].casefold()
        return None

    def from_head(self, a: int, b: int, seg_start: int) -> tuple[str, str] | None:
        """``Lavrov said: "…"`` / ``X said that he was "…"``: the last cue before the quote."""
        for cue in reversed(list(_CUE.finditer(self.text, a, b))):
            lo = seg_start if cue["cue"].casefold().endswith("ing") else a
            who = self._subject_of(cue, lo, b)
            if who:
                return who, cue["cue"].casefold()
        return None

    def from_around(self, spans: list[tuple[int, int]], i: int, s0: int, s1: int, partial: bool):
        """The quote's attribution, and whether a cue verb sits right around it."""
        o, c = spans[i]
        nxt = spans[i + 1][0] if i + 1 < len(spans) else s1
        prv = spans[i - 1][1] + 1 if i else s0
        tail = self.from_tail(c + 1, nxt)
        head = self.from_head(prv, o, s0)
        cue_near = bool(_CUE.search(" ".join(self.text[c + 1 : nxt].split()[:6])) or _CUE.search(self.text[prv:o]))
        return ((head or tail) if partial else (tail or head)), cue_near

    # ---- the pass

    def run(self) -> list[Quote]:
        for para, (p0, p1) in enumerate(self._paras):
            spans = _quote_spans(self.text, p0, p1)
            spans = sorted(spans + _single_spans(self.text, p0, p1, spans))
            self.spans.extend(spans)
            for s0, s1 in _segments(self.text, p0, p1, spans):
                self._note_subject(s0, s1)
                inside = [sp for sp in spans if s0 <= sp[0] < s1]
                if inside:
                    self._direct(inside, s0, s1, para)
                else:
                    self._reported(s0, s1, para)
        return self.quotes

    def _note_subject(self, s0: int, s1: int) -> None:
        """The sentence's subject (its first person named, within eight words and not in the possessive: "Quist's
        deputy Jan Roos" is Roos) into the history; the other people it names into :attr:`others`."""
        whos = [w for w in self.whos(s0, s1, people_only=True) if not (w.kind == "mention" and self._possessive(w))]
        if whos and whos[0].kind == "mention" and len(self.text[s0 : whos[0].start].split()) <= 8:
            self.history.append((whos[0].start, whos[0].name, False))
            whos = whos[1:]
        self.others += [(w.start, w.name) for w in whos if w.kind == "mention" and w.name]

    def _direct(self, spans: list[tuple[int, int]], s0: int, s1: int, para: int) -> None:
        found = []
        for i, (o, c) in enumerate(spans):
            content = self.text[o + 1 : c]
            head = self.text[(spans[i - 1][1] + 1 if i else s0) : o].strip()
            partial = content.strip()[:1].islower() or bool(head and not re.search(r"[:,.!?—–-]$", head))
            found.append([o, c, partial, *self.from_around(spans, i, s0, s1, partial)])
        known = [f for f in found if f[3]]
        cue_near = any(f[4] for f in found)
        for f in found:
            if not f[3] and known:
                f[3] = min(known, key=lambda k: abs(k[0] - f[0]))[3]
            if not (f[3] or f[2] or cue_near) and self.last_speech and para - self.last_speech[0] <= 1:
                f[3] = (self.last_speech[1], None) if self.last_speech[1] else None
            self._emit(f[0] + 1, f[1], f[3], "partial" if f[2] else "direct", para)
            if f[4] and not f[3] and not f[2]:
                self.last_speech = (para, None)  # "'…,' one said": the quotes after it are not the last named speaker's

    def _reported(self, s0: int, s1: int, para: int) -> None:
        m = re.match(r"\s*According to\s+", self.text[s0:s1])
        if m:
            whos = self.whos(s0 + m.end(), s1)
            comma = self.text.find(", ", s0 + m.end(), s1)
            if whos and comma > whos[0].start and (name := self.resolve(whos[0])):
                self._emit(comma + 2, s1, (name, "according to"), "reported", para)
                return
        for cue in _CUE.finditer(self.text, s0, s1):
            if cue["cue"].casefold() in _QUOTING:
                continue
            whos = self.whos(s0, s1)
            before = [w for w in whos if w.end <= cue.start()]
            if before and _ADJACENT.match(self.text[before[-1].end : cue.start()]):
                who = before[-1]
            else:
                after = [w for w in whos if w.start >= cue.end()]
                if not (after and _TITLES_BETWEEN.match(self.text[cue.end() : after[0].start] + " ")) \
                        or cue["cue"].casefold() in _ADDRESSED:
                    continue  # "told Mara Quist": whom it was told
                who = after[0]
            name = self.resolve(who)
            if not name:
                continue
            lead_end = min(who.start, cue.start())
            comma = self.text.rfind(", ", s0, lead_end)
            after = self.text[max(who.end, cue.end()) : s1].strip()
            ending = not after or _AFTER_ATTRIBUTION.match(after)
            if comma > s0 and ending and _TITLES_BETWEEN.match(self.text[comma + 1 : lead_end]):
                self._emit(s0, comma, (name, cue["cue"].casefold()), "reported", para)
                return
            if len(self.text[s0 : who.start].split()) <= 12 and who.start < cue.start():
                rest = self.text[cue.end() : s1]
                that = re.match(r"(?:\W*\S+){0,7}?\W*\bthat\b,?", rest)
                told = _addressee_end(rest) if cue["cue"].casefold() in _ADDRESSED else 0
                skip = that.end() if that else told or re.match(r"(?:,?\s*(?:on|late on|early on)\s+\w+day\b)?[\s,]*", rest).end()
                self._emit(cue.end() + skip, s1, (name, cue["cue"].casefold()), "reported", para)
                return

    def _emit(self, a: int, b: int, who: tuple[str, str | None] | None, kind: str, para: int) -> None:
        while a < b and (self.text[a].isspace() or self.text[a] in "—–-:"):
            a += 1
        while b > a and (self.text[b - 1].isspace() or self.text[b - 1] in ",;—–-"):
            b -= 1
        if kind == "reported" and (opening := dateline(self.text, a, b)):
            a = opening.end()
        content = self.text[a:b]
        words = content.split()
        speaker, cue = who if who else (None, None)
        if len(words) < 2 or (kind == "reported" and len(words) < 4):
            return
        if kind == "partial" and not speaker and (len(words) < 4 or all(w[:1].isupper() or len(w) <= 3 for w in words)):
            return
        self.quotes.append(Quote(a, b, content, speaker, cue, kind))
        if speaker:
            self.history.append((a, speaker, True))
            self.last_speech = (para, speaker)


def find_quotes(text: str, sentences: list[tuple[int, int]], mentions: list[Mention],
                wire: Iterable[str] = ()) -> list[Quote]:
    """Direct, partial and reported quotes of one article with speakers and cues.

    ``sentences`` are not needed for the pass itself (it cuts sentences with
    quotes kept whole) but keep the stage's signature uniform. ``wire`` names the
    agencies credited with the copy (the article's ``wire``, from metadata; for a
    text that has none, :func:`~storyline.agencies.credited` reads them from its
    datelines): a short agency name ("AP", "AAP") counts as the agency, never a
    speaker, only when it is among them.
    """
    return _Finder(text, mentions, wire).run()
