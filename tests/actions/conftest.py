"""Helpers to run an action against a tracker and look at what it did."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.settings import PROJECT_ROOT

TRACKERS = Path(__file__).parent / "trackers"


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))


def tracker(
    text: str = "",
    intent: str = "inform",
    entities: Sequence[tuple[str, str]] = (),
    slots: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    sender: str = "staff-1",
    active_loop: str | None = None,
    confidence: float = 0.95,
    events: list[dict[str, Any]] | None = None,
) -> Tracker:
    """A tracker whose latest user message is ``text`` with the given intent and entities."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}],
        "entities": [
            {"entity": kind, "value": value, "extractor": "CatalogueEntityExtractor"} for kind, value in entities
        ],
        "metadata": metadata or {},
    }
    return Tracker(
        sender,
        dict(slots or {}),
        latest,
        events or [],
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def saved_tracker(name: str) -> Tracker:
    """A tracker saved as JSON (the shape the Rasa server sends to the action server)."""
    state = json.loads((TRACKERS / f"{name}.json").read_text(encoding="utf-8"))
    return Tracker.from_dict(state)


def run(action, some_tracker: Tracker, domain: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run an action; returns (events, messages sent)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, some_tracker, domain))
    return events, dispatcher.messages


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
