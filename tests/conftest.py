"""Shared pytest set-up: a pinned clock, the frozen test catalogue, an isolated state DB on either
backend (``state_location``: the SQLite file, and a PostgreSQL database of its own).

Tests read ``tests/catalogue/`` (a copy of the sample catalogue, frozen), never the live
``data/catalogue/`` the office edits: an edit there must not break ``make test``.
``tests/unit/test_live_catalogue.py`` checks that the live catalogue still builds.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings

with warnings.catch_warnings():
    # Importing Sanic puts a "once" filter for DeprecationWarning in front of pytest.ini's "ignore", after
    # which every dependency's deprecation notice is printed. Imported here with warnings off, that filter
    # is dropped when this block ends, and the test output stays quiet.
    warnings.simplefilter("ignore")
    import sanic  # noqa: F401
from pathlib import Path

import pytest

from bot.catalogue.build import build
from bot.catalogue.queries import Catalogue
from bot.clock import FixedClock
from tests import services

TEST_CATALOGUE = Path(__file__).resolve().parent / "catalogue"
# Settings are read when used, so this reaches every server and command a test starts.
os.environ["MANABI_CATALOGUE_DIR"] = str(TEST_CATALOGUE)

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="session")
def catalogue_db(tmp_path_factory) -> Path:
    """The frozen test catalogue built once per test session."""
    path = tmp_path_factory.mktemp("catalogue") / "catalogue.sqlite"
    build(TEST_CATALOGUE, path)
    return path


@pytest.fixture(scope="session")
def catalogue(catalogue_db) -> Catalogue:
    return Catalogue(catalogue_db)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TODAY)


@pytest.fixture
def manabi_env(monkeypatch, catalogue_db, tmp_path):
    """Point the actions at the test catalogue, a fresh state DB and the pinned date."""
    monkeypatch.setenv("MANABI_CATALOGUE_DB", str(catalogue_db))
    monkeypatch.setenv("MANABI_STATE_DB", str(tmp_path / "manabi.sqlite"))
    monkeypatch.setenv("MANABI_TODAY", TODAY.isoformat())
    return tmp_path


@pytest.fixture
def rasa_patches():
    """Manabi's Rasa patches (bot.rasa_patches) installed for one test; Rasa's own code again after it.

    Nothing else installs them in the test process, so every other in-process test runs Rasa's own
    code; the servers the end-to-end tests start apply them, as in production."""
    from bot import rasa_patches as patches

    with patches.applied() as names:
        yield names


def pytest_sessionfinish(session, exitstatus):
    services.stop_all()  # the PostgreSQL and Redis some tests started


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    """Both state-database backends: a test taking this (or ``state_location``) runs on each."""
    return str(request.param)


@pytest.fixture
def state_location(backend, tmp_path):
    """A fresh, empty state database: a SQLite file, or a PostgreSQL database of its own (a URL).
    For PostgreSQL it is also where the conversations are (Rasa's ``events`` table)."""
    if backend == "sqlite":
        yield tmp_path / "manabi.sqlite"
        return
    name, url = services.new_database()
    yield url
    services.postgres().drop_database(name)


@pytest.fixture
def tracker_location(backend, state_location, tmp_path):
    """Where the conversations are: the SQLite tracker file, or the same PostgreSQL database."""
    return tmp_path / "trackers.sqlite" if backend == "sqlite" else state_location


@pytest.fixture
def state_env(monkeypatch, state_location, tracker_location):
    """The settings that point servers and commands at ``state_location``."""
    if isinstance(state_location, Path):
        monkeypatch.setenv("MANABI_STATE_DB", str(state_location))
        monkeypatch.setenv("MANABI_TRACKER_DB", str(tracker_location))
        monkeypatch.delenv("MANABI_DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("MANABI_DATABASE_URL", state_location)
    return state_location
