"""Issue 14, the inputs that broke storyline: each is named or read, and never costs the other inputs.

Rows 1, 2, 4, 8, 9, 10, 11 and the small ones of row 12 that are about input. Every input is written here.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import threading
import time

import pytest
from typer.testing import CliRunner

from _light import NoPlacement
from storyline.cli import app
from storyline.decoding import decode_bytes
from storyline.enrichment import nlp as nlp_module
from storyline.enrichment.nlp import SpacyNLP, split_text
from storyline.errors import ArticleFailed, InputTooLarge, MalformedLine, StageFailed, UnreadableInput
from storyline.models import Article
from storyline.pipeline import IngestReport, Pipeline
from storyline.reading import read_jsonl, read_paths
from storyline.settings import Settings
from storyline.storage import open_store

PARAGRAPH = "The harbour board met on Tuesday in Velmora and agreed to rebuild the north pier before winter. "


def _line(ident: str, text: str, **extra) -> str:
    return json.dumps({"id": ident, "text": text, **extra})


def _good(i: int) -> str:
    return f"Pier vote {i}\n\nThe harbour board of town number {i} voted on Tuesday to rebuild pier {i} before the storms."


# --- row 1: one article must never cost the batch ---------------------------------------------------
def test_a_text_over_spacys_limit_is_parsed_in_pieces_with_offsets_into_the_whole(monkeypatch):
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": "Velmora"}])
    nlp.max_length = 2_000  # spaCy's E088 at 2,000 characters instead of 1,000,000
    monkeypatch.setitem(nlp_module._LOADED, "blank-test", nlp)
    text = "\n".join(PARAGRAPH * 3 for _ in range(40))  # about 11,000 characters
    [parsed] = SpacyNLP("blank-test").parse([text])
    places = [text[s:e] for s, e, label in parsed.entities if label == "GPE"]
    assert places == ["Velmora"] * 120
    assert all(text[s:e].strip() == text[s:e] and e - s > 10 for s, e in parsed.sentences)
    assert len(parsed.sentences) == 120


def test_split_text_cuts_at_paragraphs_and_covers_the_text():
    text = ("word " * 30 + "\n") * 50
    pieces = split_text(text, 400)
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= 400 for _, p in pieces) and all(p.endswith("\n") for _, p in pieces[:-1])
    assert [o for o, _ in pieces] == [sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))]


class ExplodingEnricher:
    """Enrichment that fails on one article (as spaCy's E088 did), and works on the others."""

    def enrich(self, articles, vector_cache=None):
        if any("EXPLODE" in a.text for a in articles):
            raise ValueError("[E088] Text of length 1600000 exceeds maximum of 1000000")
        return articles


class ExplodingPlacement:
    def place(self, articles, store):
        if any("PLACEBOMB" in a.text for a in articles):
            raise TypeError("cannot place this one")


def _articles(n: int, bad_at: int, marker: str) -> list[Article]:
    out = []
    for i in range(n):
        text = _good(i) + (f" {marker}" if i == bad_at else "")
        out.append(Article(id=f"a{i}", source=f"feed.jsonl:{i + 1}", raw=text, format="txt"))
    return out


@pytest.mark.parametrize("stage", ["enrichment", "storing"])
def test_one_article_failing_a_stage_fails_alone_and_the_batch_is_stored(tmp_path, stage):
    store = open_store(tmp_path / "s.db")
    settings = Settings(languages="en")
    if stage == "enrichment":
        pipeline, marker = Pipeline(store, settings, enricher=ExplodingEnricher(), events=NoPlacement()), "EXPLODE"
    else:
        pipeline, marker = Pipeline(store, settings, enricher=ExplodingEnricher(), events=ExplodingPlacement()), "PLACEBOMB"
    report = IngestReport()
    pipeline.process(_articles(30, 7, marker), report)
    assert sorted(report.stored) == sorted(f"a{i}" for i in range(30) if i != 7)
    [failure] = report.failures
    assert isinstance(failure, ArticleFailed) and failure.where == "feed.jsonl:8" and failure.stage == stage
    assert store.count("articles") == 29
    assert store.conn.execute("SELECT count(*) FROM articles WHERE id = 'a7'").fetchone()[0] == 0
    again = IngestReport()  # the in-memory state was rebuilt: the next batch goes in as usual
    pipeline.process([Article(id="late", source="late.txt", raw=_good(99), format="txt")], again)
    assert again.stored == ["late"] and not again.failures


def test_a_stage_failing_on_every_article_stops_with_one_named_error_and_stores_nothing_of_the_batch(tmp_path):
    class Broken:
        def enrich(self, articles, vector_cache=None):
            raise RuntimeError("the model file is corrupt")

    store = open_store(tmp_path / "s.db")
    pipeline = Pipeline(store, Settings(languages="en"), enricher=Broken(), events=NoPlacement())
    with pytest.raises(StageFailed, match="enrichment fails on every article alike"):
        pipeline.process(_articles(10, -1, ""), IngestReport())
    assert store.count("articles") == 0


# --- row 2: JSON nested too deeply --------------------------------------------------------------------
def test_a_jsonl_line_nested_2000_deep_is_a_named_bad_line_and_the_rest_are_read(tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text(_line("ok1", _good(1)) + "\n" + "[" * 2000 + "]" * 2000 + "\n" + _line("ok2", _good(2)) + "\n")
    items = list(read_paths([str(path)], Settings()))
    assert [type(i).__name__ for i in items] == ["Article", "MalformedLine", "Article"]
    assert items[1].where == f"{path}:2" and "nested too deeply" in items[1].what
    deep_object = "{" + '"a":{' * 3000 + "}" * 3001
    [err] = list(read_jsonl(io.BytesIO(deep_object.encode()), "body", "b", 10_000_000))
    assert isinstance(err, MalformedLine)


# --- row 4: encodings ---------------------------------------------------------------------------------
def test_utf8_with_one_bad_byte_stays_utf8_and_the_byte_is_named():
    data = "Tomás Ruiz said the vote was fair. ".encode() * 3 + b"\xff" + " Zürich".encode()
    decoded = decode_bytes(data, "a.txt")
    assert decoded.encoding == "utf-8" and "Tomás Ruiz" in decoded.text and "\ufffd Zürich" in decoded.text
    assert "0xFF at byte 108" in decoded.warning and decoded.warning.startswith("a.txt:")


@pytest.mark.parametrize("text", ["Le maire a déclaré à Zürich que la séance était close.",
                                  "Señora Núñez llegó a Málaga el martes.", "Tomás", "Café crème"])
def test_latin1_and_cp1252_are_read_as_western_european_text(text):
    for codec in ("latin-1", "cp1252"):
        decoded = decode_bytes(text.encode(codec), "b.txt")
        assert decoded.text == text and decoded.encoding in ("cp1252", "latin-1")


def test_cyrillic_in_a_legacy_code_page_is_still_detected():
    text = "Министр иностранных дел России встретился с коллегой в Москве во вторник и обсудил торговлю."
    decoded = decode_bytes(text.encode("cp1251"), "c.txt")
    assert decoded.text == text


def test_utf16_without_a_bom_is_text_not_binary():
    text = "Ferry talks resume in Ostrand on Monday.\n"
    for codec in ("utf-16-le", "utf-16-be"):
        decoded = decode_bytes(text.encode(codec), "d.txt")
        assert decoded.text == text and decoded.encoding == codec


def test_the_encoding_is_stored_shown_and_the_raw_bytes_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYLINE_EMBEDDER", "hash")
    monkeypatch.setenv("STORYLINE_LANGUAGES", "en,fr")
    raw = ("Vote au conseil\n\nLe maire a déclaré à Zürich que le conseil voterait sur le budget du port mardi. "
           "Les élus ont approuvé la réforme.\n").encode("latin-1")  # fmt: skip
    (tmp_path / "vote.txt").write_bytes(raw)
    utf8_bad = ("Tomás Ruiz spoke\n\nTomás Ruiz said the harbour vote was fair and would stand. " * 2).encode() + b"\xe9\n"
    (tmp_path / "ruiz.txt").write_bytes(utf8_bad)
    db = str(tmp_path / "s.db")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "vote.txt"), str(tmp_path / "ruiz.txt"), "--db", db])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "0xE9" in result.output
    store = open_store(db)
    vote = store.get_article("vote")
    assert "déclaré à Zürich" in vote.text and vote.encoding == "cp1252" and vote.raw_bytes == raw
    ruiz = store.get_article("ruiz")
    assert ruiz.encoding == "utf-8" and "Tomás Ruiz" in ruiz.text and ruiz.raw_bytes == utf8_bad
    shown = CliRunner().invoke(app, ["show", "vote", "--db", db]).output
    assert "encoding" in shown and "cp1252" in shown


