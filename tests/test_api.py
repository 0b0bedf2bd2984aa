"""The web app in process: JSON API, ingest over HTTP, security, and the pages' content."""

import csv
import html
import io
import json
import re
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyline.export import export
from storyline.models import Event, Story
from storyline.searching import MeaningSearch
from storyline.settings import Settings
from storyline.storage import open_store
from storyline.web import create_app

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "web"))
from webstore import HashEmbedder, add_article, fill_store  # noqa: E402

from _light import NoEnrichment, NoPlacement  # noqa: E402

TOKEN = "correct-horse-battery"


@pytest.fixture
def store(web_store):
    return web_store


def _client(store, pipeline=None, **settings) -> TestClient:
    options = {"api_token": TOKEN, "page_size": 50, **settings}
    st = Settings(**options)
    app = create_app(store, st, pipeline=pipeline)
    app.state.meaning = MeaningSearch(store, st, embedder=HashEmbedder())
    return TestClient(app)


@pytest.fixture
def client(store):
    from storyline.pipeline import Pipeline

    settings = Settings(api_token=TOKEN)
    return _client(store, pipeline=Pipeline(store, settings, enricher=NoEnrichment(), events=NoPlacement()))


AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/x-ndjson"}


# --- the same objects as export -----------------------------------------------------------
def test_listings_give_the_export_objects(client, store):
    exported = export(store)
    stories = client.get("/api/stories").json()["items"]
    assert stories == sorted(exported["stories"], key=lambda s: s["id"])
    events = client.get("/api/events").json()["items"]
    assert {e["id"]: e for e in events} == {e["id"]: e for e in exported["events"]}
    articles = client.get("/api/articles").json()["items"]
    assert {a["id"]: a for a in articles} == {a["id"]: a for a in exported["articles"]}


def test_details_start_with_the_export_object(client, store):
    exported = export(store)
    article = next(a for a in exported["articles"] if a["id"] == "harbour-2021")
    got = client.get("/api/articles/harbour-2021").json()
    assert {k: got[k] for k in article} == article
    assert [q["text"] for q in got["quotes"]] == ["We want one ticket for both coasts"]
    event = next(e for e in exported["events"] if e["id"] == "e-2023")
    got = client.get("/api/events/e-2023").json()
    assert {k: got[k] for k in event} == event
    cited = {c["article_id"] for s in got["summary"]["summary"] for c in [s, *s.get("also", [])]}
    assert cited and cited <= {"harbour-2023", "sound-2023"}
    story = client.get("/api/stories/s-ferry").json()
    assert [e["event_id"] for e in story["timeline"]] == ["e-2021", "e-2023"]


def test_a_quote_names_its_speaker_alike_in_every_answer(tmp_path):
    """The store's name for a speaker (one name for one person) in the quotes listing, an article's and an event's
    quotes and its summary; the article keeps the name as it gives it beside it."""
    store = open_store(tmp_path / "s.db")
    fill_store(store)
    with store.write():
        store.conn.execute("UPDATE entities SET name = 'Dr Anika Lund' WHERE name = 'Anika Lund'")
    client = _client(store)
    listed = client.get("/api/quotes?article_id=harbour-2021").json()["items"]
    [quote] = client.get("/api/articles/harbour-2021").json()["quotes"]
    event = client.get("/api/events/e-2021").json()
    assert [q["speaker"] for q in listed] == ["Dr Anika Lund"]
    assert (quote["speaker"], quote["speaker_as_written"]) == ("Dr Anika Lund", "Anika Lund")
    assert {q["speaker"] for q in event["quotes"]} == {"Dr Anika Lund"}
    assert {q["speaker"] for q in event["summary"]["quotes"]} == {"Dr Anika Lund"}
    page = client.get("/articles/harbour-2021").text  # and the article's page, and `storyline show --json`
    assert '>Dr Anika Lund</a>' in page and 'title="Anika Lund in this article"' in page
    from typer.testing import CliRunner

    from storyline.cli import app

    shown = json.loads(CliRunner().invoke(app, ["show", "harbour-2021", "--json", "--db", str(tmp_path / "s.db")]).output)
    assert [(q["speaker"], q["speaker_as_written"]) for q in shown["quotes"]] == [("Dr Anika Lund", "Anika Lund")]


def test_entity_api_lists_its_quotes(client, store):
    lund = next(e for e in store.entities() if e["name"] == "Anika Lund")
    got = client.get(f"/api/entities/{lund['id']}").json()
    assert got["name"] == "Anika Lund" and "Lund" in got["aliases"]
    assert {q["article_id"] for q in got["quotes"]} == {"harbour-2021", "coastwire-2021"}


def test_pagination_follows_next_links(client):
    seen, url = [], "/api/articles?limit=2"
    while url:
        page = client.get(url).json()
        assert len(page["items"]) <= 2
        seen += [a["id"] for a in page["items"]]
        url = page["next"]
    assert len(seen) == 5 == len(set(seen))
    first = client.get("/api/articles?limit=2&outlet=Harbour+Gazette")
    assert [a["outlet"] for a in first.json()["items"]] == ["Harbour Gazette"] * 2
    assert client.get("/api/articles?limit=2&outlet=harbour+gazette").json()["items"] == first.json()["items"]
    assert first.json()["next"] is None


