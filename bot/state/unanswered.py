"""The unanswered-questions log: what Manabi could not answer, for the office to review."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from bot.clock import JST
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
            (asked_at.isoformat(timespec="seconds"), sender_id, channel, text[:2000], intent, confidence, reason),
        )
    return cursor.lastrowid


def list_questions(conn: sqlite3.Connection, since: dt.date | None = None) -> list[dict[str, Any]]:
    """Logged questions, oldest first, optionally only those asked on or after ``since``."""
    sql = "SELECT * FROM unanswered_questions"
    params: tuple = ()
    if since:
        sql += " WHERE asked_at >= ?"
        params = (since.isoformat(),)
    return [dict(row) for row in conn.execute(sql + " ORDER BY id", params)]
