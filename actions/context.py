"""What the actions need from the tracker and the world: the catalogue, today, the state DB, the
message as the understanding step reads it, the question answered before, and the circumstances
of an answer (remembered facts, open cohorts, a form in progress)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.answers.model import Circumstances
from bot.catalogue.queries import DEFAULT_CONTACT, Catalogue, open_catalogue
from bot.catalogue.rows import Contact
from bot.clock import clock_from_env
from bot.notifications.settings import NotifySettings
from bot.registrations import cohorts
from bot.replies.base import Reply
from bot.settings import load_settings
from bot.state import db as state
from bot.state.db import Connection
from bot.state.db import Error as DbError
from bot.understanding.question import Question
from bot.understanding.reader import Message

logger = logging.getLogger(__name__)

QUESTION = "question"  # slot: the last question answered, as JSON (bot.understanding.question)
REMEMBERED_FACTS = ("employment_type", "department")  # slots: what the person told about themselves


def catalogue() -> Catalogue:
    return open_catalogue(str(load_settings().catalogue_db))


def today() -> dt.date:
    return clock_from_env().today()


@lru_cache(maxsize=4)
def _state_connection(location: str) -> Connection:
    return state.connect(state.location(location))


def state_db() -> Connection:
    """The state DB of the settings (SQLite file or PostgreSQL URL); one connection per process."""
    return _state_connection(str(load_settings().state_location))


def latest_text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


def latest_intent(tracker: Tracker) -> dict[str, Any]:
    return dict((tracker.latest_message or {}).get("intent") or {})


def message_entities(tracker: Tracker, kind: str) -> list[str]:
    """Values of ``kind`` entities in the current message, in order, without repeats."""
    values: list[str] = []
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == kind and entity.get("value") not in values:
            values.append(entity.get("value"))
    return values


def mentioned(tracker: Tracker, kind: str) -> str | None:
    """The ``kind`` named in the current message, by entity or by matching the text (for the forms)."""
    values = message_entities(tracker, kind)
    if values:
        return values[0]
    text = latest_text(tracker)
    if text.startswith("/"):  # a button payload: only its explicit entities count
        return None
    match = catalogue().matcher.best(text, kind)
    return match.target if match else None


def message(tracker: Tracker) -> Message:
    """The latest user message as the understanding step reads it."""
    latest = tracker.latest_message or {}
    intent = latest.get("intent") or {}
    ranking = [(r.get("name"), float(r.get("confidence") or 0.0)) for r in latest.get("intent_ranking") or []]
    entities = [(e.get("entity"), e.get("value")) for e in latest.get("entities") or [] if e.get("entity")]
    return Message(
        text=latest_text(tracker),
        intent=intent.get("name"),
        confidence=float(intent.get("confidence") or 0.0),
        ranking=[(name, confidence) for name, confidence in ranking if name and name != "nlu_fallback"],
        entities=[(str(kind), str(value)) for kind, value in entities if value is not None],
        active_form=(tracker.active_loop or {}).get("name"),
    )


def previous_question(tracker: Tracker) -> Question | None:
    value = tracker.get_slot(QUESTION)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return Question.from_json(value)


def circumstances(tracker: Tracker, previous: Question | None) -> Circumstances:
    day = today()
    cat = catalogue()
    try:
        found = cohorts.statuses(cat, cohorts.overrides(state_db()), day)
    except DbError:  # the state DB is unreadable: answer from the catalogue alone
        logger.exception("could not read cohort overrides")
        found = cohorts.statuses(cat, {}, day)
    known = {fact: tracker.get_slot(fact) for fact in REMEMBERED_FACTS if tracker.get_slot(fact)}
    return Circumstances(
        today=day,
        known=known,
        open_cohorts=[s.effective_cohort for s in found if s.is_open],
        closed_cohorts={s.cohort.id: s.reason for s in found if not s.is_open},
        active_form=(tracker.active_loop or {}).get("name"),
        pending=previous.awaiting if previous else None,
        now=now(),
        reminder_hour=reminder_hour(),
        channel=tracker.get_latest_input_channel(),
    )


def now() -> dt.datetime:
    """The moment in JST (a pinned MANABI_TODAY keeps the real time of day), as the delivery worker sees it."""
    return clock_from_env().now()


def reminder_hour() -> int:
    try:
        return NotifySettings.from_env().reminder_hour
    except ValueError:  # a bad MANABI_NOTIFY_* value: the worker refuses to start and says so
        return NotifySettings().reminder_hour


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    dispatcher.utter_message(**reply.as_utterance())


def office_contact() -> Contact:
    try:
        return catalogue().main_contact()
    except Exception:  # the apology must not fail because the catalogue did
        return DEFAULT_CONTACT
