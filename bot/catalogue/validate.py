"""Turn the parsed source files into clean table rows, or explain every problem found.

The output is a plain ``{table name: [row dict, …]}`` mapping that :mod:`bot.catalogue.build` writes
with sqlite-utils. Nothing here touches the database. The fields each kind of row may have, and their
types, are data: ``source_fields.yml`` (read by :mod:`bot.catalogue.source_fields`); the checks that span
fields, rows and files are here.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bot.catalogue import fields as f
from bot.catalogue.fields import RowErrors, parse_row
from bot.catalogue.source_fields import fields_of
from bot.catalogue.sources import Row
from bot.catalogue.validate_subsidy import add_subsidy
from bot.catalogue.validate_words import add_not_offered, add_question_words, add_study_advice
from bot.text.normalize import match_key

Tables = dict[str, list[dict[str, Any]]]

VOCABULARY_KINDS = ("employment_type", "pass_status", "recommendation")


class CatalogueInvalid(Exception):
    """The source files have problems; ``messages`` lists every one of them."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


def validate(sources: dict[str, Any]) -> Tables:
    """Check all sources and return clean table rows; raises :class:`CatalogueInvalid`."""
    errors = RowErrors()
    tables: Tables = defaultdict(list)
    courses = f.parse_list(sources["courses.yml"], "courses.yml", fields_of("courses"), errors)
    exams = f.parse_list(sources["exams.yml"], "exams.yml", fields_of("exams"), errors)
    departments = f.parse_list(sources["departments.yml"], "departments.yml", fields_of("choices"), errors)
    contacts = f.parse_list(sources["contacts.yml"], "contacts.yml", fields_of("contacts"), errors)
    vocabulary = _parse_vocabulary(sources["vocabularies.yml"], errors)

    course_ids = f.unique_ids(courses, errors)
    exam_ids = f.unique_ids(exams, errors)
    department_ids = f.unique_ids(departments, errors)
    contact_ids = f.unique_ids(contacts, errors)
    known_values = {kind: {row["id"] for _, row in rows} for kind, rows in vocabulary.items()}
    known_values["department"] = department_ids

    _add_courses(courses, tables, errors)
    _add_sessions(sources["sessions.yml"], course_ids, tables, errors)
    _add_cohorts(sources["cohorts.yml"], course_ids, tables, errors)
    for source, row in exams:
        f.check_reference(source, row, "related_course", course_ids, "courses.yml", errors)
        tables["exams"].append({k: v for k, v in row.items() if k not in ("aliases", "keywords")})
    add_subsidy(sources["subsidy.yml"], exam_ids, contact_ids, known_values, tables, errors)
    _add_study_tips(sources["study_tips.yml"], exam_ids, tables, errors)
    add_study_advice(sources["study_advice.yml"], tables, errors)
    add_question_words(sources["question_words.yml"], tables, errors)
    for kind, rows in vocabulary.items():
        tables["vocabulary"] += [{"kind": kind, "id": row["id"], "name": row["name"]} for _, row in rows]
    tables["departments"] = [{"id": row["id"], "name": row["name"]} for _, row in departments]
    tables["contacts"] = [row for _, row in contacts]
    named = (
        [("course", s, r) for s, r in courses]
        + [("exam", s, r) for s, r in exams]
        + [("department", s, r) for s, r in departments]
        + [(kind, s, r) for kind, rows in vocabulary.items() for s, r in rows]
    )
    tables["aliases"] = _aliases(named, errors)
    tables["keywords"] = _keywords(named, errors)
    add_not_offered(sources["not_offered.yml"], {a["key"] for a in tables["aliases"]}, tables, errors)

    if errors:
        raise CatalogueInvalid(errors.messages)
    return dict(tables)


def _add_courses(courses: list[tuple[Row, dict[str, Any]]], tables: Tables, errors: RowErrors) -> None:
    for source, row in courses:
        phases = row["phases"] or []
        tables["courses"].append({k: v for k, v in row.items() if k not in ("phases", "aliases", "keywords")})
        if not isinstance(phases, list):
            errors.add(source, "phases は一覧で書いてください", f.row_label(source))
            continue
        for seq, phase in enumerate(phases, 1):
            clean = parse_row(phase, fields_of("course_phases"), errors, "name")
            if clean:
                tables["course_phases"].append({"course_id": row["id"], "seq": seq, **clean})


