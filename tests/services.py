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

from bot.deploy.services import PostgresService, RedisService, new_secret
from bot.launcher import free_port

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
    return _once(
        "postgres",
        lambda folder: PostgresService(
            name="PostgreSQL",
            log_path=folder / "postgres.log",
            data_dir=folder / "postgres",
            port=free_port(),
            superuser_password=new_secret(),
            app_password=new_secret(),
            durable=False,  # test data: no fsync
        ),
    )


def redis() -> RedisService:
    """The session's Redis (started now if it is not yet)."""
    return _once(
        "redis",
        lambda folder: RedisService(
            name="Redis",
            log_path=folder / "redis.log",
            data_dir=folder / "redis",
            port=free_port(),
            password=new_secret(),
        ),
    )


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
