"""The stores endpoints.yml builds from the settings, and the Redis lock store's atomic tickets."""

from __future__ import annotations

import pytest
import redis
from rasa.core.lock_store import InMemoryLockStore

from bot.devtools.lock_tickets import issue_from_many_servers
from bot.rasa_patches.stores import AtomicRedisLockStore, LockStoreFromSettings, redis_options, sqlalchemy_url
from tests import services


def test_urls_become_the_stores_arguments() -> None:
    assert redis_options("redis://:p%40ss@cache.example:6380/2") | {"socket_timeout": None} == {
        "host": "cache.example",
        "port": 6380,
        "db": 2,
        "username": None,
        "password": "p@ss",
        "use_ssl": False,
        "socket_timeout": None,
    }
    assert redis_options("rediss://u:p@h")["use_ssl"] and redis_options("redis://h")["db"] == 0
    assert sqlalchemy_url("postgres://u:p@h/db") == "postgresql://u:p@h/db"


def test_one_server_keeps_its_locks_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MANABI_REDIS_URL", raising=False)
    assert isinstance(LockStoreFromSettings(), InMemoryLockStore)


def test_tickets_from_many_servers_at_once_are_all_different(monkeypatch: pytest.MonkeyPatch) -> None:
    url = services.redis().url
    redis.Redis.from_url(url).flushall()
    monkeypatch.setenv("MANABI_REDIS_URL", url)
    assert isinstance(LockStoreFromSettings(), AtomicRedisLockStore)
    tickets = issue_from_many_servers(AtomicRedisLockStore, url)
    assert sorted(tickets) == list(range(len(tickets)))  # 0…199, none given twice, none lost
    store = AtomicRedisLockStore(**redis_options(url))
    lock = store.get_lock("conversation-x")
    assert lock is not None and len(lock.tickets) == len(tickets)
    for ticket in tickets:
        store.cleanup("conversation-x", ticket)
    assert store.get_lock("conversation-x") is None  # the last one out deletes the lock
