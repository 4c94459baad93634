"""Every registration SQL statement: register, cancel, list, delete, and the audit trail.

Guarantees, all from the database itself so they hold across threads, processes, machines and
restarts, on SQLite and on PostgreSQL alike:

* each write is one transaction that takes its lock first (:func:`bot.state.db.transaction`:
  SQLite's ``BEGIN IMMEDIATE``; on PostgreSQL the cohort's own lock for a registration or a
  cancellation, everything else the whole database), so the seats are counted while holding the
  lock and a cohort is never over-filled, however many people register at the same moment, from
  however many action-server processes on however many machines;
* ``UNIQUE (person_id, cohort_id)``: a person has at most one row per cohort, so a double click or
  a retried request answers "already registered" instead of adding a row;
* cancelling a confirmed registration promotes the first of the waitlist in the same transaction,
  which also queues the message telling that person (bot/notifications/events.py);
* every change writes an audit row in the same transaction (no personal data in it beyond the
  person id, which is blanked when the person's data is deleted);
* the state DB runs with ``synchronous=FULL``: what a user was told is stored is on disk;
* every field is checked again before anything is written (bot.registrations.validation), whoever
  calls: an invalid application is refused whole (INVALID) and nothing is stored;
* a 職員番号 already given by another account for the cohort is refused inside the write
  transaction (REFUSED, ``STAFF_NUMBER_IN_USE``; recorded in the audit trail for the office), so two
  accounts can never hold one 職員番号 in a cohort, even when they submit at the same moment.

``queue_no`` is the order of registration within a cohort (a re-registration after a cancellation
goes to the end); the waitlist position is computed from it, so it never needs renumbering.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.notifications import events
from bot.registrations.model import CANCELLED, CONFIRMED, WAITLISTED, Application, Registration
from bot.registrations.validation import InvalidApplication, cleaned
from bot.state.db import Connection, transaction
from bot.state.times import timestamp

# Runs inside the write transaction; returns why the write must not happen (None: go ahead).
Gate = Callable[[Connection], str | None]

REGISTERED, ALREADY_REGISTERED, REFUSED, INVALID = "registered", "already_registered", "refused", "invalid"
STAFF_NUMBER_IN_USE = "staff_number_in_use"
STATUS_ORDER = {CONFIRMED: 0, WAITLISTED: 1, CANCELLED: 2}

_SELECT = """
    SELECT r.*, CASE WHEN r.status = 'waitlisted' THEN (
               SELECT COUNT(*) FROM registrations w
               WHERE w.cohort_id = r.cohort_id AND w.status = 'waitlisted' AND w.queue_no <= r.queue_no)
           END AS waitlist_position
    FROM registrations r
