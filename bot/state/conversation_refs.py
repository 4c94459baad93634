"""Every SQL statement about where a proactive Teams message goes (table ``conversation_refs``).

The Teams channel keeps, from each person's latest activity, only what sending them a message later
needs: the serviceUrl, the tenant, their Teams user id (``29:…``) and Entra object id, their personal
(1:1) conversation with the bot and the bot's id. A reference is *dead* when Teams answered 403/404
(the person blocked or uninstalled the app) or the app was removed; the person writing again revives
it. ``registrations delete-person`` removes it (:func:`forget`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.records import from_row
from bot.state.db import Connection, transaction
from bot.state.times import stamp


@dataclass(frozen=True)
class ConversationRef:
    person_id: str
    channel: str
    service_url: str
    tenant_id: str | None
    user_id: str | None  # Teams' 29:… id
    aad_object_id: str | None
    conversation_id: str | None  # the personal conversation; None until known (or created)
    bot_id: str | None
    updated_at: str
    dead_at: str | None = None
    dead_reason: str | None = None

    @property
    def is_dead(self) -> bool:
        return self.dead_at is not None

    @property
    def member_id(self) -> str | None:
        """Whom to start a 1:1 conversation with: the Teams user id, else the Entra object id."""
        return self.user_id or self.aad_object_id

    @classmethod
    def from_row(cls, row: Any) -> ConversationRef:
        return from_row(cls, row)


_FIELDS = ("service_url", "tenant_id", "user_id", "aad_object_id", "conversation_id", "bot_id")


def get(conn: Connection, person_id: str) -> ConversationRef | None:
    row = conn.execute("SELECT * FROM conversation_refs WHERE person_id = ?", (person_id,)).fetchone()
    return ConversationRef.from_row(row) if row else None


def remember(
    conn: Connection,
    person_id: str,
    *,
    service_url: str,
    tenant_id: str | None,
    user_id: str | None,
    aad_object_id: str | None,
    conversation_id: str | None,
    bot_id: str | None,
    now: dt.datetime,
    channel: str = "teams",
) -> bool:
    """Keeps what a later message to the person needs; True if anything was written.

    ``conversation_id`` is the personal conversation (None for an activity from a group chat or a
    channel, which keeps the one known). Reading first makes the usual case, nothing new, cost no
    write: this runs on every inbound activity."""
    known = get(conn, person_id)
    wanted = {
        "service_url": service_url,
        "tenant_id": tenant_id,
        "user_id": user_id,
        "aad_object_id": aad_object_id,
        "conversation_id": conversation_id or (known.conversation_id if known else None),
        "bot_id": bot_id,
    }
    if known and not known.is_dead and all(getattr(known, k) == v for k, v in wanted.items()):
        return False
    with transaction(conn):
        conn.execute(
            f"""INSERT INTO conversation_refs (person_id, channel, {", ".join(_FIELDS)}, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (person_id) DO UPDATE SET channel = excluded.channel,
                    service_url = excluded.service_url, tenant_id = excluded.tenant_id,
                    user_id = excluded.user_id, aad_object_id = excluded.aad_object_id,
                    conversation_id = COALESCE(excluded.conversation_id, conversation_refs.conversation_id),
                    bot_id = excluded.bot_id, updated_at = excluded.updated_at,
                    dead_at = NULL, dead_reason = NULL""",
            (person_id, channel, *(wanted[k] for k in _FIELDS), stamp(now)),
        )
    return True


def set_conversation(conn: Connection, person_id: str, conversation_id: str, now: dt.datetime) -> None:
    """The personal conversation the worker created for someone who had not written to the bot."""
    with transaction(conn):
        conn.execute(
            "UPDATE conversation_refs SET conversation_id = ?, updated_at = ? WHERE person_id = ?",
            (conversation_id, stamp(now), person_id),
        )


def mark_dead(conn: Connection, person_id: str, reason: str, now: dt.datetime) -> None:
    """Teams will not take messages for the person (blocked, uninstalled); call inside a transaction."""
    conn.execute(
        "UPDATE conversation_refs SET dead_at = ?, dead_reason = ? WHERE person_id = ? AND dead_at IS NULL",
        (stamp(now), reason[:300], person_id),
    )


def dead(conn: Connection) -> list[ConversationRef]:
    """Every dead reference, most recent first (the office sees them)."""
    rows = conn.execute("SELECT * FROM conversation_refs WHERE dead_at IS NOT NULL ORDER BY dead_at DESC")
    return [ConversationRef.from_row(r) for r in rows]


def service_url_for(conn: Connection, tenant_id: str | None) -> str | None:
    """A serviceUrl Teams gave in the tenant (the newest), for people who never wrote to the bot."""
    row = conn.execute(
        "SELECT service_url FROM conversation_refs WHERE tenant_id IS ? ORDER BY updated_at DESC LIMIT 1",
        (tenant_id,),
    ).fetchone()
    return row["service_url"] if row else None


def forget(conn: Connection, person_id: str) -> int:
    """Deletes the person's reference; call inside the deleting transaction."""
    return conn.execute("DELETE FROM conversation_refs WHERE person_id = ?", (person_id,)).rowcount
