"""Every SQL statement of the outbox: messages Manabi sends first, and every attempt to deliver them.

A message is written by :func:`enqueue` **inside the transaction of the change that causes it** (the
cancellation that promotes someone, the announcement, the reminder falling due), so a crash either
keeps both or neither. Its ``dedupe_key`` is unique: the same event can never queue a second message.

Delivery (bot/notifications/worker.py) goes ``pending`` → :func:`claim` (``sending``, an attempt row
opened, in one transaction that also checks the worker still holds its lease) → the connector →
:func:`record` (the attempt's answer, and ``sent`` / ``pending`` again with a later ``not_before`` /
``dead`` / ``failed``). A worker that stops between the two leaves the message ``sending`` with an
open attempt; the next worker marks that attempt ``interrupted`` and sends again
(:func:`recover_interrupted`). So a message is repeated only when the stop fell after the connector
took it and before its answer was recorded, and then once.

Web chat users have no connector: their messages wait (``channel = 'web'``) until they open the chat,
which shows them (:func:`web_notices`, :func:`mark_shown`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.records import from_row
from bot.state.db import Connection, transaction
from bot.state.times import stamp

PENDING, SENDING, SENT, FAILED, DEAD, WITHDRAWN = "pending", "sending", "sent", "failed", "dead", "withdrawn"
STATUSES = (PENDING, SENDING, SENT, FAILED, DEAD, WITHDRAWN)
KINDS = ("promotion", "announcement", "reminder", "notice")
WEB_PREFIXES = ("web:", "web-user:")  # sender ids of the web chat (bot/channels/web/identity.py)
# ``not_before`` of a message to send as soon as possible: before any moment, whatever clock the writer
# and the worker go by (a pinned date in a demo, the real one in the action server).
AT_ONCE = "0001-01-01T00:00:00.000+09:00"


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    created_at: str
    dedupe_key: str
    kind: str
    person_id: str
    channel: str
    payload: dict[str, Any]
    status: str
    attempts: int
    not_before: str
    current_attempt: int | None = None
    sent_at: str | None = None
    external_id: str | None = None
    last_error: str | None = None
    announcement_id: int | None = None

    @classmethod
    def from_row(cls, row: Any) -> OutboxMessage:
        return from_row(cls, row, payload=json.loads(row["payload"]))


def channel_for(person_id: str) -> str:
    """Where a person is reached: the web chat for its sender ids, Teams for everyone else."""
    return "web" if person_id.startswith(WEB_PREFIXES) else "teams"


# --- writing ----------------------------------------------------------------------------------------
def enqueue(
    conn: Connection,
    *,
    kind: str,
    person_id: str,
    payload: dict[str, Any],
    dedupe_key: str,
    now: dt.datetime,
    announcement_id: int | None = None,
) -> bool:
    """Queues one message, to go at once; call inside the transaction of the change causing it. False
    if that ``dedupe_key`` was queued before (the message exists already, nothing is added)."""
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    cursor = conn.execute(
        """INSERT INTO outbox (created_at, dedupe_key, kind, person_id, channel, payload, status, not_before,
                               announcement_id)
           VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (dedupe_key) DO NOTHING""",
        (
            stamp(now),
            dedupe_key,
            kind,
            person_id,
            channel_for(person_id),
            json.dumps(payload, ensure_ascii=False, sort_keys=True),
            AT_ONCE,
            announcement_id,
        ),
    )
    return cursor.rowcount == 1


def due(conn: Connection, now: dt.datetime, limit: int, skip_people: Iterable[str] = ()) -> list[OutboxMessage]:
    """Teams messages waiting whose time has come, oldest first, at most one per person (a person's
    messages go in order) and none for ``skip_people`` (those with a message in flight)."""
    skip = set(skip_people)
    found: list[OutboxMessage] = []
    seen: set[str] = set()
    rows = conn.execute(
        """SELECT * FROM outbox WHERE channel = 'teams' AND status = 'pending' AND not_before <= ?
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.person_id = outbox.person_id AND o.status = 'pending'
                           AND o.channel = 'teams' AND o.id < outbox.id AND o.not_before > ?)
           ORDER BY id LIMIT ?""",
        (stamp(now), stamp(now), limit * 4 + len(skip)),
    )
    for row in rows:
        if row["person_id"] in skip or row["person_id"] in seen:
            continue
        seen.add(row["person_id"])
        found.append(OutboxMessage.from_row(row))
        if len(found) >= limit:
            break
    return found


def next_due_at(conn: Connection) -> str | None:
    """When the earliest waiting Teams message may be tried (None: nothing waits)."""
    row = conn.execute("SELECT MIN(not_before) FROM outbox WHERE channel = 'teams' AND status = 'pending'").fetchone()
    return row[0] if row else None


def claim(
    conn: Connection, message_id: int, worker: str, now: dt.datetime, lease: tuple[str, str] | None = None
) -> int | None:
    """Marks the message ``sending`` and opens an attempt; returns the attempt id, or None if the
    message is no longer waiting or ``lease`` (name, holder) is no longer held by this worker."""
    at = stamp(now)
    with transaction(conn):
        if lease is not None:
            held = conn.execute(
                "SELECT 1 FROM worker_leases WHERE name = ? AND holder = ? AND expires_at > ?", (*lease, at)
            ).fetchone()
            if held is None:
                return None
        changed = conn.execute(
            "UPDATE outbox SET status = 'sending' WHERE id = ? AND status = 'pending'", (message_id,)
        ).rowcount
        if not changed:
            return None
        attempt = conn.execute(
            "INSERT INTO delivery_attempts (outbox_id, worker, started_at) VALUES (?, ?, ?) RETURNING id",
            (message_id, worker, at),
        ).fetchone()[0]
        conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, current_attempt = ? WHERE id = ?", (attempt, message_id)
        )
        return int(attempt or 0)


def record(
    conn: Connection,
    message_id: int,
    attempt_id: int,
    *,
    outcome: str,
    now: dt.datetime,
    http_status: int | None = None,
    detail: str | None = None,
    retry_at: dt.datetime | None = None,
    external_id: str | None = None,
) -> bool:
    """Records an attempt's answer and what follows for the message (one transaction). ``outcome``:
    sent; retry (pending again from ``retry_at``); dead or failed (given up, the office sees it).
    False if another worker has taken the message since (the attempt is still recorded)."""
    at = stamp(now)
    detail = detail[:500] if detail else None
    with transaction(conn):
        conn.execute(
            "UPDATE delivery_attempts SET finished_at = ?, http_status = ?, outcome = ?, detail = ? WHERE id = ?",
            (at, http_status, outcome, detail, attempt_id),
        )
        where = "WHERE id = ? AND current_attempt = ? AND status = 'sending'"
        if outcome == "sent":
            sql = f"UPDATE outbox SET status = 'sent', sent_at = ?, external_id = ?, last_error = NULL {where}"
            params: tuple[Any, ...] = (at, external_id, message_id, attempt_id)
        elif outcome == "retry":
            sql = f"UPDATE outbox SET status = 'pending', not_before = ?, last_error = ? {where}"
            params = (stamp(retry_at or now), detail, message_id, attempt_id)
        elif outcome in (DEAD, FAILED):
            sql = f"UPDATE outbox SET status = ?, last_error = ? {where}"
            params = (outcome, detail, message_id, attempt_id)
        else:
            raise ValueError(f"unknown outcome {outcome!r}")
        return conn.execute(sql, params).rowcount == 1


def recover_interrupted(conn: Connection, now: dt.datetime) -> int:
    """A worker taking over: messages left ``sending`` by one that stopped go back to ``pending`` and
    their open attempts are marked ``interrupted``. Returns how many messages."""
    at = stamp(now)
    with transaction(conn):
        conn.execute(
            """UPDATE delivery_attempts SET outcome = 'interrupted', finished_at = ?,
                   detail = 'the worker stopped before recording an answer'
               WHERE outcome IS NULL AND outbox_id IN (SELECT id FROM outbox WHERE status = 'sending')""",
            (at,),
        )
        return conn.execute(
            "UPDATE outbox SET status = 'pending', not_before = ? WHERE status = 'sending'", (AT_ONCE,)
        ).rowcount


def withdraw(conn: Connection, where: str, params: Sequence[Any]) -> int:
    """Withdraws waiting messages matching ``where`` (e.g. a reminder cancelled before it was sent);
    call inside a transaction."""
    return conn.execute(
        f"UPDATE outbox SET status = 'withdrawn' WHERE status = 'pending' AND ({where})", tuple(params)
    ).rowcount


# --- the web chat -----------------------------------------------------------------------------------
def web_notices(conn: Connection, person_id: str, now: dt.datetime) -> list[OutboxMessage]:
    """The web chat user's waiting messages, oldest first."""
    rows = conn.execute(
        "SELECT * FROM outbox WHERE person_id = ? AND channel = 'web' AND status = 'pending' AND not_before <= ?"
        " ORDER BY id",
        (person_id, stamp(now)),
    )
    return [OutboxMessage.from_row(row) for row in rows]


