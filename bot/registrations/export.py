"""Exports for the programme office: CSV that opens in Japanese Excel, JSON, and a cohort summary.

CSV: UTF-8 with a BOM (Excel otherwise reads UTF-8 as Shift_JIS and garbles it), CRLF line ends,
dates as ``2027/03/31``, control and bidi characters removed from every cell (bot.safe_text), and
cells that Excel would run as a formula prefixed with ``'``: those starting with = + - @ (or their
full-width forms ＝＋－＠, which Japanese Excel also accepts), a tab, a carriage return or a line feed.
Files are written to a temporary file beside the target and renamed, so a half-written export is
never left behind. The person id (Teams account id) is not exported: the office does not need it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from bot.registrations.model import CANCELLED, CONFIRMED, WAITLISTED, Registration
from bot.safe_text import clean_text

BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

Column = tuple[str, Callable[[Registration], Any]]


def excel_date(value: str | dt.datetime | None) -> str:
    """'2027-03-31T10:15:00+09:00' (stored text, or the datetime) → '2027/03/31' ('' for None)."""
    return _as_datetime(value).strftime("%Y/%m/%d") if value else ""


def excel_time(value: str | dt.datetime | None) -> str:
    """'2027-03-31T10:15:00+09:00' (stored text, or the datetime) → '10:15'."""
    return _as_datetime(value).strftime("%H:%M") if value else ""


def _as_datetime(value: str | dt.datetime) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


REGISTRATION_COLUMNS: list[Column] = [
    ("受付番号", lambda r: r.receipt_number),
    ("状態", lambda r: r.status_label),
    ("キャンセル待ち順位", lambda r: r.waitlist_position or ""),
    ("氏名", lambda r: r.name),
    ("所属", lambda r: r.department),
    ("職員番号", lambda r: r.staff_number),
    ("推薦区分", lambda r: r.recommendation_label),
    ("所属長名", lambda r: r.manager_name or ""),
    ("志望動機", lambda r: r.motivation),
    ("登録日", lambda r: excel_date(r.registered_at)),
    ("登録時刻", lambda r: excel_time(r.registered_at)),
    ("更新日", lambda r: excel_date(r.updated_at)),
    ("取消日", lambda r: excel_date(r.cancelled_at)),
]


def safe_cell(value: Any) -> str:
    """The text of a cell without hidden characters, defused if Excel would read it as a formula."""
    raw = "" if value is None else str(value)
    if raw.startswith(_FORMULA_STARTS):
        return f"'{clean_text(raw)}"
    text = clean_text(raw)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV document for Japanese Excel (BOM, CRLF, formula-safe cells)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return (BOM + buffer.getvalue()).encode("utf-8")


def registrations_csv(registrations: Iterable[Registration]) -> bytes:
    return csv_bytes(
        [name for name, _ in REGISTRATION_COLUMNS],
        ([value(r) for _, value in REGISTRATION_COLUMNS] for r in registrations),
    )


def registration_record(registration: Registration) -> dict[str, Any]:
    """The JSON form of one registration (ISO dates, no person id)."""
    data = registration.as_dict()
    data.pop("person_id", None)
    for key in ("name", "department", "manager_name", "motivation"):
        if isinstance(data.get(key), str):
            data[key] = clean_text(data[key])
    return data


def registrations_json(cohort: dict[str, Any], registrations: list[Registration]) -> bytes:
    document = {
        "cohort": {key: cohort.get(key) for key in ("id", "course_id", "name", "fiscal_year", "seats", "apply_until")},
        "summary": summary(cohort, registrations),
        "registrations": [registration_record(r) for r in registrations],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def summary(cohort: dict[str, Any], registrations: list[Registration]) -> dict[str, Any]:
    """Seats, registered, waitlisted, cancelled, and the active registrations per department."""
    count = {
        status: sum(1 for r in registrations if r.status == status) for status in (CONFIRMED, WAITLISTED, CANCELLED)
    }
    departments: dict[str, dict[str, int]] = {}
    for r in registrations:
        if r.is_active:
            row = departments.setdefault(r.department, {CONFIRMED: 0, WAITLISTED: 0})
            row[r.status] += 1
    by_department = [
        {"department": name, "registered": c[CONFIRMED], "waitlisted": c[WAITLISTED]}
        for name, c in sorted(departments.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    ]
    seats = cohort.get("seats")
    return {
        "cohort_id": cohort.get("id"),
        "seats": seats,
        "registered": count[CONFIRMED],
        "waitlisted": count[WAITLISTED],
        "cancelled": count[CANCELLED],
        "remaining": max(0, seats - count[CONFIRMED]) if seats is not None else None,
        "by_department": by_department,
    }


def summary_text(data: dict[str, Any], title: str) -> str:
    """The summary as lines for the terminal."""
    seats = "定員 -（カタログにない期）" if data["seats"] is None else f"定員 {data['seats']}名"
    remaining = "" if data["remaining"] is None else f" / 残り {data['remaining']}席"
    lines = [
        title,
        f"{seats} / 受付済 {data['registered']}名 / キャンセル待ち {data['waitlisted']}名"
        f" / 取消 {data['cancelled']}名{remaining}",
    ]
    if data["by_department"]:
        lines.append("所属別（受付済 / キャンセル待ち）:")
        lines += [
            f"  {clean_text(row['department'])}: {row['registered']} / {row['waitlisted']}"
            for row in data["by_department"]
        ]
    return "\n".join(lines)


def unanswered_csv(questions: Iterable[dict[str, Any]]) -> bytes:
    """The unanswered-questions log (without sender ids) for review in Excel."""
    header = ["日付", "時刻", "チャネル", "質問", "推定した意図", "確信度", "理由"]
    rows = (
        [
            excel_date(q["asked_at"]),
            excel_time(q["asked_at"]),
            q.get("channel") or "",
            q["text"],
            q.get("intent") or "",
            "" if q.get("confidence") is None else f"{q['confidence']:.2f}",
            q["reason"],
        ]
        for q in questions
    )
    return csv_bytes(header, rows)


def unanswered_json(questions: Iterable[dict[str, Any]]) -> bytes:
    records = [{k: v for k, v in q.items() if k != "sender_id"} for q in questions]
    return (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same directory (raises OSError)."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=str(path.parent or "."))
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
