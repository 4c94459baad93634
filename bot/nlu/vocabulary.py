"""The vocabulary our sparse sentence featurizers learn, stored with the model, and the count
vector of one message over it; :class:`VocabularyFeaturizer` is their common base (the character
n-gram and catalogue-mention featurizers)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import numpy as np
import scipy.sparse
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.component import Component, GraphPlace

Vocabulary = dict[str, int]


def build_vocabulary(names: Iterable[str]) -> Vocabulary:
    """Feature name → column, columns in sorted name order (so the same data gives the same model)."""
    return {name: index for index, name in enumerate(sorted(set(names)))}


def save_vocabulary(model_storage: ModelStorage, resource: Resource, file_name: str, vocabulary: Vocabulary) -> None:
    with model_storage.write_to(resource) as directory:
        (directory / file_name).write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")


def load_vocabulary(model_storage: ModelStorage, resource: Resource, file_name: str) -> Vocabulary:
    """The stored vocabulary; empty when the component was never trained (no NLU data)."""
    try:
        with model_storage.read_from(resource) as directory:
            vocabulary: Vocabulary = json.loads((directory / file_name).read_text(encoding="utf-8"))
            return vocabulary
    except ValueError:  # Rasa's way of saying "nothing stored for this resource"
        return {}


def count_vector(names: Iterable[str], vocabulary: Vocabulary) -> scipy.sparse.coo_matrix:
    """A 1 × len(vocabulary) row counting each known name; unknown names are dropped."""
    counts: dict[int, float] = {}
    for name in names:
        index = vocabulary.get(name)
        if index is not None:
            counts[index] = counts.get(index, 0.0) + 1.0
    columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    return scipy.sparse.coo_matrix((values, (np.zeros_like(columns), columns)), shape=(1, len(vocabulary)))


def check_ngram_range(config: dict[str, Any]) -> None:
    if not 1 <= config["min_ngram"] <= config["max_ngram"]:
        raise ValueError("need 1 <= min_ngram <= max_ngram")


class VocabularyFeaturizer(SparseFeaturizer, Component):
    """A sparse sentence featurizer whose only trained state is its vocabulary (``VOCABULARY_FILE``
    in the model); subclasses say which feature names a message has (:meth:`_feature_names`) and
    which config keys they take beyond SparseFeaturizer's, with their defaults (``DEFAULTS``)."""

    VOCABULARY_FILE = "vocabulary.json"
    DEFAULTS: ClassVar[Mapping[str, Any]] = {}

    @classmethod
    def get_default_config(cls) -> dict[str, Any]:
        return {**SparseFeaturizer.get_default_config(), **cls.DEFAULTS}

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    def __init__(self, config: dict[str, Any], place: GraphPlace, state: Vocabulary | None = None) -> None:
        SparseFeaturizer.__init__(self, place.execution_context.node_name, config)
        self._model_storage = place.model_storage
        self._resource = place.resource
        self._vocabulary: Vocabulary = state or {}

    @classmethod
    def read_state(cls, model_storage: ModelStorage, resource: Resource) -> Vocabulary:
        return load_vocabulary(model_storage, resource, cls.VOCABULARY_FILE)

    def _keep_vocabulary(self, names: Iterable[str]) -> Resource:
        """Make ``names`` the vocabulary and store it with the model."""
        self._vocabulary = build_vocabulary(names)
        save_vocabulary(self._model_storage, self._resource, self.VOCABULARY_FILE, self._vocabulary)
        return self._resource

    def _feature_names(self, message: Message, remember: bool) -> list[str]:
        """The feature names of ``message`` (repeated as often as they occur); ``remember`` is True for
        live messages, whose work a later component may reuse."""
        raise NotImplementedError

    def process(self, messages: list[Message]) -> list[Message]:
        self._add_features(messages, remember=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._add_features(training_data.training_examples, remember=False)
        return training_data

    def _add_features(self, messages: list[Message], remember: bool) -> None:
        if not self._vocabulary:
            return
        for message in messages:
            if message.get(TEXT):
                features = count_vector(self._feature_names(message, remember), self._vocabulary)
                self.add_features_to_message(None, features, TEXT, message)
