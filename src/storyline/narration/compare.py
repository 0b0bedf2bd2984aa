"""Source comparison: what several sources agree on, what they report differently, what one alone has.

Agreement needs independent sources: articles of the same wire-copy group
(``duplicate_of``) count once, and every source listed prints what is shown.
Three kinds of agreement are found:

- a **figure**: the same value and unit said of the same thing (see
  :func:`~.summary.figure_groups`: "5 percent" of unemployment is not of inflation);
- a **quote**: the same words, shown as the words every source listed printed
  (a quote cut shorter by one outlet agrees in the cut);
- a **claim**: near-identical sentences (TF-IDF cosine, which must hold without the
  names and offices in them too: sentences alike only in whom they name make no
  claim; or a shared phrase of four words, three of them ordinary, such as "biggest
  oil customer after"), or the same interaction between the same two people ("X met
  Y", "Y received X"), read from the sentence and, when it names only one person, the
  sentence before it, when the verb stands between them or they are joined by "and".
  Sentences join one claim only when most pairs across them are so alike: a chain of
  sentences each like the next is not one claim, and a sentence is in one claim only. A
  claim is shown in a sentence whose figures every source listed gives, and each source
  cited carries its own sentence (``text``): a page shows each outlet's words with its
  own citation, never one outlet's sentence with every outlet's.

Differences (:mod:`.differences`) are disagreements between independent sources about
one thing: the same figure placed at other times, the same measure at the same time
with other values, one agreed claim dated to other days; each says what differs. A
sentence agreed on is not one source's alone, nor a value another source gives too.
Every item carries its sources' article ids, outlets and character spans.
"""

from __future__ import annotations

import re
from collections import defaultdict
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import combinations, islice

import numpy as np

from .differences import date_differences, framing_differences, value_differences
from .sources import (
    STOCK_STEMS,
    STOP,
    WHO,
    WORD,
    Sentence,
    Sources,
    content_tokens,
    direction,
    opposed,
    overlap,
    similar_pairs,
    stem,
    tfidf,
)
from .summary import MIN_QUOTE_WORDS, figure_groups, figure_key, quote_groups, relevance

CLAIM_SIM = 0.5  # TF-IDF cosine at which two sentences make the same claim ...
WHAT_SIM = 0.35  # ... and the cosine they must keep without the names and offices they hold (see _what)
SHARED_RUN = 6  # words in a row two renderings of a quote print alike: what they agree on, when neither holds the other
PHRASE = 4  # words in a shared phrase that marks the same claim ...
PHRASE_PLAIN = 3  # ... of which this many are ordinary words ("the solvent store at" is a place, not a claim)
LINKED = 0.5  # more than this share of the pairs across two groups of sentences must make the same claim to join them
UNIQUE_SIM = 0.2  # below this similarity to every other source, a sentence is unique
UNIQUE_PER_SOURCE, MAX_UNIQUE = 2, 12
MAX_AGREEMENTS = 20
STORY_DENSE = 10  # sentences per article compared by TF-IDF across a whole story
INTERACTIONS = {
    "meet": {"meet", "receiv", "receive", "host", "talk", "visit", "welcom", "welcome", "hold"},
    "sign": {"sign"},
    "call": {"phone", "call"},
}


def compare(sources: Sources) -> dict:
    """``{agreements, differences, unique, copies}`` for the articles in ``sources``."""
    sentences = [s for s in sources.all_sentences() if s.claim]
    clusters = claim_clusters(sources, sentences)
    figures = figure_groups(sources)
    exact = figure_agreements(figures) + quote_agreements(sources)
    spans = [(c["article_id"], c["start"]) for a in exact for c in a["sources"]]
    agreements = exact + [c for c in clusters if not _restates(c, spans)]
    agreements.sort(key=lambda a: -a["independent"])
    values = value_differences(sources, figures)
    differing = {(c["article_id"], c["start"]) for d in values for c in d["sources"]}
    several = _given_by_several(sources, figures)
    return {
        "agreements": agreements[:MAX_AGREEMENTS],
        "differences": framing_differences(sources, figures) + values + date_differences(sources, clusters),
        "unique": unique_facts(sources, sentences, clusters, [g for g in figures if not _cited(g, differing)
                                                              and figure_key(g["value"], g["unit"]) not in several], spans),
        "copies": copies(sources),
    }  # fmt: skip


