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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.state.db import Connection, transaction
from bot.state.trackers import open_trackers

_INACTIVE = "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < ?"
Location = Path | str  # a SQLite file or a PostgreSQL URL


@dataclass(frozen=True)
class Conversations:
    """How many conversations (senders) and events."""

    senders: int
    events: int


# Which conversations: a condition on ``events`` and its parameters (None: none at all).
Selection = tuple[str, Sequence[Any]] | None
Work = Callable[[Connection, str, Sequence[Any]], Conversations]  # _count or _delete


def _of_senders(sender_ids: Sequence[str]) -> Selection:
    """These senders' conversations (None for no senders)."""
    if not sender_ids:
        return None
    return f"sender_id IN ({', '.join('?' * len(sender_ids))})", list(sender_ids)


def _inactive(before: float) -> Selection:
    """The conversations whose latest event is older than ``before``."""
    return f"sender_id IN ({_INACTIVE})", (before,)


def _count(conn: Connection, where: str, params: Sequence[Any]) -> Conversations:
    sql = f"SELECT COUNT(DISTINCT sender_id), COUNT(*) FROM events WHERE {where}"
    senders, events = conn.execute(sql, params).fetchone()
    return Conversations(senders, events)


def _delete(conn: Connection, where: str, params: Sequence[Any]) -> Conversations:
    """Deletes the events ``where`` selects, in one transaction; returns what was deleted."""
    with transaction(conn):
        senders = conn.execute(f"SELECT COUNT(DISTINCT sender_id) FROM events WHERE {where}", params).fetchone()[0]
        events = conn.execute(f"DELETE FROM events WHERE {where}", params).rowcount
    return Conversations(senders, events)


def _run(tracker_db: Location, work: Work, selection: Selection) -> Conversations | None:
    """``work`` on the selected conversations (none selected: nothing to do); None: no tracker database."""
    with open_trackers(tracker_db) as conn:
        if conn is None:
            return None
        if selection is None:
            return Conversations(0, 0)
        return work(conn, *selection)


def count_conversations(tracker_db: Location, sender_ids: Sequence[str]) -> Conversations | None:
    """The stored conversations of these senders (None: no tracker database)."""
    return _run(tracker_db, _count, _of_senders(sender_ids))


def delete_conversations(tracker_db: Location, sender_ids: Sequence[str]) -> Conversations | None:
    """Deletes every event of these senders in one transaction; returns what was deleted."""
    return _run(tracker_db, _delete, _of_senders(sender_ids))


def count_inactive(tracker_db: Location, before: float) -> Conversations | None:
    """Conversations whose latest event is older than ``before`` (Unix seconds)."""
    return _run(tracker_db, _count, _inactive(before))


def delete_inactive(tracker_db: Location, before: float) -> Conversations | None:
    """Deletes, in one transaction, every conversation whose latest event is older than ``before``.

    Whole conversations only: a conversation still in use keeps all its events (Rasa rebuilds a
    conversation from them, so cutting off its beginning could change what it remembers).
    """
    return _run(tracker_db, _delete, _inactive(before))
