"""The trained assistant's NLU quality on the held-out set stays above the CI floors (issue 5).

Loads the model `make test` trains (models/manabi.tar.gz), parses every held-out utterance with the
evaluation code of `python -m bot evaluate`, and checks intent macro-F1 (nlu_fallback counted as
wrong), entity F1 and the margin over baseline 1 (char TF-IDF + logistic regression, trained here
in a few seconds). The floors and how they were chosen: bot/evaluation/floors.py. The Rasa
baselines are not trained here (minutes); their figures are in docs/nlu-report.md.
"""

import pytest

from bot import training
from bot.evaluation import floors, tfidf_baseline
from bot.evaluation.examples import load_examples
from bot.evaluation.rasa_nlu import RasaModel
from bot.evaluation.run import score_set
from bot.settings import PROJECT_ROOT

MODELS = PROJECT_ROOT / "models"
HELDOUT = PROJECT_ROOT / "tests" / "nlu" / "heldout.yml"


@pytest.fixture(scope="module")
def heldout():
    return load_examples(HELDOUT)


@pytest.fixture(scope="module")
def ours(heldout, catalogue_db):
    model = training.model_path(MODELS)
    if not model.exists():
        pytest.fail(f"no trained model at {model}: run `make test` (trains first) or `python -m bot train`")
    if not training.is_current(MODELS):
        pytest.fail(f"{model} is older than its training inputs: run `python -m bot train` first")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MANABI_CATALOGUE_DB", str(catalogue_db))
        predictions = RasaModel(model).parse_all([example.text for example in heldout])
    return score_set(heldout, predictions, list_errors=False)


@pytest.fixture(scope="module")
def tfidf(heldout):
    train = load_examples(PROJECT_ROOT / "data" / "nlu")
    _, predictions = tfidf_baseline.train_and_predict(
        [(e.text, e.intent) for e in train], {"heldout": [e.text for e in heldout]}
    )
    return score_set(heldout, predictions["heldout"], list_errors=False)


def _weakest(scores, count=5):
    ranked = sorted(scores["intent"]["per_intent"].items(), key=lambda item: item[1]["f1"])
    return ", ".join(f"{intent} {values['f1']:.2f}" for intent, values in ranked[:count])


def test_intent_macro_f1_floor(ours):
    macro_f1 = ours["intent"]["macro_f1"]
    assert macro_f1 >= floors.INTENT_MACRO_F1, (
        f"held-out intent macro-F1 {macro_f1:.3f} < floor {floors.INTENT_MACRO_F1}; weakest: {_weakest(ours)}"
    )


def test_entity_f1_floor(ours):
    entities = ours["entities"]
    assert entities["f1"] >= floors.ENTITY_F1, (
        f"held-out entity F1 {entities['f1']:.3f} < floor {floors.ENTITY_F1} "
        f"(P {entities['precision']:.3f}, R {entities['recall']:.3f})"
    )


def test_margin_over_tfidf_baseline(ours, tfidf):
    margin = ours["intent"]["macro_f1"] - tfidf["intent"]["macro_f1"]
    assert margin >= floors.MARGIN_OVER_TFIDF, (
        f"macro-F1 {ours['intent']['macro_f1']:.3f} is only {margin * 100:.1f} points above baseline 1 "
        f"({tfidf['intent']['macro_f1']:.3f}); required {floors.MARGIN_OVER_TFIDF * 100:.0f}"
    )