def _restates(claim: dict, spans: list[tuple[str, int]]) -> bool:
    """A claim whose every sentence holds an agreed figure or quote adds nothing to that agreement."""
    return all(any(aid == c["article_id"] and c["start"] <= at < c["end"] for aid, at in spans) for c in claim["sources"])


def story_agreements(sources: Sources) -> list[dict]:
    """Agreements between articles of different events of a story (recurring facts and claims). The same two people
    meeting (signing, calling) in two events are two meetings, not one claim: only alike sentences link events."""
    sentences = [s for s in sources.all_sentences() if s.claim]
    dense = _top_per_article(sources, sentences, STORY_DENSE)
    found = [c for c in claim_clusters(sources, sentences, dense) if c["how"] != "interaction"]
    found += [a for a in figure_agreements(figure_groups(sources)) if _similar_context(a)]
    out = []
    for a in found:
        events = {sources.event_of(c["article_id"]) for c in a["sources"]}
        if len(events - {None}) >= 2:
            out.append({**a, "events": sorted(e for e in events if e)})
    out.sort(key=lambda a: (-len(a["events"]), -a["independent"]))
    return out[:MAX_AGREEMENTS]


# --- agreements ----------------------------------------------------------------------------
def figure_agreements(figures: list[dict]) -> list[dict]:
    return [{**g, "kind": "figure", "figure_kind": g["kind"]} for g in figures if g["independent"] >= 2]


def quote_agreements(sources: Sources) -> list[dict]:
    """Quotes independent sources print in the same words, shown as words every source listed printed, and each
    cited at those words: of a quote one outlet gives whole and another cut short, the cut ("We have waited long
    enough for a fair offer", not "… and our members will not wait any longer"); of two renderings that go on
    in other words or put in words of their own ("reached $6.2 billion (€5.6 billion) last year"), the longest
    run of :data:`SHARED_RUN` words or more they print alike. A speaker the store knows is one more thing the
    sources must agree on: the same words said by another are another quote."""
    printed = []  # (citation, speaker, words, their spans) of every rendering of every quote
    for g in quote_groups(sources):
        for c in g["sources"]:
            found = list(WORD.finditer(sources.by_id[c["article_id"]].text, c["start"], c["end"]))
            printed.append((c, c.get("speaker") or g["speaker"], [m.group().lower() for m in found], [m.span() for m in found]))
    runs: dict[tuple[str, ...], int] = {}  # words -> the rendering they were read from
    for i, p in enumerate(printed):
        runs.setdefault(tuple(p[2]), i)
    words = [tuple(p[2]) for p in printed]
    distinct = [set(w) for w in words]
    group = [sources.group.get(p[0]["article_id"], p[0]["article_id"]) for p in printed]
    indexes = {SHARED_RUN: _run_index(words, SHARED_RUN)}  # run length -> renderings by the runs they print
    for i, j in _sharing(indexes[SHARED_RUN], group):  # only renderings printing a run alike can agree
        a, b = words[i], words[j]
        if a == b or len(distinct[i] & distinct[j]) < SHARED_RUN:  # the same words (a run already), or too few words alike
            continue
        m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
        if m.size >= SHARED_RUN:
            runs.setdefault(a[m.a : m.a + m.size], i)
    joined = [f" {' '.join(w)} " for w in words]  # a run is printed where its words stand in a row
    candidates = []
    for run, i in runs.items():
        if len(run) < MIN_QUOTE_WORDS:
            continue
        n = min(len(run), SHARED_RUN)
        if n not in indexes:
            indexes[n] = _run_index(words, n)
        printing = [k for k in indexes[n].get(run[:n], ()) if f" {' '.join(run)} " in joined[k]]
        speaker = printed[i][1] or next((printed[k][1] for k in printing if printed[k][1]), None)
        holders = [k for k in printing if printed[k][1] in (None, speaker)]
        independent = sources.independent([printed[k][0]["article_id"] for k in holders])
        if independent >= 2:
            candidates.append((independent, len(run), i, run, speaker, holders))
    out, used = [], set()
    for independent, _n, i, run, speaker, holders in sorted(candidates, key=lambda c: (-c[0], -c[1], c[2])):
        if set(holders) <= used:
            continue
        used |= set(holders)
        cites = [_cite_run(sources, printed[k], run) for k in [i] + [k for k in holders if k != i]]
        lead = cites[0]
        out.append({"text": sources.by_id[lead["article_id"]].text[lead["start"] : lead["end"]], "speaker": speaker,
                    "kind": "quote", "quote_kind": lead["kind"], "sources": cites, "independent": independent})  # fmt: skip
    return out


