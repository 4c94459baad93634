"""Actions for who to ask, and for questions Manabi cannot answer (logged for the office)."""
from __future__ import annotations

import logging

from actions.base import ManabiAction
from rasa_sdk.events import SlotSet

from actions.context import catalogue, latest_intent, latest_text, mentioned, office_contact, send, state_db
from bot.replies import assistance as replies
from bot.state.unanswered import log_question

logger = logging.getLogger(__name__)


class ActionContact(ManabiAction):
    action_name = "action_contact"

    async def answer(self, dispatcher, tracker, domain):
        send(dispatcher, replies.contact(office_contact()))
        return []


class ActionLogUnanswered(ManabiAction):
    """Out of scope or low NLU confidence: apologise, name the office, log the question."""

    action_name = "action_log_unanswered"

    async def answer(self, dispatcher, tracker, domain):
        intent = latest_intent(tracker)
        low_confidence = intent.get("name") in ("nlu_fallback", None)
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        guessed = next((r for r in ranking if r.get("name") != "nlu_fallback"), intent)
        text = latest_text(tracker)
        if text and not text.startswith("/"):
            try:
                log_question(state_db(), sender_id=tracker.sender_id, text=text,
                             reason="low_confidence" if low_confidence else "out_of_scope",
                             channel=tracker.get_latest_input_channel(),
                             intent=guessed.get("name"), confidence=guessed.get("confidence"))
            except Exception:  # the user still gets the answer; the office loses one log line
                logger.exception("could not log an unanswered question")
        send(dispatcher, replies.cannot_answer(office_contact(), low_confidence))
        return []


class ActionInformTopic(ManabiAction):
    """A bare name outside any form (「ITパスポートです」): offer what we can say about it."""

    action_name = "action_inform_topic"

    async def answer(self, dispatcher, tracker, domain):
        cat = catalogue()
        exam_id, course_id = mentioned(tracker, "exam"), mentioned(tracker, "course")
        if exam_id and cat.exam(exam_id):
            send(dispatcher, replies.exam_topics(cat.exam(exam_id)))
            return [SlotSet("exam", exam_id)]
        if course_id and cat.course(course_id):
            send(dispatcher, replies.course_topics(cat.course(course_id)))
            return [SlotSet("course", course_id)]
        dispatcher.utter_message(response="utter_help")
        return []
