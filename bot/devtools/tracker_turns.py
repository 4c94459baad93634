"""A small domain and the events of one user turn, for the tracker store tests and
``python -m benchmarks.tracker_stores`` (they store and read the same conversations)."""

from __future__ import annotations

import time
from typing import Any

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, ask_subsidy_amount]
entities: [exam]
slots:
  exam:
    type: text
    influence_conversation: false
    mappings:
      - type: from_entity
        entity: exam
responses:
  utter_greet:
    - text: こんにちは
""")


def turn(text: str, intent: str, *extra: Event) -> list[Event]:
    """The events of one user turn, as the processor logs them."""
    now = time.time()
    return [
        UserUttered(text, {"name": intent, "confidence": 0.99}, timestamp=now),
        *extra,
        ActionExecuted("utter_greet", timestamp=now),
        BotUttered("こんにちは", timestamp=now),
        ActionExecuted("action_listen", timestamp=now),
    ]


def dicts(tracker: DialogueStateTracker) -> list[dict[str, Any]]:
    return [event.as_dict() for event in tracker.events]
