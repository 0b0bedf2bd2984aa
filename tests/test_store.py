"""The store contract, on every backend (SQLite and PostgreSQL): schema, the one write path, search, vectors,
events; and what only SQLite has (WAL, pragmas)."""


import os

import numpy as np
import pytest

from storyline import Article, Event, NotFound, Story
from storyline.storage import open_store, store_errors
from storyline.storage.migrations import MIGRATIONS


def _article(i: str, text: str = "The council voted on the new harbour budget.", **kw) -> Article:
    a = Article(id=i, source=f"{i}.txt", raw=text, text=text, title=f"Title {i}", content_hash=f"h{i}", **kw)
    return a


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.close()


def test_migrations_recorded_once(store_url):
    from storyline.storage import is_postgres, pg_migrations

    first = open_store(store_url)
    assert first.migrations_applied == [m.__name__ for m in (pg_migrations.MIGRATIONS if is_postgres(store_url) else MIGRATIONS)]
    first.close()
    again = open_store(store_url)
    assert again.migrations_applied == []
    again.close()


def test_migrations_recorded_once_and_wal_on(tmp_path):
    path = tmp_path / "s.db"
    first = open_store(path)
    assert first.migrations_applied == [m.__name__ for m in MIGRATIONS]
    first.close()
    again = open_store(path)
    assert again.migrations_applied == []
    assert again.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert again.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_outlets_and_speakers_match_whatever_the_case_in_any_alphabet(store):
    from storyline import Quote

    a = _article("a1", '"The budget is fair," said Ángel Ruiz.', outlet="Ölberg Bote")
    a.quotes = [Quote(1, 20, "The budget is fair,", "Ángel Ruiz", "said", "direct")]
    store.add_articles([a, _article("a2", outlet="Harbour Gazette")])
    as_written = ["Ölberg Bote", "Ángel Ruiz"]
    # outlets are kept folded by Python on every backend; a speaker is folded by the backend on both sides
    # (PostgreSQL through ICU: its lower, under the C locale of the tests' server, folds ASCII only)
    other_case = ["ölberg BOTE", "ángel RUIZ"]
    for outlet, speaker in (as_written, other_case):
        assert [r["id"] for r in store.list_articles(outlet=outlet)] == ["a1"], outlet
        assert [h["id"] for h in store.search("budget", outlet=outlet)] == ["a1"], outlet
        assert [q["article_id"] for q in store.quotes(speaker=speaker)] == ["a1"], speaker
    assert [r["id"] for r in store.list_articles(outlet="harbour GAZETTE")] == ["a2"]


def test_a_speaker_is_found_by_the_name_as_written_its_wildcards_too(store):
    """LIKE reads % and _ as wildcards and \\ as an escape: in a speaker's name they are letters."""
    from storyline import Quote

    a = _article("a1", '"The budget is fair," said Ana Ruiz.')
    a.quotes = [Quote(1, 20, "The budget is fair,", "Ana Ruiz", "said", "direct")]
    b = _article("b1", '"Rates rise," said 100%_Ana\\Bot.')
    b.quotes = [Quote(1, 13, "Rates rise,", "100%_Ana\\Bot", "said", "direct")]
    store.add_articles([a, b])
    for speaker, found in (("_", ["b1"]), ("%", ["b1"]), ("\\", ["b1"]), ("100%_ana\\", ["b1"]), ("ana", ["a1", "b1"]),
                           ("a_a", []), ("an%z", []), ("ana ruiz", ["a1"])):  # fmt: skip
        assert sorted(q["article_id"] for q in store.quotes(speaker=speaker)) == found, speaker


def test_search_finds_a_word_whatever_its_case_in_any_alphabet(store):
    """PostgreSQL under a C ctype indexed "Émile" as written and lower-cased the query: never found."""
    store.add_articles([_article("a1", "Mayor Émile Durand met Östen Berg in ΑΘΗΝΑ and Москва on Monday."),
                        _article("a2")])  # fmt: skip
    for query in ("Émile", "émile", "ÉMILE", "Östen", "östen", "ΑΘΗΝΑ", "αθηνα", "Москва", "МОСКВА", "durand BERG"):
        assert [h["id"] for h in store.search(query)] == ["a1"], query


