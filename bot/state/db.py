"""The state database (``var/manabi.sqlite``): what users and the office write.

Separate from the catalogue on purpose: the catalogue is rebuilt from ``data/catalogue/`` whenever
the office edits it, while this file must survive rebuilds and restarts. WAL mode lets readers
work while one writer commits; ``busy_timeout`` makes concurrent writers wait instead of failing;
``synchronous=FULL`` means a write acknowledged to a user is on disk.

Schema changes are numbered migrations applied once, tracked in ``PRAGMA user_version``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_MS = 10_000

# (version, SQL). Append only: never edit a migration that has shipped.
MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE unanswered_questions (
            id INTEGER PRIMARY KEY,
            asked_at TEXT NOT NULL,
            sender_id TEXT NOT NULL,
            channel TEXT,
            text TEXT NOT NULL,
            intent TEXT,
            confidence REAL,
            reason TEXT NOT NULL
        );
        CREATE INDEX unanswered_questions_asked_at ON unanswered_questions(asked_at);
    """,
    ),
    # Registrations of interest in cohorts (bot/registrations/store.py). One row per (person, cohort):
    # registering again after a cancellation reuses the row with a new queue_no. queue_no orders the
    # cohort's registrations (seats go to the lowest numbers, the waitlist follows it). Statuses:
    # confirmed (受付済), waitlisted (キャンセル待ち), cancelled (取消済).
    (
        2,
        """
        CREATE TABLE registrations (
            id INTEGER PRIMARY KEY,
            cohort_id TEXT NOT NULL,
            person_id TEXT NOT NULL,
            queue_no INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
            name TEXT NOT NULL,
            department TEXT NOT NULL,
            department_id TEXT,
            staff_number TEXT NOT NULL,
            recommendation TEXT NOT NULL CHECK (recommendation IN ('self', 'manager')),
            manager_name TEXT,
            motivation TEXT NOT NULL,
            channel TEXT,
            registered_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            cancelled_at TEXT,
            UNIQUE (person_id, cohort_id),
            UNIQUE (cohort_id, queue_no)
        );
        CREATE INDEX registrations_cohort_status ON registrations(cohort_id, status, queue_no);
        CREATE TABLE registration_audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            cohort_id TEXT NOT NULL,
            registration_id INTEGER,
            person_id TEXT,
            event TEXT NOT NULL,
            old_status TEXT,
            new_status TEXT,
            actor TEXT NOT NULL,
            detail TEXT
        );
        CREATE INDEX registration_audit_cohort ON registration_audit(cohort_id, id);
        CREATE INDEX registration_audit_person ON registration_audit(person_id);
        CREATE TABLE cohort_overrides (
            cohort_id TEXT PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
            apply_until TEXT,
            set_at TEXT NOT NULL,
            set_by TEXT NOT NULL,
            note TEXT
        )
    """,
    ),
]


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the state database, migrated to the latest schema."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    _migrate(conn)
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT: takes the write lock up front, so reads inside are consistent."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _migrate(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        for version, sql in MIGRATIONS:
            if version > current:
                for statement in filter(str.strip, sql.split(";")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version}")
