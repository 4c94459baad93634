"""Action answering "how do I study for X" (X from the message or the last exam discussed; every exam
the message names, if it names several)."""

from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions.base import ManabiAction
from actions.context import catalogue, latest_text, named_or_remembered, send, today
from bot.replies.study import study_tips
from bot.replies.subsidies import ask_exam, not_our_exam


class ActionStudyTips(ManabiAction):
    action_name = "action_study_tips"

    async def answer(self, dispatcher, tracker, domain):
        cat = catalogue()
        other = cat.uncatalogued_exam_name(latest_text(tracker))
        if other:
            send(dispatcher, not_our_exam(cat, other, intent="ask_study_tips"))
            return []
        exams = named_or_remembered(tracker, "exam", cat.exam)
        if not exams:
            send(dispatcher, ask_exam(cat, intent="ask_study_tips"))
            return []
        for exam in exams:
            send(dispatcher, study_tips(cat, exam, today()))
        return [SlotSet("exam", exams[-1]["id"])]
