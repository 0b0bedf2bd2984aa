"""What sources report differently: the same figure placed at other times, other values of one measure, other days.

A difference is a disagreement between independent sources about one thing, stated as what differs: each
difference lists its ``versions`` (what each side says, with the sources saying it) and ``differs``, one line
naming them ("1,300 people / 1,200 people"). Sources that tell the same thing in other words (a cost "put at"
€450 million and one "expected" to be €450 million), or name a date of something else in the sentence (the day
a wall was finished, not the day of its cost), do not differ.

- **framing**: the same figure (value and unit) placed at other times: other periods, or a period within the
  other's given as achieved by one source and as expected by another ("lost $40 million last month" against
  "expects it to cost $40 million this year"). A figure is placed by a time of its own (:func:`time_of`); a source
  that names none places it nowhere, and sources naming the time in the same words ("by the end of the year")
  place it alike however their dates were resolved. Reported against expected alone is no difference: the cue
  words are read too loosely for that (:func:`framing` still gives them).
- **value**: the same measure at the same time given other values (:func:`value_differences`).
- **date**: one agreed claim dated to other days, each by a day that dates the claim, not a subordinate
  happening ("due to meet Zorin later in the day before flying home on Wednesday" dates no meeting).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from itertools import combinations

from .sources import WORD, Sources, clause_at, content_tokens, times_within
from .summary import befell, unit_key

EXPECT = re.compile(  # each word with its own endings: "plan" and "planned", never "plant" or "aimless"; "may" in
    # lower case and not before a number: the modal, not the month ("after May figure falls" was framed as expected)
    r"\b(expect(?:s|ed|ing|ations?)?|forecast(?:s|ed|ing)?|project(?:ed|ions?)|estimat(?:e|es|ed|ing)|will|would|"
    r"could|(?-i:may)(?!\s+\d)|might|likely|target(?:s|ed|ing)?|aim(?:s|ed|ing)?|plan(?:s|ned|ning)?|set to|on track|"
    r"hop(?:e|es|ed|ing|efully)|due to|predict(?:s|ed|ing|ions?)?|anticipat(?:e|es|ed|ing|ion)|"
    r"propos(?:e|es|ed|ing|al)|schedul(?:e|es|ed|ing)|intend(?:s|ed|ing)?)\b",
    re.IGNORECASE,
)
ACHIEVED = re.compile(  # a verb in the past: "raised", "lowered", "cut", "rose" (not an expectation's "expected")
    r"\b(?!(?:expect|forecast|project|estimat|target|aim|plann|hop|predict|anticipat|propos|schedul|intend)\w*\b)"
    r"([a-z]\w{2,}ed|hit|cut|rose|fell|grew|was|were|had|paid|held|kept|stood|set a|won|lost|left|sold|spent)\b",
    re.IGNORECASE,
)
CUE_WINDOW = 60  # characters before a figure searched for its framing cue
# words that open a clause of their own inside a clause: a time after one of them is that clause's, not the figure's
# ("built for 38 million euros after the Ilse flooded Holmvik in April"; "from companies that won contracts in 2019")
SUBORDINATE = frozenset("after before when whenever while since because once until unless although though whereas "
                        "where which who whom whose that if".split())  # fmt: skip
# of which only these date a claim ("who visited Holmvik on Sunday" dates the visit; "before flying home on Wednesday"
# does not date the meeting)
ADVERBIAL = frozenset("after before when whenever while since because once until unless although though".split())
LEAD_IN = frozenset("in on at by until till through since before after during from to between around about for of "
                    "as early late".split())  # fmt: skip
EVENT_DAYS = 2  # a figure no source places is of its article's event: a time this close to that day is the same time


def framing(sources: Sources, cite: dict) -> dict:
    """When a figure is placed (:func:`time_of`) and whether it is expected or reported."""
    return _framing(*_placed(sources, cite))


def _framing(placed, modality: str) -> dict:
    return {"when": [_when(placed)] if placed else [], "when_text": [placed.text] if placed else [], "modality": modality}


def _placed(sources: Sources, cite: dict) -> tuple:
    """(the time that places the cited figure or None, ``expected`` or ``reported``)."""
    article = sources.by_id[cite["article_id"]]
    start, end = cite.get("sentence_start", cite["start"]), cite.get("sentence_end", cite["end"])
    near = article.text[max(start, cite["start"] - CUE_WINDOW) : cite["start"]]
    before = article.text[start : cite["start"]]  # what follows the figure frames something else ("than expected")
    cues = [(m.end(), "expected") for m in EXPECT.finditer(near)] + [(m.end(), "reported") for m in ACHIEVED.finditer(near)]
    if cues:
        modality = max(cues)[1]  # the cue closest to the figure
    else:
        modality = "expected" if EXPECT.search(before) else "reported"
    return time_of(article, start, end, cite["start"], cite["end"]), modality


def time_of(article, start: int, end: int, at: int, until: int):
    """The resolved time of the figure ``at:until`` of the sentence ``start:end``, or None.

    In the figure's own clause, the first time after it that no other figure and no subordinate clause comes
    between ("raised its rate to 4.25% on Thursday"; "$40 million in lost fees last month"; not "built for 38
    million euros after the Ilse flooded Holmvik in April"), else a time opening the clause ("In 2022 the port
    handled 4 million containers", ", and in 2023 its profit rose 12 percent"), else a time just before the figure
    with nothing but small words between ("rose in 2023 by 12 percent") unless it follows another figure ("rose to
    $5.3 billion in 2022 from $4.1 billion": 2022 is the $5.3 billion's). Else a clause of the sentence that is
    a time and nothing more ("In 2022, the port handled …", "… (€5.6 billion) last year"). A time in a clause
    saying something else ("finished in November at a cost of €38 million") places another happening.
    """
    times = times_within(article, start, end)
    if not times:
        return None
    text = article.text
    figures = [(f.start, f.end) for f in article.figures if start <= f.start < end and f.start != at]
    lo, hi = clause_at(text, start, end, at)
    own = [t for t in times if lo <= t.start < hi]
    after = [t for t in own if t.start >= until and _reaches(text, until, t.start, figures)]
    if after:
        return min(after, key=lambda t: t.start)
    opening = [t for t in own if t.start < at and OPENS.fullmatch(text[lo : t.start])]
    if opening:
        return opening[0]
    close = [t for t in own if t.end <= at and not content_tokens(text[t.end : at]) and not _between(figures, t.end, at)
             and not any(f_end <= t.start and not content_tokens(text[f_end : t.start]) for _f, f_end in figures)]  # fmt: skip
    if close:
        return max(close, key=lambda t: t.start)
    alone = [t for t in times if _time_alone(text, start, end, t, figures + [(at, until)])]
    return _before(alone, at) or _after(alone, until)


def _between(figures: list[tuple[int, int]], lo: int, hi: int) -> bool:
    return any(lo <= f < hi for f, _e in figures)


def _reaches(text: str, until: int, to: int, figures: list[tuple[int, int]]) -> bool:
    """Whether a time at ``to`` is the figure's ending at ``until``: no other figure between them, and no word that
    opens a clause of its own (but for the time's own "until", "after" …)."""
    if _between(figures, until, to):
        return False
    words = [w.lower() for w in WORD.findall(text[until:to])]
    while words and words[-1] in LEAD_IN:
        words.pop()
    return not SUBORDINATE.intersection(words)


def _time_alone(text: str, start: int, end: int, t, figures: list[tuple[int, int]]) -> bool:
    """Whether the clause holding ``t`` holds no figure and says nothing but the time ("In 2022,"; ") last year.")."""
    lo, hi = clause_at(text, start, end, t.start)
    return not _between(figures, lo, hi) and not content_tokens(text[lo : t.start] + " " + text[t.end : hi])


def _before(times: list, at: int):
    return max((t for t in times if t.start < at), key=lambda t: t.start, default=None)


def _after(times: list, until: int):
    return min((t for t in times if t.start >= until), key=lambda t: t.start, default=None)


# what may come before a time that opens a clause: "In 2022 …", ", and in 2023 its profit …", "; by March …"
OPENS = re.compile(r"[\W\d_]*(?:(?:and|but|while|whereas|yet|so|then|in|on|at|by|since|during|from|until|through)\s+){0,2}",
                   re.IGNORECASE)


def _when(t) -> str:
    return t.date[:4] if t.granularity == "year" else t.date[:7] if t.granularity == "month" else t.date


# --- comparing times ---------------------------------------------------------------------
def _words_of(t) -> str:
    """A time's words without the words leading into it: "on Thursday" and "Thursday" name one time."""
    words = [w.lower() for w in WORD.findall(t.text)]
    while len(words) > 1 and words[0] in LEAD_IN:
        words.pop(0)
    return " ".join(words)


def _day(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso[:10]) if iso and len(iso) >= 10 else date(int(iso[:4]), 1, 1) if iso else None
    except ValueError:
        return None


def _period(t) -> tuple[date, date] | None:
    """The first and last day a resolved time covers."""
    first = _day(t.date)
    if first is None:
        return None
    last = _day(t.end_date)
    if last is None:
        if t.granularity == "year":
            last = date(first.year, 12, 31)
        elif t.granularity == "month":
            last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        else:
            last = first + timedelta(days=6 if t.granularity == "week" else 0)
    return first, max(first, last)


def _told_alike(a: tuple, b: tuple) -> bool:
    """Whether two (time, modality) place a figure alike: the same words, the same period, or one period within
    the other (a day of the month named) both reported or both expected."""
    (ta, ma), (tb, mb) = a, b
    pa, pb = _period(ta), _period(tb)
    if _words_of(ta) == _words_of(tb) or pa == pb or pa is None or pb is None:
        return True
    if pa[1] < pb[0] or pb[1] < pa[0]:
        return False
    return ma == mb


def _same_period(sources: Sources, ca: dict, ta, cb: dict, tb) -> bool:
    """Whether two figures are of one time: their times overlap (or are named in the same words); a figure its
    sentence places nowhere is of its article's event, the same time as a time within :data:`EVENT_DAYS` of it."""
    if ta is not None and tb is not None:
        pa, pb = _period(ta), _period(tb)
        return _words_of(ta) == _words_of(tb) or pa is None or pb is None or not (pa[1] < pb[0] or pb[1] < pa[0])
    if ta is None and tb is None:
        return True
    t, c = (ta, cb) if ta is not None else (tb, ca)
    article = sources.by_id[c["article_id"]]
    day, period = _day(article.event_date or article.published), _period(t)
    if day is None or period is None:
        return True
    return period[0] - timedelta(days=EVENT_DAYS) <= day <= period[1] + timedelta(days=EVENT_DAYS)


def _across_sources(sources: Sources, framings: list[tuple[str, object]], same=lambda a, b: a == b) -> bool:
    """Whether independent sources tell a thing differently: two sources (an article and its wire copies) of which
    no telling (article, framing) of one is ``same`` as one of the other, and no third source tells it like both.
    One article that uses a figure twice (the decision, then the forecast), or a copy of it, is no difference
    between sources, nor between two sources that each give one of its two."""
    given: dict[str, list] = {}
    for article_id, frame in framings:
        given.setdefault(sources.group.get(article_id, article_id), []).append(frame)
    told = list(given.values())

    def meets(x: list, y: list) -> bool:
        return any(same(a, b) for a in x for b in y)

    return any(not meets(told[i], told[j]) and not any(meets(told[k], told[i]) and meets(told[k], told[j])
                                                       for k in range(len(told)) if k not in (i, j))
               for i, j in combinations(range(len(told)), 2))  # fmt: skip


def _versions(items: list[tuple[dict, object]], same) -> list[tuple[object, list[dict]]]:
    """(telling, the citations telling it alike) for each way a thing is told, in the order first told."""
    out: list[tuple[object, list[dict]]] = []
    for cite, told in items:
        for version in out:
            if same(version[0], told):
                version[1].append(cite)
                break
        else:
            out.append((told, [cite]))
    return out


# --- the three kinds ---------------------------------------------------------------------
def framing_differences(sources: Sources, figures: list[dict]) -> list[dict]:
    """The same figure placed at other times by independent sources (see the module docstring)."""
    out = []
    for g in figures:
        if g["independent"] < 2:
            continue
        placed = [(c, _placed(sources, c)) for c in g["sources"]]
        timed = [(c, told) for c, told in placed if told[0] is not None]  # "4%" on Monday and undated agree
        if not _across_sources(sources, [(c["article_id"], told) for c, told in timed], _told_alike):
            continue
        versions = _versions(timed, _told_alike)
        show_modality = len({told[1] for told, _c in versions}) > 1
        out.append({"kind": "framing", "text": g["text"], "value": g["value"], "unit": g["unit"], "measures": g["measures"],
                    "differs": " / ".join(told[0].text + (f" ({told[1]})" if show_modality else "") for told, _c in versions),
                    "versions": [{"when": [_when(told[0])], "when_text": [told[0].text],
                                  **({"modality": told[1]} if show_modality else {}),
                                  "sources": [{**c, "when": [_when(told[0])]} for c in cites]} for told, cites in versions],
                    "sources": [{**c, **_framing(*told)} for c, told in placed]})  # fmt: skip
    return out


def value_differences(sources: Sources, figures: list[dict]) -> list[dict]:
    """The same measure at the same time given other values by independent sources: a source of each value that
    does not print the other (a sentence giving both, "2,000 of the town's 18,000 inhabitants", disagrees with
    neither), the two said of one thing (:func:`_same_measure`) and of one time (:func:`_same_period`)."""
    read: dict[tuple[str, int], _Cited] = {}  # citation -> what is read of it, once
    for c in (c for g in figures for c in g["sources"]):
        if (c["article_id"], c["start"]) not in read:
            read[(c["article_id"], c["start"])] = _Cited(sources, c)
    given = [_Given([read[(c["article_id"], c["start"])] for c in g["sources"]], g) for g in figures]
    out = []
    for i, j in _comparable(figures):
        a, b, ga, gb, count = figures[i], figures[j], given[i], given[j], figures[i]["kind"] == "count"
        pairs = [(x, y) for x in ga.cites for y in gb.cites if x.group != y.group
                 and not gb.printed_by(x) and not ga.printed_by(y)
                 and (_same_measure(x, y) or (count and x.befallen & y.befallen) or _same_sentence(x, y))
                 and _same_period(sources, x.cite, x.time(sources), y.cite, y.time(sources))]  # fmt: skip
        if not pairs:
            continue
        sides = [(g, _unique([p[n].cite for p in pairs])) for n, g in enumerate((a, b))]
        befallen = sorted(pairs[0][0].befallen & pairs[0][1].befallen) if count else []
        what = _measure_named(a["measures"] or b["measures"], befallen)
        out.append({"kind": "value", "text": what, "measures": a["measures"] or b["measures"],
                    "differs": " / ".join(g["text"] for g, _c in sides),
                    "versions": [{"text": g["text"], "value": g["value"], "sources": [{**c, "value": g["value"]} for c in cites]}
                                 for g, cites in sides],
                    "sources": [{**c, "value": g["value"]} for g, cites in sides for c in cites]})  # fmt: skip
    return out


def _comparable(figures: list[dict]) -> list[tuple[int, int]]:
    """The pairs ``(i, j)``, ``i < j``, in order, of figure groups of one unit (:func:`unit_key`) and kind and other
    values: one value of two things is no other value of one (see summary.figure_groups)."""
    alike: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for i, g in enumerate(figures):
        alike.setdefault((unit_key(g["unit"]), g["kind"]), []).append((i, f"{g['value']:.3g}"))
    return sorted((i, j) for groups in alike.values() for (i, vi), (j, vj) in combinations(groups, 2) if vi != vj)


def _unique(cites: list[dict]) -> list[dict]:
    seen: set[tuple[str, int]] = set()
    return [c for c in cites if not ((c["article_id"], c["start"]) in seen or seen.add((c["article_id"], c["start"])))]


NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def _numbers(text: str) -> set[float]:
    return {float(n.replace(",", "")) for n in NUMBER.findall(text or "")}


class _Cited:
    """What :func:`value_differences` compares of one citation of a figure, read once: its source (wire-copy
    group), the words of its measure and of its sentence, the numbers its sentence prints, what its clause says
    befell people (:func:`~.summary.befell`) and, when asked, its time (:func:`time_of`)."""

    __slots__ = ("cite", "group", "measures", "measure_words", "sentence", "sentence_words", "numbers", "befallen", "_time")
    UNREAD = object()

    def __init__(self, sources: Sources, cite: dict):
        self.cite, self.group = cite, sources.group.get(cite["article_id"], cite["article_id"])
        measures, sentence = content_tokens(cite.get("measures") or ""), content_tokens(cite.get("sentence") or "")
        self.measures, self.measure_words = frozenset(measures), len(measures)
        self.sentence, self.sentence_words = frozenset(sentence), len(sentence)
        self.numbers = _numbers(cite.get("sentence"))
        self.befallen = befell(_clause(sources, cite))
        self._time = _Cited.UNREAD

    def time(self, sources: Sources):
        if self._time is _Cited.UNREAD:
            self._time = _placed(sources, self.cite)[0]
        return self._time


class _Given:
    """A figure group as :func:`value_differences` asks whether a source prints it: its citations, their sources and
    its numbers."""

    __slots__ = ("cites", "groups", "numbers")

    def __init__(self, cites: list[_Cited], figure: dict):
        self.cites, self.groups = cites, {c.group for c in cites}
        self.numbers = {n for c in figure["sources"] for n in _numbers(c.get("text"))}

    def printed_by(self, cite: _Cited) -> bool:
        """Whether the source of ``cite`` gives this group's value too: a citation of it from the same source, or
        its number printed in the sentence of ``cite``."""
        return cite.group in self.groups or bool(cite.numbers & self.numbers)


def _clause(sources: Sources, c: dict) -> str:
    text = sources.by_id[c["article_id"]].text
    lo, hi = clause_at(text, c.get("sentence_start", c["start"]), c.get("sentence_end", c["end"]), c["start"])
    return text[lo:hi]


def _same_measure(ca: _Cited, cb: _Cited) -> bool:
    """Whether two citations of figures are of alike descriptions. Two figures measure the same thing when so, when
    they count people to whom the same befell ("1,300 people were evacuated" / "1,200 residents had to be brought to
    safety"), or when their sentences are alike (:func:`_same_sentence`)."""
    return ca.measure_words >= 2 and cb.measure_words >= 2 and _share(ca.measures, cb.measures) >= 0.75


def _same_sentence(ca: _Cited, cb: _Cited) -> bool:
    return ca.sentence_words >= 4 and cb.sentence_words >= 4 and _share(ca.sentence, cb.sentence) >= 0.6


def _share(a: frozenset[str], b: frozenset[str]) -> float:
    """:func:`~.sources.overlap` of two sets of words."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _measure_named(measures: str | None, befallen: list[str]) -> str:
    """What the differing values measure, as the sources name it: the figure's measure, with what befell the people
    counted ("people evacuated")."""
    what = measures or ""
    if befallen and not set(befallen) & set(what.lower().split()):
        what = f"{what} {', '.join(befallen)}".strip()
    return what


def date_differences(sources: Sources, clusters: list[dict]) -> list[dict]:
    """One agreed claim dated to other days by independent sources. A sentence dates its claim by the one day it
    names outside a subordinate clause (:func:`_dates_claim`); a sentence naming two days (an arrest, and the fire it
    follows) dates neither. Articles of one event dated to other days report other happenings (a flood on Sunday, a
    body found on Monday), which is no difference."""
    out = []
    for c in clusters:
        days = []
        for s in c["sources"]:
            article = sources.by_id[s["article_id"]]
            named = [t for t in times_within(article, s["start"], s["end"])
                     if t.granularity == "day" and _dates_claim(article.text, s["start"], s["end"], t)]  # fmt: skip
            if len({t.date for t in named}) == 1:
                days.append({**s, "date": named[0].date, "when_text": named[0].text})
        if _across_sources(sources, [(d["article_id"], d["date"]) for d in days]):
            versions = _versions([(d, d["date"]) for d in days], lambda x, y: x == y)
            out.append({"kind": "date", "text": c["text"], "differs": " / ".join(cites[0]["when_text"] for _d, cites in versions),
                        "versions": [{"date": day, "when_text": cites[0]["when_text"], "sources": cites} for day, cites in versions],
                        "sources": days})  # fmt: skip
    return out


def _dates_claim(text: str, start: int, end: int, t) -> bool:
    """Whether the time ``t`` of the sentence ``start:end`` dates what the sentence says: no word opening an
    adverbial clause before it in its own clause ("… later in the day before flying home on Wednesday" dates the
    flight home; "After a two-day search, police found the body on Monday" dates the finding)."""
    lo, _hi = clause_at(text, start, end, t.start)
    words = [w.lower() for w in WORD.findall(text[lo : t.start])]
    while words and words[-1] in LEAD_IN:
        words.pop()
    return not ADVERBIAL.intersection(words)
