"""Shared pytest set-up: a pinned clock, the frozen test catalogue, an isolated state DB.

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
