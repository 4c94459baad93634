"""Small in-memory, bounded, expiring maps for per-process conversation bookkeeping.

Used for activity ids already seen (the connector retries deliveries), conversations already
welcomed (Teams announces an install both as installationUpdate and conversationUpdate) and the
titles of suggested actions offered in personal chats.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

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