"""


class RegistrationRefused(RuntimeError):
    """An office operation that the current state does not allow (e.g. deleting an open cohort)."""


@dataclass(frozen=True)
class RegisterResult:
    outcome: str  # REGISTERED, ALREADY_REGISTERED, REFUSED or INVALID
    registration: Registration | None = None
    reason: str | None = None  # why it was refused (the gate's answer, or STAFF_NUMBER_IN_USE)
    invalid: InvalidApplication | None = None  # INVALID: which fields are wrong


@dataclass(frozen=True)
class CancelResult:
    cancelled: Registration | None  # None: there was no active registration to cancel
    promoted: list[Registration] = field(default_factory=list)


@dataclass(frozen=True)
class PersonDeletion:
    """What deleting people removed from the state DB."""

    registrations: int
    audit_rows_anonymised: int
    unanswered_questions: int
    promoted: list[Registration] = field(default_factory=list)
    feedback: int = 0  # ratings the person gave (with the question and answer they quote)
    notifications: int = 0  # conversation reference, messages sent or waiting, reminders


@dataclass(frozen=True)
class CohortDeletion:
    """What deleting a cohort removed from the state DB."""

    registrations: int
    audit_rows: int
    override: bool  # the office's close/reopen decision


def cohort_scope(cohort_id: str) -> str:
    """The lock a transaction takes when it decides only about this cohort (bot.state.db.transaction)."""
    return f"cohort:{cohort_id}"


# --- writes ---------------------------------------------------------------------------------
def register(
    conn: Connection,
    application: Application,
    seats: int,
    *,
    gate: Gate | None = None,
    now: dt.datetime | None = None,
) -> RegisterResult:
    """Register ``application`` as confirmed while seats remain, else on the waitlist.

    Every field is checked first (INVALID: nothing is written). A person already registered
    (confirmed or waitlisted) gets ALREADY_REGISTERED with the current registration; ``gate`` (e.g.
    "is the cohort still open?") is asked inside the transaction, and so is whether another account
    already gave the 職員番号 for the cohort (REFUSED with STAFF_NUMBER_IN_USE).
    """
    try:
        application = cleaned(application)
    except InvalidApplication as invalid:
        return RegisterResult(INVALID, invalid=invalid)
    stamp = timestamp(now)
    with transaction(conn, scopes=[cohort_scope(application.cohort_id)]):
        existing = _get(conn, application.person_id, application.cohort_id)
        if existing and existing.is_active:
            return RegisterResult(ALREADY_REGISTERED, existing)
        refusal = gate(conn) if gate else None
        if refusal:
            return RegisterResult(REFUSED, existing, refusal)
        if others_with_staff_number(conn, application.cohort_id, application.staff_number, application.person_id):
            record_audit(
                conn,
                application.cohort_id,
                "refused",
                actor="user",
                at=stamp,
                person_id=application.person_id,
                detail="職員番号が別のアカウントの登録と重複（本人確認が必要）",
            )
            return RegisterResult(REFUSED, existing, STAFF_NUMBER_IN_USE)
        status = CONFIRMED if _count(conn, application.cohort_id, CONFIRMED) < seats else WAITLISTED
        queue_no = _next_queue_no(conn, application.cohort_id)
        if existing:
            _reuse_row(conn, existing.id, application, status, queue_no, stamp)
            registration_id, detail = existing.id, "registered again after a cancellation"
        else:
            registration_id, detail = _insert(conn, application, status, queue_no, stamp), None
        record_audit(
            conn,
            application.cohort_id,
            "registered",
            actor="user",
            at=stamp,
            registration_id=registration_id,
            person_id=application.person_id,
            old_status=existing.status if existing else None,
            new_status=status,
            detail=detail,
        )
        return RegisterResult(REGISTERED, _get(conn, application.person_id, application.cohort_id))


def cancel(
    conn: Connection,
    person_id: str,
    cohort_id: str,
    seats: int | None,
    *,
    actor: str = "user",
    now: dt.datetime | None = None,
) -> CancelResult:
    """Cancel the person's active registration and fill a freed seat from the waitlist."""
    stamp = timestamp(now)
    with transaction(conn, scopes=[cohort_scope(cohort_id)]):
        current = _get(conn, person_id, cohort_id)
        if current is None or not current.is_active:
            return CancelResult(None)
        conn.execute(
            "UPDATE registrations SET status = ?, cancelled_at = ?, updated_at = ? WHERE id = ?",
            (CANCELLED, stamp, stamp, current.id),
        )
        record_audit(
            conn,
            cohort_id,
            "cancelled",
            actor=actor,
            at=stamp,
            registration_id=current.id,
            person_id=person_id,
            old_status=current.status,
            new_status=CANCELLED,
        )
        promoted = fill_seats(conn, cohort_id, seats, actor=actor, at=stamp)
        return CancelResult(_get(conn, person_id, cohort_id), promoted)


def fill_seats(conn: Connection, cohort_id: str, seats: int | None, *, actor: str, at: str) -> list[Registration]:
    """Promote the head of the waitlist while seats are free. Call inside a transaction."""
    if seats is None:  # the cohort is no longer in the catalogue: nobody to promote into
        return []
    promoted = []
    while _count(conn, cohort_id, CONFIRMED) < seats:
        head = conn.execute(
            "SELECT id, person_id FROM registrations WHERE cohort_id = ? AND status = ? ORDER BY queue_no LIMIT 1",
            (cohort_id, WAITLISTED),
        ).fetchone()
        if head is None:
            break
        conn.execute("UPDATE registrations SET status = ?, updated_at = ? WHERE id = ?", (CONFIRMED, at, head["id"]))
        record_audit(
            conn,
            cohort_id,
            "promoted",
            actor=actor,
            at=at,
            registration_id=head["id"],
            person_id=head["person_id"],
            old_status=WAITLISTED,
            new_status=CONFIRMED,
        )
        registration = _get(conn, head["person_id"], cohort_id)
        if registration is not None:
            promoted.append(registration)
            events.promoted(conn, registration, at)  # the message to them, in this transaction
    return promoted


def delete_person(
    conn: Connection,
    person_id: str,
    seats_of: Callable[[str], int | None],
    *,
    actor: str,
    now: dt.datetime | None = None,
) -> PersonDeletion:
    """Delete everything stored about a person; seats they held go to the waitlist."""
    return delete_people(conn, [person_id], seats_of, actor=actor, now=now)


