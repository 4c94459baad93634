"""The one answering action: every question, in or out of a form, is answered here.

    message ─ bot.understanding (with the previous question) ─ bot.answers.route ─ replies

The action only carries out what the answer says: it sends the replies (or a response of the domain),
remembers the question and the person's own facts in slots, logs what the office should see, and
starts what needs the state database or a form (registration, cancellation, the person's list, their
reminders).
"""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.assistance import log_unanswered
from actions.base import Events, ManabiAction
from actions.context import QUESTION, catalogue, circumstances, message, previous_question, send, today
from actions.registration_support import registrations_of
from actions.reminders import STARTS as REMINDER_STARTS
from actions.reminders import carry_out_reminders
from bot.answers.model import LIST_REGISTRATIONS, START_CANCELLATION, START_REGISTRATION, Answer
from bot.answers.route import answer
from bot.replies import registration as registration_replies
from bot.understanding.reader import understander

# What an answer starts, as the action that starts it (the rules run the form after it).
STARTS = {START_REGISTRATION: "action_registration_start", START_CANCELLATION: "action_cancellation_start"}


def answer_for(tracker: Tracker) -> Answer:
    """Understand the latest message in its conversation and answer it (no side effects)."""
    previous = previous_question(tracker)
    question = understander(catalogue()).understand(message(tracker), previous, today())
    return answer(question, catalogue(), circumstances(tracker, previous))


class ActionAnswer(ManabiAction):
    action_name = "action_answer"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        return carry_out(answer_for(tracker), dispatcher, tracker)


def carry_out(result: Answer, dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """Send what the answer says and return its events (slots, and the action it starts)."""
    for reply in result.replies:
        send(dispatcher, reply)
    if result.response:
        dispatcher.utter_message(response=result.response)
    if result.log:
        log_unanswered(tracker, result.log)
    if result.start == LIST_REGISTRATIONS:
        send(dispatcher, registration_replies.registration_list(registrations_of(tracker)))
    if result.start in REMINDER_STARTS:
        carry_out_reminders(result, dispatcher, tracker)
    events = remembered(result)
    if result.start in STARTS and not tracker.active_loop.get("name"):
        events.append(FollowupAction(STARTS[result.start]))
    return events


def remembered(result: Answer) -> Events:
    """The slots an answer sets: the question (for the next message) and the person's own facts."""
    events = [SlotSet(QUESTION, json.dumps(result.question.to_json(), ensure_ascii=False))]
    return events + [SlotSet(name, value) for name, value in result.remember.items()]
