"""Answers about studying: tips per exam, study hours, advice for any exam, a place to study together."""

from __future__ import annotations

from bot.answers.model import Circumstances
from bot.catalogue.queries import Catalogue
from bot.catalogue.rows import Course, Exam, StudyAdvice
from bot.replies import study as replies
from bot.replies.base import Reply
from bot.text.normalize import match_key
from bot.understanding.question import Question


def answer_study(question: Question, catalogue: Catalogue, now: Circumstances) -> list[Reply]:
    exams = [e for e in (catalogue.exam(i) for i in question.exams) if e]
    courses = [c for c in (catalogue.course(i) for i in question.courses) if c]
    if courses and not exams:  # 「勉強会みたいなのある？」 with the study group named
        return [replies.study_group(c, catalogue.upcoming_sessions(c.id, now.today), None) for c in courses]
    if "study_group" in question.asks:
        return [_study_group(exams[0] if exams else None, catalogue, now)]
    if not exams:
        return [replies.general_advice(_fitting_advice(question.text, catalogue.study_advice()), catalogue.exams())]
    if {"study_hours", "hours"} & set(question.asks) and "study" not in question.asks:  # 「何時間くらいかかる？」
        return [replies.study_hours(exam, catalogue.study_tips(exam.id)) for exam in exams]
    found = []
    for exam in exams:
        tips = catalogue.study_tips(exam.id)
        course = catalogue.course(exam.related_course) if exam.related_course else None
        upcoming = catalogue.upcoming_sessions(course.id, now.today, limit=1) if course else []
        found.append(replies.study_tips(exam, tips, course, upcoming[0] if upcoming else None))
    return found


def _study_group(exam: Exam | None, catalogue: Catalogue, now: Circumstances) -> Reply:
    """The course related to the exam (exams.yml ``related_course``); without an exam, the first exam's that has one."""
    course = _group_course(exam, catalogue)
    if course is None:
        return replies.general_advice(catalogue.study_advice(), catalogue.exams())
    return replies.study_group(course, catalogue.upcoming_sessions(course.id, now.today), exam)


def _group_course(exam: Exam | None, catalogue: Catalogue) -> Course | None:
    related = [e.related_course for e in ([exam] if exam else catalogue.exams()) if e.related_course]
    return catalogue.course(related[0]) if related else None


def _fitting_advice(text: str, advice: list[StudyAdvice]) -> list[StudyAdvice]:
    """The advice whose words the question uses first; all of it when none fits."""
    key = match_key(text)
    fitting = [a for a in advice if any(word in key for word in a.words)]
    return fitting + [a for a in advice if a not in fitting] if fitting else advice
