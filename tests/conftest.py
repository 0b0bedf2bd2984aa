"""Shared test fixtures: a light pipeline over a fresh store (see ``_light.py``), and the hypothesis profiles."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from _light import light_pipeline
from _postgres import PostgresServer, PostgresUnavailable
from storyline.storage import open_store

BACKENDS = ("sqlite", "postgresql")  # every backend of the store: the contract suite runs against each

# `make test` runs the short profile; `make fuzz` the long one (STORYLINE_FUZZ=long).
hypothesis_settings.register_profile("short", max_examples=60, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
hypothesis_settings.register_profile("long", max_examples=2500, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
hypothesis_settings.load_profile(os.environ.get("STORYLINE_FUZZ", "short"))


@pytest.fixture(scope="session")
def postgres_server():
    """One PostgreSQL server for the session, started on first use and stopped at the end. It is never skipped:
    when it cannot start, the PostgreSQL tests fail and say why."""
    try:
        server = PostgresServer().start()
    except PostgresUnavailable as exc:
        pytest.fail(f"PostgreSQL is needed for the PostgreSQL half of the contract suite and could not be started: {exc}",
                    pytrace=False)
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path) -> str:
    """A new, empty store of each backend: an SQLite file, or a fresh database on the session's PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("postgres_server").new_database()


@pytest.fixture
def light(tmp_path):
    """A light pipeline over a fresh store file."""
    store = open_store(tmp_path / "light.db")
    yield light_pipeline(store)
    store.close()


@pytest.fixture
def web_store(store_url):
    """The web tests' small store of invented stories (``fixtures/web``), on each backend."""
    sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "web"))
    from webstore import fill_store

    store = open_store(store_url)
    fill_store(store)
    yield store
    store.close()


def pytest_terminal_summary(terminalreporter):
    """How many inputs each fuzz target tried (the ``make fuzz`` figures)."""
    fuzz = sys.modules.get("test_fuzz")
    if fuzz is not None and fuzz.TRIED:
        profile = os.environ.get("STORYLINE_FUZZ", "short")
        tried = ", ".join(f"{target} {n:,}" for target, n in sorted(fuzz.TRIED.items()))
        terminalreporter.write_line(f"fuzz ({profile} profile): inputs tried per target: {tried}")
