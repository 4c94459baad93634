"""Recording a rating: find the answer in the person's conversation, then store it with its context.

The channels call :func:`rate_answer` with the conversation's events (read from Rasa's tracker
store after the turns, :func:`conversation_events`), so the question as typed, the answering
action, the intent and its confidence come from what Rasa recorded, not from the browser.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.shared.core.events import Event

from bot.feedback.answers import Answer, find_answer
from bot.state import feedback as store
from bot.state.db import Connection

logger = logging.getLogger(__name__)


async def conversation_events(tracker_store: Any, sender_id: str, all_sessions: bool = True) -> list[Event]:
    """The sender's events from Rasa's tracker store (every session, or the current one); [] if none."""
    if tracker_store is None:
        return []
    if all_sessions:
        tracker = await tracker_store.retrieve_full_tracker(sender_id)
    else:
        tracker = await tracker_store.retrieve(sender_id)
    return list(tracker.events) if tracker is not None else []


def rate_answer(
    conn: Connection,
    events: list[Event],
    *,
    sender_id: str,
    answer_id: str,
    rating: str,
    channel: str,
    comment: str | None = None,
) -> Answer | None:
    """Stores the rating of ``answer_id`` if it is one of this conversation's answers; returns it."""
    answer = find_answer(events, answer_id)
    if answer is None:
        logger.info("feedback for an answer not in the conversation of %s: %s", sender_id, answer_id)
        return None
    store.rate(
        conn,
        answer,
        sender_id=sender_id,
        rating=rating,
        channel=channel,
        comment=comment if rating == store.DOWN else None,
    )
    return answer
