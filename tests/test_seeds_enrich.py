"""Quality gate: enrichment of the five seed articles against shared/seeds/gold.json.

The criteria are those of ``shared/tools/check_seeds.py enrich``: at least 90%
of the gold quotes found by their opening words, the speaker right for at least
90% of those, every gold entity present under its canonical name with no
separate entity for one of its multi-word aliases, every gold figure found.
Runs the real spaCy pipeline (slow); the embedder is the hashing fake.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from storyline.enrichment import Enricher, EntityRegistry, HashEmbedder, link_speakers
from storyline.models import Article
from storyline.settings import Settings

SHARED = Path(__file__).parents[2] / "shared"
SEEDS = SHARED / "seeds"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (SEEDS / "gold.json").exists(), reason=f"seed articles not found at {SEEDS}"),
]


def norm(s: str | None) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", s).strip().lower()


def _read_seeds(settings: Settings) -> list[Article]:
    """The seeds cleaned and described when those stages exist, else raw text with the first line as title."""
    try:
        from storyline import cleaning, metadata, reading
    except ImportError:
        articles = []
        for path in sorted(SEEDS.glob("*.txt")):
            raw = path.read_text(encoding="utf-8")
            title, _, body = raw.strip().partition("\n")
            articles.append(Article(id=path.stem, source=str(path), raw=raw, title=title, text=body.strip()))
        return articles
    articles = [a for a in reading.read_paths([str(SEEDS)], settings) if isinstance(a, Article)]
    for a in articles:
        cleaning.clean(a)
        metadata.describe(a, settings)
    return articles


@pytest.fixture(scope="module")
def export() -> dict:
    settings = Settings(embedder="hash")
    articles = _read_seeds(settings)
    Enricher(settings, embedder=HashEmbedder()).enrich(articles)
    registry = EntityRegistry()
    for a in articles:
        registry.add_article(a.mentions)
        link_speakers(a)
    names = {r["id"]: r["name"] for r in registry.rows()}
    quotes = [
        {"article_id": a.id, "text": q.text, "cue": q.cue, "kind": q.kind,
         "speaker": names.get(q.speaker_entity_id, q.speaker)}
        for a in articles for q in a.quotes
    ]
    figures = [
        {"article_id": a.id, "text": f.text, "value": f.value, "unit": f.unit, "kind": f.kind, "measures": f.measures}
        for a in articles for f in a.figures
    ]
    entities = [{"name": r["name"], "type": r["type"], "aliases": r["aliases"]} for r in registry.rows()]
    return {"quotes": quotes, "figures": figures, "entities": entities, "articles": articles}


@pytest.fixture(scope="module")
def gold() -> dict:
    return json.loads((SEEDS / "gold.json").read_text(encoding="utf-8"))


def test_quotes_found_with_their_speakers(export, gold):
    found, right, misses = 0, 0, []
    for q in gold["quotes"]:
        start = norm(q["starts"])[:40]
        cands = [x for x in export["quotes"] if x["article_id"] == q["doc"] and norm(x["text"]).lstrip("\"' ").startswith(start)]
        if not cands:
            misses.append(f"not found: {q['starts'][:50]}")
            continue
        found += 1
        if norm(q["speaker"]).split()[-1] in norm(str(cands[0]["speaker"] or "")):
            right += 1
        else:
            misses.append(f"speaker {cands[0]['speaker']!r} for {q['starts'][:40]!r}, want {q['speaker']}")
    recall = found / len(gold["quotes"])
    accuracy = right / found if found else 0.0
    assert recall >= 0.9 and accuracy >= 0.9, (recall, accuracy, misses)


def test_every_gold_entity_under_its_canonical_name(export, gold):
    ents = export["entities"]
    problems = []
    for e in gold["entities"]:
        names = {norm(e["name"])} | {norm(x) for x in e["aliases"]}
        hits = [x for x in ents if norm(x["name"]) == norm(e["name"])]
        if not hits:
            problems.append(f"missing {e['name']}")
            continue
        others = [
            x["name"] for x in ents
            if x is not hits[0] and norm(x["name"]) in names - {norm(e["name"])} and len(x["name"].split()) > 1
        ]
        if others:
            problems.append(f"{e['name']} also as {others}")
    assert not problems


def test_every_gold_figure_found(export, gold):
    missing = []
    for f in gold["figures"]:
        v = norm(f["value"]).replace("$", "").replace("%", "").split()[0]
        if not any(x["article_id"] == f["doc"] and v in norm(f"{x['text']} {x['value']}") for x in export["figures"]):
            missing.append(f"{f['doc'][:3]} {f['value']}")
    assert not missing


def test_event_dates_of_dated_seeds(export, gold):
    articles = {a.id: a for a in export["articles"]}
    dated = {i: want for i, want in gold["documents"].items() if want["published"]}
    assert dated
    for i, want in dated.items():  # with a publication date the lead's weekday gives the event day
        a = articles[i]
        assert (a.published, a.event_date) == (want["published"], want["event_date"]), (i, a.event_date_how)
