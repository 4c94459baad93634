"""What one system said about one utterance, in a form every metric can read."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, Optional

from bot.evaluation.examples import EntityPair

FALLBACK_INTENT = "nlu_fallback"
NO_ENTITIES: FrozenSet[EntityPair] = frozenset()


@dataclass(frozen=True)
class Prediction:
    intent: str  # what the assistant acts on; may be nlu_fallback (then always wrong)
    intent_without_fallback: str  # the top intent other than nlu_fallback
    confidence: float
    entities: Optional[FrozenSet[EntityPair]]  # None: the system does not extract entities
    seconds: Optional[float] = None  # time to parse this one message, if measured


def from_rasa_parse(result: Dict[str, Any], seconds: Optional[float] = None) -> Prediction:
    """A Prediction from the dict ``Agent.parse_message`` returns."""
    intent = (result.get("intent") or {}).get("name") or FALLBACK_INTENT
    ranking = [entry for entry in result.get("intent_ranking") or [] if entry.get("name") != FALLBACK_INTENT]
    without_fallback = ranking[0]["name"] if ranking else intent
    return Prediction(
        intent=intent,
        intent_without_fallback=without_fallback,
        confidence=float((result.get("intent") or {}).get("confidence") or 0.0),
        entities=frozenset((entity["entity"], str(entity["value"])) for entity in result.get("entities") or []),
        seconds=seconds,
    )
