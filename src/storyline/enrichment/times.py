"""Dates in the text, resolved against the article's publication date, and the event-date estimate.

:func:`find_times` finds weekdays ("on Wednesday"), relative days and periods
("yesterday", "last year", "earlier this month"), months ("in September",
"September 2021", "March last year", "late 2021"), the edges of periods ("the end of the year", "the start
of next month": its last or first third, or the middle one; of a week, Monday-Tuesday, Wednesday-Thursday or
Friday to Sunday; "the end of the month" in a sentence told in the past is the one before when this one's
end is still ahead), days ("Dec. 27", "27 December",
"April 6, 2021", "2023-12-27") and years ("in 2018"). In news a bare weekday is the
most recent such day on or before publication; a month or a day without a year is
the most recent such month or day (a day up to :data:`AHEAD_DAYS` after publication
still counts), unless it looks ahead, when it is the next one (a day: the nearest):
a deadline ("by January"), or its clause, else its sentence, speaks of what is to
come ("will", "scheduled", "due": :data:`_AHEAD`; see :func:`_looks_ahead`). A month
in a sentence told in no tense (no verb in the past, no word of what is to come: "the
government, which faces elections in May") is the nearest such month ("this May": the
year's).

:func:`estimate_event_date` says on which day the reported happening took
place and how that was found: a weekday or a date in the lead
("lead-weekday", "lead-date"), a full date in a photo caption or elsewhere in
the text when the publication date is unknown ("caption-date", "text-date"),
else the publication date ("published").
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from ..models import Article, TimeMention

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = {m.casefold(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.casefold(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MON = r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_MON_SAFE = r"(?P<mon>January|February|April|June|July|August|September|October|November|December)"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_B = r"(?<![\w$£€₹-])"  # not glued to a word, a currency or a number
_E = r"(?![\w%-])"

# (kind, regex); earlier patterns win where spans overlap.
_PATTERNS = [
    ("iso", re.compile(_B + r"(?P<year>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<day>[0-3]\d)" + _E)),
    ("mdy", re.compile(_B + _MON + r"\s+" + _DAY + r"(?:,?\s+" + _YEAR + r")?" + _E)),
    ("dmy", re.compile(_B + _DAY + r"\s+(?:of\s+)?" + _MON + r"(?:,?\s+" + _YEAR + r")?" + _E)),
    ("weekday", re.compile(r"\b(?:(?P<rel>last|next|this|(?:late|early)\s+on|on)\s+)?" + _WD
                           + r"(?:\s+(?:morning|afternoon|evening|night))?\b", re.I)),
    ("monrel", re.compile(_B + _MON + r"(?:\s+of)?\s+(?P<yrel>last|this|next)\s+year\b")),
    ("reldays", re.compile(r"\b(?P<word>yesterday|today|tomorrow|last night|tonight)\b", re.I)),
    ("edge", re.compile(r"\b(?:the\s+)?(?P<edge>end|start|beginning|middle)\s+of\s+"
                        r"(?P<rel>the|this|last|next|the\s+past|the\s+coming)\s+(?P<unit>week|month|year)\b", re.I)),
    ("relperiod", re.compile(r"\b(?:(?P<pre>earlier|later)\s+)?(?P<rel>last|next|this|past|coming)\s+"
                             r"(?P<unit>week|weekend|month|year)\b", re.I)),
    ("ago", re.compile(r"\b(?P<n>a|one|two|three|four|five|six|\d+)\s+(?P<unit>day|week|month|year)s?\s+ago\b", re.I)),
    ("monyear", re.compile(r"\b(?:(?P<mod>early|late|mid)[\s-]+)?" + _MON + r",?\s+" + _YEAR + _E)),
    ("month", re.compile(r"\b(?:(?P<rel>last|next|this|in|since|by|until|from|during|early|late|mid)[\s-]+)" + _MON + r"\b(?!\s+\d)")),
    ("month", re.compile(r"(?<![\w.])" + _MON_SAFE + r"(?!\s*\d)\b")),
    ("year", re.compile(r"\b(?:(?P<mod>early|late|mid)[\s-]+)?" + _B + _YEAR + _E)),
]
_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_CAPTION = re.compile(r"\b(?:poses?|posing|shakes? hands|pictured|photo|image|file picture|REUTERS|AFP|AP Photo)\b|©", re.I)
# a date after "born" in its clause is a life's start, not the happening
# ("Lund, born May 3, 1931, died ...", "was born on a farm in Ohio on May 3, 1931")
_BORN = re.compile(r"(?:\b(?:born|birth)\b|\bb\.)[^.;:!?\n]*$", re.I)
BORN_REACH = 60  # characters before a date searched for "born"
# words of a sentence that speaks of what is to come: a day or month it names without a year lies ahead
_AHEAD = re.compile(r"\b(?:will|shall|won't|must|deadline|is to|are to|to be held|scheduled|set (?:to|for)|due|plans?|planned|"
                    r"expected|upcoming|next|later this|going to|begins?|starts?|opens?|resumes?)\b|'ll\b", re.I)
_YEARLESS = frozenset({"iso", "mdy", "dmy", "month", "edge"})  # the kinds a sentence that looks ahead can move
# a clause ends at these: "Pike, who pleaded guilty in October, is expected to testify" (not "5,000")
_CLAUSE_BREAK = re.compile(r"[;:()\u2014\u2013]|,(?!\d)|\s-\s")
# a verb in the past: "pleaded", "agreed", "was sacked", "met" (not "need", "speed", "United")
_PAST = re.compile(r"\b(?:(?!(?:n|f|s|sp|br|bl|proc|exc|succ|gr)eed\b)[a-z]\w{2,}ed|was|were|had|did|said|told|met|took|made|came|went|won|lost|fell|rose|held|"
                   r"left|began|became|gave|got|saw|sent|spent|paid|sold|bought|brought|found|struck|wrote|spoke|broke|"
                   r"led|fled|died|stood|kept|grew|ran|knew|thought|meant|sought|fought|built|chose|drove|stole|"
                   r"threw|hid|dealt|swore|sank)\b")
# a past that reads as the present ("storms hit the coast in June"), or one _PAST does not list: a sentence with one
# may tell of the past, so it is not told in no tense (see _looks_ahead)
_MAYBE_PAST = re.compile(r"\b(?:hit|cut|put|set|shut|cost|quit|spread|hurt|beat|split|burst|upset|caught|drew|felt|flew|"
                         r"shook|swept|taught|tore|froze|hung|laid|rode|rang|sat|shot|slid|stuck|woke|wore|blew|forgot|"
                         r"lent|fed|bent|dug|sang|swam|wept|slept|sprang|arose|withdrew|overtook)\b")
_BY = re.compile(r"\bby\s+$", re.I)  # "by January": a deadline, ahead unless the clause tells of the past
_TO_DO = re.compile(r"\bto\s+(?!\d)[a-z]+\b(?!\s+(?:percent|per cent|%))", re.I)  # "to add" (not "fell to 4 percent")
_WOULD = re.compile(r"\b(?:would|will|could|should|shall|must)\b|'ll\b", re.I)
_REPORTED_AHEAD = re.compile(r"\bwould\b", re.I)  # the future of reported speech: "said it would reopen on April 4"
_PAST_STATE = re.compile(r"\b(?:was|were|had)\b|'d\b", re.I)  # "prices had doubled by January"
AHEAD_DAYS = 7  # a day without its year, in a sentence that does not look ahead, is at most this far after publication


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _year_range(year: int, mod: str | None) -> tuple[date, date]:
    months = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}.get((mod or "").casefold(), (1, 12))
    return date(year, months[0], 1), _month_range(year, months[1])[1]


def _shift_month(d: date, months: int) -> date:
    n = d.year * 12 + d.month - 1 + months
    return date(n // 12, n % 12 + 1, 1)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _resolve_day(g: dict, pub: date | None, ahead: bool) -> tuple[date | None, date | None, str]:
    """A day without its year is the nearest such day when its sentence looks ahead ("will meet on June 8"),
    else the latest one up to :data:`AHEAD_DAYS` after publication: news reports what happened."""
    month = int(g["m"]) if g.get("m") else _MONTHS[g["mon"].casefold()]
    day = int(g["day"])
    if g.get("year"):
        d = _safe_date(int(g["year"]), month, day)
        return d, d, "day"
    if pub is None:
        return None, None, "day"
    options = [d for y in (pub.year - 1, pub.year, pub.year + 1) if (d := _safe_date(y, month, day))]
    nearest = min(options, key=lambda d: (abs((d - pub).days), d > pub), default=None)
    best = nearest if ahead else max((d for d in options if (d - pub).days <= AHEAD_DAYS), default=nearest)
    return best, best, "day"


def _resolve_weekday(g: dict, pub: date | None) -> tuple[date | None, date | None, str]:
    if pub is None:
        return None, None, "day"
    wd = WEEKDAYS.index(g["wd"].casefold())
    rel = (g.get("rel") or "").casefold()
    back = (pub.weekday() - wd) % 7
    if rel == "next":
        d = pub + timedelta(days=(wd - pub.weekday()) % 7 or 7)
    elif rel == "last":
        d = pub - timedelta(days=back or 7)
    else:
        d = pub - timedelta(days=back)
    return d, d, "day"


def _resolve_relative(kind: str, g: dict, pub: date | None,
                      ahead: bool | None = False) -> tuple[date | None, date | None, str]:  # fmt: skip
    if kind == "reldays":
        offset = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(g["word"].casefold(), 0)
        d = pub + timedelta(days=offset) if pub else None
        return d, d, "day"
    unit = g["unit"].casefold()
    gran = {"weekend": "week", "day": "day"}.get(unit, unit)
    if pub is None:
        return None, None, gran
    if kind == "ago":
        n = _NUMBERS.get(g["n"].casefold()) or int(g["n"])
        step = {"day": timedelta(days=n), "week": timedelta(weeks=n)}.get(unit)
        if step:
            d = pub - step
            return d, d, gran
        if unit == "month":
            return (*_month_range((d := _shift_month(pub, -n)).year, d.month), "month")
        return (*_year_range(pub.year - n, None), "year")
    rel = g["rel"].casefold().split()[-1]  # "the past" as "past", "the" as "this"
    off = {"last": -1, "past": -1, "next": 1, "coming": 1}.get(rel, 0)
    third = {"start": 0, "beginning": 0, "middle": 1, "end": 2}.get((g.get("edge") or "").casefold())  # None: all of it
    first, last = _period(unit, off, third, pub)
    if off == 0 and third is not None and first > pub and ahead is False:  # "prices rose at the end of the month"
        first, last = _period(unit, -1, third, pub)
    return first, last, gran


def _period(unit: str, off: int, third: int | None, pub: date) -> tuple[date, date]:
    """The week, month or year ``off`` of them from ``pub``'s, or its first, middle or last ``third``."""
    if unit == "year":
        return _year_range(pub.year + off, None if third is None else ("early", "mid", "late")[third])
    if unit == "month":
        d = _shift_month(pub, off)
        first, last = _month_range(d.year, d.month)
        if third is None:
            return first, last
        start = first + timedelta(days=10 * third)  # days 1-10, 11-20, 21 to the end
        return start, last if third == 2 else start + timedelta(days=9)
    monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=off)
    first, last = {0: (0, 1), 1: (2, 3), 2: (4, 6)}.get(third, (0, 6))  # Monday-Tuesday, midweek, Friday to Sunday
    return monday + timedelta(days=first), monday + timedelta(days=last)


