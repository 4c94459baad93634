"""Reminders over time: they follow the catalogue, and fall due into the outbox.

* :func:`reconcile` compares each pending reminder with the catalogue as it is now. A session the
  office moved (same id in sessions.yml, another date) or a deadline it moved (the catalogue, or
  ``registrations reopen --until``) takes the reminder with it; a session removed from the file, a
  cohort that left the catalogue or stopped taking registrations withdraws it. Either way the person
  is told, in the same transaction as the change.
* :func:`enqueue_due` puts each reminder whose moment has come into the outbox, in the transaction
  that marks it queued, unless it has become pointless (the session is over, the person registered
  for the cohort meanwhile): then it is withdrawn without a word.
"""

from __future__ import annotations

import datetime as dt
import logging

from bot.catalogue.queries import Catalogue
from bot.notifications.compose import as_message, view_of
from bot.notifications.timing import due_moment
from bot.registrations import cohorts, store
from bot.replies import notifications as replies
from bot.replies.base import Reply
from bot.replies.registration import cohort_title
from bot.state import outbox
from bot.state import reminders as reminder_store
from bot.state.db import Connection, transaction
from bot.state.reminders import DEADLINE, QUEUED, SESSION, WITHDRAWN, Reminder

logger = logging.getLogger(__name__)


def what_of(reminder: Reminder, catalogue: Catalogue) -> str:
    """「RPA研修」 or 「デジタル行政推進リーダー育成研修 第7期（令和9年度）の受講希望の締め切り」"""
    if reminder.kind == SESSION:
        course = catalogue.course(reminder.course_id)
        return course.name if course else reminder.course_id
    view = view_of(catalogue, reminder.target)
    return f"{cohort_title(view) if view else reminder.target}の受講希望の締め切り"


def current_day(
    reminder: Reminder, catalogue: Catalogue, conn: Connection, today: dt.date
) -> tuple[dt.date | None, str]:
    """The reminder's day as the catalogue (and the office) say now; (None, why) when it is gone."""
    if reminder.kind == SESSION:
        session = catalogue.session_by_key(reminder.target)
        if session is None:
            return None, "研修の日程が取りやめになった"
        return session.starts_on, ""
    status = cohorts.status_of(catalogue, conn, reminder.target, today)
    if status is None:
        return None, "この期の募集がなくなった"
    if status.reason in (cohorts.OFFICE_CLOSED, cohorts.CATALOGUE_CLOSED):
        return None, "受講希望の受付が終了した"
    return status.deadline, ""


def reconcile(conn: Connection, catalogue: Catalogue, now: dt.datetime, hour: int) -> int:
    """Moves or withdraws pending reminders whose day changed in the catalogue; returns how many."""
    changed = 0
    today = now.date()
    office = catalogue.main_contact()
    for reminder in reminder_store.pending(conn):
        day, why = current_day(reminder, catalogue, conn, today)
        if day == reminder.target_date:
            continue
        what = what_of(reminder, catalogue)
        with transaction(conn):
            if day is None:
                if not reminder_store.mark(conn, reminder.id, WITHDRAWN, now):
                    continue
                course = catalogue.course(reminder.course_id) if reminder.kind == SESSION else None
                reply = replies.reminder_withdrawn(what, reminder.target_date, why, office, course)
                _notice(conn, reminder, reply, f"reminder-withdrawn:{reminder.id}", now)
            else:
                due = max(due_moment(day, reminder.lead_days, hour), now) if day >= today else None
                if due is None:  # moved into the past: nothing left to remind of
                    reminder_store.mark(conn, reminder.id, WITHDRAWN, now)
                    continue
                if not reminder_store.move(conn, reminder.id, day, due, now):
                    continue
                reply = replies.reminder_moved(what, reminder.target_date, day, due)
                _notice(conn, reminder, reply, f"reminder-moved:{reminder.id}:{day.isoformat()}", now)
        changed += 1
    return changed


def _notice(conn: Connection, reminder: Reminder, reply: Reply, key: str, now: dt.datetime) -> None:
    outbox.enqueue(
        conn,
        kind="notice",
        person_id=reminder.person_id,
        payload={"message": as_message(reply), "reminder_id": reminder.id},
        dedupe_key=key,
        now=now,
    )


def enqueue_due(conn: Connection, catalogue: Catalogue, now: dt.datetime) -> int:
    """Queues every reminder whose moment has come; returns how many were queued."""
    queued = 0
    today = now.date()
    for reminder in reminder_store.due(conn, now):
        day, _ = current_day(reminder, catalogue, conn, today)
        with transaction(conn):
            if day is None or day < today or _registered(conn, reminder):
                reminder_store.mark(conn, reminder.id, WITHDRAWN, now)
                continue
            if not reminder_store.mark(conn, reminder.id, QUEUED, now):
                continue
            outbox.enqueue(
                conn,
                kind="reminder",
                person_id=reminder.person_id,
                payload={
                    "reminder_id": reminder.id,
                    "kind": reminder.kind,
                    "target": reminder.target,
                    "course_id": reminder.course_id,
                    "lead_days": reminder.lead_days,
                },
                dedupe_key=f"reminder:{reminder.id}:{day.isoformat()}:{reminder.lead_days}",
                now=now,
            )
        queued += 1
    return queued


def _registered(conn: Connection, reminder: Reminder) -> bool:
    """A deadline reminder for someone who has registered for the cohort since: nothing to remind of."""
    if reminder.kind != DEADLINE:
        return False
    registration = store.get(conn, reminder.person_id, reminder.target)
    return registration is not None and registration.is_active
