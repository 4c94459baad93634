"""Rasa's SQL tracker store on one SQLite file, made fast for a single long-running server.

Same table and rows as Rasa's ``SQLTrackerStore`` (``events``: one row per event, JSON in
``data``), so Rasa's tools, the data deletion in bot/registrations/conversations.py and existing
databases keep working. What differs (measured effects in docs/performance.md):

* **Pooled WAL connections.** Rasa opens SQLite through SQLAlchemy's default pool for files, which
  closes the connection after every session: with WAL each close is the last one, so SQLite
  checkpoints and syncs the log on every turn. Here the connections stay pooled, the file is in
  WAL mode, and ``synchronous = NORMAL``: a saved turn survives any crash or restart of the
  server process; only an operating-system crash or power cut can lose the last turns (the
  registrations themselves live in the state DB with ``synchronous = FULL``).
* **Plain SQL** on the pooled DB-API connection instead of SQLAlchemy ORM queries and objects.
* **Recently used conversations stay in memory as event objects** (write-through: every turn is
  still written to SQLite before the reply goes out). Rasa re-reads and re-parses a
  conversation's whole JSON history on every message (and counts its rows again on every save);
  here a turn rebuilds the tracker from the cached events, and a save appends only the turn's new
  events. Before using the cache, one indexed query checks that the sender's rows in the file are
  still exactly the ones cached (highest id and row count), so a conversation deleted or changed
  by another process (``python -m bot registrations delete …``, a second server) is re-read from
  the file, never served stale. The cache is bounded by a number of events (``cache_events``) and
  drops the least recently used conversations first; ``cache_events: 0`` turns it off.

It copies what it must keep equal from Rasa 3.6's ``SQLTrackerStore`` (the session query, the row
written per event) and replaces its engine, so it lives with the other Rasa patches and refuses
another Rasa version as they do (``check_rasa_version``).

Used from endpoints.yml: ``tracker_store: {type: bot.rasa_patches.tracker_store.SQLiteTrackerStore, db: …}``.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.rasa_patches.patch import check_rasa_version

logger = logging.getLogger(__name__)

DEFAULT_CACHE_EVENTS = 20_000  # ~40–80 MB: a few hundred lively conversations

# Rasa's query (SQLTrackerStore._event_query): the sender's events since the latest SessionStarted.
_SESSION_FILTER = """sender_id = :sender AND (
      timestamp >= (SELECT max(timestamp) FROM events WHERE sender_id = :sender AND type_name = :session)
      OR (SELECT max(timestamp) FROM events WHERE sender_id = :sender AND type_name = :session) IS NULL)"""
_SESSION_EVENTS = f"SELECT data FROM events WHERE {_SESSION_FILTER} ORDER BY id"
_SESSION_COUNT = f"SELECT count(*) FROM events WHERE {_SESSION_FILTER}"
_STAMP = "SELECT max(id), count(*) FROM events WHERE sender_id = ?"
_INSERT = (
    "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) VALUES (?, ?, ?, ?, ?, ?)"
)


def prepare_tracker_db(path: Path) -> None:
    """Create the tracker database in WAL mode (the mode is stored in the file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()


def _tune_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.close()


@dataclass
class _Cached:
    """A conversation as last read or written: its events since the session start, and a stamp of
    the sender's rows in the file (highest id, number of rows over all sessions)."""

    events: tuple[Event, ...]
    stamp: tuple[int | None, int]


class _EventCache:
    """Least-recently-used conversations, bounded by their total number of events."""

    def __init__(self, max_events: int) -> None:
        self.max_events = max_events
        self._items: OrderedDict[str, _Cached] = OrderedDict()
        self._events = 0

    def get(self, sender_id: str) -> _Cached | None:
        item = self._items.get(sender_id)
        if item is not None:
            self._items.move_to_end(sender_id)
        return item

    def put(self, sender_id: str, item: _Cached) -> None:
        self.drop(sender_id)
        if self.max_events <= 0 or len(item.events) > self.max_events:
            return
        self._items[sender_id] = item
        self._events += len(item.events)
        while self._events > self.max_events:
            _, oldest = self._items.popitem(last=False)
            self._events -= len(oldest.events)

    def drop(self, sender_id: str) -> None:
        item = self._items.pop(sender_id, None)
        if item is not None:
            self._events -= len(item.events)

    def __len__(self) -> int:
        return len(self._items)


def _row(sender_id: str, event: Event) -> tuple[Any, ...]:
    """The row Rasa's SQLTrackerStore.save writes for an event."""
    data = event.as_dict()
    intent = (data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY)
    return (sender_id, event.type_name, data.get("timestamp"), intent, data.get("name"), json.dumps(data))


def use_pooled_wal_engine(store: SQLTrackerStore) -> None:
    """Give a SQLite ``SQLTrackerStore`` a small connection pool whose connections are tuned
    (WAL, synchronous NORMAL, busy timeout) instead of a new connection per session."""
    url = store.engine.url
    store.engine.dispose()
    store.engine = sa.create_engine(
        url, poolclass=sa.pool.QueuePool, pool_size=2, max_overflow=8, connect_args={"check_same_thread": False}
    )
    sa.event.listen(store.engine, "connect", _tune_connection)
    store.sessionmaker = sa.orm.session.sessionmaker(bind=store.engine)


class SQLiteTrackerStore(SQLTrackerStore):
    """SQLTrackerStore fixed to SQLite: pooled WAL connections, plain SQL, an event cache (see module)."""

    def __init__(
        self,
        domain: Domain | None = None,
        db: str = "var/trackers.sqlite",
        event_broker: EventBroker | None = None,
        host: str | None = None,
        cache_events: int = DEFAULT_CACHE_EVENTS,
        **kwargs: Any,
    ) -> None:
        check_rasa_version()
        prepare_tracker_db(Path(db))
        super().__init__(domain=domain, dialect="sqlite", db=db, event_broker=event_broker, **kwargs)
        use_pooled_wal_engine(self)
        self._cache = _EventCache(int(cache_events))

    # ---- plain SQL on a pooled connection ------------------------------------------------------
    def _connection(self) -> Any:
        return self.engine.raw_connection()  # close() returns it to the pool

    @staticmethod
    def _stamp(cursor: Any, sender_id: str) -> tuple[int | None, int]:
        last_id, rows = cursor.execute(_STAMP, (sender_id,)).fetchone()
        return last_id, rows

    def _simple(self) -> bool:
        """The fast path does not cover a bounded event history or an event broker (Rasa's code does)."""
        return self.event_broker is None and not self.max_event_history

    # ---- TrackerStore API ----------------------------------------------------------------------
    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The tracker of the sender's current session (as Rasa's), from the cache when still valid."""
        if not self._simple() or self.domain is None:
            return await super().retrieve(sender_id)
        cached = self._cache.get(sender_id)
        connection = self._connection()
        try:
            cursor = connection.cursor()
            stamp = self._stamp(cursor, sender_id)
            if cached is None or cached.stamp != stamp:
                if stamp[0] is None:
                    self._cache.drop(sender_id)
                    return None
                parameters = {"sender": sender_id, "session": SessionStarted.type_name}
                rows = cursor.execute(_SESSION_EVENTS, parameters).fetchall()
                events = tuple(deserialise_events([json.loads(data) for (data,) in rows]))
                cached = _Cached(events, stamp)
                self._cache.put(sender_id, cached)
            connection.commit()  # end the read transaction
        finally:
            connection.close()
        if not cached.events:
            return None
        return DialogueStateTracker.from_events(sender_id, list(cached.events), self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Appends the events the file does not have yet (Rasa's rule: those after the number of
        rows stored for the current session), in one transaction."""
        if not self._simple():
            self._cache.drop(tracker.sender_id)
            await super().save(tracker)
            return
        sender_id = tracker.sender_id
        events = list(tracker.events)
        cached = self._cache.get(sender_id)
        connection = self._connection()
        try:
            cursor = connection.cursor()
            stored: int | None = None
            if (
                cached is not None
                and self._extends(events, cached.events)
                and self._stamp(cursor, sender_id) == cached.stamp
            ):
                stored = len(cached.events)
            if stored is None:  # Rasa's way: count the session's rows
                parameters = {"sender": sender_id, "session": SessionStarted.type_name}
                stored = cursor.execute(_SESSION_COUNT, parameters).fetchone()[0]
            new_events = events[stored:]
            for event in new_events:
                cursor.execute(_INSERT, _row(sender_id, event))
            stamp = self._stamp(cursor, sender_id)
            connection.commit()
        except BaseException:
            connection.rollback()
            self._cache.drop(sender_id)
            raise
        finally:
            connection.close()
        if any(isinstance(event, SessionStarted) for event in new_events) or stored > len(events):
            self._cache.drop(sender_id)  # a new session (or an odd tracker): re-read from the file next time
        else:
            self._cache.put(sender_id, _Cached(tuple(events), stamp))
        logger.debug("Tracker with sender_id '%s' stored to database", sender_id)

    @staticmethod
    def _extends(events: list[Event], cached: Iterable[Event]) -> bool:
        """True if ``events`` starts with exactly the cached event objects (the tracker came from us)."""
        cached = tuple(cached)
        if len(events) < len(cached):
            return False
        return all(a is b for a, b in zip(events, cached))
