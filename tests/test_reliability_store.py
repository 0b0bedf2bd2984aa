"""Issue 14, row 5 and the store's small ones of row 12: read commands never write, and say what is wrong in one line."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from _light import light_pipeline
from storyline.cli import app
from storyline.errors import NotFound, StoreError
from storyline.storage import open_store

STORY = "Pier vote\n\nThe harbour board voted on Tuesday to rebuild the north pier of Velmora before the winter storms.\n"
READS = (["articles"], ["outlets"], ["stories"], ["events"], ["entities"], ["show", "pier"], ["export"])


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real command in a child process: what a user sees on stderr, exit status included."""
    return subprocess.run([sys.executable, "-c", "from storyline.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})  # fmt: skip


@pytest.fixture
def stored(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYLINE_EMBEDDER", "hash")
    monkeypatch.setenv("STORYLINE_LANGUAGES", "en")
    (tmp_path / "pier.txt").write_text(STORY)
    db = tmp_path / "s.db"
    store = open_store(db)
    report = light_pipeline(store).ingest([str(tmp_path / "pier.txt")])
    store.close()  # no connection left open: the tests below change the file under it
    assert report.stored == ["pier"]
    return db


def test_a_read_command_refuses_a_store_that_does_not_exist_and_creates_nothing(tmp_path):
    missing = tmp_path / "typo.db"
    for args in READS:
        result = CliRunner().invoke(app, [*args, "--db", str(missing)])
        assert result.exit_code != 0 and isinstance(result.exception, StoreError), args
        assert "there is no store here" in str(result.exception)
    assert not missing.exists() and not list(tmp_path.iterdir())
    result = CliRunner().invoke(app, ["copy", str(missing), str(tmp_path / "new.db")])
    assert str(result.exception) == f"{missing}: there is no store here to copy. Check the SOURCE argument."
    assert not list(tmp_path.iterdir())
    result = CliRunner().invoke(app, ["events", "--db", str(tmp_path)])  # a folder: not to be told to ingest into it
    assert str(result.exception) == f"{tmp_path}: is a folder, not a store. Give --db (or STORYLINE_DB) a store file, " \
                                    f"such as {tmp_path / 'storyline.db'}."


def test_serve_without_ingest_refuses_a_store_that_does_not_exist_and_creates_nothing(tmp_path, monkeypatch):
    """`storyline serve --db typo.db` served an empty site and left an empty typo.db behind."""
    import uvicorn

    served = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append(app))
    monkeypatch.delenv("STORYLINE_API_TOKEN", raising=False)
    missing = tmp_path / "typo.db"
    result = CliRunner().invoke(app, ["serve", "--db", str(missing)])
    assert isinstance(result.exception, StoreError) and "there is no store here" in str(result.exception)
    assert not served and not list(tmp_path.iterdir())
    open_store(missing).close()
    result = CliRunner().invoke(app, ["serve", "--db", str(missing)])
    assert result.exit_code == 0, result.output
    assert len(served) == 1


def test_read_commands_change_nothing_in_the_file(stored):
    conn = sqlite3.connect(stored)
    conn.execute("PRAGMA journal_mode=DELETE")  # as a store copied from elsewhere might be
    conn.close()
    before = stored.read_bytes()
    for args in READS:
        result = CliRunner().invoke(app, [*args, "--db", str(stored)])
        assert result.exit_code == 0, (args, result.output)
    assert stored.read_bytes() == before
    assert not os.path.exists(f"{stored}-wal")  # no switch to WAL
    assert sqlite3.connect(stored).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_read_only_store_cannot_be_written_through_the_read_path(stored):
    store = open_store(stored, read_only=True)
    with pytest.raises(StoreError, match="reading only"):
        store.set_published("pier", "2024-01-01", "stated")
    with pytest.raises(sqlite3.OperationalError):  # the connection itself is read-only too
        store.conn.execute("DELETE FROM articles")


def test_reads_work_on_read_only_media(stored, tmp_path):
    if shutil.which("chattr") is None:
        pytest.skip("no chattr to make a read-only file system stand-in")
    ro = tmp_path / "ro"
    ro.mkdir()
    shutil.copy(stored, ro / "s.db")
    made = subprocess.run(["chattr", "+i", str(ro / "s.db"), str(ro)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"chattr +i does not work here: {made.stderr.decode().strip()}")
    try:
        with pytest.raises(OSError):
            (ro / "probe").write_text("x")  # the folder really is read-only, even for root
        result = _cli("articles", "--db", str(ro / "s.db"), "--json")
        assert result.returncode == 0, result.stderr
        assert [a["id"] for a in json.loads(result.stdout)] == ["pier"]
    finally:
        subprocess.run(["chattr", "-i", str(ro), str(ro / "s.db")], check=True)


def test_a_store_needing_a_migration_says_so_and_migrate_does_it(stored):
    conn = sqlite3.connect(stored)
    conn.execute("DELETE FROM migrations WHERE name = 'm003_encoding'")
    conn.execute("ALTER TABLE articles DROP COLUMN raw_bytes")
    conn.execute("ALTER TABLE articles DROP COLUMN encoding")
    conn.commit()
    conn.close()
    result = _cli("articles", "--db", str(stored))
    assert result.returncode == 2 and "needs migrating (m003_encoding)" in result.stderr
    assert "storyline migrate" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    migrated = _cli("migrate", "--db", str(stored))
    assert migrated.returncode == 0 and "applied m003_encoding" in migrated.stdout
    assert _cli("articles", "--db", str(stored)).returncode == 0


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_damaged_store_gives_one_line_naming_the_file(stored, tmp_path, damage):
    bad = tmp_path / f"{damage}.db"
    if damage == "garbage":
        bad.write_bytes(b"this is not a database at all\n" * 200)
    elif damage == "truncated":
        conn = sqlite3.connect(stored)
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.executemany("INSERT INTO vectors (key, dim, vector) VALUES (?, 1, ?)", [(f"k{i}", b"x" * 3000) for i in range(200)])
        conn.commit()
        conn.close()
        bad.write_bytes(stored.read_bytes()[: 40 * 4096])
    else:
        bad.write_bytes(b"")
    writes = [] if damage == "empty" else [["ingest", str(tmp_path / "nothing.txt")]]  # an empty file is a new store
    for args in (["articles"], *writes):
        result = _cli(*args, "--db", str(bad), env={"STORYLINE_EMBEDDER": "hash"})
        assert result.returncode == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
        assert str(bad) in lines[0]
        assert "damaged" in lines[0] or ("empty" in lines[0] and damage == "empty"), lines[0]


def test_not_found_names_the_right_listing_command():
    assert "storyline stories" in str(NotFound("story", "s-x"))
    assert "storyline entities" in str(NotFound("entity", 7))
    assert "storyline articles" in str(NotFound("article", "a"))


def test_story_report_and_events_with_a_missing_story_point_at_storyline_stories(stored):
    for args in (["story", "s-nope"], ["report", "s-nope"], ["events", "--story", "s-nope"]):
        result = _cli(*args, "--db", str(stored))
        assert result.returncode == 2 and "storyline stories" in result.stderr and "storys" not in result.stderr


def test_a_filter_that_matches_nothing_says_so_and_where_to_look(stored):
    """`articles --outlet "Harbor Ledger"` (stored as "The Harbor Ledger") printed an empty table and nothing else."""
    runner = CliRunner()
    for args, lister in ((["articles", "--outlet", "Pier Gazette"], "storyline outlets"),
                         (["entities", "--type", "PERSN"], "storyline entities"),
                         (["quotes", "--speaker", "Nobody Atall"], "storyline entities --type PERSON")):  # fmt: skip
        result = runner.invoke(app, [*args, "--db", str(stored), "--json"])
        assert result.exit_code == 0 and json.loads(result.stdout) == [], (args, result.output)
        assert f"nothing matches {args[1]} '{args[2]}'" in result.stderr and lister in result.stderr, result.stderr
    found = runner.invoke(app, ["articles", "--db", str(stored), "--json"])
    assert [a["id"] for a in json.loads(found.stdout)] == ["pier"] and not found.stderr
    assert not runner.invoke(app, ["articles", "--outlet", "Pier Gazette", "--limit", "0", "--db", str(stored)]).stderr


def test_the_write_path_still_creates_a_new_store(tmp_path):
    store = open_store(tmp_path / "new.db")
    assert store.count("articles") == 0 and (tmp_path / "new.db").exists()


def test_show_and_story_json_are_valid_json_however_long_the_lines(stored):
    """Rich wrapped JSON at the terminal's width, breaking its strings: JSON goes to stdout as is."""
    shown = CliRunner().invoke(app, ["show", "pier", "--db", str(stored), "--json"])
    assert "voted on Tuesday to rebuild the north pier of Velmora before the winter storms" in json.loads(shown.output)["text"]


def _sha(path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_of_another_application_is_left_as_it_is(stored, tmp_path):
    """migrate and copy added storyline's tables to it, and a read said it needed migrating."""
    other = tmp_path / "app.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    before = _sha(other)
    for read_only in (False, True):
        with pytest.raises(StoreError, match="holds another application's tables \\(users\\), not a storyline store"):
            open_store(other, read_only=read_only)
    for args in (["migrate", "--db", str(other)], ["copy", str(stored), str(other)], ["rebuild", "--db", str(other)],
                 ["articles", "--db", str(other)]):  # fmt: skip
        done = _cli(*args)
        assert done.returncode == 2 and "another application's tables" in done.stderr, (args, done.stderr)
    assert _sha(other) == before


def test_commands_that_change_a_store_refuse_one_that_is_not_there_or_unnamed(stored, tmp_path):
    missing = tmp_path / "nope.db"
    done = _cli("rebuild", "--db", str(missing))
    assert done.returncode == 2 and "there is no store here" in done.stderr and not missing.exists()
    for args in (["rebuild", "--db", ""], ["copy", str(stored), ""], ["copy", str(stored), "sqlite:///"],
                 ["articles", "--db", "sqlite:///"]):  # fmt: skip
        done = _cli(*args)
        assert done.returncode == 2 and done.stderr.startswith("error: ") and "Traceback" not in done.stderr, (args, done.stderr)


def test_copy_refuses_a_target_that_holds_articles_and_leaves_it_as_it_was(stored, tmp_path):
    target = tmp_path / "t.db"
    shutil.copy(stored, target)
    before = _sha(target)
    done = _cli("copy", str(stored), str(target))
    assert done.returncode == 2 and "the target store is not empty (1 articles)" in done.stderr
    assert _sha(target) == before


def test_output_that_cannot_be_written_is_one_line(stored):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-c", "from storyline.cli import main; main()", "export", "--db", str(stored)],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2 and done.stderr.startswith("error: cannot write the output: No space left on device")


def test_copy_refuses_a_postgresql_target_holding_articles_and_hides_its_password(stored, postgres_server):
    url = postgres_server.new_database()
    target = open_store(url)
    target.add_articles([open_store(stored, read_only=True).get_article("pier")])
    target.close()
    secret = url.replace("postgres@", "postgres:S3cret@")  # the tests' server trusts local users: any password will do
    done = _cli("copy", str(stored), secret)
    assert done.returncode == 2 and "the target store is not empty (1 articles)" in done.stderr, done.stderr
    assert "S3cret" not in done.stderr and "postgres:***@" in done.stderr
