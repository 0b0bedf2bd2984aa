"""The whole ingest, end to end through the CLI: bad input, re-runs, crashes, copies, the export contract."""

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline import Settings
from storyline.cli import app
from storyline.pipeline import BATCH, Pipeline
from storyline.storage import open_store

STRIKE = (
    "Dock workers walk out at Port Alder\n\n"
    "By Hannah Moss\n\n"
    "Published March 4, 2024\n\n"
    "Dock workers at Port Alder stopped work on Monday after talks over night-shift pay broke down, "
    "leaving 14 container ships waiting offshore.\n\n"
    '"We will stay out until the offer is fair," union organiser Teodor Blanc told reporters at the gate.\n\n'
    "The port authority said the stoppage was costing about $2 million a day and urged both sides to return to talks.\n"
)
WIRE = (
    "The national rail operator cancelled all regional trains on Thursday as a storm brought winds of up to "
    "140 km/h across the north, the transport ministry said. Engineers were checking overhead lines for damage "
    "and the operator expected to restore most services by Friday morning. Passengers were told to postpone "
    "journeys and to claim refunds online. The storm also cut power to about 30,000 homes."
)


def _corpus(tmp_path):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "strike.txt").write_text(STRIKE, encoding="utf-8")
    (d / "sub" / "storm.html").write_text(
        "<html><head><title>Storm halts trains</title></head><body><nav>Home | World</nav><article>"
        f"<h1>Storm halts trains</h1><p>{WIRE}</p></article></body></html>",
        encoding="utf-8",
    )
    lines = [
        json.dumps({"id": "copy1", "text": "Storm halts regional rail\n" + WIRE + " Ferries kept running.", "date": "2024-02-08", "outlet": "North Post"}),
        "{this is not json",
        json.dumps({"id": "copy2", "text": "Trains stopped by storm\n" + WIRE.rsplit(" The storm", 1)[0], "date": "2024-02-09"}),
        json.dumps({"id": "nothing"}),
    ]
    (d / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with gzip.open(d / "sub" / "old.txt.gz", "wt", encoding="utf-8") as f:
        f.write("Library reopens after repairs\n\nThe town library reopened on Saturday after a year of repairs to its roof.\n")
    (d / "latin1.txt").write_bytes("Caf\xe9 owners protest\n\nCaf\xe9 owners in the old town protested on Tuesday against new rules on terraces.\n".encode("latin-1"))
    (d / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00")
    (d / "empty.txt").write_text("", encoding="utf-8")
    (d / "notes.docx").write_bytes(b"PK")
    return d


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYLINE_EMBEDDER", "hash")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_bad_input_is_named_and_everything_else_stored(env):
    d = _corpus(env)
    result = CliRunner().invoke(app, ["ingest", str(d), "--db", "s.db"])
    assert result.exit_code == 1
    messages = result.output
    assert "feed.jsonl:2" in messages and "feed.jsonl:4" in messages
    assert "blob.txt" in messages and "empty.txt" in messages
    assert "notes.docx" in messages  # skipped, with a message
    store = open_store(env / "s.db")
    ids = {a["id"] for a in store.list_articles(limit=100)}
    assert ids == {"strike", "storm", "copy1", "copy2", "old", "latin1"}
    assert "Café owners" in store.get_article("latin1").text


def test_same_ingest_twice_changes_nothing(env):
    d = _corpus(env)
    runner = CliRunner()
    runner.invoke(app, ["ingest", str(d), "--db", "s.db"])
    before = json.loads(runner.invoke(app, ["export", "--db", "s.db", "--format", "json"]).output)
    second = runner.invoke(app, ["ingest", str(d), "--db", "s.db"])
    assert "stored 0 articles" in second.output and "6 already stored" in second.output
    after = json.loads(runner.invoke(app, ["export", "--db", "s.db", "--format", "json"]).output)
    assert before == after
    assert "has the same text as" not in second.output  # the same ids: nothing to name


def test_every_stored_event_keeps_its_tree_of_merges_for_the_next_run(env):
    """A later `storyline ingest` starts placement from the store: each event says how it was formed, after an
    ingest, a second one, and a rebuild."""
    d = _corpus(env)
    runner = CliRunner()

    def known() -> tuple[set[str], set[str]]:
        store = open_store(env / "s.db")
        try:
            return {e.id for e in store.events()}, set(store.event_trees())
        finally:
            store.close()

    runner.invoke(app, ["ingest", str(d), "--db", "s.db"])
    events, weighed = known()
    assert len(events) >= 4 and weighed == events
    later = env / "later.jsonl"
    later.write_text(json.dumps({"id": "copy3", "text": "Storm stops trains\n" + WIRE, "date": "2024-02-08"}) + "\n")
    assert runner.invoke(app, ["ingest", str(later), "--db", "s.db"]).exit_code == 0
    assert known()[1] == known()[0]
    assert runner.invoke(app, ["rebuild", "--db", "s.db"]).exit_code == 0
    assert known()[1] == known()[0] == events


def test_separate_runs_store_the_trees_the_placing_process_holds(tmp_path):
    """Each run builds its index inside its first batch's transaction, with that batch already stored: the
    batch is placed, and what placing it changed written, by the one path every batch takes. (Placed while
    the index was built, the events it took apart and formed again kept their old merges in the store.)"""
    from _light import RegexNLP
    from storyline.enrichment import Enricher, HashEmbedder

    files = sorted(str(p) for p in (Path(__file__).parent.parent / "examples" / "corpus").iterdir())
    store = open_store(tmp_path / "s.db")
    settings = Settings(languages="en", embedder="hash")
    for run in range(4):  # a new pipeline for each, as a new process: its index is built from the store
        pipeline = Pipeline(store, settings, enricher=Enricher(settings, nlp=RegexNLP(), embedder=HashEmbedder()))
        assert pipeline.ingest(files[run::4]).ok
        held = pipeline.events.index.trees
        assert store.event_trees() == held, run
        assert set(held) == {e.id for e in store.events()}


def test_a_folder_with_no_article_says_so(env):
    """An empty folder printed "stored 0 articles" and nothing else, as if an ingest had finished (an empty JSONL file
    is an error, and files of other types are told as skipped)."""
    (env / "empty").mkdir()
    result = CliRunner().invoke(app, ["ingest", str(env / "empty"), "--db", "s.db"])
    assert result.exit_code == 0 and "stored 0 articles" in result.stdout, result.output
    assert f"note: no article in {env / 'empty'}" in result.stderr and ".jsonl files" in result.stderr, result.stderr
    d = _corpus(env)
    assert "no article" not in CliRunner().invoke(app, ["ingest", str(d), "--db", "s.db"]).stderr


def test_the_same_text_under_another_id_is_named_with_the_article_stored(env):
    (env / "a.jsonl").write_text(json.dumps({"id": "first", "text": "The harbour board met on Tuesday in Velmora."}) + "\n"
                                 + json.dumps({"id": "second", "text": "The harbour board met on Tuesday in Velmora."}) + "\n")
    result = CliRunner().invoke(app, ["ingest", str(env / "a.jsonl"), "--db", "s.db"])
    assert result.exit_code == 0, result.output
    assert "'second' has the same text as the stored article 'first'; it was not stored again" in result.output
    assert "stored 1 article (0 syndicated copies), 1 already stored" in result.output


def test_a_word_for_word_reprint_in_another_outlet_is_stored_as_a_copy(env):
    """A second paper printing a wire story word for word had been taken for the article already stored and
    dropped, and with it the outlet; the same line again, or the same outlet at another address, is still the
    same article."""
    text = "Velmora's harbour board voted on Tuesday to close the east quay for repairs until the spring."
    lines = [{"id": "quay", "text": text, "title": "Harbour board closes east quay", "outlet": "Velmar Wire",
              "url": "https://wire.example/quay"},
             {"id": "quay", "text": text, "title": "East quay to close", "outlet": "Kelport Gazette"},
             {"id": "quay", "text": text, "title": "Quay closes", "outlet": "Nordhavn Post", "url": "https://post.example/q"},
             {"id": "again", "text": text, "outlet": "Velmar Wire", "url": "https://www.wire.example/quay?utm_source=x"}]
    (env / "a.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", str(env / "a.jsonl"), "--db", "s.db"])
    assert "stored 3 articles (2 syndicated copies), 1 already stored" in first.output, first.output
    store = open_store(env / "s.db")
    stored = {a["id"]: a for a in store.list_articles(limit=10)}
    assert len(stored) == 3 and {a["outlet"] for a in stored.values()} == {"Velmar Wire", "Kelport Gazette", "Nordhavn Post"}
    assert sorted(a["duplicate_of"] or "" for a in stored.values()) == ["", "quay", "quay"]
    keys = dict(store.article_vector_keys())
    assert len(set(keys.values())) == 3  # each its own headline, its own vector: the wire's is not replaced
    again = runner.invoke(app, ["ingest", str(env / "a.jsonl"), "--db", "s.db"])
    assert "stored 0 articles" in again.output and "4 already stored" in again.output, again.output
    (env / "b.jsonl").write_text(json.dumps({"id": "quay", "text": text, "title": "Quay shut", "outlet": "Lindau Courier"}) + "\n")
    one = runner.invoke(app, ["ingest", str(env / "b.jsonl"), "--db", "s.db"])
    assert "stored 1 article (1 syndicated copy), 0 already stored" in one.output, one.output


def test_syndicated_copies_point_at_the_earliest(env):
    d = _corpus(env)
    CliRunner().invoke(app, ["ingest", str(d), "--db", "s.db"])
    store = open_store(env / "s.db")
    copy1, copy2 = store.get_article("copy1"), store.get_article("copy2")
    assert copy1.duplicate_of is None or copy1.duplicate_of == "storm"
    assert copy2.duplicate_of in ("copy1", "storm")
    assert store.get_article("copy2").event_id == store.get_article(copy2.duplicate_of).event_id


def test_crash_mid_ingest_leaves_store_consistent_and_rerun_completes(env, monkeypatch):
    d = env / "many"
    d.mkdir()
    for i in range(BATCH + 6):  # more than one batch
        (d / f"n{i:03d}.txt").write_text(f"Council notice {i}\n\nThe council published notice number {i} about road works on street {i}.\n")
    settings = Settings(db=str(env / "s.db"))
    store = open_store(settings.db)
    pipeline = Pipeline(store, settings)
    real = pipeline.events.place
    calls = {"n": 0}

    def crash_on_second(articles, store_):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(articles, store_)

    monkeypatch.setattr(pipeline.events, "place", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        pipeline.ingest([str(d)])
    stored = store.count("articles")
    assert stored == BATCH  # the first whole batch, nothing of the second
    orphans = store.conn.execute("SELECT count(*) FROM mentions WHERE article_id NOT IN (SELECT id FROM articles)").fetchone()[0]
    assert orphans == 0
    assert store.conn.execute("SELECT count(*) FROM articles WHERE event_id IS NULL").fetchone()[0] == 0
    rerun = Pipeline(open_store(settings.db), settings).ingest([str(d)])
    assert len(rerun.stored) == 6 and len(rerun.unchanged) == BATCH


def test_what_stops_an_ingest_while_a_batch_is_prepared_stops_it_after_the_batch_before_is_stored(env, monkeypatch):
    """The next batch is read while the one before is enriched: a failure that stops the ingest while the next is
    prepared (a store that fails, an interrupt) used to lose the batch before, ready to store."""
    monkeypatch.setattr("storyline.pipeline.BATCH", 2)
    path = env / "three.jsonl"
    path.write_text("".join(json.dumps({"id": f"n{i}", "text": f"Notice {i}\n\nThe harbour office posted notice {i} "
                                        f"about berth {i}."}) + "\n" for i in range(4)))  # fmt: skip
    store = open_store(env / "s.db")
    pipeline = Pipeline(store, Settings(db=str(env / "s.db")))
    real = pipeline._prepare
    calls = {"n": 0}

    def fail_on_second(*args):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(pipeline, "_prepare", fail_on_second)
    with pytest.raises(KeyboardInterrupt):
        pipeline.ingest([str(path)])
    assert sorted(r["id"] for r in store.list_articles()) == ["n0", "n1"]


def test_an_article_the_store_cannot_look_up_fails_alone(env, monkeypatch):
    path = env / "two.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": f"Notice {i}\n\nThe harbour office posted notice {i}."}) + "\n"
                            for i in ("good", "odd")))  # fmt: skip
    store = open_store(env / "s.db")
    real = store.hash_for_id
    monkeypatch.setattr(store, "hash_for_id", lambda i: real(i) if i != "odd" else "\udce9".encode("utf-8"))
    report = Pipeline(store, Settings(db=str(env / "s.db"))).ingest([str(path)])
    assert report.stored == ["good"] and [f.where for f in report.failures] == [str(path) + ":2"]
    assert "checking against the store" in str(report.failures[0])