def _run_index(renderings: list[tuple[str, ...]], n: int) -> dict[tuple[str, ...], list[int]]:
    """Each run of ``n`` words -> the renderings printing it, in order."""
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for k, words in enumerate(renderings):
        for run in {words[x : x + n] for x in range(len(words) - n + 1)}:
            index[run].append(k)
    return index


def _sharing(index: dict[tuple[str, ...], list[int]], group: list[str]) -> list[tuple[int, int]]:
    """The pairs ``(i, j)``, ``i < j``, of renderings of independent sources that print a run of the ``index`` alike."""
    pairs: set[tuple[int, int]] = set()
    for holders in index.values():
        pairs.update((i, j) for i, j in combinations(holders, 2) if group[i] != group[j])
    return sorted(pairs)


def _cite_run(sources: Sources, rendering: tuple, run: tuple[str, ...]) -> dict:
    """A citation of a rendering narrowed to the words ``run`` in it."""
    cite, speaker, words, spans = rendering
    n = len(run)
    k = next(k for k in range(len(words) - n + 1) if tuple(words[k : k + n]) == run)
    return {**sources.cite(cite["article_id"], spans[k][0], spans[k + n - 1][1]), "speaker": speaker, "kind": cite["kind"]}


def claim_clusters(sources: Sources, sentences: list[Sentence], dense: list[int] | None = None) -> list[dict]:
    """Claims carried by two or more independent sources: similar sentences and shared interactions, each sentence
    in one claim only (:func:`_one_claim_per_sentence`).

    Shared phrases are looked up over every sentence; TF-IDF similarity is computed among the
    ``dense`` indices only (all when ``None``), which keeps whole-story comparison affordable.
    """
    edges = _sentence_edges(sources, sentences, dense)
    found = [_claim(sources, [sentences[i] for i in members], "sentence") for members in _cluster(sources, sentences, edges)]
    found += [_claim(sources, members, "interaction", about=list(about[1]))
              for about, members in interaction_claims(sources, sentences).items()]  # fmt: skip
    return _one_claim_per_sentence(sources, sentences, [c for c in found if c["independent"] >= 2])


def _one_claim_per_sentence(sources: Sources, sentences: list[Sentence], found: list[dict]) -> list[dict]:
    """The claims, the most widely carried first, each sentence in the first claim citing it: a claim that a
    larger one holds whole is that one (an interaction of the same sentences says whom it is about), and one
    sharing some sentences with it is made of the rest, when they still come from two independent sources. So
    "She was also received by Prime Minister Elena Castellanos" agrees once, not with two outlets and again with
    three."""
    at = {(s.article_id, s.start): s for s in sentences}
    used: dict[tuple[str, int], dict] = {}
    out = []
    for claim in sorted(found, key=lambda c: (-c["independent"], c["how"] != "sentence", -len(c["sources"]))):
        spans = [(c["article_id"], c["start"]) for c in claim["sources"]]
        taken = [used[x] for x in spans if x in used]
        if taken:
            if claim.get("about") and len(taken) == len(spans) and all(t is taken[0] for t in taken):
                taken[0].setdefault("about", claim["about"])
            rest = [at[x] for x in spans if x not in used]
            if sources.independent([r.article_id for r in rest]) < 2:
                continue
            claim = _claim(sources, rest, claim["how"], about=claim.get("about"))
            if claim["independent"] < 2:
                continue
        for c in claim["sources"]:
            used[(c["article_id"], c["start"])] = claim
        out.append(claim)
    return out


