"""Typed fields for catalogue rows: each parser returns the clean value or raises FieldProblem.

Problems are phrased in Japanese for the programme office, e.g. 「日付（YYYY-MM-DD）ではありません」.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
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
    cleaned = str(value).strip()
    if not cleaned:
        raise FieldProblem("空欄です")
    return cleaned


def identifier(value: Any) -> str:
    cleaned = text(value)
    if not ID_PATTERN.match(cleaned):
        raise FieldProblem(f"「{cleaned}」は id に使えません（半角の英小文字・数字・_・- のみ）")
    return cleaned


def non_negative_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FieldProblem(f"「{value}」は0以上の整数ではありません")
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
    cleaned = str(value).strip()
    if not TIME_PATTERN.match(cleaned):
        raise FieldProblem(f"「{cleaned}」は時刻（HH:MM）ではありません")
    return cleaned


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
        cleaned = text(value)
        if cleaned not in options:
            raise FieldProblem(f"「{cleaned}」は {' / '.join(options)} のいずれかにしてください")
        return cleaned

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


def parse_row(row: Any, fields: Sequence[Field], errors: RowErrors, label_key: str = "id") -> dict[str, Any] | None:
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


def parse_list(
    data: Any, name: str, fields: Sequence[Field], errors: RowErrors, label_key: str = "id"
) -> list[tuple[Row, dict[str, Any]]]:
    """Every row of a ``- …`` list that passes its fields, paired with its source row."""
    if data is None:
        return []
    if not isinstance(data, list):
        errors.add(data if isinstance(data, Row) else None, f"{name} は「- 」で始まる一覧にしてください")
        return []
    parsed = []
    for row in data:
        clean = parse_row(row, fields, errors, label_key)
        if clean is not None:
            parsed.append((row, clean))
    return parsed


def unique_ids(rows: Iterable[tuple[Row, dict[str, Any]]], errors: RowErrors) -> set[str]:
    """The rows' ids; a repeated id is an error at the row repeating it."""
    seen: set[str] = set()
    for source, row in rows:
        if row["id"] in seen:
            errors.add(source, f"id「{row['id']}」が重複しています")
        seen.add(row["id"])
    return seen


def check_reference(source: Row, row: dict[str, Any], key: str, known: set[str], where: str, errors: RowErrors) -> bool:
    """True if ``row[key]`` is empty or one of ``known``; else records where it should have been."""
    value = row.get(key)
    if value and value not in known:
        errors.add(
            source, f"{key}「{value}」は {where} にありません", row_label(source, "id") or row_label(source, key)
        )
        return False
    return True
