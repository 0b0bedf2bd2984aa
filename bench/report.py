"""Benchmark: build and render the report of one story with 50 events and 500 articles.

Articles are synthesised into a temporary store (texts from bench/_corpus.py, light
regex annotations standing in for enrichment: sentences, quotes, figures, years,
names), so the timing is narration's own. Writes bench/results/report.json.
Run by hand: .venv/bin/python bench/report.py [EVENTS] [ARTICLES_PER_EVENT]
"""

from __future__ import annotations

import json
import re
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _corpus import perturbed

from storyline import Article, Event, Figure, Mention, Quote, Story, TimeMention
from storyline.narration import build_report, render
from storyline.narration.sources import split_spans
from storyline.storage import Store, open_store

FIGURE = re.compile(r"\$?\d[\d,.]*\s?(?:%|percent|million|billion)?")
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
NAME = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b")
QUOTED = re.compile(r"[\"“]([^\"“”]{12,})[\"”]")


def annotate(a: Article) -> Article:
    """Regex stand-ins for enrichment, enough to exercise every part of narration."""
    text = a.text
    a.sentences = split_spans(text)
    for m in FIGURE.finditer(text):
        raw = m.group(0).strip()
        digits = re.sub(r"[^\d.]", "", raw)
        if not digits or digits == "." or YEAR.fullmatch(raw):
            continue
        unit = "%" if raw.endswith(("%", "percent")) else "USD" if raw.startswith("$") else None
        sentence = next((text[s:e] for s, e in a.sentences if s <= m.start() < e), "")
        a.figures.append(Figure(m.start(), m.end(), raw, float(digits.strip(".") or 0), unit,
                                "percent" if unit == "%" else "money" if unit else "count", sentence, ""))  # fmt: skip
    for m in YEAR.finditer(text):
        a.times.append(TimeMention(m.start(), m.end(), m.group(0), f"{m.group(0)}-01-01", f"{m.group(0)}-12-31", "year"))
    a.mentions = [Mention(m.start(), m.end(), m.group(0), "PERSON", m.group(0)) for m in NAME.finditer(text)]
    a.quotes = [Quote(m.start(1), m.end(1), m.group(1), None, "said", "direct") for m in QUOTED.finditer(text)]
    return a


def synthesise(store: Store, events: int, per_event: int) -> str:
    texts = perturbed(events * per_event, seed=11)
    start = date(2021, 1, 4)
    all_events, articles = [], []
    for e in range(events):
        day = (start + timedelta(days=22 * e)).isoformat()
        ids = []
        for k in range(per_event):
            i = e * per_event + k
            body = texts[i].split("\n", 1)[-1]
            a = Article(id=f"a{i:05d}", source=f"a{i:05d}.txt", raw=body, text=body, title=texts[i].split("\n")[0],
                        outlet=f"Outlet {i % 17}", published=day, event_date=day, content_hash=f"h{i}")  # fmt: skip
            if k == per_event - 1 and per_event > 1:
                a.duplicate_of = ids[0]
            articles.append(annotate(a))
            ids.append(a.id)
        all_events.append(Event(id=f"e{e:03d}", date=day, title=f"Event {e}", place="Somewhere", articles=ids,
                                story_id="story-1"))  # fmt: skip
    store.add_articles(articles)
    store.save_events(all_events, [Story(id="story-1", title="A long story")])
    return "story-1"


def main(events: int = 50, per_event: int = 10) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.db")
        story = synthesise(store, events, per_event)
        t = time.perf_counter()
        report = build_report(store, story)
        built = time.perf_counter() - t
        timings = {"build": built}
        for fmt in ("json", "md", "html"):
            t = time.perf_counter()
            size = len(render(report, fmt))
            timings[fmt] = time.perf_counter() - t
            timings[f"{fmt}_kb"] = size / 1024
        store.close()
    result = {
        "events": events,
        "articles": events * per_event,
        "build_seconds": round(built, 2),
        "render_seconds": {f: round(timings[f], 3) for f in ("json", "md", "html")},
        "output_kb": {f: round(timings[f"{f}_kb"], 1) for f in ("json", "md", "html")},
        "ms_per_event": round(1000 * built / events, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "machine": "2 cores (shared)",
    }
    out = Path(__file__).parent / "results" / "report.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main(*(int(x) for x in sys.argv[1:3]))
