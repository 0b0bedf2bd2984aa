"""The pages in a real headless Chromium: home -> story -> event -> article, as a reader clicks."""

import socket
import sys
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (make browser)"),
]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "web"))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def base_url(request, tmp_path_factory):
    """The web app over the invented stories of ``fixtures/web``, on each backend, served on a free port."""
    import uvicorn
    from webstore import fill_store

    from storyline.settings import Settings
    from storyline.storage import open_store
    from storyline.web import create_app

    if request.param == "sqlite":
        store = open_store(tmp_path_factory.mktemp("web") / "web.db")
    else:
        store = open_store(request.getfixturevalue("postgres_server").new_database())
    fill_store(store)
    app = create_app(store, Settings(api_token=""))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        assert time.time() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    store.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    pg.problems = []
    pg.on("dialog", lambda d: (pg.problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.on("console", lambda m: pg.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    yield pg
    context.close()


def test_reader_goes_from_home_to_an_article(page, base_url):
    page.goto(base_url + "/")
    assert page.title() == "Stories · storyline"
    stories = page.locator("li.story h2").all_inner_texts()
    assert stories == ["Kessel river bridge closure", "Velmora and Ostrand ferry talks"]  # most recent first
    assert page.locator("li.story svg.chart").count() == 2

    page.get_by_role("link", name="Velmora and Ostrand ferry talks").click()
    page.wait_for_url("**/stories/s-ferry")
    assert page.locator("h1").inner_text() == "Velmora and Ostrand ferry talks"
    assert page.locator("ol.timeline time").all_inner_texts() == ["12 May 2021", "3 September 2023"]

    page.get_by_role("link", name="Ferry ministers meet in Port Aldine").click()
    page.wait_for_url("**/events/e-2021")
    assert "12 May 2021" in page.locator("p.lead").inner_text()
    summary = page.locator("ul.summary li")
    assert summary.count() >= 2
    cited = set(page.locator("ul.summary a.cite").all_inner_texts())
    assert {"Harbour Gazette", "Coast Wire"} <= cited  # every summary line names its source
    assert page.locator(".sources article.source").count() == 2
    assert "We want one ticket for both coasts" in page.locator("ul.quotes").inner_text()

    page.locator(".sources").get_by_role("link", name="Ferry talks open in Port Aldine").click()
    page.wait_for_url("**/articles/harbour-2021")
    assert page.locator("h1").inner_text() == "Ferry talks open in Port Aldine"
    assert "12 May 2021" in page.locator(".reading .meta").inner_text()
    assert "We want one ticket for both coasts" in page.locator(".text .quote").first.inner_text()
    assert page.locator(".text a.ent").first.inner_text() == "Anika Lund"
    assert not page.get_by_text("Subscribe to our morning newsletter").is_visible()

    page.get_by_role("link", name="Show the 2 removed pieces of clutter").click()
    assert page.get_by_text("Subscribe to our morning newsletter").is_visible()
    assert page.problems == []


def test_a_citation_leads_to_the_cited_sentence(page, base_url):
    page.goto(base_url + "/events/e-2023")
    page.locator("ul.summary a.cite").first.click()
    page.wait_for_url("**/articles/**")
    mark = page.locator("mark#cited")
    assert mark.count() == 1 and mark.is_visible()


def test_script_in_an_article_shows_as_text(page, base_url):
    page.goto(base_url + "/articles/script-2024")
    assert page.locator("h1").inner_text() == "Bridge shut <script>alert('title')</script>"
    assert "<script>alert('xss')</script>" in page.locator(".text").inner_text()
    assert page.locator("script").count() == 0
    assert page.problems == []  # no alert ran


def test_entity_page_and_search(page, base_url):
    page.goto(base_url + "/articles/harbour-2023")
    page.locator(".side ul.entities").get_by_role("link", name="Tomas Brandvik").click()
    assert page.locator("h1").inner_text() == "Tomas Brandvik"
    assert "This is the ticket we promised" in page.locator("ul.quotes").inner_text()
    page.fill("header input[name=q]", "treaty")
    page.locator("header button").click()
    page.wait_for_url("**/search?q=treaty")
    titles = page.locator("ol.results h2").all_inner_texts()
    assert set(titles) == {"Ferry fare treaty signed after two years", "Treaty fixes Grey Sound ferry prices"}
    page.select_option("select[name=outlet]", "Sound Observer")
    page.locator("form.search button").click()
    assert page.locator("ol.results h2").all_inner_texts() == ["Treaty fixes Grey Sound ferry prices"]


def test_reader_finds_a_person_and_an_outlets_articles_from_the_header(page, base_url):
    page.goto(base_url + "/")
    page.locator("nav.sections").get_by_role("link", name="Who and where").click()
    page.get_by_role("link", name="people").click()
    page.wait_for_url("**/entities?kind=person")
    assert page.locator("ol.entities li a").all_inner_texts() == ["Tomas Brandvik", "Anika Lund"]
    page.get_by_role("link", name="Anika Lund").click()
    assert page.locator("h1").inner_text() == "Anika Lund"
    page.locator("nav.sections").get_by_role("link", name="Outlets").click()
    page.locator("table.outlets").get_by_role("link", name="Sound Observer").click()
    assert page.locator("ol.results h2").all_inner_texts() == ["Treaty fixes Grey Sound ferry prices"]
    assert page.locator("select[name=outlet]").input_value() == "Sound Observer"


def test_unknown_page_is_a_readable_404(page, base_url):
    response = page.goto(base_url + "/events/no-such-event")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Not found"
    assert "no-such-event" in page.locator("p.lead").inner_text()


def test_no_page_is_wider_than_a_phone(browser, base_url):
    """At 390 px a row of citation chips that would not wrap, and a column that took its content's width, made
    event pages scroll sideways and cut their text at the right edge."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    pg = context.new_page()
    for path in ("/", "/stories/s-ferry", "/events/e-2021", "/events/e-2023", "/articles/harbour-2021", "/search?q=ferry",
                 "/entities", "/outlets"):
        pg.goto(base_url + path)
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390, path
    # a claim five outlets agree on: its row of chips (the fixture's events have two sources, so they are copied)
    pg.goto(base_url + "/events/e-2021")
    pg.evaluate("""() => { const cites = document.querySelector('ul.summary .cites');
                           const chip = cites.querySelector('a.cite');
                           for (let i = 0; i < 6; i++) cites.appendChild(chip.cloneNode(true)); }""")
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