def test_a_file_whose_name_is_not_utf8_is_stored_under_its_name_written_out(env):
    """Python reads such a name with lone surrogates, which no store can hold: the id and source write its bytes
    out, and the other files are stored too (the whole ingest failed with a traceback, storing nothing)."""
    import os

    d = env / "names"
    d.mkdir()
    with open(os.path.join(os.fsencode(d), b"caf\xe9.txt"), "wb") as f:
        f.write(b"Cafe closes\n\nThe cafe on Main Street closed on Monday after thirty years, its owner said.\n")
    (d / "ok.txt").write_text("Library hours\n\nThe library will open longer hours next week, the librarian said.\n")
    result = CliRunner().invoke(app, ["ingest", str(d), "--db", str(env / "s.db")])
    assert result.exit_code == 0, result.output
    store = open_store(env / "s.db")
    assert sorted(r["id"] for r in store.list_articles()) == ["caf\\xe9", "ok"]
    assert store.get_article("caf\\xe9").source.endswith("caf\\xe9.txt")


def test_the_batch_being_enriched_while_the_one_before_is_stored_is_checked_against_it(env, monkeypatch):
    """Batches overlap (the next is described and enriched while one is stored): the next one's checks count the
    one before as stored, so a copy of its content is recognised and its ids are not taken twice."""
    monkeypatch.setattr("storyline.pipeline.BATCH", 3)
    texts = [f"Harbour notice {i}\n\nThe harbour office posted notice {i} about berth {i} on the east quay." for i in range(5)]
    path = env / "batches.jsonl"
    rows = [{"id": f"n{i}", "text": t} for i, t in enumerate(texts)]
    rows.insert(3, {"id": "again", "text": texts[1]})  # the second batch repeats an article of the first ...
    rows.insert(4, {"id": "n0", "text": "Harbour notice 9\n\nAn unrelated notice that reuses an id of the first batch."})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    store = open_store(env / "s.db")
    order = []
    pipeline = Pipeline(store, Settings(db=str(env / "s.db")))
    real_start, real_finish = pipeline._start, pipeline._finish
    monkeypatch.setattr(pipeline, "_start", lambda *a: order.append("start") or real_start(*a))
    monkeypatch.setattr(pipeline, "_finish", lambda *a: order.append("finish") or real_finish(*a))
    report = pipeline.ingest([str(path)])
    assert order[:3] == ["start", "start", "finish"]  # the second batch started before the first was stored
    assert report.unchanged == [("again", "n1")]
    assert report.renamed and report.renamed[0][0] == "n0" and report.renamed[0][1].startswith("n0~")
    assert sorted(report.stored) == sorted(["n0", "n1", "n2", "n3", "n4", report.renamed[0][1]])
    assert store.count("articles") == 6 and report.ok


