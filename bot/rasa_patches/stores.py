"""Where the Rasa server keeps conversations and their locks, chosen by the settings.

endpoints.yml names the two classes at the end of this module; each builds the store the
environment asks for, so one endpoints.yml serves the embedded default and a cluster:

* **tracker store**: bot/rasa_patches/tracker_store.py's fast SQLite store on ``MANABI_TRACKER_DB`` (the
  default), or, with ``MANABI_DATABASE_URL``, Rasa's own ``SQLTrackerStore`` on PostgreSQL with
  three additions (:class:`PostgresTrackerStore`);
* **lock store**: Rasa's in-memory locks (one Rasa server), or, with ``MANABI_REDIS_URL``, Rasa's
  ``RedisLockStore`` with its tickets issued and returned atomically (:class:`AtomicRedisLockStore`).

This module reaches into Rasa's stores (it subclasses them); it is the one place that does so for
deployment, next to bot/rasa_patches/tracker_store.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import psycopg2.extras
import sqlalchemy as sa
from rasa.core.lock import TicketLock
from rasa.core.lock_store import DEFAULT_SOCKET_TIMEOUT_IN_SECONDS, LOCK_LIFETIME, InMemoryLockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.settings import load_settings

logger = logging.getLogger(__name__)
T = TypeVar("T")

# How long a turn waits for PostgreSQL to come back (a restart, a fail-over) before Rasa's
# fail-safe store takes over (it answers as if the conversation were new).
RECONNECT_SECONDS = 20.0
LOCK_SPACE = 0x4D41 + 2  # advisory locks of the tracker store (bot/state/postgres.py: 0x4D41, 0x4D42)
_CREATE_TABLES = 1
_SAVE = 2


def sqlalchemy_url(url: str) -> str:
    """SQLAlchemy 1.4 reads ``postgresql://`` (psycopg2), not the older ``postgres://``."""
    return "postgresql://" + url.split("://", 1)[1] if url.startswith("postgres://") else url


