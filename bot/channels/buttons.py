"""The buttons of a Rasa bot message as every channel reads them: each with a title and a payload it
can send back (at most ``MAX_PAYLOAD_CHARS``), the first of each payload kept, anything else dropped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_PAYLOAD_CHARS = 2000


@dataclass(frozen=True)
class Button:
    """A Rasa button: what it says and the text (usually ``/intent{…}``) it sends back."""

    title: str
    payload: str


def buttons_of(raw: Any) -> list[Button]:
    """Valid buttons of a Rasa ``buttons`` list (others are dropped), without duplicate payloads."""
    seen: set[str] = set()
    result = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, Mapping):
            continue
        title, payload = str(item.get("title") or "").strip(), str(item.get("payload") or "").strip()
        if title and payload and len(payload) <= MAX_PAYLOAD_CHARS and payload not in seen:
            seen.add(payload)
            result.append(Button(title, payload))
    return result
