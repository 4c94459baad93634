"""Actions answering "what training is there", "when is X", "what is on in January", "what is X"."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import questions
from actions.base import ManabiAction, delegate
from actions.context import (
    catalogue,
    latest_text,
    mentioned,
    named_or_remembered,
    office_contact,
    previous_answer,
    previous_period,
    resolve,
    send,
    today,
)
from actions.subsidies import ActionSubsidyProcedure
from bot.dates import find_period
from bot.replies import schedules as replies
from bot.replies.base import Reply


class ActionListCourses(ManabiAction):
    action_name = "action_list_courses"

    async def answer(self, dispatcher, tracker, domain):
        cat, day = catalogue(), today()
        period = find_period(latest_text(tracker), day, previous_period(tracker, day))
        # 「年内に受けられる研修は？」 lists what is on in that period, not every course
        send(dispatcher, replies.sessions_in_period(cat, period, day) if period else replies.course_list(cat, day))
        return []


class ActionAnswerSchedule(ManabiAction):
    """A period named in the message wins (「1月の研修は？」); else the course's next sessions."""

    action_name = "action_answer_schedule"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        cat, day = catalogue(), today()
        course_id = mentioned(tracker, "course")
        period = find_period(latest_text(tracker), day, previous_period(tracker, day))
        if period and not course_id:
            send(dispatcher, replies.sessions_in_period(cat, period, day))
            return []
        exam_id = mentioned(tracker, "exam")
        if not course_id and exam_id:
            send(dispatcher, exam_schedule(cat, exam_id, day))
            return [SlotSet("exam", exam_id)]
        courses = named_or_remembered(tracker, "course", cat.course)
        if not courses:
            send(dispatcher, replies.ask_which_course(cat, "schedule"))
            return []
        for course in courses:  # 「RPAとAI-OCRの研修はいつ？」: each one
            send(dispatcher, replies.next_sessions(cat, course, day))
        return [SlotSet("course", courses[-1]["id"])]


def exam_schedule(cat, exam_id: str, day) -> Reply:
    """Exam dates are the organiser's; point there, and to the course that prepares for it."""
    exam = cat.exam(exam_id)
    text = (
        f"{exam['name']}の試験日程は実施団体（{exam['organizer']}）が公表しています。"
        f"最新の日程は公式サイト（{exam['url']}）でご確認ください。"
    )
    if exam.get("related_course"):
        course_reply = replies.next_sessions(cat, cat.course(exam["related_course"]), day)
        return Reply(f"{text}\n\n庁内の対策として、{course_reply.text}", course_reply.buttons, course_reply.card)
    return Reply(text)


# Answers after which a bare 「期限は？」「対象者は？」「どこに出すの？」 is about the subsidy, not a course.
SUBSIDY_ANSWERS = {"action_subsidy_amount", "action_subsidy_procedure", "action_subsidy_verdict", "subsidy_form"}
SUBSIDY_FOLLOW_UP = questions.either(questions.DEADLINE, questions.TARGET, questions.WHERE_TO_APPLY)


class ActionCourseDetails(ManabiAction):
    action_name = "action_course_details"

    async def answer(self, dispatcher, tracker, domain):
        cat = catalogue()
        text = latest_text(tracker)
        if (
            not mentioned(tracker, "course")
            and previous_answer(tracker) in SUBSIDY_ANSWERS
            and SUBSIDY_FOLLOW_UP.search(text)
        ):
            # 「期限は？」「対象者は？」「どこに出すの？」 right after a subsidy answer are about the subsidy
            return await delegate(ActionSubsidyProcedure(), dispatcher, tracker, domain)
        course_id = resolve(tracker, "course")
        course = cat.course(course_id) if course_id else None
        if course is None:
            send(dispatcher, replies.ask_which_course(cat, "details"))
            return []
        for reply in self.facts_asked(cat, course, text):
            send(dispatcher, reply)
        return [SlotSet("course", course_id)]

    @staticmethod
    def facts_asked(cat, course, text: str) -> list[Reply]:
        """The one or more facts a question asks for (「会場と定員は？」 → both), else the description."""
        day = today()
        if questions.WHOLE_DESCRIPTION.search(text):
            return [replies.course_details(cat, course, day)]
        answers = [
            (questions.DEADLINE, lambda: replies.deadline(cat, course, day)),
            (questions.TARGET, lambda: replies.target(cat, course, day)),
            (questions.VENUE, lambda: replies.venues(cat, course, day)),
            (questions.SEATS, lambda: replies.seats(cat, course, day, office_contact())),
        ]
        asked = [answer() for pattern, answer in answers if pattern.search(text)]
        return asked or [replies.course_details(cat, course, day)]
