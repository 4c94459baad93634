"""The state database on PostgreSQL: a psycopg2 connection that reads the SQL the state modules write.

Every statement under bot/state/ and bot/registrations/ is written once, in the subset both engines
read alike (``?`` placeholders, ISO 8601 text timestamps, ``ON CONFLICT`` upserts, ``RETURNING id``).
This connection gives them what the SQLite connection gives:

* ``?`` becomes psycopg2's ``%s`` (outside string literals; a literal ``%`` is escaped);
* rows read by name and by position, like ``sqlite3.Row`` (psycopg2's DictRow);
* a statement outside :func:`bot.state.db.transaction` runs on its own (autocommit), as on the
  SQLite connection (``isolation_level=None``);
* after a PostgreSQL restart the next use reconnects: the ``BEGIN`` of a transaction and a read
  outside one are retried once on a new connection. Nothing is retried once a transaction has
  begun: a write that may or may not have happened is the caller's error, never guessed.

Write transactions lock instead of SQLite's one file lock (``BEGIN IMMEDIATE``), see :meth:`begin`.
"""

from __future__ import annotations

import contextlib
import logging
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

import psycopg2
import psycopg2.extensions
import psycopg2.extras

logger = logging.getLogger(__name__)

Error = psycopg2.Error
IntegrityError = psycopg2.IntegrityError

# Server-side limits per session: a lock wait as long as SQLite's busy timeout, no statement or
# idle transaction that holds locks forever.
SESSION_OPTIONS = "-c lock_timeout=10000 -c statement_timeout=30000 -c idle_in_transaction_session_timeout=60000"
CONNECT_TIMEOUT_SECONDS = 5

# Advisory lock keys (two int4): every lock of this project is in LOCK_SPACE, so it never meets
# another application's locks in a shared database. (LOCK_SPACE, 0) is the whole state DB.
LOCK_SPACE = 0x4D41  # "MA"
WHOLE_DATABASE = 0
_RECONNECTABLE = (psycopg2.OperationalError, psycopg2.InterfaceError)


def is_postgresql(location: object) -> bool:
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


@lru_cache(maxsize=1024)
def to_pyformat(sql: str) -> str:
    """``?`` placeholders as psycopg2's ``%s``; ``%`` doubled; quoted text left as it is."""
    out: list[str] = []
    quote = ""
    for char in sql:
        if char == "%":
            out.append("%%")
        elif quote:
            out.append(char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            out.append(char)
        else:
            out.append("%s" if char == "?" else char)
    return "".join(out)


def scope_key(scope: str) -> int:
    """A stable int4 for a lock scope such as ``cohort:leader-7`` (a collision only serialises more)."""
    return zlib.crc32(scope.encode("utf-8")) - 2**31


class Cursor:
    """The part of ``sqlite3.Cursor`` the state modules use."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall()) if self._cursor.description else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class PgConnection:
    """One PostgreSQL session for one process (or thread), used like the SQLite connection."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._raw: Any = None
        self.in_transaction = False
        self._reconnect()

    # --- connection -------------------------------------------------------------------------
    def _reconnect(self) -> None:
        if self._raw is not None:
            with contextlib.suppress(Error):
                self._raw.close()
        self._raw = psycopg2.connect(
            self.url,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            options=SESSION_OPTIONS,
            application_name="manabi",
            cursor_factory=psycopg2.extras.DictCursor,
        )
        self._raw.autocommit = True  # BEGIN/COMMIT are explicit, as on the SQLite connection

    def close(self) -> None:
        if self._raw is not None and not self._raw.closed:
            self._raw.close()

    @property
    def broken(self) -> bool:
        return self._raw is None or bool(self._raw.closed)

    # --- statements ---------------------------------------------------------------------------
    def execute(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()) -> Cursor:
        if self.in_transaction or sql.lstrip()[:6].upper() != "SELECT":
            return self._execute(sql, parameters)
        try:
            return self._execute(sql, parameters)
        except _RECONNECTABLE:
            if not self.broken:
                raise
        logger.warning("State DB: the PostgreSQL connection was lost; reading again on a new one.")
        self._reconnect()
        return self._execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]]) -> Cursor:
        cursor = self._raw.cursor()
        cursor.executemany(to_pyformat(sql), list(seq_of_parameters))
        return Cursor(cursor)

    def _execute(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any]) -> Cursor:
        if self.broken:
            self._reconnect()
        cursor = self._raw.cursor()
        # Always with parameters (an empty tuple too): psycopg2 then turns the doubled ``%`` back.
        cursor.execute(to_pyformat(sql), parameters if isinstance(parameters, Mapping) else tuple(parameters))
        return Cursor(cursor)

    # --- transactions -------------------------------------------------------------------------
    def begin(self, scopes: Sequence[str] = ()) -> None:
        """BEGIN (READ COMMITTED), then the transaction's locks, held until COMMIT or ROLLBACK.

        Without ``scopes``: the whole state DB exclusively, exactly SQLite's ``BEGIN IMMEDIATE``
        (one writer at a time, so every read inside sees what it will write over). With scopes
        (``cohort:leader-7``): the whole DB shared and each scope exclusively, so registrations for
        one cohort queue one after the other while other cohorts and readers go on; an exclusive
        transaction waits for all of them. READ COMMITTED matters: each statement after the locks
        sees every transaction committed before it got them.
        """
        try:
            self._execute("BEGIN", ())
        except _RECONNECTABLE:
            if not self.broken:
                raise
            logger.warning("State DB: the PostgreSQL connection was lost; beginning on a new one.")
            self._reconnect()
            self._execute("BEGIN", ())
        self.in_transaction = True
        try:
            if not scopes:
                self._execute("SELECT pg_advisory_xact_lock(?, ?)", (LOCK_SPACE, WHOLE_DATABASE))
                return
            self._execute("SELECT pg_advisory_xact_lock_shared(?, ?)", (LOCK_SPACE, WHOLE_DATABASE))
            for key in sorted({scope_key(scope) for scope in scopes}):  # one order: no deadlock
                self._execute("SELECT pg_advisory_xact_lock(?, ?)", (LOCK_SPACE + 1, key))
        except BaseException:
            self.rollback()
            raise

    def commit(self) -> None:
        try:
            self._execute("COMMIT", ())
        finally:
            self.in_transaction = False

    def rollback(self) -> None:
        """ROLLBACK; on a connection already lost there is nothing to roll back (the server did)."""
        try:
            if not self.broken:
                self._execute("ROLLBACK", ())
        except _RECONNECTABLE:
            pass
        finally:
            self.in_transaction = False


def connect(url: str) -> PgConnection:
    return PgConnection(url)
