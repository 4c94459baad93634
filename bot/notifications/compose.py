"""What an outbox message says, made when it is sent (or shown in the web chat).

The outbox row keeps the event (which registration moved up, the announcement's text, which reminder
fell due); the words come from the pure replies in :mod:`bot.replies.notifications` with the catalogue
as it is at that moment (the session's current time and room, the office's contact). A message whose
reason has gone (the promoted person cancelled since, the session left the catalogue) says nothing:
:func:`compose` returns None and the message is withdrawn.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.catalogue.queries import Catalogue
from bot.registrations import cohorts, store
from bot.registrations.model import CONFIRMED
from bot.replies import notifications as replies
from bot.replies.base import Reply
from bot.replies.registration import CohortView
from bot.state.db import Connection
from bot.state.outbox import OutboxMessage

Message = dict[str, Any]  # a bot message as channels take it: text, buttons, custom.card


def as_message(reply: Reply) -> Message:
    """A Reply in the shape Rasa hands output channels (docs/architecture.md, "What actions send")."""
    message: Message = {"text": reply.text}
    if reply.buttons:
        message["buttons"] = reply.buttons
    if reply.card:
        message["custom"] = {"card": {**reply.card, "buttons": reply.buttons}}
    return message


def view_of(catalogue: Catalogue, cohort_id: str) -> CohortView | None:
    cohort = catalogue.cohort(cohort_id)
    course = catalogue.course(cohort.course_id) if cohort else None
    return (course, cohort) if course and cohort else None


def compose(message: OutboxMessage, catalogue: Catalogue, conn: Connection, today: dt.date) -> Message | None:
    """The message to send for an outbox row, or None when there is nothing to say any more."""
    payload = message.payload
    office = catalogue.main_contact()
    if message.kind == "promotion":
        registration = store.get(conn, message.person_id, payload["cohort_id"])
        view = view_of(catalogue, payload["cohort_id"])
        if registration is None or registration.status != CONFIRMED or view is None:
            return None
        return as_message(replies.promotion(view, registration, office))
    if message.kind == "announcement":
        view = view_of(catalogue, payload["cohort_id"])
        return as_message(replies.announcement(view, payload["cohort_id"], payload["text"], office))
    if message.kind == "reminder":
        return _reminder(payload, catalogue, conn, today)
    if message.kind == "notice":
        return dict(payload["message"])
    return None


def _reminder(payload: dict[str, Any], catalogue: Catalogue, conn: Connection, today: dt.date) -> Message | None:
    if payload["kind"] == "session":
        session = catalogue.session_by_key(payload["target"])
        if session is None or session.starts_on < today:
            return None
        return as_message(replies.session_reminder(session, payload["lead_days"], today))
    status = cohorts.status_of(catalogue, conn, payload["target"], today)
    view = view_of(catalogue, payload["target"])
    if status is None or view is None or not status.is_open:
        return None
    return as_message(replies.deadline_reminder(view, status.deadline, payload["lead_days"], today))