def test_export_follows_the_contract(env):
    d = _corpus(env)
    CliRunner().invoke(app, ["ingest", str(d), "--db", "s.db"])
    data = json.loads(CliRunner().invoke(app, ["export", "--db", "s.db", "--format", "json"]).output)
    assert {"articles", "events", "stories", "entities", "quotes", "figures"} <= set(data)
    need = {"id", "title", "outlet", "outlet_domain", "published", "published_how", "byline", "authors", "wire",
            "language", "text", "duplicate_of", "event_id", "story_id"}  # fmt: skip
    for a in data["articles"]:
        assert need <= set(a)
        assert ", ".join(a["authors"]) == (a["byline"] or "")
    strike = next(a for a in data["articles"] if a["id"] == "strike")
    assert strike["published"] == "2024-03-04" and strike["published_how"] == "stated"
    assert strike["title"] == "Dock workers walk out at Port Alder"
    assert any(q["article_id"] == "strike" and q["text"].startswith("We will stay out") for q in data["quotes"])
    for e in data["events"]:
        assert {"id", "date", "title", "articles", "story_id"} <= set(e)
    for s in data["stories"]:
        assert {"id", "title", "events"} <= set(s)


def test_listing_flags(env):
    d = _corpus(env)
    runner = CliRunner()
    runner.invoke(app, ["ingest", str(d), "--db", "s.db"])
    as_json = json.loads(runner.invoke(app, ["articles", "--db", "s.db", "--json"]).output)
    assert len(as_json) == 6
    jsonl = runner.invoke(app, ["articles", "--db", "s.db", "--jsonl"]).output.strip().splitlines()
    assert len(jsonl) == 6 and json.loads(jsonl[0])["id"]
    csv_out = runner.invoke(app, ["articles", "--db", "s.db", "--csv"]).output.strip().splitlines()
    assert csv_out[0].startswith("id,") and len(csv_out) == 7
    shown = runner.invoke(app, ["show", "strike", "--db", "s.db"]).output
    assert "Dock workers at Port Alder" in shown and "Teodor Blanc" in shown


