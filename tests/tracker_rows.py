"""Rows in a tracker database (Rasa's ``events`` table) for tests, on SQLite or PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from bot.state import db as state
from bot.state import postgres

# The table of Rasa's SQLTrackerStore (and bot/rasa_patches/tracker_store.py); on PostgreSQL as our migrations
# translate it (bot.state.db.for_postgresql), which is the table Rasa creates there.
EVENTS = """CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255)
            NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"""


def add_events(location: Path | str, rows: Iterable[tuple[str, str, float]]) -> Path | str:
    """Creates the table and adds (sender, type_name, timestamp) rows; returns ``location``."""
    insert = "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, '{}')"
    if postgres.is_postgresql(location):
        pg = postgres.connect(str(location))
        try:
            pg.execute(f"CREATE TABLE IF NOT EXISTS {state.for_postgresql(EVENTS)[len('CREATE TABLE ') :]}")
            with state.transaction(pg):
                pg.executemany(insert, list(rows))
        finally:
            pg.close()
        return location
    conn = sqlite3.connect(location)
    conn.execute(EVENTS.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"))
    conn.executemany(insert, list(rows))
    conn.commit()
    conn.close()
    return location


def conversations(location: Path | str, stamps: dict[str, list[float]]) -> Path | str:
    """One user message per time stamp, per sender."""
    return add_events(location, [(sender, "user", stamp) for sender, times in stamps.items() for stamp in times])


def senders(location: Path | str) -> dict[str, int]:
    """{sender: number of events}."""
    conn: state.Connection = (
        postgres.connect(str(location)) if postgres.is_postgresql(location) else sqlite3.connect(location)
    )
    try:
        return {
            row[0]: int(row[1]) for row in conn.execute("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id")
        }
    finally:
        conn.close()