def _sentence_edges(sources: Sources, sentences: list[Sentence], dense: list[int] | None) -> list[tuple[float, int, int]]:
    """Pairs of sentences of different independent sources that make the same claim, strongest first."""
    group = [sources.group.get(s.article_id, s.article_id) for s in sentences]
    values = [_figure_values(sources, s) for s in sentences]
    directions = [direction(s.text) for s in sentences]  # each sentence read once, not once per pair
    dense = list(range(len(sentences))) if dense is None else dense
    pairs = [(dense[i], dense[j], v) for i, j, v in similar_pairs(tfidf([sentences[k].text for k in dense]), CLAIM_SIM)]
    pairs = [(i, j, v) for i, j, v in pairs if group[i] != group[j]]
    said = _said_alike(sources, sentences, dense, pairs)
    edges = {(i, j): v for (i, j, v), alike in zip(pairs, said, strict=True) if alike
             and not _conflict(values[i], values[j]) and not opposed(directions[i], directions[j])}  # fmt: skip
    by_phrase: dict[tuple, list[int]] = defaultdict(list)
    for i, s in enumerate(sentences):
        for phrase in _phrases(s.text):
            by_phrase[phrase].append(i)
    for members in by_phrase.values():
        if len(members) > 12:  # a stock phrase, not a claim
            continue
        for a in members:
            for b in members:
                if a < b and group[a] != group[b] and not _conflict(values[a], values[b]) and \
                        not opposed(directions[a], directions[b]):
                    edges[(a, b)] = max(edges.get((a, b), 0.0), CLAIM_SIM)
    return sorted(((v, i, j) for (i, j), v in edges.items()), reverse=True)


def _said_alike(sources: Sources, sentences: list[Sentence], dense: list[int],
                pairs: list[tuple[int, int, float]]) -> list[bool]:  # fmt: skip
    """For each pair of sentences, whether they stay alike without the names and offices they hold (:func:`_what`:
    TF-IDF cosine at least :data:`WHAT_SIM`, weighed over the ``dense`` sentences); only the pairs are compared."""
    if not pairs:
        return []
    what = tfidf([_what(sources, sentences[k]) for k in dense])
    if what is None:
        return [False] * len(pairs)
    row = {k: r for r, k in enumerate(dense)}
    a, b = (what[[row[p[n]] for p in pairs]] for n in (0, 1))
    return (np.asarray(a.multiply(b).sum(axis=1)).ravel() >= WHAT_SIM).tolist()


def _what(sources: Sources, s: Sentence) -> str:
    """What a sentence says, without whom it names: its words but for the names it holds and words of office and
    attribution ("Port director Anton Feld met Quist on Wednesday" -> "Port met on Wednesday"). Two sentences alike
    only in their names ("Anton Feld, the port director, said the offer was generous") make no one claim."""
    text = s.text
    for m in sorted(sources.by_id[s.article_id].mentions, key=lambda m: -m.start):
        if s.start <= m.start and m.end <= s.end:
            text = text[: m.start - s.start] + " " + text[m.end - s.start :]
    return " ".join(w for w in WORD.findall(text) if stem(w.lower()) not in WHO)


def _figure_values(sources: Sources, s: Sentence) -> dict[str, set[float]]:
    """Unit -> values of the figures inside a sentence."""
    out: dict[str, set[float]] = defaultdict(set)
    for f in sources.by_id[s.article_id].figures:
        if f.value is not None and s.start <= f.start < s.end:
            out[(f.unit or "").lower()].add(float(f"{f.value:.3g}"))
    return out


