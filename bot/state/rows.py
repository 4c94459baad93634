"""A stored row as the dataclass it stands for: each field from the column of its name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def from_row(cls: type[T], row: Any, **convert: Callable[[Any], Any]) -> T:
    """``cls`` (a dataclass) from a database row; ``convert`` turns a column's stored text into its field's
    value (``due_at=moment``). A field with a default may have no column in the row."""
    columns = set(row.keys())
    values = {f.name: row[f.name] for f in fields(cls) if f.name in columns}  # type: ignore[arg-type]
    for name, function in convert.items():
        values[name] = function(values[name])
    return cls(**values)
