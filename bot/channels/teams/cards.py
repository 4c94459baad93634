"""Renders a Rasa bot message (docs/architecture.md, "What actions send") as Teams activities.

* ``text``: Teams markdown (one paragraph per line, list items kept together).
* ``buttons``: an Adaptive Card whose ``Action.Submit`` data is ``{"manabi_payload": payload}``,
  sent as a ``messageBack`` so the chat shows the button's title as the user's message. In a
  personal chat they can instead be suggested actions (``imBack`` with the title; the channel
  remembers which payload each title stands for).
* ``custom.card``: a readable Adaptive Card 1.5 (title, subtitle, facts, sections, note, buttons);
  if the card is unusable or too large, the message falls back to text and buttons.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.channels.buttons import Button, buttons_of
from bot.channels.teams.activities import PAYLOAD_KEY

logger = logging.getLogger(__name__)

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
MAX_CARD_BYTES = 25_000  # Teams rejects messages over ~28 KB
MAX_CARD_ACTIONS = 6  # more than this go into ActionSets in the body
MAX_SUGGESTED_ACTIONS = 3  # Teams shows only the first three
_LIST_ITEM = re.compile(r"^([-*+]|\d+[.)])\s+")


@dataclass
class Rendered:
    """An outbound activity body and, for suggested actions, the title → payload map it offers."""

    activity: dict[str, Any]
    suggestions: dict[str, str] = field(default_factory=dict)


def is_list_item(line: str) -> bool:
    """True for markdown list lines (``- a``, ``* a``, ``1. a``)."""
    return bool(_LIST_ITEM.match(line.strip()))


def to_teams_markdown(text: str) -> str:
    """Teams needs a blank line between paragraphs; consecutive list items stay on single lines."""
    parts: list[str] = []
    previous_was_item = False
    for line in (raw.strip() for raw in text.replace("\r\n", "\n").split("\n")):
        if not line:
            continue
        item = is_list_item(line)
        if parts:
            parts.append("\n" if item and previous_was_item else "\n\n")
        parts.append(line)
        previous_was_item = item
    return "".join(parts)


def text_block(text: str, **style: Any) -> dict[str, Any]:
    """A wrapping Adaptive Card TextBlock."""
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def text_blocks(text: str) -> list[dict[str, Any]]:
    """One TextBlock per paragraph; a run of list items becomes one markdown list block."""
    blocks: list[dict[str, Any]] = []
    items: list[str] = []
    for line in (raw.strip() for raw in text.replace("\r\n", "\n").split("\n")):
        if line and is_list_item(line):
            items.append(line)
            continue
        if items:
            blocks.append(text_block("\r".join(items)))  # Adaptive Card lists are "\r"-separated
            items = []
        if line:
            blocks.append(text_block(line))
    if items:
        blocks.append(text_block("\r".join(items)))
    return blocks


def submit_action(button: Button) -> dict[str, Any]:
    """Action.Submit as a Teams messageBack: shows the title in the chat, sends the payload."""
    value = {PAYLOAD_KEY: button.payload}
    return {
        "type": "Action.Submit",
        "title": button.title,
        "data": {
            PAYLOAD_KEY: button.payload,
            "msteams": {"type": "messageBack", "displayText": button.title, "text": button.payload, "value": value},
        },
    }


def adaptive_card(body: list[dict[str, Any]], buttons: Iterable[Button], fallback_text: str) -> dict[str, Any]:
    """An Adaptive Card attachment; buttons beyond MAX_CARD_ACTIONS go into ActionSets."""
    actions = [submit_action(b) for b in buttons]
    content: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": list(body),
        "msteams": {"width": "Full"},
        "fallbackText": fallback_text,
    }
    if len(actions) <= MAX_CARD_ACTIONS:
        content["actions"] = actions
    else:
        for start in range(0, len(actions), MAX_CARD_ACTIONS - 1):
            content["body"].append({"type": "ActionSet", "actions": actions[start : start + MAX_CARD_ACTIONS - 1]})
    return {"contentType": CARD_CONTENT_TYPE, "content": content}


def _facts(raw: Any) -> list[dict[str, str]]:
    facts = []
    for fact in raw if isinstance(raw, list) else []:
        if isinstance(fact, (list, tuple)) and len(fact) == 2:
            facts.append({"title": str(fact[0]), "value": str(fact[1])})
        elif isinstance(fact, Mapping) and "title" in fact:
            facts.append({"title": str(fact["title"]), "value": str(fact.get("value", ""))})
    return facts


def _section(section: Any) -> list[dict[str, Any]]:
    if not isinstance(section, Mapping):
        return []
    blocks = []
    if section.get("heading"):
        blocks.append(text_block(str(section["heading"]), weight="Bolder", spacing="Medium"))
    if section.get("text"):
        blocks.extend(text_blocks(str(section["text"])))
    items = [str(i).strip() for i in section.get("items") or [] if str(i).strip()]
    if items:
        blocks.append(text_block("\r".join(f"- {i}" for i in items), spacing="Small"))
    return blocks


def card_body(card: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The Adaptive Card body for our ``custom.card`` structure (empty if it has no content)."""
    body = []
    if card.get("title"):
        body.append(text_block(str(card["title"]), size="Medium", weight="Bolder"))
    if card.get("subtitle"):
        body.append(text_block(str(card["subtitle"]), isSubtle=True, spacing="None"))
    facts = _facts(card.get("facts"))
    if facts:
        body.append({"type": "FactSet", "facts": facts})
    for section in card.get("sections") or []:
        body.extend(_section(section))
    if card.get("note"):
        body.append(text_block(str(card["note"]), isSubtle=True, spacing="Medium"))
    return body


