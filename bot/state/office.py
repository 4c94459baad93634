"""Every SQL statement of the office console: accounts, login sessions and the office audit trail.

Session tokens are stored only as their SHA-256 (a copy of the database does not log anyone in);
each session has its own CSRF token. Expired sessions are deleted when anyone logs in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from bot.clock import JST
from bot.state.db import Connection, transaction
from bot.state.times import timestamp


def now_jst() -> dt.datetime:
    return dt.datetime.now(JST)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Session:
    user_name: str
    csrf_token: str
    expires_at: dt.datetime


# --- accounts -------------------------------------------------------------------------------
def set_user(conn: Connection, name: str, password_hash: str, now: dt.datetime | None = None) -> bool:
    """Creates the user or sets a new password (ending their sessions); True if the user is new."""
    stamp = timestamp(now or now_jst())
    with transaction(conn):
        existed = conn.execute("SELECT 1 FROM office_users WHERE name = ?", (name,)).fetchone() is not None
        conn.execute(
            """INSERT INTO office_users (name, password_hash, created_at, password_set_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash,
                   password_set_at = excluded.password_set_at, disabled = 0""",
            (name, password_hash, stamp, stamp),
        )
        conn.execute("DELETE FROM office_sessions WHERE user_name = ?", (name,))
        _write(conn, stamp, AuditEntry("cli", "user_password_set" if existed else "user_added", target=name))
    return not existed


def disable_user(conn: Connection, name: str, now: dt.datetime | None = None) -> bool:
    """Stops a user from logging in and ends their sessions; False for an unknown user."""
    stamp = timestamp(now or now_jst())
    with transaction(conn):
        changed = conn.execute("UPDATE office_users SET disabled = 1 WHERE name = ?", (name,)).rowcount
        conn.execute("DELETE FROM office_sessions WHERE user_name = ?", (name,))
        if changed:
            _write(conn, stamp, AuditEntry("cli", "user_disabled", target=name))
    return bool(changed)


def password_hash_of(conn: Connection, name: str) -> str | None:
    """The stored hash of an enabled user, else None."""
    row = conn.execute("SELECT password_hash FROM office_users WHERE name = ? AND disabled = 0", (name,)).fetchone()
    return row["password_hash"] if row else None


def update_hash(conn: Connection, name: str, password_hash: str) -> None:
    """Replaces a hash made with older parameters (rehash on login)."""
    with transaction(conn):
        conn.execute("UPDATE office_users SET password_hash = ? WHERE name = ?", (password_hash, name))


def users(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute("SELECT name, created_at, password_set_at, last_login_at, disabled FROM office_users")
    return [dict(row) for row in rows]


def user_count(conn: Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM office_users WHERE disabled = 0").fetchone()[0])


# --- sessions -------------------------------------------------------------------------------
def start_session(
    conn: Connection,
    name: str,
    token: str,
    csrf_token: str,
    expires_at: dt.datetime,
    remote_addr: str | None,
    now: dt.datetime | None = None,
) -> None:
    """A new login session (and the login in the audit trail); expired sessions are cleared."""
    moment = now or now_jst()
    stamp = timestamp(moment)
    with transaction(conn):
        conn.execute("DELETE FROM office_sessions WHERE expires_at < ?", (stamp,))
        conn.execute(
            """INSERT INTO office_sessions (token_hash, user_name, csrf_token, created_at, last_seen_at, expires_at)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (token_digest(token), name, csrf_token, stamp, stamp, timestamp(expires_at)),
        )
        conn.execute("UPDATE office_users SET last_login_at = ? WHERE name = ?", (stamp, name))
        _write(conn, stamp, AuditEntry(name, "login", remote_addr=remote_addr))


def session_for(conn: Connection, token: str, idle: dt.timedelta, now: dt.datetime | None = None) -> Session | None:
    """The live session of ``token`` (not expired, not idle longer than ``idle``, user enabled)."""
    moment = now or now_jst()
    row = conn.execute(
        """SELECT s.user_name, s.csrf_token, s.last_seen_at, s.expires_at FROM office_sessions s
           JOIN office_users u ON u.name = s.user_name AND u.disabled = 0 WHERE s.token_hash = ?""",
        (token_digest(token),),
    ).fetchone()
    if row is None:
        return None
    expires_at = dt.datetime.fromisoformat(row["expires_at"])
    last_seen = dt.datetime.fromisoformat(row["last_seen_at"])
    if moment >= expires_at or moment - last_seen >= idle:
        end_session(conn, token)
        return None
    if moment - last_seen >= dt.timedelta(minutes=1):  # at most one write a minute per session
        with transaction(conn):
            conn.execute(
                "UPDATE office_sessions SET last_seen_at = ? WHERE token_hash = ?",
                (timestamp(moment), token_digest(token)),
            )
    return Session(row["user_name"], row["csrf_token"], expires_at)


def end_session(conn: Connection, token: str) -> None:
    with transaction(conn):
        conn.execute("DELETE FROM office_sessions WHERE token_hash = ?", (token_digest(token),))


# --- audit ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AuditEntry:
    """One row of the office audit trail: who (a user name, ``cli`` or ``-``), what, to which user or
    item, and from where."""

    user_name: str
    event: str
    target: str | None = None
    detail: str | None = None
    remote_addr: str | None = None


def record(conn: Connection, entry: AuditEntry, now: dt.datetime | None = None) -> None:
    """One row of the office audit trail (its own transaction)."""
    with transaction(conn):
        _write(conn, timestamp(now or now_jst()), entry)


def _write(conn: Connection, at: str, entry: AuditEntry) -> None:
    """The audit row, inside the caller's transaction."""
    conn.execute(
        "INSERT INTO office_audit (at, user_name, event, target, detail, remote_addr) VALUES (?, ?, ?, ?, ?, ?)",
        (at, entry.user_name, entry.event, entry.target, entry.detail, entry.remote_addr),
    )


def audit_trail(conn: Connection, limit: int = 200) -> list[dict[str, Any]]:
    """The latest office audit rows, newest first."""
    return [dict(r) for r in conn.execute("SELECT * FROM office_audit ORDER BY id DESC LIMIT ?", (limit,))]