def test_a_postgresql_store_with_rows_migrated_to_m007_finds_words_and_speakers_in_any_case(postgres_server, monkeypatch):
    """m007 rebuilds the search vector of rows stored before it: 'ÉMILE' finds the 'Émile' of an old article, over
    `storyline migrate`, as the speaker filter does its quotes."""
    import json

    from typer.testing import CliRunner

    from storyline import Quote
    from storyline.cli import app
    from storyline.storage import pg_migrations

    url = postgres_server.new_database()
    before = pg_migrations.MIGRATIONS.index(pg_migrations.m007_search_any_case)
    with monkeypatch.context() as older:  # the storyline before m007
        older.setattr(pg_migrations, "MIGRATIONS", pg_migrations.MIGRATIONS[:before])
        old = open_store(url)
        said = _article("a1", '"The pier stays shut," said Émile Durand, who met Östen Berg in ΑΘΗΝΑ.')
        said.quotes = [Quote(1, 22, "The pier stays shut,", "Émile Durand", "said", "direct")]
        named = _article("a2", '"Fares will rise," Ørjan Lie told the Москва council.')
        named.quotes = [Quote(1, 18, "Fares will rise,", "Ørjan Lie", "told", "direct")]
        old.add_articles([said, named, _article("a3")])
        assert old.search("émile") == []  # the old vector: 'Émile' as written under the C ctype
        old.close()
    runner = CliRunner()
    refused = runner.invoke(app, ["quotes", "--db", url, "--speaker", "ÉMILE", "--json"])
    assert "(m007_search_any_case, m008_event_weakest, m009_traits, m010_event_trees not applied)" in str(refused.exception)  # a read command never migrates
    migrated = runner.invoke(app, ["migrate", "--db", url])
    assert migrated.exit_code == 0 and "applied m007_search_any_case" in migrated.output, migrated.output
    store = open_store(url, read_only=True)
    try:
        for query, found in (("ÉMILE", "a1"), ("émile", "a1"), ("östen", "a1"), ("αθηνα", "a1"), ("МОСКВА", "a2"),
                             ("ØRJAN", "a2"), ("harbour", "a3")):  # fmt: skip
            assert [h["id"] for h in store.search(query)] == [found], query
    finally:
        store.close()
    for speaker, found in (("ÉMILE", "a1"), ("émile durand", "a1"), ("ØRJAN", "a2"), ("ørjan LIE", "a2")):
        listed = runner.invoke(app, ["quotes", "--db", url, "--speaker", speaker, "--json"])
        assert [q["article_id"] for q in json.loads(listed.output)] == [found], (speaker, listed.output)


def test_language_and_entity_type_filters_match_whatever_the_case(store):
    store.add_articles([_article("a1", language="de")],
                       entities=[{"id": 1, "name": "Ida Kral", "type": "PERSON", "aliases": [], "count": 1}])  # fmt: skip
    assert [r["id"] for r in store.list_articles(language="DE")] == ["a1"]
    assert [e["name"] for e in store.entities(type="person")] == ["Ida Kral"]


def test_the_schema_needs_no_function_of_storyline(tmp_path):
    """Any SQLite tool can check and write the store: no index or trigger calls a function only storyline has."""
    import sqlite3

    store = open_store(tmp_path / "s.db")
    store.add_articles([_article("a1", outlet="Ölberg Bote")])
    store.close()
    plain = sqlite3.connect(tmp_path / "s.db")
    assert plain.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    plain.execute("UPDATE articles SET outlet = 'Other' WHERE id = 'a1'")
    plain.commit()
    plain.close()


def test_an_outlet_named_by_its_domain_is_found_by_it(store):
    """`storyline outlets` lists an outlet without a name by its domain, and `--outlet pier.example` found nothing."""
    store.add_articles([_article("a1", outlet_domain="pier.example"), _article("a2", outlet="Pier", outlet_domain="pier.example"),
                        _article("a3", outlet="Harbour Gazette", outlet_domain="gazette.example")])  # fmt: skip
    for given in ("pier.example", "www.Pier.example", "https://news.pier.example:443/news/1", "pier.example."):
        assert [r["id"] for r in store.list_articles(outlet=given)] == ["a1", "a2"], given
        assert sorted(h["id"] for h in store.search("harbour budget", outlet=given)) == ["a1", "a2"], given
    assert [r["id"] for r in store.list_articles(outlet="pier")] == ["a2"]  # a name is matched as a name