def test_formats_mirror_the_cli(client):
    jsonl = client.get("/api/events?format=jsonl&limit=2")
    assert jsonl.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(x) for x in jsonl.text.splitlines()]
    assert [e["id"] for e in lines] == ["e-2021", "e-2023"]
    assert 'rel="next"' in jsonl.headers["link"]
    rows = list(csv.DictReader(io.StringIO(client.get("/api/quotes?format=csv").text)))
    assert {r["speaker"] for r in rows} == {"Anika Lund", "Tomas Brandvik"}
    assert client.get("/api/stories?format=xml").status_code == 422


def test_csv_header_is_the_same_with_rows_or_none(client):
    for path, nothing in (("/api/articles", "outlet=nobody"), ("/api/events", "offset=9999"), ("/api/quotes", "speaker=nobody"),
                          ("/api/entities", "type=NONE"), ("/api/search", "q=zzzqqq"), ("/api/stories", "offset=9999")):  # fmt: skip
        full = client.get(f"{path}?format=csv&q=treaty").text.splitlines()
        empty = client.get(f"{path}?format=csv&{nothing}").text.splitlines()
        assert len(full) > 1 and empty == full[:1], path


def test_unknown_ids_are_404(client):
    for url in ("/api/stories/nope", "/api/events/nope", "/api/articles/nope", "/api/entities/999"):
        r = client.get(url)
        assert r.status_code == 404 and ("nope" in r.json()["error"] or "999" in r.json()["error"])
    for url in ("/stories/nope", "/events/nope", "/articles/nope", "/entities/999", "/entities/abc", "/no/such/page"):
        r = client.get(url)
        assert r.status_code == 404, url
        assert "text/html" in r.headers["content-type"] and "Not found" in r.text


def test_openapi_documents_the_contract(client):
    paths = client.get("/openapi.json").json()["paths"]
    for route in ("/api/stories", "/api/stories/{story_id}", "/api/events", "/api/events/{event_id}", "/api/articles",
                  "/api/articles/{article_id}", "/api/entities/{entity_id}", "/api/search"):  # fmt: skip
        assert route in paths, route
    assert "post" in paths["/api/articles"]
    for route in ("/api/events", "/api/articles", "/api/quotes", "/api/figures"):  # a filter naming nothing is a 404
        assert "404" in paths[route]["get"]["responses"], route
    for route in ("/api/events", "/api/articles"):  # a retired story or event id leads on; an article id never moves
        assert "307" in paths[route]["get"]["responses"], route
    for route in ("/api/quotes", "/api/figures"):
        assert "307" not in paths[route]["get"]["responses"], route


def test_openapi_documents_the_ingest_body_its_auth_and_answers(client):
    doc = client.get("/openapi.json").json()
    post = doc["paths"]["/api/articles"]["post"]
    body = post["requestBody"]["content"]["application/x-ndjson"]
    assert post["requestBody"]["required"] and body["schema"]["type"] == "string"
    assert all(field in body["schema"]["description"] for field in ("text", "html", "id", "url", "title", "date", "outlet"))
    assert {"200", "401", "403", "413", "415", "422"} <= set(post["responses"])
    (scheme,) = (name for requirement in post["security"] for name in requirement)
    assert doc["components"]["securitySchemes"][scheme] | {"description": ""} == {"type": "http", "scheme": "bearer", "description": ""}
    for route in ("/api/stories/{story_id}", "/api/events/{event_id}", "/api/articles/{article_id}", "/api/entities/{entity_id}"):
        assert "404" in doc["paths"][route]["get"]["responses"], route


# --- search -------------------------------------------------------------------------------------
def test_search_by_words_with_filters(client):
    hits = client.get("/api/search?q=treaty").json()["items"]
    assert {h["id"] for h in hits} == {"harbour-2023", "sound-2023"}
    hits = client.get("/api/search?q=treaty&outlet=Sound+Observer").json()["items"]
    assert [h["id"] for h in hits] == ["sound-2023"]
    assert client.get("/api/search?q=treaty&until=2022-12-31").json()["items"] == []
    # FTS syntax in user input is searched as words, never parsed
    assert client.get('/api/search?q=treaty"+OR+NEAR(').status_code == 200
    hits = client.get('/api/search?q=(treaty"*').json()["items"]
    assert {h["id"] for h in hits} == {"harbour-2023", "sound-2023"}