class PostgresTrackerStore(SQLTrackerStore):
    """Rasa's ``SQLTrackerStore`` on PostgreSQL, safe with several Rasa servers on one database.

    Same table, same rows, same queries as Rasa's; what it adds:

    * **plain SQL** for the two calls of every turn (``retrieve``, ``save``) on a pooled psycopg2
      connection, instead of SQLAlchemy ORM queries and objects: measured, Rasa's ORM code took
      ~10 ms of CPU per turn, 42 % of the Rasa server's (docs/performance.md), for the same rows;

    * **one save at a time per conversation**: Rasa's save counts the conversation's rows and then
      appends the events beyond that count; two servers saving one conversation at once would both
      count the same rows and append twice. The count and the append run under a transaction lock
      on the sender (``pg_advisory_xact_lock``), so a second save counts the first one's rows;
    * **reconnecting**: pooled connections are checked before use (``pool_pre_ping``), so a
      PostgreSQL restart costs no failed turn; a turn that meets PostgreSQL down retries for up to
      :data:`RECONNECT_SECONDS` (a save is safe to repeat: it appends only what is missing);
    * **servers starting together** create the table one after the other (no error in the log);
    * **no wait for the disk flush** on a commit (``synchronous_commit = off``, as the SQLite
      default's ``synchronous = NORMAL``): Rasa's store runs on the server's event loop, so every
      flush it waited for held up every conversation of that server.

    Pool size per Rasa process: Rasa's own ``SQL_POOL_SIZE`` and ``SQL_MAX_OVERFLOW`` (docs/deploy.md
    sets them against PostgreSQL's ``max_connections``).
    """

    def __init__(self, domain: Any = None, url: str = "", event_broker: Any = None, **kwargs: Any) -> None:
        url = sqlalchemy_url(url)
        with _session_lock(url, _CREATE_TABLES):
            super().__init__(domain=domain, dialect="postgresql", host=url, event_broker=event_broker, **kwargs)
        self.engine.dispose()
        self.engine: Any = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        sa.event.listen(self.engine, "connect", _tune_connection)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def _again(self, work: Callable[[], Awaitable[T]]) -> T:
        deadline = asyncio.get_running_loop().time() + RECONNECT_SECONDS
        pause = 0.25
        while True:
            try:
                return await work()
            except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
                if asyncio.get_running_loop().time() + pause > deadline:
                    raise
                logger.warning("Tracker store: PostgreSQL unavailable (%s); retrying.", type(error).__name__)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 2.0)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._again(lambda: self._retrieve_plain(sender_id))

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self._again(lambda: SQLTrackerStore.retrieve_full_tracker(self, conversation_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        await self._again(lambda: self._save_plain(tracker))

    async def _retrieve_plain(self, sender_id: str) -> DialogueStateTracker | None:
        """Rasa's ``SQLTrackerStore.retrieve`` (3.6): the events since the latest session start."""
        connection = self.engine.raw_connection()  # close() gives it back to the pool
        try:
            cursor = connection.cursor()
            cursor.execute(_SESSION_EVENTS, {"sender": sender_id, "session": SessionStarted.type_name})
            rows = cursor.fetchall()
            connection.commit()  # end the read transaction
        finally:
            connection.close()
        if not rows or self.domain is None:
            return None
        return DialogueStateTracker.from_dict(sender_id, [json.loads(data) for (data,) in rows], self.domain.slots)

    async def _save_plain(self, tracker: DialogueStateTracker) -> None:
        """Rasa's ``SQLTrackerStore.save`` (3.6): the events beyond the number of rows stored for the
        session, appended in one transaction, counted under the sender's lock."""
        sender_id = tracker.sender_id
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (LOCK_SPACE + _SAVE, sender_id))
            cursor.execute(_SESSION_COUNT, {"sender": sender_id, "session": SessionStarted.type_name})
            stored = cursor.fetchone()[0]
            rows = [_row(sender_id, event) for event in list(tracker.events)[stored:]]
            if rows:
                psycopg2.extras.execute_values(cursor, _INSERT, rows)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            connection.close()


def _row(sender_id: str, event: Event) -> tuple[Any, ...]:
    """The row Rasa's SQLTrackerStore.save writes for an event."""
    data = event.as_dict()
    intent = (data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY)
    return (sender_id, event.type_name, data.get("timestamp"), intent, data.get("name"), json.dumps(data))


# Rasa's query (SQLTrackerStore._event_query): the sender's events since the latest SessionStarted.
_SESSION_FILTER = """sender_id = %(sender)s AND (
      timestamp >= (SELECT max(timestamp) FROM events WHERE sender_id = %(sender)s AND type_name = %(session)s)
      OR (SELECT max(timestamp) FROM events WHERE sender_id = %(sender)s AND type_name = %(session)s) IS NULL)"""
_SESSION_EVENTS = f"SELECT data FROM events WHERE {_SESSION_FILTER} ORDER BY id"
_SESSION_COUNT = f"SELECT count(*) FROM events WHERE {_SESSION_FILTER}"
_INSERT = "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) VALUES %s"


def _tune_connection(dbapi_connection: Any, _record: Any) -> None:
    """Conversations as the SQLite default keeps them (``synchronous = NORMAL``): a commit does not
    wait for PostgreSQL's disk flush, so a crash of the *database server* (not of Rasa) can lose the
    last fraction of a second of turns, never corrupt them. Registrations are another connection
    (bot/state), and wait for the flush."""
    cursor = dbapi_connection.cursor()
    cursor.execute("SET synchronous_commit TO off")
    cursor.close()
    dbapi_connection.commit()


class _session_lock:  # noqa: N801 (used as a context manager)
    """A session-level advisory lock on its own connection (released when left)."""

    def __init__(self, url: str, key: int) -> None:
        self.url, self.key = url, key
        self.conn: Any = None

    def __enter__(self) -> None:
        import psycopg2

        try:
            self.conn = psycopg2.connect(self.url, connect_timeout=5)
            self.conn.autocommit = True
            self.conn.cursor().execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_SPACE, self.key))
        except psycopg2.OperationalError:
            self.conn = None  # not up yet: Rasa's own start-up loop waits for it

    def __exit__(self, *_: Any) -> None:
        if self.conn is not None:
            self.conn.close()


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's ``RedisLockStore`` whose tickets cannot be lost between two Rasa servers.

    Rasa reads a conversation's lock from Redis, changes it in Python and writes it back. Two
    servers issuing a ticket for one conversation at the same moment can both read the same lock,
    so both get the same ticket number and both process the conversation at once (RasaHQ/rasa
    #11256, whose fix was reverted from Rasa Open Source). Here every read-change-write of a lock
    is one Redis transaction (``WATCH``/``MULTI``/``EXEC``, retried when another server changed
    the lock in between), so tickets are issued and returned one at a time, whichever server asks.
    """

    def _change(self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, T]]) -> T:
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new_lock, result = change(lock)
                    pipe.multi()
                    if new_lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new_lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock | None, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        return self._change(conversation_id, issue)

    def update_lock(self, conversation_id: str) -> None:
        def expire(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, expire)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish)


def redis_options(url: str) -> dict[str, Any]:
    """``redis://[:password]@host:port/db`` as RedisLockStore's arguments."""
    parts = urlsplit(url)
    database = (parts.path or "/0").strip("/") or "0"
    return {
        "host": parts.hostname or "localhost",
        "port": parts.port or 6379,
        "db": int(database),
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "use_ssl": parts.scheme == "rediss",
        "socket_timeout": DEFAULT_SOCKET_TIMEOUT_IN_SECONDS,
    }


# --- what endpoints.yml names ------------------------------------------------------------------
class TrackerStoreFromSettings:
    """``tracker_store: type: bot.rasa_patches.stores.TrackerStoreFromSettings`` (endpoints.yml)."""

    def __new__(cls, domain: Any = None, host: Any = None, event_broker: Any = None, **kwargs: Any) -> Any:
        settings = load_settings()
        if settings.database_url:
            kwargs.pop("db", None)  # the SQLite file's path
            return PostgresTrackerStore(domain=domain, url=settings.database_url, event_broker=event_broker, **kwargs)
        from bot.rasa_patches.tracker_store import SQLiteTrackerStore

        return SQLiteTrackerStore(domain=domain, host=host, event_broker=event_broker, **kwargs)


class LockStoreFromSettings:
    """``lock_store: type: bot.rasa_patches.stores.LockStoreFromSettings`` (endpoints.yml)."""

    def __new__(cls, endpoint_config: Any = None) -> Any:
        url = load_settings().redis_url
        if not url:
            return InMemoryLockStore()
        return AtomicRedisLockStore(**redis_options(url))
