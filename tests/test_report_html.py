"""The HTML report: one self-contained, escaped file; every summary sentence links to its source."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from storyline import Article, Event, Figure, Quote, Story, TimeMention
from storyline.narration import build_report, render
from storyline.storage import Store, open_store
from test_narration import fixture_store

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'


def _hostile_store(path) -> Store:
    text = (
        f"The council of {SCRIPT} approved the harbour budget on Tuesday after a long debate about repairs.\n"
        f"Officials said the plan {IMG} would cost about $5 million over the next three years.\n"
        f'"We have done what the city asked of us {SCRIPT}," the mayor said after the vote.\n'
        f"In 2019, the council rejected a similar plan {IMG} after protests by residents of the old town."
    )
    a = Article(id=f"evil{IMG}", source="evil.txt", raw=text, text=text, title=f"Budget {SCRIPT} {IMG}",
                outlet=f"Evil {SCRIPT} Times {IMG}", published="2024-03-05", event_date="2024-03-05",
                url="javascript:alert(3)", content_hash="h-evil")  # fmt: skip
    lines = text.split("\n")
    starts = [sum(len(x) + 1 for x in lines[:i]) for i in range(len(lines))]
    a.sentences = [(s, s + len(x)) for s, x in zip(starts, lines, strict=True)]
    q = lines[2][1 : lines[2].index('," ')]
    a.quotes = [Quote(starts[2] + 1, starts[2] + 1 + len(q), q, f"Mayor {SCRIPT}", "said", "direct")]
    m = text.index("$5 million")
    a.figures = [Figure(m, m + 10, "$5 million", 5e6, "USD", "money", lines[1], f"plan cost {IMG}")]
    y = text.index("In 2019")
    a.times = [TimeMention(y, y + 7, "In 2019", "2019-01-01", "2019-12-31", "year")]
    b = Article(id="plain-1", source="p.txt", raw=lines[0], text=lines[0], title="Budget approved", outlet="Plain News",
                published="2024-03-05", event_date="2024-03-05", content_hash="h-plain")  # fmt: skip
    store = open_store(path)
    store.add_articles([a, b])
    store.save_events(
        [Event(id=f"ev{SCRIPT}", date="2024-03-05", title=f"Budget vote {IMG}", place=SCRIPT, articles=[a.id, b.id],
               story_id=f"st{IMG}")],
        [Story(id=f"st{IMG}", title=f"Harbour {SCRIPT}")],
    )  # fmt: skip
    return store


@pytest.fixture
def hostile_html(tmp_path):
    store = _hostile_store(tmp_path / "h.db")
    html = render(build_report(store, f"st{IMG}"), "html")
    store.close()
    return html


def test_hostile_text_is_escaped_everywhere(hostile_html):
    assert "<script" not in hostile_html.lower()
    assert "<img" not in hostile_html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_html
    assert "javascript:" not in hostile_html  # an unsafe url is not turned into a link


def test_hostile_report_parses_without_any_active_content(hostile_html):
    tags: list[tuple[str, dict]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, dict(attrs)))

    Collect().feed(hostile_html)
    names = {t for t, _ in tags}
    assert not names & {"script", "img", "iframe", "object", "embed", "link"}
    for _tag, attrs in tags:
        assert not any(k.startswith("on") for k in attrs)
        assert not any(k in ("href", "src") and not (v or "").startswith(("#", "http")) for k, v in attrs.items())


def test_html_is_self_contained_and_every_summary_sentence_links_to_its_source(tmp_path):
    store = fixture_store(tmp_path / "n.db")
    report = build_report(store, "s-velmar")
    html = render(report, "html")
    assert "<svg" in html and "<style>" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # no external resources
    ids = set(re.findall(r'id="([^"]+)"', html))
    hrefs = set(re.findall(r'href="#([^"]+)"', html))
    assert hrefs <= ids  # every internal link lands somewhere
    for entry in report["timeline"]:
        for s in entry["summary"]:
            link = re.escape(str(escape(s["text"])))
            assert re.search(r'<a class="s" href="#src-[^"]+">' + link + "</a>", html), s["text"]
    assert html.count('class="event"') == 3


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which("chromium"), reason="chromium is not installed (make browser)")
def test_report_renders_in_headless_chromium(tmp_path):
    store = fixture_store(tmp_path / "n.db")
    page = tmp_path / "report.html"
    page.write_text(render(build_report(store, "s-velmar"), "html"), encoding="utf-8")
    shot = tmp_path / "report.png"
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--screenshot={shot}",
         "--window-size=1200,1600", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    assert shot.exists() and shot.stat().st_size > 20_000  # a blank page is a few kB
