"""Lock tickets asked for by many Rasa servers at once (the RasaHQ/rasa#11256 race), for the test that
shows Manabi's Redis lock store gives each ticket once and for ``python -m benchmarks.lock_race``."""

from __future__ import annotations

import threading

from rasa.core.lock_store import RedisLockStore

from bot.rasa_patches.stores import redis_options


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
