"""Sentence-level character n-gram features over the whole message, ignoring token boundaries.

Japanese has no spaces, and the same phrase is split differently when typed in kanji or in
hiragana (申込 / もう・しこみ), so n-grams limited to one token (``char_wb``) miss most of the
overlap. This featurizer joins the tokens back together and counts character n-grams of either

* ``source: surface`` — the normalised text as typed,
* ``source: folded`` — the same with katakana folded to hiragana (ｷｬﾝｾﾙ, キャンセル and きゃんせる
  are one string; kanji stay as typed), or
* ``source: reading`` — the katakana reading our tokenizer stores as each token's lemma, so
  「申込を取り消したい」 and 「もうしこみをとりけしたい」 give the same string, モウシコミヲトリケシタイ.

It emits sentence features only (one row per message); DIET combines them with the
token-level features of the other featurizers.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.vocabulary import VocabularyFeaturizer, check_ngram_range
from bot.text.normalize import fold_katakana


def message_string(message: Message, source: str) -> str:
    """The message's tokens joined without spaces, as surface, kana-folded surface or reading."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    text = "".join(token.lemma if source == "reading" else token.text for token in tokens).lower()
    return fold_katakana(text) if source == "folded" else text


SOURCES = ("surface", "folded", "reading")


def char_ngrams(text: str, low: int, high: int) -> list[str]:
    """All n-grams of ``text`` for low <= n <= high, with ^ and $ marking the ends."""
    padded = f"^{text}$"
    return [padded[i : i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceCharFeaturizer(VocabularyFeaturizer):
    """Counts character n-grams of the whole message (see module docstring)."""

    VOCABULARY_FILE = "char_vocabulary.json"
    DEFAULTS = {"source": "reading", "min_ngram": 2, "max_ngram": 4, "min_count": 1}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if config["source"] not in SOURCES:
            raise ValueError(f"source must be one of {', '.join(SOURCES)}, not {config['source']!r}")
        check_ngram_range(config)

    def train(self, training_data: TrainingData) -> Resource:
        counts: dict[str, int] = {}
        for example in training_data.training_examples:
            if example.get(TEXT):
                for gram in set(self._feature_names(example, remember=False)):
                    counts[gram] = counts.get(gram, 0) + 1
        return self._keep_vocabulary(gram for gram, count in counts.items() if count >= self._config["min_count"])

    def _feature_names(self, message: Message, remember: bool) -> list[str]:
        return char_ngrams(
            message_string(message, self._config["source"]), self._config["min_ngram"], self._config["max_ngram"]
        )
