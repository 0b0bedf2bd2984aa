"""What sources report differently: framing of the same figure, values of the same measure, dates.

- **framing**: the same figure (value and unit) placed at another time, or given
  as an expectation by one source and as an achievement by another ("crossed
  $50 billion last year" against "expected to top $50 billion this year"). Each
  figure is framed by the time of its own clause, or of a clause of its sentence
  that holds no other figure (:func:`time_of`), and the cue words just before it.
  A source that names no time places the figure nowhere, so it differs from none
  on when.
- **value**: the same measure (similar description or sentence, same unit and
  kind) with different values.
- **date**: sources dating the event, or one agreed claim, to different days.
"""

from __future__ import annotations

import re

from .sources import Sources, clause_at, clauses, content_tokens, overlap, times_within

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


def framing(sources: Sources, cite: dict) -> dict:
    """When a figure is placed (:func:`time_of`) and whether it is expected or reported."""
    article = sources.by_id[cite["article_id"]]
    start, end = cite.get("sentence_start", cite["start"]), cite.get("sentence_end", cite["end"])
    nearest = time_of(article, start, end, cite["start"], cite["end"])
    near = article.text[max(start, cite["start"] - CUE_WINDOW) : cite["start"]]
    before = article.text[start : cite["start"]]  # what follows the figure frames something else ("than expected")
    cues = [(m.end(), "expected") for m in EXPECT.finditer(near)] + [(m.end(), "reported") for m in ACHIEVED.finditer(near)]
    if cues:
        modality = max(cues)[1]  # the cue closest to the figure
    else:
        modality = "expected" if EXPECT.search(before) else "reported"
    return {
        "when": [_when(nearest)] if nearest else [],
        "when_text": [nearest.text] if nearest else [],
        "modality": modality,
    }


def time_of(article, start: int, end: int, at: int, until: int):
    """The resolved time that places the figure ``at:until`` of the sentence ``start:end``, or None.

    A time of the figure's own clause places it: when the clause opens with a time ("In 2022 the port handled 4
    million containers", "and in 2023 its profit rose 12 percent to 80 million euros") the nearest before the
    figure, else the nearest after it ("raised its rate to 4.25% on Thursday"; "from next month after the bank
    raised its rate to 4.25% on Thursday"). A clause without one takes a time from a clause of the sentence that
    holds no figure, the nearest before it ("In 2022, the port handled …"), else after it ("…, in 2023."). A time
    in another figure's clause is that figure's, never this one's, however near it is.
    """
    times = times_within(article, start, end)
    if not times:
        return None
    text = article.text
    figures = [f.start for f in article.figures if start <= f.start < end] + [at]
    lo, hi = clause_at(text, start, end, at)
    own = [t for t in times if lo <= t.start < hi]
    free = [t for t in times if not any(c[0] <= t.start < c[1] and any(c[0] <= f < c[1] for f in figures)
                                        for c in clauses(text, start, end))]  # fmt: skip
    if own and not OPENS.fullmatch(text[lo : min(t.start for t in own)]):
        return _after(own, until) or _before(own, at)
    return _before(own or free, at) or _after(own or free, until)


def _before(times: list, at: int):
    return max((t for t in times if t.start < at), key=lambda t: t.start, default=None)


def _after(times: list, until: int):
    return min((t for t in times if t.start >= until), key=lambda t: t.start, default=None)


# what may come before a time that opens a clause: "In 2022 …", ", and in 2023 its profit …", "; by March …"
OPENS = re.compile(r"[\W\d_]*(?:(?:and|but|while|whereas|yet|so|then|in|on|at|by|since|during|from|until|through)\s+){0,2}",
                   re.IGNORECASE)


def _when(t) -> str:
    return t.date[:4] if t.granularity == "year" else t.date[:7] if t.granularity == "month" else t.date


