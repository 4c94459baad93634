"""CPU per turn of the tracker stores (docs/performance.md): Rasa's SQLTrackerStore on PostgreSQL
against ours (plain SQL, bot/rasa_patches/stores.py), and the SQLite store of the embedded default.

    .venv/bin/python -m benchmarks.tracker_stores [--conversations 40]

A turn is what the Rasa server asks of its store per message: retrieve the conversation, save it
with the turn's events. Each conversation has the 10 turns of the load script (6 events each).
Starts its own PostgreSQL on 127.0.0.1 (Debian's package); prints milliseconds of CPU (this
process) and of wall time per turn.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from bot.devtools.throwaway_services import postgres_in
from bot.devtools.tracker_turns import DOMAIN, turn
from bot.rasa_patches.stores import PostgresTrackerStore
from bot.rasa_patches.tracker_store import SQLiteTrackerStore

TURNS = 10


async def run(store, conversations: int) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    for n in range(conversations):
        sender = f"bench-{n}"
        for t in range(TURNS):
            tracker = await store.retrieve(sender) or DialogueStateTracker(sender, DOMAIN.slots)
            tracker.update_with_events(turn(f"message {t}", "greet"), DOMAIN)
            await store.save(tracker)
    turns = conversations * TURNS
    return 1000 * (time.process_time() - cpu) / turns, 1000 * (time.perf_counter() - wall) / turns


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=40)
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="manabi-bench-stores-", ignore_cleanup_errors=True) as tmp,
        postgres_in(Path(tmp), durable=True) as pg,  # as a server would run: fsync on
    ):
        folder = Path(tmp)
        stores = {
            "Rasa's SQLTrackerStore (PostgreSQL, ORM)": SQLTrackerStore(
                DOMAIN, dialect="postgresql", host=pg.create_database("rasa_orm")
            ),
            "PostgresTrackerStore (PostgreSQL, plain SQL)": PostgresTrackerStore(
                DOMAIN, url=pg.create_database("ours")
            ),
            "SQLiteTrackerStore (SQLite file, cache)": SQLiteTrackerStore(DOMAIN, db=str(folder / "trackers.sqlite")),
        }
        print("| store | CPU ms per turn | wall ms per turn |\n| --- | ---: | ---: |")
        for name, store in stores.items():
            cpu, wall = asyncio.run(run(store, args.conversations))
            print(f"| {name} | {cpu:.2f} | {wall:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
