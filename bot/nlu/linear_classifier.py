"""Intent classifier: logistic regression over our sentence features, TF-IDF-weighted per featurizer.

Our featurizers describe a message as sparse sentence-level counts: reading words, character
n-grams of the (kana-folded) surface and of the reading, and the kinds of catalogue names
mentioned with their context. A linear model over these is all the intent decision needs
(docs/nlu-report.md compares it with DIET): it trains in seconds, parses a message in well under a
millisecond, gives the same model for the same data (no random initialisation), and its
probabilities are calibrated well enough for the FallbackClassifier's thresholds.

Each featurizer's block is weighted separately (sublinear TF, IDF, L2 normalisation: a long
n-gram block does not drown a short one), then the blocks are concatenated.
"""

from __future__ import annotations

import logging
import pickle
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.component import Component, GraphPlace

logger = logging.getLogger(__name__)

MODEL_FILE = "linear_intent_classifier.pkl"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(IntentClassifier, Component):
    """See the module docstring."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Featurizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 30.0,  # inverse L2 regularisation strength
            "class_weight": "balanced",
            "max_iter": 3000,
            "ranking_length": 10,  # intents listed in intent_ranking
        }

    def __init__(self, config: dict[str, Any], place: GraphPlace, state: dict[str, Any] | None = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = place.model_storage
        self._resource = place.resource
        state = state or {}
        # Column blocks, one per featurizer (origin): (origin, width, idf weights), in column order.
        self._blocks_spec: list[tuple] = state.get("blocks", [])
        self._classes: list[str] = state.get("classes", [])
        self._coef: np.ndarray | None = state.get("coef")  # classes × columns
        self._intercept: np.ndarray | None = state.get("intercept")

    @classmethod
    def read_state(cls, model_storage: ModelStorage, resource: Resource) -> dict[str, Any] | None:
        try:
            with model_storage.read_from(resource) as directory:
                state: dict[str, Any] = pickle.loads((directory / MODEL_FILE).read_bytes())
                return state
        except ValueError:  # never trained (no NLU data)
            return None

    @staticmethod
    def _sentence_features(message: Message) -> dict[str, scipy.sparse.spmatrix]:
        """Sparse sentence features of the message per featurizer (origin)."""
        return {
            feature.origin: feature.features
            for feature in message.features
            if feature.attribute == TEXT and feature.type == "sentence" and feature.is_sparse()
        }

    # --- training ----------------------------------------------------------------------------
    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.linear_model import LogisticRegression

        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            logger.debug("LinearIntentClassifier: no intent examples, not trained")
            return self._resource
        features = [self._sentence_features(e) for e in examples]
        widths: dict[str, int] = {}
        for blocks in features:
            for origin, block in blocks.items():
                widths[origin] = block.shape[1]
        weighted, self._blocks_spec = [], []
        for origin in sorted(widths):
            width = widths[origin]
            block = scipy.sparse.vstack(
                [
                    blocks[origin].tocsr() if origin in blocks else scipy.sparse.csr_matrix((1, width))
                    for blocks in features
                ]
            ).tocsr()
            transformer = TfidfTransformer(sublinear_tf=True).fit(block)
            weighted.append(transformer.transform(block))
            self._blocks_spec.append((origin, width, np.asarray(transformer.idf_, dtype=np.float64)))
        model = LogisticRegression(
            C=self._config["C"],
            class_weight=self._config["class_weight"],
            max_iter=self._config["max_iter"],
            multi_class="multinomial",
        )
        model.fit(scipy.sparse.hstack(weighted).tocsr(), [e.get(INTENT) for e in examples])
        self._classes = [str(label) for label in model.classes_]
        self._coef, self._intercept = model.coef_.astype(np.float64), model.intercept_.astype(np.float64)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / MODEL_FILE).write_bytes(
                pickle.dumps(
                    {
                        "blocks": self._blocks_spec,
                        "classes": self._classes,
                        "coef": self._coef,
                        "intercept": self._intercept,
                    }
                )
            )
        return self._resource

    # --- inference ---------------------------------------------------------------------------
    def probabilities(self, message: Message) -> np.ndarray:
        """Class probabilities (``self._classes`` order), computed directly from the stored weights:
        the same arithmetic as scikit-learn's TfidfTransformer + LogisticRegression.predict_proba,
        without its per-call input validation (which costs milliseconds per message)."""
        assert self._intercept is not None and self._coef is not None, "process() checks the model is trained"
        scores = self._intercept.copy()
        blocks = self._sentence_features(message)
        offset = 0
        for origin, width, idf in self._blocks_spec:
            block = blocks.get(origin)
            if block is not None and block.shape[1] == width and block.nnz:
                row = block.tocsr()
                positive = row.data > 0
                columns = row.indices[positive]
                values = (np.log(row.data[positive].astype(np.float64)) + 1.0) * idf[columns]
                norm = np.sqrt(values @ values)
                if norm > 0:
                    scores += self._coef[:, offset + columns] @ (values / norm)
            offset += width
        scores -= scores.max()
        exponentials = np.exp(scores)
        probabilities: np.ndarray = exponentials / exponentials.sum()
        return probabilities

    def process(self, messages: list[Message]) -> list[Message]:
        if self._coef is None:
            return messages
        for message in messages:
            if not (message.get(TEXT) or "").strip():
                # Nothing to classify (「　」): no intent, so the FallbackClassifier predicts
                # nlu_fallback instead of failing on a message without one.
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            row = self.probabilities(message)
            order = np.argsort(row)[::-1][: self._config["ranking_length"]]
            ranking = [{"name": self._classes[i], "confidence": float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