def test_outlet_filter_reads_its_index_whatever_the_case(tmp_path):
    store = open_store(tmp_path / "s.db")
    store.add_articles([_article("a1", outlet="Harbour Gazette"), _article("a2", outlet="Sound Observer")])
    run = []
    store.conn.set_trace_callback(run.append)  # the statement as run, its parameters bound
    assert [r["id"] for r in store.list_articles(outlet="HARBOUR gazette")] == ["a1"]
    store.conn.set_trace_callback(None)
    listing = next(sql for sql in run if "FROM articles a" in sql)
    plan = " ".join(str(row[-1]) for row in store.conn.execute("EXPLAIN QUERY PLAN " + listing))
    assert "INDEX articles_outlet" in plan, plan
    store.close()


def test_failed_batch_leaves_nothing(store):
    with pytest.raises(RuntimeError):
        with store.write():
            store.add_articles([_article("a1")])
            raise RuntimeError("crash mid-batch")
    assert store.count("articles") == 0
    store.add_articles([_article("a2")])
    assert store.count("articles") == 1


def test_raw_and_removed_round_trip(store):
    from storyline import Removed

    a = _article("a1", published="2024-03-02", published_how="stated", wire=["AFP"])
    a.raw = "Skip to content\nThe council voted on the new harbour budget.\n"
    a.removed = [Removed("Skip to content", "navigation")]
    store.add_articles([a])
    back = store.get_article("a1")
    assert back.raw == a.raw
    assert back.removed[0].reason == "navigation"
    assert back.wire == ["AFP"] and back.published == "2024-03-02"


def test_raw_input_with_nul_is_kept_whole(store):
    a = _article("a1")
    a.raw = "The council\x00 voted on the budget."
    store.add_articles([a])
    assert store.get_article("a1").raw == a.raw


def test_unknown_article_names_the_command(store):
    with pytest.raises(NotFound, match="storyline articles"):
        store.get_article("nope")


def test_fulltext_search_ranks_and_escapes(store):
    store.add_articles([
        _article("a1", "Dock workers strike over pay in the northern port."),
        _article("a2", "The orchestra opened its winter season."),
    ])
    hits = store.search("strike port")
    assert [h["id"] for h in hits] == ["a1"]
    assert store.search('port" OR "orchestra') == []  # user input is never FTS syntax


def test_vectors_round_trip(store):
    v = np.arange(4, dtype=np.float32)
    store.put_vectors({"k": v})
    assert np.array_equal(store.get_vectors(["k", "missing"])["k"], v)


def test_events_and_stories_saved_and_orphans_removed(store):
    store.add_articles([_article("a1"), _article("a2", "Another text about the harbour.")])
    store.save_events([Event("e1", date="2024-01-02", articles=["a1", "a2"], story_id="s1")], [Story("s1", "Harbour")])
    assert store.get_article("a1").story_id == "s1"
    assert store.get_story("s1").events == ["e1"]
    store.save_events([Event("e2", date="2024-01-03", articles=["a1", "a2"], story_id="s2")], [Story("s2", "H")])
    assert [e.id for e in store.events()] == ["e2"]
    assert [s.id for s in store.stories()] == ["s2"]
    store.add_articles([_article("a3", "A third text, about the ferry.")])
    store.save_events([Event("e3", date="2024-01-04", articles=["a3"], story_id="s3")], [Story("s3", "Ferry")])
    store.save_events([Event("e2", date="2024-01-03", articles=["a1", "a2"], story_id="s4")], [Story("s4", "H")])
    assert [(e.id, e.story_id) for e in store.events()] == [("e2", "s4"), ("e3", "s3")]  # s2 left empty: removed
    assert [s.id for s in store.stories()] == ["s3", "s4"]
    store.save_events([Event("e5", articles=[], story_id="s5")], [Story("s5", "Nothing")])  # holds no article
    assert [e.id for e in store.events()] == ["e2", "e3"] and [s.id for s in store.stories()] == ["s3", "s4"]


def test_a_storys_events_are_read_with_their_own_members(store):
    store.add_articles([_article(i, f"Text {i} about the harbour.") for i in ("a1", "a2", "a3", "a4")])
    store.save_events([Event("e1", date="2024-01-02", articles=["a1", "a2"], story_id="s1"),
                       Event("e2", date="2024-01-05", articles=["a3"], story_id="s1"),
                       Event("e3", date="2024-01-03", articles=["a4"], story_id="s2")],
                      [Story("s1", "Harbour"), Story("s2", "Ferry")])  # fmt: skip
    assert [(e.id, e.articles) for e in store.events(story_id="s1")] == [("e1", ["a1", "a2"]), ("e2", ["a3"])]
    assert [(e.id, e.title, e.articles) for e in store.events(story_id="s1", articles=False)] == [
        ("e1", None, []), ("e2", None, [])]
    assert [(e.id, e.articles) for e in store.events()] == [("e1", ["a1", "a2"]), ("e3", ["a4"]), ("e2", ["a3"])]


