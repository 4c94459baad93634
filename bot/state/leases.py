"""A lease in the state database: which process may do a job that only one may do at a time.

The delivery worker takes the lease ``delivery`` before sending and renews it while it runs; any other
worker (a second server started by mistake, or later several Rasa servers on one database) waits until
the lease expires. Every claim of a message checks the lease in its own transaction (bot/state/outbox.py),
so a worker that lost its lease (paused longer than the lease) cannot send on. Plain SQL, so the same
table works on another database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.state.db import Connection, transaction
from bot.state.times import stamp


def acquire(conn: Connection, name: str, holder: str, now: dt.datetime, ttl: dt.timedelta) -> bool:
    """Takes or renews the lease; True if ``holder`` has it until ``now + ttl``."""
    at, until = stamp(now), stamp(now + ttl)
    with transaction(conn):
        row = conn.execute("SELECT holder, expires_at FROM worker_leases WHERE name = ?", (name,)).fetchone()
        if row is not None and row["holder"] != holder and row["expires_at"] > at:
            return False
        if row is not None and row["holder"] == holder:
            conn.execute("UPDATE worker_leases SET renewed_at = ?, expires_at = ? WHERE name = ?", (at, until, name))
        else:
            conn.execute(
                """INSERT INTO worker_leases (name, holder, acquired_at, renewed_at, expires_at) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at,
                       renewed_at = excluded.renewed_at, expires_at = excluded.expires_at""",
                (name, holder, at, at, until),
            )
        return True


def release(conn: Connection, name: str, holder: str) -> None:
    """Gives the lease up at once (a worker stopping cleanly), if ``holder`` has it."""
    with transaction(conn):
        conn.execute("DELETE FROM worker_leases WHERE name = ? AND holder = ?", (name, holder))


def current(conn: Connection, name: str) -> dict[str, Any] | None:
    """Who holds the lease and until when (None: nobody ever took it, or it was released)."""
    row = conn.execute("SELECT * FROM worker_leases WHERE name = ?", (name,)).fetchone()
    return dict(row) if row else None
