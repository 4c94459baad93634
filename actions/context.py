"""What every action needs: the catalogue, today's date, the state DB and the current topic.

Course and exam names are resolved in this order: an entity in the current message (the NLU's
catalogue extractor), the same alias matcher run on the message text (so a pipeline without our
extractor still works), then the slot remembered from earlier turns (「それの勉強法は？」).
A short follow-up (「締め切りは？」「その次の月は？」) also reads what was answered before: the previous
answer's action and the period asked about in the last few messages.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.catalogue.queries import Catalogue, open_catalogue
from bot.clock import clock_from_env
from bot.dates import Period, find_period
from bot.replies.base import Reply
from bot.settings import load_settings
from bot.state import db as state

logger = logging.getLogger(__name__)
Row = dict[str, Any]


def catalogue() -> Catalogue:
    return open_catalogue(str(load_settings().catalogue_db))


def today() -> dt.date:
    return clock_from_env().today()


@lru_cache(maxsize=4)
def _state_connection(path: str) -> sqlite3.Connection:
    return state.connect(path)


def state_db() -> sqlite3.Connection:
    return _state_connection(str(load_settings().state_db))


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_intent(tracker: Tracker) -> dict[str, Any]:
    return (tracker.latest_message or {}).get("intent") or {}


def message_entities(tracker: Tracker, kind: str) -> list[str]:
    """Values of ``kind`` entities in the current message, in order, without repeats."""
    values: list[str] = []
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == kind and entity.get("value") not in values:
            values.append(entity.get("value"))
    return values


def mentioned(tracker: Tracker, kind: str) -> str | None:
    """The ``kind`` named in the current message, by entity or by matching the text."""
    values = message_entities(tracker, kind)
    if values:
        return values[0]
    text = latest_text(tracker)
    if text.startswith("/"):  # a button payload: only its explicit entities count
        return None
    match = catalogue().matcher.best(text, kind)
    return match.target if match else None


def mentioned_all(tracker: Tracker, kind: str) -> list[str]:
    """Every ``kind`` named in the current message, in order (「G検定とFEの補助額」 → two exams)."""
    values = message_entities(tracker, kind)
    text = latest_text(tracker)
    if values or text.startswith("/"):
        return values
    found: list[str] = []
    for match in catalogue().matcher.find(text, kinds=[kind]):
        if match.target not in found:
            found.append(match.target)
    return found


def named_or_remembered(tracker: Tracker, kind: str, lookup: Callable[[str], Row | None]) -> list[Row]:
    """The catalogue rows (``lookup``: id → row) of every ``kind`` the message names, else of the
    remembered slot; unknown ids are dropped."""
    ids = mentioned_all(tracker, kind) or [tracker.get_slot(kind)]
    return [row for row in (lookup(i) for i in ids if i) if row]


ANSWERED_AS = "answered_as"  # slot: what the last answer was given as (actions/follow_ups.py)

# Bookkeeping actions that answer nothing themselves.
_NOT_ANSWERS = {
    "action_listen",
    "action_session_start",
    "action_unlikely_intent",
    "action_core_fallback",
    "action_restart",
    "action_back",
}
FOLLOW_UP_WINDOW = 5  # earlier user messages a follow-up may refer to


def previous_answer(tracker: Tracker) -> str | None:
    """What the message before the current one was answered as: the ``answered_as`` record an
    answering action left (actions/follow_ups.py; a delegated answer names its delegate), else the
    last action or form that ran (a form, a response template)."""
    passed_current = False
    for event in reversed(tracker.events or []):
        kind = event.get("event")
        if kind == "user":
            passed_current = True
        elif not passed_current:
            continue
        elif kind == "slot" and event.get("name") == ANSWERED_AS and event.get("value"):
            return event.get("value")
        elif kind == "action" and event.get("name") not in _NOT_ANSWERS:
            return event.get("name")
    return None


def previous_period(tracker: Tracker, day: dt.date) -> Period | None:
    """The period the last few messages before the current one were about (「1月の研修は？」), read
    oldest first so that a chain of 「その次の月は？」 keeps counting."""
    texts = [event.get("text") or "" for event in (tracker.events or []) if event.get("event") == "user"]
    period = None
    for text in texts[-FOLLOW_UP_WINDOW - 1 : -1]:
        period = find_period(text, day, period) or period
    return period


def resolve(tracker: Tracker, kind: str) -> str | None:
    """Current message first, then the remembered slot of the same name."""
    return mentioned(tracker, kind) or tracker.get_slot(kind)


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    dispatcher.utter_message(**reply.as_utterance())


def office_contact() -> dict[str, Any]:
    try:
        return catalogue().main_contact()
    except Exception:  # the apology must not fail because the catalogue did
        return {"name": "デジタル行政戦略課", "extension": "2345"}
