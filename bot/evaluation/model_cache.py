"""Keep the stock baseline's trained model between evaluation runs while its inputs are unchanged.

Baseline 2 (SpacyNLP ja_ginza + DIET with Rasa's defaults: 300 epochs with a transformer) takes
far longer to train than everything else in the evaluation (tens of minutes on 2 shared cores).
Its inputs are few and known: the config, the NLU data, the domain's intents and entities (its
responses and actions do not reach an NLU model) and the versions of Rasa, spaCy and ja_ginza.
When none of them changed, the model trained last time *is* the model this run would train, so
it is reused together with the training time measured when it was trained.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from importlib import metadata
from pathlib import Path

PACKAGES = ("rasa", "spacy", "ja-ginza", "tensorflow")


def fingerprint(config: Path, nlu_data: Path, domain: Path) -> str:
    digest = hashlib.sha256()
    files = (
        sorted(p for p in nlu_data.rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml"))
        if nlu_data.is_dir()
        else [nlu_data]
    )
    for path in [config] + files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(_nlu_part_of_domain(domain).encode())
    for package in PACKAGES:
        try:
            digest.update(f"{package}=={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(package.encode())
    return digest.hexdigest()


def _nlu_part_of_domain(domain: Path) -> str:
    import yaml

    content = yaml.safe_load(domain.read_text(encoding="utf-8")) or {}
    return json.dumps({key: content.get(key) for key in ("intents", "entities")}, ensure_ascii=False, sort_keys=True)


class ModelCache:
    """``<directory>/<name>.tar.gz`` plus ``<name>.json`` (fingerprint, training seconds, date)."""

    def __init__(self, directory: Path, name: str):
        self.model = directory / f"{name}.tar.gz"
        self.stamp = directory / f"{name}.json"

    def lookup(self, key: str) -> tuple[Path, float, str] | None:
        """(model, training seconds, trained at) if a model trained from these inputs is stored."""
        if not (self.model.exists() and self.stamp.exists()):
            return None
        try:
            stamp = json.loads(self.stamp.read_text(encoding="utf-8"))
        except ValueError:
            return None
        if stamp.get("fingerprint") != key:
            return None
        return self.model, float(stamp["train_seconds"]), stamp.get("trained_at", "")

    def store(self, key: str, model: Path, seconds: float) -> str:
        self.model.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(model, self.model)
        trained_at = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
        self.stamp.write_text(
            json.dumps({"fingerprint": key, "train_seconds": seconds, "trained_at": trained_at}), encoding="utf-8"
        )
        return trained_at
