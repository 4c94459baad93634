"""The changes that make Manabi speak first, each queuing its message in the caller's transaction.

Called from inside the transaction of the change itself (bot/state/db.py ``transaction``), so the change
and its message are stored together or not at all: the registration store when a waitlisted person
moves up, the announce command, the reminder scheduler. Deleting a person removes what this package
keeps about them (their conversation reference, messages and reminders) in the deleting transaction.
"""

from __future__ import annotations

from bot.registrations.model import Registration
from bot.state import conversation_refs, outbox, reminders
from bot.state.db import Connection
from bot.state.times import moment


def promoted(conn: Connection, registration: Registration, at: str) -> None:
    """A waitlisted registration got a seat (inside the cancelling transaction): tell the person.
    The queue number identifies this promotion (registering again gives a new one)."""
    outbox.enqueue(
        conn,
        kind="promotion",
        person_id=registration.person_id,
        payload={"cohort_id": registration.cohort_id, "registration_id": registration.id},
        dedupe_key=f"promotion:{registration.id}:{registration.queue_no}",
        now=moment(at),
    )


def forget_person(conn: Connection, person_id: str) -> int:
    """Deletes the person's conversation reference, messages (with their attempts) and reminders;
    returns how many rows. Call inside the deleting transaction."""
    return (
        conversation_refs.forget(conn, person_id) + outbox.forget(conn, person_id) + reminders.forget(conn, person_id)
    )
