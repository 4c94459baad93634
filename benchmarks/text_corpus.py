"""Texts the library comparisons run on: every utterance the project has, and one long message.

Utterances are the NLU examples of ``data/nlu``, ``tests/nlu`` (plain text, entity markup removed by
Rasa's reader) and every ``say:`` of the conversation suites in ``tests/conversations``, each once.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from bot.settings import PROJECT_ROOT

NLU_DIRECTORIES = ("data/nlu", "tests/nlu")
CONVERSATION_DIRECTORY = "tests/conversations"

# Ordinary text put between catalogue names in the long message.
_FILLERS = (
    "の日程を教えてください。",
    "はいつですか？",
    "と",
    "、それから",
    "の補助はいくら？",
    "について質問です。来月の予定も知りたいです。",
    "を受けたいのですが、",
    "は去年も受けました。今年度中にもう一度申し込めますか？ ",
    "（ｾﾞﾝｶｸ/ﾊﾝｶｸ混じり）",
)


def utterances(root: Path = PROJECT_ROOT) -> list[str]:
    """Every distinct utterance, in file order."""
    from bot.evaluation.conversations import load_suite
    from bot.evaluation.examples import load_examples

    texts: list[str] = []
    for directory in NLU_DIRECTORIES:
        for path in sorted((root / directory).glob("*.yml")):
            texts += [example.text for example in load_examples(path)]
    for path in sorted((root / CONVERSATION_DIRECTORY).glob("*.yml")):
        texts += [turn.say for case in load_suite(path).cases for turn in case.turns]
    return list(dict.fromkeys(texts))


def long_message(names: Sequence[str], length: int = 9000, seed: int = 15, typos: float = 0.2) -> str:
    """``length`` characters of catalogue names, each followed by a piece of ordinary text; a share
    ``typos`` of the names longer than five characters has one character typed wrong (seeded, so
    every run measures the same message)."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < length:
        name = rng.choice(names)
        if len(name) > 5 and rng.random() < typos:
            index = rng.randrange(len(name))
            name = name[:index] + "ぬ" + name[index + 1 :]
        part = name + rng.choice(_FILLERS)
        parts.append(part)
        size += len(part)
    return "".join(parts)[:length]
