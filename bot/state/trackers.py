"""The tracker database (Rasa's ``events`` table) opened by our own commands, on either backend.

Rasa's SQL tracker store keeps one row per event in ``events (id, sender_id, type_name, timestamp,
intent_name, action_name, data)``, ``timestamp`` in Unix seconds, on SQLite (``MANABI_TRACKER_DB``,
bot/rasa_patches/tracker_store.py) or PostgreSQL (``MANABI_DATABASE_URL``, bot/deploy/tracker_stores.py). The
privacy commands delete from it and the office console counts messages in it; both open it here,
which never creates it: a missing database, or one without the table yet, is ``None``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.state import postgres
from bot.state.db import Connection, backend
from bot.state.postgres import is_postgresql

BUSY_TIMEOUT_SECONDS = 10

# User messages per day, Japan time (``?``: the offset in seconds, the first moment counted).
_MESSAGES_BY_DAY = {
    "sqlite": "SELECT date(timestamp + ?, 'unixepoch') AS day, COUNT(*) FROM events "
    "WHERE type_name = 'user' AND timestamp >= ? GROUP BY day",
    "postgresql": "SELECT to_char(to_timestamp(timestamp + ?) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, COUNT(*) "
    "FROM events WHERE type_name = 'user' AND timestamp >= ? GROUP BY day",
}


@contextmanager
def open_trackers(location: Path | str, readonly: bool = False) -> Iterator[Connection | None]:
    """The tracker database at ``location`` (a PostgreSQL URL or a SQLite file), or None."""
    if is_postgresql(location):
        pg = postgres.connect(str(location))
        try:
            found = pg.execute("SELECT to_regclass('events') IS NOT NULL").fetchone()[0]
            yield pg if found else None
        finally:
            pg.close()
        return
    path = Path(location)
    if not path.exists():
        yield None
        return
    mode = "ro" if readonly else "rw"
    conn = sqlite3.connect(f"file:{path}?mode={mode}", uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        has_events = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").fetchone()
        yield conn if has_events else None
    finally:
        conn.close()


def messages_by_day_sql(conn: Connection) -> str:
    return _MESSAGES_BY_DAY[backend(conn)]
