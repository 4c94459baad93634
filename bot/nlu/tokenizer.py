"""Japanese tokenizer for Rasa: normalises, then splits with spaCy's Japanese tokenizer (SudachiPy).

* Normalisation is :func:`bot.text.normalize.normalize_with_offsets`, the same function the actions
  use, applied identically to training examples and to live messages. Tokens carry the normalised
  surface as their text, while ``start``/``end`` stay offsets into the text the user typed.
* Each token's ``lemma`` is set to its katakana **reading** (補助 → ホジョ, ほじょ → ホジョ). A
  CountVectorsFeaturizer with ``use_lemma: true`` then sees kanji and all-hiragana spellings alike;
  featurizers with ``use_lemma: false`` see the surface. No other Rasa component reads ``lemma``.
* Only spaCy's tokenizer is loaded (``spacy.blank("ja")``), not a full model pipeline: it costs well
  under a millisecond per message and little memory.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.text.normalize import normalize_with_offsets

_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(ord("ぁ"), ord("ゖ") + 1)}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class JapaneseTokenizer(Tokenizer):
    """Normalising Japanese tokenizer; see the module docstring."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # Sudachi split mode: A (short units, default) … C (named entities kept whole)
            "split_mode": "A",
        }

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return ["ja"]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["spacy", "sudachipy"]

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        import spacy  # imported here so `import bot.nlu` stays cheap

        self._nlp = spacy.blank("ja", config={"nlp": {"tokenizer": {"split_mode": config["split_mode"]}}})

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "JapaneseTokenizer":
        return cls(config)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        mapped = normalize_with_offsets(message.get(attribute) or "")
        tokens = []
        for word in self._nlp.tokenizer(mapped.text):
            if word.is_space:
                continue
            start, end = mapped.original_span(word.idx, word.idx + len(word.text))
            tokens.append(Token(word.text, start, end, lemma=_reading(word)))
        return self._apply_token_pattern(tokens)


def _reading(word: Any) -> str:
    """Katakana reading of a spaCy token, falling back to its (kana-folded) surface."""
    readings = word.morph.get("Reading")
    reading = readings[0] if readings else ""
    if not reading or reading == "キゴウ":  # Sudachi's reading for symbols means nothing here
        reading = word.text
    return reading.translate(_HIRAGANA_TO_KATAKANA).lower()