def _lacks(a: dict[str, set[float]], b: dict[str, set[float]]) -> bool:
    """Whether a sentence of figures ``a`` does not give one of the figures ``b``."""
    return any(not values <= a.get(unit, set()) for unit, values in b.items())


def _conflict(a: dict[str, set[float]], b: dict[str, set[float]]) -> bool:
    """Two sentences giving different values in the same unit say different things."""
    return any(unit in b and not (values & b[unit]) for unit, values in a.items())


@lru_cache(maxsize=100_000)
def _phrases(text: str) -> frozenset[tuple[str, ...]]:
    """Runs of ``PHRASE`` words with at least ``PHRASE_PLAIN`` ordinary (lower-case, non-stop) words and at most one
    name ("biggest oil customer after China")."""
    words = WORD.findall(text)
    stems = [stem(w.lower()) for w in words]
    plain = [w[:1].islower() and stems[i] not in STOP and stems[i] not in STOCK_STEMS for i, w in enumerate(words)]
    named = [w[:1].isupper() for w in words]  # "union leader Mara Quist" is a title and a name, not a claim
    return frozenset(tuple(stems[i : i + PHRASE]) for i in range(len(words) - PHRASE + 1)
                     if sum(plain[i : i + PHRASE]) >= PHRASE_PLAIN and sum(named[i : i + PHRASE]) <= 1)  # fmt: skip


def _cluster(sources: Sources, sentences: list[Sentence], edges) -> list[list[int]]:
    """Clusters joined strongest edges first, never two sentences of one article in a cluster, and two clusters
    only when more than :data:`LINKED` of the pairs across them from independent sources make the same claim: a
    chain of sentences each like the next (a fire, then its toll, then a lawsuit over it) is not one claim. (A
    wire copy and its original are never compared, so their pair counts for nothing either way.)"""
    linked = {(i, j) for _v, i, j in edges} | {(j, i) for _v, i, j in edges}
    group = [sources.group.get(s.article_id, s.article_id) for s in sentences]
    root = list(range(len(sentences)))
    members = {i: [i] for i in range(len(sentences))}

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    for _v, i, j in edges:
        a, b = find(i), find(j)
        if a == b:
            continue
        if {sentences[k].article_id for k in members[a]} & {sentences[k].article_id for k in members[b]}:
            continue
        across = [(x, y) for x in members[a] for y in members[b] if group[x] != group[y]]
        if sum(pair in linked for pair in across) <= LINKED * len(across):
            continue
        root[b] = a
        members[a] += members.pop(b)
    return [m for m in members.values() if sources.independent([sentences[k].article_id for k in m]) >= 2]


def interaction_claims(sources: Sources, sentences: list[Sentence]) -> dict[tuple, list[Sentence]]:
    """``(verb class, people) -> sentences``: who met (signed with, called) whom, per sentence (:func:`_linked`)."""
    found: dict[tuple, dict[str, Sentence]] = defaultdict(dict)
    for s in sentences:
        words = [(m.start(), stem(m.group().lower())) for m in WORD.finditer(s.text)]
        for c, verbs in INTERACTIONS.items():
            at = [s.start + i for i, w in words if w in verbs]
            if at:
                for pair in _linked(sources, s, at):
                    found[(c, pair)].setdefault(s.article_id, s)
    return {key: list(by_article.values()) for key, by_article in found.items() if len(by_article) >= 2}


AND = re.compile(r"\s*,?\s*(?:and|&)\s*")


