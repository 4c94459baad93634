"""Labelled utterances as plain records, read from Rasa NLU YAML files or directories.

An :class:`Example` is the text, its intent and the set of ``(entity type, value)`` pairs annotated
in it (values are catalogue ids, see docs/architecture.md). Entity *positions* are not compared
anywhere: what matters to the assistant is which catalogue item was mentioned.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.text.normalize import normalize

EntityPair = tuple[str, str]


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    entities: frozenset[EntityPair]


def load_examples(path: str | Path) -> list[Example]:
    """Every intent example in a Rasa NLU YAML file (or directory of them), in file order."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [
        Example(
            text=message.get("text"),
            intent=message.get("intent"),
            entities=frozenset((entity["entity"], str(entity["value"])) for entity in message.get("entities") or []),
        )
        for message in data.intent_examples
    ]


def duplicate_key(text: str) -> str:
    """What two utterances must share to count as "the same utterance".

    :func:`bot.text.normalize.normalize` (width, kana variants), lower case, and punctuation,
    symbols and spaces dropped, so 「はい。」「はい！」「はい」 are one utterance, as are 「ＨＥＬＬＯ」
    and 「hello」.
    """
    return "".join(char for char in normalize(text).lower() if unicodedata.category(char)[0] not in "PSZ")
