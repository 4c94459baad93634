"""Answer ids, and what one answer was, read back from the conversation (Rasa's tracker events).

Every bot message gets the id ``<user message id>#<n>``: the n-th bot message (from 0) after the
user message with that id. The channels give each user message an id (the web chat a random one,
Teams the activity id), Rasa keeps it on the ``UserUttered`` event, and bot messages reach the
output channel in the order of their ``BotUttered`` events, so the same id can be computed while
the turn is sent and later from the stored conversation, without storing anything per answer.

In the events, an action's ``ActionExecuted`` comes before the messages it sent, so the answering
action of a message is the last one executed before it; the intent and confidence are those of the
user message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered

from bot.clock import JST

SEPARATOR = "#"
MAX_ANSWER_ID_CHARS = 300


def answer_id(message_id: str, index: int) -> str:
    """The id of the ``index``-th bot message answering the user message ``message_id``."""
    return f"{message_id}{SEPARATOR}{index}"


def split_answer_id(value: Any) -> tuple[str, int] | None:
    """(user message id, index) of a well-formed answer id, else None."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ANSWER_ID_CHARS or SEPARATOR not in value:
        return None
    message_id, _, index = value.rpartition(SEPARATOR)
    if not message_id or not index.isdigit() or len(index) > 4:
        return None
    return message_id, int(index)


@dataclass(frozen=True)
class Answer:
    """One bot message with what it answered."""

    answer_id: str
    question: str  # as typed (for a button: its title when the channel recorded it, else the payload)
    text: str
    action: str | None
    intent: str | None
    confidence: float | None
    answered_at: str | None  # ISO 8601, Japan time
    data: dict[str, Any]  # the message's buttons and custom payload, for display


def question_text(event: UserUttered) -> str:
    """What the person typed or clicked (a button's title if the channel kept it)."""
    shown = (event.metadata or {}).get("display_text") if isinstance(event.metadata, dict) else None
    if isinstance(shown, str) and shown.strip():
        return str(shown).strip()
    return event.text or ""


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return dt.datetime.fromtimestamp(timestamp, JST).isoformat(timespec="seconds")


def _answer_text(event: BotUttered) -> str:
    if event.text:
        return str(event.text)
    custom = (event.data or {}).get("custom")
    card = custom.get("card") if isinstance(custom, dict) else None
    return str(card.get("title") or "") if isinstance(card, dict) else ""


def iter_answers(events: Iterable[Event]) -> Iterator[Answer]:
    """Every bot message that follows a user message with an id, oldest first."""
    user: UserUttered | None = None
    index = 0
    action: str | None = None
    for event in events:
        if isinstance(event, UserUttered):
            user, index, action = event, 0, None
        elif isinstance(event, ActionExecuted):
            action = event.action_name
        elif isinstance(event, BotUttered) and user is not None and user.message_id:
            intent = user.intent or {}
            yield Answer(
                answer_id=answer_id(user.message_id, index),
                question=question_text(user),
                text=_answer_text(event),
                action=action,
                intent=intent.get("name"),
                confidence=intent.get("confidence"),
                answered_at=_iso(event.timestamp),
                data=dict(event.data or {}),
            )
            index += 1


def find_answer(events: Iterable[Event], wanted: str) -> Answer | None:
    """The answer with id ``wanted`` in the conversation, or None."""
    return next((answer for answer in iter_answers(events) if answer.answer_id == wanted), None)