def _linked(sources: Sources, s: Sentence, verbs: list[int]) -> set[tuple[str, str]]:
    """The pairs of people (surnames) the interaction verbs at ``verbs`` link in ``s``: a verb between them ("Quist
    met Elling", "Elling held talks with Quist"), or the two joined by "and" ("talks between Sorokina and Arrieta").
    When ``s`` names fewer than two, people of the sentence before stand before it ("She was also received by
    Castellanos"). Two people the sentence names in other parts ("'I am Velmora's friend,' he said, standing beside
    Sorokina, after a morning of talks") did not meet in it."""
    article = sources.by_id[s.article_id]
    people = [(m.start, m.end, (m.name or m.text).split()[-1].lower()) for m in article.mentions
              if m.label == "PERSON" and (m.name or m.text) and s.start <= m.start < s.end]  # fmt: skip
    if len({p[2] for p in people}) < 2 and s.index > 0:
        before = sources.sentences(s.article_id)[s.index - 1]
        people = [(s.start - 1, s.start - 1, name) for name in sorted(_names(article, before))] + people
    people.sort()
    out = set()
    for (_a0, a1, a), (b0, _b1, b) in combinations(people, 2):
        if a != b and (any(a1 <= v < b0 for v in verbs) or (a1 >= s.start and AND.fullmatch(article.text[a1:b0]))):
            out.add(tuple(sorted((a, b))))
    return out


def _names(article, s: Sentence) -> set[str]:
    return {(m.name or m.text).split()[-1].lower() for m in article.mentions
            if m.label == "PERSON" and s.start <= m.start < s.end and (m.name or m.text)}  # fmt: skip


def _claim(sources: Sources, members: list[Sentence], how: str, about: list[str] | None = None) -> dict:
    """An agreed claim: the clearest sentence as its text, every sentence that gives its figures as a source.

    The clearest is one whose figures the others give too, then (for an interaction) one naming everyone
    involved, then prose before quotation, then the shortest. A sentence without a figure the text shown
    gives ("Unemployment climbed in May" under "Unemployment rose to 5 percent in May") is not cited for it.
    """
    values = [_figure_values(sources, s) for s in members]
    lacking = [{j for j in range(len(members)) if _lacks(values[j], values[i])} for i in range(len(members))]
    order = sorted(range(len(members)), key=lambda i: (len(lacking[i]), -sum(n in members[i].text.lower() for n in about or ()),
                                                        members[i].kind != "prose", len(members[i].text)))  # fmt: skip
    members = [members[i] for i in order if i not in lacking[order[0]]]
    lead = members[0]
    cites = [{**sources.cite(s.article_id, s.start, s.end), "text": s.text} for s in members]
    out = {"kind": "claim", "how": how, "text": lead.text, **sources.cite(lead.article_id, lead.start, lead.end),
           "sources": cites, "independent": sources.independent([s.article_id for s in members])}  # fmt: skip
    if about:
        out["about"] = about
    return out


def _top_per_article(sources: Sources, sentences: list[Sentence], k: int) -> list[int]:
    """Indices of the ``k`` most relevant sentences of each article."""
    vectors = tfidf([s.text for s in sentences])
    if vectors is None:
        return []
    score = relevance(sources, sentences, vectors)
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sentences):
        by_article[s.article_id].append(i)
    return sorted(i for ranked in by_article.values() for i in sorted(ranked, key=lambda i: -score[i])[:k])


def _similar_context(agreement: dict) -> bool:
    """Across events, the same figure is the same fact only in similar sentences."""
    texts = [content_tokens(c.get("sentence") or "") for c in agreement["sources"]]
    return any(overlap(texts[0], t) >= 0.4 for t in texts[1:])


