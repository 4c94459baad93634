"""Every SQL statement about the reminders staff ask for in conversation (table ``reminders``).

A reminder is for a session (``kind = 'session'``, ``target`` = the session's id in sessions.yml) or
for a cohort's registration deadline (``'deadline'``, ``target`` = the cohort id), ``lead_days``
before it; ``target_date`` is the day as the catalogue said when it was last looked at, ``due_at`` the
moment to send. Statuses: pending → queued (its message is in the outbox) | cancelled (by the person)
| withdrawn (the session left the catalogue, the cohort closed, the person registered …).
One row per (person, kind, target, lead): asking again after cancelling reuses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.records import from_row
from bot.state.db import Connection, transaction
from bot.state.times import moment, stamp

PENDING, QUEUED, CANCELLED, WITHDRAWN = "pending", "queued", "cancelled", "withdrawn"
SESSION, DEADLINE = "session", "deadline"


@dataclass(frozen=True)
class Wanted:
    """A reminder someone asks for (bot/answers/reminders.py decides it, the action stores it)."""

    kind: str
    target: str
    course_id: str
    target_date: dt.date
    lead_days: int
    due_at: dt.datetime


@dataclass(frozen=True)
class Reminder(Wanted):
    """A stored reminder: what was wanted, whose it is and where it stands."""

    id: int
    person_id: str
    status: str
    created_at: str
    updated_at: str

    @classmethod
    def from_row(cls, row: Any) -> Reminder:
        return from_row(cls, row, target_date=dt.date.fromisoformat(row["target_date"]), due_at=moment(row["due_at"]))


def set_reminder(conn: Connection, person_id: str, wanted: Wanted, now: dt.datetime) -> tuple[Reminder, bool]:
    """Stores the reminder; (it, True) if new or renewed, (the pending one, False) if it was set already."""
    at = stamp(now)
    with transaction(conn):
        row = conn.execute(
            "SELECT * FROM reminders WHERE person_id = ? AND kind = ? AND target = ? AND lead_days = ?",
            (person_id, wanted.kind, wanted.target, wanted.lead_days),
        ).fetchone()
        if row is not None and row["status"] == PENDING:
            return Reminder.from_row(row), False
        values = (wanted.course_id, wanted.target_date.isoformat(), stamp(wanted.due_at), at)
        if row is None:
            conn.execute(
                """INSERT INTO reminders (person_id, kind, target, lead_days, course_id, target_date, due_at, status,
                                          created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)""",
                (person_id, wanted.kind, wanted.target, wanted.lead_days, *values, at),
            )
        else:
            conn.execute(
                """UPDATE reminders SET course_id = ?, target_date = ?, due_at = ?, updated_at = ?, status = 'pending'
                   WHERE id = ?""",
                (*values, row["id"]),
            )
        stored = conn.execute(
            "SELECT * FROM reminders WHERE person_id = ? AND kind = ? AND target = ? AND lead_days = ?",
            (person_id, wanted.kind, wanted.target, wanted.lead_days),
        ).fetchone()
        return Reminder.from_row(stored), True


def for_person(conn: Connection, person_id: str) -> list[Reminder]:
    """The person's pending reminders, soonest first."""
    rows = conn.execute(
        "SELECT * FROM reminders WHERE person_id = ? AND status = 'pending' ORDER BY due_at, id", (person_id,)
    )
    return [Reminder.from_row(row) for row in rows]


def cancel(conn: Connection, person_id: str, ids: Sequence[int], now: dt.datetime) -> int:
    """The person cancels some of their pending reminders; returns how many."""
    if not ids:
        return 0
    marks = ", ".join("?" * len(ids))
    with transaction(conn):
        return conn.execute(
            f"""UPDATE reminders SET status = 'cancelled', updated_at = ?
                WHERE person_id = ? AND status = 'pending' AND id IN ({marks})""",
            (stamp(now), person_id, *ids),
        ).rowcount


def pending(conn: Connection) -> list[Reminder]:
    return [Reminder.from_row(r) for r in conn.execute("SELECT * FROM reminders WHERE status = 'pending' ORDER BY id")]


def due(conn: Connection, now: dt.datetime) -> list[Reminder]:
    """Pending reminders whose moment has come, oldest first."""
    rows = conn.execute(
        "SELECT * FROM reminders WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id", (stamp(now),)
    )
    return [Reminder.from_row(row) for row in rows]


def get(conn: Connection, reminder_id: int) -> Reminder | None:
    row = conn.execute("SELECT * FROM reminders WHERE id = ?", (reminder_id,)).fetchone()
    return Reminder.from_row(row) if row else None


def counts(conn: Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT status, COUNT(*) FROM reminders GROUP BY status").fetchall())


# --- changes the scheduler makes; each inside the transaction that also queues the message ---------------
def mark(conn: Connection, reminder_id: int, status: str, now: dt.datetime) -> bool:
    """pending → ``status`` (queued or withdrawn); False if it was not pending any more."""
    return (
        conn.execute(
            "UPDATE reminders SET status = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
            (status, stamp(now), reminder_id),
        ).rowcount
        == 1
    )


def move(conn: Connection, reminder_id: int, target_date: dt.date, due_at: dt.datetime, now: dt.datetime) -> bool:
    """The session (or deadline) moved: the reminder follows it."""
    return (
        conn.execute(
            "UPDATE reminders SET target_date = ?, due_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
            (target_date.isoformat(), stamp(due_at), stamp(now), reminder_id),
        ).rowcount
        == 1
    )


def forget(conn: Connection, person_id: str) -> int:
    """Deletes the person's reminders; call inside the deleting transaction."""
    return conn.execute("DELETE FROM reminders WHERE person_id = ?", (person_id,)).rowcount