def _resolve_month(kind: str, g: dict, pub: date | None, ahead: bool | None) -> tuple[date | None, date | None, str]:
    if kind == "year":
        year = int(g["year"])
        return (*_year_range(year, g.get("mod")), "year")
    month = _MONTHS[g["mon"].casefold()]
    if g.get("year"):
        year = int(g["year"])
    elif pub is None:
        return None, None, "month"
    elif g.get("yrel"):  # "in March last year"
        year = pub.year + {"last": -1, "next": 1}.get(g["yrel"], 0)
    else:
        rel = (g.get("rel") or "").casefold()
        year = pub.year if month <= pub.month else pub.year - 1
        coming = pub.year if month > pub.month else pub.year + 1
        if rel == "next" or (ahead and rel not in ("last", "since") and month != pub.month):
            year = coming
        elif rel == "last" and month == pub.month:
            year = pub.year - 1
        elif ahead is None and rel == "this":
            year = pub.year  # told in no tense, "this May" is the year's ("faces elections this May", in February)
        elif ahead is None and rel not in ("last", "since") and (month - pub.month) % 12 < (pub.month - month) % 12:
            year = coming  # told in no tense: the nearest such month ("faces elections in May", in February)
    return (*_month_range(year, month), "month")


def _resolve(kind: str, g: dict, pub: date | None, ahead: bool | None = False) -> tuple[date | None, date | None, str]:
    """What a match of ``kind`` names, against the publication day ``pub``; ``ahead``: its sentence speaks
    of what is to come (:data:`_AHEAD`), None when it is told in no tense (:func:`_looks_ahead`)."""
    if kind in ("iso", "mdy", "dmy"):
        return _resolve_day(g, pub, ahead)
    if kind == "weekday":
        return _resolve_weekday(g, pub)
    if kind in ("reldays", "relperiod", "edge", "ago"):
        return _resolve_relative(kind, g, pub, ahead)
    return _resolve_month(kind, g, pub, ahead)


