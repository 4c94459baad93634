"""Japanese tokenizer for Rasa: normalises, then splits with spaCy's Japanese tokenizer (SudachiPy).

* Normalisation is :func:`bot.text.normalize.normalize_with_offsets`, the same function the actions
  use, applied identically to training examples and to live messages. Tokens carry the normalised
  surface as their text, while ``start``/``end`` stay offsets into the text the user typed.
* Each token's ``lemma`` is set to its katakana **reading** (補助 → ホジョ, ほじょ → ホジョ). Our
  SentenceWordFeaturizer (and SentenceCharFeaturizer with ``source: reading``) then see kanji and
  all-hiragana spellings alike; Rasa's CountVectorsFeaturizer does too with ``use_lemma: true``.
  The CatalogueEntityExtractor also reads ``lemma``, to find names typed in kana or mis-converted
  by the IME (:mod:`bot.text.reading_match`); :func:`reading_tokens` gives it the readings of the
  catalogue's names, made the same way.
* Only spaCy's tokenizer is loaded (``spacy.blank("ja")``), not a full model pipeline: it costs well
  under a millisecond per message and little memory.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.text.normalize import normalize_with_offsets
from bot.text.reading_match import ReadingToken

_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(ord("ぁ"), ord("ゖ") + 1)}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class JapaneseTokenizer(Tokenizer):
    """Normalising Japanese tokenizer; see the module docstring."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # Sudachi split mode: A (short units, default) … C (named entities kept whole)
            "split_mode": "A",
        }

    @staticmethod
    def supported_languages() -> list[str] | None:
        return ["ja"]

    @staticmethod
    def required_packages() -> list[str]:
        return ["spacy", "sudachipy"]

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self._nlp = _spacy_tokenizer(config["split_mode"])

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = [
            Token(text, start, end, lemma=reading)
            for text, reading, start, end in _split(self._nlp, message.get(attribute) or "")
        ]
        patterned: list[Token] = self._apply_token_pattern(tokens)
        return patterned


@cache
def _spacy_tokenizer(split_mode: str) -> Any:
    import spacy  # imported here so `import bot.nlu` stays cheap

    return spacy.blank("ja", config={"nlp": {"tokenizer": {"split_mode": split_mode}}})


def _split(nlp: Any, text: str) -> list[tuple]:
    """(normalised surface, reading, start, end) per token; offsets index ``text``."""
    mapped = normalize_with_offsets(text)
    tokens = []
    for word in nlp.tokenizer(mapped.text):
        if word.is_space:
            continue
        start, end = mapped.original_span(word.idx, word.idx + len(word.text))
        tokens.append((word.text, _reading(word), start, end))
    return tokens


def reading_tokens(text: str, split_mode: str = "A") -> list[ReadingToken]:
    """The tokens of ``text`` with their readings, as this tokenizer makes them (for alias readings)."""
    return [ReadingToken(reading, start, end) for _, reading, start, end in _split(_spacy_tokenizer(split_mode), text)]


def _reading(word: Any) -> str:
    """Katakana reading of a spaCy token, falling back to its (kana-folded) surface."""
    readings = word.morph.get("Reading")
    reading = readings[0] if readings else ""
    if not reading or reading == "キゴウ":  # Sudachi's reading for symbols means nothing here
        reading = word.text
    return reading.translate(_HIRAGANA_TO_KATAKANA).lower()