# --- row 8: only regular files ------------------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_a_folder_is_skipped_with_a_message_and_the_file_beside_it_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "good.txt").write_text(_good(1))
    got: dict = {}

    def run() -> None:
        skipped = []
        got["items"] = list(read_paths([str(tmp_path)], Settings(), on_skip=lambda p, why: skipped.append((p, why))))
        got["skipped"] = skipped

    reader = threading.Thread(target=run, daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # unblock the reader stuck on the FIFO before failing
        with open(tmp_path / "pipe.txt", "w"):
            pass
        pytest.fail("reading a folder with a FIFO in it hangs")
    assert [a.id for a in got["items"]] == ["good"]
    assert got["skipped"][0][0].endswith("pipe.txt") and "not a regular file" in got["skipped"][0][1]
    [err] = list(read_paths([str(tmp_path / "pipe.txt")], Settings()))
    assert isinstance(err, UnreadableInput) and "not a regular file" in err.what


# --- row 9: deeply nested HTML --------------------------------------------------------------------------
def test_html_nested_300_deep_keeps_its_text(light):
    body = "".join(f"<p>{PARAGRAPH}{i}</p>" for i in range(3))
    html = "<html><body>" + "<div>" * 300 + f"<article><h1>Pier vote</h1>{body}</article>" + "</div>" * 300 + "</body></html>"
    report = IngestReport()
    light.process([Article(id="deep", source="deep.html", raw=html, format="html")], report)
    assert report.stored == ["deep"], report.failures
    assert "rebuild the north pier" in light.store.get_article("deep").text


# --- row 10: control characters in names and ids --------------------------------------------------------
@pytest.mark.parametrize("ident", ["a\x00b", "\x1b[31mred", "x\n", " padded", 1.5, {"a": 1}, "z" * 501])
def test_bad_ids_are_a_clear_error(ident):
    line = json.dumps({"id": ident, "text": _good(1)})
    [err] = list(read_jsonl(io.BytesIO(line.encode()), "f.jsonl", "f", 100_000))
    assert isinstance(err, MalformedLine) and "the id" in err.what


def test_a_file_name_with_control_characters_gives_a_printable_id_and_output_escapes_them(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYLINE_EMBEDDER", "hash")
    monkeypatch.setenv("STORYLINE_LANGUAGES", "en")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "evil\x1b[2Jname.txt").write_text(_good(1))
    (folder / "bad\x1b]0;title\x07.docx").write_text("x")
    db = str(tmp_path / "s.db")
    result = CliRunner().invoke(app, ["ingest", str(folder), "--db", db])
    assert "\x1b" not in result.output and "\\x1b" in result.output  # the skipped file's name, escaped
    [row] = open_store(db).list_articles()
    assert row["id"] == "evil\\x1b[2Jname"
    assert "\x1b" not in CliRunner().invoke(app, ["articles", "--db", db]).output  # the table
    listing = CliRunner().invoke(app, ["articles", "--db", db, "--csv"]).output
    assert "\x1b" not in listing and "evil\\x1b[2Jname" in listing


def test_control_characters_in_an_article_are_dropped_from_its_clean_text_and_kept_in_raw(light):
    raw = "Pier \x1b[2Jvote\n\nThe harbour board\x07 voted on Tuesday\x00 to rebuild the north pier.\x0cIt will open in May.\n"
    report = IngestReport()
    light.process([Article(id="ctl", source="ctl.txt", raw=raw)], report)
    stored = light.store.get_article("ctl")
    assert stored.raw == raw and not any(ord(c) < 32 and c not in "\n\t" for c in stored.text + (stored.title or ""))
    assert "voted on Tuesday to rebuild the north pier." in stored.text and "It will open in May." in stored.text


# --- row 11: blank-line floods --------------------------------------------------------------------------
def test_a_flood_of_blank_lines_is_cut_short_by_the_size_limit(tmp_path):
    path = tmp_path / "flood.jsonl.gz"
    with gzip.open(path, "wb") as f:
        f.write((_line("first", _good(1)) + "\n").encode() + b"\n" * 20_000_000 + (_line("late", _good(2)) + "\n").encode())
    began = time.process_time()
    items = list(read_paths([str(path)], Settings(max_bytes=1_000_000)))
    assert time.process_time() - began < 3
    assert isinstance(items[0], Article) and isinstance(items[1], InputTooLarge)
    assert items[1].where == f"{path}:2" and "blank lines" in items[1].what and len(items) == 2


def test_blank_lines_under_the_limit_are_skipped_and_line_numbers_kept():
    body = (_line("a", _good(1)) + "\n" + "\n \r\n\t\n" * 1000 + "   " + _line("b", _good(2)) + "\n\n{bad\n").encode()
    items = list(read_jsonl(io.BytesIO(body), "req", "r", 1_000_000))
    assert [getattr(i, "id", None) for i in items[:2]] == ["a", "b"]
    assert items[1].source == "req:3002" and items[1].raw.startswith("   {")  # its indentation kept
    assert isinstance(items[2], MalformedLine) and items[2].where == "req:3004"


# --- row 12: the small ones about input -------------------------------------------------------------------
def test_a_json_null_or_array_is_named_in_json_terms():
    for line, name in (("null", "JSON null"), ("[1]", "JSON array"), ('"x"', "JSON string"), ("3", "JSON number")):
        [err] = list(read_jsonl(io.BytesIO(line.encode()), "f.jsonl", "f", 1000))
        assert f"a {name}, not an object" in err.what and "NoneType" not in err.what


@pytest.mark.parametrize("date", ["not-a-date", "2023-02-30"])
def test_a_date_that_is_not_a_day_is_named_in_a_warning(light, date):
    report = IngestReport()
    line = _line("d1", _good(1), date=date)
    [article] = list(read_jsonl(io.BytesIO(line.encode()), "f.jsonl", "f", 100_000))
    light.process([article], report)
    assert report.stored == ["d1"]
    assert any(repr(date) in w and w.startswith("f.jsonl:1") for w in report.warnings), report.warnings


def test_a_date_or_title_that_is_not_a_string_is_named_in_a_warning(light):
    report = IngestReport()
    line = json.dumps({"id": "d2", "text": _good(1), "date": 20240305, "title": ["Pier", "vote"]})
    [article] = list(read_jsonl(io.BytesIO(line.encode()), "f.jsonl", "f", 100_000))
    light.process([article], report)
    assert report.stored == ["d2"]
    assert [w.split(" is not")[0] for w in report.warnings] == ["f.jsonl:1: the title [\"Pier\", \"vote\"]", "f.jsonl:1: the date 20240305"]


def test_lone_surrogates_in_jsonl_are_replaced_and_the_article_stored(light):
    line = '{"id": "s1", "title": "Pier \\ud800 vote", "text": "The harbour board voted \\udc00 on Tuesday to rebuild the pier."}'
    [article] = list(read_jsonl(io.BytesIO(line.encode()), "f.jsonl", "f", 100_000))
    report = IngestReport()
    light.process([article], report)
    assert report.stored == ["s1"] and "\ufffd" in light.store.get_article("s1").text
