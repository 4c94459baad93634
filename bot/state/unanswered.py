"""The unanswered-questions log: what Manabi could not answer, for the office to review.

The text is stored without control or bidi characters (bot.safe_text) and at most 2,000 characters;
``python -m bot privacy purge`` deletes entries older than the retention period (bot/privacy).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from bot.clock import JST
from bot.safe_text import clean_text
from bot.state.db import transaction


def log_question(
    conn: sqlite3.Connection,
    *,
    sender_id: str,
    text: str,
    reason: str,
    channel: str | None = None,
    intent: str | None = None,
    confidence: float | None = None,
    asked_at: dt.datetime | None = None,
) -> int:
    """Record one question; returns its row id."""
    asked_at = asked_at or dt.datetime.now(JST)
    with transaction(conn):
        cursor = conn.execute(
            """INSERT INTO unanswered_questions (asked_at, sender_id, channel, text, intent, confidence, reason)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (
                asked_at.isoformat(timespec="seconds"),
                sender_id,
                channel,
                clean_text(text)[:2000],
                intent,
                confidence,
                reason,
            ),
        )
    return int(cursor.lastrowid or 0)


def list_questions(conn: sqlite3.Connection, since: dt.date | None = None) -> list[dict[str, Any]]:
    """Logged questions, oldest first, optionally only those asked on or after ``since``."""
    sql = "SELECT * FROM unanswered_questions"
    params: tuple = ()
    if since:
        sql += " WHERE asked_at >= ?"
        params = (since.isoformat(),)
    return [dict(row) for row in conn.execute(sql + " ORDER BY id", params)]


def _stamp(before: dt.datetime) -> str:
    """``asked_at`` is ISO 8601 in Japan time, so Japan-time stamps compare as strings."""
    return before.astimezone(JST).isoformat(timespec="seconds")


def count_older_than(conn: sqlite3.Connection, before: dt.datetime) -> int:
    sql = "SELECT COUNT(*) FROM unanswered_questions WHERE asked_at < ?"
    return int(conn.execute(sql, (_stamp(before),)).fetchone()[0])


def delete_older_than(conn: sqlite3.Connection, before: dt.datetime) -> int:
    """Deletes the questions asked before ``before`` (one transaction); returns how many."""
    with transaction(conn):
        return conn.execute("DELETE FROM unanswered_questions WHERE asked_at < ?", (_stamp(before),)).rowcount