def test_traits_are_kept_by_version_and_dropped_when_a_date_or_original_changes(store):
    store.add_articles([_article(i, f"Text {i} about the harbour.") for i in ("a1", "a2", "a3")])
    store.put_traits({"a1": (738000, b"one"), "a2": (None, b"two"), "a3": (738002, b"three")}, 3)
    assert [(r[0], r[3], r[4]) for r in store.placement_rows(3)] == [("a1", 738000, b"one"), ("a2", None, b"two"),
                                                                     ("a3", 738002, b"three")]  # fmt: skip
    assert [r[4] for r in store.placement_rows(4)] == [None, None, None]  # another version: read again
    store.set_published("a3", "2024-01-10", "inferred")  # undated, given its event's date: nothing placement reads
    assert [r[4] for r in store.placement_rows(3)] == [b"one", b"two", b"three"]
    store.set_published("a1", "2024-01-09", "stated")
    store.set_duplicate_of({"a2": "a3"})
    assert [r[4] for r in store.placement_rows(3)] == [None, None, b"three"]
    store.set_published("a3", "2024-01-11", "stated")  # from a guessed date to one placement reads
    assert [r[4] for r in store.placement_rows(3)] == [None, None, None]


def test_events_keep_their_tree_of_merges_and_a_new_event_does_not_know_it(store):
    """Placement started afresh reads back the merges that formed each stored event (none for an article alone),
    as exactly as it held them."""
    store.add_articles([_article("a1"), _article("a2", "Another text."), _article("a3", "A third text.")])
    store.save_events([Event("e1", articles=["a1", "a2"]), Event("e3", articles=["a3"])], [],
                      trees={"e1": [(0.1 + 0.2, "a2", "a1")], "e3": []})
    assert store.event_trees() == {"e1": [(0.30000000000000004, "a2", "a1")], "e3": []}
    store.save_events([Event("e4", articles=["a3"])], [])  # e3 retired; e4 formed by a caller that did not say
    assert store.event_trees() == {"e1": [(0.30000000000000004, "a2", "a1")]}
    store.save_events([Event("e1", title="Kept", articles=["a1", "a2"])], [])  # described again, its tree kept
    assert list(store.event_trees()) == ["e1"]
    store.save_events([Event("e1", articles=["a1", "a2"])], [], trees={"e1": None})  # formed again, not known
    assert store.event_trees() == {}


def test_foreign_keys_enforced(store):
    with pytest.raises(store_errors()):
        with store.write():
            store.add_articles([_article("a1", duplicate_of="ghost")])
    assert store.count("articles") == 0


def test_limit_none_is_all_and_filters_are_typed(store):
    store.add_articles([_article(f"a{i}", f"Text number {i} about the port.", outlet="DW" if i % 2 else "AP",
                                 published=f"2024-01-0{i + 1}") for i in range(5)])  # fmt: skip
    assert len(store.list_articles(limit=None)) == 5
    assert [r["id"] for r in store.list_articles(limit=None, outlet="DW")] == ["a1", "a3"]
    assert [r["id"] for r in store.list_articles(limit=2, offset=1, since="2024-01-02")] == ["a2", "a3"]
    assert [a.id for a in store.iter_articles(full=False)] == [f"a{i}" for i in range(5)]  # the order stored
    assert [a.id for a in store.iter_articles(ids=["a3", "a1"])] == ["a1", "a3"]
    with pytest.raises(TypeError):
        store.list_articles(where="1=1")


def test_search_scores_are_normalised_with_highlights(store):
    store.add_articles([
        _article("a1", "Dock workers strike over pay in the northern port. The strike goes on."),
        _article("a2", "The orchestra opened its winter season near the port."),
    ])
    hits = store.search("strike")
    assert [h["id"] for h in hits] == ["a1"]
    hit = hits[0]
    assert 0 < hit["score"] <= 1
    assert [hit["snippet"][s:e] for s, e in hit["highlights"]] == ["strike", "strike"]
    both = store.search("port", outlet=None)
    assert {h["id"] for h in both} == {"a1", "a2"}
    assert all(0 < h["score"] <= 1 for h in both)
    assert store.search("port", limit=1, offset=1)[0]["id"] in {"a1", "a2"}


