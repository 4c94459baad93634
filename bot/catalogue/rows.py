"""The catalogue's rows as small typed records, with real dates (parsed once, here).

:class:`bot.catalogue.queries.Catalogue` returns these; nothing else reads the catalogue database.
Every record is frozen: an answer may never change the catalogue it is built from.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.records import from_row


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _month(value: str) -> dt.date:
    """'2027-05' → the first day of that month."""
    return dt.date.fromisoformat(f"{value}-01")


@dataclass(frozen=True)
class Phase:
    """One stage of a course's curriculum (the leader programme's 講義, 演習 …)."""

    course_id: str
    seq: int
    name: str
    months: str  # as the office writes it: 「7月〜8月」
    hours: str
    content: str


@dataclass(frozen=True)
class Course:
    id: str
    name: str
    category: str
    summary: str
    target: str
    format: str
    hours: str
    how_to_apply: str
    schedule_note: str | None = None


@dataclass(frozen=True)
class Session:
    """A dated session, or a period in which a course can be taken at any time (e-learning)."""

    id: int
    course_id: str
    starts_on: dt.date
    ends_on: dt.date
    start_time: str | None
    end_time: str | None
    format: str
    venue: str | None
    note: str | None
    course_name: str = ""
    key: str = ""  # stable across date changes (sessions.yml id): what reminders follow

    @property
    def is_dated(self) -> bool:
        """One day with a time, not a period to take it in."""
        return self.starts_on == self.ends_on

    def has_ended(self, today: dt.date) -> bool:
        return self.ends_on < today


@dataclass(frozen=True)
class Cohort:
    """A yearly intake of a programme that people register for (the leader programme's 第7期)."""

    id: str
    course_id: str
    name: str
    fiscal_year: int
    starts: dt.date  # first day of its first month
    ends: dt.date  # first day of its last month
    seats: int
    apply_until: dt.date
    status: str  # "open" or "closed" in the catalogue (the office may override, see bot.registrations.cohorts)
    guidance: str
    course_name: str = ""

    @property
    def last_day(self) -> dt.date:
        """The last day of its last month."""
        return self.ends.replace(day=calendar.monthrange(self.ends.year, self.ends.month)[1])

    def with_deadline(self, deadline: dt.date) -> Cohort:
        return replace(self, apply_until=deadline)


@dataclass(frozen=True)
class Exam:
    id: str
    name: str
    organizer: str
    fee: int
    format: str
    related_course: str | None
    url: str | None


@dataclass(frozen=True)
class Contact:
    id: str
    name: str
    extension: str
    hours: str | None = None
    topics: str | None = None


@dataclass(frozen=True)
class Policy:
    """How the subsidy is computed and applied for (the 要綱's general part)."""

    rate_numerator: int
    rate_denominator: int
    rounding: str
    apply_via: str
    payment: str | None
    documents: tuple[str, ...]
    contact: Contact


@dataclass(frozen=True)
class Rule:
    """One condition of the 要綱. ``check`` rules compare a fact we ask for with ``allowed``;
    ``limit`` rules compare a number the person may tell (months since the pass, earlier
    subsidies) with ``at_most`` and are never asked. ``answers`` names the questions the rule
    answers on its own (「何回まで？」 → the once-per-exam rule)."""

    id: str
    seq: int
    title: str
    kind: str  # "check" or "limit"
    fact: str
    text: str  # the rule in one plain sentence
    ok: str
    ng: str
    allowed: tuple[str, ...] = ()
    at_most: int | None = None
    exams: tuple[str, ...] = ()  # empty: every exam
    answers: tuple[str, ...] = ()

    def applies_to(self, exam_id: str) -> bool:
        return not self.exams or exam_id in self.exams


@dataclass(frozen=True)
class StudyTips:
    exam_id: str
    hours: str
    materials: tuple[str, ...]
    advice: tuple[str, ...]


@dataclass(frozen=True)
class StudyAdvice:
    """Advice that holds for any exam (「時間がなくても続けるコツ」), with the words that ask for it."""

    id: str
    title: str
    words: tuple[str, ...]
    advice: tuple[str, ...]


@dataclass(frozen=True)
class Choice:
    """One value of a vocabulary (employment types, pass states, 推薦区分) or a department."""

    kind: str
    id: str
    name: str


@dataclass(frozen=True)
class NameWord:
    """A word that points at a course or exam without being its name (「議事録」 → AI議事録活用研修).

    ``source`` says where it comes from: ``keyword`` (the office's ``keywords`` field) and ``name``
    (a word of the official name or an alias) are strong; ``description`` (a word found only in
    this item's summary or target) is weak and gives way to any strong word."""

    kind: str  # "course" or "exam"
    target: str
    word: str
    key: str  # the word's match key (bot.text.normalize.match_key)
    reading: str  # its katakana reading's match key ("" when unknown)
    source: str

    @property
    def strong(self) -> bool:
        return self.source in ("keyword", "name")


@dataclass(frozen=True)
class QuestionWord:
    """A phrase of ``data/catalogue/question_words.yml``: what it says about a question.

    ``group`` is ``ask`` (which fact is asked: ``name`` = when, amount, times …), ``topic`` (what the
    question is about: subsidy, study …), ``marker`` (hypothetical, denial, other_person,
    correction …) or ``fact`` (a fact about the person: previous_subsidy …)."""

    group: str
    name: str
    word: str
    key: str
    reading: str  # match key of its katakana reading
    topics: tuple[str, ...] = ()  # for asks: the topics the ask belongs to


@dataclass(frozen=True)
class Uncovered:
    """An exam or course people ask about that the catalogue does not offer (簿記, TOEIC …)."""

    kind: str  # "exam" or "course"
    name: str
    key: str


def course(row: Mapping[str, Any]) -> Course:
    return from_row(Course, row)


def session(row: Mapping[str, Any]) -> Session:
    return from_row(
        Session,
        row,
        starts_on=_date(row["starts_on"]),
        ends_on=_date(row["ends_on"]),
        course_name=row.get("course_name") or "",
        key=row.get("key") or "",
    )


def cohort(row: Mapping[str, Any]) -> Cohort:
    return from_row(
        Cohort,
        row,
        starts=_month(row["starts"]),
        ends=_month(row["ends"]),
        apply_until=_date(row["apply_until"]),
        course_name=row.get("course_name") or "",
    )


def exam(row: Mapping[str, Any]) -> Exam:
    return from_row(Exam, row)


def contact(row: Mapping[str, Any]) -> Contact:
    return from_row(Contact, row)


def phase(row: Mapping[str, Any]) -> Phase:
    return from_row(Phase, row)
