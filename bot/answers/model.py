"""What an answer is made of, and what it needs to know besides the question and the catalogue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.catalogue.rows import Cohort
from bot.replies.base import Reply
from bot.understanding.question import Question

# What the action layer starts after an answer (it needs the state database or a form).
START_REGISTRATION, START_CANCELLATION, LIST_REGISTRATIONS = "registration", "cancellation", "my_registrations"


@dataclass(frozen=True)
class Circumstances:
    """The state of the world an answer depends on, gathered by the action layer."""

    today: dt.date
    known: Mapping[str, str] = field(default_factory=dict)  # facts the person told about themselves before
    open_cohorts: Sequence[Cohort] = ()  # cohorts taking registrations today (office overrides applied)
    closed_cohorts: Mapping[str, str] = field(default_factory=dict)  # cohort id → why it takes none
    active_form: str | None = None  # a form in progress (its questions come first)
    pending: str | None = None  # the fact the previous answer asked for, if any


@dataclass
class Answer:
    replies: list[Reply]
    question: Question  # what was answered, kept for the next message (awaiting/offer set here)
    remember: dict[str, str | None] = field(default_factory=dict)  # the person's own facts, for later
    start: str | None = None  # START_* for the action layer
    log: str | None = None  # why the office should see this question (unanswered log)
    response: str | None = None  # a response of domain.yml to send (small talk)
