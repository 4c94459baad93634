"""Build the catalogue database from ``data/catalogue/*.yml`` with sqlite-utils.

The database is written to a temporary file beside the target and moved into place only when it is
complete, so a running action server never reads a half-built catalogue.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import sqlite_utils

from bot.catalogue.sources import SOURCE_FILES, load_sources
from bot.catalogue.validate import Tables, validate

SCHEMA_VERSION = "1"

# table: (primary key, {column: type}, foreign keys [(column, table, column)], indexes)
SCHEMA: dict[str, tuple] = {
    "courses": (
        "id",
        {
            "id": str,
            "name": str,
            "category": str,
            "summary": str,
            "target": str,
            "format": str,
            "hours": str,
            "how_to_apply": str,
            "schedule_note": str,
        },
        [],
        [],
    ),
    "course_phases": (
        ("course_id", "seq"),
        {"course_id": str, "seq": int, "name": str, "months": str, "hours": str, "content": str},
        [("course_id", "courses", "id")],
        [],
    ),
    "sessions": (
        "id",
        {
            "id": int,
            "course_id": str,
            "starts_on": str,
            "ends_on": str,
            "start_time": str,
            "end_time": str,
            "format": str,
            "venue": str,
            "note": str,
        },
        [("course_id", "courses", "id")],
        [["course_id"], ["starts_on"], ["ends_on"]],
    ),
    "cohorts": (
        "id",
        {
            "id": str,
            "course_id": str,
            "name": str,
            "fiscal_year": int,
            "starts": str,
            "ends": str,
            "seats": int,
            "apply_until": str,
            "status": str,
            "guidance": str,
        },
        [("course_id", "courses", "id")],
        [["course_id"]],
    ),
    "exams": (
        "id",
        {"id": str, "name": str, "organizer": str, "fee": int, "format": str, "related_course": str, "url": str},
        [("related_course", "courses", "id")],
        [],
    ),
    "contacts": ("id", {"id": str, "name": str, "extension": str, "hours": str, "topics": str}, [], []),
    "subsidy_policy": (
        "id",
        {
            "id": int,
            "rate_numerator": int,
            "rate_denominator": int,
            "rounding": str,
            "apply_within_months": int,
            "apply_via": str,
            "contact": str,
            "payment": str,
        },
        [("contact", "contacts", "id")],
        [],
    ),
    "subsidy_documents": ("seq", {"seq": int, "name": str}, [], []),
    "subsidy_rules": (
        "id",
        {"id": str, "seq": int, "title": str, "kind": str, "fact": str, "ok": str, "ng": str, "text": str},
        [],
        [],
    ),
    "subsidy_rule_values": (
        ("rule_id", "value"),
        {"rule_id": str, "value": str},
        [("rule_id", "subsidy_rules", "id")],
        [],
    ),
    "subsidy_rule_exams": (
        ("rule_id", "exam_id"),
        {"rule_id": str, "exam_id": str},
        [("rule_id", "subsidy_rules", "id"), ("exam_id", "exams", "id")],
        [["exam_id"]],
    ),
    "study_tips": (
        "exam_id",
        {"exam_id": str, "hours": str, "course_id": str},
        [("exam_id", "exams", "id"), ("course_id", "courses", "id")],
        [],
    ),
    "study_tip_items": (
        ("exam_id", "kind", "seq"),
        {"exam_id": str, "kind": str, "seq": int, "text": str},
        [("exam_id", "exams", "id")],
        [],
    ),
    "vocabulary": (("kind", "id"), {"kind": str, "id": str, "name": str}, [], []),
    "departments": ("id", {"id": str, "name": str}, [], []),
    "aliases": ("key", {"alias": str, "key": str, "kind": str, "target": str}, [], [["kind", "target"]]),
    "meta": ("key", {"key": str, "value": str}, [], []),
}


def source_fingerprint(directory: Path) -> str:
    """Hash of the source files' bytes: tells whether a built database is current."""
    digest = hashlib.sha256()
    for name in SOURCE_FILES:
        path = directory / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def is_current(directory: Path, db_path: Path) -> bool:
    """True when ``db_path`` was built from exactly the current source files."""
    if not db_path.exists():
        return False
    try:
        db = sqlite_utils.Database(db_path)
        meta = {row["key"]: row["value"] for row in db["meta"].rows}
        db.close()
    except Exception:  # a damaged or foreign file is simply not current
        return False
    return meta.get("schema_version") == SCHEMA_VERSION and meta.get("source_fingerprint") == source_fingerprint(
        directory
    )


def build(directory: Path, db_path: Path) -> dict[str, int]:
    """Validate the sources and (re)build the database; returns row counts per table.

    Raises :class:`bot.catalogue.sources.SourceError` or
    :class:`bot.catalogue.validate.CatalogueInvalid` without touching ``db_path``.
    """
    tables = validate(load_sources(directory))
    db_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        counts = _write(tables, temporary, source_fingerprint(directory))
        os.replace(temporary, db_path)
    finally:
        temporary.unlink(missing_ok=True)
    return counts


def _write(tables: Tables, path: Path, fingerprint: str) -> dict[str, int]:
    db = sqlite_utils.Database(path)
    db.conn.execute("PRAGMA foreign_keys = ON")
    tables = dict(tables)
    tables["meta"] = [
        {"key": "schema_version", "value": SCHEMA_VERSION},
        {"key": "source_fingerprint", "value": fingerprint},
        {"key": "built_at", "value": dt.datetime.now().isoformat(timespec="seconds")},
    ]
    counts = {}
    with db.conn:
        for name, (pk, columns, foreign_keys, indexes) in SCHEMA.items():
            table = db[name]
            table.create(columns, pk=pk, foreign_keys=foreign_keys, not_null=_not_null(pk))
            rows: list[dict] = tables.get(name, [])
            if rows:
                table.insert_all(rows)
            for index in indexes:
                table.create_index(index)
            counts[name] = len(rows)
    problems = list(db.conn.execute("PRAGMA foreign_key_check"))
    if problems:  # validation should have caught these; refuse to publish a broken catalogue
        raise RuntimeError(f"foreign key check failed: {problems[:5]}")
    db.close()
    return counts


def _not_null(pk) -> set:
    return set(pk) if isinstance(pk, tuple) else {pk}
