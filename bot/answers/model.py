"""What an answer is made of, and what it needs to know besides the question and the catalogue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.catalogue.rows import Cohort
from bot.clock import JST
from bot.replies.base import Reply
from bot.state.reminders import Wanted
from bot.understanding.question import Question

# What the action layer starts after an answer (it needs the state database or a form).
START_REGISTRATION, START_CANCELLATION, LIST_REGISTRATIONS = "registration", "cancellation", "my_registrations"
SET_REMINDERS, LIST_REMINDERS, CANCEL_REMINDERS = "set_reminders", "list_reminders", "cancel_reminders"


@dataclass(frozen=True)
class ReminderRequest:
    """What a person asked of their reminders; the action layer carries it out in the state database."""

    wanted: tuple[Wanted, ...] = ()  # SET_REMINDERS: these (each with the words that name it)
    titles: tuple[str, ...] = ()  # … 「RPA活用研修（2026年12月16日（水） 10:00〜）」, one per wanted
    courses: tuple[str, ...] = ()  # CANCEL_REMINDERS: only those about these courses …
    cohort: str | None = None  # … or this cohort's deadline …
    deadline: bool = False  # … or deadlines
    everything: bool = False  # 「全部」: all of them


@dataclass(frozen=True)
class Circumstances:
    """The state of the world an answer depends on, gathered by the action layer."""

    today: dt.date
    known: Mapping[str, str] = field(default_factory=dict)  # facts the person told about themselves before
    open_cohorts: Sequence[Cohort] = ()  # cohorts taking registrations today (office overrides applied)
    closed_cohorts: Mapping[str, str] = field(default_factory=dict)  # cohort id → why it takes none
    active_form: str | None = None  # a form in progress (its questions come first)
    pending: str | None = None  # the fact the previous answer asked for, if any
    now: dt.datetime | None = None  # the moment (JST), for reminders; None: the start of ``today``
    reminder_hour: int = 9  # reminders are sent at this hour of their day (bot/notifications/settings.py)
    channel: str | None = None  # where the person writes from (teams, web, rest)

    @property
    def moment(self) -> dt.datetime:
        return self.now or dt.datetime.combine(self.today, dt.time(), JST)


@dataclass
class Answer:
    replies: list[Reply]
    question: Question  # what was answered, kept for the next message (awaiting/offer set here)
    remember: dict[str, str | None] = field(default_factory=dict)  # the person's own facts, for later
    start: str | None = None  # START_* for the action layer
    log: str | None = None  # why the office should see this question (unanswered log)
    response: str | None = None  # a response of domain.yml to send (small talk)
    reminder: ReminderRequest | None = None  # what to do with the person's reminders (start: *_REMINDERS)
