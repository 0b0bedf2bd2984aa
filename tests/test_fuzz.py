"""Fuzzing the way in: random and mutated bytes, JSONL lines, HTML and gzip streams.

Each generated input goes through the readers, cleaning and metadata, and must
come out as an Article or a named InputError, never another exception; in a
batch with two good articles it must never cost them their place in the store.

`make test` runs the short profile; `make fuzz` runs the long one
(``STORYLINE_FUZZ=long``) and prints how many inputs each target tried.
"""

from __future__ import annotations

import gzip
import io
import json
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from _light import light_pipeline
from storyline import cleaning, metadata
from storyline.decoding import Decoded, decode_bytes
from storyline.errors import ArticleFailed, InputError
from storyline.models import Article
from storyline.pipeline import IngestReport
from storyline.reading import read_jsonl, read_paths
from storyline.settings import Settings
from storyline.storage import open_store

TRIED: Counter[str] = Counter()  # inputs per target, printed by conftest at the end of the run
SETTINGS = Settings(max_bytes=6000, languages="en")
GOOD = [
    Article(id="good-1", source="good-1.txt", raw="Pier vote\n\nThe harbour board of Velmora voted on Tuesday to "
            "rebuild the north pier before the winter storms, its chair Ana Lind said.\n"),
    Article(id="good-2", source="good-2.txt", raw="Ferry talks\n\nFerry operators and the port of Ostrand resumed "
            "talks on Monday over the price of the night crossing, which rose by 12% in March.\n"),
]  # fmt: skip
SEEDS = [
    "Tomás Ruiz said on 3 May 2024 that the vote was “fair”. Zürich, déclaré, Ærø.\n".encode(),
    "Le maire a déclaré à Zürich que la séance était close.\n".encode("latin-1"),
    "Министр заявил во вторник, что переговоры продолжатся.\n".encode("cp1251"),
    "Ferry talks resume in Ostrand.\n".encode("utf-16-le"),
    b'<html><head><title>Pier vote</title><meta property="og:site_name" content="Velmora Post"></head><body>'
    b"<nav>Home | News</nav><article><h1>Pier vote</h1><p>The board voted on Tuesday.</p></article></body></html>",
    b'{"id": "j1", "text": "The board voted on Tuesday.", "date": "2024-05-03", "outlet": "Post"}\n{"html": "<p>x</p>"}\n',
]
TAGS = ["div", "p", "span", "article", "section", "h1", "h2", "a", "b", "nav", "footer", "table", "tr", "td", "li",
        "ul", "script", "style", "figure", "figcaption", "time", "meta", "br", "title", "head", "body", "html"]


