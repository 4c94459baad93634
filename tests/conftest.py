"""Shared pytest set-up: a pinned clock and an isolated catalogue/state DB for unit tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.catalogue.build import build
from bot.catalogue.queries import Catalogue
from bot.clock import FixedClock
from bot.settings import PROJECT_ROOT

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="session")
def catalogue_db(tmp_path_factory) -> Path:
    """The sample catalogue built once per test session."""
    path = tmp_path_factory.mktemp("catalogue") / "catalogue.sqlite"
    build(PROJECT_ROOT / "data" / "catalogue", path)
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
