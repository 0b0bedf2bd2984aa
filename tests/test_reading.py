"""Reading: every document becomes an Article, every bad input an InputError naming where and what to do."""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
from pathlib import Path

import pytest

from storyline.errors import EmptyInput, InputError, InputTooLarge, MalformedLine, UnreadableInput
from storyline.models import Article
from storyline.reading import count_inputs, document_body, read_paths
from storyline.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "reading"
STORY = "Bridge reopens\n\nThe bridge over the river reopened on Monday after repairs, the council said.\n"


@pytest.fixture
def settings():
    return Settings(max_bytes=5_000_000)


def read(paths, settings, **kw):
    return list(read_paths([str(p) for p in paths], settings, **kw))


def test_txt_file_gives_one_article_with_raw_exactly_as_given(tmp_path, settings):
    path = tmp_path / "bridge-story.txt"
    path.write_text(STORY, encoding="utf-8")
    [art] = read([path], settings)
    assert isinstance(art, Article)
    assert (art.id, art.source, art.format, art.raw) == ("bridge-story", str(path), "txt", STORY)


def test_folder_is_read_recursively_in_sorted_order_and_unknown_types_are_skipped_with_a_message(settings):
    skipped = []
    items = read([FIXTURES / "folder"], settings, on_skip=lambda path, why: skipped.append((path, why)))
    assert [a.id for a in items] == ["a", "b"]
    assert [a.format for a in items] == ["txt", "html"]
    assert len(skipped) == 1 and skipped[0][0].endswith("notes.md") and "unknown file type" in skipped[0][1]


def test_a_folders_hidden_files_and_folders_are_left_out_but_a_hidden_file_named_is_read(tmp_path, settings):
    """A folder copied from a Mac holds "._a.txt" (binary resource forks), which failed the ingest; a repository
    holds ".git". `ingest --watch` already left hidden files out."""
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "._a.txt").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ")
    (tmp_path / ".draft.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "description.txt").write_text(STORY, encoding="utf-8")
    skipped = []
    items = read([tmp_path], settings, on_skip=lambda path, why: skipped.append(path))
    assert [a.id for a in items] == ["a"] and skipped == []
    [draft] = read([tmp_path / ".draft.txt"], settings)
    assert isinstance(draft, Article) and draft.id == ".draft"


def test_explicit_file_with_unknown_extension_is_an_error(settings):
    [err] = read([FIXTURES / "folder" / "notes.md"], settings)
    assert isinstance(err, UnreadableInput) and "notes.md" in str(err) and ".txt" in str(err)


def test_missing_path_is_an_error_not_a_crash(tmp_path, settings):
    [err] = read([tmp_path / "nope.txt"], settings)
    assert isinstance(err, UnreadableInput) and "no such file" in str(err)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_permission_denied_is_an_error(tmp_path, settings):
    path = tmp_path / "locked.txt"
    path.write_text(STORY)
    path.chmod(0)
    [err] = read([path], settings)
    assert isinstance(err, UnreadableInput) and "permission denied" in str(err)


def test_binary_file_is_refused(tmp_path, settings):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    [err] = read([path], settings)
    assert isinstance(err, UnreadableInput) and "binary" in str(err) and str(path) in str(err)


def test_latin1_file_is_decoded_by_detection(tmp_path, settings):
    text = "Stra\u00dfenfest in K\u00f6ln\n\nDie Stadt feiert am Samstag ein gro\u00dfes Fest auf der Stra\u00dfe, " \
           "sagte die B\u00fcrgermeisterin. Es gibt M\u00e4rkte, Musik und K\u00e4se f\u00fcr alle G\u00e4ste.\n"
    path = tmp_path / "fest.txt"
    path.write_bytes(text.encode("latin-1"))
    [art] = read([path], settings)
    assert isinstance(art, Article) and "Straßenfest in Köln" in art.raw


def test_utf8_bom_is_dropped(tmp_path, settings):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + STORY.encode())
    [art] = read([path], settings)
    assert art.raw == STORY


def test_empty_file_is_an_error(tmp_path, settings):
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n")
    [err] = read([path], settings)
    assert isinstance(err, EmptyInput) and "empty" in str(err)


