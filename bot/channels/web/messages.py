"""Bot messages and the conversation's history in the shape the page renders.

A bot message becomes ``{"id", "text", "buttons": [{title, payload}], "card": {…}}``; the card keeps
only the fields of the conversation contract (docs/architecture.md, "What actions send"), as text.
The page builds its DOM from these with ``textContent`` (never HTML from the server).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rasa.shared.core.events import BotUttered, Event, UserUttered

from bot.channels.buttons import buttons_of
from bot.feedback.answers import iter_answers, question_text

MAX_BUTTONS = 12


def _buttons(raw: Any) -> list[dict[str, str]]:
    return [{"title": button.title, "payload": button.payload} for button in buttons_of(raw)[:MAX_BUTTONS]]


def _card(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, Mapping):
        return None
    facts = []
    for fact in raw.get("facts") or []:
        if isinstance(fact, (list, tuple)) and len(fact) == 2:
            facts.append([str(fact[0]), str(fact[1])])
        elif isinstance(fact, Mapping) and "title" in fact:
            facts.append([str(fact["title"]), str(fact.get("value", ""))])
    sections = []
    for section in raw.get("sections") or []:
        if isinstance(section, Mapping):
            sections.append(
                {
                    "heading": str(section.get("heading") or ""),
                    "text": str(section.get("text") or ""),
                    "items": [str(i) for i in section.get("items") or [] if str(i).strip()],
                }
            )
    card = {
        "title": str(raw.get("title") or ""),
        "subtitle": str(raw.get("subtitle") or ""),
        "facts": facts,
        "sections": sections,
        "note": str(raw.get("note") or ""),
        "buttons": _buttons(raw.get("buttons")),
    }
    has_content = card["title"] or card["facts"] or card["sections"] or card["note"]
    return card if has_content else None


def bot_message(message: Mapping[str, Any], message_id: str | None) -> dict[str, Any]:
    """A Rasa bot message (as sent to an output channel, or a BotUttered's data) for the page."""
    custom = message.get("custom")
    card = _card(custom.get("card")) if isinstance(custom, Mapping) else None
    buttons = _buttons(message.get("buttons") or message.get("quick_replies"))
    if card is not None:  # the message's buttons go on its card, once (as in Teams)
        offered = {b["payload"] for b in card["buttons"]}
        card["buttons"] = (card["buttons"] + [b for b in buttons if b["payload"] not in offered])[:MAX_BUTTONS]
        buttons = []
    return {"role": "bot", "id": message_id, "text": str(message.get("text") or ""), "buttons": buttons, "card": card}


def is_shown(message: Mapping[str, Any]) -> bool:
    return bool(message["text"].strip() or message["buttons"] or message["card"])


def history(events: Iterable[Event]) -> list[dict[str, Any]]:
    """The current session as the page shows it: what the person typed or clicked, and the answers.

    A payload sent without a title (the greeting the page asks for on a first visit) is not shown.
    """
    events = list(events)
    answers = iter(iter_answers(events))
    shown: list[dict[str, Any]] = []
    current: UserUttered | None = None
    for event in events:
        if isinstance(event, UserUttered):
            current = event
            text = question_text(event)
            if text and not (text.startswith("/") and text == (event.text or "")):
                shown.append({"role": "user", "text": text})
        elif isinstance(event, BotUttered) and current is not None and current.message_id:
            answer = next(answers)
            message = bot_message({"text": event.text, **(event.data or {})}, answer.answer_id)
            if is_shown(message):
                shown.append(message)
    return shown
