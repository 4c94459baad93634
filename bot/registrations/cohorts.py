"""Whether a cohort takes registrations today: the catalogue's status and deadline, and the office's say.

The catalogue (``data/catalogue/cohorts.yml``) gives each cohort a status and a deadline
(``apply_until``, inclusive). The programme office can override both from the command line
without editing the catalogue: ``close`` stops registrations at once, ``reopen`` takes them again
(with a new deadline when the old one has passed). Overrides live in the state database, so they
survive catalogue rebuilds. The effective status is:

1. closed by the office → closed;
2. otherwise open when (the office reopened it, or the catalogue says open) and today ≤ deadline,
   where the deadline is the office's new one if it set one, else the catalogue's.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.catalogue.queries import Catalogue
from bot.catalogue.rows import Cohort
from bot.registrations.store import Gate, record_audit, timestamp
from bot.state import postgres
from bot.state.db import Connection, transaction
from bot.state.db import Error as DbError
from bot.state.postgres import is_postgresql

Row = dict[str, Any]

OPEN, CATALOGUE_CLOSED, DEADLINE_PASSED, OFFICE_CLOSED = "open", "catalogue_closed", "deadline_passed", "office_closed"


class CohortError(ValueError):
    """An office request about a cohort that cannot be carried out (message is for the office)."""


@dataclass(frozen=True)
class Override:
    """The office's decision about one cohort."""

    cohort_id: str
    status: str  # "open" or "closed"
    apply_until: dt.date | None
    set_at: str
    set_by: str
    note: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Override:
        until = dt.date.fromisoformat(row["apply_until"]) if row["apply_until"] else None
        return cls(row["cohort_id"], row["status"], until, row["set_at"], row["set_by"], row["note"])


@dataclass(frozen=True)
class CohortStatus:
    """A cohort with its effective status on a given day."""

    cohort: Cohort
    reason: str  # OPEN, CATALOGUE_CLOSED, DEADLINE_PASSED or OFFICE_CLOSED
    deadline: dt.date
    override: Override | None = None

    @property
    def is_open(self) -> bool:
        return self.reason == OPEN

    @property
    def effective_cohort(self) -> Cohort:
        """The catalogue row with the deadline the office may have moved."""
        return self.cohort.with_deadline(self.deadline)


def effective_status(cohort: Cohort, today: dt.date, override: Override | None = None) -> CohortStatus:
    """The cohort's status on ``today`` (see the module docstring for the rules)."""
    deadline = cohort.apply_until
    if override and override.apply_until:
        deadline = override.apply_until
    if override and override.status == "closed":
        reason = OFFICE_CLOSED
    elif today > deadline:
        reason = DEADLINE_PASSED  # said first: 「締め切りました」 is what a person needs to hear
    elif not (override and override.status == "open") and cohort.status != "open":
        reason = CATALOGUE_CLOSED
    else:
        reason = OPEN
    return CohortStatus(cohort, reason, deadline, override)


# --- overrides in the state DB --------------------------------------------------------------
def overrides(conn: Connection) -> dict[str, Override]:
    return {row["cohort_id"]: Override.from_row(row) for row in conn.execute("SELECT * FROM cohort_overrides")}


def read_overrides(state_db: Path | str) -> dict[str, Override]:
    """The overrides, read-only, for answers that only display cohorts. A missing or not yet
    migrated state DB simply has none (nothing is created by reading)."""
    if is_postgresql(state_db):
        try:
            pg = postgres.connect(str(state_db))
            try:
                return overrides(pg)
            finally:
                pg.close()
        except DbError:
            return {}
    path = Path(state_db)
    if not path.exists():
        return {}
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        conn.row_factory = sqlite3.Row
        try:
            return overrides(conn)
        finally:
            conn.close()
    except DbError:
        return {}


def status_of(catalogue: Catalogue, conn: Connection, cohort_id: str, today: dt.date) -> CohortStatus | None:
    """The effective status of a catalogue cohort; None for an unknown id."""
    cohort = catalogue.cohort(cohort_id)
    if cohort is None:
        return None
    row = conn.execute("SELECT * FROM cohort_overrides WHERE cohort_id = ?", (cohort_id,)).fetchone()
    return effective_status(cohort, today, Override.from_row(row) if row else None)


def statuses(
    catalogue: Catalogue, known_overrides: Mapping[str, Override], today: dt.date, course_id: str | None = None
) -> list[CohortStatus]:
    """Every cohort (of one course, or all), newest fiscal year first."""
    return [effective_status(c, today, known_overrides.get(c.id)) for c in catalogue.cohorts(course_id)]


def open_cohorts(
    catalogue: Catalogue, known_overrides: Mapping[str, Override], today: dt.date, course_id: str | None = None
) -> list[CohortStatus]:
    return [s for s in statuses(catalogue, known_overrides, today, course_id) if s.is_open]


def closed_reason(catalogue: Catalogue, cohort_id: str, today: dt.date) -> Gate:
    """A gate for :func:`bot.registrations.store.register`: why the cohort is closed, else None.
    It reads the override inside the registering transaction, so an office ``close`` and a
    registration never cross."""

    def gate(conn: Connection) -> str | None:
        status = status_of(catalogue, conn, cohort_id, today)
        if status is None:
            return CATALOGUE_CLOSED
        return None if status.is_open else status.reason

    return gate


# --- office commands --------------------------------------------------------------------------
def close(catalogue: Catalogue, conn: Connection, cohort_id: str, *, actor: str, note: str | None = None) -> None:
    """Stop registrations for the cohort now."""
    _require(catalogue, cohort_id)
    _set_override(conn, cohort_id, "closed", None, actor, note, "cohort_closed")


def reopen(
    catalogue: Catalogue,
    conn: Connection,
    cohort_id: str,
    today: dt.date,
    *,
    actor: str,
    until: dt.date | None = None,
    note: str | None = None,
) -> CohortStatus:
    """Take registrations again, until ``until`` (needed when the deadline has passed)."""
    cohort = _require(catalogue, cohort_id)
    deadline = until or cohort.apply_until
    if deadline < today:
        raise CohortError(
            f"{cohort_id} の締切（{deadline.isoformat()}）は過ぎています。"
            "--until YYYY-MM-DD で新しい締切を指定してください"
        )
    _set_override(conn, cohort_id, "open", until, actor, note, "cohort_reopened")
    status = status_of(catalogue, conn, cohort_id, today)
    assert status is not None
    return status


def _require(catalogue: Catalogue, cohort_id: str) -> Cohort:
    cohort = catalogue.cohort(cohort_id)
    if cohort is None:
        raise CohortError(f"期 '{cohort_id}' はカタログにありません")
    return cohort


def _set_override(
    conn: Connection,
    cohort_id: str,
    status: str,
    until: dt.date | None,
    actor: str,
    note: str | None,
    event: str,
) -> None:
    stamp = timestamp()
    with transaction(conn):
        conn.execute(
            """INSERT INTO cohort_overrides (cohort_id, status, apply_until, set_at, set_by, note)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (cohort_id) DO UPDATE SET status = excluded.status, apply_until = excluded.apply_until,
                   set_at = excluded.set_at, set_by = excluded.set_by, note = excluded.note""",
            (cohort_id, status, until.isoformat() if until else None, stamp, actor, note),
        )
        record_audit(
            conn, cohort_id, event, actor=actor, at=stamp, detail=f"until {until.isoformat()}" if until else note
        )
