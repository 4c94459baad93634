"""The tables of ``catalogue.sqlite``: columns, primary keys, foreign keys and indexes.

:mod:`bot.catalogue.build` creates exactly these with sqlite-utils; :mod:`bot.catalogue.queries`
reads them. Bump ``SCHEMA_VERSION`` on any change, so an old database is rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA_VERSION = "3"


@dataclass(frozen=True)
class Table:
    pk: str | tuple[str, ...]
    columns: dict[str, type]
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)
    indexes: list[list[str]] = field(default_factory=list)

    @property
    def not_null(self) -> set[str]:
        return set(self.pk) if isinstance(self.pk, tuple) else {self.pk}


_COURSE_FK = [("course_id", "courses", "id")]
_EXAM_FK = [("exam_id", "exams", "id")]
_RULE_FK = [("rule_id", "subsidy_rules", "id")]

# fmt: off
TABLES: dict[str, Table] = {
    "courses": Table("id", {"id": str, "name": str, "category": str, "summary": str, "target": str, "format": str,
                            "hours": str, "how_to_apply": str, "schedule_note": str}),
    "course_phases": Table(("course_id", "seq"), {"course_id": str, "seq": int, "name": str, "months": str,
                                                  "hours": str, "content": str}, _COURSE_FK),
    # key: the office's id of a dated session (sessions.yml), else "course@from" for a period
    "sessions": Table("id", {"id": int, "key": str, "course_id": str, "starts_on": str, "ends_on": str,
                             "start_time": str, "end_time": str, "format": str, "venue": str, "note": str},
                      _COURSE_FK, [["course_id"], ["starts_on"], ["ends_on"], ["key"]]),
    "cohorts": Table("id", {"id": str, "course_id": str, "name": str, "fiscal_year": int, "starts": str,
                            "ends": str, "seats": int, "apply_until": str, "status": str, "guidance": str},
                     _COURSE_FK, [["course_id"]]),
    "exams": Table("id", {"id": str, "name": str, "organizer": str, "fee": int, "format": str,
                          "related_course": str, "url": str}, [("related_course", "courses", "id")]),
    "contacts": Table("id", {"id": str, "name": str, "extension": str, "hours": str, "topics": str}),
    "subsidy_policy": Table("id", {"id": int, "rate_numerator": int, "rate_denominator": int, "rounding": str,
                                   "apply_via": str, "contact": str, "payment": str},
                            [("contact", "contacts", "id")]),
    "subsidy_documents": Table("seq", {"seq": int, "name": str}),
    "subsidy_rules": Table("id", {"id": str, "seq": int, "title": str, "kind": str, "fact": str, "at_most": int,
                                  "text": str, "ok": str, "ng": str}),
    "subsidy_rule_values": Table(("rule_id", "value"), {"rule_id": str, "value": str}, _RULE_FK),
    "subsidy_rule_exams": Table(("rule_id", "exam_id"), {"rule_id": str, "exam_id": str},
                                [*_RULE_FK, ("exam_id", "exams", "id")], [["exam_id"]]),
    "subsidy_rule_answers": Table(("rule_id", "ask"), {"rule_id": str, "ask": str}, _RULE_FK),
    "study_tips": Table("exam_id", {"exam_id": str, "hours": str}, _EXAM_FK),
    "study_tip_items": Table(("exam_id", "kind", "seq"), {"exam_id": str, "kind": str, "seq": int, "text": str},
                             _EXAM_FK),
    "study_advice": Table("id", {"id": str, "seq": int, "title": str}),
    "study_advice_words": Table(("advice_id", "key"), {"advice_id": str, "word": str, "key": str},
                                [("advice_id", "study_advice", "id")]),
    "study_advice_items": Table(("advice_id", "seq"), {"advice_id": str, "seq": int, "text": str},
                                [("advice_id", "study_advice", "id")]),
    "vocabulary": Table(("kind", "id"), {"kind": str, "id": str, "name": str}),
    "departments": Table("id", {"id": str, "name": str}),
    # every name and alias, its match key and its reading (for names typed in kana)
    "aliases": Table("key", {"alias": str, "key": str, "kind": str, "target": str, "reading": str}, [],
                     [["kind", "target"]]),
    # the office's keywords as written (name_words holds what the matcher uses)
    "keywords": Table(("kind", "target", "key"), {"kind": str, "target": str, "word": str, "key": str}),
    # words that point at a course or exam: keywords, words of its names, words only its description has
    "name_words": Table(("kind", "target", "key"), {"kind": str, "target": str, "word": str, "key": str,
                                                    "reading": str, "source": str}, [], [["key"]]),
    "question_words": Table(("grp", "name", "key"), {"grp": str, "name": str, "word": str, "key": str,
                                                     "reading": str}),
    "ask_topics": Table(("ask", "topic"), {"ask": str, "topic": str}),
    "not_offered": Table(("kind", "key"), {"kind": str, "name": str, "key": str}),
    "meta": Table("key", {"key": str, "value": str}),
}
# fmt: on
