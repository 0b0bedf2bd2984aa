"""Issue 14, rows 6 and 7 and the web's small one of row 12: bad parameters are 400/422 with a message, every
response carries the security headers, and a page on another site cannot post articles."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from _light import NoEnrichment, NoPlacement
from storyline.settings import Settings
from storyline.web import create_app

TOKEN = "correct-horse-battery"
LINE = '{"id": "tram-1", "text": "The city council approved a new tram line to the harbour on Monday."}'
JSONL = {"Content-Type": "application/x-ndjson"}
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def store(web_store):
    return web_store


def _client(store, **settings) -> TestClient:
    from storyline.pipeline import Pipeline

    chosen = Settings(**({"api_token": TOKEN} | settings))
    pipeline = Pipeline(store, chosen, enricher=NoEnrichment(), events=NoPlacement())
    return TestClient(create_app(store, chosen, pipeline=pipeline), raise_server_exceptions=False)


def _secured(response) -> bool:
    h = response.headers
    return "script-src 'none'" in h.get("content-security-policy", "") and h.get("x-frame-options") == "DENY"


@pytest.mark.parametrize("url", [
    "/search?q=%00", "/api/search?q=%00", "/api/search?q=ferry&outlet=%1b", "/search?q=a%1b[2Jb",
])  # fmt: skip
def test_a_control_character_in_a_search_is_a_400_with_a_message(store, url):
    r = _client(store).get(url)
    assert r.status_code == 400 and "control character" in r.text and _secured(r)


@pytest.mark.parametrize("url", [
    "/api/articles?offset=99999999999999999999", "/api/stories?offset=99999999999999999999",
    "/api/events?offset=99999999999999999999", "/api/entities?offset=99999999999999999999",
    "/api/quotes?offset=99999999999999999999", "/api/search?q=ferry&offset=99999999999999999999",
    "/api/entities/99999999999999999999", "/api/entities/0",
])  # fmt: skip
def test_numbers_out_of_range_are_a_422_with_a_message(store, url):
    r = _client(store).get(url)
    assert r.status_code == 422 and r.json()["detail"][0]["error"] and _secured(r)


@pytest.mark.parametrize("url", ["/?offset=99999999999999999999", "/search?q=ferry&offset=99999999999999999999"])
def test_pages_with_numbers_out_of_range_are_a_400_page(store, url):
    r = _client(store).get(url)
    assert r.status_code == 400 and "not valid" in r.text and _secured(r)


def test_a_server_error_still_carries_the_security_headers(store, monkeypatch):
    client = _client(store)

    def broken(*args, **kwargs):
        raise RuntimeError("something inside broke")

    monkeypatch.setattr(store, "stories", broken)
    for url in ("/api/stories", "/"):
        r = client.get(url)
        assert r.status_code == 500 and _secured(r) and "something inside broke" not in r.text


def test_a_database_error_is_a_500_naming_the_store_with_headers(store, monkeypatch):
    import sqlite3

    def damaged(*args, **kwargs):
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(store, "stories", damaged)
    r = _client(store).get("/api/stories")
    assert r.status_code == 500 and "damaged" in r.json()["error"] and _secured(r)


def test_posting_with_basic_auth_is_refused_and_no_basic_challenge_is_offered(store):
    basic = {"Authorization": "Basic " + base64.b64encode(f"me:{TOKEN}".encode()).decode()}
    r = _client(store).post("/api/articles", content=LINE, headers=basic | JSONL)
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer") and _secured(r)
    assert store.count("articles") == 5  # the fixture's five, nothing posted


def test_posting_needs_the_jsonl_content_type(store):
    client = _client(store)
    for media in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None):
        headers = BEARER | ({"Content-Type": media} if media else {})
        r = client.post("/api/articles", content=LINE, headers=headers)
        assert r.status_code == 415 and "application/x-ndjson" in r.json()["error"], media
    assert client.post("/api/articles", content=LINE, headers=BEARER | JSONL).status_code == 200


def test_posting_from_another_site_is_refused(store):
    client = _client(store)
    for foreign in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        r = client.post("/api/articles", content=LINE, headers=BEARER | JSONL | foreign)
        assert r.status_code == 403 and "another site" in r.json()["error"] and _secured(r)
    assert store.count("articles") == 5  # the fixture's five, nothing posted
    same = client.post("/api/articles", content=LINE, headers=BEARER | JSONL | {"Origin": "http://testserver"})
    assert same.status_code == 200


def test_the_issue_7_post_is_refused(store):
    """Basic auth, text/plain and a foreign Origin, all at once: what a page on another site can send."""
    basic = {"Authorization": "Basic " + base64.b64encode(f"x:{TOKEN}".encode()).decode()}
    headers = basic | {"Content-Type": "text/plain", "Origin": "http://evil.example"}
    assert _client(store).post("/api/articles", content=LINE, headers=headers).status_code in (401, 403, 415)
    assert store.count("articles") == 5  # the fixture's five, nothing posted


def test_openapi_needs_the_token_when_reads_do(store):
    client = _client(store, token_for_reads=True)
    assert client.get("/openapi.json").status_code == 401
    assert "/api/stories" in client.get("/openapi.json", headers=BEARER).json()["paths"]
    assert "/api/stories" in _client(store).get("/openapi.json").json()["paths"]  # open when reads are


def test_a_post_whose_article_breaks_enrichment_stores_the_good_lines(store):
    from storyline.pipeline import Pipeline

    class Exploding:
        def enrich(self, articles, vector_cache=None):
            if any("EXPLODE" in a.text for a in articles):
                raise ValueError("[E088] too long")
            return articles

    chosen = Settings(api_token=TOKEN)
    app = create_app(store, chosen, pipeline=Pipeline(store, chosen, enricher=Exploding(), events=NoPlacement()))
    body = "\n".join([LINE, '{"id": "bad", "text": "This one will EXPLODE in enrichment, sadly."}',
                      '{"id": "tram-2", "text": "Tram drivers will be trained over the summer, the operator said."}'])
    r = TestClient(app).post("/api/articles", content=body, headers=BEARER | JSONL)
    assert r.status_code == 422
    got = r.json()
    assert [s["id"] for s in got["stored"]] == ["tram-1", "tram-2"]
    assert [(e["line"], e["kind"]) for e in got["errors"]] == [(2, "ArticleFailed")]


@pytest.mark.parametrize("digits", ["%C2%B2", "%E2%91%A0", "%D9%A3", "%EF%BC%93"])  # ², ①, Arabic-Indic 3, fullwidth 3
def test_an_entity_id_of_other_digits_than_ascii_is_a_404_page(store, digits):
    r = _client(store).get(f"/entities/{digits}")
    assert r.status_code == 404 and "Not found" in r.text and _secured(r)
    assert _client(store).get("/entities/3").status_code == 200  # the entity those digits would have read as


def test_head_answers_like_get_without_the_body(store):
    client = _client(store)
    for url in ("/", "/search?q=treaty", "/stories/s-ferry", "/events/e-2021", "/articles/harbour-2021", "/entities/1",
                "/static/style.css", "/openapi.json", "/api/stories", "/api/articles?format=csv",
                "/api/articles/harbour-2021", "/events/nope", "/api/entities/0"):  # fmt: skip
        got, head = client.get(url), client.head(url)
        assert (head.status_code, head.content) == (got.status_code, b""), url
        assert dict(head.headers) == dict(got.headers) and int(head.headers["content-length"]) == len(got.content), url


@pytest.mark.parametrize(("url", "named"), [
    ("/?offset=-1", "offset (input should be greater than or equal to 0)"),
    ("/search?q=ferry&offset=many", "offset (input should be a valid integer"),
    ("/articles/harbour-2021?at=abc", "at (string should match pattern"),
    ("/articles/harbour-2021?at=abc&removed=7", "removed (input should be less than or equal to 1)"),
])  # fmt: skip
def test_a_400_page_names_the_parameter_and_what_it_wants(store, url, named):
    r = _client(store).get(url)
    assert r.status_code == 400 and "text/html" in r.headers["content-type"]
    assert named in r.text, r.text


def test_a_gzip_body_is_inflated_within_the_size_limit(store):
    import gzip

    gz = {"Content-Encoding": "gzip"}
    r = _client(store).post("/api/articles", content=gzip.compress(LINE.encode()), headers=BEARER | JSONL | gz)
    assert r.status_code == 200 and [s["id"] for s in r.json()["stored"]] == ["tram-1"]
    bomb = gzip.compress(b"\n" * 5_000_000)  # 5 MB of blank lines in a few kB
    r = _client(store, max_request_bytes=100_000).post("/api/articles", content=bomb, headers=BEARER | JSONL | gz)
    assert len(bomb) < 100_000 and r.status_code == 413 and "100,000 bytes" in r.json()["error"] and _secured(r)
    r = _client(store).post("/api/articles", content=b"\x1f\x8b not gzip after all", headers=BEARER | JSONL | gz)
    assert r.status_code == 400 and "not valid gzip" in r.json()["error"]
    r = _client(store).post("/api/articles", content=LINE, headers=BEARER | JSONL | {"Content-Encoding": "br"})
    assert r.status_code == 415 and "gzip" in r.json()["error"]
    assert store.count("articles") == 6  # the fixture's five and the tram line
