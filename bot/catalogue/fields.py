"""Typed fields for catalogue rows: each parser returns the clean value or raises FieldProblem.

Problems are phrased in Japanese for the programme office, e.g. 「日付（YYYY-MM-DD）ではありません」.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.catalogue.sources import Row

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


class FieldProblem(ValueError):
    """A value that does not fit its field."""


def text(value: Any) -> str:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise FieldProblem("文字列で書いてください")
    value = str(value).strip()
    if not value:
        raise FieldProblem("空欄です")
    return value


def identifier(value: Any) -> str:
    value = text(value)
    if not ID_PATTERN.match(value):
        raise FieldProblem(f"「{value}」は id に使えません（半角の英小文字・数字・_・- のみ）")
    return value


def positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise FieldProblem(f"「{value}」は正の整数ではありません")
    return value


def date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise FieldProblem(f"「{value}」は日付（YYYY-MM-DD）ではありません") from None


def month(value: Any) -> str:
    match = MONTH_PATTERN.match(str(value).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise FieldProblem(f"「{value}」は年月（YYYY-MM）ではありません")
    return match.group(0)


def clock_time(value: Any) -> str:
    if isinstance(value, int):  # YAML 1.1 reads an unquoted 14:00 as the number 840
        raise FieldProblem('時刻は "14:00" のように引用符で囲んでください')
    value = str(value).strip()
    if not TIME_PATTERN.match(value):
        raise FieldProblem(f"「{value}」は時刻（HH:MM）ではありません")
    return value


def text_list(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldProblem("[a, b] または「- 」の箇条書きで書いてください")
    return [text(item) for item in value]


def id_list(value: Any) -> list[str]:
    return [identifier(item) for item in text_list(value)]


def choice(*options: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        value = text(value)
        if value not in options:
            raise FieldProblem(f"「{value}」は {' / '.join(options)} のいずれかにしてください")
        return value

    return parse


@dataclass(frozen=True)
class Field:
    name: str
    parse: Callable[[Any], Any]
    required: bool = True


class RowErrors:
    """Collects every problem of a build, each naming file, line, row and field."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, row: Row | None, problem: str, label: str = "") -> None:
        where = row.where() if isinstance(row, Row) and row.file else "catalogue"
        self.messages.append(f"{where}{label}: {problem}")

    def __bool__(self) -> bool:
        return bool(self.messages)


def row_label(row: Row, key: str = "id") -> str:
    value = row.get(key) if isinstance(row, dict) else None
    return f"（{key}: {value}）" if value else ""


def parse_row(row: Any, fields: list[Field], errors: RowErrors, label_key: str = "id") -> dict[str, Any] | None:
    """Check one row against its fields; returns the clean row or None after recording problems."""
    if not isinstance(row, Row):
        errors.add(None, f"項目の形式が正しくありません: {row!r}")
        return None
    label = row_label(row, label_key)
    known = {field.name for field in fields}
    clean: dict[str, Any] = {}
    ok = True
    for unknown in sorted(set(row) - known):
        errors.add(row, f"知らない項目「{unknown}」があります（書き間違いではありませんか）", label)
        ok = False
    for field in fields:
        value = row.get(field.name)
        if value is None or value == "":
            if field.required:
                errors.add(row, f"必須の項目「{field.name}」がありません", label)
                ok = False
            else:
                clean[field.name] = [] if field.parse in (text_list, id_list) else None
            continue
        try:
            clean[field.name] = field.parse(value)
        except FieldProblem as problem:
            errors.add(row, f"{field.name}: {problem}", label)
            ok = False
    return clean if ok else None