def delete_people(
    conn: Connection,
    person_ids: Sequence[str],
    seats_of: Callable[[str], int | None],
    *,
    actor: str,
    now: dt.datetime | None = None,
) -> PersonDeletion:
    """Delete everything the state DB holds about these people, in one transaction: their
    registrations, unanswered questions and ratings, and what Manabi keeps to message them (conversation
    reference, messages, reminders); their person id in the audit trail is blanked (the
    trail keeps that a registration existed and was deleted). Seats they held go to the waitlist.

    Delete their conversations in the tracker DB *before* calling this (bot/privacy/trackers.py):
    the registrations are how a person is found (by 職員番号), so deleting them first could leave
    a conversation nobody can find any more.
    """
    stamp = timestamp(now)
    people = list(dict.fromkeys(person_ids))
    registrations = anonymised = questions = ratings = notices = 0
    promoted: list[Registration] = []
    with transaction(conn):
        for person_id in people:
            rows = _select(conn, "WHERE r.person_id = ?", person_id)
            conn.execute("DELETE FROM registrations WHERE person_id = ?", (person_id,))
            anonymised += conn.execute(
                "UPDATE registration_audit SET person_id = NULL WHERE person_id = ?", (person_id,)
            ).rowcount
            questions += conn.execute("DELETE FROM unanswered_questions WHERE sender_id = ?", (person_id,)).rowcount
            ratings += conn.execute("DELETE FROM feedback WHERE sender_id = ?", (person_id,)).rowcount
            conn.execute("DELETE FROM answer_refs WHERE sender_id = ?", (person_id,))
            notices += events.forget_person(conn, person_id)
            registrations += len(rows)
            for row in rows:
                record_audit(
                    conn,
                    row.cohort_id,
                    "person_deleted",
                    actor=actor,
                    at=stamp,
                    registration_id=row.id,
                    old_status=row.status,
                )
                if row.status == CONFIRMED:
                    promoted += fill_seats(conn, row.cohort_id, seats_of(row.cohort_id), actor=actor, at=stamp)
    promoted = [p for p in promoted if p.person_id not in people]  # promoted, then deleted themselves
    return PersonDeletion(registrations, anonymised, questions, promoted, ratings, notices)


def delete_cohort(
    conn: Connection, cohort_id: str, *, actor: str, gate: Gate | None = None, now: dt.datetime | None = None
) -> CohortDeletion:
    """Delete a cohort's registrations, audit trail and override in one transaction; returns counts.

    ``gate`` runs inside the transaction (e.g. "the cohort must be closed"); a refusal raises
    :class:`RegistrationRefused` and changes nothing. One audit row remains, saying the cohort's data
    was deleted (and by whom).
    """
    stamp = timestamp(now)
    with transaction(conn):
        refusal = gate(conn) if gate else None
        if refusal:
            raise RegistrationRefused(refusal)
        deleted = conn.execute("DELETE FROM registrations WHERE cohort_id = ?", (cohort_id,)).rowcount
        audit_rows = conn.execute("DELETE FROM registration_audit WHERE cohort_id = ?", (cohort_id,)).rowcount
        override = conn.execute("DELETE FROM cohort_overrides WHERE cohort_id = ?", (cohort_id,)).rowcount > 0
        record_audit(
            conn, cohort_id, "cohort_deleted", actor=actor, at=stamp, detail=f"{deleted} registrations deleted"
        )
        return CohortDeletion(deleted, audit_rows, override)


def people_in_cohort(conn: Connection, cohort_id: str) -> list[str]:
    """Everyone with a registration (of any status) in the cohort."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT person_id FROM registrations WHERE cohort_id = ? ORDER BY person_id", (cohort_id,)
        )
    ]


def record_audit(
    conn: Connection,
    cohort_id: str,
    event: str,
    *,
    actor: str,
    at: str,
    registration_id: int | None = None,
    person_id: str | None = None,
    old_status: str | None = None,
    new_status: str | None = None,
    detail: str | None = None,
) -> None:
    """One audit row. Call inside the transaction that makes the change."""
    conn.execute(
        """INSERT INTO registration_audit (at, cohort_id, registration_id, person_id, event, old_status,
                                           new_status, actor, detail)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (at, cohort_id, registration_id, person_id, event, old_status, new_status, actor, detail),
    )


# --- reads ----------------------------------------------------------------------------------
def get(conn: Connection, person_id: str, cohort_id: str) -> Registration | None:
    return _get(conn, person_id, cohort_id)


def for_person(conn: Connection, person_id: str, active_only: bool = False) -> list[Registration]:
    """A person's registrations, newest first."""
    rows = _select(conn, "WHERE r.person_id = ? ORDER BY r.registered_at DESC, r.id DESC", person_id)
    return [r for r in rows if r.is_active] if active_only else rows


