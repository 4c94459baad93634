"""The state database: what users and the office write (registrations, audit trail, feedback…).

Separate from the catalogue on purpose: the catalogue is rebuilt from ``data/catalogue/`` whenever
the office edits it, while this database must survive rebuilds and restarts. Two backends, one
set of SQL (bot/state/postgres.py says which subset):

* **SQLite** (``var/manabi.sqlite``, the embedded default): WAL mode lets readers work while one
  writer commits; ``busy_timeout`` makes concurrent writers wait instead of failing;
  ``synchronous=FULL`` means a write acknowledged to a user is on disk.
* **PostgreSQL** when ``MANABI_DATABASE_URL`` is set (several servers on several machines,
  docs/deploy.md): the same tables, with transaction-scoped locks in place of SQLite's file lock.

Schema changes are numbered migrations applied once, from one definition for both backends
(:func:`for_postgresql` is the whole difference), tracked in ``PRAGMA user_version`` on SQLite and
in the table ``manabi_schema_version`` on PostgreSQL.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from bot.state import postgres
from bot.state.postgres import PgConnection, is_postgresql

# Either connection: code under bot/state/ and bot/registrations/ takes this type.
Connection = sqlite3.Connection | PgConnection
# What a failing database raises, whichever it is (``except state.Error``).
Error: tuple[type[Exception], ...] = (sqlite3.Error, postgres.Error)
IntegrityError: tuple[type[Exception], ...] = (sqlite3.IntegrityError, postgres.IntegrityError)

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
    # Feedback on answers, the office console's accounts and review notes (bot/state/feedback.py,
    # bot/state/office.py, bot/state/unanswered.py). answer_id is "<user message id>#<n>": the n-th
    # bot message of that turn (bot/feedback/answers.py), so a second rating replaces the first.
    # answer_refs maps a message id another system gave our answer (Teams' activity id) to it.
    (
        3,
        """
        CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            answer_id TEXT NOT NULL UNIQUE,
            sender_id TEXT NOT NULL,
            channel TEXT,
            rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
            comment TEXT,
            question TEXT,
            answer TEXT,
            action TEXT,
            intent TEXT,
            confidence REAL,
            answered_at TEXT,
            rated_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX feedback_rated_at ON feedback(rated_at);
        CREATE INDEX feedback_sender ON feedback(sender_id);
        CREATE TABLE answer_refs (
            channel TEXT NOT NULL,
            external_id TEXT NOT NULL,
            answer_id TEXT NOT NULL,
            sender_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (channel, external_id)
        );
        CREATE INDEX answer_refs_sender ON answer_refs(sender_id);
        CREATE TABLE unanswered_reviews (
            text_key TEXT PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('open', 'done', 'out_of_scope')),
            note TEXT,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL
        );
        CREATE TABLE office_users (
            name TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            password_set_at TEXT NOT NULL,
            last_login_at TEXT,
            disabled INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE office_sessions (
            token_hash TEXT PRIMARY KEY,
            user_name TEXT NOT NULL REFERENCES office_users(name) ON DELETE CASCADE,
            csrf_token TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE INDEX office_sessions_user ON office_sessions(user_name);
        CREATE TABLE office_audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user_name TEXT NOT NULL,
            event TEXT NOT NULL,
            target TEXT,
            detail TEXT,
            remote_addr TEXT
        );
        CREATE INDEX office_audit_at ON office_audit(at)
    """,
    ),
    # Messages Manabi sends first (bot/notifications/, docs/notifications.md). conversation_refs: what a
    # proactive Teams message needs, kept from the person's latest activity and nothing else. outbox: one
    # row per message, written in the transaction of the change that causes it (a cancellation promoting
    # someone, an announcement, a reminder falling due); delivery_attempts: every try and its answer.
    # reminders: what staff asked to be reminded of; worker_leases: which worker may send (one at a time).
    # Times are JST ISO 8601 with milliseconds, so they compare as text.
    (
        4,
        """
        CREATE TABLE conversation_refs (
            person_id TEXT PRIMARY KEY,
            channel TEXT NOT NULL,
            service_url TEXT NOT NULL,
            tenant_id TEXT,
            user_id TEXT,
            aad_object_id TEXT,
            conversation_id TEXT,
            bot_id TEXT,
            updated_at TEXT NOT NULL,
            dead_at TEXT,
            dead_reason TEXT
        );
        CREATE TABLE announcements (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            cohort_id TEXT NOT NULL,
            statuses TEXT NOT NULL,
            text TEXT NOT NULL,
            actor TEXT NOT NULL,
            recipients INTEGER NOT NULL
        );
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            dedupe_key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('promotion', 'announcement', 'reminder', 'notice')),
            person_id TEXT NOT NULL,
            channel TEXT NOT NULL CHECK (channel IN ('teams', 'web')),
            payload TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dead', 'withdrawn')),
            attempts INTEGER NOT NULL DEFAULT 0,
            current_attempt INTEGER,
            not_before TEXT NOT NULL,
            sent_at TEXT,
            external_id TEXT,
            last_error TEXT,
            announcement_id INTEGER REFERENCES announcements(id) ON DELETE SET NULL
        );
        CREATE INDEX outbox_due ON outbox(channel, status, not_before);
        CREATE INDEX outbox_person ON outbox(person_id);
        CREATE INDEX outbox_announcement ON outbox(announcement_id);
        CREATE TABLE delivery_attempts (
            id INTEGER PRIMARY KEY,
            outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
            worker TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            http_status INTEGER,
            outcome TEXT CHECK (outcome IN ('sent', 'retry', 'dead', 'failed', 'interrupted')),
            detail TEXT
        );
        CREATE INDEX delivery_attempts_outbox ON delivery_attempts(outbox_id);
        CREATE TABLE reminders (
            id INTEGER PRIMARY KEY,
            person_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('session', 'deadline')),
            target TEXT NOT NULL,
            course_id TEXT NOT NULL,
            target_date TEXT NOT NULL,
            lead_days INTEGER NOT NULL,
            due_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'queued', 'cancelled', 'withdrawn')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (person_id, kind, target, lead_days)
        );
        CREATE INDEX reminders_due ON reminders(status, due_at);
        CREATE TABLE worker_leases (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            acquired_at TEXT NOT NULL,
            renewed_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )
    """,
    ),
]


def connect(location: Path | str) -> Connection:
    """Open the state database, migrated to the latest schema: a PostgreSQL URL, else a SQLite file
    (created if needed). ``bot.settings.Settings.state_location`` says which."""
    if is_postgresql(location):
        pg = postgres.connect(str(location))
        _migrate_postgresql(pg)
        return pg
    path = Path(location)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    _migrate(conn)
    return conn


def location(text: str) -> Path | str:
    """A ``--db`` argument: a PostgreSQL URL as it is, anything else a SQLite file."""
    return text if is_postgresql(text) else Path(text)


def backend(conn: Connection) -> str:
    return "postgresql" if isinstance(conn, PgConnection) else "sqlite"


@contextmanager
def transaction(conn: Connection, scopes: Sequence[str] = ()) -> Iterator[Connection]:
    """One write transaction; reads inside it are consistent with what it writes.

    SQLite: ``BEGIN IMMEDIATE … COMMIT`` takes the file's write lock up front. PostgreSQL: the whole
    database exclusively, or, with ``scopes`` (e.g. ``cohort:leader-7``), only those exclusively
    (:meth:`bot.state.postgres.PgConnection.begin`): scopes must name everything the transaction
    reads to decide what it writes.
    """
    if isinstance(conn, PgConnection):
        conn.begin(scopes)
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
        return
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
                for statement in statements(sql):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version}")


# --- one definition, two dialects -------------------------------------------------------------
# The migrations above are SQLite's own SQL. For PostgreSQL three words change: SQLite's INTEGER is
# 64-bit (BIGINT), INTEGER PRIMARY KEY numbers rows by itself (an identity column), REAL is 8 bytes
# (DOUBLE PRECISION). Anything else SQLite-only is refused, so a new migration cannot drift.
_PG_TYPES = [
    (re.compile(r"\bINTEGER PRIMARY KEY\b"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
]
_SQLITE_ONLY = re.compile(
    r"\b(AUTOINCREMENT|WITHOUT ROWID|STRICT|PRAGMA|COLLATE NOCASE|INSERT OR|REPLACE INTO)\b", re.I
)


class NotPortable(ValueError):
    """A migration uses SQL that only SQLite reads."""


def statements(sql: str) -> list[str]:
    return [statement for statement in sql.split(";") if statement.strip()]


def for_postgresql(sql: str) -> str:
    """A migration statement as PostgreSQL reads it."""
    found = _SQLITE_ONLY.search(sql)
    if found:
        raise NotPortable(f"migration SQL only SQLite reads: {found.group(0)!r}")
    for pattern, replacement in _PG_TYPES:
        sql = pattern.sub(replacement, sql)
    return sql


def _migrate_postgresql(conn: PgConnection) -> None:
    """The migrations not applied yet, under the exclusive lock: servers starting together wait
    for the first one's migration instead of racing it."""
    with transaction(conn):
        conn.execute("CREATE TABLE IF NOT EXISTS manabi_schema_version (version BIGINT NOT NULL)")
        current = conn.execute("SELECT COALESCE(MAX(version), 0) FROM manabi_schema_version").fetchone()[0]
        for version, sql in MIGRATIONS:
            if version > current:
                for statement in statements(sql):
                    conn.execute(for_postgresql(statement))
                conn.execute("INSERT INTO manabi_schema_version (version) VALUES (?)", (version,))


def schema_version(conn: Connection) -> int:
    if isinstance(conn, PgConnection):
        return int(conn.execute("SELECT COALESCE(MAX(version), 0) FROM manabi_schema_version").fetchone()[0])
    return int(conn.execute("PRAGMA user_version").fetchone()[0])
