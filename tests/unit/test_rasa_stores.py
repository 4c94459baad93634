"""The stores endpoints.yml builds from the settings, and the Redis lock store's atomic tickets."""

from __future__ import annotations

import threading

import pytest
import redis
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore

from bot.deploy.rasa_stores import AtomicRedisLockStore, LockStoreFromSettings, redis_options, sqlalchemy_url
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


def issue_from_many_servers(store_class: type[RedisLockStore], url: str, servers: int = 8, each: int = 25) -> list[int]:
    """Tickets for one conversation from ``servers`` stores (as many Rasa servers) at once."""
    barrier = threading.Barrier(servers)
    tickets: list[int] = []

    def server() -> None:
        store = store_class(**redis_options(url))
        barrier.wait()
        for _ in range(each):
            tickets.append(store.issue_ticket("conversation-x", 60))

    threads = [threading.Thread(target=server) for _ in range(servers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return tickets


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
