"""Actions for who to ask, and for questions Manabi cannot answer (logged for the office)."""

from __future__ import annotations

import logging

from rasa_sdk.events import FollowupAction, SlotSet, UserUtteranceReverted

from actions.base import ManabiAction
from actions.context import catalogue, latest_intent, latest_text, mentioned, office_contact, send, state_db
from bot.replies import assistance as replies
from bot.state.unanswered import log_question

logger = logging.getLogger(__name__)


class ActionContact(ManabiAction):
    action_name = "action_contact"

    async def answer(self, dispatcher, tracker, domain):
        send(dispatcher, replies.contact(office_contact()))
        return []


def log_unanswered(tracker, reason: str) -> None:
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


class ActionLogUnanswered(ManabiAction):
    """Out of scope or low NLU confidence: apologise, name the office, log the question."""

    action_name = "action_log_unanswered"

    async def answer(self, dispatcher, tracker, domain):
        low_confidence = latest_intent(tracker).get("name") in ("nlu_fallback", None)
        if not latest_text(tracker).strip():  # an empty message: nothing to apologise for or to log
            send(dispatcher, replies.blank_message())
            return []
        log_unanswered(tracker, "low_confidence" if low_confidence else "out_of_scope")
        send(
            dispatcher,
            replies.cannot_answer(
                office_contact(), low_confidence, asked_in_english=replies.is_english(latest_text(tracker))
            ),
        )
        return []


class ActionCoreFallback(ManabiAction):
    """The dialogue has no next step for this message (config.yml: core_fallback_action_name).

    Typically an answer a form cannot use (「嘱託職員です」 when asked the employment type). The
    message is taken back (``UserUtteranceReverted``, as Rasa's own default fallback does), so the
    conversation is exactly where it was before it: a form keeps waiting for its answer. Without the
    revert the rule policy would predict this fallback again and again until Rasa's circuit breaker
    stops the turn and leaves the conversation stuck.
    """

    records_answer = False  # a question or a fallback, not an answer

    action_name = "action_core_fallback"

    async def answer(self, dispatcher, tracker, domain):
        log_unanswered(tracker, "not_understood")
        if tracker.active_loop.get("name"):
            send(dispatcher, replies.answer_not_understood())
        else:
            send(dispatcher, replies.cannot_answer(office_contact(), low_confidence=True))
        return [UserUtteranceReverted()]


ELIGIBILITY_FACTS = ("employment_type", "pass_status")  # a department alone says too little


class ActionInformTopic(ManabiAction):
    """A fact outside any form. 「再任用です」「合格しました」 are facts for the subsidy check: start it
    (the slots are already filled from the message, so it asks only what is missing). A bare name
    (「ITパスポートです」): offer what we can say about it."""

    action_name = "action_inform_topic"

    async def answer(self, dispatcher, tracker, domain):
        if any(mentioned(tracker, fact) for fact in ELIGIBILITY_FACTS):
            dispatcher.utter_message(text="受験料補助の対象になるか確認しますね。")
            return [FollowupAction("subsidy_form")]
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