def test_entities_quotes_and_figures_round_trip(store):
    from storyline import Figure, Mention, Quote

    a = _article("a1", "Mayor Anna Berg said the port would open. It cost $5 million.")
    a.mentions = [Mention(6, 15, "Anna Berg", "PERSON", "Anna Berg", 7)]
    a.quotes = [Quote(16, 40, "the port would open", "Anna Berg", "said", "reported", 7)]
    a.figures = [Figure(49, 59, "$5 million", 5e6, "USD", "money", "It cost $5 million.", "cost")]
    store.add_articles([a], [{"id": 7, "name": "Anna Berg", "type": "PERSON", "aliases": ["Berg"], "count": 1}])
    assert store.entities(limit=None) == [{"id": 7, "name": "Anna Berg", "type": "PERSON", "aliases": ["Berg"],
                                           "count": 1, "articles": ["a1"]}]  # fmt: skip
    assert store.get_entity(7)["articles"] == ["a1"]
    assert [q["speaker"] for q in store.quotes(speaker="berg")] == ["Anna Berg"]
    assert store.figures()[0]["value"] == 5e6 and store.figures()[0]["end"] == 59
    back = store.get_article("a1")
    assert back.mentions[0].entity_id == 7 and back.quotes[0].speaker_entity_id == 7
    assert store.mentions_of(7)[0]["end"] == 15


def test_undated_articles_are_listed_first_on_every_backend(store):
    from storyline import Quote

    dated, undated = _article("a1", published="2024-01-02"), _article("a2", "Another harbour text.")
    dated.quotes = [Quote(0, 3, "The", None, None, "direct")]
    undated.quotes = [Quote(0, 7, "Another", None, None, "direct")]
    store.add_articles([dated, undated])
    store.save_events([Event("e1", articles=["a1", "a2"])], [])
    assert store.get_event("e1").articles == ["a2", "a1"]
    assert store.events()[0].articles == ["a2", "a1"]
    assert [q["article_id"] for q in store.quotes()] == ["a2", "a1"]
    assert [r["id"] for r in store.list_articles()] == ["a1", "a2"]  # listings: dated first, oldest first


def test_articles_naming_no_outlet_are_counted_by_domain_and_null_stays_null(store, store_url, monkeypatch):
    """`storyline outlets` showed "(unnamed)" for them, in the table and as the outlet's name in --json and --csv."""
    import csv
    import io
    import json

    from rich.console import Console
    from typer.testing import CliRunner

    from storyline import cli
    from storyline.cli import browsing

    store.add_articles([_article("a1", outlet="Harbour Gazette", outlet_domain="gazette.example"),
                        _article("a2", outlet_domain="pier.example"), _article("a3", outlet_domain="pier.example"),
                        _article("a4"), _article("a5", published="2024-03-01")])  # fmt: skip
    counts = [(r["outlet"], r["outlet_domain"], r["articles"], r["undated"]) for r in store.outlet_counts()]
    assert counts == [(None, "pier.example", 2, 2), (None, None, 2, 1), ("Harbour Gazette", "gazette.example", 1, 1)]
    runner, app = CliRunner(), cli.app
    monkeypatch.setattr(browsing, "out", Console(width=200))  # a table's cells unfolded
    listed = json.loads(runner.invoke(app, ["outlets", "--db", store_url, "--json"]).output)
    assert [r["outlet"] for r in listed] == [None, None, "Harbour Gazette"]
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["outlets", "--db", store_url, "--csv"]).output)))
    assert [r["outlet"] for r in rows] == ["", "", "Harbour Gazette"]
    table = runner.invoke(app, ["outlets", "--db", store_url]).output
    assert [line.split("│")[1].strip() for line in table.splitlines() if "│" in line] == [
        "pier.example", "unknown outlet", "Harbour Gazette"]  # fmt: skip


def test_generation_counts_write_transactions(store):
    before = store.generation()
    with store.write():
        store.add_articles([_article("a1")])
        store.set_published("a1", "2024-01-01", "stated")
    assert store.generation() == before + 1


def test_listing_rows_have_their_declared_fields(web_store):
    from storyline.storage import ArticleRow, EntityRow, FigureRow, OutletRow, QuoteRow, fields_of

    listings = {ArticleRow: web_store.list_articles(), OutletRow: web_store.outlet_counts(),
                EntityRow: web_store.entities(), QuoteRow: web_store.quotes(), FigureRow: web_store.figures()}  # fmt: skip
    for row, rows in listings.items():
        assert rows, row.__name__
        assert {tuple(r) for r in rows} == {fields_of(row)}, row.__name__


