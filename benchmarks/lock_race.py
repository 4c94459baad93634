"""RasaHQ/rasa#11256 measured: tickets for one conversation from 8 lock stores at once (as 8 Rasa
servers), with Rasa's RedisLockStore and with ours (docs/deploy.md).

    .venv/bin/python -m benchmarks.lock_race

Starts its own Redis on 127.0.0.1 (Debian's redis-server), prints how many of the 200 tickets each
store handed out twice or lost.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import redis
from rasa.core.lock_store import RedisLockStore

from bot.devtools.lock_tickets import issue_from_many_servers
from bot.devtools.throwaway_services import redis_in
from bot.rasa_patches.stores import AtomicRedisLockStore


def main() -> int:
    with (
        tempfile.TemporaryDirectory(prefix="manabi-lock-race-", ignore_cleanup_errors=True) as folder,
        redis_in(Path(folder)) as service,
    ):
        for store in (RedisLockStore, AtomicRedisLockStore):
            rounds = []
            for _ in range(5):
                redis.Redis.from_url(service.url).flushall()
                tickets = issue_from_many_servers(store, service.url)
                rounds.append(len(tickets) - len(set(tickets)))
            print(f"{store.__name__}: tickets given twice in 5 rounds of 200: {rounds}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