def sentence_of(text: str, sentences: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    """The span of the sentence around ``pos``: one of ``sentences``, else its line."""
    for s, e in sentences:
        if s <= pos < e:
            return s, e
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, end if end >= 0 else len(text)


def _looks_ahead(text: str, sentence: tuple[int, int], start: int, end: int) -> bool | None:
    """Whether the day or month ``text[start:end]``, named without its year, lies ahead. Read with its own clause
    (its sentence when the clause is the date alone: "By March, ..."): "by" it is a deadline ahead unless the
    clause tells of a past state ("prices had doubled by January"); a clause that looks ahead (:data:`_AHEAD`)
    does, and so does one whose verb nearest before it is reported speech's future ("said the bridge would reopen
    on April 4"); one with a verb in the past ("Pike, who pleaded guilty in October, is expected to testify") does
    not; else its sentence decides, and a sentence with no verb in the past nor any word of what is to come does
    not say (None: "the government, which faces elections in May", where a month is the nearest one)."""
    lo, hi = sentence
    breaks = list(_CLAUSE_BREAK.finditer(text, lo, hi))
    c0 = max((b.end() for b in breaks if b.end() <= start), default=lo)
    c1 = min((b.start() for b in breaks if b.start() >= end), default=hi)
    if len(re.findall(r"\w+", text[c0:c1])) <= len(re.findall(r"\w+", text[start:end])) + 1:
        c0, c1 = lo, hi
    if _BY.search(text, c0, start) or re.match(r"by\s", text[start:end], re.I):
        # the verb nearest before it decides, else the first after it: "fell by a tenth by March", "had risen ... by
        # February", "By February the line had cut" tell of the past; "agreed to add a crossing by February", "said
        # it would be ready by January" of a deadline
        rules = ((False, _PAST), (False, _PAST_STATE), (True, _TO_DO), (True, _WOULD))
        before = [(m.start(), ahead) for ahead, rule in rules for m in rule.finditer(text, c0, start)]
        after = [(m.start(), ahead) for ahead, rule in rules for m in rule.finditer(text, end, c1)]
        return max(before)[1] if before else min(after)[1] if after else True
    if _AHEAD.search(text, c0, c1):
        return True
    verbs = [(m.start(), ahead) for ahead, rule in ((False, _PAST), (True, _REPORTED_AHEAD)) for m in rule.finditer(text, c0, start)]
    if verbs and max(verbs)[1]:
        return True  # "said the bridge would reopen on April 4": the verb nearest before it looks ahead
    if _PAST.search(text, c0, c1):
        return False
    if _AHEAD.search(text, lo, hi):
        return True
    told = text[lo:hi].lower()  # a headline in title case ("Exports Fell In June") tells its tense too
    return None if not any(rule.search(told) for rule in (_PAST, _PAST_STATE, _MAYBE_PAST)) else False


def parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def find_times(text: str, published: str | date | None, sentences: list[tuple[int, int]] = ()) -> list[TimeMention]:
    """Every date or period the text names, resolved against ``published`` (left None without it); a day or
    month named without its year is read with its sentence (one of ``sentences``, else its line)."""
    pub = published if isinstance(published, date) else parse_date(published)
    taken: list[tuple[int, int]] = []
    out: list[TimeMention] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            if kind == "dmy" and int(m.group("day")) == 0:
                continue
            ahead = kind in _YEARLESS and not m.groupdict().get("year") and pub is not None and \
                _looks_ahead(text, sentence_of(text, sentences, s), s, e)
            start, end, gran = _resolve(kind, m.groupdict(), pub, ahead)
            taken.append((s, e))
            out.append(TimeMention(s, e, m.group(0), _iso(start), _iso(end), gran))
    out.sort(key=lambda t: t.start)
    return out


def _explicit_full_date(t: TimeMention) -> bool:
    return t.granularity == "day" and bool(re.search(r"(?:19|20)\d\d", t.text))


def _birth_date(text: str, t: TimeMention) -> bool:
    """Whether ``t`` is someone's date of birth ("born April 22, 1923", "(b. 1923)")."""
    return bool(_BORN.search(text[max(0, t.start - BORN_REACH) : t.start]))


def estimate_event_date(article: Article, lead_sentences: int = 3) -> tuple[str | None, str]:
    """The day the reported happening took place, and how it was found (dates of birth never count)."""
    times = article.times or find_times(article.text, article.published, article.sentences or ())
    times = [t for t in times if not _birth_date(article.text, t)]
    sentences = article.sentences or [(0, len(article.text))]
    for s, e in sentences[:lead_sentences]:
        in_sentence = [t for t in times if s <= t.start < e and t.granularity == "day" and t.date]
        if not in_sentence:
            continue
        weekday = [t for t in in_sentence if re.search(_WD, t.text, re.I)]
        if weekday:
            return weekday[0].date, "lead-weekday"
        if not _CAPTION.search(article.text[s:e]):
            return in_sentence[0].date, "lead-date"
    if article.published:
        return str(article.published)[:10], "published"
    for t in times:
        if _explicit_full_date(t) and t.date:
            sentence = next((article.text[s:e] for s, e in sentences if s <= t.start < e), "")
            return t.date, "caption-date" if _CAPTION.search(sentence) else "text-date"
    return None, "unknown"