@pytest.mark.parametrize("url, shown", [
    ("postgresql://ana:S3cret!@db.example:5432/news", "postgresql://ana:***@db.example:5432/news"),
    ("postgresql://ana@db.example/news?password=S3cret!&sslmode=require", "postgresql://ana@db.example/news?password=***&sslmode=require"),
    ("postgresql://:S3cret!@db.example/news", "postgresql://:***@db.example/news"),
    ("postgresql://ana:Se@cret@db.example/news", "postgresql://ana:***@db.example/news"),
    ("postgresql://ana:pa/ss@db.example/news", "postgresql://ana:***@db.example/news"),
    ("postgresql://ana:S3?c#r t@db.example/news", "postgresql://ana:***@db.example/news"),
    ('invalid URI: "postgresql://ana:S3cret!@[::1/news"', 'invalid URI: "postgresql://ana:***@[::1/news"'),
    ("host=db password='S3 cret' user=ana", "host=db password=*** user=ana"),
    ("postgresql://ana@db.example/news", "postgresql://ana@db.example/news"),
])  # fmt: skip
def test_a_password_is_never_shown_however_the_url_gives_it(url, shown):
    """The password was shown after an @ it held, with no user name, in the query, and in the driver's own text."""
    from storyline.storage.base import redact

    assert redact(url) == shown and "S3" not in redact(url)


def test_postgresql_lists_in_sqlites_order_whatever_the_databases_collation(postgres_server, tmp_path):
    """A database made with an ICU collation (as production ones are, unlike the tests' C server) listed ids and
    outlets in its own order ("a-3" before "B2"), where the contract is one order on both backends."""
    import psycopg

    with psycopg.connect(postgres_server.admin_url, autocommit=True) as conn:
        name = f"icu_order_{os.getpid()}"
        conn.execute(f"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'")
    url = postgres_server.admin_url.rsplit("/", 1)[0] + "/" + name
    ids, outlets = ["a1", "B2", "_c", "a-3", "Zed"], ["abu", "AP", "Zed", "ángel", "Bo"]
    orders = []
    for target in (url, str(tmp_path / "s.db")):
        store = open_store(target)
        store.add_articles([_article(i, f"Notice {i} of the harbour board.", outlet=o, published="2024-03-05")
                            for i, o in zip(ids, outlets, strict=True)])  # fmt: skip
        orders.append(([r["id"] for r in store.list_articles()], [r["outlet"] for r in store.outlet_counts()]))
        store.close()
    assert orders[0] == orders[1] == (sorted(ids), sorted(outlets))


def test_an_older_store_whose_events_kept_their_weakest_merge_keeps_its_events_and_learns_their_trees(store_url, monkeypatch):
    """The migration to trees keeps every event; their trees are not known (the weakest merge alone was kept), so
    placement makes each again from its members when a batch first takes it apart."""
    from storyline.storage import is_postgres, migrations, pg_migrations

    module = pg_migrations if is_postgres(store_url) else migrations
    with monkeypatch.context() as older:  # the storyline before trees
        older.setattr(module, "MIGRATIONS", module.MIGRATIONS[:-1])
        old = open_store(store_url)
        old.add_articles([_article("a1"), _article("a2", "Another text.")])
        old.save_events([Event("e1", title="Pier", articles=["a1", "a2"])], [])
        with old.write():
            old._exec("UPDATE events SET weakest = 0.5")
        old.close()
    store = open_store(store_url)
    assert store.migrations_applied == [module.MIGRATIONS[-1].__name__]
    assert [(e.id, e.title, e.articles) for e in store.events()] == [("e1", "Pier", ["a1", "a2"])]
    assert store.event_trees() == {}
    store.save_events([Event("e1", title="Pier", articles=["a1", "a2"])], [], trees={"e1": [(0.5, "a1", "a2")]})
    assert store.event_trees() == {"e1": [(0.5, "a1", "a2")]}
    store.close()


def test_a_write_inside_a_read_snapshot_is_refused_alike_on_both_backends(store):
    """It failed on SQLite's own connection ("cannot start a transaction within a transaction"), passed unseen by
    the snapshot's later reads on another thread's, and worked on PostgreSQL."""
    from storyline.errors import StoreError

    store.add_articles([_article("a1")])
    with store.snapshot():
        with pytest.raises(StoreError, match="a write inside a read snapshot"):
            store.save_events([Event("e1", articles=["a1"])], [])
        assert [e.id for e in store.events()] == []
    store.save_events([Event("e1", articles=["a1"])], [])  # after it, as before
    assert [e.id for e in store.events()] == ["e1"]