def test_search_by_meaning_ranks_by_vectors(client):
    hits = client.get("/api/search?q=bridge+repairs+Kessel&mode=meaning").json()["items"]
    assert hits[0]["id"] == "script-2024"
    hits = client.get("/api/search?q=bridge+repairs+Kessel&mode=meaning&outlet=Harbour+Gazette").json()["items"]
    assert hits and {h["outlet"] for h in hits} == {"Harbour Gazette"}
    page = client.get("/search?q=bridge+repairs+Kessel&mode=meaning").text  # every article is listed: each with
    assert "Ranked by how close" in page and page.count("closeness 0.") + page.count("closeness 1.") + \
        page.count("closeness -0.") == len(client.get("/api/search?q=bridge+repairs+Kessel&mode=meaning").json()["items"])


def test_an_outlet_without_a_name_is_a_choice_and_found_by_its_domain_in_both_searches(client, store):
    add_article(store, id="pier-2024", text="Bridge repairs in Kessel start on the pier road.", outlet=None,
                outlet_domain="pier.test", vector=None)
    assert "<option>pier.test</option>" in client.get("/search?q=bridge").text
    for mode in ("words", "meaning"):
        hits = client.get(f"/api/search?q=bridge+repairs+Kessel&mode={mode}&outlet=www.pier.test").json()["items"]
        assert [h["id"] for h in hits] == ["pier-2024"], mode


def test_search_by_meaning_without_an_embedder_says_why(store, monkeypatch):
    import importlib.util

    client = _client(store)
    client.app.state.meaning = MeaningSearch(store, Settings())
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "storyline.enrichment.vectors" else real(name, *a))  # fmt: skip
    r = client.get("/api/search?q=ferry&mode=meaning")
    assert r.status_code == 503 and "enrichment" in r.json()["error"]
    page = client.get("/search?q=ferry&mode=meaning")
    assert page.status_code == 200 and "enrichment" in page.text


# --- ingest over HTTP ---------------------------------------------------------------------------
BODY = (
    '{"id": "lib-1", "text": "The mayor of Lindholm opened a new public library on Monday.", '
    '"outlet": "Lindholm Post", "date": "2024-01-08", "title": "Library opens"}\n'
    "this line is not json\n"
    "\n"
    '{"id": "lib-2", "text": ""}\n'
    '{"id": "lib-3", "html": "<html><body><p>Volunteers moved nine thousand books into the Lindholm library.</p></body></html>"}\n'
)


def test_ingest_stores_good_lines_and_reports_bad_ones_by_line(client):
    r = client.post("/api/articles", content=BODY, headers=AUTH)
    assert r.status_code == 422
    got = r.json()
    assert [s["id"] for s in got["stored"]] == ["lib-1", "lib-3"]
    assert [(e["line"], e["kind"]) for e in got["errors"]] == [(2, "MalformedLine"), (4, "EmptyInput")]
    assert "not valid JSON" in got["errors"][0]["error"]
    article = client.get("/api/articles/lib-1").json()
    assert article["outlet"] == "Lindholm Post" and article["published"] == "2024-01-08"
    again = client.post("/api/articles", content=BODY.splitlines()[0], headers=AUTH)
    assert again.status_code == 200 and again.json()["unchanged"] == [{"given": "lib-1", "stored": "lib-1"}]


def test_posts_without_ids_in_one_second_take_no_id_of_each_other(client):
    """Ids were the second and the line: a client's parallel posts were each renamed, line by line."""
    answers = [client.post("/api/articles", content=json.dumps({"text": f"The Ostrand ferry office posted notice {i} on "
                                                                        "the timetable."}).encode(), headers=AUTH).json()
               for i in range(3)]  # fmt: skip
    assert all(a["renamed"] == [] and len(a["stored"]) == 1 for a in answers), answers
    assert len({a["stored"][0]["id"] for a in answers}) == 3


def test_ingest_reports_what_the_cli_warns_about_by_line(client):
    body = (b'{"id": "w-1", "text": "The Ostrand ferry office reopened after a short strike.", "date": "2024-13-45"}\n'
            b'{"id": "w-2", "text": "Fares stay the same, said Tom\xc3\xa1s Ek of the \xff Grey Sound line."}\n'
            b'{"id": "w-3", "text": "Nothing to warn about in this line at all.", "date": "2024-03-05"}\n')  # fmt: skip
    r = client.post("/api/articles", content=body, headers=AUTH)
    assert r.status_code == 200 and [s["id"] for s in r.json()["stored"]] == ["w-1", "w-2", "w-3"]
    warnings = r.json()["warnings"]
    assert [w["line"] for w in warnings] == [1, 2]
    assert "'2024-13-45' is not a day" in warnings[0]["message"] and not warnings[0]["message"].startswith("request")
    assert "not UTF-8" in warnings[1]["message"]