# --- unique facts and copies -----------------------------------------------------------------
def unique_facts(sources: Sources, sentences: list[Sentence], clusters: list[dict], figures: list[dict],
                 agreed_spans: list[tuple[str, int]] = ()) -> list[dict]:  # fmt: skip
    """Figures, quotes and sentences only one independent source has (empty with a single source). A sentence
    that holds an agreed figure or quote (``agreed_spans``) is not one source's alone, nor is a figure or quote
    inside it or inside a sentence of an agreed claim: the sentence is agreed, and shown there. A sentence is listed
    once (a figure and the quote around it are one fact), and of a wire copy and its original only one is read."""
    if sources.independent([a.id for a in sources.articles]) < 2:
        return []
    claimed = [(c["article_id"], c["start"], c["end"]) for cl in clusters for c in cl["sources"]]
    listed: set[tuple[str, int]] = set()

    def alone(item: dict) -> bool:
        """Not inside an agreed claim's sentence nor a sentence holding an agreed figure or quote, and of a sentence
        not listed yet."""
        where = (item["article_id"], item.get("sentence_start", item["start"]))
        until = item.get("sentence_end", item["end"])
        if where in listed or any(aid == item["article_id"] and s <= item["start"] < e for aid, s, e in claimed) \
                or any(aid == item["article_id"] and where[1] <= at < until for aid, at in agreed_spans):
            return False
        listed.add(where)
        return True

    found = [{"kind": "figure", "text": g["text"], "sentence": g["sources"][0].get("sentence"), **_cite_of(g)}
             for g in figures if g["independent"] == 1]  # fmt: skip
    out = list(islice(filter(alone, found), 4))
    found = [{"kind": "quote", "text": g["text"], "speaker": g["speaker"], **_cite_of(g)}
             for g in quote_groups(sources) if g["independent"] == 1]  # fmt: skip
    out += islice(filter(alone, found), 4)
    agreed = {(c["article_id"], c["start"]) for cl in clusters for c in cl["sources"]}
    held = [(u["article_id"], u["start"]) for u in out] + list(agreed_spans)
    read = {}  # copy group -> the one article of it read
    for a in sources.articles:
        read.setdefault(sources.group.get(a.id, a.id), a.id)
    prose = [s for s in sentences if s.prose and (s.article_id, s.start) not in agreed
             and read[sources.group.get(s.article_id, s.article_id)] == s.article_id
             and not any(aid == s.article_id and s.start <= at < s.end for aid, at in held)]  # fmt: skip
    vectors = tfidf([s.text for s in prose])
    if vectors is None:
        return out[:MAX_UNIQUE]
    group = np.array([sources.group.get(s.article_id, s.article_id) for s in prose])
    sim = (vectors @ vectors.T).toarray()
    sim[group[:, None] == group[None, :]] = 0.0  # only other sources count
    nearest = sim.max(axis=1)
    score = relevance(sources, prose, vectors)
    per_source: dict[str, int] = defaultdict(int)
    for i in np.argsort(-score):
        if nearest[i] < UNIQUE_SIM and per_source[group[i]] < UNIQUE_PER_SOURCE:
            per_source[group[i]] += 1
            out.append({"kind": "claim", "text": prose[i].text, **sources.cite(prose[i].article_id, prose[i].start, prose[i].end)})
    return out[:MAX_UNIQUE]


def _given_by_several(sources: Sources, figures: list[dict]) -> set[tuple]:
    """The values (:func:`~.summary.figure_key`) that two independent sources give, said of one thing or not: a
    figure whose value another source gives too ("300 soldiers" sent by the army, and helping with sandbags) is not
    one source's alone."""
    by_key: dict[tuple, set[str]] = defaultdict(set)
    for g in figures:
        by_key[figure_key(g["value"], g["unit"])] |= {sources.group.get(c["article_id"], c["article_id"]) for c in g["sources"]}
    return {key for key, groups in by_key.items() if len(groups) >= 2}


def _cited(group: dict, places: set[tuple[str, int]]) -> bool:
    return any((c["article_id"], c["start"]) in places for c in group["sources"])


def _cite_of(group: dict) -> dict:
    c = group["sources"][0]
    return {k: c[k] for k in ("article_id", "outlet", "start", "end", "sentence_start", "sentence_end") if k in c}


def copies(sources: Sources) -> list[dict]:
    """Which articles are syndicated copies of which (from ``duplicate_of``)."""
    out = []
    for a in sources.articles:
        if a.duplicate_of:
            original = sources.by_id.get(a.duplicate_of)
            out.append({"article_id": a.id, "outlet": sources.label(a.id), "copy_of": a.duplicate_of,
                        "copy_of_outlet": sources.label(original.id) if original else None, "wire": a.wire})  # fmt: skip
    return out