def mark_shown(conn: Connection, shown: Sequence[int], withdrawn: Sequence[int], now: dt.datetime) -> None:
    """The page showed these (an attempt each, recorded as sent); the others had nothing left to say."""
    at = stamp(now)
    with transaction(conn):
        for message_id in shown:
            updated = conn.execute(
                """UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1
                   WHERE id = ? AND status = 'pending'""",
                (at, message_id),
            ).rowcount
            if updated:
                conn.execute(
                    """INSERT INTO delivery_attempts (outbox_id, worker, started_at, finished_at, outcome, detail)
                       VALUES (?, 'web', ?, ?, 'sent', 'shown when the person opened the web chat')""",
                    (message_id, at, at),
                )
        for message_id in withdrawn:
            conn.execute("UPDATE outbox SET status = 'withdrawn' WHERE id = ? AND status = 'pending'", (message_id,))


# --- reading ------------------------------------------------------------------------------------------
def get(conn: Connection, message_id: int) -> OutboxMessage | None:
    row = conn.execute("SELECT * FROM outbox WHERE id = ?", (message_id,)).fetchone()
    return OutboxMessage.from_row(row) if row else None


def messages(conn: Connection, where: str = "1 = 1", params: Sequence[Any] = ()) -> list[OutboxMessage]:
    rows = conn.execute(f"SELECT * FROM outbox WHERE {where} ORDER BY id", tuple(params))
    return [OutboxMessage.from_row(row) for row in rows]


