"""A database row as the dataclass it stands for; used for the catalogue's rows and the state DB's alike."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Record = TypeVar("Record", bound="DataclassInstance")


def from_row(record: type[Record], row: Any, **given: Any) -> Record:
    """A ``record`` from a database row (a dict, sqlite3.Row or psycopg row): each field from the column of
    its name, except those the caller gives (values read from their stored text, joined values); columns that
    are not fields are left out, and a field with a default may have no column."""
    columns = set(row.keys())
    values = {field.name: row[field.name] for field in fields(record) if field.name in columns}
    return record(**{**values, **given})
