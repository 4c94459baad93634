"""What each console page shows, read from the catalogue and the state database (no HTML here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.catalogue.queries import Catalogue
from bot.catalogue.rows import Cohort
from bot.office import chart, weekly
from bot.office.grouping import Group, group_questions
from bot.registrations import cohorts, export, store
from bot.registrations.cli import REASON_LABELS
from bot.registrations.model import CONFIRMED, WAITLISTED, Registration
from bot.state import feedback, unanswered
from bot.state.db import Connection


@dataclass(frozen=True)
class CohortRow:
    status: cohorts.CohortStatus
    title: str
    registered: int
    waitlisted: int

    @property
    def id(self) -> str:
        return self.status.cohort.id

    @property
    def seats(self) -> int | None:
        return self.status.cohort.seats

    @property
    def remaining(self) -> int | None:
        return None if self.seats is None else max(0, self.seats - self.registered)

    @property
    def status_label(self) -> str:
        return REASON_LABELS[self.status.reason]


def cohort_title(catalogue: Catalogue, cohort: Cohort) -> str:
    course = catalogue.course(cohort.course_id)
    return f"{course.name} {cohort.name}" if course else cohort.id


def cohort_rows(catalogue: Catalogue, conn: Connection, today: dt.date) -> list[CohortRow]:
    rows = []
    for status in cohorts.statuses(catalogue, cohorts.overrides(conn), today):
        counts = store.counts(conn, status.cohort.id)
        rows.append(CohortRow(status, cohort_title(catalogue, status.cohort), counts[CONFIRMED], counts[WAITLISTED]))
    return rows


@dataclass(frozen=True)
class CohortDetail:
    row: CohortRow
    summary: dict[str, Any]
    registrations: list[Registration]


def cohort_detail(catalogue: Catalogue, conn: Connection, cohort_id: str, today: dt.date) -> CohortDetail | None:
    """A catalogue cohort with its summary and registrations; None for an unknown id."""
    row = next((r for r in cohort_rows(catalogue, conn, today) if r.id == cohort_id), None)
    if row is None:
        return None
    registrations = store.for_cohort(conn, cohort_id)
    cohort = row.status.effective_cohort
    summary = export.summary({"id": cohort.id, "seats": cohort.seats}, registrations)
    return CohortDetail(row, summary, registrations)


def unanswered_groups(conn: Connection, status: str | None = None) -> list[Group]:
    groups = group_questions(unanswered.list_questions(conn), unanswered.reviews(conn))
    return [g for g in groups if status is None or g.status == status]


def find_group(conn: Connection, key: str) -> Group | None:
    return next((g for g in unanswered_groups(conn) if g.key == key), None)


@dataclass(frozen=True)
class FeedbackPage:
    down: list[dict[str, Any]]
    up_count: int
    down_count: int


def feedback_page(conn: Connection) -> FeedbackPage:
    rows = feedback.list_feedback(conn)
    down = [r for r in rows if r["rating"] == feedback.DOWN]
    return FeedbackPage(down, len(rows) - len(down), len(down))


@dataclass(frozen=True)
class Overview:
    weeks: list[weekly.Week]
    svg: str


def overview(conn: Connection, tracker_db: Path | str, today: dt.date) -> Overview:
    weeks = weekly.weeks(conn, tracker_db, today)
    return Overview(weeks, chart.weekly_svg(weeks))
