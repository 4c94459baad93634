"""Every feedback SQL statement: ratings of answers, Teams message ids of answers, weekly counts.

One row per answer (``UNIQUE(answer_id)``): rating the same answer again replaces the rating and
the comment, so nothing is counted twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bot.state.db import Connection, transaction
from bot.state.times import timestamp

if TYPE_CHECKING:
    from bot.feedback.answers import Answer

UP, DOWN = "up", "down"
RATINGS = (UP, DOWN)
MAX_COMMENT_CHARS = 500


def rate(
    conn: Connection,
    answer: Answer,
    *,
    sender_id: str,
    rating: str,
    channel: str | None,
    comment: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Stores (or replaces) the rating of one answer, with what it answered; returns the row id."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {RATINGS}, got {rating!r}")
    stamp = timestamp(now)
    comment = (comment or "").strip()[:MAX_COMMENT_CHARS] or None
    with transaction(conn):
        conn.execute(
            """INSERT INTO feedback (answer_id, sender_id, channel, rating, comment, question, answer, action,
                                     intent, confidence, answered_at, rated_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (answer_id) DO UPDATE SET rating = excluded.rating, comment = excluded.comment,
                   updated_at = excluded.updated_at""",
            (
                answer.answer_id,
                sender_id,
                channel,
                rating,
                comment,
                answer.question[:2000],
                answer.text[:4000],
                answer.action,
                answer.intent,
                answer.confidence,
                answer.answered_at,
                stamp,
                stamp,
            ),
        )
        row = conn.execute("SELECT id FROM feedback WHERE answer_id = ?", (answer.answer_id,)).fetchone()
    return int(row["id"])


def remove(conn: Connection, answer_id: str, rating: str | None = None) -> bool:
    """Deletes the rating of an answer (only if it is ``rating``, when given); True if one went."""
    sql, params = "DELETE FROM feedback WHERE answer_id = ?", [answer_id]
    if rating is not None:
        sql += " AND rating = ?"
        params.append(rating)
    with transaction(conn):
        return conn.execute(sql, params).rowcount > 0


def ratings_for(conn: Connection, sender_id: str, answer_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """{answer id: {rating, comment}} for the sender's answers among ``answer_ids``."""
    wanted = list(answer_ids)
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = conn.execute(
            f"SELECT answer_id, rating, comment FROM feedback WHERE sender_id = ? "
            f"AND answer_id IN ({', '.join('?' * len(chunk))})",
            [sender_id, *chunk],
        )
        found.update({row["answer_id"]: {"rating": row["rating"], "comment": row["comment"]} for row in rows})
    return found


def list_feedback(conn: Connection, rating: str | None = None, since: dt.date | None = None) -> list[dict[str, Any]]:
    """Ratings, newest first, optionally only 👍 or 👎 and only those given on or after ``since``."""
    clauses, params = [], []
    if rating:
        clauses.append("rating = ?")
        params.append(rating)
    if since:
        clauses.append("rated_at >= ?")
        params.append(since.isoformat())
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return [
        dict(row) for row in conn.execute(f"SELECT * FROM feedback{where} ORDER BY updated_at DESC, id DESC", params)
    ]


def counts_by_day(conn: Connection, since: dt.date) -> dict[str, dict[str, int]]:
    """{'2026-11-24': {'up': n, 'down': n}} for ratings given on or after ``since``."""
    result: dict[str, dict[str, int]] = {}
    rows = conn.execute(
        "SELECT substr(rated_at, 1, 10) AS day, rating, COUNT(*) AS n FROM feedback WHERE rated_at >= ? "
        "GROUP BY day, rating",
        (since.isoformat(),),
    )
    for row in rows:
        result.setdefault(row["day"], {UP: 0, DOWN: 0})[row["rating"]] = row["n"]
    return result


# --- message ids other systems gave our answers (Teams activity ids) --------------------------
def remember_refs(
    conn: Connection,
    channel: str,
    sender_id: str,
    refs: Iterable[tuple[str, str]],
    now: dt.datetime | None = None,
) -> None:
    """Stores (external id, answer id) pairs for a sender, in one transaction."""
    pairs = list(refs)
    if not pairs:
        return
    stamp = timestamp(now)
    with transaction(conn):
        conn.executemany(
            """INSERT INTO answer_refs (channel, external_id, answer_id, sender_id, created_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (channel, external_id) DO UPDATE SET answer_id = excluded.answer_id,
                   sender_id = excluded.sender_id""",
            [(channel, external, answer, sender_id, stamp) for external, answer in pairs],
        )


def find_ref(conn: Connection, channel: str, external_id: str) -> tuple[str, str] | None:
    """(answer id, sender id) of the answer another system knows as ``external_id``."""
    row = conn.execute(
        "SELECT answer_id, sender_id FROM answer_refs WHERE channel = ? AND external_id = ?", (channel, external_id)
    ).fetchone()
    return (row["answer_id"], row["sender_id"]) if row else None