# --- strategies ---------------------------------------------------------------------------------------
@st.composite
def mutated(draw, seeds: list[bytes]) -> bytes:
    """A seed with a few bytes flipped, inserted, deleted, duplicated, or the end cut off."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 6))):
        pos = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["flip", "insert", "delete", "dup", "cut"]))
        if op == "flip" and pos < len(data):
            data[pos] ^= draw(st.integers(1, 255))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 8))]
        elif op == "dup":
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 64))] * draw(st.integers(1, 20))
        else:
            del data[pos:]
    return bytes(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def html_pages(draw) -> str:
    """Tag soup: nested (sometimes hundreds deep), unclosed, with attributes, entities and text of any kind."""
    depth = draw(st.sampled_from([1, 3, 10, 40, 300]))
    parts = []
    for _ in range(depth):
        tag = draw(st.sampled_from(TAGS))
        attrs = draw(st.sampled_from(["", ' class="story"', ' href="javascript:x"', ' content="2024-02-30"',
                                      ' property="article:published_time" content="not-a-date"', " x=\"\x00\""]))
        parts.append(f"<{tag}{attrs}>{draw(st.text(max_size=30))}")
    body = draw(st.text(max_size=300)) + draw(st.sampled_from(["", "&amp;", "&#0;", "&#x1b;", "&nosuch;", "]]>", "<!--"]))
    closing = "".join(f"</{draw(st.sampled_from(TAGS))}>" for _ in range(draw(st.integers(0, depth))))
    return "".join(parts) + body + closing


jsonl_lines = st.one_of(
    json_values.map(json.dumps),
    st.fixed_dictionaries(
        {"text": st.text(max_size=400) | json_values},
        optional={"id": json_values | st.text(max_size=20), "date": st.text(max_size=20) | json_values,
                  "title": st.text(max_size=40), "url": st.text(max_size=40), "outlet": st.text(max_size=20),
                  "html": html_pages()},
    ).map(lambda d: json.dumps(d, ensure_ascii=bool(len(d) % 2))),
    st.integers(1, 3000).map(lambda n: "[" * n + "]" * n),
    st.text(max_size=200),
)
any_bytes = st.one_of(st.binary(max_size=3000), mutated(SEEDS))


# --- what every input must satisfy --------------------------------------------------------------------
def through_the_stages(items: list) -> list[Article]:
    """Every item is an Article or an InputError; every Article cleans and describes, or fails as an InputError."""
    articles = []
    for item in items:
        assert isinstance(item, Article | InputError), type(item)
        if isinstance(item, InputError):
            assert item.where and item.what and item.todo
            continue
        try:
            cleaning.clean(item)
            metadata.describe(item, SETTINGS)
        except InputError:
            continue
        articles.append(item)
    return articles


def read_file(name: str, data: bytes) -> list:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return list(read_paths([str(path)], SETTINGS))


def stores_the_others(items: list) -> None:
    """A batch of the fuzzed articles between two good ones stores the good ones, whatever the fuzzed ones do."""
    fuzzed = [i for i in items if isinstance(i, Article)]
    good = [Article(id=g.id, source=g.source, raw=g.raw) for g in GOOD]
    store = open_store(":memory:")
    report = IngestReport()
    light_pipeline(store, max_bytes=6000).process([good[0], *fuzzed, good[1]], report)
    assert {"good-1", "good-2"} <= set(report.stored) | {given for given, _ in report.unchanged}
    assert not [f for f in report.failures if isinstance(f, ArticleFailed)], report.failures  # a stage broke
    store.close()


# --- the targets ------------------------------------------------------------------------------------------
@given(any_bytes)
def test_fuzz_decoding(data):
    TRIED["decoding"] += 1
    result = decode_bytes(data, "fuzz.txt")
    assert isinstance(result, Decoded | InputError)
    if isinstance(result, Decoded):
        assert "\ud800" not in result.text and result.encoding


@given(any_bytes, st.sampled_from(["f.txt", "f.html", "f.htm", "f.jsonl"]))
def test_fuzz_files_through_reading_cleaning_and_metadata(data, name):
    TRIED["files"] += 1
    items = read_file(name, data)
    through_the_stages(items)
    stores_the_others(items)


@given(st.lists(jsonl_lines, min_size=1, max_size=5), st.sampled_from(["\n", "\r\n", "\n\n  \n"]))
def test_fuzz_jsonl_lines(lines, newline):
    TRIED["jsonl"] += 1
    body = newline.join(lines).encode("utf-8", errors="surrogatepass")
    items = list(read_jsonl(io.BytesIO(body), "request", "req", 6000))
    through_the_stages(items)
    stores_the_others(items)


@given(html_pages(), st.booleans())
def test_fuzz_html(page, as_jsonl):
    TRIED["html"] += 1
    if as_jsonl:
        body = json.dumps({"html": page}).encode()
        items = list(read_jsonl(io.BytesIO(body), "request", "req", 60_000))
    else:
        items = read_file("page.html", page.encode("utf-8", errors="surrogatepass"))
    through_the_stages(items)
    stores_the_others(items)


@given(st.one_of(mutated(SEEDS), jsonl_lines.map(str.encode)), st.sampled_from(["f.txt.gz", "f.jsonl.gz", "f.html.gz"]),
       st.sampled_from(["whole", "cut", "flipped", "raw"]))  # fmt: skip
def test_fuzz_gzip_streams(payload, name, damage):
    TRIED["gzip"] += 1
    data = gzip.compress(payload)
    if damage == "cut":
        data = data[: max(1, len(data) // 2)]
    elif damage == "flipped":
        data = data[:12] + bytes([data[12] ^ 0xFF]) + data[13:] if len(data) > 13 else data
    elif damage == "raw":
        data = payload  # not gzip at all, but named .gz
    items = read_file(name, data)
    through_the_stages(items)
    stores_the_others(items)
