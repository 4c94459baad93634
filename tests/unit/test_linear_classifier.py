"""LinearIntentClassifier: per-featurizer TF-IDF weighting + logistic regression, fast inference."""

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression

from bot.nlu.linear_classifier import LinearIntentClassifier

RNG = np.random.default_rng(0)
INTENTS = ["greet", "thank", "ask_schedule"]


def message(intent=None, words=None, chars=None):
    built = Message.build(text="x", intent=intent)
    for origin, counts in (("words", words), ("chars", chars)):
        if counts is not None:
            built.add_features(
                Features(scipy.sparse.coo_matrix(np.array([counts], dtype=float)), "sentence", "text", origin)
            )
    return built


def random_counts(width, hot):
    counts = np.zeros(width)
    counts[RNG.choice(width, size=3, replace=False)] = RNG.integers(1, 3, size=3)
    counts[hot] += 2
    return counts


@pytest.fixture
def trained(tmp_path):
    examples = [
        message(intent, random_counts(6, i), random_counts(9, 3 * i))
        for _ in range(8)
        for i, intent in enumerate(INTENTS)
    ]
    classifier = LinearIntentClassifier.create(
        {"C": 10.0},
        LocalModelStorage(tmp_path),
        Resource("linear"),
        ExecutionContext(graph_schema=None, node_name="linear"),
    )
    classifier.train(TrainingData(examples))
    return classifier, examples


def block(built, origin):
    return scipy.sparse.csr_matrix([f for f in built.features if f.origin == origin][0].features)


def test_probabilities_equal_scikit_learns(trained):
    classifier, examples = trained
    origins = ("chars", "words")  # sorted, the order the classifier stacks the blocks in
    transformers = {
        o: TfidfTransformer(sublinear_tf=True).fit(scipy.sparse.vstack([block(e, o) for e in examples]))
        for o in origins
    }

    def weighted(messages):
        return scipy.sparse.hstack(
            [transformers[o].transform(scipy.sparse.vstack([block(m, o) for m in messages])) for o in origins]
        ).tocsr()

    reference = LogisticRegression(C=10.0, class_weight="balanced", max_iter=3000, multi_class="multinomial")
    reference.fit(weighted(examples), [e.get("intent") for e in examples])
    probe = message(words=random_counts(6, 1), chars=random_counts(9, 3))
    np.testing.assert_allclose(
        classifier.probabilities(probe), reference.predict_proba(weighted([probe]))[0], atol=1e-6
    )


def test_process_sets_intent_and_ranking(trained):
    classifier, _ = trained
    probe = message(words=random_counts(6, 2), chars=random_counts(9, 6))
    classifier.process([probe])
    assert probe.get("intent")["name"] == "ask_schedule"
    ranking = probe.get("intent_ranking")
    assert [r["name"] for r in ranking][0] == "ask_schedule" and len(ranking) == 3
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-9


def test_a_message_without_features_gets_the_prior(trained):
    classifier, _ = trained
    probe = message()
    classifier.process([probe])
    assert probe.get("intent")["name"] in INTENTS
