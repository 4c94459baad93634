"""Small bounded, expiring maps for the channel's conversation bookkeeping.

Used for activity ids already seen (the connector retries deliveries), conversations already
welcomed (Teams announces an install both as installationUpdate and conversationUpdate) and the
titles of suggested actions offered in personal chats. One Rasa server keeps them in memory
(:class:`TtlCache`); several (``MANABI_REDIS_URL``, docs/deploy.md) share them in Redis
(:class:`RedisTtlMap`), since the connector's retry, the second install announcement or the click
on a suggestion may reach another server than the first.
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, Protocol, TypeVar

from bot.log_limits import RateLimitedLog

logger = logging.getLogger(__name__)
_unavailable = RateLimitedLog(logger)
_FAILED = object()

V = TypeVar("V")


class TtlCache(Generic[V]):
    """A dict whose entries expire after ``ttl_seconds``; the oldest go first beyond ``max_items``."""

    def __init__(self, ttl_seconds: float, max_items: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._max = max_items
        self._clock = clock
        self._items: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()

    def __len__(self) -> int:
        self._expire()
        return len(self._items)

    def put(self, key: Hashable, value: V) -> None:
        """Stores ``value`` under ``key`` (restarting its lifetime)."""
        self._items.pop(key, None)
        self._items[key] = (self._clock(), value)
        self._expire()

    def get(self, key: Hashable) -> V | None:
        """The live value for ``key``, or None."""
        self._expire()
        entry = self._items.get(key)
        return entry[1] if entry else None

    def pop(self, key: Hashable) -> V | None:
        """Removes and returns the live value for ``key``, or None."""
        self._expire()
        entry = self._items.pop(key, None)
        return entry[1] if entry else None

    def add_if_absent(self, key: Hashable, value: V) -> bool:
        """Stores ``value`` and returns True, unless a live entry for ``key`` exists (then False)."""
        if self.get(key) is not None:
            return False
        self.put(key, value)
        return True

    def _expire(self) -> None:
        deadline = self._clock() - self._ttl
        while self._items:
            key, (stamp, _) = next(iter(self._items.items()))
            if stamp > deadline and len(self._items) <= self._max:
                break
            del self._items[key]


class TtlMap(Protocol[V]):
    """What the channel needs of its bookkeeping (TtlCache in memory, RedisTtlMap shared)."""

    def put(self, key: Hashable, value: V) -> None: ...
    def get(self, key: Hashable) -> V | None: ...
    def pop(self, key: Hashable) -> V | None: ...
    def add_if_absent(self, key: Hashable, value: V) -> bool: ...


class RedisTtlMap(Generic[V]):
    """The same map in Redis, shared by every server: one key per entry, expiring by itself.

    ``add_if_absent`` is one ``SET NX``: of two servers given the same activity at the same moment,
    exactly one gets True. Values are JSON. When Redis cannot be reached the map forgets instead of
    failing the turn (a duplicate answer is better than none), and says so in the log.
    """

    def __init__(self, client: Any, namespace: str, ttl_seconds: float) -> None:
        self._red = client
        self._prefix = f"manabi:teams:{namespace}:"
        self._ttl = max(1, round(ttl_seconds))

    def _key(self, key: Hashable) -> str:
        return self._prefix + (key if isinstance(key, str) else json.dumps(key, default=str))

    def put(self, key: Hashable, value: V) -> None:
        self._call(lambda: self._red.set(self._key(key), json.dumps(value), ex=self._ttl))

    def get(self, key: Hashable) -> V | None:
        raw = self._call(lambda: self._red.get(self._key(key)))
        return json.loads(raw) if isinstance(raw, bytes | str) else None

    def pop(self, key: Hashable) -> V | None:
        raw = self._call(lambda: self._red.getdel(self._key(key)))
        return json.loads(raw) if isinstance(raw, bytes | str) else None

    def add_if_absent(self, key: Hashable, value: V) -> bool:
        added = self._call(lambda: self._red.set(self._key(key), json.dumps(value), ex=self._ttl, nx=True))
        return added is _FAILED or bool(added)  # redis-py: True when set, None when the key was there

    def _call(self, work: Callable[[], Any]) -> Any:
        import redis

        try:
            return work()
        except redis.RedisError as error:
            _unavailable.warning_for(("redis",), "Teams: Redis unavailable (%s); bookkeeping not shared.", error)
            return _FAILED


def bookkeeping(namespace: str, ttl_seconds: float, max_items: int, redis_url: str | None) -> TtlMap[Any]:
    """Shared in Redis when a Redis URL is set, else in this process."""
    if not redis_url:
        return TtlCache(ttl_seconds=ttl_seconds, max_items=max_items)
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
    return RedisTtlMap(client, namespace, ttl_seconds)
