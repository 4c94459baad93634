"""Read-only questions to the built catalogue. All SQL for the catalogue lives here.

Every method returns typed, frozen rows (:mod:`bot.catalogue.rows`) with real dates, so callers
never parse an ISO string or hold a cursor.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from bot.catalogue import rows
from bot.catalogue.rows import (
    Choice,
    Cohort,
    Contact,
    Course,
    Exam,
    NameWord,
    Phase,
    Policy,
    QuestionWord,
    Rule,
    Session,
    StudyAdvice,
    StudyTips,
    Uncovered,
)
from bot.records import from_row
from bot.text.fuzzy import Alias, AliasMatcher

# Names long and distinctive enough to match despite a typo. Answers such as 「合格しました」 or
# 「自薦」 are short everyday phrases: they must match exactly (「助かりました」 is not 「受かりました」).
FUZZY_KINDS = ("course", "exam", "department", "employment_type")

_SESSIONS = "SELECT s.*, c.name AS course_name FROM sessions s JOIN courses c ON c.id = s.course_id"
_SESSION_ORDER = "ORDER BY s.starts_on, s.start_time, s.id"


class CatalogueMissing(RuntimeError):
    """The catalogue database has not been built (run `python -m bot catalogue build`)."""


class Catalogue:
    """A read-only connection to ``catalogue.sqlite``."""

    def __init__(self, db_path: Path):
        db_path = Path(db_path)
        if not db_path.exists():
            raise CatalogueMissing(f"catalogue database not found: {db_path}")
        self.path = db_path
        self._conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row

    def close(self) -> None:
        self._conn.close()

    def _all(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        return [dict(row) for row in self._conn.execute(sql, params)]

    def _one(self, sql: str, *params: Any) -> dict[str, Any] | None:
        row = self._conn.execute(sql, params).fetchone()
        return dict(row) if row else None

    # --- names and words ---------------------------------------------------------------------
    def aliases(self) -> list[Alias]:
        return [
            Alias(r["kind"], r["target"], r["alias"])
            for r in self._all("SELECT kind, target, alias FROM aliases ORDER BY rowid")
        ]

    def alias_readings(self) -> list[tuple[Alias, str]]:
        """Every alias with its katakana reading (computed at build time)."""
        return [
            (Alias(r["kind"], r["target"], r["alias"]), r["reading"] or "")
            for r in self._all("SELECT kind, target, alias, reading FROM aliases ORDER BY rowid")
        ]

    @cached_property
    def matcher(self) -> AliasMatcher:
        """Alias matcher over every catalogue name (built on first use)."""
        return AliasMatcher(self.aliases(), fuzzy_kinds=FUZZY_KINDS)

    def name_words(self) -> list[NameWord]:
        return [
            NameWord(r["kind"], r["target"], r["word"], r["key"], r["reading"] or "", r["source"])
            for r in self._all("SELECT * FROM name_words ORDER BY rowid")
        ]

    def question_words(self) -> list[QuestionWord]:
        topics = self.ask_topics()
        return [
            QuestionWord(r["grp"], r["name"], r["word"], r["key"], r["reading"] or "", topics.get(r["name"], ()))
            for r in self._all("SELECT * FROM question_words ORDER BY rowid")
        ]

    def ask_topics(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, tuple[str, ...]] = {}
        for r in self._all("SELECT ask, topic FROM ask_topics ORDER BY rowid"):
            found[r["ask"]] = (*found.get(r["ask"], ()), r["topic"])
        return found

    def not_offered(self) -> list[Uncovered]:
        return [
            Uncovered(r["kind"], r["name"], r["key"]) for r in self._all("SELECT * FROM not_offered ORDER BY rowid")
        ]

    def vocabulary_name(self, kind: str, item_id: str) -> str | None:
        if kind == "department":
            row = self._one("SELECT name FROM departments WHERE id = ?", item_id)
        else:
            row = self._one("SELECT name FROM vocabulary WHERE kind = ? AND id = ?", kind, item_id)
        return row["name"] if row else None

    def vocabulary(self, kind: str) -> list[Choice]:
        if kind == "department":
            return [Choice(kind, r["id"], r["name"]) for r in self._all("SELECT * FROM departments ORDER BY rowid")]
        return [
            Choice(kind, r["id"], r["name"])
            for r in self._all("SELECT id, name FROM vocabulary WHERE kind = ? ORDER BY rowid", kind)
        ]

    # --- courses and sessions ----------------------------------------------------------------
    def courses(self) -> list[Course]:
        return [rows.course(r) for r in self._all("SELECT * FROM courses ORDER BY rowid")]

    def course(self, course_id: str) -> Course | None:
        row = self._one("SELECT * FROM courses WHERE id = ?", course_id)
        return rows.course(row) if row else None

    def phases(self, course_id: str | None = None) -> list[Phase]:
        if course_id is None:
            return [rows.phase(r) for r in self._all("SELECT * FROM course_phases ORDER BY course_id, seq")]
        return [
            rows.phase(r) for r in self._all("SELECT * FROM course_phases WHERE course_id = ? ORDER BY seq", course_id)
        ]

    def sessions(self, course_id: str | None = None) -> list[Session]:
        """Every session (of one course, or all), in date order."""
        if course_id is None:
            return [rows.session(r) for r in self._all(f"{_SESSIONS} {_SESSION_ORDER}")]
        return [rows.session(r) for r in self._all(f"{_SESSIONS} WHERE s.course_id = ? {_SESSION_ORDER}", course_id)]

    def session_by_key(self, key: str) -> Session | None:
        """The session with this key (sessions.yml id), wherever the office has moved it; None if gone."""
        row = self._one(f"{_SESSIONS} WHERE s.key = ?", key)
        return rows.session(row) if row else None

    def upcoming_sessions(self, course_id: str, today: dt.date, limit: int = 3) -> list[Session]:
        """Sessions of a course that have not ended yet, soonest first."""
        return [
            rows.session(r)
            for r in self._all(
                f"{_SESSIONS} WHERE s.course_id = ? AND s.ends_on >= ? {_SESSION_ORDER} LIMIT ?",
                course_id,
                today.isoformat(),
                limit,
            )
        ]

    def sessions_between(self, start: dt.date, end: dt.date) -> list[Session]:
        """Sessions overlapping [start, end], dated ones first, in date order."""
        return [
            rows.session(r)
            for r in self._all(
                f"""{_SESSIONS} WHERE s.starts_on <= ? AND s.ends_on >= ?
                    ORDER BY (s.starts_on = s.ends_on) DESC, s.starts_on, s.start_time, s.id""",
                end.isoformat(),
                start.isoformat(),
            )
        ]

    def next_session_per_course(self, today: dt.date) -> dict[str, Session]:
        first: dict[str, Session] = {}
        for row in self._all(f"{_SESSIONS} WHERE s.ends_on >= ? {_SESSION_ORDER}", today.isoformat()):
            first.setdefault(row["course_id"], rows.session(row))
        return first

    # --- cohorts -----------------------------------------------------------------------------
    def cohort(self, cohort_id: str) -> Cohort | None:
        row = self._one(
            "SELECT k.*, c.name AS course_name FROM cohorts k JOIN courses c ON c.id = k.course_id WHERE k.id = ?",
            cohort_id,
        )
        return rows.cohort(row) if row else None

    def cohorts(self, course_id: str | None = None) -> list[Cohort]:
        """Cohorts (of one course, or all), newest fiscal year first."""
        sql = "SELECT k.*, c.name AS course_name FROM cohorts k JOIN courses c ON c.id = k.course_id"
        if course_id:
            return [
                rows.cohort(r) for r in self._all(f"{sql} WHERE k.course_id = ? ORDER BY k.fiscal_year DESC", course_id)
            ]
        return [rows.cohort(r) for r in self._all(f"{sql} ORDER BY k.fiscal_year DESC, k.id")]

    def cohorts_between(self, start: dt.date, end: dt.date) -> list[Cohort]:
        """Cohorts running during [start, end] (their months overlap it)."""
        return [cohort for cohort in self.cohorts() if cohort.starts <= end and cohort.last_day >= start]

    # --- exams and subsidies -----------------------------------------------------------------
    def exams(self) -> list[Exam]:
        return [rows.exam(r) for r in self._all("SELECT * FROM exams ORDER BY rowid")]

    def exam(self, exam_id: str) -> Exam | None:
        row = self._one("SELECT * FROM exams WHERE id = ?", exam_id)
        return rows.exam(row) if row else None

    def policy(self) -> Policy:
        row = self._one("SELECT * FROM subsidy_policy WHERE id = 1")
        if row is None:
            raise CatalogueMissing("subsidy policy missing from the catalogue")
        contact = self.contact(row["contact"]) or self.main_contact()
        documents = tuple(r["name"] for r in self._all("SELECT name FROM subsidy_documents ORDER BY seq"))
        return from_row(Policy, row, documents=documents, contact=contact)

    def rules(self, exam_id: str | None = None) -> list[Rule]:
        """The 要綱's rules in order; with ``exam_id``, only those that apply to that exam."""
        found = [self._rule(r) for r in self._all("SELECT * FROM subsidy_rules ORDER BY seq")]
        return [rule for rule in found if exam_id is None or rule.applies_to(exam_id)]

    def _rule(self, row: dict[str, Any]) -> Rule:
        def values(table: str, column: str) -> tuple[str, ...]:
            return tuple(
                r[column]
                for r in self._all(f"SELECT {column} FROM {table} WHERE rule_id = ? ORDER BY rowid", row["id"])
            )

        return from_row(
            Rule,
            row,
            allowed=values("subsidy_rule_values", "value"),
            exams=values("subsidy_rule_exams", "exam_id"),
            answers=values("subsidy_rule_answers", "ask"),
        )

    def study_tips(self, exam_id: str) -> StudyTips | None:
        row = self._one("SELECT * FROM study_tips WHERE exam_id = ?", exam_id)
        if row is None:
            return None
        items = {
            kind: tuple(
                r["text"]
                for r in self._all(
                    "SELECT text FROM study_tip_items WHERE exam_id = ? AND kind = ? ORDER BY seq", exam_id, kind
                )
            )
            for kind in ("materials", "advice")
        }
        return StudyTips(exam_id, row["hours"], items["materials"], items["advice"])

    def study_advice(self) -> list[StudyAdvice]:
        found = []
        for row in self._all("SELECT * FROM study_advice ORDER BY seq"):
            words = tuple(
                r["key"] for r in self._all("SELECT key FROM study_advice_words WHERE advice_id = ?", row["id"])
            )
            advice = tuple(
                r["text"]
                for r in self._all("SELECT text FROM study_advice_items WHERE advice_id = ? ORDER BY seq", row["id"])
            )
            found.append(StudyAdvice(row["id"], row["title"], words, advice))
        return found

    # --- contacts ----------------------------------------------------------------------------
    def contact(self, contact_id: str) -> Contact | None:
        row = self._one("SELECT * FROM contacts WHERE id = ?", contact_id)
        return rows.contact(row) if row else None

    def main_contact(self) -> Contact:
        """The office everything else refers to (the subsidy policy's contact)."""
        row = self._one("SELECT c.* FROM contacts c JOIN subsidy_policy p ON p.contact = c.id") or self._one(
            "SELECT * FROM contacts ORDER BY rowid LIMIT 1"
        )
        return rows.contact(row) if row else DEFAULT_CONTACT


# The office named when the catalogue cannot be read (an apology must never fail).
DEFAULT_CONTACT = Contact("digital_strategy", "デジタル行政戦略課", "2345")


@lru_cache(maxsize=4)
def open_catalogue(db_path: str) -> Catalogue:
    """A shared Catalogue per path (the action server and NLU open it once)."""
    return Catalogue(Path(db_path))
