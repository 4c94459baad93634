"""Read-only questions to the built catalogue. All SQL for the catalogue lives here.

Rows come back as plain dicts (sqlite3.Row converted), so callers never hold a cursor.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.text.fuzzy import Alias, AliasMatcher
from bot.text.normalize import match_key, normalize

Row = dict[str, Any]

# Names long and distinctive enough to match despite a typo. Answers such as 「合格しました」 or
# 「自薦」 are short everyday phrases: they must match exactly (「助かりました」 is not 「受かりました」).
FUZZY_KINDS = ("course", "exam", "department", "employment_type")


# A name that looks like an exam's (「英検」「簿記検定」「TOEIC試験」): word characters before 検定/試験/検.
_EXAM_LIKE = re.compile(
    r"([0-9A-Za-z\u30a1-\u30ff\u4e00-\u9fff]{1,12}?(?:検定|試験|検|[0-9０-９一二三準]+級)|TOEIC|TOEFL)"
)
# Words ending like that which name no particular exam.
_GENERIC_EXAM_WORDS = ("受検", "資格試験", "国家試験", "検定試験", "本試験", "模擬試験", "試験")


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
        self._matcher: AliasMatcher | None = None

    def close(self) -> None:
        self._conn.close()

    def _all(self, sql: str, *params: Any) -> list[Row]:
        return [dict(row) for row in self._conn.execute(sql, params)]

    def _one(self, sql: str, *params: Any) -> Row | None:
        row = self._conn.execute(sql, params).fetchone()
        return dict(row) if row else None

    # --- names -----------------------------------------------------------------------------
    def aliases(self) -> list[Alias]:
        return [
            Alias(r["kind"], r["target"], r["alias"])
            for r in self._all("SELECT kind, target, alias FROM aliases ORDER BY rowid")
        ]

    def uncatalogued_exam_name(self, text: str) -> str | None:
        """An exam named in ``text`` that is not one of ours (「英検の受験料は？」 → 英検), else None.

        Without this, a question about another exam would be answered for the exam the conversation
        was about before. Part of a catalogue name (情報処理技術者試験) is not uncatalogued.
        """
        if self.matcher.best(text, "exam"):
            return None
        known = [match_key(alias.surface) for alias in self.aliases() if alias.kind in ("exam", "course")]
        for name in _EXAM_LIKE.findall(normalize(text)):
            key = match_key(name)
            if name not in _GENERIC_EXAM_WORDS and not any(key in alias for alias in known):
                return name
        return None

    @property
    def matcher(self) -> AliasMatcher:
        """Alias matcher over every catalogue name (built on first use)."""
        if self._matcher is None:
            self._matcher = AliasMatcher(self.aliases(), fuzzy_kinds=FUZZY_KINDS)
        return self._matcher

    def vocabulary_name(self, kind: str, item_id: str) -> str | None:
        if kind == "department":
            row = self._one("SELECT name FROM departments WHERE id = ?", item_id)
        else:
            row = self._one("SELECT name FROM vocabulary WHERE kind = ? AND id = ?", kind, item_id)
        return row["name"] if row else None

    def vocabulary(self, kind: str) -> list[Row]:
        return self._all("SELECT id, name FROM vocabulary WHERE kind = ? ORDER BY rowid", kind)

    # --- courses and sessions --------------------------------------------------------------
    def courses(self) -> list[Row]:
        return self._all("SELECT * FROM courses ORDER BY rowid")

    def course(self, course_id: str) -> Row | None:
        return self._one("SELECT * FROM courses WHERE id = ?", course_id)

    def phases(self, course_id: str) -> list[Row]:
        return self._all("SELECT * FROM course_phases WHERE course_id = ? ORDER BY seq", course_id)

    def upcoming_sessions(self, course_id: str, today: dt.date, limit: int = 3) -> list[Row]:
        """Sessions of a course that have not ended yet, soonest first."""
        return self._all(
            "SELECT * FROM sessions WHERE course_id = ? AND ends_on >= ? ORDER BY starts_on, start_time LIMIT ?",
            course_id,
            today.isoformat(),
            limit,
        )

    def sessions_between(self, start: dt.date, end: dt.date) -> list[Row]:
        """Sessions overlapping [start, end] with their course names, in date order."""
        return self._all(
            """SELECT s.*, c.name AS course_name FROM sessions s JOIN courses c ON c.id = s.course_id
               WHERE s.starts_on <= ? AND s.ends_on >= ?
               ORDER BY (s.starts_on = s.ends_on) DESC, s.starts_on, s.start_time""",
            end.isoformat(),
            start.isoformat(),
        )

    def next_session_per_course(self, today: dt.date) -> dict[str, Row]:
        rows = self._all("SELECT * FROM sessions WHERE ends_on >= ? ORDER BY starts_on, start_time", today.isoformat())
        first: dict[str, Row] = {}
        for row in rows:
            first.setdefault(row["course_id"], row)
        return first

    # --- cohorts ---------------------------------------------------------------------------
    def cohort(self, cohort_id: str) -> Row | None:
        return self._one("SELECT * FROM cohorts WHERE id = ?", cohort_id)

    def cohorts_between(self, start: dt.date, end: dt.date) -> list[Row]:
        """Cohorts running during [start, end] (their months overlap it), with the course name."""
        return self._all(
            """SELECT k.*, c.name AS course_name FROM cohorts k JOIN courses c ON c.id = k.course_id
               WHERE k.starts <= ? AND k.ends >= ? ORDER BY k.starts, k.id""",
            end.strftime("%Y-%m"),
            start.strftime("%Y-%m"),
        )

    def cohorts(self, course_id: str | None = None) -> list[Row]:
        if course_id:
            return self._all("SELECT * FROM cohorts WHERE course_id = ? ORDER BY fiscal_year DESC", course_id)
        return self._all("SELECT * FROM cohorts ORDER BY fiscal_year DESC, id")

    # --- exams and subsidies ---------------------------------------------------------------
    def exams(self) -> list[Row]:
        return self._all("SELECT * FROM exams ORDER BY rowid")

    def exam(self, exam_id: str) -> Row | None:
        return self._one("SELECT * FROM exams WHERE id = ?", exam_id)

    def subsidy_policy(self) -> Row:
        policy = self._one("SELECT * FROM subsidy_policy WHERE id = 1")
        if policy is None:
            raise CatalogueMissing("subsidy policy missing from the catalogue")
        policy["documents"] = [r["name"] for r in self._all("SELECT name FROM subsidy_documents ORDER BY seq")]
        policy["contact"] = self.contact(policy["contact"])
        return policy

    def subsidy_rules(self, exam_id: str) -> list[Row]:
        """Rules that apply to an exam (rules listing no exams apply to all), in要綱 order."""
        rules = self._all(
            """SELECT r.* FROM subsidy_rules r
               WHERE NOT EXISTS (SELECT 1 FROM subsidy_rule_exams e WHERE e.rule_id = r.id)
                  OR EXISTS (SELECT 1 FROM subsidy_rule_exams e WHERE e.rule_id = r.id AND e.exam_id = ?)
               ORDER BY r.seq""",
            exam_id,
        )
        for rule in rules:
            rule["allowed"] = [
                r["value"]
                for r in self._all("SELECT value FROM subsidy_rule_values WHERE rule_id = ? ORDER BY rowid", rule["id"])
            ]
        return rules

    def study_tips(self, exam_id: str) -> Row | None:
        tips = self._one("SELECT * FROM study_tips WHERE exam_id = ?", exam_id)
        if tips is None:
            return None
        for kind in ("materials", "advice"):
            tips[kind] = [
                r["text"]
                for r in self._all(
                    "SELECT text FROM study_tip_items WHERE exam_id = ? AND kind = ? ORDER BY seq", exam_id, kind
                )
            ]
        return tips

    # --- contacts --------------------------------------------------------------------------
    def contact(self, contact_id: str) -> Row | None:
        return self._one("SELECT * FROM contacts WHERE id = ?", contact_id)

    def main_contact(self) -> Row:
        """The office everything else refers to (the subsidy policy's contact)."""
        row = self._one("SELECT c.* FROM contacts c JOIN subsidy_policy p ON p.contact = c.id")
        return row or self._one("SELECT * FROM contacts ORDER BY rowid LIMIT 1") or {}


@lru_cache(maxsize=4)
def open_catalogue(db_path: str) -> Catalogue:
    """A shared Catalogue per path (the action server and NLU open it once)."""
    return Catalogue(Path(db_path))
