"""The unanswered-questions log: what Manabi could not answer, for the office to review.

The text is stored without control or bidi characters (bot.safe_text) and at most 2,000 characters;
``python -m bot privacy purge`` deletes entries older than the retention period (bot/privacy).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.clock import JST
from bot.safe_text import clean_text
from bot.state.db import Connection, transaction


def log_question(
    conn: Connection,
    *,
    sender_id: str,
    text: str,
    reason: str,
    channel: str | None,
    intent: str | None = None,
    confidence: float | None = None,
    asked_at: dt.datetime | None = None,
) -> int:
    """Record one question; returns its row id. ``channel`` is said at every call, as for ratings
    (None: not known), so that no question is logged without it by mistake."""
    asked_at = asked_at or dt.datetime.now(JST)
    with transaction(conn, scopes=["unanswered_questions"]):  # an insert that reads nothing
        rows = conn.execute(
            """INSERT INTO unanswered_questions (asked_at, sender_id, channel, text, intent, confidence, reason)
               VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            (
                asked_at.isoformat(timespec="seconds"),
                sender_id,
                channel,
                clean_text(text)[:2000],
                intent,
                confidence,
                reason,
            ),
        ).fetchall()
    return int(rows[0][0])


def list_questions(conn: Connection, since: dt.date | None = None) -> list[dict[str, Any]]:
    """Logged questions, oldest first, optionally only those asked on or after ``since``."""
    sql = "SELECT * FROM unanswered_questions"
    params: tuple = ()
    if since:
        sql += " WHERE asked_at >= ?"
        params = (since.isoformat(),)
    return [dict(row) for row in conn.execute(sql + " ORDER BY id", params)]


# --- the office's review of the log (console: 未対応 / 対応済み / 対象外 and a note) ----------------
REVIEW_STATUSES = ("open", "done", "out_of_scope")


def reviews(conn: Connection) -> dict[str, dict[str, Any]]:
    """{text key: {status, note, updated_at, updated_by}} (text keys: bot.office.grouping.text_key)."""
    return {row["text_key"]: dict(row) for row in conn.execute("SELECT * FROM unanswered_reviews")}


def set_review(
    conn: Connection,
    text_keys: list[str],
    status: str,
    note: str | None,
    updated_by: str,
    now: dt.datetime | None = None,
) -> None:
    """Sets the status and note of every question text in a group, in one transaction."""
    if status not in REVIEW_STATUSES:
        raise ValueError(f"status must be one of {REVIEW_STATUSES}, got {status!r}")
    stamp = (now or dt.datetime.now(JST)).isoformat(timespec="seconds")
    note = (note or "").strip()[:1000] or None
    with transaction(conn):
        conn.executemany(
            """INSERT INTO unanswered_reviews (text_key, status, note, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (text_key) DO UPDATE SET status = excluded.status, note = excluded.note,
                   updated_at = excluded.updated_at, updated_by = excluded.updated_by""",
            [(key, status, note, stamp, updated_by) for key in text_keys],
        )


def counts_by_day(conn: Connection, since: dt.date) -> dict[str, int]:
    """{'2026-11-24': n} questions logged per day since ``since``."""
    rows = conn.execute(
        "SELECT substr(asked_at, 1, 10) AS day, COUNT(*) AS n FROM unanswered_questions WHERE asked_at >= ? "
        "GROUP BY day",
        (since.isoformat(),),
    )
    return {row["day"]: row["n"] for row in rows}


def _stamp(before: dt.datetime) -> str:
    """``asked_at`` is ISO 8601 in Japan time, so Japan-time stamps compare as strings."""
    return before.astimezone(JST).isoformat(timespec="seconds")


def count_older_than(conn: Connection, before: dt.datetime) -> int:
    sql = "SELECT COUNT(*) FROM unanswered_questions WHERE asked_at < ?"
    return int(conn.execute(sql, (_stamp(before),)).fetchone()[0])


def delete_older_than(conn: Connection, before: dt.datetime) -> int:
    """Deletes the questions asked before ``before`` (one transaction); returns how many."""
    with transaction(conn):
        return conn.execute("DELETE FROM unanswered_questions WHERE asked_at < ?", (_stamp(before),)).rowcount
