"""The whole measurement: train each system on data/nlu, parse every evaluation set, score.

Systems (keys used in the JSON report):

* ``tfidf`` — baseline 1 (:mod:`bot.evaluation.tfidf_baseline`), intents only;
* ``ours`` — our pipeline, the NLU part of config.yml;
* ``stock`` — baseline 2, configs/baseline-stock.yml (SpacyNLP ja_ginza + DIET defaults).

All three see the same training data and domain and are scored on the same sets. Held-out errors are
only ever reported as counts (confusion pairs), never as utterances, so nobody tunes on them; the
dev set's errors are listed in the JSON for tuning.
"""

from __future__ import annotations

import gc
import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.evaluation import metrics, rasa_nlu, tfidf_baseline
from bot.evaluation.examples import Example, load_examples
from bot.evaluation.model_cache import ModelCache, fingerprint
from bot.evaluation.predictions import FALLBACK_INTENT, Prediction
from bot.settings import PROJECT_ROOT

SYSTEMS: dict[str, str] = {
    "ours": "Manabi (config.yml)",
    "tfidf": "Baseline 1: char TF-IDF + LogReg",
    "stock": "Baseline 2: stock Rasa (ja_ginza + DIET)",
}
SYSTEM_ORDER = ("tfidf", "ours", "stock")

Progress = Callable[[str], None]


@dataclass
class Options:
    config: Path = PROJECT_ROOT / "config.yml"
    stock_config: Path = PROJECT_ROOT / "configs" / "baseline-stock.yml"
    nlu_data: Path = PROJECT_ROOT / "data" / "nlu"
    domain: Path = PROJECT_ROOT / "domain.yml"
    eval_sets: dict[str, Path] = field(
        default_factory=lambda: {
            "heldout": PROJECT_ROOT / "tests" / "nlu" / "heldout.yml",
            "dev": PROJECT_ROOT / "tests" / "nlu" / "dev.yml",
        }
    )
    systems: Sequence[str] = SYSTEM_ORDER
    work_dir: Path = Path("/tmp")
    seed: int | None = None  # overrides our DIETClassifier's random_seed
    stock_cache: Path | None = PROJECT_ROOT / "models"  # None: always train baseline 2
    list_errors_for: tuple[str, ...] = ("dev",)  # never "heldout"


def run(options: Options, progress: Progress = print) -> dict:
    """Train, parse and score every requested system; returns the JSON-ready results."""
    train = load_examples(options.nlu_data)
    sets = {name: load_examples(path) for name, path in options.eval_sets.items()}
    progress(
        f"data: {len(train)} training utterances; "
        + ", ".join(f"{name} {len(examples)}" for name, examples in sets.items())
    )
    results: dict = {"data": describe_data(train, sets), "systems": {}}
    systems = [name for name in SYSTEM_ORDER if name in options.systems]
    for number, system in enumerate(systems, 1):
        progress(f"[{number}/{len(systems)}] {SYSTEMS[system]}: " + _announce(system, options))
        train_seconds, predictions, details = _train_and_parse(system, options, train, sets)
        scored = {name: score_set(sets[name], predictions[name], name in options.list_errors_for) for name in sets}
        results["systems"][system] = {
            "name": SYSTEMS[system],
            **details,
            "train_seconds": train_seconds,
            "parse_ms": parse_latency(predictions),
            "sets": scored,
        }
        if system == "tfidf":
            results["tfidf_default_c"] = _tfidf_with_default_c(train, sets)
        summary = "; ".join(f"{name} macro-F1 {scores['intent']['macro_f1']:.3f}" for name, scores in scored.items())
        how = f"reused the model trained {details['reused_from']} in" if details.get("reused_from") else "trained in"
        progress(f"[{number}/{len(systems)}] {SYSTEMS[system]}: {how} {train_seconds:.1f} s; {summary}")
    return results


def _train_and_parse(
    system: str, options: Options, train: list[Example], sets: dict[str, list[Example]]
) -> tuple[float, dict[str, list[Prediction]], dict[str, Any]]:
    texts = {name: [example.text for example in examples] for name, examples in sets.items()}
    if system == "tfidf":
        seconds, predictions = tfidf_baseline.train_and_predict(
            [(example.text, example.intent) for example in train], texts
        )
        return seconds, predictions, {"settings": tfidf_baseline.describe()}
    config_path = options.config if system == "ours" else options.stock_config
    details: dict = {"config": _display_path(config_path), "fallback": fallback_settings(config_path)}
    if system == "ours":
        config = (
            seeded_config(options.config, options.seed, options.work_dir)
            if options.seed is not None
            else options.config
        )
        model_path, seconds = rasa_nlu.train(config, options.nlu_data, options.domain, options.work_dir, system)
        details["seed"] = options.seed
    else:
        model_path, seconds, details["reused_from"] = _stock_model(options)
    model = rasa_nlu.RasaModel(model_path)
    predictions = {name: model.parse_all(batch) for name, batch in texts.items()}
    del model
    gc.collect()
    return seconds, predictions, details


def _stock_model(options: Options) -> tuple[Path, float, str | None]:
    """Baseline 2's model: reused if trained before from the same inputs (see model_cache), else trained."""
    if options.stock_cache is None:
        path, seconds = rasa_nlu.train(
            options.stock_config, options.nlu_data, options.domain, options.work_dir, "stock"
        )
        return path, seconds, None
    cache = ModelCache(options.stock_cache, "nlu-baseline-stock")
    key = fingerprint(options.stock_config, options.nlu_data, options.domain)
    found = cache.lookup(key)
    if found:
        return found
    path, seconds = rasa_nlu.train(options.stock_config, options.nlu_data, options.domain, options.work_dir, "stock")
    cache.store(key, path, seconds)
    return cache.model, seconds, None