def test_file_over_the_size_limit_is_refused_with_the_setting_to_raise(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(STORY * 10)
    [err] = read([path], Settings(max_bytes=100))
    assert isinstance(err, InputTooLarge) and "max_bytes" in str(err)


def test_gzipped_files_are_read(tmp_path, settings):
    (tmp_path / "story.txt.gz").write_bytes(gzip.compress(STORY.encode()))
    line = json.dumps({"id": "z1", "text": "Rain returns to the valley after a dry month, forecasters said."})
    (tmp_path / "lines.jsonl.gz").write_bytes(gzip.compress((line + "\n").encode()))
    arts = read([tmp_path], settings)
    assert sorted((a.id, a.format) for a in arts) == [("story", "txt"), ("z1", "jsonl")]
    assert next(a for a in arts if a.id == "story").raw == STORY


def test_corrupt_gzip_is_an_error(tmp_path, settings):
    path = tmp_path / "broken.txt.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    [err] = read([path], settings)
    assert isinstance(err, UnreadableInput) and "broken.txt.gz" in str(err)


def test_jsonl_lines_become_articles_with_hints_url_and_line_sources(settings):
    arts = read([FIXTURES / "url_article.jsonl"], settings)
    assert [a.id for a in arts] == ["u1", "u2", "u3"]
    assert arts[0].source.endswith("url_article.jsonl:1") and arts[0].url.startswith("https://www.valleypost")
    assert arts[1].hints == {"title": "Given title", "date": "2020-05-06", "outlet": "The Example Times"}
    assert arts[2].format == "html" and document_body(arts[2]).startswith("<html>")
    assert json.loads(arts[0].raw)["id"] == "u1"  # raw is the line exactly as given


def test_malformed_jsonl_line_is_named_by_line_and_the_other_lines_still_read(tmp_path, settings):
    good = json.dumps({"id": "ok", "text": "The harbour reopened on Friday, port officials said."})
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([good, '{"id": "bad", "text": ', "[1, 2]", json.dumps({"id": "x"}),
                               json.dumps({"id": "e", "text": " "}), "", good.replace('"ok"', '"ok2"')]) + "\n")
    items = read([path], settings)
    assert [a.id for a in items if isinstance(a, Article)] == ["ok", "ok2"]
    errors = [e for e in items if isinstance(e, InputError)]
    assert [type(e) for e in errors] == [MalformedLine, MalformedLine, MalformedLine, EmptyInput]
    assert [e.where for e in errors] == [f"{path}:{n}" for n in (2, 3, 4, 5)]
    assert "not valid JSON (Expecting value at column 23)" in str(errors[0]) and "text or html" in str(errors[2])


def test_jsonl_line_without_id_gets_file_name_and_line_number(tmp_path, settings):
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"text": "Schools close early for the summer, the ministry said."}) + "\n")
    [art] = read([path], settings)
    assert art.id == "feed-1"


def test_jsonl_size_limit_applies_per_line_not_per_file(tmp_path):
    small = json.dumps({"id": "s", "text": "Short report on the weather today."})
    large = json.dumps({"id": "l", "text": "word " * 100})
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join([small, large, small.replace('"s"', '"t"')]) + "\n")
    items = read([path], Settings(max_bytes=200))
    assert [getattr(a, "id", None) for a in items] == ["s", None, "t"]
    assert isinstance(items[1], InputTooLarge) and items[1].where.endswith(":2")


def test_stdin_reads_jsonl(monkeypatch, settings):
    data = json.dumps({"id": "in1", "text": "Ferries run again after the storm, the operator said."}) + "\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode())))
    [art] = list(read_paths(["-"], settings))
    assert (art.id, art.source) == ("in1", "<stdin>:1")


def test_count_inputs_counts_files_cheaply(tmp_path):
    assert count_inputs([str(FIXTURES / "folder")]) == 2
    assert count_inputs([str(FIXTURES / "url_article.jsonl"), "-", str(tmp_path / "missing.txt")]) == 2


def test_count_documents_is_unknown_once_a_jsonl_is_involved(tmp_path):
    from storyline.reading import count_documents

    (tmp_path / "a.txt").write_text("One headline\n\nA sentence of text.\n", encoding="utf-8")
    (tmp_path / "b.html").write_text("<html><body><p>Some text.</p></body></html>", encoding="utf-8")
    assert count_documents([str(tmp_path)]) == 2
    (tmp_path / "c.jsonl").write_text('{"text": "x"}\n', encoding="utf-8")
    assert count_documents([str(tmp_path)]) is None


def test_an_unterminated_string_is_named_once_with_its_column(tmp_path, settings):
    path = tmp_path / "cut.jsonl"
    path.write_text('{"id": "a", "text": "The pier\n')
    [error] = read([path], settings)
    assert "not valid JSON (Unterminated string starting at column 21)" in str(error)


def test_a_binary_file_named_jsonl_is_one_error_not_one_per_line(tmp_path, settings):
    path = tmp_path / "blob.jsonl"
    path.write_bytes(bytes(range(256)) * 40 + b"\n" + b"\x00\x01\n" * 30)
    [error] = read([path], settings)
    assert isinstance(error, InputError) and str(error).startswith(f"{path}: binary content (NUL bytes), not JSON lines")


