"""The fields of every kind of row in ``data/catalogue/*.yml``, read once from ``source_fields.yml``.

The file is declarative data: per kind of row (``courses``, ``subsidy_rules`` …) the source files it
is written in and each field with its type name. Here each type name becomes its parser from
:mod:`bot.catalogue.fields`; the validators look the fields up with :func:`fields_of`. A mistake in the
file (an unknown type, a choice without values …) stops the import with the file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.catalogue import contract
from bot.catalogue import fields as f
from bot.catalogue.fields import Field
from bot.catalogue.sources import Row, display_name, load_yaml

SOURCE_FIELDS_FILE = Path(__file__).with_name("source_fields.yml")


def _rows(value: Any) -> Any:
    """A list of rows of their own kind (a course's ``phases``): the validator checks each item."""
    return value


# type name in source_fields.yml → its parser (``choice`` is built from the field's ``values``)
TYPES: dict[str, Callable[[Any], Any]] = {
    "identifier": f.identifier,
    "text": f.text,
    "date": f.date,
    "month": f.month,
    "clock_time": f.clock_time,
    "positive_int": f.positive_int,
    "non_negative_int": f.non_negative_int,
    "text_list": f.text_list,
    "id_list": f.id_list,
    "rule_fact": f.choice(*contract.RULE_FACTS),
    "rows": _rows,
}
_RECORD_KEYS = {"files", "about", "fields"}
_FIELD_KEYS = {"type", "required", "values"}


class SourceFieldsInvalid(Exception):
    """``source_fields.yml`` itself is wrong: a mistake in the code's description of the sources."""


@dataclass(frozen=True)
class Record:
    """One kind of row: the files it is written in and its fields, in order."""

    files: tuple[str, ...]
    about: str
    fields: tuple[Field, ...]


def load(path: Path) -> dict[str, Record]:
    """Every kind of row described in ``path``; raises :class:`SourceFieldsInvalid` naming each mistake."""
    data = load_yaml(path, display_name(path))
    if not isinstance(data, Row):
        raise SourceFieldsInvalid(f"{display_name(path)}: write a mapping of kinds of row")
    problems: list[str] = []

    def problem(row: Row, text: str) -> None:
        problems.append(f"{row.file} line {row.line}: {text}")

    records = {}
    for kind, spec in data.items():
        if not (isinstance(spec, Row) and isinstance(spec.get("fields"), Row)):
            problem(data, f"{kind}: write files, about and fields")
            continue
        for unknown in sorted(set(spec) - _RECORD_KEYS):
            problem(spec, f"{kind}: unknown key {unknown!r} (known: {', '.join(sorted(_RECORD_KEYS))})")
        files, about = spec.get("files"), spec.get("about")
        if not (isinstance(files, list) and files and all(isinstance(name, str) for name in files)):
            problem(spec, f"{kind}: files must list the source files the rows are written in")
        if not (isinstance(about, str) and about.strip()):
            problem(spec, f"{kind}: about must say in a few words what one row is")
        fields = []
        for name, field_spec in spec["fields"].items():
            if isinstance(field_spec, Row):
                fields.append(_field(f"{kind}.{name}", name, field_spec, problem))
            else:
                problem(spec["fields"], f"{kind}.{name}: write the field as {{type: …}}")
        records[kind] = Record(tuple(files or ()), str(about), tuple(field for field in fields if field))
    if problems:
        raise SourceFieldsInvalid("\n".join(problems))
    return records


def _field(label: str, name: Any, spec: Row, problem: Callable[[Row, str], None]) -> Field | None:
    """The field ``spec`` describes, or None after calling ``problem`` for each mistake in it."""
    for unknown in sorted(set(spec) - _FIELD_KEYS):
        problem(spec, f"{label}: unknown key {unknown!r} (known: {', '.join(sorted(_FIELD_KEYS))})")
    type_name, values, required = spec.get("type"), spec.get("values"), spec.get("required", True)
    ok = True
    if not isinstance(name, str):
        problem(spec, f"{label}: the field name is not a string (quote it)")
        ok = False
    if not isinstance(required, bool):
        problem(spec, f"{label}: required must be true or false")
        ok = False
    if type_name == "choice":
        if not (isinstance(values, list) and values and all(isinstance(value, str) for value in values)):
            problem(spec, f"{label}: a choice needs values: [a, b, …]")
            return None
        parse = f.choice(*values)
    elif isinstance(type_name, str) and type_name in TYPES:
        if values is not None:
            problem(spec, f"{label}: only a choice has values")
            ok = False
        parse = TYPES[type_name]
    else:
        problem(spec, f"{label}: unknown type {type_name!r} (known: {', '.join([*TYPES, 'choice'])})")
        return None
    return Field(name, parse, required) if ok else None


RECORDS = load(SOURCE_FIELDS_FILE)


def fields_of(kind: str) -> Sequence[Field]:
    """The fields of one kind of row (a key of ``source_fields.yml``), in order."""
    return RECORDS[kind].fields
