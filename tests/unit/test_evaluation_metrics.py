"""The NLU evaluation's arithmetic: intent and entity scores, duplicates, Rasa parse results."""

import pytest

from bot.evaluation.examples import duplicate_key
from bot.evaluation.metrics import confusion_matrix, confusions, entity_scores, intent_scores
from bot.evaluation.predictions import from_rasa_parse


def test_intent_scores_count_fallback_as_wrong():
    gold = ["greet", "greet", "thank", "thank"]
    predicted = ["greet", "nlu_fallback", "thank", "greet"]
    scores = intent_scores(gold, predicted)
    assert scores["accuracy"] == 0.5
    greet, thank = scores["per_intent"]["greet"], scores["per_intent"]["thank"]
    assert (greet["precision"], greet["recall"]) == (0.5, 0.5)
    assert (thank["precision"], thank["recall"]) == (1.0, 0.5)
    assert scores["macro_f1"] == pytest.approx((0.5 + 2 / 3) / 2)
    assert "nlu_fallback" not in scores["per_intent"]  # no class of its own in the macro average


def test_confusions_and_matrix():
    gold, predicted = ["a", "a", "a", "b"], ["b", "b", "nlu_fallback", "b"]
    assert confusions(gold, predicted) == [("a", "b", 2), ("a", "nlu_fallback", 1)]
    assert confusion_matrix(gold, predicted, ["a", "b", "nlu_fallback"]) == [[0, 2, 1], [0, 1, 0], [0, 0, 0]]


def test_entity_scores_compare_type_and_id_per_utterance():
    gold = [{("exam", "itpass")}, {("course", "leader"), ("department", "shimin")}, set()]
    predicted = [{("exam", "itpass")}, {("course", "leader")}, {("exam", "fe")}]
    scores = entity_scores(gold, predicted)
    assert (scores["tp"], scores["fp"], scores["fn"]) == (2, 1, 1)
    assert scores["precision"] == pytest.approx(2 / 3) and scores["recall"] == pytest.approx(2 / 3)
    assert scores["utterances_exact"] == 1
    assert scores["per_type"]["department"]["recall"] == 0.0


@pytest.mark.parametrize("a, b", [("はい。", "はい"), ("ＨＥＬＬＯ!", "hello"), ("お疲れ様です 。", "お疲れ様です")])
def test_duplicate_key_ignores_width_case_and_punctuation(a, b):
    assert duplicate_key(a) == duplicate_key(b)


def test_duplicate_key_keeps_kana_type():
    assert duplicate_key("はい") != duplicate_key("ハイ")


def test_from_rasa_parse_keeps_the_top_non_fallback_intent():
    result = {
        "intent": {"name": "nlu_fallback", "confidence": 0.3},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.3},
            {"name": "greet", "confidence": 0.25},
            {"name": "thank", "confidence": 0.2},
        ],
        "entities": [{"entity": "exam", "value": "itpass", "start": 0, "end": 3}],
    }
    prediction = from_rasa_parse(result, seconds=0.01)
    assert prediction.intent == "nlu_fallback" and prediction.intent_without_fallback == "greet"
    assert prediction.confidence == 0.25 and prediction.runner_up == ("thank", 0.2)
    assert prediction.entities == frozenset({("exam", "itpass")})
