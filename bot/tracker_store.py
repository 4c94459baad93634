"""Rasa's SQL tracker store on one SQLite file, configured for a single long-running server.

Rasa's ``SQLTrackerStore`` opens SQLite through SQLAlchemy's default pool for files, which closes
the connection after every session: with WAL each close is the last one, so SQLite checkpoints and
syncs the log on every turn (~8 ms of a ~40 ms turn, docs/performance.md). Here the connections
stay pooled, the file is in WAL mode, and ``synchronous = NORMAL``: a saved turn survives any
crash or restart of the server process; only an operating-system crash or power cut can lose the
last turns (the registrations themselves live in the state DB with ``synchronous = FULL``).

Used from endpoints.yml: ``tracker_store: {type: bot.tracker_store.SQLiteTrackerStore, db: …}``.
"""
from __future__ import annotations

from typing import Any, Optional, Text

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain

from bot.rasa_server import prepare_tracker_db


def _tune_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.close()


class SQLiteTrackerStore(SQLTrackerStore):
    """SQLTrackerStore fixed to SQLite, with pooled, WAL-mode connections (see module docstring)."""

    def __init__(self, domain: Optional[Domain] = None, db: Text = "var/trackers.sqlite",
                 event_broker: Optional[EventBroker] = None, host: Optional[Text] = None,
                 **kwargs: Any) -> None:
        from pathlib import Path

        prepare_tracker_db(Path(db))
        super().__init__(domain=domain, dialect="sqlite", db=db, event_broker=event_broker, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=2, max_overflow=8,
                                       connect_args={"check_same_thread": False})
        sa.event.listen(self.engine, "connect", _tune_connection)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
