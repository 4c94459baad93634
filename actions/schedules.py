"""Actions answering "what training is there", "when is X", "what is on in January", "what is X"."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ManabiAction
from actions.context import catalogue, latest_text, mentioned, mentioned_all, office_contact, resolve, send, today
from bot.dates import find_period
from bot.replies import schedules as replies
from bot.replies.base import Reply


class ActionListCourses(ManabiAction):
    action_name = "action_list_courses"

    async def answer(self, dispatcher, tracker, domain):
        send(dispatcher, replies.course_list(catalogue(), today()))
        return []


class ActionAnswerSchedule(ManabiAction):
    """A period named in the message wins (「1月の研修は？」); else the course's next sessions."""

    action_name = "action_answer_schedule"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        cat, day = catalogue(), today()
        course_id = mentioned(tracker, "course")
        period = find_period(latest_text(tracker), day)
        if period and not course_id:
            send(dispatcher, replies.sessions_in_period(cat, period, day))
            return []
        exam_id = mentioned(tracker, "exam")
        if not course_id and exam_id:
            send(dispatcher, exam_schedule(cat, exam_id, day))
            return [SlotSet("exam", exam_id)]
        named = [course for course in map(cat.course, mentioned_all(tracker, "course")) if course]
        course_id = course_id or tracker.get_slot("course")
        courses = named or [course for course in [cat.course(course_id) if course_id else None] if course]
        if not courses:
            send(dispatcher, replies.ask_which_course(cat, "schedule"))
            return []
        for course in courses:  # 「RPAとAI-OCRの研修はいつ？」: each one
            send(dispatcher, replies.next_sessions(cat, course, day))
        return [SlotSet("course", courses[-1]["id"])]


def exam_schedule(cat, exam_id: str, day) -> Reply:
    """Exam dates are the organiser's; point there, and to the course that prepares for it."""
    exam = cat.exam(exam_id)
    text = (f"{exam['name']}の試験日程は実施団体（{exam['organizer']}）が公表しています。"
            f"最新の日程は公式サイト（{exam['url']}）でご確認ください。")
    if exam.get("related_course"):
        course_reply = replies.next_sessions(cat, cat.course(exam["related_course"]), day)
        return Reply(f"{text}\n\n庁内の対策として、{course_reply.text}", course_reply.buttons, course_reply.card)
    return Reply(text)


# One fact asked for, answered alone instead of the whole description.
VENUE_QUESTION = re.compile(r"会場|場所|どこで")
SEATS_QUESTION = re.compile(r"定員|何人|何名|満員")


class ActionCourseDetails(ManabiAction):
    action_name = "action_course_details"

    async def answer(self, dispatcher, tracker, domain):
        cat = catalogue()
        course_id = resolve(tracker, "course")
        course = cat.course(course_id) if course_id else None
        if course is None:
            send(dispatcher, replies.ask_which_course(cat, "details"))
            return []
        text = latest_text(tracker)
        if VENUE_QUESTION.search(text):
            send(dispatcher, replies.venues(cat, course, today()))
        elif SEATS_QUESTION.search(text):
            send(dispatcher, replies.seats(cat, course, today(), office_contact()))
        else:
            send(dispatcher, replies.course_details(cat, course, today()))
        return [SlotSet("course", course_id)]