class _FailsOn:
    """An enricher that fails on the article with id ``bad`` (and enriches the others with the hash embedder)."""

    def __init__(self, bad: str):
        from storyline.enrichment import Enricher, HashEmbedder

        self.bad = bad
        self.real = Enricher(Settings(embedder="hash", workers=1), embedder=HashEmbedder())
        self.embedder = self.real.embedder

    def enrich(self, articles, vector_cache=None):
        if any(a.id == self.bad for a in articles):
            raise ValueError(f"cannot enrich {self.bad}")
        return self.real.enrich(articles, vector_cache)


def test_a_copy_of_an_article_that_failed_in_the_batch_before_is_stored_after_all(env, monkeypatch):
    monkeypatch.setattr("storyline.pipeline.BATCH", 2)
    text = "Ferry notice\n\nThe ferry office moved the evening crossing to the north pier for the summer."
    rows = [{"id": "a1", "text": text}, {"id": "a2", "text": "Road notice\n\nThe road to the pier closes on Sunday."},
            {"id": "b1", "text": text}]
    path = env / "copies.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    store = open_store(env / "s.db")
    report = Pipeline(store, Settings(db=str(env / "s.db")), enricher=_FailsOn("a1")).ingest([str(path)])
    assert len(report.failures) == 1 and "cannot enrich a1" in str(report.failures[0])
    assert sorted(report.stored) == ["a2", "b1"] and report.unchanged == []
    assert store.get_article("b1").text.startswith("Ferry notice")