def for_cohort(
    conn: Connection, cohort_id: str, statuses: Sequence[str] = (CONFIRMED, WAITLISTED, CANCELLED)
) -> list[Registration]:
    """A cohort's registrations: confirmed, then waitlisted, then cancelled, each in queue order."""
    rows = _select(conn, "WHERE r.cohort_id = ? ORDER BY r.queue_no", cohort_id)
    return sorted((r for r in rows if r.status in statuses), key=lambda r: (STATUS_ORDER[r.status], r.queue_no))


def counts(conn: Connection, cohort_id: str) -> dict[str, int]:
    """{confirmed: n, waitlisted: n, cancelled: n}"""
    found = dict(
        conn.execute(
            "SELECT status, COUNT(*) FROM registrations WHERE cohort_id = ? GROUP BY status", (cohort_id,)
        ).fetchall()
    )
    return {status: found.get(status, 0) for status in STATUS_ORDER}


def cohort_ids(conn: Connection) -> list[str]:
    """Cohorts that have registrations stored (including ones since removed from the catalogue)."""
    return [r[0] for r in conn.execute("SELECT DISTINCT cohort_id FROM registrations ORDER BY cohort_id")]


def others_with_staff_number(conn: Connection, cohort_id: str, staff_number: str, person_id: str) -> list[Registration]:
    """Active registrations in the cohort that gave this 職員番号 from another Teams account."""
    rows = _select(
        conn,
        "WHERE r.cohort_id = ? AND r.staff_number = ? AND r.person_id != ? ORDER BY r.id",
        cohort_id,
        staff_number,
        person_id,
    )
    return [r for r in rows if r.is_active]


def people_with_staff_number(conn: Connection, staff_number: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT person_id FROM registrations WHERE staff_number = ? ORDER BY person_id", (staff_number,)
        )
    ]


def audit_trail(conn: Connection, cohort_id: str | None = None, person_id: str | None = None) -> list[dict[str, Any]]:
    """Audit rows, oldest first, optionally for one cohort and/or one person."""
    clauses, params = [], []
    for column, value in (("cohort_id", cohort_id), ("person_id", person_id)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return [dict(r) for r in conn.execute(f"SELECT * FROM registration_audit{where} ORDER BY id", params)]


# --- helpers --------------------------------------------------------------------------------
def _select(conn: Connection, tail: str, *params: Any) -> list[Registration]:
    return [Registration.from_row(row) for row in conn.execute(f"{_SELECT} {tail}", params)]


def _get(conn: Connection, person_id: str, cohort_id: str) -> Registration | None:
    rows = _select(conn, "WHERE r.person_id = ? AND r.cohort_id = ?", person_id, cohort_id)
    return rows[0] if rows else None


def _count(conn: Connection, cohort_id: str, status: str) -> int:
    sql = "SELECT COUNT(*) FROM registrations WHERE cohort_id = ? AND status = ?"
    return int(conn.execute(sql, (cohort_id, status)).fetchone()[0])


def _next_queue_no(conn: Connection, cohort_id: str) -> int:
    sql = "SELECT COALESCE(MAX(queue_no), 0) + 1 FROM registrations WHERE cohort_id = ?"
    return int(conn.execute(sql, (cohort_id,)).fetchone()[0])


_COLUMNS = (
    "name",
    "department",
    "department_id",
    "staff_number",
    "recommendation",
    "manager_name",
    "motivation",
    "channel",
)


def _values(application: Application) -> list[Any]:
    return [getattr(application, column) for column in _COLUMNS]


def _insert(conn: Connection, application: Application, status: str, queue_no: int, stamp: str) -> int:
    columns = ("cohort_id", "person_id", "queue_no", "status") + _COLUMNS + ("registered_at", "updated_at")
    values = [application.cohort_id, application.person_id, queue_no, status, *_values(application), stamp, stamp]
    sql = f"INSERT INTO registrations ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) RETURNING id"
    return int(conn.execute(sql, values).fetchall()[0][0])  # all rows: the statement is finished before COMMIT


def _reuse_row(conn: Connection, row_id: int, application: Application, status: str, queue_no: int, stamp: str) -> None:
    assignments = ", ".join(f"{column} = ?" for column in _COLUMNS)
    conn.execute(
        f"""UPDATE registrations SET {assignments}, queue_no = ?, status = ?, registered_at = ?, updated_at = ?,
                                     cancelled_at = NULL WHERE id = ?""",
        [*_values(application), queue_no, status, stamp, stamp, row_id],
    )
