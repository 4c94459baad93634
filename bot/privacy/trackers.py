"""Conversations in the tracker database (``MANABI_TRACKER_DB``), for deleting and purging them.

The conversations hold what people typed, including the registration form's answers (name,
職員番号, 志望動機). Rasa's ``SQLTrackerStore`` (and bot/rasa_patches/tracker_store.py, which
keeps its table) stores one row per event in ``events (id, sender_id, type_name, timestamp,
intent_name, action_name, data)``, ``timestamp`` in Unix seconds. Each function here is one transaction, and
never creates the file: a missing tracker database (or one without the table yet) simply has no
conversations (``None``). A running Rasa server notices deleted conversations (its cache compares
the sender's rows with the file before every turn) and starts such a conversation afresh.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BUSY_TIMEOUT_SECONDS = 10
_INACTIVE = "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < ?"


@dataclass(frozen=True)
class Conversations:
    """How many conversations (senders) and events."""

    senders: int
    events: int


@contextmanager
def _open(tracker_db: Path) -> Iterator[sqlite3.Connection | None]:
    path = Path(tracker_db)
    if not path.exists():
        yield None
        return
    conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        has_events = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").fetchone()
        yield conn if has_events else None
    finally:
        conn.close()


def _placeholders(values: Sequence[str]) -> str:
    return ", ".join("?" * len(values))


def count_conversations(tracker_db: Path, sender_ids: Sequence[str]) -> Conversations | None:
    """The stored conversations of these senders (None: no tracker database)."""
    with _open(tracker_db) as conn:
        if conn is None:
            return None
        if not sender_ids:
            return Conversations(0, 0)
        senders, events = conn.execute(
            f"SELECT COUNT(DISTINCT sender_id), COUNT(*) FROM events WHERE sender_id IN ({_placeholders(sender_ids)})",
            list(sender_ids),
        ).fetchone()
        return Conversations(senders, events)


def delete_conversations(tracker_db: Path, sender_ids: Sequence[str]) -> Conversations | None:
    """Deletes every event of these senders in one transaction; returns what was deleted."""
    with _open(tracker_db) as conn:
        if conn is None:
            return None
        if not sender_ids:
            return Conversations(0, 0)
        conn.execute("BEGIN IMMEDIATE")
        try:
            where = f"sender_id IN ({_placeholders(sender_ids)})"
            count = f"SELECT COUNT(DISTINCT sender_id) FROM events WHERE {where}"
            senders = conn.execute(count, list(sender_ids)).fetchone()[0]
            events = conn.execute(f"DELETE FROM events WHERE {where}", list(sender_ids)).rowcount
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return Conversations(senders, events)


def count_inactive(tracker_db: Path, before: float) -> Conversations | None:
    """Conversations whose latest event is older than ``before`` (Unix seconds)."""
    with _open(tracker_db) as conn:
        if conn is None:
            return None
        senders, events = conn.execute(
            f"SELECT COUNT(DISTINCT sender_id), COUNT(*) FROM events WHERE sender_id IN ({_INACTIVE})", (before,)
        ).fetchone()
        return Conversations(senders, events)


def delete_inactive(tracker_db: Path, before: float) -> Conversations | None:
    """Deletes, in one transaction, every conversation whose latest event is older than ``before``.

    Whole conversations only: a conversation still in use keeps all its events (Rasa rebuilds a
    conversation from them, so cutting off its beginning could change what it remembers).
    """
    with _open(tracker_db) as conn:
        if conn is None:
            return None
        conn.execute("BEGIN IMMEDIATE")
        try:
            senders = conn.execute(f"SELECT COUNT(*) FROM ({_INACTIVE})", (before,)).fetchone()[0]
            events = conn.execute(f"DELETE FROM events WHERE sender_id IN ({_INACTIVE})", (before,)).rowcount
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return Conversations(senders, events)
