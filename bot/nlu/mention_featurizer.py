"""Sentence features about *which kinds* of catalogue names a message mentions, and their context.

「ＡＰ対策どうすればいい」, 「応用情報の勉強法」 and 「おうようじょうほうのべんきょう」 name the same exam
in three spellings that share no characters. For the intent classifier what matters is that an
*exam* is named and what is said around it. This featurizer finds the mentions (shared with the
entity extractor, :mod:`bot.nlu.mentions`), replaces each by a placeholder for its kind in the
message (「Ⓔ対策どうすればいい」) and emits

* ``kind:<kind>`` — the message names something of this kind (exam, course, department, …);
* character n-grams of the delexicalised message that contain a placeholder (「^Ⓔ$」 for a bare exam
  name, 「Ⓔ対策」, 「Ⓒの事務」), with katakana folded to hiragana and Latin lower-cased.

The n-grams without a placeholder are left to the other featurizers. Because the features name
kinds, not aliases, an alias the office adds later yields the same features without retraining.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.char_featurizer import char_ngrams
from bot.nlu.component import GraphPlace
from bot.nlu.mentions import MentionFinder, catalogue_path, mention_finder
from bot.nlu.vocabulary import Vocabulary, VocabularyFeaturizer, check_ngram_range
from bot.text.fuzzy import Match
from bot.text.normalize import fold_katakana

PLACEHOLDERS = {
    "course": "Ⓒ",
    "exam": "Ⓔ",
    "department": "Ⓓ",
    "employment_type": "Ⓦ",
    "pass_status": "Ⓟ",
    "recommendation": "Ⓡ",
}
OTHER_PLACEHOLDER = "Ⓧ"


def delexicalised(message: Message, mentions: list[Match]) -> str:
    """The message's normalised tokens joined, each mention replaced by its kind's placeholder."""
    pieces: list[str] = []
    mention_index = 0
    ordered = sorted(mentions, key=lambda m: m.start)
    for token in message.get(TOKENS_NAMES[TEXT]) or []:
        while mention_index < len(ordered) and ordered[mention_index].end <= token.start:
            mention_index += 1
        if mention_index < len(ordered) and ordered[mention_index].start < token.end:
            placeholder = PLACEHOLDERS.get(ordered[mention_index].kind, OTHER_PLACEHOLDER)
            if not pieces or pieces[-1] != placeholder:
                pieces.append(placeholder)
            continue
        pieces.append(fold_katakana(token.text.lower()))
    return "".join(pieces)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class CatalogueMentionFeaturizer(VocabularyFeaturizer):
    """Sentence features for the kinds of catalogue names mentioned (see module docstring)."""

    VOCABULARY_FILE = "mention_vocabulary.json"
    DEFAULTS = {"catalogue_db": None, "match_readings": True, "min_ngram": 2, "max_ngram": 4}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        check_ngram_range(config)

    def __init__(self, config: dict[str, Any], place: GraphPlace, state: Vocabulary | None = None) -> None:
        super().__init__(config, place, state)
        self._finder: MentionFinder = mention_finder(
            catalogue_path(config.get("catalogue_db")), bool(config.get("match_readings", True))
        )

    def train(self, training_data: TrainingData) -> Resource:
        features = set()
        for example in training_data.training_examples:
            if example.get(TEXT):
                features.update(self._feature_names(example, remember=False))
        return self._keep_vocabulary(features)

    def _feature_names(self, message: Message, remember: bool) -> list[str]:
        mentions = self._finder.find(message, remember=remember)
        if not mentions:
            return []
        names = [f"kind:{kind}" for kind in sorted({m.kind for m in mentions})]
        placeholders = set(PLACEHOLDERS.values()) | {OTHER_PLACEHOLDER}
        grams = char_ngrams(delexicalised(message, mentions), self._config["min_ngram"], self._config["max_ngram"])
        return names + [f"gram:{gram}" for gram in grams if placeholders & set(gram)]
