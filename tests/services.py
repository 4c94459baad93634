"""Real services for the tests, on 127.0.0.1: one PostgreSQL (and one Redis) per test session.

Started on first use and stopped when the session ends (tests/conftest.py), data in a throw-away
folder under /tmp (PostgreSQL runs as the ``postgres`` user, which must be able to reach it).
Each test that asks for the PostgreSQL backend gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bot.deploy.services import PostgresService, RedisService
from bot.devtools.throwaway_services import postgres_in, redis_in

_started: dict[str, object] = {}
_numbers = itertools.count(1)
Service = TypeVar("Service", PostgresService, RedisService)


def _folder() -> Path:
    if "folder" not in _started:
        _started["folder"] = Path(tempfile.mkdtemp(prefix="manabi-test-services-"))
    folder = _started["folder"]
    assert isinstance(folder, Path)
    return folder


def _once(key: str, make: Callable[[Path], Service]) -> Service:
    """The session's service ``key``: made in its folder and started on first use, the same one after."""
    service = _started.get(key)
    if service is None:
        service = make(_folder())
        service.start()
        _started[key] = service
    return service  # stored under its own key, so of the type make gives


def postgres() -> PostgresService:
    """The session's PostgreSQL (started now if it is not yet)."""
    return _once("postgres", postgres_in)


def redis() -> RedisService:
    """The session's Redis (started now if it is not yet)."""
    return _once("redis", redis_in)


def new_database() -> tuple[str, str]:
    """(name, URL) of a new, empty database in the session's PostgreSQL."""
    name = f"test_{next(_numbers)}"
    return name, postgres().create_database(name)


def stop_all() -> None:
    for key in ("redis", "postgres"):
        service = _started.pop(key, None)
        if service is not None:
            service.stop()  # type: ignore[attr-defined]
    folder = _started.pop("folder", None)
    if isinstance(folder, Path):
        shutil.rmtree(folder, ignore_errors=True)
