"""Event summaries: sentences taken verbatim from the sources, key quotes and key figures.

Nothing is written, only chosen. The summary picks 3–6 sentences by maximal
marginal relevance over TF-IDF vectors: central to the event (close to the
centroid of its independent sources), early in their article, and unlike what
is already chosen; a source not yet cited gets a bonus, so the summary covers
several outlets. A chosen sentence that other articles carry almost word for
word (the same numbers, nine words in ten the same and in order) is shown once,
with all of them as sources; a paraphrase is not cited as carrying it.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

import numpy as np

from .sources import (
    WHO,
    WORD,
    Sentence,
    Sources,
    clause_at,
    containing,
    content_tokens,
    direction,
    opposed,
    overlap,
    tfidf,
    tokens,
)

MMR_LAMBDA = 0.7  # weight of relevance against novelty
REPEAT = 0.5  # a sentence this similar to a chosen one is a repetition
ALSO = 0.6  # a sentence this similar to a chosen one may be the same sentence from another source ...
SAME_WORDS = 0.9  # ... when this share of their words match in order (difflib ratio over their tokens)
NEW_SOURCE_BONUS = 0.15
QUOTE_OVERLAP = 0.8  # share of a rendering's word pairs (quote_words) another must print: the same quote, cut shorter
MIN_QUOTE_WORDS = 4  # words: "We are not done yet" is a quote, a scare-quoted "terrorists" is not
MAX_QUOTES, MAX_FIGURES = 6, 6
FIGURE_KIND_RANK = {"money": 0, "percent": 1, "count": 2, "quantity": 3, "duration": 4}


def summary_length(sources: Sources) -> int:
    """3 sentences for one source, one more per further independent source, at most 6."""
    return min(6, 2 + max(1, sources.independent([a.id for a in sources.articles])))


def relevance(sources: Sources, sentences: list[Sentence], vectors) -> np.ndarray:
    """Centrality (cosine to the centroid of independent sources) blended with position in the article."""
    groups = np.array([sources.group.get(s.article_id, s.article_id) for s in sentences])
    centroid = np.zeros(vectors.shape[1])
    for g in set(groups):  # each independent source weighs the same, however many copies it has
        rows = np.flatnonzero(groups == g)
        centroid += np.asarray(vectors[rows].mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    central = vectors @ (centroid / norm) if norm else np.zeros(len(sentences))
    central = np.asarray(central).ravel()
    if central.max() > 0:
        central = central / central.max()
    position = np.array([1.0 / (1.0 + 0.25 * s.index) for s in sentences])
    return 0.7 * central + 0.3 * position


def choose(sources: Sources, n: int | None = None) -> list[tuple[Sentence, list[Sentence]]]:
    """The summary sentences (earliest in their article first), each with the near-identical sentences of other articles."""
    sentences = sources.all_sentences(prose_only=True)
    vectors = tfidf([s.text for s in sentences])
    if vectors is None:
        return []
    n = n or summary_length(sources)
    score = relevance(sources, sentences, vectors)
    sim = (vectors @ vectors.T).toarray()
    chosen: list[int] = []
    cited: set[str] = set()
    candidates = set(range(len(sentences)))
    while candidates and len(chosen) < n:
        best, best_value = None, -1e9
        for i in candidates:
            redundancy = max((sim[i, j] for j in chosen), default=0.0)
            if redundancy >= REPEAT:
                continue
            group = sources.group.get(sentences[i].article_id, sentences[i].article_id)
            value = MMR_LAMBDA * score[i] - (1 - MMR_LAMBDA) * redundancy
            value += NEW_SOURCE_BONUS if group not in cited else 0.0
            if value > best_value:
                best, best_value = i, value
        if best is None:
            break
        chosen.append(best)
        candidates.discard(best)
        cited.add(sources.group.get(sentences[best].article_id, sentences[best].article_id))
    if len(chosen) > 1:  # read in story order: earlier in its article first
        sizes = {a.id: len(sources.sentences(a.id)) for a in sources.articles}
        chosen.sort(key=lambda i: sentences[i].index / max(1, sizes[sentences[i].article_id]))
    out = []
    for i in chosen:
        also = [sentences[j] for j in range(len(sentences)) if j != i and sim[i, j] >= ALSO
                and sentences[j].article_id != sentences[i].article_id
                and word_for_word(sentences[i].text, sentences[j].text)]  # fmt: skip
        out.append((sentences[i], also))
    return out


def word_for_word(a: str, b: str) -> bool:
    """Whether two sentences are one sentence as printed by two outlets: the same numbers, and the same words in
    the same order but for a few (:data:`SAME_WORDS`). A paraphrase ("discussed plans and made progress toward
    jointly producing") or another figure ("by 25 basis points" against "by a quarter of a percentage point") is
    another outlet's sentence, which the summary does not put in its words."""
    ta, tb = tokens(a), tokens(b)
    if {t for t in ta if any(c.isdigit() for c in t)} != {t for t in tb if any(c.isdigit() for c in t)}:
        return False
    return SequenceMatcher(None, ta, tb, autojunk=False).ratio() >= SAME_WORDS


def summarise(sources: Sources, n: int | None = None) -> list[dict]:
    """``[{text, article_id, outlet, start, end, also: [citations]}]``, verbatim from the sources."""
    out = []
    for s, also in choose(sources, n):
        item = {"text": s.text, **sources.cite(s.article_id, s.start, s.end)}
        item["also"] = [sources.cite(o.article_id, o.start, o.end) for o in _one_per_article(also)]
        out.append(item)
    return out


def _one_per_article(sentences: list[Sentence]) -> list[Sentence]:
    seen: set[str] = set()
    return [s for s in sentences if not (s.article_id in seen or seen.add(s.article_id))]


# --- quotes --------------------------------------------------------------------------------
def quote_groups(sources: Sources) -> list[dict]:
    """Every quote of the sources, renderings of the same words merged, with all their sources: the fullest
    rendering is shown, and a source is listed under it only when it printed it, or it cut shorter."""
    groups: list[dict] = []
    for a in sources.articles:
        for q in a.quotes:
            words = quote_words(q.text)
            if len(words) < MIN_QUOTE_WORDS - 1:  # word pairs: one fewer than the words
                continue
            speaker = sources.speaker(q)
            cite = {**sources.cite(a.id, q.start, q.end), "speaker": speaker, "kind": q.kind}
            for g in groups:
                if overlap(words, g["_words"]) >= QUOTE_OVERLAP:
                    if len(q.text) > len(g["text"]):  # show the fullest rendering, cited first: the text shown is
                        g["sources"].insert(0, cite)  # the words at its first source's span
                        g.update(text=q.text, _words=words)
                    else:
                        g["sources"].append(cite)
                    g["speaker"] = g["speaker"] or speaker
                    break
            else:
                groups.append({"text": q.text, "speaker": speaker, "kind": q.kind, "_words": words,
                               "sources": [cite]})  # fmt: skip
    for g in groups:
        del g["_words"]
        g["independent"] = sources.independent([c["article_id"] for c in g["sources"]])
    return groups


def quote_words(text: str) -> list[str]:
    """A quote's pairs of adjacent words, lower case: quotes are compared by their very words, short ones included
    ("We are not done yet" has no content word but is a quote two outlets carry), and in order, so that "We are
    not done yet" and "We are not going anywhere" are two quotes and a quote cut shorter is the same one."""
    words = WORD.findall(text.lower())
    return [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def key_quotes(sources: Sources, limit: int = MAX_QUOTES) -> list[dict]:
    """The most widely carried quotes first, then those with a known speaker, direct before reported."""
    groups = quote_groups(sources)
    groups.sort(key=lambda g: (-g["independent"], g["speaker"] is None, g["kind"] != "direct", -len(g["text"])))
    return groups[:limit]


# --- figures -------------------------------------------------------------------------------
def figure_key(value: float | None, unit: str | None) -> tuple | None:
    """Figures with the same unit (:func:`unit_key`) and value (to three significant digits) are the same figure."""
    if value is None:
        return None
    rounded = float(f"{value:.3g}")
    return (unit_key(unit), rounded)


# words for the people of a place, all counted as "people": "1,200 residents" and "1,200 people" count the same
POPULATION = frozenset({"people", "persons", "residents", "inhabitants", "villagers", "citizens", "locals"})
PERCENT = frozenset({"%", "percent", "per cent", "pct"})


def unit_key(unit: str | None) -> str:
    """A unit as compared: lower case, one spelling ("meters" and "metres"), and one word for a place's people."""
    u = (unit or "").strip().lower().replace("meter", "metre").replace("liter", "litre")
    return "people" if u in POPULATION else "%" if u in PERCENT else u


_HARM = r"dead|killed|died|deaths?|injured|wounded|missing"  # words of both lists below
PEOPLE = re.compile(rf"\b(people|persons?|{_HARM}|victims?|casualties|soldiers|civilians|children|hostages|arrest\w*|"
                    r"evacuat\w*|displaced|refugees|migrants)\b", re.I)
# what befell the people a small count counts ("Three workers were killed"), read in the figure's sentence
HARMED = re.compile(rf"\b({_HARM}|hurt|hospitali[sz]ed|arrested|rescued|evacuated|trapped|kidnapped|abducted|shot|"
                    r"stabbed)\b", re.I)
# what befell the people a count counts, one name for the words of each ("evacuated", "brought to safety" and "forced
# from their homes" are one): two counts of people to whom the same befell count the same thing
BEFELL = {
    "killed": re.compile(r"\b(?:killed|dead|died|deaths?|death toll|lost their lives)\b", re.I),
    "injured": re.compile(r"\b(?:injured|wounded|hurt|hospitali[sz]ed)\b", re.I),
    "missing": re.compile(r"\bmissing\b", re.I),
    "trapped": re.compile(r"\btrapped\b", re.I),
    "evacuated": re.compile(r"\b(?:evacuat\w*|brought to safety|displaced|(?:forc|driv)\w*\b.{0,40}?\b(?:from|out "
                            r"of) (?:their|his|her) homes)\b", re.I),
    "arrested": re.compile(r"\b(?:arrested|detained)\b", re.I),
}


def befell(clause: str) -> frozenset[str]:
    """What the clause says befell people (:data:`BEFELL`): ``{"evacuated"}`` for "1,200 residents had to be
    brought to safety"."""
    return frozenset(name for name, words in BEFELL.items() if words.search(clause))


def is_trivial(fig) -> bool:
    """Years read as counts, and small counts or durations ("two countries", "five-day") unless they count people:
    named as people ("three victims"), or in a sentence saying what befell them ("Three workers were killed")."""
    if fig.value is None:
        return True
    if fig.kind == "count" and not fig.unit and 1900 <= fig.value <= 2100:
        return True
    if fig.kind in ("count", "duration") and fig.value < 10:
        return not (PEOPLE.search(f"{fig.unit or ''} {fig.measures or ''} {fig.text}")
                    or (fig.kind == "count" and HARMED.search(fig.sentence or "")))
    return False


def figure_groups(sources: Sources) -> list[dict]:
    """Every figure, one fact merged across articles: the same value and unit said of the same thing
    (:func:`_same_fact`), with all its sources and sentences. "5 percent" of unemployment and "5 percent" of
    inflation are two facts, and neither source is listed for the other's."""
    by_value: dict[tuple, list[tuple]] = {}
    for a in sources.articles:
        sentences = sources.sentences(a.id)
        for f in a.figures:
            key = figure_key(f.value, f.unit)
            if key is None or is_trivial(f):
                continue
            s = containing(sentences, f.start)
            cite = {**sources.cite(a.id, f.start, f.end), "text": f.text,
                    "sentence": s.text if s else f.sentence, "measures": f.measures}  # fmt: skip
            by_value.setdefault(key, []).append((f, cite))
    groups = []
    names: dict[str, set[str]] = {}  # an article's names' words, read once
    for found in by_value.values():
        read = [_Told(sources, cite, names) for _f, cite in found] if len(found) > 1 else []
        particular = _particular(found[0][0])
        facts: list[list[int]] = []  # citations joined by one saying it of the same thing as another
        for i in range(len(found)):
            same = [x for x in facts if any(_same_fact(read[j], read[i], particular) for j in x)]
            facts = [x for x in facts if not any(x is y for y in same)] + [[j for x in same for j in x] + [i]]
        for fact in facts:
            f = found[fact[0]][0]
            groups.append({"text": f.text, "value": f.value, "unit": f.unit, "kind": f.kind, "measures": f.measures,
                           "sources": [found[i][1] for i in fact]})  # fmt: skip
    for g in groups:
        g["independent"] = sources.independent([c["article_id"] for c in g["sources"]])
    return groups


class _Told:
    """What :func:`_same_fact` reads of one citation of a figure: its wire-copy group, which way its clause moves,
    and the words it is said with (:func:`_figure_context`), with what its clause says befell people (:func:`befell`:
    "1,200 people were evacuated" and "1,200 residents had to be brought to safety" say one thing)."""

    def __init__(self, sources: Sources, cite: dict, names: dict[str, set[str]]):
        self.group = sources.group.get(cite["article_id"], cite["article_id"])
        clause = _figure_clause(sources, cite)
        self.direction = direction(clause)
        self.context = _figure_context(sources, cite, clause, names) | befell(clause)


def _same_fact(a: _Told, b: _Told, particular: bool) -> bool:
    """Whether two citations of one value and unit say it of the same thing. Never when their clauses move
    opposite ways ("retail sales fell by 2 percent" / "wages rose by 2 percent"); else when the words it is said
    with share one ("the river rose to 4.8 metres" / "the river peaked at 4.8 metres"; "a target of $9 billion by
    2027" / "raise it to $9 billion by 2027"), or when the value is ``particular``, too particular to recur by
    chance (:func:`_particular`: "€2.4 million in bribes" / "suspected of receiving €2.4 million").
    "Unemployment rose to 5 percent" and "inflation eased to 5 percent" are two facts."""
    if a.group == b.group:
        return True  # a wire copy says what its original says
    if opposed(a.direction, b.direction):
        return False
    return particular or bool(a.context & b.context)


def _particular(figure) -> bool:
    """A value unlikely to recur by chance in one event: an amount of money or a quantity with two significant
    digits or more (€38 million, 4.8 metres), anything with three (4.25%); not "5 percent" nor "$6 billion"."""
    digits = len(re.sub(r"\D", "", f"{abs(figure.value or 0):.2e}".split("e")[0]).rstrip("0"))
    return digits >= 3 or (digits >= 2 and figure.kind in ("money", "quantity"))


WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}  # the day of the telling


def _figure_clause(sources: Sources, cite: dict) -> str:
    text = sources.by_id[cite["article_id"]].text
    lo, hi = clause_at(text, cite.get("sentence_start", cite["start"]), cite.get("sentence_end", cite["end"]), cite["start"])
    return text[lo:hi]


def _figure_context(sources: Sources, cite: dict, clause: str, names: dict[str, set[str]]) -> set[str]:
    """The words a figure is said with: those of its ``clause`` (of its sentence when the clause has none) and of
    its measure, but for names, offices, words of attribution, weekdays and the figure's own words. ``names``
    keeps each article's names' words as they are first read."""
    article = cite["article_id"]
    if article not in names:
        names[article] = {t for m in sources.by_id[article].mentions for t in content_tokens(m.text)}
    aside = set(content_tokens(cite["text"])) | names[article] | WEEKDAYS | WHO
    words = set(content_tokens(clause)) - aside
    if not words:
        words = set(content_tokens(cite.get("sentence") or "")) - aside
    return words | (set(content_tokens(cite.get("measures") or "")) - aside)


def key_figures(sources: Sources, limit: int = MAX_FIGURES) -> list[dict]:
    groups = figure_groups(sources)
    groups.sort(key=lambda g: (-g["independent"], FIGURE_KIND_RANK.get(g["kind"], 9), g["sources"][0]["start"]))
    return groups[:limit]
