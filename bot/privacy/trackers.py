"""Conversations in the tracker database (``MANABI_TRACKER_DB``, or PostgreSQL with
``MANABI_DATABASE_URL``), for deleting and purging them.

The conversations hold what people typed, including the registration form's answers (name,
職員番号, 志望動機). Rasa's ``SQLTrackerStore`` (and bot/rasa_patches/tracker_store.py, which
keeps its table) stores one row per event in ``events (id, sender_id, type_name, timestamp,
intent_name, action_name, data)``, ``timestamp`` in Unix seconds. Each function here is one transaction, and
never creates the file: a missing tracker database (or one without the table yet) simply has no
conversations (``None``). A running Rasa server notices deleted conversations (its cache compares
the sender's rows with the file before every turn) and starts such a conversation afresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.state.db import transaction
from bot.state.trackers import open_trackers

_INACTIVE = "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < ?"
Location = Path | str  # a SQLite file or a PostgreSQL URL


@dataclass(frozen=True)
class Conversations:
    """How many conversations (senders) and events."""

    senders: int
    events: int


def _placeholders(values: Sequence[str]) -> str:
    return ", ".join("?" * len(values))


def count_conversations(tracker_db: Location, sender_ids: Sequence[str]) -> Conversations | None:
    """The stored conversations of these senders (None: no tracker database)."""
    with open_trackers(tracker_db) as conn:
        if conn is None:
            return None
        if not sender_ids:
            return Conversations(0, 0)
        senders, events = conn.execute(
            f"SELECT COUNT(DISTINCT sender_id), COUNT(*) FROM events WHERE sender_id IN ({_placeholders(sender_ids)})",
            list(sender_ids),
        ).fetchone()
        return Conversations(senders, events)


def delete_conversations(tracker_db: Location, sender_ids: Sequence[str]) -> Conversations | None:
    """Deletes every event of these senders in one transaction; returns what was deleted."""
    with open_trackers(tracker_db) as conn:
        if conn is None:
            return None
        if not sender_ids:
            return Conversations(0, 0)
        with transaction(conn):
            where = f"sender_id IN ({_placeholders(sender_ids)})"
            count = f"SELECT COUNT(DISTINCT sender_id) FROM events WHERE {where}"
            senders = conn.execute(count, list(sender_ids)).fetchone()[0]
            events = conn.execute(f"DELETE FROM events WHERE {where}", list(sender_ids)).rowcount
        return Conversations(senders, events)


def count_inactive(tracker_db: Location, before: float) -> Conversations | None:
    """Conversations whose latest event is older than ``before`` (Unix seconds)."""
    with open_trackers(tracker_db) as conn:
        if conn is None:
            return None
        senders, events = conn.execute(
            f"SELECT COUNT(DISTINCT sender_id), COUNT(*) FROM events WHERE sender_id IN ({_INACTIVE})", (before,)
        ).fetchone()
        return Conversations(senders, events)


def delete_inactive(tracker_db: Location, before: float) -> Conversations | None:
    """Deletes, in one transaction, every conversation whose latest event is older than ``before``.

    Whole conversations only: a conversation still in use keeps all its events (Rasa rebuilds a
    conversation from them, so cutting off its beginning could change what it remembers).
    """
    with open_trackers(tracker_db) as conn:
        if conn is None:
            return None
        with transaction(conn):
            senders = conn.execute(f"SELECT COUNT(*) FROM ({_INACTIVE}) AS inactive", (before,)).fetchone()[0]
            events = conn.execute(f"DELETE FROM events WHERE sender_id IN ({_INACTIVE})", (before,)).rowcount
        return Conversations(senders, events)