def attempts(conn: Connection, message_id: int | None = None) -> list[dict[str, Any]]:
    """Delivery attempts (of one message, or all), oldest first."""
    if message_id is None:
        rows = conn.execute("SELECT * FROM delivery_attempts ORDER BY id")
    else:
        rows = conn.execute("SELECT * FROM delivery_attempts WHERE outbox_id = ? ORDER BY id", (message_id,))
    return [dict(row) for row in rows]


def counts(conn: Connection) -> dict[str, dict[str, int]]:
    """{kind: {status: n}} over the whole outbox."""
    found: dict[str, dict[str, int]] = {}
    for row in conn.execute("SELECT kind, status, COUNT(*) AS n FROM outbox GROUP BY kind, status"):
        found.setdefault(row["kind"], {})[row["status"]] = row["n"]
    return found


def problems(conn: Connection, limit: int = 100) -> list[OutboxMessage]:
    """Messages given up on (dead reference, refused, too many attempts), newest first."""
    rows = conn.execute("SELECT * FROM outbox WHERE status IN ('dead', 'failed') ORDER BY id DESC LIMIT ?", (limit,))
    return [OutboxMessage.from_row(row) for row in rows]


def announcements(conn: Connection, limit: int = 50) -> list[dict[str, Any]]:
    """Announcements, newest first, with how many of their messages are in each status."""
    result = []
    for row in conn.execute("SELECT * FROM announcements ORDER BY id DESC LIMIT ?", (limit,)).fetchall():
        statuses = dict(
            conn.execute(
                "SELECT status, COUNT(*) FROM outbox WHERE announcement_id = ? GROUP BY status", (row["id"],)
            ).fetchall()
        )
        result.append({**dict(row), "by_status": statuses})
    return result


def add_announcement(
    conn: Connection, cohort_id: str, statuses: str, text: str, actor: str, recipients: int, now: dt.datetime
) -> int:
    """The announcement's own row; call inside the transaction that queues its messages."""
    row = conn.execute(
        """INSERT INTO announcements (created_at, cohort_id, statuses, text, actor, recipients)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
        (stamp(now), cohort_id, statuses, text, actor, recipients),
    ).fetchone()
    return int(row[0])


# --- deleting -----------------------------------------------------------------------------------------
def forget(conn: Connection, person_id: str) -> int:
    """Deletes the person's messages and their attempts; call inside the deleting transaction."""
    return conn.execute("DELETE FROM outbox WHERE person_id = ?", (person_id,)).rowcount


def delete_older_than(conn: Connection, cutoff: dt.datetime) -> int:
    """Finished messages (sent, failed, dead, withdrawn) created before ``cutoff``, with their attempts."""
    with transaction(conn):
        return conn.execute(
            "DELETE FROM outbox WHERE status NOT IN ('pending', 'sending') AND created_at < ?", (stamp(cutoff),)
        ).rowcount


def count_older_than(conn: Connection, cutoff: dt.datetime) -> int:
    row = conn.execute(
        "SELECT COUNT(*) FROM outbox WHERE status NOT IN ('pending', 'sending') AND created_at < ?", (stamp(cutoff),)
    ).fetchone()
    return int(row[0])