def test_articles_stored_with_another_embedder_get_vectors_of_this_one(env):
    from storyline.enrichment import Enricher, HashEmbedder

    path = env / "two.jsonl"
    path.write_text("".join(json.dumps({"id": f"n{i}", "text": f"Notice {i}\n\nThe port posted notice {i} today."}) + "\n"
                            for i in range(2)))
    settings = Settings(db=str(env / "s.db"), embedder="hash")
    store = open_store(settings.db)
    Pipeline(store, settings, enricher=Enricher(settings, embedder=HashEmbedder(8))).ingest([str(path)])
    assert {len(v) for v in store.get_vectors([k for _, k in store.article_vector_keys()]).values()} == {8}
    later = Pipeline(store, settings, enricher=Enricher(settings, embedder=HashEmbedder(16)))  # another embedder
    assert store.vector_keys_of_another_length(16) == []
    assert {len(v) for v in store.get_vectors([k for _, k in store.article_vector_keys()]).values()} == {16}
    (env / "more.txt").write_text("Notice 7\n\nThe port posted notice 7 today, about the pier.")
    assert later.ingest([str(env / "more.txt")]).ok  # placed among the re-embedded ones


def test_csv_header_is_the_same_with_rows_or_none(env):
    runner = CliRunner()
    runner.invoke(app, ["ingest", str(_corpus(env)), "--db", "s.db"])
    open_store("empty.db").close()
    for listing in ("articles", "outlets", "entities", "quotes", "figures", "events", "stories"):
        full = runner.invoke(app, [listing, "--db", "s.db", "--csv"]).output.splitlines()
        empty = runner.invoke(app, [listing, "--db", "empty.db", "--csv"]).output.splitlines()
        assert len(full) > 1 and empty == full[:1], listing


