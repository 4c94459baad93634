"""The channel-neutral reply shape (see docs/architecture.md) and small formatting helpers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.catalogue.rows import Contact, Session
from bot.dates import format_date, format_short_date


@dataclass
class Reply:
    """One bot message: plain Japanese text, optional buttons, optional structured card."""

    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    card: dict[str, Any] | None = None

    def plus(self, text: str) -> Reply:
        """The same reply with ``text`` added as a paragraph."""
        return Reply(f"{self.text}\n{text}" if self.text else text, self.buttons, self.card)

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


def bullet_list(items: Sequence[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def session_when(session: Session, short: bool = False) -> str:
    """「2026年12月16日（水） 10:00〜11:30」 or 「2027年3月31日（水）までいつでも」."""
    fmt = format_short_date if short else format_date
    if not session.is_dated:
        return f"{fmt(session.ends_on)}までいつでも"
    when = fmt(session.starts_on)
    if session.start_time:
        when += f" {session.start_time}〜{session.end_time or ''}"
    return when


def session_line(session: Session, short: bool = False, with_course: bool = False) -> str:
    """One line describing a session, e.g. for a bulleted list."""
    line = session_when(session, short)
    if with_course:
        line += f" {session.course_name}"
    details = [d for d in (session.format, session.venue) if d]
    if details:
        line += "（" + "・".join(details) + "）"
    if session.note:
        line += f"　※{session.note}"
    return line


def contact_line(contact: Contact | None) -> str:
    """「デジタル行政戦略課（内線 2345）」"""
    if contact is None:
        return "デジタル行政戦略課"
    return f"{contact.name}（内線 {contact.extension}）"


def card(title: str, **parts: Any) -> dict[str, Any]:
    """A card (docs/architecture.md): title, and any of subtitle, facts, sections, note."""
    return {"title": title, **{k: v for k, v in parts.items() if v}}
