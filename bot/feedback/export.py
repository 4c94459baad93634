"""Feedback exports for the office: CSV for Japanese Excel (as the other exports) and JSON.

No sender ids: the office needs the question, the answer and the rating, not who gave it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from bot.registrations.export import csv_bytes, excel_date, excel_time

RATING_LABELS = {"up": "👍", "down": "👎"}
HEADER = [
    "評価日",
    "評価時刻",
    "評価",
    "コメント",
    "質問",
    "回答",
    "アクション",
    "意図",
    "確信度",
    "チャネル",
    "回答日時",
]


def _confidence(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def feedback_csv(rows: Iterable[dict[str, Any]]) -> bytes:
    return csv_bytes(
        HEADER,
        (
            [
                excel_date(r["updated_at"]),
                excel_time(r["updated_at"]),
                RATING_LABELS.get(r["rating"], r["rating"]),
                r.get("comment") or "",
                r.get("question") or "",
                r.get("answer") or "",
                r.get("action") or "",
                r.get("intent") or "",
                _confidence(r.get("confidence")),
                r.get("channel") or "",
                f"{excel_date(r['answered_at'])} {excel_time(r['answered_at'])}" if r.get("answered_at") else "",
            ]
            for r in rows
        ),
    )


def feedback_json(rows: Iterable[dict[str, Any]]) -> bytes:
    records = [{k: v for k, v in r.items() if k not in ("sender_id", "id")} for r in rows]
    return (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