def test_pages_are_served_while_an_ingest_writes(tmp_path):
    reads = open_store(tmp_path / "w.db")
    fill_store(reads)
    writes = open_store(tmp_path / "w.db")  # a second connection, as `storyline serve` uses for ingest
    inside, release = threading.Event(), threading.Event()

    class SlowPipeline:
        def process(self, articles, report):
            with writes.write():
                writes.set_published("harbour-2021", "2021-05-11", "stated")
                inside.set()
                release.wait(20)
            report.stored += [a.id for a in articles]

    client = _client(reads, pipeline=SlowPipeline())
    post = threading.Thread(target=client.post, args=("/api/articles",),
                            kwargs={"content": '{"text": "A tram line opens."}', "headers": AUTH})  # fmt: skip
    post.start()
    try:
        assert inside.wait(20)
        began = time.perf_counter()
        page = client.get("/events/e-2021")
        assert page.status_code == 200 and time.perf_counter() - began < 5
        assert "12 May 2021" in page.text  # the last committed state, not the half-written batch
    finally:
        release.set()
        post.join(20)
    assert "11 May 2021" in client.get("/articles/harbour-2021").text


def test_ingest_needs_the_right_token(client):
    line = '{"text": "A short article about a new tram line."}'
    assert client.post("/api/articles", content=line).status_code == 401
    assert client.post("/api/articles", content=line, headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.post("/api/articles", content=line, headers=AUTH).status_code == 200


def test_ingest_is_off_without_a_token_setting(store):
    client = _client(store, api_token="")
    r = client.post("/api/articles", content='{"text": "x y z"}', headers={"Authorization": "Bearer "})
    assert r.status_code == 403 and "api_token" in r.json()["error"]
    assert client.post("/api/articles", content='{"text": "x"}', headers=AUTH).status_code == 403


def test_request_size_limit_is_413(store):
    client = _client(store, max_request_bytes=1000)
    big = '{"text": "' + "word " * 400 + '"}'
    r = client.post("/api/articles", content=big, headers=AUTH)
    assert r.status_code == 413 and "1,000 bytes" in r.json()["error"]

    def chunks():  # no Content-Length: counted as it streams
        for _ in range(10):
            yield b"x" * 200

    r2 = client.post("/api/articles", content=chunks(), headers=AUTH)
    assert r2.status_code == 413 and r2.json().keys() == r.json().keys() == {"error"}  # one shape, however it is found
    assert r2.json()["error"].startswith("the request body is larger than the limit of 1,000 bytes; send fewer")


def test_token_for_reads(store):
    client = _client(store, token_for_reads=True)
    for url in ("/api/stories", "/", "/articles/harbour-2021"):
        assert client.get(url).status_code == 401, url
        assert client.get(url, headers={"Authorization": "Bearer nope"}).status_code == 403
        assert client.get(url, headers=AUTH).status_code == 200
    assert "Basic" in client.get("/").headers["www-authenticate"]  # a browser can prompt for it


# --- pages: what a person sees, safely -----------------------------------------------------------
def test_security_headers_everywhere(client):
    for url in ("/", "/api/stories", "/events/nope", "/static/style.css"):
        h = client.get(url).headers
        assert "default-src 'self'" in h["content-security-policy"] and "script-src 'none'" in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "DENY"


def test_article_text_is_escaped(client):
    html = client.get("/articles/script-2024").text
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html
    assert "Bridge shut &lt;script&gt;" in html
    assert "<script>" not in client.get("/events/e-bridge").text
    assert "<script>" not in client.get("/search?q=reader").text


def test_article_page_marks_entities_quotes_and_removed_clutter(client):
    html = client.get("/articles/harbour-2021").text
    assert 'class="ent ent-person" href="/entities/' in html
    assert '<span class="quote quote-direct"' in html and "We want one ticket for both coasts</span>" in html
    assert "Subscribe to our morning newsletter" not in html
    shown = client.get("/articles/harbour-2021?removed=1").text
    assert "Subscribe to our morning newsletter" in shown and "boilerplate" in shown
    cited = client.get("/articles/harbour-2021?at=0-20").text
    assert '<mark class="cited" id="cited">' in cited
    assert 'href="?removed=1&amp;at=0-20#cited"' in cited  # showing the clutter keeps the cited words marked


def test_an_entity_pages_quotes_link_to_the_quoted_words(client, store):
    lund = next(e for e in store.entities() if e["name"] == "Anika Lund")
    quote = client.get(f"/api/entities/{lund['id']}").json()["quotes"][0]
    html = client.get(f"/entities/{lund['id']}").text
    assert f'href="/articles/{quote["article_id"]}?at={quote["start"]}-{quote["end"]}#cited"' in html


def test_a_word_longer_than_the_line_wraps():
    from storyline.web import pages

    css = (Path(pages.__file__).parent / "static" / "style.css").read_text()
    assert "overflow-wrap: anywhere" in css


def test_home_lists_stories_by_recent_activity(client):
    html = client.get("/").text
    assert html.index("Kessel river bridge closure") < html.index("Velmora and Ostrand ferry talks")
    assert "2 events · 4 articles" in html and "<svg" in html
    # a story of several events says what happened last (its title is its largest event's), one of one event need not
    assert 'Latest, 3 September 2023: <a href="/events/e-2023">Ferry ministers sign fare treaty</a>' in html
    assert html.count("Latest,") == 1


def test_pages_do_not_reach_the_file_system(client):
    for url in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/style.css/../../security.py", "/static/x.css"):
        r = client.get(url)
        assert r.status_code == 404, url


def test_a_filter_is_matched_as_written_and_one_with_a_control_character_is_refused(client):
    """A speaker's % and _ are no wildcards (``_`` matched every quote), and a control character (``%00``)
    is a 400 in every listing's filters, as in the search, rather than match nothing or everything."""
    for wild in ("_", "%25", "Anika_Lund", "Tomas%25"):
        assert client.get(f"/api/quotes?speaker={wild}").json()["items"] == [], wild
    assert {q["speaker"] for q in client.get("/api/quotes?speaker=anika").json()["items"]} == {"Anika Lund"}
    for path in ("/api/quotes?speaker=%00", "/api/articles?outlet=%00", "/api/entities?type=a%01b",
                 "/api/events?story_id=%00"):  # fmt: skip
        answer = client.get(path)
        assert answer.status_code == 400, (path, answer.text)
        assert "holds a control character" in answer.json()["error"], answer.text


def test_a_filter_that_is_not_a_day_is_refused_not_an_empty_page(client):
    for path in ("/api/articles?since=notadate", "/api/articles?until=2014-13-45", "/api/search?q=treaty&since=yesterday"):
        answer = client.get(path)
        assert answer.status_code == 400, (path, answer.text)
        assert "is not a date; write it YYYY-MM-DD" in answer.text, answer.text
    assert client.get("/api/articles?since=2023-01-01").status_code == 200
    assert client.get("/api/articles?since=").json()["items"] == client.get("/api/articles").json()["items"]


def test_the_search_page_refuses_a_filter_that_is_not_a_day_as_the_api_does(client):
    page = client.get("/search?q=treaty&since=notadate")
    assert page.status_code == 400 and "is not a date; write it YYYY-MM-DD" in page.text
    swapped = client.get("/search?q=treaty&since=2025-01-01&until=2024-01-01&language=en")
    assert swapped.status_code == 400 and "is before since" in swapped.text
    for kept in ('value="treaty"', 'value="2025-01-01"', 'value="2024-01-01"', 'value="en"'):  # the form as filled in
        assert kept in swapped.text, kept
    control = client.get("/search?q=tre%00aty")
    assert control.status_code == 400 and "\x00" not in control.text and 'value="treaty"' in control.text
    assert client.get("/search?q=treaty&since=").status_code == 200  # an empty field is no filter


def test_the_outlet_choice_lists_each_outlet_once_and_keeps_the_active_filter(client, store):
    add_article(store, id="mirror-2024", text="The Harbour Gazette archive copy of a note on ferry fares.",
                outlet="Harbour Gazette", outlet_domain="gazette-archive.test")  # a second domain, the same outlet
    html = client.get("/search?q=ferry").text
    assert html.count("<option>Harbour Gazette</option>") == 1 and "<option selected>" not in html
    html = client.get("/search?q=ferry&outlet=harbour+gazette").text
    assert html.count("Harbour Gazette</option>") == 1 and "<option selected>Harbour Gazette</option>" in html
    html = client.get("/search?q=ferry&outlet=Lindholm+Post").text  # no stored outlet: nothing found, but shown
    assert "<option selected>Lindholm Post</option>" in html and "Nothing matches" in html


def test_past_the_last_page_says_so_and_links_to_the_first(client):
    home = client.get("/?offset=1000")
    assert home.status_code == 200 and "No stories yet" not in home.text
    assert 'No more stories on this page (there are 2): back to <a href="/">the first page</a>' in home.text
    found = client.get("/search?q=treaty&outlet=Sound+Observer&offset=1000")
    assert "Nothing matches" not in found.text and "No more matches on this page" in found.text
    first = re.search(r'<a href="([^"]+)">the first page</a>', found.text).group(1)
    assert 'href="/articles/sound-2023"' in client.get(html.unescape(first)).text  # the same search, from its start


def test_a_story_lead_gives_a_range_only_when_the_dates_differ(client, store):
    assert "2 events, 12 May 2021 to 3 September 2023." in client.get("/stories/s-ferry").text
    assert "1 event, on 20 February 2024." in client.get("/stories/s-bridge").text
    add_article(store, Event("e-cranes", title="Harbour cranes repainted", story_id="s-cranes"),
                Story("s-cranes", "Harbour cranes"), id="cranes-1", published=None,
                text="The two old harbour cranes were repainted a bright green by volunteers.")  # fmt: skip
    assert "1 event, undated." in client.get("/stories/s-cranes").text


def test_an_articles_own_words_carry_its_language(client, store):
    add_article(store, store.get_event("e-bridge"), id="kurier-de", language="de", title="Kesselbrücke gesperrt",
                text="Die Brücke über den Kessel bleibt sechs Wochen gesperrt, teilte der Rat mit.")  # fmt: skip
    add_article(store, id="zaslona-1", language="other:pl", title="Most zamknięty",
                text="Most na rzece Kessel zamknięty na sześć tygodni, gesperrt.")  # fmt: skip
    page = client.get("/articles/kurier-de").text
    assert '<h1 lang="de">Kesselbrücke gesperrt</h1>' in page and '<div class="text" lang="de">' in page
    assert '<html lang="en">' in page  # the page around the article is English
    event = client.get("/events/e-bridge").text
    assert '<h3 lang="de"><a href="/articles/kurier-de">' in event and '<h3 lang="en">' in event
    found = client.get("/search?q=gesperrt").text
    assert '<h2 lang="de"><a href="/articles/kurier-de">' in found and '<p class="snippet" lang="de">' in found
    assert '<h2><a href="/articles/zaslona-1">' in found  # other:pl, a language the store does not name: no lang
    assert 'lang="other' not in client.get("/articles/zaslona-1").text


def test_type_and_language_filters_match_in_any_case(client):
    people = client.get("/api/entities?type=PERSON").json()["items"]
    assert {e["name"] for e in people} >= {"Anika Lund", "Tomas Brandvik"}
    assert client.get("/api/entities?type=person").json()["items"] == people
    english = client.get("/api/articles?language=en").json()["items"]
    assert len(english) == 5 and client.get("/api/articles?language=EN").json()["items"] == english
    assert {h["id"] for h in client.get("/api/search?q=treaty&language=En").json()["items"]} == {"harbour-2023", "sound-2023"}
    assert 'href="/articles/sound-2023"' in client.get("/search?q=treaty&language=EN").text


def test_articles_without_an_id_is_a_404_saying_where_articles_are(client):
    for url in ("/articles", "/articles/"):
        r = client.get(url, follow_redirects=False)
        assert r.status_code == 404 and "pick one from a story, an event or a search" in r.text, url


def test_sources_differ_gives_every_date_as_the_page_writes_dates(client, monkeypatch):
    from storyline.web import views

    differs = {"kind": "figure", "text": "fare for a single crossing", "sources": [
        {"article_id": "harbour-2023", "outlet": "Harbour Gazette", "date": "2023-09-03", "when": ["2023-09-21"]},
        {"article_id": "sound-2023", "outlet": "Sound Observer", "when": ["2024-01", "2024"]},
    ]}  # fmt: skip
    monkeypatch.setattr(views, "_event_summary", lambda store, event_id, articles: {"summary": [], "differences": [differs]})
    html = client.get("/events/e-2023").text
    assert "3 September 2023" in html and "21 September 2023" in html and "January 2024, 2024" in html
    assert "2023-09-21" not in html and "2024-01" not in html


def test_a_retired_event_or_story_id_leads_to_where_its_founding_article_went(store, client):
    from urllib.parse import quote

    from storyline.events.ids import event_id_for, story_id_for

    article = store.list_articles(limit=1)[0]  # the fixture's events have ids of their own: any founded id is retired
    retired = event_id_for(article["id"])
    for path, now in ((f"/events/{retired}", article["event_id"]), (f"/api/events/{retired}", article["event_id"]),
                      (f"/stories/{story_id_for(retired)}", article["story_id"]),
                      (f"/api/stories/{story_id_for(retired)}", article["story_id"])):  # fmt: skip
        moved = client.get(path, follow_redirects=False)
        assert moved.status_code == 307 and moved.headers["location"].endswith("/" + quote(now, safe="")), path
        assert client.get(path).status_code == 200, path
    assert client.get("/events/e-000000000000", follow_redirects=False).status_code == 404
    assert client.get("/api/stories/nope").status_code == 404


# --- listings of figures and outlets; filters that name nothing ----------------------------------
def test_figures_and_outlets_are_listed_like_the_cli_and_export(client, store):
    """`storyline figures` and `storyline outlets` had no API listing: figures were only found article by article."""
    exported = export(store)["figures"]
    assert exported, "the fixture holds figures"
    figures = client.get("/api/figures", params={"limit": 1000}).json()["items"]
    assert [{k: f[k] for k in exported[0]} for f in figures] == exported
    assert {"outlet", "published"} <= set(figures[0])
    one = exported[0]["article_id"]
    assert {f["article_id"] for f in client.get("/api/figures", params={"article_id": one}).json()["items"]} == {one}
    header = next(csv.reader(io.StringIO(client.get("/api/figures", params={"format": "csv"}).text)))
    assert header[:3] == ["article_id", "text", "value"]
    outlets = client.get("/api/outlets").json()["items"]
    assert outlets == store.outlet_counts()
    page = client.get("/api/outlets", params={"limit": 1}).json()
    assert len(page["items"]) == 1 and page["next"]


@pytest.mark.parametrize("path, kind", [("/api/events?story_id=s-nowhere", "story"),
                                        ("/api/articles?event_id=e-nowhere", "event"),
                                        ("/api/quotes?article_id=nowhere", "article"),
                                        ("/api/figures?article_id=nowhere", "article")])  # fmt: skip
def test_a_filter_naming_nothing_stored_is_a_404_not_an_empty_listing(client, path, kind):
    """`storyline events --story TYPO` names the missing story; the API answered 200 with no items."""
    got = client.get(path)
    assert got.status_code == 404
    assert got.json()["error"] == f"There is no {kind} with id {path.split('=')[1]!r} in this store."


def test_a_retired_story_id_in_a_filter_leads_to_the_listing_of_where_it_went(client, store):
    from storyline.events.ids import event_id_for, story_id_for

    article = store.list_articles(limit=1)[0]
    retired = story_id_for(event_id_for(article["id"]))
    moved = client.get("/api/events", params={"story_id": retired, "limit": 5}, follow_redirects=False)
    assert moved.status_code == 307
    assert moved.headers["location"] == f"/api/events?limit=5&story_id={article['story_id']}"
    assert {e["story_id"] for e in client.get(moved.headers["location"]).json()["items"]} == {article["story_id"]}


def test_csv_writes_nested_values_as_json(client, store):
    """An article's removed spans came out of format=csv as Python's repr ("{'text': ..., 'reason': ...}"),
    which no CSV reader can parse back; a search hit's highlights likewise."""
    exported = {a["id"]: a for a in export(store)["articles"]}
    rows = list(csv.DictReader(io.StringIO(client.get("/api/articles", params={"format": "csv", "limit": 1000}).text)))
    with_removed = [r for r in rows if exported[r["id"]]["removed"]]
    assert with_removed, "the fixture has an article with removed spans"
    for row in with_removed:
        assert json.loads(row["removed"]) == exported[row["id"]]["removed"]
    assert rows[0]["wire"] == ", ".join(exported[rows[0]["id"]]["wire"])  # plain lists stay as the CLI writes them
    hits = list(csv.DictReader(io.StringIO(client.get("/api/search", params={"q": "ferry", "format": "csv"}).text)))
    assert hits and all(isinstance(json.loads(h["highlights"]), list) for h in hits if h["highlights"])


@pytest.mark.parametrize("path", ["/api/articles", "/api/search?q=ferry", "/api/search?q=ferry&mode=meaning", "/search?q=ferry"])
def test_until_before_since_is_a_400_that_says_so_not_an_empty_answer(client, path):
    """Days given the wrong way round answered 200 with nothing, which reads as 'nothing was published then'."""
    sep = "&" if "?" in path else "?"
    got = client.get(f"{path}{sep}since=2024-06-01&until=2024-05-01")
    assert got.status_code == 400
    assert "until: 2024-05-01 is before since (2024-06-01)" in html.unescape(got.text)


def test_the_store_refuses_until_before_since_for_every_front_end(store):
    from storyline.errors import BadParameter

    with pytest.raises(BadParameter, match="is before since"):
        store.list_articles(limit=10, since="2024-06-01", until="2024-05-01")
    assert store.list_articles(limit=10, since="2021-01-01", until="2021-01-01") is not None  # one day is a period


def test_how_a_date_was_found_is_told_in_a_readers_words(client, store):
    """The article page said "(html-meta)"; an event page gave an inferred date as if the article stated it."""
    page = client.get("/articles/harbour-2021").text
    assert "(stated in the article)" in page and "(stated)" not in page
    store.set_published("coastwire-2021", "2021-05-12", "inferred")
    assert "(inferred)" in client.get("/articles/coastwire-2021").text
    assert "12 May 2021 (inferred)" in client.get("/events/e-2021").text


def test_a_copy_names_its_original_by_outlet_and_headline(client, store):
    """A copy's badge gave the original's id ("copy of gulftribune_4473")."""
    store.set_duplicate_of({"sound-2023": "harbour-2023"})
    page = client.get("/articles/sound-2023").text
    assert 'A syndicated copy of <a href="/articles/harbour-2023">Ferry fare treaty signed after two years</a>, Harbour Gazette' in page
    assert 'copy of <a href="/articles/harbour-2023">Harbour Gazette</a>' in client.get("/events/e-2023").text


def test_the_entities_page_lists_each_kind_most_mentioned_first(client):
    html = client.get("/entities").text
    names = re.findall(r'<li><a href="/entities/\d+">([^<]+)</a>', html)
    assert names[:2] == ["Tomas Brandvik", "Anika Lund"] and {"Kessel Council", "Velmora"} <= set(names)
    assert "6 mentions in 4 articles" in html and "also Brandvik" in html  # named twice in two of them
    people = re.findall(r'<li><a href="/entities/\d+">([^<]+)</a>', client.get("/entities?kind=person").text)
    assert people == ["Tomas Brandvik", "Anika Lund"]
    places = re.findall(r'<li><a href="/entities/\d+">([^<]+)</a>', client.get("/entities?kind=place").text)
    assert set(places) == {"Port Aldine", "Velmora", "Ostrand City"}
    wrong = client.get("/entities?kind=planet")
    assert wrong.status_code == 400 and "person, organisation, place" in wrong.text
    assert "No more on this page" in client.get("/entities?offset=500").text


def test_the_outlets_page_counts_each_outlet_and_links_to_its_articles(client):
    html = client.get("/outlets").text
    rows = re.findall(r'<tr>\s*<th scope="row"><a href="/search\?outlet=([^"]+)">([^<]+)</a>.*?<td>(\d+)</td>', html, re.S)
    assert rows[0][1:] == ("Harbour Gazette", "2") and {r[1] for r in rows} >= {"Coast Wire", "Sound Observer"}
    listed = client.get("/search?outlet=Harbour+Gazette").text  # filters and no words: every article they let through
    assert re.findall(r'<h2[^>]*><a href="/articles/([^"]+)"', listed) == ["harbour-2021", "harbour-2023"]
    assert "oldest first" in listed
    assert "No article passes these filters" in client.get("/search?outlet=Harbour+Gazette&since=2030-01-01").text
    assert client.get("/search?outlet=Harbour+Gazette&since=notaday").status_code == 400
    assert "Nothing matches" not in client.get("/search").text  # no words and no filters: the empty form


def test_search_from_the_command_line_by_words_and_by_meaning(web_store, store_url):
    from typer.testing import CliRunner

    from storyline.cli import app

    runner = CliRunner()
    found = json.loads(runner.invoke(app, ["search", "treaty", "--db", store_url, "--json"]).output)
    assert {h["id"] for h in found} == {"harbour-2023", "sound-2023"} and all("treaty" in h["snippet"].lower() for h in found)
    only = json.loads(runner.invoke(app, ["search", "treaty", "--outlet", "Sound Observer", "--db", store_url, "--json"]).output)
    assert [h["id"] for h in only] == ["sound-2023"]
    table = runner.invoke(app, ["search", "treaty", "--db", store_url])
    assert table.exit_code == 0 and "sound-2023" in table.output and "0." in table.output
    none = runner.invoke(app, ["search", "zebra", "--db", store_url])
    assert none.exit_code == 0 and "nothing matches words 'zebra'" in none.output
    other = runner.invoke(app, ["search", "bridge", "--meaning", "--db", store_url])  # the fixture's vectors are not
    assert "the embedder setting differs from the one used at ingest" in str(other.exception)  # the set embedder's
    ranked = MeaningSearch(web_store, Settings(), embedder=HashEmbedder()).hits("bridge repairs Kessel", 10)
    assert ranked[0]["id"] == "script-2024" and ranked[0]["snippet"] and ranked[0]["score"] >= ranked[-1]["score"]


def test_entities_are_filtered_by_one_type_or_several(web_store):
    places = {e["name"] for e in web_store.entities(type=("GPE", "LOC", "FAC"))}
    assert places == {"Port Aldine", "Velmora", "Ostrand City"}
    assert {e["type"] for e in web_store.entities(type="person")} == {"PERSON"}  # one type, in any case
    assert len(web_store.entities(type=[])) == len(web_store.entities())
    assert {e["name"] for e in web_store.entities(type="place")} == places  # a reader's kind: GPE, LOC and FAC
    assert [e["name"] for e in web_store.entities(type="Organisation")] == ["Kessel Council"]


def test_the_entities_api_and_cli_take_a_readers_kind_as_the_page_does(client, store_url):
    from typer.testing import CliRunner

    from storyline.cli import app

    listed = client.get("/api/entities?type=place").json()["items"]
    assert {e["name"] for e in listed} == {"Port Aldine", "Velmora", "Ostrand City"}
    shown = json.loads(CliRunner().invoke(app, ["entities", "--type", "organisation", "--db", store_url, "--json"]).output)
    assert [e["name"] for e in shown] == ["Kessel Council"]


def test_an_outlet_on_two_domains_is_one_row_whose_link_finds_all_its_articles(client, store):
    add_article(store, id="mirror-2024", text="The Harbour Gazette archive copy of a note on ferry fares.",
                outlet="Harbour Gazette", outlet_domain="gazette-archive.test")
    html = client.get("/outlets").text
    assert html.count('<a href="/search?outlet=Harbour+Gazette">Harbour Gazette</a>') == 1
    assert "harbourgazette.test, gazette-archive.test" in html or "gazette-archive.test, harbourgazette.test" in html
    row = html[html.index("Harbour Gazette</a>"):]
    assert re.search(r"<td>3</td>", row[:400])
    listed = client.get("/search?outlet=Harbour+Gazette&mode=meaning").text
    assert len(re.findall(r'<h2[^>]*><a href="/articles/', listed)) == 3
    assert 'value="meaning" checked' in listed and "Ranked by how close" not in listed  # the mode asked for stays


def test_search_from_the_command_line_refuses_what_finds_nothing(web_store, store_url):
    from typer.testing import CliRunner

    from storyline.cli import app

    runner = CliRunner()
    blank = runner.invoke(app, ["search", "  ", "--db", store_url])
    assert blank.exit_code == 2 and "give words to search for" in blank.output
    swapped = runner.invoke(app, ["search", "x", "--meaning", "--since", "2025-01-01", "--until", "2024-01-01",
                                  "--db", store_url])  # fmt: skip
    assert "is before since" in str(swapped.exception)  # as a search by words says it, before any embedding
