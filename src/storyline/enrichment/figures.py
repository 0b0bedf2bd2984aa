"""Figures in the text: money, percentages, counts and durations, with what they measure.

:func:`find_figures` finds "$40 billion", "₹83,000 crore", "€3.2m", "Rs 500
crore", "50bn", "31%", "12 per cent", "five times", "14 regional trade
meetings", "an 11-hour visit"; each gets a normalised ``value`` (4e10), a
``unit`` (USD, INR, %, times, meetings, hours …), a ``kind`` and a short
``measures`` phrase taken from its sentence: the noun phrase the figure
qualifies ("14 regional trade meetings" -> "regional trade meetings"), the noun it is
the amount of ("at a cost of €38 million" -> "cost"), what it is a part of ("11% of
grain exports" -> "grain exports"), or else the subject of its clause ("Velmora's share
of grain exports has climbed to 31%" -> "Velmora's share of grain exports"; in reported
speech the reported clause's: "he said the bridge would cost $24 million" -> "bridge",
a pronoun standing for the subject before it; a time is never the subject: "In 2023
the port's profit rose 12 percent" -> "port's profit"). The phrase comes from a
word-list heuristic rather than a dependency parse, which would cost the
parser's time on every sentence with a number.
"""

from __future__ import annotations

import math
import re

from ..models import Figure, TimeMention
from .times import sentence_of

_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = r"(?P<scale>trillion|billion|million|thousand|crores?|lakhs?|tn|bn|mn|m|k)"
_WORDNUM = (
    r"(?P<word>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"hundreds|thousands|dozens|a dozen|a hundred|a thousand|once|twice)"
)
_CUR_BEFORE = r"(?P<cur>US\$|A\$|C\$|HK\$|S\$|\$|€|£|¥|₹|Rs\.?|INR|USD|EUR|GBP|CHF|JPY|CNY|RMB|RUB)"
_CUR_AFTER = (r"(?P<cur>dollars|euros|pounds|rupees|yuan|yen|roubles|rubles|(?:Swiss )?francs|kronor|lira|rand|reais|"
              r"zlotys?|dirhams|riyals|shekels|naira|ringgit|baht|rupiah|hryvnias?|"
              r"USD|EUR|GBP|INR|RUB|CHF|JPY|CNY|SEK|NOK|DKK|AUD|CAD|ZAR|BRL)")
_L = r"(?<![\w.,:/-])"
_R = r"(?![\w:/]|[.,]\d)"

_MONEY_BEFORE = re.compile(_L + _CUR_BEFORE + r"\s?" + _NUM + r"(?:\s?" + _SCALE + r")?" + _R)
_MONEY_AFTER = re.compile(_L + _NUM + r"(?:\s?" + _SCALE + r")?\s+" + _CUR_AFTER + r"\b")
_MONEY_BARE = re.compile(_L + _NUM + r"\s?(?P<scale>bn|tn)" + _R)
_PERCENT = re.compile(_L + _NUM + r"\s?(?P<pct>%|per\s?cent\b|percent\b|percentage points?\b)")
_DURATION = re.compile(
    r"\b(?:" + _NUM + r"|" + _WORDNUM + r")[- ](?P<unit>second|minute|hour|day|week|month|year|decade)s?"
    r"(?:[- ]long|(?P<age>[- ]old))?\b", re.I
)
_COUNT = re.compile(r"(?:" + _L + _NUM + r"(?:\s(?P<scale>million|billion|thousand|trillion))?|\b" + _WORDNUM + r")\s+(?=[a-z])", re.I)