def _tfidf_with_default_c(train: list[Example], sets: dict[str, list[Example]]) -> dict[str, float]:
    """Baseline 1 with scikit-learn's default C=1 instead of the dev-tuned C (a reference figure:
    how much of the margin over baseline 1 depends on tuning the baseline)."""
    import copy

    settings = copy.deepcopy(tfidf_baseline.SETTINGS)
    settings["classifier"]["C"] = 1.0
    _, predictions = tfidf_baseline.train_and_predict(
        [(e.text, e.intent) for e in train],
        {name: [e.text for e in examples] for name, examples in sets.items()},
        settings,
    )
    return {
        name: metrics.intent_scores([e.intent for e in sets[name]], [p.intent for p in batch])["macro_f1"]
        for name, batch in predictions.items()
    }


def _announce(system: str, options: Options) -> str:
    if system != "stock" or options.stock_cache is None:
        return "training…"
    cache = ModelCache(options.stock_cache, "nlu-baseline-stock")
    if cache.lookup(fingerprint(options.stock_config, options.nlu_data, options.domain)):
        return "inputs unchanged since last run, reusing its model…"
    return "training (Rasa's default 300 DIET epochs: this takes long, ~20–30 min on 2 shared cores)…"


def fallback_settings(config: Path) -> dict | None:
    """The FallbackClassifier's thresholds in a config (None: the pipeline has none)."""
    import yaml

    for component in yaml.safe_load(config.read_text(encoding="utf-8")).get("pipeline", []):
        if component.get("name") == "FallbackClassifier":
            return {
                "threshold": component.get("threshold", 0.3),
                "ambiguity_threshold": component.get("ambiguity_threshold", 0.1),
            }
    return None


def seeded_config(config: Path, seed: int, work_dir: Path) -> Path:
    """A copy of ``config`` whose DIETClassifier uses ``random_seed: seed``."""
    import yaml

    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    for component in data.get("pipeline", []):
        if component.get("name") == "DIETClassifier":
            component["random_seed"] = seed
    path = work_dir / f"{config.stem}-seed{seed}.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def score_set(examples: Sequence[Example], predictions: Sequence[Prediction], list_errors: bool) -> dict:
    gold = [example.intent for example in examples]
    acted = [prediction.intent for prediction in predictions]
    top = [prediction.intent_without_fallback for prediction in predictions]
    labels = sorted(set(gold))
    has_entities = bool(predictions) and predictions[0].entities is not None
    scored = {
        "intent": metrics.intent_scores(gold, acted),
        "intent_without_fallback": metrics.intent_scores(gold, top),
        "fallbacks": sum(intent == FALLBACK_INTENT for intent in acted),
        "confusions": [list(item) for item in metrics.confusions(gold, acted)],
        "confusion_matrix": {
            "labels": labels + [FALLBACK_INTENT],
            "rows": metrics.confusion_matrix(gold, acted, labels + [FALLBACK_INTENT]),
        },
        "entities": metrics.entity_scores(
            [e.entities for e in examples], [p.entities or frozenset() for p in predictions]
        )
        if has_entities
        else None,
    }
    if list_errors:
        scored["errors"] = _errors(examples, predictions, has_entities)
        scored["rankings"] = [
            [e.intent, p.intent_without_fallback, round(p.confidence, 4), p.runner_up[0], round(p.runner_up[1], 4)]
            for e, p in zip(examples, predictions)
        ]
    return scored


def _errors(examples: Sequence[Example], predictions: Sequence[Prediction], has_entities: bool) -> list[dict]:
    errors = []
    for example, prediction in zip(examples, predictions):
        wrong_intent = prediction.intent != example.intent
        wrong_entities = has_entities and prediction.entities != example.entities
        if wrong_intent or wrong_entities:
            errors.append(
                {
                    "text": example.text,
                    "intent": example.intent,
                    "predicted": prediction.intent,
                    "without_fallback": prediction.intent_without_fallback,
                    "confidence": round(prediction.confidence, 3),
                    "runner_up": [prediction.runner_up[0], round(prediction.runner_up[1], 3)],
                    "entities": sorted(map(list, example.entities)),
                    "predicted_entities": sorted(map(list, prediction.entities or ())) if has_entities else None,
                }
            )
    return errors


def parse_latency(predictions: dict[str, list[Prediction]]) -> dict | None:
    """Per-message parse time over every evaluation message (ms)."""
    seconds = sorted(p.seconds for batch in predictions.values() for p in batch if p.seconds is not None)
    if not seconds:
        return None
    return {
        "median": statistics.median(seconds) * 1000,
        "p95": seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))] * 1000,
        "mean": statistics.fmean(seconds) * 1000,
        "messages": len(seconds),
    }


def describe_data(train: Sequence[Example], sets: Mapping[str, Sequence[Example]]) -> dict:
    def summary(examples: Sequence[Example]) -> dict:
        return {
            "utterances": len(examples),
            "intents": dict(sorted(Counter(e.intent for e in examples).items())),
            "entity_mentions": sum(len(e.entities) for e in examples),
            "utterances_with_entities": sum(bool(e.entities) for e in examples),
        }

    return {"train": summary(train), **{name: summary(examples) for name, examples in sets.items()}}


def _display_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
