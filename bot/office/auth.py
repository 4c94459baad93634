"""Logging in to the console: password check, login sessions, CSRF tokens, a brake on guessing.

* The session cookie (``manabi_office``) holds a random token; the database keeps only its hash.
  It is HttpOnly, SameSite=Strict, limited to ``/office``, and Secure behind HTTPS (config).
* Every state-changing request carries the session's CSRF token in the form (``csrf``); the login
  form itself uses a double-submit token (a cookie and the same value in the form).
* After ``MAX_FAILURES`` failed logins for a name within ``FAILURE_WINDOW``, logins for that name
  are refused until the window has passed (the audit trail counts them).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from bot.office import passwords
from bot.office.config import OfficeSettings
from bot.state import office as store
from bot.state.db import Connection

SESSION_COOKIE = "manabi_office"
LOGIN_COOKIE = "manabi_office_login"
MAX_FAILURES = 10
FAILURE_WINDOW = dt.timedelta(minutes=15)
MAX_NAME_CHARS = 64


class LoginRefused(Exception):
    """A login that does not go ahead; the message is for the person at the login page."""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; a missing token never matches."""
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def recent_failures(conn: Connection, name: str, now: dt.datetime) -> int:
    since = (now - FAILURE_WINDOW).isoformat(timespec="seconds")
    row = conn.execute(
        "SELECT COUNT(*) FROM office_audit WHERE event = 'login_failed' AND target = ? AND at >= ?", (name, since)
    ).fetchone()
    return int(row[0])


def log_in(
    conn: Connection,
    settings: OfficeSettings,
    name: str,
    password: str,
    remote_addr: str | None,
    now: dt.datetime | None = None,
) -> tuple[str, store.Session]:
    """Checks the password and starts a session: (session token for the cookie, session)."""
    moment = now or store.now_jst()
    name = name.strip()[:MAX_NAME_CHARS]
    if recent_failures(conn, name, moment) >= MAX_FAILURES:
        store.record(conn, store.AuditEntry("-", "login_blocked", target=name, remote_addr=remote_addr), now=moment)
        raise LoginRefused("ログインの失敗が続いたため、しばらくログインできません。15分ほどしてからお試しください。")
    stored = store.password_hash_of(conn, name) if name else None
    if not passwords.verify(stored, password):
        store.record(conn, store.AuditEntry("-", "login_failed", target=name, remote_addr=remote_addr), now=moment)
        raise LoginRefused("ユーザー名またはパスワードが違います。")
    assert stored is not None
    if passwords.needs_rehash(stored):
        store.update_hash(conn, name, passwords.hash_password(password))
    token, csrf = new_token(), new_token()
    expires_at = moment + settings.lifetime
    store.start_session(conn, name, token, csrf, expires_at, remote_addr, now=moment)
    return token, store.Session(name, csrf, expires_at)
