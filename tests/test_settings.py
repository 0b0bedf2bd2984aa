"""Settings and options: each value read as its declared kind and inside its declared range, or a clear error."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from storyline.errors import SettingsError
from storyline.settings import SETTINGS, Settings


def test_values_are_read_as_their_kind():
    s = Settings(port="8123", dup_threshold="0.9", token_for_reads="yes")
    assert (s.port, s.dup_threshold, s.token_for_reads) == (8123, 0.9, True)


@pytest.mark.parametrize("name,value,wanted", [
    ("port", "abc", "a whole number from 1 to 65535"),
    ("port", "70000", "a whole number from 1 to 65535"),
    ("dup_threshold", "2", "a number from 0.01 to 1"),
    ("event_window_days", "-5", "a whole number from 1 up"),
    ("story_threshold", "1", "a number from 0 to 0.999"),
    ("token_for_reads", "perhaps", "true or false"),
])
def test_a_value_of_the_wrong_kind_or_out_of_range_names_the_setting_and_what_it_wants(name, value, wanted):
    with pytest.raises(SettingsError) as err:
        Settings(**{name: value})
    assert str(err.value).startswith(f"setting {name!r} wants {wanted}, got {value!r}.")
    assert f"STORYLINE_{name.upper()}" in str(err.value)


def test_every_default_is_inside_its_range():
    for s in SETTINGS:
        assert s.low is None or s.default >= s.low, s.name
        assert s.high is None or s.default <= s.high, s.name


def test_the_cli_refuses_an_out_of_range_setting_in_one_line(tmp_path):
    env = {**os.environ, "STORYLINE_DUP_THRESHOLD": "2"}
    for args in (["settings"], ["ingest", str(tmp_path / "a.txt"), "--db", str(tmp_path / "s.db")]):
        run = subprocess.run([sys.executable, "-c", "from storyline.cli import main; main()", *args],
                             capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)  # fmt: skip
        assert run.returncode == 2, run.stderr
        assert run.stderr.strip().splitlines() == [
            "error: setting 'dup_threshold' wants a number from 0.01 to 1, got '2'. "
            "Fix it in your storyline.cfg or STORYLINE_DUP_THRESHOLD."]


def test_a_since_or_until_that_is_not_a_day_is_a_usage_error(tmp_path):
    from typer.testing import CliRunner

    from storyline.cli import app

    for bad in ("2014-13-45", "yesterday"):
        result = CliRunner().invoke(app, ["articles", "--since", bad, "--db", str(tmp_path / "s.db")])
        assert result.exit_code == 2 and f"{bad!r} is not a day; write it YYYY-MM-DD" in result.output


def test_a_number_that_is_not_finite_is_refused():
    for value in ("nan", "inf"):
        with pytest.raises(SettingsError, match="event_threshold"):
            Settings(event_threshold=value)


def test_settings_list_as_json_with_the_values_in_force(tmp_path, monkeypatch):
    """The README says every listing takes --json, --jsonl or --csv; `storyline settings` took none."""
    import json

    from typer.testing import CliRunner

    from storyline.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STORYLINE_EVENT_WINDOW_DAYS", "21")
    rows = json.loads(CliRunner().invoke(app, ["settings", "--json"]).stdout)
    assert [r["name"] for r in rows] == [s.name for s in SETTINGS]
    window = next(r for r in rows if r["name"] == "event_window_days")
    assert window["value"] == 21 and window["default"] == 30 and window["help"]
    csv = CliRunner().invoke(app, ["settings", "--csv"]).stdout.splitlines()
    assert csv[0] == "name,value,default,help" and len(csv) == len(SETTINGS) + 1


def test_settings_list_no_password_nor_token(tmp_path, monkeypatch):
    """`storyline settings --json` piped the API token and the PostgreSQL password along with the rest."""
    import json

    from typer.testing import CliRunner

    from storyline.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STORYLINE_API_TOKEN", "s3cret-token")
    monkeypatch.setenv("STORYLINE_DB", "postgresql://ana:hunter2@127.0.0.1:5432/news")
    for args in (["settings", "--json"], ["settings", "--csv"], ["settings"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0 and "s3cret" not in result.stdout and "hunter2" not in result.stdout, result.stdout
    rows = {r["name"]: r["value"] for r in json.loads(CliRunner().invoke(app, ["settings", "--json"]).stdout)}
    assert rows["db"] == "postgresql://ana:***@127.0.0.1:5432/news" and rows["api_token"] == "(set)"


def test_a_config_file_is_read_as_written_and_one_that_cannot_be_is_one_line(tmp_path, monkeypatch):
    from storyline.errors import SettingsError

    cfg = tmp_path / "s.cfg"
    cfg.write_text("[storyline]\ndb = postgresql://ana:p%40ss@localhost/news\n")  # an escaped password: no interpolation
    monkeypatch.setenv("STORYLINE_CONFIG", str(cfg))
    assert Settings().db == "postgresql://ana:p%40ss@localhost/news"
    monkeypatch.setenv("STORYLINE_CONFIG", os.devnull)  # an empty file: no settings
    assert Settings().db == "storyline.db"
    monkeypatch.setenv("STORYLINE_CONFIG", str(cfg))
    cfg.write_text("[other]\ndb = x.db\n")
    with pytest.raises(SettingsError, match="has no \\[storyline\\] section"):
        Settings()
    cfg.write_bytes(b"[storyline]\ndb = caf\xe9.db\n")
    with pytest.raises(SettingsError, match="cannot read the config file"):
        Settings()
    monkeypatch.setenv("STORYLINE_CONFIG", str(tmp_path / "missing.cfg"))
    with pytest.raises(SettingsError, match="missing.cfg: cannot read the config file \\(No such file or directory\\)"):
        Settings()


def test_a_storyline_variable_that_names_no_setting_is_told_with_the_one_it_may_mean(tmp_path):
    env = {**os.environ, "STORYLINE_PAGESIZE": "3", "STORYLINE_CONFIG": str(tmp_path / "none.cfg")}
    (tmp_path / "none.cfg").write_text("[storyline]\n")
    done = subprocess.run([sys.executable, "-c", "from storyline.cli import main; main()", "settings", "--json"],
                          capture_output=True, text=True, timeout=120, env=env)  # fmt: skip
    assert done.returncode == 0
    assert done.stderr.startswith("warning: STORYLINE_PAGESIZE names no setting and is ignored (did you mean "
                                  "STORYLINE_PAGE_SIZE?)"), done.stderr