def framing_differences(sources: Sources, figures: list[dict]) -> list[dict]:
    """The same figure placed at other times, or expected by one source and reported by another."""
    out = []
    for g in figures:
        if g["independent"] < 2:
            continue
        framed = [{**c, **framing(sources, c)} for c in g["sources"]]
        whens = [(f["article_id"], tuple(f["when"])) for f in framed if f["when"]]  # "4%" on Monday and undated agree
        if _across_sources(sources, whens) or _across_sources(sources, [(f["article_id"], f["modality"]) for f in framed]):
            out.append({"kind": "framing", "text": g["text"], "value": g["value"], "unit": g["unit"],
                        "measures": g["measures"], "sources": framed})  # fmt: skip
    return out


def _across_sources(sources: Sources, framings: list[tuple[str, object]]) -> bool:
    """Whether independent sources frame a figure differently: the framings (article, framing) take more than one
    value, and no source (an article and its wire copies) gives them all. One article that uses a figure twice
    (the decision, then the forecast) or a copy of it is no difference between sources."""
    given: dict[str, set] = {}
    for article_id, frame in framings:
        given.setdefault(sources.group.get(article_id, article_id), set()).add(frame)
    every = set().union(*given.values()) if given else set()
    return len(every) > 1 and not any(frames == every for frames in given.values())


def value_differences(sources: Sources, figures: list[dict]) -> list[dict]:
    """The same measure (similar description or sentence, same unit) given different values."""
    out = []
    for i, a in enumerate(figures):
        for b in figures[i + 1 :]:
            if (a["unit"] or "") != (b["unit"] or "") or a["kind"] != b["kind"] or f"{a['value']:.3g}" == f"{b['value']:.3g}":
                continue  # one value of two things is no other value of one (see summary.figure_groups)
            if sources.independent([c["article_id"] for c in a["sources"] + b["sources"]]) < 2:
                continue
            if _same_measure(a, b):
                out.append({"kind": "value", "measures": a["measures"] or b["measures"],
                            "sources": [{**c, "value": g["value"]} for g in (a, b) for c in g["sources"]]})  # fmt: skip
    return out


def _same_measure(a: dict, b: dict) -> bool:
    """Whether two figures measure the same thing: alike descriptions, or alike sentences. Two figures of one
    sentence of one article measure two things ("inflation of 6.1 percent against a 2 percent target")."""
    spans = {(c["article_id"], c["sentence_start"]) for c in a["sources"] if c.get("sentence_start") is not None}
    if any((c["article_id"], c.get("sentence_start")) in spans for c in b["sources"]):
        return False
    ma, mb = content_tokens(a["measures"] or ""), content_tokens(b["measures"] or "")
    if len(ma) >= 2 and len(mb) >= 2 and overlap(ma, mb) >= 0.75:
        return True
    sa = content_tokens(a["sources"][0].get("sentence") or "")
    sb = content_tokens(b["sources"][0].get("sentence") or "")
    return len(sa) >= 4 and len(sb) >= 4 and overlap(sa, sb) >= 0.6


def date_differences(sources: Sources, clusters: list[dict]) -> list[dict]:
    """Sources dating the event, or one agreed claim, to different days."""
    out = []
    dated = [a for a in sources.articles if a.event_date]
    if len({a.event_date for a in dated}) > 1 and sources.independent([a.id for a in dated]) >= 2:
        out.append({"kind": "date", "text": "event date",
                    "sources": [{**sources.cite(a.id), "date": a.event_date, "how": a.event_date_how} for a in dated]})
    for c in clusters:
        days = []
        for s in c["sources"]:
            named = [t for t in times_within(sources.by_id[s["article_id"]], s["start"], s["end"]) if t.granularity == "day"]
            if len({t.date for t in named}) == 1:  # a sentence naming two days (an arrest, and the fire it follows) dates neither
                days.append({**s, "date": named[0].date, "when_text": named[0].text})
        if len({d["date"] for d in days}) > 1 and sources.independent([d["article_id"] for d in days]) >= 2:
            out.append({"kind": "date", "text": c["text"], "sources": days})
    return out
