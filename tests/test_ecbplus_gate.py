"""Quality gate: events and stories on ECB+ dev (772 articles, all in one pool).

The labelled set lives outside the repo (``../shared/data/ecbplus-dev.jsonl``,
or the file named by ``STORYLINE_ECBPLUS``); without it the gate is skipped.
The articles go through the project's own read -> clean -> describe -> enrich
stages, then one rebuild with the default settings; the floors below are the
figures measured when the defaults were chosen, less a small margin. A change
that lowers them fails here.
"""

import os
from pathlib import Path

import pytest

from storyline.evaluation import score

DATA = Path(os.environ.get("STORYLINE_ECBPLUS", Path(__file__).resolve().parents[2] / "shared" / "data" / "ecbplus-dev.jsonl"))

EVENTS_BCUBED_F1 = 0.95  # measured 0.962 (stories on words + vectors, events on story-local terms, lead x2, 180-day gap
# bridged by follow-ups whose lead names the earlier date, undated groups kept apart from dated look-alikes; 0.942 without
# that, 0.935 without the bridge)
STORIES_BCUBED_F1 = 0.96  # measured 0.970, precision 1.000 (linked on the lead with names masked, words and shared
# people; 0.939 when a subject's events were always one story and linked on the plain lead vectors)
EVENTS_ARI = 0.945  # measured 0.957
# ingest: batches of 256 in file order, placed one by one, then the touched stories refined
INGEST_EVENTS_BCUBED_F1 = 0.95  # measured 0.961 (0.820 placing alone, without the refinement)
INGEST_STORIES_BCUBED_F1 = 0.93  # measured 0.948 (0.924 on the plain lead vectors; 0.898 before lone stories joined
# their clear nearest on ingest)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not DATA.exists(), reason=f"labelled ECB+ dev set not found at {DATA} (set STORYLINE_ECBPLUS)"),
]


@pytest.fixture(scope="module")
def clustered():
    import json

    from storyline import cleaning, metadata, reading
    from storyline.enrichment import Enricher
    from storyline.events import rebuild
    from storyline.settings import Settings

    settings = Settings()
    articles = []
    for item in reading.read_paths([str(DATA)], settings):
        assert hasattr(item, "raw"), f"cannot read {item}"
        cleaning.clean(item)
        metadata.describe(item, settings)
        articles.append(item)
    Enricher(settings).enrich(articles)
    rebuild(articles, settings)
    gold = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    return articles, {g["id"]: g["event"] for g in gold}, {g["id"]: g["topic"] for g in gold}


def test_events_reach_the_floor(clustered):
    articles, events, _ = clustered
    s = score(events, {a.id: a.event_id for a in articles})
    assert s["bcubed_f1"] >= EVENTS_BCUBED_F1, s
    assert s["ari"] >= EVENTS_ARI, s


def test_stories_reach_the_floor(clustered):
    articles, _, stories = clustered
    s = score(stories, {a.id: a.story_id for a in articles})
    assert s["bcubed_f1"] >= STORIES_BCUBED_F1, s


def test_ingest_placement_with_refinement_reaches_the_floor(clustered):
    """What `storyline ingest` does: place each batch, then refine the stories it touched."""
    import copy

    from storyline.events import EventIndex, canonical_order
    from storyline.settings import Settings

    articles, events, stories = clustered
    fresh = [copy.copy(a) for a in articles]
    index = EventIndex(Settings())
    for start in range(0, len(fresh), 256):
        batch = fresh[start:start + 256]
        for a in canonical_order(batch):
            index.place(a)
        index.refine({index.story_of(a.event_id) for a in batch})
    placed = index.assignments()
    s = score(events, placed)
    assert s["bcubed_f1"] >= INGEST_EVENTS_BCUBED_F1, s
    t = score(stories, {a: index.story_of(e) for a, e in placed.items()})
    assert t["bcubed_f1"] >= INGEST_STORIES_BCUBED_F1, t