def _add_sessions(data: Any, course_ids: set[str], tables: Tables, errors: RowErrors) -> None:
    """A dated session needs an ``id`` of its own: reminders staff ask for follow it when the office
    moves the session to another day, and are withdrawn when the id leaves the file."""
    keys: set[str] = set()
    for source, row in f.parse_list(data, "sessions.yml", fields_of("sessions"), errors, "course"):
        if not f.check_reference(source, row, "course", course_ids, "courses.yml", errors):
            continue
        label = f.row_label(source, "course")
        if row["date"] and (row["from"] or row["until"]):
            errors.add(source, "date と from/until は同時に書けません", label)
            continue
        if row["date"] and not row["id"]:
            errors.add(
                source,
                "開催日（date）のある日程には id を書いてください（リマインドがこの id で日程を追います）",
                label,
            )
            continue
        key = row["id"] or f"{row['course']}@{row['from']}"
        if key in keys:
            errors.add(source, f"id「{key}」が重複しています", label)
            continue
        keys.add(key)
        starts_on, ends_on = (row["date"], row["date"]) if row["date"] else (row["from"], row["until"])
        if not (starts_on and ends_on):
            errors.add(source, "date（開催日）か、from と until（受講期間）を書いてください", label)
            continue
        if starts_on > ends_on:
            errors.add(source, f"from（{starts_on}）が until（{ends_on}）より後になっています", label)
            continue
        if row["start"] and row["end"] and row["start"] >= row["end"]:
            errors.add(source, f"start（{row['start']}）が end（{row['end']}）より後になっています", label)
            continue
        tables["sessions"].append(
            {
                "id": len(tables["sessions"]) + 1,
                "key": key,
                "course_id": row["course"],
                "starts_on": starts_on,
                "ends_on": ends_on,
                "start_time": row["start"],
                "end_time": row["end"],
                "format": row["format"],
                "venue": row["venue"],
                "note": row["note"],
            }
        )


def _add_cohorts(data: Any, course_ids: set[str], tables: Tables, errors: RowErrors) -> None:
    cohorts = f.parse_list(data, "cohorts.yml", fields_of("cohorts"), errors)
    f.unique_ids(cohorts, errors)
    for source, row in cohorts:
        if not f.check_reference(source, row, "course", course_ids, "courses.yml", errors):
            continue
        if row["starts"] > row["ends"]:
            errors.add(
                source, f"starts（{row['starts']}）が ends（{row['ends']}）より後になっています", f.row_label(source)
            )
            continue
        tables["cohorts"].append({**{k: v for k, v in row.items() if k != "course"}, "course_id": row["course"]})


def _add_study_tips(data: Any, exam_ids: set[str], tables: Tables, errors: RowErrors) -> None:
    seen: set[str] = set()
    for source, row in f.parse_list(data, "study_tips.yml", fields_of("study_tips"), errors, "exam"):
        ok = f.check_reference(source, row, "exam", exam_ids, "exams.yml", errors)
        if row["exam"] in seen:
            errors.add(source, f"exam「{row['exam']}」の勉強法が重複しています")
            ok = False
        seen.add(row["exam"])
        if not ok:
            continue
        tables["study_tips"].append({"exam_id": row["exam"], "hours": row["hours"]})
        for kind in ("materials", "advice"):
            tables["study_tip_items"] += [
                {"exam_id": row["exam"], "kind": kind, "seq": i, "text": t} for i, t in enumerate(row[kind], 1)
            ]
    for exam in sorted(exam_ids - seen):
        errors.add(None, f"study_tips.yml: 試験「{exam}」の勉強法がありません")


def _parse_vocabulary(data: Any, errors: RowErrors) -> dict[str, list[tuple[Row, dict[str, Any]]]]:
    if not isinstance(data, Row):
        errors.add(None, "vocabularies.yml は employment_type などの見出しごとに書いてください")
        return {}
    vocabulary = {}
    for kind in VOCABULARY_KINDS:
        if kind not in data:
            errors.add(data, f"vocabularies.yml に「{kind}」がありません")
            continue
        rows = f.parse_list(data[kind], "vocabularies.yml", fields_of("choices"), errors)
        f.unique_ids(rows, errors)
        vocabulary[kind] = rows
    for unknown in sorted(set(data) - set(VOCABULARY_KINDS)):
        errors.add(data, f"知らない見出し「{unknown}」があります")
    return vocabulary


def _aliases(named: list[tuple[str, Row, dict[str, Any]]], errors: RowErrors) -> list[dict[str, Any]]:
    """Every name and alias with its match key; a key naming two different things is an error."""
    owners: dict[str, tuple[str, str, str]] = {}
    rows: list[dict[str, Any]] = []
    for kind, source, item in named:
        for alias in [item["name"], *(item.get("aliases") or [])]:
            key = match_key(alias)
            owner = owners.get(key)
            if owner and owner[:2] != (kind, item["id"]):
                errors.add(
                    source,
                    f"別名「{alias}」は {owner[0]}「{owner[1]}」の「{owner[2]}」と重複しています",
                    f.row_label(source),
                )
                continue
            if owner:
                continue  # the same item lists an equivalent spelling twice: harmless
            owners[key] = (kind, item["id"], alias)
            rows.append({"alias": alias, "key": key, "kind": kind, "target": item["id"]})
    return rows


def _keywords(named: list[tuple[str, Row, dict[str, Any]]], errors: RowErrors) -> list[dict[str, Any]]:
    """The office's ``keywords`` of courses and exams (words that point at an item without naming it)."""
    rows: list[dict[str, Any]] = []
    for kind, source, item in named:
        for word in item.get("keywords") or []:
            key = match_key(word)
            if not key:
                errors.add(source, f"keywords の「{word}」が空です", f.row_label(source))
                continue
            rows.append({"kind": kind, "target": item["id"], "word": word, "key": key})
    return rows
