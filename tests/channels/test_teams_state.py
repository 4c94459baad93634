"""The bounded, expiring caches behind duplicate detection and welcome-once."""

from __future__ import annotations

from bot.channels.teams.state import TtlCache
from bot.devtools.fake_botframework import ManualClock


def test_entries_expire() -> None:
    clock = ManualClock(0)
    cache: TtlCache[bool] = TtlCache(ttl_seconds=10, max_items=100, clock=clock)
    assert cache.add_if_absent("a", True)
    assert not cache.add_if_absent("a", True)
    clock.now = 10.5
    assert cache.get("a") is None
    assert cache.add_if_absent("a", True)


def test_oldest_entries_go_beyond_the_limit() -> None:
    cache: TtlCache[int] = TtlCache(ttl_seconds=100, max_items=3, clock=ManualClock(0))
    for i in range(5):
        cache.put(i, i)
    assert len(cache) == 3
    assert cache.get(0) is None and cache.get(4) == 4


def test_put_renews_and_pop_removes() -> None:
    clock = ManualClock(0)
    cache: TtlCache[str] = TtlCache(ttl_seconds=10, max_items=10, clock=clock)
    cache.put("k", "v1")
    clock.now = 8
    cache.put("k", "v2")
    clock.now = 15
    assert cache.get("k") == "v2"
    assert cache.pop("k") == "v2" and cache.pop("k") is None