def test_a_jsonl_file_in_utf16_is_not_taken_for_binary(tmp_path, settings):
    path = tmp_path / "wide.jsonl"
    path.write_bytes(json.dumps({"id": "w", "text": "The harbour reopened on Friday, port officials said."}).encode("utf-16-le"))
    [item] = read([path], settings)
    assert not (isinstance(item, InputError) and "binary" in str(item))


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_jsonl_file_in_utf16_or_utf32_gives_every_line_with_its_number(tmp_path, settings, codec):
    """Split on the byte b"\\n", a UTF-16 file's lines were cut through their characters: the first refused as
    binary, a third line made up."""
    lines = [json.dumps({"id": f"w{i}", "text": f"The harbour reopened on day {i}, port officials said."}) for i in (1, 2)]
    path = tmp_path / "wide.jsonl"
    path.write_bytes("\n".join([lines[0], "", lines[1]]).encode(codec) + "\n".encode(codec)[-2 if "16" in codec else -4:])
    items = read([path], settings)
    assert [(a.id, a.source) for a in items] == [("w1", f"{path}:1"), ("w2", f"{path}:3")], items
    assert "day 2, port officials" in items[1].raw


def test_a_truncated_gzipped_jsonl_names_the_line_it_stops_at_and_keeps_those_before(tmp_path, settings):
    whole = gzip.compress("".join(json.dumps({"id": f"n{i}", "text": f"Notice {i} of the harbour office about berth {i}, "
                                             + "with the hours of the ferry. " * 40}) + "\n" for i in range(300)).encode())  # fmt: skip
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    items = read([path], settings)
    *articles, error = items
    assert articles and all(isinstance(a, Article) for a in articles)
    assert isinstance(error, UnreadableInput) and error.where == f"{path}:{len(articles) + 1}", error
    assert "the lines before it are read" in str(error)


def test_a_jsonl_line_takes_the_field_that_holds_the_article(tmp_path, settings):
    page = "<html><body><p>The harbour reopened on Friday, port officials said.</p></body></html>"
    path = tmp_path / "fields.jsonl"
    rows = [{"id": "h", "text": "", "html": page}, {"id": "t", "text": "Text wins.", "html": page}, {"id": "e", "text": "  ", "html": ""},
            {"id": 1.5, "text": "A fraction for an id."}, {"id": "n", "text": "A title that is a number.", "title": 2024}]  # fmt: skip
    path.write_bytes(b"\xef\xbb\xbf" + "".join(json.dumps(r) + "\n" for r in rows).encode())
    html, text, empty, fraction, number = read([path], settings)
    assert (html.id, html.format, text.id, text.format) == ("h", "html", "t", "jsonl")
    assert isinstance(empty, EmptyInput) and "the text field is empty" in str(empty)
    assert isinstance(fraction, MalformedLine) and "1.5 is not a whole number; give it as a string" in str(fraction)
    assert number.warnings and 'such as "2024"' in number.warnings[0], number.warnings


def test_a_jsonl_file_holding_only_a_byte_order_mark_has_no_lines(tmp_path, settings):
    path = tmp_path / "mark.jsonl"
    path.write_bytes(b"\xef\xbb\xbf\n")
    [error] = read([path], settings)
    assert isinstance(error, EmptyInput) and "no JSONL lines" in str(error)


def test_a_utf16_file_with_a_byte_added_at_the_end_is_read_with_a_warning(tmp_path, settings):
    path = tmp_path / "wide.txt"
    path.write_bytes(STORY.encode("utf-16") + b"\n")  # an editor's or a script's newline, one byte
    [art] = read([path], settings)
    assert isinstance(art, Article) and art.raw == STORY + "\ufffd" and art.encoding == "utf-16"
    assert art.warnings == [f"{path}: the last 1 byte (a cut character, or bytes added) not UTF-16 replaced with U+FFFD; "
                            "the rest read as UTF-16"]


def test_a_utf16_jsonl_cut_inside_its_last_character_ends_with_a_replacement(tmp_path, settings):
    path = tmp_path / "cut.jsonl"
    line = json.dumps({"id": "w", "text": "The harbour reopened on Friday, port officials said."}).encode("utf-16")
    path.write_bytes(line + "\n".encode("utf-16-le") + b"\x00")  # one byte of a last character
    items = read([path], settings)
    assert isinstance(items[0], Article) and items[0].id == "w"
    assert not any(isinstance(i, InputError) and "binary" in str(i) for i in items)


def test_utf16_without_a_mark_is_told_apart_from_binary_when_the_sample_cuts_an_emoji(tmp_path, settings):
    from storyline.decoding import wide_encoding

    text = ("x" * 4095 + "\U0001f600" + " more").encode("utf-16-le")  # the emoji's two units straddle byte 8192
    assert wide_encoding(text[: 1 << 13]) == "utf-16-le"
