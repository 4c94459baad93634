"""Answers about courses and their sessions: gathers the rows a question needs, lets the replies speak.

* no course named: the list, what is on in a period, the nearest or last session of all, how many;
* one or several courses: each asked fact of each course (several courses: each one);
* a curriculum phase: that phase;
* an exam named for its dates: the organiser's schedule and the course that prepares for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from bot.answers.model import Circumstances
from bot.catalogue.queries import Catalogue
from bot.catalogue.rows import Cohort, Course, Session
from bot.dates import Period, fiscal_year
from bot.replies import courses as replies
from bot.replies.base import Reply
from bot.understanding.formats import at_venue, of_format
from bot.understanding.numbers import hours_in
from bot.understanding.question import Question

SUPERLATIVES = ("next", "last", "count")
COURSE_FACTS = ("deadline", "venue", "format", "seats", "target", "hours", "how_to_apply", "content")
PER_COURSE_FACTS = ("how_to_apply", "target", "hours", "format")  # a course's own field, listable for all
UPCOMING = 3  # sessions listed for 「次はいつ？」
ALL_UPCOMING = 60  # … and for 「日程を全部」 (a course meets at most monthly: a year and more)


def answer_courses(question: Question, catalogue: Catalogue, now: Circumstances) -> list[Reply]:
    if question.more_periods:  # 「12月と1月の研修は？」: each month in turn
        periods = (question.period, *question.more_periods)
        return [
            r for p in periods for r in answer_courses(replace(question, period=p, more_periods=()), catalogue, now)
        ]
    courses = [c for c in (catalogue.course(i) for i in question.courses) if c]
    if question.phases and (not courses or {c.id for c in courses} <= _phase_courses(question)):
        return _phases(question, catalogue, now)
    if not courses:
        return [_all_courses(question, catalogue, now)]
    replies_for = [_one_course(course, question, catalogue, now) for course in courses]
    return [reply for replies_of_course in replies_for for reply in replies_of_course]


def answer_exam_dates(question: Question, catalogue: Catalogue, now: Circumstances) -> list[Reply]:
    """「G検定はいつ？」: exam dates are the organiser's; the course that prepares for it is ours."""
    found = []
    named = [e for e in (catalogue.exam(i) for i in question.exams) if e]
    for exam in named or catalogue.exams():  # 「試験日はいつ？」: every exam's
        related = catalogue.course(exam.related_course) if exam.related_course else None
        course_reply = (
            replies.next_sessions(related, catalogue.upcoming_sessions(related.id, now.today), _cohort(related, now))
            if related
            else None
        )
        found.append(replies.exam_schedule(exam, course_reply))
    return found


def answer_exam_organizers(question: Question, catalogue: Catalogue) -> list[Reply]:
    """「G検定の主催は？」: who runs each exam named (every exam's when none is)."""
    named = [e for e in (catalogue.exam(i) for i in question.exams) if e]
    return [replies.exam_organizer(exam) for exam in named or catalogue.exams()]


# --- all courses ------------------------------------------------------------------------------------
def _all_courses(question: Question, catalogue: Catalogue, now: Circumstances) -> Reply:
    asks = set(question.asks)
    if asks & {"shortest", "longest"}:  # 「一番時間が短い研修は？」
        timed = [(c, h) for c in catalogue.courses() if (h := hours_in(c.hours)) is not None]
        longest = "longest" in asks
        return replies.by_length(sorted(timed, key=lambda ch: ch[1], reverse=longest), longest)
    if asks & set(SUPERLATIVES):
        return _superlative(question, catalogue, now, None)
    if question.period:  # 「再来月に予定されている研修は何がある？」: the list of that period
        period = question.period
        return replies.sessions_in_period(
            period,
            catalogue.sessions_between(period.start, period.end),
            catalogue.cohorts_between(period.start, period.end),
            now.today,
            _first_after(catalogue.sessions(), max(period.end, now.today)),
        )
    open_by_course = {c.course_id: c for c in now.open_cohorts}
    if question.venue:  # 「5階でやる研修って何？」: those with a session there
        held = at_venue([s for s in catalogue.sessions() if s.ends_on >= now.today], question.venue)
        there = [c for c in catalogue.courses() if c.id in held]
        return replies.course_list(there, catalogue.next_session_per_course(now.today), open_by_course, question.venue)
    facts = [a for a in question.asks if a in PER_COURSE_FACTS]
    if facts and "list" in asks:  # 「申込のいらない研修はどれ？」「各研修の対象者は？」: that fact of each course
        return replies.fact_per_course(facts[0], catalogue.courses())
    kind = question.course_format
    if kind and not asks & set(SUPERLATIVES):  # 「オンラインの研修ってどれ？」「集合研修は？」
        of_kind = of_format(catalogue.courses(), kind)
        return replies.course_list(of_kind, catalogue.next_session_per_course(now.today), open_by_course, kind)
    if "when" in asks and "list" not in asks:
        return replies.upcoming_overview(catalogue.next_session_per_course(now.today), catalogue.courses())
    return replies.course_list(catalogue.courses(), catalogue.next_session_per_course(now.today), open_by_course)