def render_card(card: Any, extra_buttons: list[Button], fallback_text: str) -> dict[str, Any] | None:
    """Our card as an Adaptive Card attachment, or None if it is unusable or too large."""
    if not isinstance(card, Mapping):
        return None
    try:
        body = card_body(card)
    except (TypeError, ValueError, AttributeError):
        body = []
    if not body:
        logger.warning("Teams: card without usable content, sending text instead.")
        return None
    buttons = buttons_of(card.get("buttons"))
    buttons += [b for b in extra_buttons if b.payload not in {x.payload for x in buttons}]
    attachment = adaptive_card(body, buttons, fallback_text)
    if len(json.dumps(attachment, ensure_ascii=False).encode("utf-8")) > MAX_CARD_BYTES:
        logger.warning("Teams: card too large for Teams, sending text instead.")
        return None
    return attachment


def _summary(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first[:120]


def _text_activity(text: str) -> dict[str, Any]:
    return {"type": "message", "text": to_teams_markdown(text), "textFormat": "markdown"}


def _card_activity(attachment: dict[str, Any], text: str) -> dict[str, Any]:
    return {"type": "message", "attachments": [attachment], "summary": _summary(text)}


def _buttons_activity(text: str, buttons: list[Button], suggest: bool) -> Rendered:
    if suggest and len(buttons) <= MAX_SUGGESTED_ACTIONS and text.strip():
        activity = _text_activity(text)
        activity["suggestedActions"] = {
            "actions": [{"type": "imBack", "title": b.title, "value": b.title} for b in buttons]
        }
        return Rendered(activity, {b.title: b.payload for b in buttons})
    return Rendered(_card_activity(adaptive_card(text_blocks(text), buttons, text), text))


def _image_activity(url: str) -> dict[str, Any]:
    if url.startswith("https://"):
        return _card_activity(adaptive_card([{"type": "Image", "url": url, "size": "Stretch"}], [], url), url)
    return _text_activity(url)


def render_message(message: Mapping[str, Any], *, suggested_actions: bool = False) -> list[Rendered]:
    """All activities for one Rasa bot message. ``suggested_actions``: personal chat, if configured."""
    text = str(message.get("text") or "")
    buttons = buttons_of(message.get("buttons") or message.get("quick_replies"))
    custom = message.get("custom")
    card = custom.get("card") if isinstance(custom, Mapping) else None
    attachment = render_card(card, buttons, text) if card is not None else None
    rendered: list[Rendered] = []
    if attachment is not None:
        rendered.append(Rendered(_card_activity(attachment, text)))
    elif buttons:
        rendered.append(_buttons_activity(text, buttons, suggested_actions))
    elif text.strip():
        rendered.append(Rendered(_text_activity(text)))
    if isinstance(message.get("image"), str):
        rendered.append(Rendered(_image_activity(message["image"])))
    if message.get("attachment"):
        rendered.append(Rendered(_text_activity(str(message["attachment"]))))
    for element in message.get("elements") or []:
        if isinstance(element, Mapping):
            line = " : ".join(str(element[k]) for k in ("title", "subtitle") if element.get(k))
            element_buttons = buttons_of(element.get("buttons"))
            if element_buttons:
                rendered.append(_buttons_activity(line, element_buttons, False))
            elif line:
                rendered.append(Rendered(_text_activity(line)))
    return rendered
