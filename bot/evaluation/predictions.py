"""What one system said about one utterance, in a form every metric can read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.evaluation.examples import EntityPair

FALLBACK_INTENT = "nlu_fallback"
NO_ENTITIES: frozenset[EntityPair] = frozenset()


@dataclass(frozen=True)
class Prediction:
    intent: str  # what the assistant acts on; may be nlu_fallback (then always wrong)
    intent_without_fallback: str  # the top intent other than nlu_fallback
    confidence: float  # the classifier's confidence in intent_without_fallback
    entities: frozenset[EntityPair] | None  # None: the system does not extract entities
    seconds: float | None = None  # time to parse this one message, if measured
    runner_up: tuple[str, float] = ("", 0.0)  # the second intent and its confidence


def from_rasa_parse(result: dict[str, Any], seconds: float | None = None) -> Prediction:
    """A Prediction from the dict ``Agent.parse_message`` returns."""
    intent = (result.get("intent") or {}).get("name") or FALLBACK_INTENT
    ranking = [
        (entry["name"], float(entry.get("confidence") or 0.0))
        for entry in result.get("intent_ranking") or []
        if entry.get("name") != FALLBACK_INTENT
    ]
    if not ranking:
        ranking = [(intent, float((result.get("intent") or {}).get("confidence") or 0.0))]
    return Prediction(
        intent=intent,
        intent_without_fallback=ranking[0][0],
        confidence=ranking[0][1],
        entities=frozenset((entity["entity"], str(entity["value"])) for entity in result.get("entities") or []),
        seconds=seconds,
        runner_up=ranking[1] if len(ranking) > 1 else ("", 0.0),
    )