CURRENCIES = {
    "$": "USD", "us$": "USD", "a$": "AUD", "c$": "CAD", "hk$": "HKD", "s$": "SGD", "€": "EUR", "£": "GBP",
    "¥": "JPY", "₹": "INR", "rs": "INR", "rs.": "INR", "rupees": "INR", "dollars": "USD", "euros": "EUR",
    "pounds": "GBP", "yuan": "CNY", "rmb": "CNY", "yen": "JPY", "roubles": "RUB", "rubles": "RUB",
    "francs": "CHF", "swiss francs": "CHF", "kronor": "SEK", "lira": "TRY", "rand": "ZAR", "reais": "BRL",
    "zloty": "PLN", "zlotys": "PLN", "dirhams": "AED", "riyals": "SAR", "shekels": "ILS", "naira": "NGN",
    "ringgit": "MYR", "baht": "THB", "rupiah": "IDR", "hryvnia": "UAH", "hryvnias": "UAH",
}
SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
    "trillion": 1e12, "tn": 1e12, "crore": 1e7, "crores": 1e7, "lakh": 1e5, "lakhs": 1e5,
}
WORD_VALUES = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundreds": 100, "thousands": 1000,
    "dozens": 24, "a dozen": 12, "a hundred": 100, "a thousand": 1000, "once": 1, "twice": 2,
}
QUANTITY_UNITS = frozenset(
    "km kilometres kilometers miles metres meters tonnes tons barrels kg kilograms litres liters mw gw kwh acres hectares".split()
)
STOP = frozenset(
    """of in on at to for from by with and or but nor have has had is are was were be been being will would could
    can may might should shall must do does did that which who whom whose this these those the a an than as since
    per more less most least after before during ago said say says told it its their his her our we they he she
    i you so if when while where because about around over under into onto between against among up down out off
    each every all both either neither no not only also just still yet already ever even then there here
    last next year years month months week weeks today yesterday tomorrow""".split()
)
VERBS = frozenset(
    """is are was were be been has have had will would could can may might should shall must do does did
    rose rises rise risen fell falls fall fallen surged surges surge grew grows grow jumped jumps dropped drops
    reached reaches reach topped tops top hit hits totalled totaled totals total stood stands increased increases
    decreased declined declines climbed climbs crossed crosses exceeded exceeds amounted amounts cost costs raised
    spent spends paid pays received earned lost gained doubled tripled expects expected estimated valued
    accounted accounts made makes saw sees signed agreed won met meets killed injured said says began begins
    started starts ended ends took takes came comes went goes held holds showed shows talked go come get gets got
    remain remains remained stay stays stayed found gave sent put told""".split()
)
_PLURALS = frozenset("people men women children police staff times troops personnel cattle".split())


def _number(num: str | None, scale: str | None = None) -> float | None:
    """The value ``num`` (times its ``scale``: "million"), or None when there is none or it is too large for a
    float (a 400-digit number is no value JSON can carry: it would be ``Infinity``)."""
    if not num:
        return None
    value = float(num.replace(",", "")) * SCALES.get((scale or "").casefold(), 1.0)
    return value if math.isfinite(value) else None


_WORD = re.compile(r"\s*([A-Za-z][\w-]*|\[[^\]]*\])")


def _words_after(text: str, pos: int, limit: int = 4, names: bool = False) -> list[tuple[str, int]]:
    """(word, end) of the words right after ``pos``, up to a function word, an adverb or punctuation.

    With ``names`` a phrase may hold capitalised words ("a five-day Russia visit").
    """
    out: list[tuple[str, int]] = []
    while len(out) < limit:
        m = _WORD.match(text, pos)
        if not m:
            break
        word = m.group(1)
        low = word.casefold()
        if word.startswith("[") or low in STOP or low.endswith("ly") or (word[0].isupper() and not names):
            break
        out.append((word, m.end()))
        pos = m.end()
    while out and out[-1][0].casefold() in VERBS:
        out.pop()
    return out


def _plural(word: str) -> bool:
    w = word.casefold()
    return w in _PLURALS or (w.endswith("s") and not w.endswith(("ss", "us", "is")))


def _noun_after(text: str, pos: int) -> str:
    return " ".join(w for w, _ in _words_after(text, pos, limit=3, names=True))


