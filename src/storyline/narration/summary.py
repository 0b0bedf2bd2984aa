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

from .sources import WORD, Sentence, Sources, containing, overlap, tfidf, tokens

MMR_LAMBDA = 0.7  # weight of relevance against novelty
REPEAT = 0.5  # a sentence this similar to a chosen one is a repetition
ALSO = 0.6  # a sentence this similar to a chosen one may be the same sentence from another source ...
SAME_WORDS = 0.9  # ... when this share of their words match in order (difflib ratio over their tokens)
NEW_SOURCE_BONUS = 0.15
QUOTE_OVERLAP = 0.7  # share of word pairs (quote_words) two renderings of a quote must share
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
    """Every quote of the sources, renderings of the same words merged, with all their sources."""
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
    """Figures with the same unit and value (to three significant digits) are the same figure."""
    if value is None:
        return None
    rounded = float(f"{value:.3g}")
    return ((unit or "").strip().lower(), rounded)


_HARM = r"dead|killed|died|deaths?|injured|wounded|missing"  # words of both lists below
PEOPLE = re.compile(rf"\b(people|persons?|{_HARM}|victims?|casualties|soldiers|civilians|children|hostages|arrest\w*|"
                    r"evacuat\w*|displaced|refugees|migrants)\b", re.I)
# what befell the people a small count counts ("Three workers were killed"), read in the figure's sentence
HARMED = re.compile(rf"\b({_HARM}|hurt|hospitali[sz]ed|arrested|rescued|evacuated|trapped|kidnapped|abducted|shot|"
                    r"stabbed)\b", re.I)


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
    """Every figure, the same value and unit merged across articles, with all sources and sentences."""
    groups: dict[tuple, dict] = {}
    for a in sources.articles:
        sentences = sources.sentences(a.id)
        for f in a.figures:
            key = figure_key(f.value, f.unit)
            if key is None or is_trivial(f):
                continue
            s = containing(sentences, f.start)
            cite = {**sources.cite(a.id, f.start, f.end), "text": f.text,
                    "sentence": s.text if s else f.sentence, "measures": f.measures}  # fmt: skip
            g = groups.setdefault(key, {"text": f.text, "value": f.value, "unit": f.unit, "kind": f.kind,
                                        "measures": f.measures, "sources": []})  # fmt: skip
            g["sources"].append(cite)
    for g in groups.values():
        g["independent"] = sources.independent([c["article_id"] for c in g["sources"]])
    return list(groups.values())


def key_figures(sources: Sources, limit: int = MAX_FIGURES) -> list[dict]:
    groups = figure_groups(sources)
    groups.sort(key=lambda g: (-g["independent"], FIGURE_KIND_RANK.get(g["kind"], 9), g["sources"][0]["start"]))
    return groups[:limit]
