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

from bot.catalogue.name_words import name_words
from bot.catalogue.schema import SCHEMA_VERSION, TABLES
from bot.catalogue.sources import SOURCE_FILES, load_sources
from bot.catalogue.validate import Tables, validate
from bot.text.normalize import match_key
from bot.text.readings import reading_of


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
    tables = with_readings(validate(load_sources(directory)))
    db_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        counts = _write(tables, temporary, source_fingerprint(directory))
        os.replace(temporary, db_path)
    finally:
        temporary.unlink(missing_ok=True)
    return counts


def with_readings(tables: Tables) -> Tables:
    """Add what needs the tokenizer: readings of names and question words, and the name words."""
    tables = dict(tables)
    for table in ("aliases", "question_words"):
        tables[table] = [
            {**row, "reading": match_key(reading_of(row.get("alias") or row["word"]))} for row in tables.get(table, [])
        ]
    tables["name_words"] = name_words(tables)
    return tables


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
        for name, spec in TABLES.items():
            table = db[name]
            table.create(spec.columns, pk=spec.pk, foreign_keys=spec.foreign_keys, not_null=spec.not_null)
            rows: list[dict] = tables.get(name, [])
            if rows:
                table.insert_all(rows)
            for index in spec.indexes:
                table.create_index(index)
            counts[name] = len(rows)
    problems = list(db.conn.execute("PRAGMA foreign_key_check"))
    if problems:  # validation should have caught these; refuse to publish a broken catalogue
        raise RuntimeError(f"foreign key check failed: {problems[:5]}")
    db.close()
    return counts