_OF = re.compile(r"\s+of\s+(?:(?:the|its|their|his|her|our|all|a|an)\s+)?")


def _part_of(text: str, pos: int) -> str:
    """What a figure is a part of: "11% of grain exports" -> "grain exports"."""
    m = _OF.match(text, pos)
    return _noun_after(text, m.end()) if m else ""


_ASIDE_SAID = re.compile(r",\s*(?:[\w'’.-]+\s+){1,3}?(?:said|says|added|noted),")  # "The new goal, she said, was"
# what a figure is the amount of: "at a cost of €38 million", "a target of $9 billion", "the initial estimate of"
_NOUN_OF = re.compile(r"(?:^|\s)((?:[^\W\d_][\w'’-]*\s+)?[^\W\d_][\w'’-]*)\s+of\s+(?:(?:about|around|roughly|nearly|almost|some|"
                      r"just|over|under|up to|more than|less than)\s+)?$")


def _amount_of(text: str, start: int) -> str:
    """The noun a figure is the amount of, from the words just before it ("a cost of €38 million" -> "cost")."""
    m = _NOUN_OF.search(text, max(0, start - 60), start)
    if not m:
        return ""
    words = m.group(1).split()
    if _verb(words, len(words) - 1):  # "raised it to", not "a cost of"
        return ""
    return " ".join(w for w in words if w.casefold() not in STOP)


_ASIDE_NUMBER = re.compile(r"(?<=[^\W\d_]),\s*\d{1,3},\s")  # "Delaney, 52, is accused": an age after a name (not "March 3, 2024,")


_PRONOUNS = frozenset("he she it they we i you this that there who which".split())
_DETERMINERS = frozenset("the a an its his her their our my your this that these those".split())
# where a reported clause begins: "the minister said trade could reach $6 billion"
_REPORTED = r"\b(?:said|says|say|told\s+[\w'’-]+|added|noted|announced|stated|warned)\s+(?:that\s+)?"


def _verb(words: list[str], i: int) -> bool:
    """Whether ``words[i]`` is a verb: a listed one or a word in -ed ("the visit lasted"), but not after a determiner
    ("the injured man", "a total of")."""
    w = words[i].casefold()
    if i and words[i - 1].casefold() in _DETERMINERS:
        return False
    return w in VERBS or (len(w) > 4 and w.endswith("ed") and "-" not in w and i > 0)  # not "Abu Dhabi-based"


def _clause_subject(sentence: str, offset: int) -> str:
    """The subject of the clause that holds ``offset``: the words before its first verb ("he said the project would
    cost $24 million" -> "project"); a pronoun stands for the subject of the clause before ("the council said it
    would spend $5 million" -> "council"). A number set off by commas is an aside on the subject ("Delaney, 52, is
    accused of raising $48 million" -> "Delaney"), not the subject."""
    sentence = _ASIDE_NUMBER.sub(lambda m: " " * len(m.group()), sentence)  # blanked: offsets stay
    sentence = _ASIDE_SAID.sub(lambda m: " " * (len(m.group()) - 1) + ",", sentence)  # its clause still ends
    bounds = [0] + [m.end() for m in re.finditer(r"[;:]\s|,\s|\bthat\s|\bwhich\s|—\s|" + _REPORTED, sentence[:offset], re.I)]
    pronoun = ""
    for b in reversed(bounds):
        words = re.findall(r"[\w'’-]+", sentence[b:offset])
        for i in range(len(words)):
            if _verb(words, i):
                subject = re.sub(r"^(?:(?i:the|a|an|and|but|so)\s+)+|\s+(?i:which|who|that)$", "", " ".join(words[:i][-8:]))
                if subject and subject.casefold() not in _PRONOUNS:
                    return subject
                pronoun = pronoun or subject
                break
    return pronoun or " ".join(re.findall(r"[\w'’-]+", sentence[:offset])[-6:])


