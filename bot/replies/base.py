"""The channel-neutral reply shape (see docs/architecture.md) and small formatting helpers."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from bot.dates import format_date, format_short_date


@dataclass
class Reply:
    """One bot message: plain Japanese text, optional buttons, optional structured card."""

    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    card: dict[str, Any] | None = None

    def as_utterance(self) -> dict[str, Any]:
        """Keyword arguments for rasa-sdk's ``dispatcher.utter_message``."""
        message: dict[str, Any] = {"text": self.text}
        if self.buttons:
            message["buttons"] = self.buttons
        if self.card:
            message["json_message"] = {"card": {**self.card, "buttons": self.buttons}}
        return message


def button(title: str, intent: str, **entities: str) -> dict[str, str]:
    """A button whose payload triggers ``intent`` with ``entities`` (Rasa's /intent{json} form)."""
    payload = f"/{intent}"
    if entities:
        payload += json.dumps(entities, ensure_ascii=False, separators=(",", ":"))
    return {"title": title, "payload": payload}


def yen(amount: int) -> str:
    return f"{amount:,}円"


def bullet_list(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def session_when(session: dict[str, Any], short: bool = False) -> str:
    """「2026年12月16日（水）10:00〜11:30」 or 「2027年3月31日（水）までいつでも」."""
    start = dt.date.fromisoformat(session["starts_on"])
    end = dt.date.fromisoformat(session["ends_on"])
    fmt = format_short_date if short else format_date
    if start != end:
        return f"{fmt(end)}までいつでも"
    when = fmt(start)
    if session.get("start_time"):
        when += f" {session['start_time']}〜{session.get('end_time') or ''}"
    return when


def session_line(session: dict[str, Any], short: bool = False, with_course: bool = False) -> str:
    """One line describing a session, e.g. for a bulleted list."""
    parts = [session_when(session, short)]
    if with_course:
        parts.append(session["course_name"])
    details = [session.get("format"), session.get("venue")]
    parts.append("（" + "・".join(d for d in details if d) + "）" if any(details) else "")
    line = " ".join(p for p in parts[:-1]) + parts[-1]
    if session.get("note"):
        line += f"　※{session['note']}"
    return line


def contact_line(contact: dict[str, Any]) -> str:
    """「デジタル行政戦略課（内線 2345）」"""
    if not contact:
        return "デジタル行政戦略課"
    return f"{contact['name']}（内線 {contact['extension']}）"
