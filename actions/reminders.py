"""Reminders in conversation: storing, listing and cancelling the person's reminders.

bot/answers/reminders.py decides what was asked (which session or deadline, how long before, which to
cancel); this module does it in the state database (bot/state/reminders.py) and answers with the pure
replies of bot/replies/reminders.py. The delivery worker sends them when they fall due
(bot/notifications/schedule.py).
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import catalogue, now, send, state_db
from bot.answers.model import CANCEL_REMINDERS, LIST_REMINDERS, SET_REMINDERS, Answer, ReminderRequest
from bot.answers.reminders import title_of, to_cancel
from bot.replies import reminders as replies
from bot.state import reminders as store

STARTS = (SET_REMINDERS, LIST_REMINDERS, CANCEL_REMINDERS)


def carry_out_reminders(result: Answer, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Does what ``result.start`` says with the sender's reminders, and answers."""
    request = result.reminder or ReminderRequest()
    conn, person, moment = state_db(), tracker.sender_id, now()
    if result.start == SET_REMINDERS:
        items = []
        for wanted, title in zip(request.wanted, request.titles):
            reminder, new = store.set_reminder(conn, person, wanted, moment)
            items.append((title, reminder.lead_days, reminder.due_at, new))
        send(dispatcher, replies.reminder_set(items, tracker.get_latest_input_channel()))
        return
    pending = store.for_person(conn, person)
    listed = [(title_of(r, catalogue()), r.due_at) for r in pending]
    if result.start == LIST_REMINDERS:
        send(dispatcher, replies.reminder_list(listed))
        return
    chosen, why = to_cancel(request, pending)
    if why == "none":
        send(dispatcher, replies.nothing_to_cancel())
    elif why == "which":
        send(dispatcher, replies.which_to_cancel(listed))
    elif why == "no_match":
        send(dispatcher, replies.none_matching(_named(request), listed))
    else:
        store.cancel(conn, person, [r.id for r in chosen], moment)
        send(dispatcher, replies.cancelled([title_of(r, catalogue()) for r in chosen]))


def _named(request: ReminderRequest) -> str:
    """What the person named, in words (「RPA活用研修」「締め切り」)."""
    names = [course.name for course_id in request.courses if (course := catalogue().course(course_id))]
    if request.cohort:
        cohort = catalogue().cohort(request.cohort)
        names.append(f"{cohort.course_name} {cohort.name}" if cohort else request.cohort)
    if request.deadline:
        names.append("締め切り")
    return "・".join(names) or "ご指定"