_TIME_LEAD = re.compile(r"\b(?:in|on|at|by|since|during|until|from|before|after|over)\s+$", re.I)


def _untimed(text: str, s: int, e: int, times: list[TimeMention]) -> str:
    """The sentence ``s:e`` with the times it names blanked, and a preposition leading one (offsets stay): a time
    says when, never what a figure measures ("In 2023 the port's profit rose 12 percent" -> "port's profit")."""
    chars = list(text[s:e])
    for t in times:
        if s <= t.start < e:
            lead = _TIME_LEAD.search(text, max(s, t.start - 10), t.start)
            lo, hi = lead.start() if lead else t.start, min(t.end, e)
            chars[lo - s : hi - s] = " " * (hi - lo)
    return "".join(chars)


def _candidates(text: str) -> list[tuple[int, int, float | None, str | None, str, str]]:
    """(start, end, value, unit, kind, phrase) of every figure pattern; the caller settles overlaps."""
    out = []
    for m in _MONEY_BEFORE.finditer(text):
        cur = m.group("cur").casefold()
        out.append((m.start(), m.end(), _number(m["num"], m["scale"]), CURRENCIES.get(cur, cur.upper()), "money", ""))
    for m in _MONEY_AFTER.finditer(text):
        cur = m.group("cur").casefold()
        out.append((m.start(), m.end(), _number(m["num"], m["scale"]), CURRENCIES.get(cur, cur.upper()), "money", ""))
    for m in _MONEY_BARE.finditer(text):
        before = [c for c in out if c[4] == "money" and c[0] < m.start()]
        currency = max(before)[3] if before else None
        out.append((m.start(), m.end(), _number(m["num"], m["scale"]), currency, "money", ""))
    for m in _PERCENT.finditer(text):
        unit = "points" if "point" in m.group("pct") else "%"
        out.append((m.start(), m.end(), _number(m["num"]), unit, "percent", ""))
    for m in _DURATION.finditer(text):
        value = _number(m["num"]) if m["num"] else WORD_VALUES.get(m["word"].casefold())
        kind = "age" if m["age"] else "duration"
        out.append((m.start(), m.end(), value, m.group("unit").casefold() + "s", kind, ""))
    for m in _COUNT.finditer(text):
        words = _words_after(text, m.end() - 1, limit=4)
        while words and not _plural(words[-1][0]) and words[-1][0].casefold() not in QUANTITY_UNITS:
            words.pop()
        if not words:
            continue
        unit = words[-1][0].casefold()
        value = _number(m["num"], m["scale"]) if m["num"] else WORD_VALUES.get(m["word"].casefold())
        kind = "quantity" if unit in QUANTITY_UNITS else "count"
        end = words[-1][1]
        out.append((m.start(), end, value, unit, kind, text[m.end() : end].strip()))
    return out


def find_figures(text: str, sentences: list[tuple[int, int]], times: list[TimeMention] = ()) -> list[Figure]:
    """Money, percentages, counts and durations in ``text``, outside the date spans in ``times``."""
    taken = [(t.start, t.end) for t in times]
    order = {"money": 0, "percent": 1, "age": 2, "duration": 2, "quantity": 3, "count": 4}
    figures = []
    for start, end, value, unit, kind, phrase in sorted(_candidates(text), key=lambda c: (order[c[4]], c[0])):
        if any(start < te and ts < end for ts, te in taken):
            continue
        taken.append((start, end))
        s, e = sentence_of(text, sentences, start)
        sentence = text[s:e]
        measures = (phrase or _noun_after(text, end) or _amount_of(text, start) or _part_of(text, end)
                    or _clause_subject(_untimed(text, s, e, times), start - s))
        value = float(value) if value is not None else None
        figures.append(Figure(start, end, text[start:end], value, unit, kind, sentence, measures))
    figures.sort(key=lambda f: f.start)
    return figures
