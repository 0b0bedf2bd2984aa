"""The pipeline's contract on every backend: what an ingest stores, the same on SQLite and PostgreSQL; copying a
store between them; several ingests writing to one PostgreSQL at once.

The pipeline here is the real one (reading, cleaning, describing, deduplication, annotation, entities, placement
in events and stories) with a regex sentence splitter and hashed word vectors in place of the models, so it is
fast; ``test_dask.py`` runs the real models.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import storyline
from _exports import canonical, differences
from _light import RegexNLP
from storyline.enrichment import Enricher, HashEmbedder
from storyline.errors import StoreError
from storyline.export import export
from storyline.pipeline import Pipeline
from storyline.settings import Settings
from storyline.storage import copy_store, open_store

CORPUS = Path(__file__).parent.parent / "examples" / "corpus"
ARTICLES = 39  # the articles its files hold, all distinct (one file is a JSONL of several)


def _pipeline(store) -> Pipeline:
    settings = Settings(languages="en", embedder="hash")
    return Pipeline(store, settings, enricher=Enricher(settings, nlp=RegexNLP(), embedder=HashEmbedder()))


def _ingest(url: str, paths: list[str]) -> dict:
    store = open_store(url)
    report = _pipeline(store).ingest(paths)
    assert report.ok, report.failures
    data = export(store)
    store.close()
    return data


def test_ingest_stores_places_and_skips_what_it_has(store_url):
    data = _ingest(store_url, [str(CORPUS)])
    assert len(data["articles"]) == ARTICLES
    assert all(a["event_id"] for a in data["articles"])
    events = {e["id"]: e for e in data["events"]}
    assert {a["event_id"] for a in data["articles"]} == set(events)
    assert sorted(x for e in events.values() for x in e["articles"]) == sorted(a["id"] for a in data["articles"])
    assert {e["story_id"] for e in events.values()} == {s["id"] for s in data["stories"]}
    store = open_store(store_url)
    again = _pipeline(store).ingest([str(CORPUS)])
    assert again.stored == [] and len(again.unchanged) == len(data["articles"])
    assert canonical(export(store)) == canonical(data)


def test_sqlite_and_postgresql_store_the_same(tmp_path, postgres_server):
    on_sqlite = _ingest(str(tmp_path / "s.db"), [str(CORPUS)])
    on_postgres = _ingest(postgres_server.new_database(), [str(CORPUS)])
    assert differences(canonical(on_sqlite), canonical(on_postgres)) == []
    assert on_sqlite == on_postgres  # in the same order too: every listing orders its NULLs alike


def test_copy_between_backends_both_ways(tmp_path, postgres_server):
    first = str(tmp_path / "first.db")
    original = _ingest(first, [str(CORPUS)])
    pg = postgres_server.new_database()
    counts = copy_store(open_store(first, read_only=True), open_store(pg))
    assert counts["articles"] == len(original["articles"])
    back = str(tmp_path / "back.db")
    copy_store(open_store(pg, read_only=True), open_store(back))
    trees = open_store(first, read_only=True).event_trees()
    assert trees and any(trees.values()) and all(0 < p <= 1 for tree in trees.values() for p, _, _ in tree)
    for url in (pg, back):
        store = open_store(url, read_only=True)
        assert differences(canonical(original), canonical(export(store))) == []
        assert store.event_trees() == trees  # the merges that formed each event, an article alone's none too
        a = original["articles"][0]
        full = store.get_article(a["id"])
        assert full.vector is not None and full.raw
        assert store.search(a["title"].split()[0])  # the search index is built on the copy too
    # the copy goes on where the original left off: a new article is deduplicated and placed against it
    store = open_store(pg)
    report = _pipeline(store).ingest([str(CORPUS)])
    assert report.stored == []
    with pytest.raises(StoreError, match="not empty"):
        copy_store(open_store(first, read_only=True), open_store(pg))


def test_read_only_postgresql_refuses_writes(postgres_server):
    url = postgres_server.new_database()
    with pytest.raises(StoreError, match="older storyline|empty"):
        open_store(url, read_only=True)
    open_store(url).close()
    reader = open_store(url, read_only=True)
    with pytest.raises(StoreError, match="reading only"):
        reader.set_published("x", None, "unknown")
    assert reader.count("articles") == 0


def test_unreachable_postgresql_is_one_clear_error_at_once(postgres_server):
    """A refused connection or a missing database is named with its reason, at once: the pool retried for 15 s,
    logging each try, and said only that it timed out."""
    host = postgres_server.admin_url.rsplit("/", 1)[0]
    for url, reason in (("postgresql://nobody:secret@127.0.0.1:1/none", "refused"),
                        (f"{host}/no_such_database", 'database "no_such_database" does not exist')):  # fmt: skip
        for read_only in (True, False):
            t0 = time.monotonic()
            with pytest.raises(StoreError, match="cannot (reach|connect)") as caught:
                open_store(url, read_only=read_only)
            assert reason in str(caught.value) and "secret" not in str(caught.value)
            assert time.monotonic() - t0 < 5


INGEST = """
import sys
import storyline.pipeline as p
from _light import RegexNLP
from storyline.enrichment import Enricher, HashEmbedder
from storyline.settings import Settings
from storyline.storage import open_store
p.BATCH = 4  # small batches, so the two writers take turns many times
settings = Settings(languages="en", embedder="hash")
store = open_store(sys.argv[1])
report = p.Pipeline(store, settings, enricher=Enricher(settings, nlp=RegexNLP(), embedder=HashEmbedder())).ingest(sys.argv[2:])
print(len(report.stored), len(report.unchanged), len(report.failures))
sys.exit(1 if report.failures else 0)
"""


def test_two_ingests_at_once_into_one_postgresql(tmp_path, postgres_server):
    files = sorted(CORPUS.iterdir())
    half = len(files) // 2
    one, two = files[: half + 8], files[half - 8 :]  # 16 files in both
    url = postgres_server.new_database()
    open_store(url).close()  # migrated once; the two writers start on the same schema
    src = Path(storyline.__file__).parent.parent  # the storyline under test, not another one installed (a worktree's)
    env = os.environ | {"PYTHONPATH": os.pathsep.join((str(Path(__file__).parent), str(src)))}
    procs = [subprocess.Popen([sys.executable, "-c", INGEST, url, *map(str, part)], env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for part in (one, two)]  # fmt: skip
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    stored = [int(out.split()[0]) for out, _ in outputs]
    store = open_store(url, read_only=True)
    data = export(store)
    assert sum(stored) == len(data["articles"]) == ARTICLES  # every distinct article once, none lost
    assert len({a["text"] for a in data["articles"]}) == ARTICLES
    assert all(a["event_id"] for a in data["articles"])  # every article in an event
    events = {e["id"]: e for e in data["events"]}
    assert sorted(x for e in events.values() for x in e["articles"]) == sorted(a["id"] for a in data["articles"])
    assert all(events[a["event_id"]]["story_id"] == a["story_id"] for a in data["articles"])
    entity_ids = [e["id"] for e in data["entities"]]
    assert len(entity_ids) == len(set(entity_ids))
    json.dumps(data)  # the export is whole


def test_the_export_is_strict_json_with_a_number_too_large_for_a_float(store_url, tmp_path):
    """A figure of 400 digits was stored as infinite and exported as `Infinity`, which no strict JSON reader takes."""
    feed = tmp_path / "feed.jsonl"
    text = (f"The council said the shortfall of ${'9' * 400} was a misprint. The harbour board met on Monday to "
            "discuss the new ferry timetable and the repairs to the north quay.")
    feed.write_text(json.dumps({"id": "big", "title": "Harbour board meets", "text": text}) + "\n", encoding="utf-8")
    data = _ingest(store_url, [str(feed)])
    json.dumps(data, allow_nan=False)  # raises on Infinity or NaN
    shortfall = [f for f in data["figures"] if "999" in f["text"]]
    assert shortfall and all(f["value"] is None for f in shortfall)
