"""Reminders staff ask for: which session or deadline, how long before, and which to list or cancel.

:func:`answer_reminder` reads a reminder question (topic ``reminder``, asks ``remind`` / ``reminders``
/ ``unremind`` from data/catalogue/question_words.yml) against the catalogue and returns what the
action layer must do in the state database (``Answer.reminder``), or a reply saying why not:

* a **session** reminder is for the next dated session of the course named (in the period named, if
  any: 「1月のExcel講座の前日に」), ``lead_days`` before it (default: the day before);
* a **deadline** reminder (「締め切り前に」) is for the registration deadline of the cohort named, of
  the course's open cohort, or of the only open cohort (default: a week before, or the day before
  when the week has begun already);
* **cancel** 「リマインドを取り消して」: those about what is named, all with 「全部」, the only one,
  or the person is asked which (:func:`to_cancel` decides, given their reminders).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answers.model import (
    CANCEL_REMINDERS,
    LIST_REMINDERS,
    SET_REMINDERS,
    Answer,
    Circumstances,
    ReminderRequest,
)
from bot.catalogue.queries import Catalogue
from bot.catalogue.rows import Cohort
from bot.dates import format_short_date
from bot.notifications.timing import due_moment
from bot.replies import reminders as replies
from bot.replies.base import Reply
from bot.state.reminders import DEADLINE, SESSION, Reminder, Wanted
from bot.understanding.question import Question

SESSION_LEAD, DEADLINE_LEAD = 1, 7
REACHABLE_CHANNELS = ("teams", "web")  # where a message can reach the person later
SET_ASKS = {"remind", "remind_deadline"}
CANCEL_ASKS = {"unremind", "cancel"}
_EVERYTHING = re.compile("全部|すべて|全て|全件|ぜんぶ|まとめて")  # 「リマインドを全部取り消して」
LIST_ASKS = {"reminders", "list", "my_status"}


def answer_reminder(question: Question, catalogue: Catalogue, now: Circumstances) -> Answer:
    asks = set(question.asks) | set(question.stated_asks)
    if asks & CANCEL_ASKS:
        request = ReminderRequest(
            courses=question.courses,
            cohort=question.cohort,
            deadline=bool({"deadline", "remind_deadline"} & asks) and not question.courses,
            everything=bool(_EVERYTHING.search(question.text)),
        )
        return Answer([], question, start=CANCEL_REMINDERS, reminder=request)
    if asks & LIST_ASKS and not asks & SET_ASKS:
        return Answer([], question, start=LIST_REMINDERS)
    if now.channel is not None and now.channel not in REACHABLE_CHANNELS:
        return Answer([replies.not_reachable()], question)
    if {"deadline", "remind_deadline"} & asks or question.cohort:
        return _deadline(question, catalogue, now)
    if question.courses:
        return _sessions(question, catalogue, now)
    return Answer([replies.which_reminder()], question)


def _sessions(question: Question, catalogue: Catalogue, now: Circumstances) -> Answer:
    lead = SESSION_LEAD if question.lead_days is None else question.lead_days
    wanted, titles, refusals = [], [], []
    for course_id in question.courses:
        course = catalogue.course(course_id)
        if course is None:
            continue
        sessions = catalogue.upcoming_sessions(course_id, now.today, limit=50)
        dated = [s for s in sessions if s.is_dated and s.starts_on >= now.today]
        if not dated:
            cohorts = catalogue.cohorts(course_id)
            if cohorts:  # the leader programme: months long, registered for by cohort
                open_cohort = next((c for c in now.open_cohorts if c.course_id == course_id), None)
                refusals.append(replies.sessionless_programme(course, open_cohort))
            elif sessions:
                refusals.append(replies.not_dated(course, sessions[0]))
            else:
                refusals.append(replies.no_upcoming_session(course))
            continue
        if question.period is not None:
            period = question.period
            chosen = [s for s in dated if period.start <= s.starts_on <= period.end]
            if not chosen:
                refusals.append(replies.none_in_period(course, period.label, dated))
                continue
            dated = chosen
        session = dated[0]
        due = due_moment(session.starts_on, lead, now.reminder_hour)
        title = replies.session_title(session)
        if due <= now.moment:
            refusals.append(replies.too_late(title, lead, due))
            continue
        wanted.append(Wanted(SESSION, session.key, course_id, session.starts_on, lead, due))
        titles.append(title)
    return _result(question, wanted, titles, refusals)


def _deadline(question: Question, catalogue: Catalogue, now: Circumstances) -> Answer:
    if "subsidy" in question.topic_words:  # the subsidy's deadline counts from each person's pass
        return Answer([replies.subsidy_deadline()], question)
    cohort = _cohort(question, now)
    if cohort is None:
        closed = catalogue.cohort(question.cohort) if question.cohort else None
        if closed is not None:
            return Answer([replies.cohort_closed(closed)], question)
        named = [c for c in (catalogue.course(i) for i in question.courses) if c]
        without = [c for c in named if not catalogue.cohorts(c.id)]
        if without:
            return Answer([replies.no_deadline(without[0])], question)
        views = [(course, c) for c in now.open_cohorts if (course := catalogue.course(c.course_id))]
        if len(views) > 1:
            return Answer([replies.which_cohort(views)], question)
        return Answer([replies.no_open_cohort(catalogue.main_contact())], question)
    course = catalogue.course(cohort.course_id)
    if course is None:
        return Answer([replies.no_open_cohort(catalogue.main_contact())], question)
    title = replies.deadline_title((course, cohort), cohort.apply_until)
    lead = DEADLINE_LEAD if question.lead_days is None else question.lead_days
    due = due_moment(cohort.apply_until, lead, now.reminder_hour)
    if due <= now.moment and question.lead_days is None:  # the week before has begun: the day before
        lead = SESSION_LEAD
        due = due_moment(cohort.apply_until, lead, now.reminder_hour)
    if due <= now.moment:
        return Answer([replies.too_late(title, lead, due)], question)
    wanted = Wanted(DEADLINE, cohort.id, cohort.course_id, cohort.apply_until, lead, due)
    return _result(question, [wanted], [title], [])


def _cohort(question: Question, now: Circumstances) -> Cohort | None:
    """The open cohort the deadline belongs to: named, of the course named, or the only one."""
    open_cohorts = list(now.open_cohorts)
    if question.cohort:
        return next((c for c in open_cohorts if c.id == question.cohort), None)
    if question.courses:
        return next((c for c in open_cohorts if c.course_id in question.courses), None)
    return open_cohorts[0] if len(open_cohorts) == 1 else None


def _result(question: Question, wanted: list[Wanted], titles: list[str], refusals: list[Reply]) -> Answer:
    if not wanted:
        return Answer(refusals or [replies.which_reminder()], question)
    request = ReminderRequest(wanted=tuple(wanted), titles=tuple(titles))
    return Answer(refusals, question, start=SET_REMINDERS, reminder=request)


def title_of(reminder: Reminder, catalogue: Catalogue) -> str:
    """What a stored reminder is for, as the catalogue says now."""
    if reminder.kind == SESSION:
        session = catalogue.session_by_key(reminder.target)
        if session is not None:
            return replies.session_title(session)
        course = catalogue.course(reminder.course_id)
        return f"{course.name if course else reminder.course_id}（{format_short_date(reminder.target_date)}）"
    cohort = catalogue.cohort(reminder.target)
    course = catalogue.course(cohort.course_id) if cohort else None
    if cohort is None or course is None:
        return f"{reminder.target}の受講希望の締め切り（{format_short_date(reminder.target_date)}）"
    return replies.deadline_title((course, cohort), reminder.target_date)


# --- cancelling ---------------------------------------------------------------------------------------
def to_cancel(request: ReminderRequest, pending: Sequence[Reminder]) -> tuple[list[Reminder], str | None]:
    """(the reminders to cancel, None) or ([], why not: "none", "which", "no_match")."""
    if not pending:
        return [], "none"
    named = bool(request.courses or request.cohort or request.deadline)
    if not named:
        if request.everything or len(pending) == 1:
            return list(pending), None
        return [], "which"
    chosen = [
        r
        for r in pending
        if (r.course_id in request.courses)
        or (request.cohort is not None and r.kind == DEADLINE and r.target == request.cohort)
        or (request.deadline and r.kind == DEADLINE)
    ]
    return (chosen, None) if chosen else ([], "no_match")