def _superlative(question: Question, catalogue: Catalogue, now: Circumstances, course: Course | None) -> Reply:
    """「一番近い研修は？」「年度内にあと何回？」「最後はいつ？」 over one course or all."""
    period = question.period
    asks = set(question.asks)
    until = period.end if period else _fiscal_year_end(now.today)
    start = max(period.start, now.today) if period else now.today
    kind = {c.id for c in of_format(catalogue.courses(), question.course_format)} if question.course_format else None
    sessions = [
        s
        for s in (catalogue.sessions(course.id) if course else catalogue.sessions())
        if s.is_dated and start <= s.starts_on <= until and (kind is None or s.course_id in kind)
    ]
    subject = course.name if course else "研修"
    scope = period.label if period else ("今年度" if asks & {"last", "count"} else "今後")
    found: list[Reply] = []
    if "count" in asks:
        found.append(replies.session_count(sessions, subject, scope))
    if "last" in asks:
        found.append(replies.last_session(sessions, subject, scope))
    if "next" in asks or not found:
        anytime = [s for s in catalogue.sessions_between(start, until) if not s.is_dated] if not course else []
        found.append(replies.nearest(sessions, anytime, scope if period else "今後"))
    return _joined(found)


def _first_after(sessions: Sequence[Session], day: dt.date) -> Session | None:
    """The first dated session starting after ``day``."""
    later = sorted((s for s in sessions if s.is_dated and s.starts_on > day), key=lambda s: s.starts_on)
    return later[0] if later else None


def _fiscal_year_end(today: dt.date) -> dt.date:
    return dt.date(fiscal_year(today) + 1, 3, 31)


# --- one course ---------------------------------------------------------------------------------------
def _one_course(course: Course, question: Question, catalogue: Catalogue, now: Circumstances) -> list[Reply]:
    asks = [a for a in question.asks if a in (*SUPERLATIVES, "when", *COURSE_FACTS)]
    cohort = _cohort(course, now)
    upcoming = catalogue.upcoming_sessions(course.id, now.today)
    found: list[Reply] = []
    if set(asks) & {"last", "count"} or ("next" in asks and question.period):
        found.append(_superlative(question, catalogue, now, course))
    elif "when" in asks or "next" in asks:
        every = "list" in question.asks  # 「日程を全部見せて」: every upcoming session, not the next three
        found.append(_schedule(course, question.period, catalogue, now, cohort, ALL_UPCOMING if every else UPCOMING))
    age = next((f.value for f in question.facts if f.name == "age" and isinstance(f.value, int)), None)
    for ask in (a for a in asks if a in COURSE_FACTS and a != "content"):
        found.append(_course_fact(ask, course, cohort, upcoming, catalogue, age))
    if "content" in asks and len(found) < len(asks):
        found.insert(
            0, replies.course_details(course, catalogue.phases(course.id), upcoming[0] if upcoming else None, cohort)
        )
    if not found:
        if age is not None:
            found.append(replies.target(course, cohort, age))
        else:
            found.append(
                replies.course_details(course, catalogue.phases(course.id), upcoming[0] if upcoming else None, cohort)
            )
    return found


def _schedule(
    course: Course,
    period: Period | None,
    catalogue: Catalogue,
    now: Circumstances,
    cohort: Cohort | None,
    limit: int = UPCOMING,
) -> Reply:
    if period:
        sessions = [s for s in catalogue.sessions(course.id) if s.starts_on <= period.end and s.ends_on >= period.start]
        if sessions or not cohort:
            after = _first_after(catalogue.sessions(course.id), max(period.end, now.today))
            return replies.sessions_in_period(period, sessions, [], now.today, after)
    return replies.next_sessions(course, catalogue.upcoming_sessions(course.id, now.today, limit), cohort)


def _course_fact(
    ask: str, course: Course, cohort: Cohort | None, upcoming: Sequence[Session], catalogue: Catalogue, age: int | None
) -> Reply:
    if ask == "deadline":
        return replies.deadline(course, cohort, upcoming)
    if ask == "venue":
        return replies.venues(course, upcoming)
    if ask == "format":
        return replies.formats(course, upcoming)
    if ask == "seats":
        return replies.seats(course, cohort, catalogue.main_contact())
    if ask == "target":
        return replies.target(course, cohort, age)
    if ask == "hours":
        return replies.hours(course, catalogue.phases(course.id))
    return replies.how_to_apply(course, cohort)


def _phases(question: Question, catalogue: Catalogue, now: Circumstances) -> list[Reply]:
    found = []
    for ref in question.phases:
        course_id, _, seq = ref.partition(":")
        course = catalogue.course(course_id)
        part = next((p for p in catalogue.phases(course_id) if str(p.seq) == seq), None)
        if course and part:
            found.append(replies.phase(course, part, question.asks, _cohort(course, now)))
    return found


def _phase_courses(question: Question) -> set[str]:
    return {ref.partition(":")[0] for ref in question.phases}


def _cohort(course: Course, now: Circumstances) -> Cohort | None:
    return next((c for c in now.open_cohorts if c.course_id == course.id), None)


def _joined(found: Sequence[Reply]) -> Reply:
    if len(found) == 1:
        return found[0]
    return Reply("\n".join(r.text for r in found), [b for r in found for b in r.buttons][:3])