def test_jsonl_of_no_rows_is_no_lines(env):
    """A script reads --jsonl line by line: an empty listing has no line, not a blank one json.loads refuses."""
    runner = CliRunner()
    runner.invoke(app, ["ingest", str(_corpus(env)), "--db", "s.db"])
    open_store("empty.db").close()
    for listing in ("articles", "outlets", "entities", "quotes", "figures", "events", "stories"):
        assert runner.invoke(app, [listing, "--db", "empty.db", "--jsonl"]).output == "", listing
        full = runner.invoke(app, [listing, "--db", "s.db", "--jsonl"]).output
        assert full.endswith("\n") and all(json.loads(line) for line in full.splitlines()), listing


def test_a_negative_limit_is_refused_before_the_store_is_read(env):
    """SQLite read LIMIT -1 as no limit and PostgreSQL failed on it: one clear refusal on every backend."""
    runner = CliRunner()
    runner.invoke(app, ["ingest", str(_corpus(env)), "--db", "s.db"])
    for listing in ("articles", "entities", "quotes", "figures"):
        result = runner.invoke(app, [listing, "--db", "s.db", "--limit", "-1", "--json"])
        assert result.exit_code == 2 and "--limit" in result.output and "0" in result.output, listing
        assert json.loads(runner.invoke(app, [listing, "--db", "s.db", "--limit", "0", "--json"]).output) == []


def test_warming_up_loads_the_models_where_the_executor_runs_them(tmp_path):
    """`ingest --watch --engine dask` loaded the models in the driver, which never uses them, and left every Dask
    worker to load them on its first file."""
    from storyline.executors import LocalExecutor

    warmed = []

    class Elsewhere(LocalExecutor):
        def warm_up(self) -> None:
            warmed.append(self.name)

    store = open_store(tmp_path / "s.db")
    settings = Settings(languages="en", embedder="hash")
    pipeline = Pipeline(store, settings, executor=Elsewhere(settings, lambda: pytest.fail("the driver's models loaded")))
    pipeline.warm()
    assert warmed == ["local"]
