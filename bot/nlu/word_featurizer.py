"""Sentence-level word counts over the tokens' readings: what Rasa's ``CountVectorsFeaturizer``
(``use_lemma: true``, word analyzer) gives our intent classifier, without the part it does not use.

Rasa's featurizer also builds a sequence feature row per token, through scikit-learn's
``CountVectorizer.transform`` once per token: about a millisecond per message, ~10 % of a whole turn
in the Rasa server (docs/performance.md). Our only consumer, the linear intent classifier, reads
sentence features only, so this featurizer emits just those, with Rasa's exact recipe:

* each token's lemma (our tokenizer stores the katakana reading there), standalone digit runs
  replaced by ``__NUMBER__``, lower-cased;
* joined with spaces and split again with scikit-learn's word pattern ``(?u)\\b\\w+\\b`` (which drops
  punctuation tokens such as 「？」);
* counted over the training vocabulary, columns in sorted order (as scikit-learn orders them).

``tests/unit/test_word_featurizer.py`` checks the rows against Rasa's own featurizer.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.vocabulary import VocabularyFeaturizer

_NUMBER = re.compile(r"\b[0-9]+\b")  # Rasa's CountVectorsFeaturizer._process_tokens
_WORD = re.compile(r"(?u)\b\w+\b")  # the token_pattern Rasa gives scikit-learn's CountVectorizer


def reading_words(message: Message) -> list[str]:
    """The message's words as Rasa's lemma-based count vectorizer sees them (module docstring)."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    joined = " ".join(_NUMBER.sub("__NUMBER__", token.lemma or token.text).lower() for token in tokens)
    return _WORD.findall(joined.lower())


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceWordFeaturizer(VocabularyFeaturizer):
    """Counts the reading words of a message (see module docstring)."""

    VOCABULARY_FILE = "word_vocabulary.json"

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass  # nothing to configure

    def train(self, training_data: TrainingData) -> Resource:
        return self._keep_vocabulary(
            word for example in training_data.training_examples if example.get(TEXT) for word in reading_words(example)
        )

    def _feature_names(self, message: Message, remember: bool) -> list[str]:
        return reading_words(message)
