"""Baseline 1: character n-gram TF-IDF + logistic regression (scikit-learn), intents only.

Trained on the raw training texts exactly as written in data/nlu (no normalisation of ours:
no NFKC, no kana folding; only scikit-learn's default lower-casing). The settings below are fixed
here and printed in the report; they were picked as the best of a small grid on the *dev* set
(analyzer char/char_wb × n-gram ranges 1–3/1–4/2–5 × C 1/10/100, class_weight balanced, sublinear
TF; dev macro-F1 0.83–0.91, this one the best), so the baseline is a fair, tuned one.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from bot.evaluation.predictions import Prediction

SETTINGS: dict = {
    "vectorizer": {"analyzer": "char_wb", "ngram_range": (1, 4), "sublinear_tf": True, "min_df": 1, "lowercase": True},
    "classifier": {"C": 100.0, "class_weight": "balanced", "max_iter": 5000, "solver": "lbfgs", "random_state": 0},
}


def describe(settings: dict = SETTINGS) -> str:
    """One line for the report."""
    v, c = settings["vectorizer"], settings["classifier"]
    low, high = v["ngram_range"]
    return (
        f"TfidfVectorizer(analyzer={v['analyzer']!r}, ngram_range=({low}, {high}), "
        f"sublinear_tf={v['sublinear_tf']}, min_df={v['min_df']}, lowercase={v['lowercase']}) + "
        f"LogisticRegression(C={c['C']:g}, class_weight={c['class_weight']!r}, solver={c['solver']!r}, "
        f"max_iter={c['max_iter']})"
    )


class TfidfBaseline:
    def __init__(self, settings: dict = SETTINGS):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        self._pipeline = make_pipeline(
            TfidfVectorizer(**settings["vectorizer"]), LogisticRegression(**settings["classifier"])
        )

    def train(self, texts: Sequence[str], intents: Sequence[str]) -> float:
        """Fit; returns the seconds it took."""
        started = time.perf_counter()
        self._pipeline.fit(list(texts), list(intents))
        return time.perf_counter() - started

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """One prediction per text; each with its own parse time (one message at a time)."""
        classes = self._pipeline.classes_
        predictions = []
        for text in texts:
            started = time.perf_counter()
            probabilities = self._pipeline.predict_proba([text])[0]
            seconds = time.perf_counter() - started
            best, second = (int(i) for i in probabilities.argsort()[::-1][:2])
            predictions.append(
                Prediction(
                    intent=classes[best],
                    intent_without_fallback=classes[best],
                    confidence=float(probabilities[best]),
                    entities=None,
                    seconds=seconds,
                    runner_up=(classes[second], float(probabilities[second])),
                )
            )
        return predictions


def train_and_predict(
    train: Sequence[tuple[str, str]], texts_by_set: Mapping[str, Sequence[str]], settings: dict = SETTINGS
) -> tuple[float, dict[str, list[Prediction]]]:
    """Train on (text, intent) pairs; predict every evaluation set. Returns (train seconds, predictions)."""
    baseline = TfidfBaseline(settings)
    seconds = baseline.train([text for text, _ in train], [intent for _, intent in train])
    return seconds, {name: baseline.predict(texts) for name, texts in texts_by_set.items()}
