"""Quality gate on the seed articles: read -> clean -> describe, scored exactly as ``check_seeds.py meta`` does.

The seeds and the checker live in the shared folder beside the repository (``../shared``); without it
the test is skipped. Every must_drop line must be gone, every must_keep sentence kept, and title,
outlet, published and wire must equal gold.json.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
from pathlib import Path

import pytest

from storyline.cleaning import clean
from storyline.metadata import describe
from storyline.models import Article
from storyline.reading import read_paths
from storyline.settings import Settings

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"
CHECKER = SHARED / "tools" / "check_seeds.py"

pytestmark = pytest.mark.skipif(
    not (SEEDS / "gold.json").exists() or not CHECKER.exists(),
    reason=f"the shared seeds and checker are not at {SHARED} (they sit beside the repository in development)",
)


def _checker():
    spec = importlib.util.spec_from_file_location("check_seeds", CHECKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_seed_metadata_and_cleaning_match_gold():
    settings = Settings()
    items = list(read_paths(sorted(str(p) for p in SEEDS.glob("*.txt")), settings))
    assert all(isinstance(a, Article) for a in items), items
    export = {"articles": [describe(clean(a), settings).to_dict() for a in items]}
    gold = json.loads((SEEDS / "gold.json").read_text(encoding="utf-8"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ok = _checker().check_meta(export, gold)
    assert ok, out.getvalue()
