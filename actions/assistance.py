"""The dialogue fallback, and the office's log of questions Manabi could not answer."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.base import Events, ManabiAction
from actions.context import latest_intent, latest_text, office_contact, send, state_db
from bot.replies import assistance as replies
from bot.state.unanswered import log_question

logger = logging.getLogger(__name__)


def log_unanswered(tracker: Tracker, reason: str) -> None:
    """One row in the office's log of questions Manabi could not answer (never blank input or a
    button payload); a failure to log loses that row, never the user's answer."""
    intent = latest_intent(tracker)
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    guessed = next((r for r in ranking if r.get("name") != "nlu_fallback"), intent)
    text = latest_text(tracker)
    if not text.strip() or text.startswith("/"):
        return
    try:
        log_question(
            state_db(),
            sender_id=tracker.sender_id,
            text=text,
            reason=reason,
            channel=tracker.get_latest_input_channel(),
            intent=guessed.get("name"),
            confidence=guessed.get("confidence"),
        )
    except Exception:
        logger.exception("could not log an unanswered question")


class ActionCoreFallback(ManabiAction):
    """The dialogue has no next step for this message (config.yml: core_fallback_action_name).

    Typically an answer a form cannot use (「嘱託職員です」 for a question the form asked). The message
    is taken back (``UserUtteranceReverted``, as Rasa's own default fallback does), so the
    conversation is exactly where it was before it: a form keeps waiting for its answer. Without the
    revert the rule policy would predict this fallback again and again until Rasa's circuit breaker
    stops the turn and leaves the conversation stuck.
    """

    action_name = "action_core_fallback"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        log_unanswered(tracker, "not_understood")
        if tracker.active_loop.get("name"):
            send(dispatcher, replies.answer_not_understood())
        else:
            send(dispatcher, replies.cannot_answer(office_contact(), low_confidence=True))
        return [UserUtteranceReverted()]
