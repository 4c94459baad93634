"""Intent and entity scores from gold labels and predictions (plain Python, no hidden defaults).

Intents: accuracy, macro-F1 (unweighted mean of per-intent F1 over the intents that occur in the
gold labels), per-intent precision/recall/F1, the confusion matrix and the most frequent confusions.
A prediction of ``nlu_fallback`` is simply a wrong label: it lowers the recall of the true intent
and is no class of its own in the macro average.

Entities: each utterance's gold set of ``(entity type, catalogue id)`` pairs against the predicted
set; true positives are pairs in both, counted over all utterances (micro P/R/F1), overall and per
entity type.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from bot.evaluation.examples import EntityPair


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def _f1(precision: float, recall: float) -> float:
    return _ratio(2 * precision * recall, precision + recall)


def intent_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict:
    """Accuracy, macro-F1 and per-intent precision/recall/F1/support."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    labels = sorted(set(gold))
    pairs = Counter(zip(gold, predicted))
    gold_counts = Counter(gold)
    predicted_counts = Counter(predicted)
    per_intent = {}
    for label in labels:
        correct = pairs[(label, label)]
        precision = _ratio(correct, predicted_counts[label])
        recall = _ratio(correct, gold_counts[label])
        per_intent[label] = {
            "precision": precision,
            "recall": recall,
            "f1": _f1(precision, recall),
            "support": gold_counts[label],
        }
    correct_total = sum(count for (g, p), count in pairs.items() if g == p)
    return {
        "accuracy": _ratio(correct_total, len(gold)),
        "macro_f1": _ratio(sum(scores["f1"] for scores in per_intent.values()), len(labels)),
        "correct": correct_total,
        "total": len(gold),
        "per_intent": per_intent,
    }


def confusions(gold: Sequence[str], predicted: Sequence[str], top: int | None = None) -> list[tuple[str, str, int]]:
    """(gold, predicted, count) for every wrong pair, most frequent first."""
    wrong = Counter((g, p) for g, p in zip(gold, predicted) if g != p)
    ranked = sorted(wrong.items(), key=lambda item: (-item[1], item[0]))
    return [(g, p, count) for (g, p), count in ranked[:top]]


def confusion_matrix(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> list[list[int]]:
    """Rows: gold label; columns: predicted label (``labels`` order; extra predictions such as
    nlu_fallback must be listed in ``labels`` to be counted)."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted):
        if g in index and p in index:
            matrix[index[g]][index[p]] += 1
    return matrix


def entity_scores(gold: Iterable[Iterable[EntityPair]], predicted: Iterable[Iterable[EntityPair]]) -> dict:
    """Micro precision/recall/F1 over (entity type, value) pairs, overall and per entity type."""
    counts: dict[str, Counter] = {}
    utterances = exact = 0
    for gold_set, predicted_set in zip(gold, predicted):
        gold_set, predicted_set = set(gold_set), set(predicted_set)
        utterances += 1
        exact += gold_set == predicted_set
        for pair in gold_set | predicted_set:
            bucket = counts.setdefault(pair[0], Counter())
            if pair in gold_set and pair in predicted_set:
                bucket["tp"] += 1
            elif pair in predicted_set:
                bucket["fp"] += 1
            else:
                bucket["fn"] += 1
    per_type = {kind: _prf(bucket) for kind, bucket in sorted(counts.items())}
    total = sum(counts.values(), Counter())
    return {**_prf(total), "utterances": utterances, "utterances_exact": exact, "per_type": per_type}


def _prf(bucket: Counter) -> dict:
    tp, fp, fn = bucket["tp"], bucket["fp"], bucket["fn"]
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    return {
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "gold": tp + fn,
    }
